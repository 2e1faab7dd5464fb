"""The send benchmark's outbox: filled by the real sweep, reset between runs, read back.

Filling goes through tasks.chasing.prepare_day on a synthetic world (bench.world), so the
messages are the Vietnamese reminder digests a real sweep writes (HTML, text and .ics), not
stand-ins of another size or shape.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select, update

from bench.world import due_in, load_world, morning, write_world
from models.db import unit_of_work
from models.orm import Email, EmailStatus

SWEEP_DAY = dt.date(2025, 10, 20)  # a Monday; the milestone is due 3 working days later
AS_OF = morning(SWEEP_DAY)


def fill(folder: Path, messages: int) -> float:
    """A world of `messages` units, one reminder each today, prepared by the real sweep task;
    returns the seconds the sweep's preparation (prepare_day) took to write them."""
    from tasks.chasing import prepare_day

    world = write_world(folder, units=messages, due=[due_in(SWEEP_DAY, 3)])
    load_world(world, at=AS_OF)
    start = time.perf_counter()
    day = prepare_day.fn(world.plan_id, AS_OF)
    seconds = time.perf_counter() - start
    if day.emails != messages:
        raise RuntimeError(f"the sweep wrote {day.emails} emails, expected {messages}")
    return seconds


def reset() -> None:
    """Every email back to pending and never tried, so the next run sends them all again."""
    with unit_of_work() as session:
        session.execute(
            update(Email).values(
                status=EmailStatus.PENDING,
                attempts=0,
                next_attempt_at=AS_OF,
                claimed_at=None,
                claimed_by=None,
                smtp_code=None,
                last_error=None,
                sent_at=None,
            )
        )


def counts() -> dict[str, int]:
    """Emails per status."""
    with unit_of_work() as session:
        rows = session.execute(select(Email.status, func.count()).group_by(Email.status))
        return {status: n for status, n in rows}


@dataclass(frozen=True)
class Stored:
    message_id: str
    recipient: str
    mime: bytes


def stored(limit: int | None = None) -> list[Stored]:
    """The outbox's emails in sending order (earliest due first), with their exact bytes."""
    with unit_of_work() as session:
        query = select(Email.message_id, Email.recipient_email, Email.mime).order_by(
            Email.earliest_due, Email.id
        )
        rows = session.execute(query.limit(limit) if limit else query)
        return [Stored(mid, to, mime) for mid, to, mime in rows]


@dataclass(frozen=True)
class Parts:
    """What prefect-email's email_send_message takes: subject, HTML, text, attachment files."""

    to: str
    subject: str
    html: str
    text: str
    attachments: list[str]


def parts(message: Stored, folder: Path) -> Parts:
    """The same email split into prefect-email's arguments; .ics files written under folder."""
    parsed = email.message_from_bytes(message.mime, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    html = parsed.get_body(("html",))
    text = parsed.get_body(("plain",))
    files = []
    for n, attachment in enumerate(parsed.iter_attachments()):
        data = attachment.get_payload(decode=True)
        assert isinstance(data, bytes)
        path = folder / message.recipient / f"{n}-{attachment.get_filename() or 'tep.ics'}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.append(str(path))
    return Parts(
        to=message.recipient,
        subject=str(parsed["Subject"]),
        html=html.get_content() if html is not None else "",
        text=text.get_content() if text is not None else "",
        attachments=files,
    )
