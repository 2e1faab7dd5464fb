"""The chase over a small plan: exact emails, chains stopped and restarted, SMTP failures."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from models.calendar import default_calendar
from models.db import unit_of_work
from models.orm import Email, EmailStatus, Obligation
from models.services import obligations as service
from models.services.dashboard import emails_of_day
from models.services.reporting import campaign_status
from notifications.mailbox import LocalMailbox
from notifications.smtp import SmtpSettings
from tasks.artifacts import emails_markdown
from tests.chase_helpers import SMALL, days, load_small, morning, notifications, sweep

D = dt.date


@pytest.fixture
def mailbox(tmp_path: Path) -> Any:
    with LocalMailbox(tmp_path / "mail") as box:
        yield box


def smtp_for(port: int, **extra: Any) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, backoff_seconds=0.01, **extra)


def readdress(old: str, new: str) -> None:
    """A contact's stored address changed behind the directory's back."""
    from sqlalchemy import update

    from models.orm import Contact

    with unit_of_work() as session:
        session.execute(update(Contact).where(Contact.email == old).values(email=new))


def _obligation(unit: str) -> Obligation:
    with unit_of_work() as session:
        found = service.find_obligation(session, SMALL, "report", unit)
        assert found is not None
        return found


def test_exact_emails_of_a_small_plan(mailbox: LocalMailbox) -> None:
    load_small()
    for day in days(D(2023, 1, 2), D(2023, 3, 10)):
        sweep(day, smtp_for(mailbox.port))
    # due "trước ngày 01/03/2023" = 28/02/2023 (Tue); reminder 3 working days before;
    # escalation to the head after 2 working days, to the standing body after 4.
    assert notifications() == [
        ("T.A", "reminder-3", "officer@a.example", D(2023, 2, 23)),
        ("T.B", "reminder-3", "officer@b.example", D(2023, 2, 23)),
        ("T.A", "due", "officer@a.example", D(2023, 2, 28)),
        ("T.B", "due", "officer@b.example", D(2023, 2, 28)),
        ("T.A", "escalation-1", "head@a.example", D(2023, 3, 2)),
        ("T.B", "escalation-1", "head@b.example", D(2023, 3, 2)),
        ("T.A", "escalation-2", "snv@t.example", D(2023, 3, 6)),
        ("T.B", "escalation-2", "snv@t.example", D(2023, 3, 6)),
    ]
    with unit_of_work() as session:
        emails = session.scalars(select(Email).order_by(Email.id)).all()
        sent = [(e.day, e.recipient_email, e.kind, e.status) for e in emails]
    assert len(sent) == 7  # the standing body gets one digest for both units
    assert (D(2023, 3, 6), "snv@t.example", "escalation", "sent") in sent
    assert mailbox.received == 7
    assert all(default_calendar().is_working_day(day) for day, *_ in sent)


def test_running_the_same_days_again_sends_nothing(mailbox: LocalMailbox) -> None:
    load_small()
    for _ in range(2):
        for day in days(D(2023, 2, 20), D(2023, 3, 7)):
            sweep(day, smtp_for(mailbox.port))
    assert mailbox.received == 7
    assert len(set(mailbox.collector.message_ids)) == 7


def test_a_submitted_obligation_stops_its_chain(mailbox: LocalMailbox) -> None:
    load_small()
    for day in days(D(2023, 2, 20), D(2023, 3, 10)):
        if day == D(2023, 2, 24):
            with unit_of_work() as session:
                found = service.find_obligation(session, SMALL, "report", "T.A")
                assert found is not None
                service.submit(session, found, at=morning(day), actor="T.A")
        sweep(day, smtp_for(mailbox.port))
    a_steps = [(step, day) for unit, step, _, day in notifications() if unit == "T.A"]
    assert a_steps == [("reminder-3", D(2023, 2, 23))]
    assert _obligation("T.A").status.value == "submitted"
    assert _obligation("T.B").status.value == "overdue"


def test_a_returned_obligation_restarts_its_chain(mailbox: LocalMailbox) -> None:
    load_small()
    calendar = default_calendar()
    for day in days(D(2023, 2, 20), D(2023, 3, 14)):
        with unit_of_work() as session:
            found = service.find_obligation(session, SMALL, "report", "T.A")
            if day == D(2023, 2, 24):
                assert found is not None
                service.submit(session, found, at=morning(day), actor="T.A")
            if day == D(2023, 3, 1):
                assert found is not None
                service.return_(
                    session, found, calendar, at=morning(day), actor="SNV", reason="Thiếu phụ lục"
                )
        sweep(day, smtp_for(mailbox.port))
    a_steps = [(step, day) for unit, step, _, day in notifications() if unit == "T.A"]
    # Returned on 01/03: five working days to resubmit, so the chain counts from 08/03.
    assert a_steps == [
        ("reminder-3", D(2023, 2, 23)),
        ("reminder-3", D(2023, 3, 3)),
        ("due", D(2023, 3, 8)),
        ("escalation-1", D(2023, 3, 10)),
        ("escalation-2", D(2023, 3, 14)),
    ]
    with unit_of_work() as session:
        found = service.find_obligation(session, SMALL, "report", "T.A")
        assert found is not None and found.cycle == 2 and found.note == "Thiếu phụ lục"
        digest = session.scalars(
            select(Email).where(
                Email.day == D(2023, 3, 14), Email.recipient_email == "snv@t.example"
            )
        ).one()
    # The standing body's escalation lists the day's escalations and counts the other overdue
    # units: B, escalated on 06/03 and again on 13/03 (its first repeat, issue 20), is counted.
    body = message_from_bytes(digest.mime, policy=policy.default)
    text = body.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Sở A" in text and "Sở B" not in text
    assert "1 việc quá hạn khác" in text
    b_escalated = [day for unit, step, _, day in notifications() if unit == "T.B" and "esc" in step]
    assert D(2023, 3, 13) in b_escalated


def test_illegal_transitions_are_refused() -> None:
    load_small()
    from models.policy import IllegalTransition

    with pytest.raises(IllegalTransition), unit_of_work() as session:
        sweep_open = service.open_obligations
        found = service.find_obligation(session, SMALL, "report", "T.A")
        if found is None:
            from sqlalchemy import select as sel

            from models.orm import Campaign

            campaign = session.scalars(sel(Campaign)).one()
            sweep_open(
                session,
                campaign,
                default_calendar(),
                until=D(2023, 12, 31),
                at=morning(D(2023, 2, 1)),
            )
            found = service.find_obligation(session, SMALL, "report", "T.A")
        assert found is not None
        service.accept(session, found, at=morning(D(2023, 2, 2)), actor="SNV")


class FlakyHandler:
    """An SMTP server that answers 4xx for a while, or 5xx to one address, else accepts."""

    def __init__(self, fail_first: int = 0, refuse: str | None = None) -> None:
        self.fail_first, self.refuse = fail_first, refuse
        self.accepted: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == self.refuse:
            return "550 5.1.1 Không có hộp thư này"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                return "451 4.3.0 Thử lại sau"
            message_id = next(
                line
                for line in envelope.content.decode().splitlines()
                if line.lower().startswith("message-id:")
            )
            self.accepted[message_id] += 1
        return "250 OK"


def _server(handler: FlakyHandler) -> Controller:
    from notifications.mailbox import _free_port

    controller = Controller(handler, hostname="127.0.0.1", port=_free_port("127.0.0.1"))
    controller.start()
    return controller


def test_smtp_4xx_then_success_delivers_once() -> None:
    load_small()
    handler = FlakyHandler(fail_first=3)
    controller = _server(handler)
    try:
        for day in days(D(2023, 2, 20), D(2023, 2, 23)):
            sweep(day, smtp_for(controller.port, max_attempts=5, connections=1))
    finally:
        controller.stop()
    assert sorted(handler.accepted.values()) == [1, 1]
    with unit_of_work() as session:
        assert {e.status for e in session.scalars(select(Email))} == {EmailStatus.SENT}


def test_smtp_down_for_a_day_then_delivered_the_next(mailbox: LocalMailbox) -> None:
    load_small()
    dead = smtp_for(1, max_attempts=2)  # nothing listens on port 1
    result = sweep(D(2023, 2, 23), dead)
    assert (result.sent, result.deferred) == (0, 2)
    with unit_of_work() as session:
        assert {e.status for e in session.scalars(select(Email))} == {EmailStatus.PENDING}
    sweep(D(2023, 2, 24), smtp_for(mailbox.port))
    assert mailbox.received == 2


def test_smtp_5xx_is_recorded_and_surfaced() -> None:
    load_small()
    handler = FlakyHandler(refuse="officer@b.example")
    controller = _server(handler)
    try:
        sweep(D(2023, 2, 23), smtp_for(controller.port))
        sweep(D(2023, 2, 24), smtp_for(controller.port))  # not retried in a loop
    finally:
        controller.stop()
    with unit_of_work() as session:
        failed = session.scalars(select(Email).where(Email.status == EmailStatus.FAILED)).all()
        assert [(e.recipient_email, e.smtp_code, e.attempts) for e in failed] == [
            ("officer@b.example", 550, 1)
        ]
        from models.orm import Campaign

        campaign = session.scalars(select(Campaign)).one()
        status = campaign_status(session, campaign, default_calendar(), as_of=D(2023, 2, 24))
        day = emails_of_day(session, campaign, D(2023, 2, 23))
    text = emails_markdown(day)
    assert status.failed and "550" in text and "officer@b.example" in text
    assert sum(handler.accepted.values()) == 1


def test_two_sweeps_at_once_send_each_key_once(mailbox: LocalMailbox) -> None:
    load_small()
    for day in days(D(2023, 2, 20), D(2023, 3, 1)):
        sweep(day, smtp_for(mailbox.port))
    before = mailbox.received
    errors: list[BaseException] = []

    def run() -> None:
        try:
            sweep(D(2023, 3, 2), smtp_for(mailbox.port))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    # Both threads start the same morning's sweep at the same moment.
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    ids = mailbox.collector.message_ids
    assert len(ids) == len(set(ids)) == before + 2  # the two heads' escalations, once each


def test_an_address_no_mail_can_carry_fails_alone(mailbox: LocalMailbox) -> None:
    """Stored before the directory checks refused it: that email fails, the rest go."""

    load_small()
    readdress("officer@b.example", "cán-bộ\r\n@b.example")
    sweep(D(2023, 2, 23), smtp_for(mailbox.port))
    with unit_of_work() as session:
        emails = {e.recipient_email: e for e in session.scalars(select(Email))}
    failed = emails.pop("cán-bộ\r\n@b.example")
    assert failed.status == EmailStatus.FAILED and "không tạo được thư" in (failed.last_error or "")
    assert {e.status for e in emails.values()} == {EmailStatus.SENT} and mailbox.received == 1


def test_a_long_digest_lists_the_most_urgent_and_counts_the_rest(
    mailbox: LocalMailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national standing body may owe thousands of decisions in a day: one email lists the
    first DIGEST_LINES (patched to 1 here), counts the rest and links to the full list."""

    from models.orm import Notification
    from models.services import digests

    monkeypatch.setattr(digests, "DIGEST_LINES", 1)
    monkeypatch.setattr(digests, "OVERSIGHT_LIST", 1)
    load_small()
    readdress("officer@b.example", "officer@a.example")  # one officer answers for both units
    sweep(D(2023, 2, 23), smtp_for(mailbox.port))
    with unit_of_work() as session:
        (email,) = session.scalars(select(Email))
        notes = session.scalars(select(Notification)).all()
        assert {n.email_id for n in notes} == {email.id} and len(notes) == 2  # both notified
        text = message_from_bytes(email.mime, policy=policy.default).get_body(("plain",))
        body = text.get_content()  # type: ignore[union-attr]
    assert email.subject.startswith("[Nhắc hạn 28/02/2023] 2 việc đến hạn")
    assert "Sở A" in body and "Sở B" not in body
    assert "... và 1 việc khác, xem đầy đủ trên trang điều phối: " in body
    for day in days(D(2023, 2, 24), D(2023, 3, 6)):
        sweep(day, smtp_for(mailbox.port))
    with unit_of_work() as session:
        (oversight,) = session.scalars(
            select(Email).where(Email.recipient_email == "snv@t.example")
        )
        text = message_from_bytes(oversight.mime, policy=policy.default).get_body(("plain",))
        body = text.get_content()  # type: ignore[union-attr]
    assert "... và 1 việc quá hạn khác, xem đầy đủ trên trang điều phối: " in body
    assert body.count("Sở A: 1 việc") == 1 and "Sở B" not in body
    assert "MỚI QUÁ HẠN (không quá 5 ngày làm việc): 2 việc" in body  # the one left out counted
