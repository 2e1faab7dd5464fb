"""The lifecycle core: registration, the stage machine, quotas chased and settled, mentors."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from models.lifecycle import CandidateStage, IllegalStageTransition, reached
from models.orm import Campaign, Candidate, Contact, Obligation, Unit
from models.services import candidates as service
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.services.quota_tracking import quota_progress
from models.vocabulary import SubjectKind
from tests.chase_helpers import morning, notifications
from tests.conftest import ROOT, SMALL_DIRECTORY
from tests.dossier_helpers import forwarded

D = dt.date
PLAN = ROOT / "tests" / "data" / "lifecycle-plan.yaml"
SLUG = "lifecycle-2023-2024"


def _load() -> None:
    with unit_of_work() as session:
        import_directory_file(session, SMALL_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, PLAN, default_calendar(), at=now(), actor="test")


def _register(  # type: ignore[no-untyped-def]
    session, name: str, year: int = 2023, unit: str = "T.A", field: str = "a"
) -> Candidate:
    campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
    by = session.scalars(select(Unit).where(Unit.code == unit)).one()
    return service.register(
        session,
        campaign,
        unit=by,
        subject=SubjectKind.COLLECTIVE,
        name=name,
        subject_ref=name,
        year=year,
        field_code=field,
        at=morning(D(year, 3, 1)),
        actor="test",
    )


def _sweep(day: dt.date) -> None:
    from tasks.chasing import prepare_day

    prepare_day.fn(SLUG, morning(day))


def test_registration_names_the_lead_agency_and_is_audited() -> None:
    _load()
    with unit_of_work() as session:
        candidate = _register(session, "Hợp tác xã Thử")
        assert candidate.lead_agency is not None and candidate.lead_agency.code == "T.A"
        assert [e.to_status for e in service.history(session, candidate)] == ["registered"]
        with pytest.raises(service.RegistrationError, match="lĩnh vực 'z'"):
            campaign = candidate.campaign
            service.register(
                session,
                campaign,
                unit=candidate.registered_by,
                subject=SubjectKind.INDIVIDUAL,
                name="X",
                subject_ref="x",
                year=2023,
                field_code="z",
                at=now(),
                actor="test",
            )


def test_illegal_stage_changes_are_refused_with_a_clear_message() -> None:
    _load()
    with unit_of_work() as session:
        candidate = _register(session, "Trường Thử")
        with pytest.raises(IllegalStageTransition, match="'Đã đăng ký' sang 'Được bình chọn'"):
            service.move(session, candidate, CandidateStage.SELECTED, at=now(), actor="test")
    assert reached(
        [CandidateStage.REGISTERED, CandidateStage.FOSTERING, CandidateStage.ELIGIBLE]
    ) == {CandidateStage.REGISTERED, CandidateStage.FOSTERING, CandidateStage.ELIGIBLE}


def test_a_lead_agency_behind_its_quota_is_chased_until_it_is_met() -> None:
    _load()
    with unit_of_work() as session:
        _register(session, "Tập thể B", unit="T.B", field="b")  # T.B meets its quota early
    for day in (D(2023, 11, 27), D(2023, 11, 30)):
        _sweep(day)
    steps = [(unit, step, day) for unit, step, _, day in notifications()]
    assert ("T.A", "reminder-3", D(2023, 11, 27)) in steps
    assert ("T.A", "due", D(2023, 11, 30)) in steps
    assert not [s for s in steps if s[0] == "T.B"]  # only the agency behind is reminded
    with unit_of_work() as session:
        _register(session, "Tập thể 1")
        _register(session, "Tập thể 2")
    _sweep(D(2023, 12, 1))
    with unit_of_work() as session:
        quota_obligation = session.scalars(
            select(Obligation)
            .join(Obligation.unit)
            .where(Unit.code == "T.A", Obligation.occurrence == "2023")
        ).one()
        assert quota_obligation.status.value == "submitted"
        assert quota_obligation.note == "đã có 2/2 điển hình"
        campaign = session.scalars(select(Campaign)).one()
        rows = quota_progress(session, campaign, years=range(2023, 2025))
    yearly = {(r.unit, r.year): (r.count, r.met) for r in rows if r.year is not None}
    assert yearly[("T.A", 2023)] == (2, True) and yearly[("T.A", 2024)] == (0, False)
    period = [r for r in rows if r.year is None and r.field is None]
    assert [(r.unit, r.count, r.met) for r in period] == [("T.B", 1, True)]


def test_quotas_count_no_ineligible_or_not_selected_candidate() -> None:
    """Seed 003, II.3.2.a: "mỗi năm lựa chọn ít nhất 10 hộ gia đình" điển hình: a candidate found
    not to meet the criteria (ineligible) or not chosen by the council (not_selected) is not an
    exemplar introduced, so it does not count toward the quota."""
    _load()
    with unit_of_work() as session:
        kept = _register(session, "Tập thể 1")
        failed = _register(session, "Tập thể 2")
        rejected = _register(session, "Tập thể 3")
        at = morning(D(2023, 6, 1))
        for candidate, path in (
            (failed, ("fostering", "ineligible")),
            (rejected, ("fostering", "eligible", "nominated", "not_selected")),
        ):
            for stage in path:
                service.move(session, candidate, CandidateStage(stage), at=at, actor="test")
        campaign = kept.campaign
        rows = quota_progress(session, campaign, years=range(2023, 2024))
    count = {(r.unit, r.year): r.count for r in rows if r.field == "a"}
    assert count[("T.A", 2023)] == 1


def test_mentors_owe_assessments_from_when_fostering_starts() -> None:
    _load()
    with unit_of_work() as session:
        candidate = _register(session, "Hợp tác xã Thử")
        mentor = session.scalars(select(Contact).where(Contact.email == "officer@b.example")).one()
        service.assign_mentor(session, candidate, mentor, at=morning(D(2023, 5, 10)), actor="t")
        assert candidate.stage == CandidateStage.FOSTERING
        candidate_id = candidate.id
    _sweep(D(2023, 6, 27))
    _sweep(D(2023, 6, 30))
    mine = [(unit, step, to) for unit, step, to, _ in notifications() if unit == "T.B"]
    assert ("T.B", "reminder-3", "officer@b.example") in mine
    with unit_of_work() as session:
        owed = session.scalars(
            select(Obligation).where(Obligation.candidate_id == candidate_id)
        ).all()
        assert sorted(o.occurrence for o in owed) == [f"2023-Q2/c{candidate_id}"]
        fostered = session.get(Candidate, candidate_id)
        assert fostered is not None
        service.record_assessment(
            session,
            fostered,
            period="2023-Q2",
            progress="Đạt kế hoạch",
            difficulties="Thiếu vốn",
            support="Tập huấn",
            at=now(),
            actor="mentor",
        )
        assert owed[0].status.value == "submitted"


def test_a_registry_entry_is_written_only_after_a_decision() -> None:
    from models.orm import RegistryEntry
    from models.recognition import RewardForm
    from models.services import recognition

    _load()
    with unit_of_work() as session:
        candidate = _register(session, "Hợp tác xã Thử")
        for stage in ("fostering", "eligible", "nominated", "selected"):
            service.move(session, candidate, CandidateStage(stage), at=now(), actor="test")
        proposal = recognition.propose_reward(
            session,
            candidate,
            authority=candidate.campaign.issuer,
            form=RewardForm.BANG_KHEN,  # the province's chair decides a Bằng khen
            submitted_on=D(2024, 1, 8),
            calendar=default_calendar(),
            at=now(),
            actor="test",
        )
        forwarded(session, proposal)
        assert session.scalars(select(RegistryEntry)).all() == []
        recognition.record_decision(
            session,
            proposal,
            number="12/QĐ-UBND",
            decided_on=D(2024, 1, 20),
            form=RewardForm.BANG_KHEN,
            signed_by="Chủ tịch",
            at=now(),
            actor="test",
        )
        (entry,) = session.scalars(select(RegistryEntry)).all()
        assert (entry.candidate_id, entry.year) == (candidate.id, 2024)
        assert candidate.stage == CandidateStage.REWARDED


def test_council_members_who_have_not_voted_are_reminded_then_settled() -> None:
    from models.services import ballots
    from tasks.lifecycle import open_ballot

    _load()
    with unit_of_work() as session:
        candidate = _register(session, "Hợp tác xã Thử")
        for stage in ("fostering", "eligible"):
            service.move(
                session, candidate, CandidateStage(stage), at=morning(D(2023, 11, 1)), actor="t"
            )
    ballot_id = open_ballot.fn(SLUG, morning(D(2023, 12, 1)))
    assert ballot_id is not None
    _sweep(D(2023, 12, 4))
    _sweep(D(2023, 12, 12))  # three working days before the ballot closes (15/12)
    assert ("T", "reminder-3", "chair@t.example", D(2023, 12, 12)) in notifications()
    with unit_of_work() as session:
        from models.orm import Ballot

        ballot = session.get(Ballot, ballot_id)
        chair = session.scalars(select(Contact).where(Contact.email == "chair@t.example")).one()
        assert ballot is not None
        ballots.cast_vote(
            session,
            ballot,
            chair,
            {candidate.id: "approve"},
            set(),
            at=morning(D(2023, 12, 13)),
            seal=ballots.paper_seal_from_env(),
        )
    _sweep(D(2023, 12, 14))
    with unit_of_work() as session:
        vote = session.scalars(select(Obligation).where(Obligation.contact_id.is_not(None))).one()
        assert (vote.status.value, vote.note) == ("submitted", "đã bỏ phiếu")


def test_the_funnel_counts_each_candidate_in_every_stage_it_reached() -> None:
    from models.services.lifecycle_report import funnel

    _load()
    with unit_of_work() as session:
        stages = [CandidateStage.REGISTERED, CandidateStage.SELECTED, CandidateStage.INELIGIBLE]
        for n, stage in enumerate(stages):
            _register(session, f"c{n}").stage = stage
        _register(session, "later", year=2024).stage = CandidateStage.REWARDED
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
        counts = funnel(session, campaign)
    # registered, fostering, eligible, nominated, selected, publicised, honoured, rewarded
    assert counts == {("a", 2023): [3, 2, 1, 1, 1, 0, 0, 0], ("a", 2024): [1] * 8}


def test_the_dashboard_counts_exemplars_obligations_per_period_not_per_exemplar() -> None:
    from models.services.reporting import campaign_status

    _load()
    with unit_of_work() as session:
        mentor = session.scalars(select(Contact).where(Contact.email == "officer@b.example")).one()
        fostered = [_register(session, name) for name in ("Hợp tác xã Một", "Hợp tác xã Hai")]
        for candidate in fostered:
            service.assign_mentor(session, candidate, mentor, at=morning(D(2023, 5, 10)), actor="t")
    _sweep(D(2023, 6, 27))
    with unit_of_work() as session:
        first = session.get(Candidate, fostered[0].id)
        assert first is not None
        service.record_assessment(
            session,
            first,
            period="2023-Q2",
            progress="Đạt kế hoạch",
            difficulties="Không",
            support="Không",
            at=morning(D(2023, 6, 28)),
            actor="mentor",
        )
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
        status = campaign_status(session, campaign, default_calendar(), as_of=D(2023, 6, 28))
    per_exemplar = [
        (row.occurrence, row.counts)
        for row in status.milestones
        if sum(row.counts.values()) == 2 and row.occurrence == "quý II/2023"
    ]
    # one line for the quarter, both exemplars counted in it, not a line for each of them
    assert per_exemplar == [("quý II/2023", {"open": 1, "submitted": 1})]
    assert len({(row.milestone, row.occurrence) for row in status.milestones}) == len(
        status.milestones
    )
