"""Reorganisations mid-campaign: `tdkt directory merge` moves a dissolved unit's work to its
successor in one transaction, and the sweep never writes to a dissolved unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from models.db import unit_of_work
from models.orm import (
    AccessLink,
    AuditEntry,
    Ballot,
    BallotParticipation,
    Base,
    Campaign,
    Candidate,
    Contact,
    Council,
    CouncilMember,
    Email,
    Milestone,
    Notification,
    Obligation,
    SubmittedDocument,
    Unit,
)
from models.services import obligations as service
from models.services import reorganisation
from models.services.candidates import assign_mentor, register
from models.services.directory import import_directory_file
from models.services.plans import campaign_by_slug
from models.services.reorganisation import MergeError, MergeResult, merge_units
from models.vocabulary import ContactRole, ObligationStatus, SubjectKind
from models.voting import BallotStatus
from notifications.mailbox import LocalMailbox
from notifications.smtp import SmtpSettings
from tasks.chasing import prepare_day
from tests.chase_helpers import SMALL, days, load_small, morning, notifications, sweep

pytestmark = pytest.mark.faults

D = dt.date

# Sở C is where Sở A's work goes; the new Sở Nội vụ takes over from the standing body.
NEW_UNITS = """\
format: 1
units:
  - code: T.C
    name: Sở C
    kind: department
    parent: T
    contacts:
      - {name: Cán bộ C, role: emulation_officer, email: officer@c.example}
      - {name: Giám đốc C, role: head, email: head@c.example}
  - code: T.NV
    name: Sở Nội vụ mới
    kind: department
    parent: T
    contacts:
      - {name: Ban Thi đua mới, role: standing_body, email: tdkt@nv.example}
