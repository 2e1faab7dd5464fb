"""Simulated people in a replay: units register candidates, mentors are assigned and assess,
yearly records arrive, council members vote, the communication office publishes, and the
authority decides on rewards. Seeded through hashes, like models.simulation.

Only the people are simulated: the flows judge, tally, honour and chase exactly as in
production. Each simulated act is recorded with the simulated day it happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload

from models.authorities import COLLECTIVE_SIGNATURE, default_authorities
from models.calendar import WorkingCalendar
from models.clock import TIMEZONE
from models.lifecycle import CandidateStage
from models.orm import (
    Ballot,
    Campaign,
    Candidate,
    Publication,
    RewardProposal,
    Unit,
    YearRecord,
)
from models.plan import Milestone as PlanMilestone
from models.plan import Plan, Quota
from models.quotas import quota_milestones
from models.recognition import AWAITING_DECISION
from models.schedule import schedule_milestone
from models.services import ballots, recognition
from models.services.candidates import Mentoring, assign_mentors, register
from models.services.dossier_simulation import complete_dossiers
from models.services.obligations import Directory, plan_of
from models.services.rows import insert_rows, loaded
from models.vocabulary import ContactRole, MilestoneKind, QuotaScope, SubjectKind

SIM = "mô phỏng"
ASKED_REGISTRATIONS = 2
"""Exemplars a unit registers where the plan asks for registrations but sets no number."""
GIVEN = (
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Võ Thị Giang",
    "Đặng Văn Hải",
    "Bùi Thị Hoa",
    "Đỗ Văn Khánh",
    "Ngô Thị Lan",
)
MIDDLE = ("Minh", "Quốc", "Thanh", "Hữu", "Ngọc", "Đức", "Xuân", "Thu", "Hồng", "Kim")
TITLES = {
    SubjectKind.COLLECTIVE: [
        ("title", "Tập thể lao động xuất sắc"),
        ("title", "Khu dân cư văn hóa"),
    ],
    SubjectKind.HOUSEHOLD: [("title", "Gia đình văn hóa")],
    SubjectKind.INDIVIDUAL: [
        ("rating", "hoàn thành xuất sắc nhiệm vụ"),
        ("title", "Chiến sĩ thi đua cơ sở"),
    ],
}


def chance(*parts: object) -> float:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


@dataclass(frozen=True)
class PeopleBehaviour:
    seed: int = 2022
    registration_low: float = 0.7  # of the quota's minimum
    registration_high: float = 1.5
    mentor_delay: int = 15  # working days after registration
    record_completeness: float = 0.93  # share of years with the expected title
    vote_probability: float = 0.95
    approve_probability: float = 0.9
    publish_probability: float = 0.85
    decision_probability: float = 0.85


def simulate_people(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    people: PeopleBehaviour,
    *,
    before: dt.date,
    since: dt.date | None = None,
) -> None:
    """Everything simulated people would have done before the given day.

    `since` is the `before` of the previous call in the same replay (None on its first day):
    the yearly records then look only where one can have fallen due in between.
    """
    _register(session, campaign, calendar, people, before)
    _assign_mentors(session, campaign, calendar, people, before)
    _yearly_records(session, campaign, people, before, since)
    _vote(session, campaign, calendar, people, before)
    _publish(session, campaign, people, before, since)
    complete_dossiers(session, campaign, calendar, before)
    _decide(session, campaign, calendar, people, before, since)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), TIMEZONE)


def _register(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    people: PeopleBehaviour,
    before: dt.date,
) -> None:
    plan = plan_of(campaign)
    issued = (
        plan.document.effective_from or plan.document.date or dt.date(campaign.period_start, 1, 1)
    )
    quotas = list(quota_milestones(plan))
    period = _period_quotas(plan, quotas)
    asked = _registration_milestones(plan, calendar)
    if not quotas and not period and not asked:
        return
    known = set(
        session.scalars(select(Candidate.subject_ref).where(Candidate.campaign_id == campaign.id))
    )
    directory = Directory(session)
    serial: dict[str, int] = {}  # a unit's registrations, over every quota and year
    registering: set[int] = set()  # units a yearly quota has register
    toward_period: set[int] = set()  # units registering toward a period quota
    for index, (milestone, quota) in enumerate(quotas):
        units = directory.owing(
            directory.select(campaign, milestone.responsible), milestone, campaign.standing_body
        )
        registering.update(u.id for u in units)
        last_year = min(campaign.period_end, before.year)  # later years have no one yet
        for year in range(max(campaign.period_start, issued.year), last_year + 1):
            for unit in units:
                share = people.registration_low + (
                    people.registration_high - people.registration_low
                ) * chance(people.seed, index, unit.code, year)
                for i in range(round(max(quota.minimum, 1) * share)):
                    n = serial[unit.code] = serial.get(unit.code, -1) + 1
                    ref = f"sim-{campaign.id}-{index}-{unit.code}-{year}-{i}"
                    start = max(dt.date(year, 2, 1), issued)
                    day = start + dt.timedelta(days=int(chance(people.seed, ref) * 290))
                    if ref in known or day >= before or day.year != year:
                        continue
                    _register_one(session, campaign, people, directory, unit, quota, ref, n, day)
                    known.add(ref)
    for index, quota in period:
        assert quota.applies_to is not None  # _period_quotas keeps only those
        for unit in directory.select(campaign, quota.applies_to):
            if unit.id in registering:
                continue  # its yearly registrations are its work toward the period
            toward_period.add(unit.id)
            share = people.registration_low + (
                people.registration_high - people.registration_low
            ) * chance(people.seed, "period", index, unit.code)
            for i in range(round(max(quota.minimum, 1) * share)):
                n = serial[unit.code] = serial.get(unit.code, -1) + 1
                ref = f"sim-{campaign.id}-p{index}-{unit.code}-{i}"
                day = issued + dt.timedelta(days=int(chance(people.seed, ref) * 290))
                if ref in known or day >= before or day.year > campaign.period_end:
                    continue
                _register_one(session, campaign, people, directory, unit, quota, ref, n, day)
                known.add(ref)
    quota_registering = registering | toward_period
    for milestone, due in asked:
        # (not the recipient itself: directory.owing)
        for unit in directory.owing(directory.select(campaign, milestone.responsible), milestone):
            if unit.id in quota_registering:
                continue  # a quota already has it register
            share = people.registration_low + (
                people.registration_high - people.registration_low
            ) * chance(people.seed, milestone.id, unit.code)
            for i in range(round(ASKED_REGISTRATIONS * share)):
                n = serial[unit.code] = serial.get(unit.code, -1) + 1
                ref = f"sim-{campaign.id}-{milestone.id}-{unit.code}-{i}"
                day = issued + dt.timedelta(
                    days=int(chance(people.seed, ref) * max((due - issued).days, 1))
                )
                if ref in known or day >= before:
                    continue
                _register_one(session, campaign, people, directory, unit, None, ref, n, day)
                known.add(ref)


def _registration_milestones(
    plan: Plan, calendar: WorkingCalendar
) -> list[tuple[PlanMilestone, dt.date]]:
    """The plan's own registration steps with the standing body ("đăng ký xây dựng điển hình
    tiên tiến ..., gửi về Văn phòng Sở", seed 002), with their first due date: a plan with
    no quota still asks its units to register exemplars, so they do, by that date."""
    out = []
    for milestone in plan.milestones:
        if milestone.kind != MilestoneKind.REGISTRATION or milestone.to != plan.standing_body:
            continue
        dues = schedule_milestone(plan, milestone, calendar).dues
        if dues and not milestone.responsible.mentors:
            out.append((milestone, dues[0].due))
    return out


def _period_quotas(
    plan: Plan, chased: list[tuple[PlanMilestone, Quota]]
) -> list[tuple[int, Quota]]:
    """The quotas over the whole period that no yearly checkpoint chases, with their place in
    the plan: seed 004's "mỗi đơn vị có ít nhất 01 điển hình" is met within the plan's first
    year by units that have no yearly quota (its party cells), so their exemplars are fostered,
    assessed and honoured like any other."""
    yearly = {id(q) for _, q in chased}
    return [
        (index, q)
        for index, q in enumerate(plan.quotas)
        if q.scope == QuotaScope.UNIT_PERIOD and q.applies_to is not None and id(q) not in yearly
    ]


def _register_one(
    session: Session,
    campaign: Campaign,
    people: PeopleBehaviour,
    directory: Directory,
    unit: Unit,
    quota: Quota | None,
    ref: str,
    n: int,
    day: dt.date,
) -> None:
    """Register one simulated candidate (toward quota, or a registration the plan asks for),
    named as the unit's n-th (counted over every quota and year, registered or not yet, so a
    name never depends on the day the replay stopped)."""
    subject = (quota.subject if quota else None) or _subject(people.seed, ref)
    register(
        session,
        campaign,
        unit=_registrar(unit, quota.scope, directory) if quota else unit,
        subject=subject,
        name=_name(subject, f"sim-{campaign.id}-{unit.code}", unit, n),
        subject_ref=ref,
        year=day.year,
        field_code=quota.field if quota else None,
        at=_at(day),
        actor=f"{SIM}: {unit.code}",
    )


def _person(group: str, i: int) -> str:
    """The i-th person of a group, from a seeded start: a family name and a given name of
    GIVEN (a hundred distinct pairs, GIVEN's own names first), then the same with a middle
    name of MIDDLE (a thousand more)."""
    k = int(chance(group, "n") * len(GIVEN)) + i
    size = len(GIVEN)
    family = GIVEN[(k // size + k) % size].split(" ", 1)[0]
    given = GIVEN[k % size].split(" ", 1)[1]
    if k >= size * size:
        middle = MIDDLE[(k // (size * size) - 1) % len(MIDDLE)]
        head, _, last = given.rpartition(" ")
        given = f"{head} {middle} {last}"
    return f"{family} {given}"


def _registrar(unit: Unit, scope: QuotaScope, directory: Directory) -> Unit:
    """A locality registers through one of its communes when it has any."""
    if scope == QuotaScope.LOCALITY_YEAR:
        communes = [u for u in directory.children[unit.id] if u.kind.value == "commune"]
        if communes:
            return communes[int(chance(unit.code) * len(communes))]
    return unit


def _subject(seed: int, ref: str) -> SubjectKind:
    return (SubjectKind.COLLECTIVE, SubjectKind.INDIVIDUAL)[chance(seed, ref, "s") < 0.5]


def _name(subject: SubjectKind, group: str, unit: Unit, i: int) -> str:
    """A synthetic exemplar's name, distinct from the others a unit registers (the i-th of
    them, over every quota and year): drawn one by one, four households of one Sở were all
    "Hộ gia đình Bùi Thị Hoa" and each year's third collective "Tập thể tiêu biểu số 3", so
    their lines could not be told apart (issue 20)."""
    person = _person(group, i)
    if subject == SubjectKind.INDIVIDUAL:
        return f"{person} ({unit.name})"
    if subject == SubjectKind.HOUSEHOLD:
        return f"Hộ gia đình {person}"
    return f"Tập thể tiêu biểu số {i + 1} — {unit.name}"


def _assign_mentors(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    people: PeopleBehaviour,
    before: dt.date,
) -> None:
    waiting = session.execute(
        select(Candidate.id, Candidate.created_at).where(
            Candidate.campaign_id == campaign.id,
            Candidate.stage == CandidateStage.REGISTERED,
            Candidate.created_at < _at(before, 0),  # no one registered later has a mentor yet
        )
    )
    due = {
        cid: day
        for cid, created_at in waiting
        if (day := calendar.add_working_days(created_at.date(), people.mentor_delay)) < before
    }
    assignments = []
    for c in loaded(
        session, Candidate, due, selectinload(Candidate.registered_by).selectinload(Unit.contacts)
    ):
        mentor = next(
            iter(c.registered_by.contacts_with(ContactRole.EMULATION_OFFICER, ContactRole.HEAD)),
            None,
        )
        if mentor is not None:
            assignments.append(
                Mentoring(c, mentor, _at(due[c.id]), f"{SIM}: {c.registered_by.code}")
            )
    assign_mentors(session, assignments)


def _yearly_records(
    session: Session,
    campaign: Campaign,
    people: PeopleBehaviour,
    before: dt.date,
    since: dt.date | None,
) -> None:
    """Each year's titles and ratings, known from the following January on.

    Only candidates without any record of a year are looked at (one indexed NOT EXISTS per
    year), so a national replay does not reread a million records every simulated day. A
    record falls due once both its year's import day and its candidate exist, so after a
    `since` only the years imported since then and the candidates registered since then can
    owe one: the others were written, or left out by chance for good, on an earlier day.
    """
    known = [
        year
        for year in range(campaign.period_start - 5, before.year)
        if _imported_on(year) < before
    ]
    for year in known:
        recorded = exists().where(
            YearRecord.subject_ref == Candidate.subject_ref, YearRecord.year == year
        )
        query = select(Candidate.subject_ref, Candidate.subject).where(
            Candidate.campaign_id == campaign.id,
            Candidate.created_at < _at(before, 0),  # one registered later owes nothing yet
            ~recorded,
        )
        if since is not None and _imported_on(year) < since:
            query = query.where(Candidate.created_at >= _at(since, 0))
        missing = session.execute(query.distinct())
        rows = [
            {
                "subject_ref": ref,
                "year": year,
                "kind": kind,
                "value": value,
                "note": None,
                "source": SIM,
                "imported_at": _at(_imported_on(year)),
            }
            for ref, subject in missing
            if chance(people.seed, ref, year, "r") <= people.record_completeness
            for kind, value in TITLES[subject]
        ]
        if rows:
            insert_rows(session, YearRecord, rows)


def _imported_on(year: int) -> dt.date:
    """The day a year's titles and ratings reach the simulated database."""
    return dt.date(year + 1, 1, 10)


def _vote(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    people: PeopleBehaviour,
    before: dt.date,
) -> None:
    seal = None  # the server's key, read once a ballot is open (as the web app holds it)
    for ballot in session.scalars(
        select(Ballot).where(Ballot.campaign_id == campaign.id, Ballot.status == "open")
    ):
        seal = seal or ballots.paper_seal_from_env()
        for member in ballots.members_not_voted(session, ballot):
            if chance(people.seed, ballot.id, member.id, "v") > people.vote_probability:
                continue
            day = calendar.add_working_days(
                ballot.opens_at.date(), 1 + int(chance(ballot.id, member.id) * 7)
            )
            if day >= before or _at(day) >= ballot.closes_at:
                continue
            choices = {
                candidate.id: "approve"
                if chance(people.seed, ballot.id, member.id, candidate.id)
                < people.approve_probability
                else "reject"
                for candidate in ballot.candidates
            }
            ballots.cast_vote(session, ballot, member, choices, set(), at=_at(day), seal=seal)


def _publish(
    session: Session,
    campaign: Campaign,
    people: PeopleBehaviour,
    before: dt.date,
    since: dt.date | None,
) -> None:
    query = (
        select(Publication.id, Publication.due_on)
        .join(Publication.candidate)
        .where(
            Candidate.campaign_id == campaign.id,
            Publication.published_on.is_(None),
            # an article due later than this cannot have gone out before `before`
            Publication.due_on < before + dt.timedelta(days=PUBLISHED_EARLY),
        )
    )
    if since is not None:
        # One drafted before `since` and due before it was looked at on the previous call,
        # when every day it could go out had passed: it is never published.
        query = query.where(
            or_(Publication.due_on >= since, Publication.created_at >= _at(since, 0))
        )
    owed = session.execute(query)
    out = {
        pid: day
        for pid, due_on in owed
        if chance(people.seed, "p", pid) <= people.publish_probability
        and (day := due_on - dt.timedelta(days=int(chance("pd", pid) * PUBLISHED_EARLY))) < before
    }
    recognition.confirm_publications(
        session,
        [
            recognition.Confirmation(
                p,
                url=f"https://congthongtin.{campaign.issuer.code.lower()}.example/bai/{p.id}",
                published_on=out[p.id],
                at=_at(out[p.id]),
                actor=f"{SIM}: {p.responsible_unit.code}",
            )
            for p in loaded(
                session,
                Publication,
                out,
                selectinload(Publication.candidate),
                selectinload(Publication.responsible_unit),
            )
        ],
    )