"""
# The same, where Sở C already lists Sở A's director as its own head (same role and email).
WITH_TWIN = NEW_UNITS.replace(
    "      - {name: Giám đốc C, role: head, email: head@c.example}\n",
    "      - {name: Giám đốc C, role: head, email: head@c.example}\n"
    "      - {name: Ông Giám đốc A, role: head, email: head@a.example}\n",
)


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[LocalMailbox]:
    with LocalMailbox(tmp_path / "mail") as box:
        yield box


def smtp(box: LocalMailbox) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=box.port, backoff_seconds=0.01)


def world(tmp_path: Path, units: str = NEW_UNITS) -> None:
    """The small plan (Sở A and Sở B owe a plan by 28/02/2023), Sở C and a new Sở Nội vụ, and
    the obligations opened by the sweep of 20/02/2023 (reminders start on 23/02)."""
    load_small()
    path = tmp_path / "new-units.yaml"
    path.write_text(units, encoding="utf-8")
    with unit_of_work() as session:
        import_directory_file(session, path, at=morning(D(2023, 2, 1)), actor="test")
    prepare_day.fn(SMALL, morning(D(2023, 2, 20)))


MERGE_DAY = D(2023, 2, 22)


def merge(*codes: str, into: str, day: dt.date = MERGE_DAY) -> MergeResult:
    with unit_of_work() as session:
        return merge_units(session, codes, into, at=morning(day), actor="test", reason="QĐ 1/QĐ")


def unit_id(code: str) -> int:
    with unit_of_work() as session:
        found = session.scalar(select(Unit.id).where(Unit.code == code))
        assert found is not None
        return found


def find(unit: str) -> Obligation | None:
    """The unit's obligation for the small plan's one milestone."""
    with unit_of_work() as session:
        return service.find_obligation(session, SMALL, "report", unit)


def obligation(unit: str) -> Obligation:
    found = find(unit)
    assert found is not None
    return found


def audit(action: str) -> list[AuditEntry]:
    with unit_of_work() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def snapshot() -> dict[str, Any]:
    """Row counts of every table, and who owns what: a failed merge must change none of it."""
    with unit_of_work() as session:
        return {
            "counts": {
                t.name: session.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables
            },
            "units": rows(session.execute(select(Unit.code, Unit.successor_id))),
            "contacts": rows(session.execute(select(Contact.id, Contact.unit_id))),
            "obligations": rows(
                session.execute(select(Obligation.id, Obligation.unit_id, Obligation.status))
            ),
            "candidates": rows(session.execute(select(Candidate.id, Candidate.registered_by_id))),
            "standing_bodies": sorted(session.scalars(select(Campaign.standing_body_id))),
        }


def rows(result: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in result)


def register_candidate(unit: str, name: str, mentor_email: str | None = None) -> int:
    with unit_of_work() as session:
        campaign = campaign_by_slug(session, SMALL)
        owner = session.scalars(select(Unit).where(Unit.code == unit)).one()
        candidate = register(
            session,
            campaign,
            unit=owner,
            subject=SubjectKind.INDIVIDUAL,
            name=name,
            subject_ref=f"cccd:{name}",
            year=2023,
            at=morning(D(2023, 2, 21)),
            actor="test",
        )
        if mentor_email is not None:
            mentor = next(c for c in owner.contacts if c.email == mentor_email)
            assign_mentor(session, candidate, mentor, at=morning(D(2023, 2, 21)), actor="test")
        return candidate.id


# --------------------------------------------------------------------------- what moves


def test_obligations_candidates_and_contacts_move_in_one_transaction(tmp_path: Path) -> None:
    world(tmp_path)
    candidate_id = register_candidate("T.A", "Nguyễn Văn Thử", mentor_email="officer@a.example")
    before = obligation("T.A")

    result = merge("T.A", into="T.C")

    (moved,) = result.units
    assert (moved.code, moved.newly_dissolved, moved.candidates) == ("T.A", True, 1)
    assert (moved.contacts_moved, moved.contacts_kept, moved.duplicates) == (2, 0, [])
    assert [(o.id, o.milestone, o.status, o.due) for o in moved.obligations] == [
        (before.id, "report", ObligationStatus.OPEN, D(2023, 2, 28))
    ]
    after = obligation("T.C")
    assert after.id == before.id and after.status == ObligationStatus.OPEN
    assert after.next_step_on == before.next_step_on  # the chain goes on where it stood
    assert find("T.A") is None
    c_id = unit_id("T.C")
    with unit_of_work() as session:
        unit_a = session.scalars(select(Unit).where(Unit.code == "T.A")).one()
        assert unit_a.successor_id == c_id and unit_a.contacts == []
        candidate = session.get_one(Candidate, candidate_id)
        assert candidate.registered_by_id == c_id
        assert candidate.mentor is not None and candidate.mentor.unit_id == c_id
        emails = {c.email for c in session.scalars(select(Contact).where(Contact.unit_id == c_id))}
    assert emails == {"officer@c.example", "head@c.example", "officer@a.example", "head@a.example"}

    # The audit log says what went where: one entry per obligation, candidate and contact.
    (transferred,) = audit("obligation.transferred")
    assert transferred.entity == "obligation" and transferred.entity_id == before.id
    assert transferred.reason is not None
    assert "từ T.A (Sở A) sang T.C (Sở C)" in transferred.reason
    assert "lý do: QĐ 1/QĐ" in transferred.reason
    assert [e.entity_id for e in audit("candidate.transferred")] == [candidate_id]
    assert len(audit("contact.transferred")) == 2
    (unit_entry,) = audit("unit.merged")
    assert unit_entry.reason is not None and "1 nghĩa vụ, 0 nghĩa vụ trùng, 1 nhân tố" in (
        unit_entry.reason
    )


def test_a_failure_half_way_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world(tmp_path)
    register_candidate("T.A", "Nguyễn Văn Thử")
    before = snapshot()

    def broken(*_: object) -> None:
        raise RuntimeError("mất kết nối giữa chừng")

    # Contacts and obligations are moved by then; the candidates' step fails.
    monkeypatch.setattr(reorganisation, "_move_candidates", broken)
    with pytest.raises(RuntimeError):
        merge("T.A", into="T.C")
    assert snapshot() == before


def test_the_successor_gets_the_next_reminder_and_the_dissolved_unit_nothing(
    tmp_path: Path, mailbox: LocalMailbox
) -> None:
    world(tmp_path)
    sweep(D(2023, 2, 23), smtp(mailbox))  # reminder-3 to Sở A's officer, before the merger
    merge("T.A", into="T.C", day=D(2023, 2, 24))
    for day in days(D(2023, 2, 24), D(2023, 3, 7)):
        sweep(day, smtp(mailbox))

    steps = [(unit, step, to, day) for unit, step, to, day in notifications() if unit != "T.B"]
    assert steps == [
        ("T.A", "reminder-3", "officer@a.example", D(2023, 2, 23)),
        # Sở A's officer now works for Sở C: both of Sở C's officers get its next steps.
        ("T.C", "due", "officer@a.example", D(2023, 2, 28)),
        ("T.C", "due", "officer@c.example", D(2023, 2, 28)),
        ("T.C", "escalation-1", "head@a.example", D(2023, 3, 2)),
        ("T.C", "escalation-1", "head@c.example", D(2023, 3, 2)),
        ("T.C", "escalation-2", "snv@t.example", D(2023, 3, 6)),
    ]
    a_id, c_id, snv_id = unit_id("T.A"), unit_id("T.C"), unit_id("T.SNV")
    with unit_of_work() as session:
        late = session.scalars(select(Notification).where(Notification.day > D(2023, 2, 23)))
        assert a_id not in {n.recipient_unit_id for n in late}
        moved_ids = {
            n.recipient_unit_id
            for n in session.scalars(select(Notification).where(Notification.key.contains("/T.C/")))
            if n.step != "escalation-2"
        }
        assert moved_ids == {c_id}
        after = session.scalars(select(Email).where(Email.day > D(2023, 2, 23))).all()
        # The standing body's digest lists the overdue units: Sở C and Sở B, not Sở A.
        texts = [_text(e.mime) for e in after]
        links = session.scalars(select(AccessLink)).all()
        # Every personal link, the one of 23/02 included, is now held by a contact of Sở C
        # (or of the standing body, for its escalation).
        held = {link.contact.unit_id for link in links if link.obligation.unit_id == c_id}
        assert held == {c_id, snv_id}
    assert texts and all("Sở A" not in text for text in texts)
    assert any("Sở C" in text for text in texts)
    assert mailbox.received == len(after) + 2  # and the two reminders of 23/02


def test_an_email_composed_before_the_merger_still_goes_out_once(
    tmp_path: Path, mailbox: LocalMailbox
) -> None:
    world(tmp_path)
    prepare_day.fn(SMALL, morning(D(2023, 2, 23)))  # composed, not yet sent (SMTP was down)
    merge("T.A", into="T.C", day=D(2023, 2, 23))
    for day in days(D(2023, 2, 24), D(2023, 2, 28)):
        sweep(day, smtp(mailbox))

    # The reminder of 23/02 reaches the same mailbox (its contact moved to Sở C) instead of
    # being dropped with its step; the next step is Sở C's.
    steps = [(unit, step, to, day) for unit, step, to, day in notifications() if unit != "T.B"]
    assert steps == [
        ("T.A", "reminder-3", "officer@a.example", D(2023, 2, 23)),
        ("T.C", "due", "officer@a.example", D(2023, 2, 28)),
        ("T.C", "due", "officer@c.example", D(2023, 2, 28)),
    ]
    with unit_of_work() as session:
        sent = session.execute(select(Email.day, Email.recipient_email, Email.status)).all()
    assert sorted((day, to) for day, to, status in sent if status == "sent") == sorted(
        (day, to) for _, _, to, day in notifications()
    )
    assert mailbox.received == len(sent)  # each exactly once


def _text(mime: bytes) -> str:
    body = message_from_bytes(mime, policy=policy.default).get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_a_merged_standing_body_receives_the_escalations(
    tmp_path: Path, mailbox: LocalMailbox
) -> None:
    world(tmp_path)
    result = merge("T.SNV", into="T.NV")
    assert result.units[0].others == ["cơ quan thường trực của 1 kế hoạch", "nơi nhận của 4 mốc"]
    sweep(D(2023, 3, 6), smtp(mailbox))  # the escalations to the standing body fall due
    assert {(unit, step, to) for unit, step, to, _ in notifications()} == {
        (unit, "escalation-2", to)
        for unit in ("T.A", "T.B")
        for to in ("tdkt@nv.example", "snv@t.example")  # the old body's mailbox moved too
    }
    with unit_of_work() as session:
        senders = {
            str(message_from_bytes(e.mime, policy=policy.default)["From"])
            for e in session.scalars(select(Email))
        }
        recipients = set(session.scalars(select(Milestone.recipient_id)))
    assert senders and all("Sở Nội vụ mới" in sender for sender in senders)
    assert recipients == {unit_id("T.NV")}  # what is owed goes to the new body


# --------------------------------------------------------------------------- conflicts


def test_both_open_the_successors_goes_on_and_the_predecessors_is_closed(
    tmp_path: Path, mailbox: LocalMailbox
) -> None:
    world(tmp_path)
    sweep(D(2023, 2, 23), smtp(mailbox))
    a, b = obligation("T.A"), obligation("T.B")

    (merged,) = merge("T.A", into="T.B", day=D(2023, 2, 24)).units

    assert merged.obligations == []
    (duplicate,) = merged.duplicates
    assert (duplicate.obligation.id, duplicate.successor_obligation_id) == (a.id, b.id)
    assert "được miễn" in duplicate.outcome and f"#{b.id}" in duplicate.outcome
    closed = obligation("T.A")
    assert closed.status == ObligationStatus.WAIVED and closed.unit_id == unit_id("T.A")
    assert closed.note is not None and f"nghĩa vụ #{b.id} của T.B" in closed.note
    assert obligation("T.B").status == ObligationStatus.OPEN
    assert {e.entity_id for e in audit("obligation.merged")} == {a.id, b.id}
    assert [e.entity_id for e in audit("obligation.waived")] == [a.id]

    for day in days(D(2023, 2, 24), D(2023, 3, 2)):
        sweep(day, smtp(mailbox))
    later = [(u, s, to) for u, s, to, day in notifications() if day > D(2023, 2, 23)]
    assert later == [
        ("T.B", "due", "officer@a.example"),
        ("T.B", "due", "officer@b.example"),
        ("T.B", "escalation-1", "head@a.example"),
        ("T.B", "escalation-1", "head@b.example"),
    ]


def test_what_the_predecessor_submitted_counts_for_the_successor(tmp_path: Path) -> None:
    world(tmp_path)
    submitted_at = morning(D(2023, 2, 21))
    with unit_of_work() as session:
        a = service.find_obligation(session, SMALL, "report", "T.A")
        assert a is not None
        service.submit(session, a, at=submitted_at, actor="officer@a.example")
        session.add(
            SubmittedDocument(
                obligation_id=a.id,
                sha256="ab" * 32,
                filename="ke-hoach-so-a.pdf",
                media_type="application/pdf",
                size=1234,
                uploaded_at=submitted_at,
                uploaded_by="officer@a.example",
            )
        )
    a, b = obligation("T.A"), obligation("T.B")

    (merged,) = merge("T.A", into="T.B").units

    assert "'Đã nộp' chờ tiếp nhận" in merged.duplicates[0].outcome
    taken = obligation("T.B")
    assert taken.status == ObligationStatus.SUBMITTED and taken.submitted_at == submitted_at
    assert taken.note is not None and f"đã nộp qua T.A (nghĩa vụ #{a.id})" in taken.note
    kept = obligation("T.A")  # the record of what Sở A did stays with Sở A
    assert kept.status == ObligationStatus.SUBMITTED and kept.unit_id == unit_id("T.A")
    with unit_of_work() as session:
        documents = session.execute(
            select(SubmittedDocument.obligation_id, SubmittedDocument.sha256)
        )
        assert rows(documents) == sorted([(a.id, "ab" * 32), (b.id, "ab" * 32)])
    assert [e.entity_id for e in audit("obligation.submitted")][-1] == b.id
    for day in days(D(2023, 2, 22), D(2023, 3, 7)):
        prepare_day.fn(SMALL, morning(day))
    assert notifications() == []  # nobody is chased for what was sent


def test_two_units_into_a_new_one(tmp_path: Path) -> None:
    world(tmp_path)
    a, b = obligation("T.A"), obligation("T.B")
    result = merge("T.A", "T.B", into="T.C")
    first, second = result.units
    assert [o.id for o in first.obligations] == [a.id]
    assert [(d.obligation.id, d.successor_obligation_id) for d in second.duplicates] == [
        (b.id, a.id)
    ]
    assert obligation("T.C").id == a.id
    assert obligation("T.B").status == ObligationStatus.WAIVED
    with unit_of_work() as session:
        c = session.scalars(select(Unit).where(Unit.code == "T.C")).one()
        assert len(c.contacts) == 6


# --------------------------------------------------------------------------- contacts


def test_a_contact_the_successor_already_has_stays_and_what_refers_to_it_follows(
    tmp_path: Path,
) -> None:
    world(tmp_path, WITH_TWIN)
    candidate_id = register_candidate("T.A", "Trần Thị Thử", mentor_email="head@a.example")
    with unit_of_work() as session:
        twin = session.scalars(
            select(Contact).join(Unit).where(Unit.code == "T.A", Contact.email == "head@a.example")
        ).one()
        province = session.scalars(select(Unit).where(Unit.code == "T")).one()
        council = Council(code="HD-T", name="Hội đồng", unit=province, quorum=0.5, approval=0.5)
        session.add(council)
        session.flush()
        session.add(CouncilMember(council_id=council.id, contact_id=twin.id))
        twin_id, council_id = twin.id, council.id

    (merged,) = merge("T.A", into="T.C").units

    assert (merged.contacts_moved, merged.contacts_kept) == (1, 1)
    with unit_of_work() as session:
        kept = session.get_one(Contact, twin_id)
        assert kept.unit.code == "T.A"  # (T.C, head, head@a.example) exists already
        successors = session.scalars(
            select(Contact).join(Unit).where(Unit.code == "T.C", Contact.email == "head@a.example")
        ).one()
        candidate = session.get_one(Candidate, candidate_id)
        assert candidate.mentor_id == successors.id
        members = session.scalars(
            select(CouncilMember.contact_id).where(CouncilMember.council_id == council_id)
        ).all()
        assert members == [successors.id]
    (entry,) = audit("contact.merged")
    assert entry.entity_id == twin_id and entry.reason is not None
    assert "theo dõi 1 nhân tố" in entry.reason and "thành viên 1 Hội đồng" in entry.reason
    assert merge("T.A", into="T.C").changed is False


# --------------------------------------------------------------------------- idempotent


def test_running_the_same_merge_again_moves_nothing(tmp_path: Path) -> None:
    world(tmp_path)
    register_candidate("T.A", "Nguyễn Văn Thử")
    first = merge("T.A", into="T.B")
    assert first.changed and first.units[0].duplicates
    before = snapshot()
    again = merge("T.A", into="T.B", day=D(2023, 2, 25))
    assert again.changed is False
    assert again.units[0].obligations == [] and again.units[0].duplicates == []
    assert snapshot() == before  # the audit log included: nothing recorded twice


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("first", "codes", "into", "message"),
    [
        (None, ["T.X"], "T.C", "không có đơn vị mã T.X trong danh bạ"),
        (None, ["T.A"], "T.Y", "không có đơn vị mã T.Y trong danh bạ"),
        (None, [], "T.C", "cần nêu ít nhất một đơn vị bị sáp nhập"),
        (None, ["T.A"], "T.A", "không thể sáp nhập đơn vị T.A vào chính nó"),
        (None, ["T"], "T.A", "T.A là đơn vị cấp dưới của T"),
        ("T.A", ["T.C"], "T.A", "sẽ tạo vòng lặp: T.C → T.A → T.C"),
        ("T.A", ["T.B"], "T.A", "T.A đã được sáp nhập vào T.C (Sở C); hãy sáp nhập vào T.C"),
        ("T.A", ["T.A"], "T.B", "đơn vị T.A đã được sáp nhập vào T.C (Sở C) trước đó"),
    ],
    ids=["unknown", "unknown-successor", "none", "self", "descendant", "cycle", "dissolved",
         "elsewhere"],
)  # fmt: skip
def test_bad_merges_are_refused_and_write_nothing(
    tmp_path: Path, first: str | None, codes: list[str], into: str, message: str
) -> None:
    world(tmp_path)
    if first is not None:
        merge(first, into="T.C")
    before = snapshot()
    with pytest.raises(MergeError) as info:
        merge(*codes, into=into)
    assert any(message in problem for problem in info.value.problems), info.value.problems
    assert snapshot() == before


def test_every_problem_is_named_at_once(tmp_path: Path) -> None:
    world(tmp_path)
    with pytest.raises(MergeError) as info:
        merge("T.X", "T.C", into="T.C")
    assert info.value.problems == [
        "không có đơn vị mã T.X trong danh bạ",
        "không thể sáp nhập đơn vị T.C vào chính nó",
    ]


def test_a_shared_contact_on_an_open_ballot_is_refused(tmp_path: Path) -> None:
    world(tmp_path, WITH_TWIN)
    with unit_of_work() as session:
        twin = session.scalars(
            select(Contact).join(Unit).where(Unit.code == "T.A", Contact.role == ContactRole.HEAD)
        ).one()
        province = session.scalars(select(Unit).where(Unit.code == "T")).one()
        council = Council(code="HD-T", name="Hội đồng", unit=province, quorum=0.5, approval=0.5)
        ballot = Ballot(
            council=council,
            campaign=campaign_by_slug(session, SMALL),
            title="Bình xét 2023",
            award="giay-khen",
            opens_at=morning(D(2023, 2, 20)),
            closes_at=morning(D(2023, 3, 20)),
            status=BallotStatus.OPEN,
            quorum=0.5,
            approval=0.5,
        )
        session.add(ballot)
        session.flush()
        session.add(
            BallotParticipation(ballot_id=ballot.id, contact_id=twin.id, conflict_candidate_ids=[])
        )
    before = snapshot()
    with pytest.raises(MergeError, match="phiếu bình xét #1 đang mở"):
        merge("T.A", into="T.C")
    assert snapshot() == before


# --------------------------------------------------------------------------- the sweep's guard


def test_the_sweep_never_writes_to_a_unit_dissolved_without_a_merge(tmp_path: Path) -> None:
    """A successor set by a directory file moves nothing: the unit's own obligations are then
    held (and reported), the successor gets its own, and the merge settles the two."""
    world(tmp_path)
    dissolved = tmp_path / "dissolved.yaml"
    dissolved.write_text(
        "format: 1\nunits:\n"
        "  - {code: T.A, name: Sở A, kind: department, parent: T, successor: T.C, contacts: [\n"
        "      {name: Cán bộ A, role: emulation_officer, email: officer@a.example},\n"
        "      {name: Giám đốc A, role: head, email: head@a.example}]}\n",
        encoding="utf-8",
    )
    with unit_of_work() as session:
        import_directory_file(session, dissolved, at=morning(D(2023, 2, 22)), actor="test")
    day = prepare_day.fn(SMALL, morning(D(2023, 2, 23)))
    assert day.without_recipient == ["T.A (reminder-3: đã sáp nhập vào T.C)"]
    assert {(unit, to) for unit, _, to, _ in notifications()} == {
        ("T.B", "officer@b.example"),
        ("T.C", "officer@c.example"),  # opened for the successor by the sweep itself
    }
    (merged,) = merge("T.A", into="T.C", day=D(2023, 2, 23)).units
    assert not merged.newly_dissolved and len(merged.duplicates) == 1
    assert obligation("T.A").status == ObligationStatus.WAIVED
    assert prepare_day.fn(SMALL, morning(D(2023, 2, 24))).without_recipient == []


# --------------------------------------------------------------------------- the command


def test_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from deployments.cli import directory as cli

    world(tmp_path)
    monkeypatch.setattr(cli, "now", lambda: morning(D(2023, 2, 24)))
    runner = CliRunner(env={"COLUMNS": "200"})
    args = ["merge", "T.A", "--into", "T.C", "--reason", "Quyết định 123/QĐ-UBND"]

    run = runner.invoke(cli.app, args)
    assert run.exit_code == 0, (run.output, run.exception)
    out = run.output
    assert "Đã sáp nhập vào T.C (Sở C) ngày 24/02/2023 — lý do: Quyết định 123/QĐ-UBND" in out
    assert "T.A (Sở A) → T.C: 1 nghĩa vụ chuyển sang, 0 nghĩa vụ trùng, 0 nhân tố" in out
    assert "2 liên hệ chuyển sang" in out
    for text in ("Gửi kế hoạch của đơn vị", "28/02/2023", "Chưa nộp", SMALL):
        assert text in out, text

    again = runner.invoke(cli.app, args)
    assert again.exit_code == 0
    assert "T.A đã được sáp nhập vào T.C (Sở C) từ trước; không còn gì để chuyển" in again.output

    before = snapshot()
    bad = runner.invoke(cli.app, ["merge", "T.B", "T.Z", "--into", "T.A"])
    assert bad.exit_code == 2 and isinstance(bad.exception, SystemExit)
    assert "Không thể sáp nhập (2 lỗi), chưa ghi gì" in bad.output
    assert "không có đơn vị mã T.Z trong danh bạ" in bad.output
    assert "T.A đã được sáp nhập vào T.C (Sở C); hãy sáp nhập vào T.C" in bad.output
    assert "Traceback" not in bad.output
    assert snapshot() == before