PUBLISHED_EARLY = 10
"""An article goes out up to this many days before it is due."""

DECISION_DAYS = range(5, 30)
"""Working days from a complete dossier to the authority's decision, one drawn per proposal."""


def _signature(proposal: RewardProposal, day: dt.date) -> str:
    """How the authority signs: on behalf of the body where a body decides (T/M Đảng ủy)."""
    unit = proposal.authority
    row = default_authorities().allowing(proposal.form, unit.kind, unit.code, day)
    return (
        f"{COLLECTIVE_SIGNATURE} {unit.name}"
        if row and row.collective
        else f"Thủ trưởng {unit.name}"
    )


def _decide(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    people: PeopleBehaviour,
    before: dt.date,
    since: dt.date | None,
) -> None:
    query = (
        select(RewardProposal.id, RewardProposal.submitted_on)
        .join(RewardProposal.candidate)
        .where(Candidate.campaign_id == campaign.id, RewardProposal.status.in_(AWAITING_DECISION))
    )
    if since is not None:
        # One awaited on the previous call whose every decision day fell before `since` is
        # never decided; a proposal drafted since then is forwarded on this call at the latest
        # (complete_dossiers, before this), so it is looked at however long ago it was opened.
        last = calendar.latest_start(DECISION_DAYS[-1], since)
        query = query.where(
            or_(RewardProposal.submitted_on > last, RewardProposal.created_at >= _at(since, 0))
        )
    decided = {
        rid: day
        for rid, submitted_on in session.execute(query)
        if chance(people.seed, "d", rid) <= people.decision_probability
        and (
            day := calendar.add_working_days(
                submitted_on, DECISION_DAYS[int(chance("dd", rid) * len(DECISION_DAYS))]
            )
        )
        < before
    }
    recognition.record_decisions(
        session,
        [
            recognition.Decision(
                proposal,
                number=f"{proposal.id}/QĐ-UBND",
                decided_on=decided[proposal.id],
                form=proposal.form,
                signed_by=_signature(proposal, decided[proposal.id]),
                at=_at(decided[proposal.id]),
                actor=f"{SIM}: {proposal.authority.code}",
            )
            for proposal in loaded(
                session,
                RewardProposal,
                decided,
                selectinload(RewardProposal.candidate),
                selectinload(RewardProposal.authority),
            )
        ],
    )
