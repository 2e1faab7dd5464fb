"""Claiming emails to send and recording what SMTP said: the database half of sending.

An email is claimed (status 'sending', with a lease) in a committed transaction before any
byte goes out, so two senders never take the same row. A sender that dies leaves its claims;
once the lease has run out they are taken again, and the resend carries the same Message-ID.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.letterhead import Letterhead
from models.orm import Email, EmailStatus
from models.partitions import WHOLE, Partition
from models.services.partitions import in_partition
from models.services.rows import update_rows
from notifications.content import EmailContent
from notifications.mime import build_message, message_id_for
from notifications.render import Rendered
from notifications.smtp import Delivery, Outgoing, SmtpSettings

LEASE = dt.timedelta(minutes=10)
RETRY_AFTER = dt.timedelta(minutes=30)


def claim(
    session: Session,
    *,
    at: dt.datetime,
    worker: str,
    sender: str,
    limit: int = 500,
    partition: Partition = WHOLE,
) -> list[Outgoing]:
    """Take up to limit sendable emails, earliest due date first; of a partition of the
    recipients' addresses only (models.partitions: the buckets its digests were composed in),
    when several senders each take one.

    Pending emails and those whose lease ran out are read by two queries, each walking the
    (status, earliest_due, id) index and stopping after `limit` rows, and the first `limit` of
    both are taken: the same emails as one query over their union, without sorting the whole
    outbox for every batch (a national sweep can leave tens of thousands pending).
    """
    pending = (Email.status == EmailStatus.PENDING) & (Email.next_attempt_at <= at)
    expired = (Email.status == EmailStatus.SENDING) & (Email.claimed_at < at - LEASE)
    candidates = [
        row
        for condition in (pending, expired)
        for row in session.execute(
            select(Email.earliest_due, Email.id)
            .where(condition, in_partition(Email.recipient_email, partition))
            .order_by(Email.earliest_due, Email.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ]
    ids = [email_id for _, email_id in sorted(candidates)[:limit]]
    if not ids:
        return []
    session.execute(
        update(Email)
        .where(Email.id.in_(ids))
        .values(
            status=EmailStatus.SENDING,
            claimed_at=at,
            claimed_by=worker,
            attempts=Email.attempts + 1,
        )
    )
    rows = session.execute(
        select(Email.id, Email.recipient_email, Email.mime)
        .where(Email.id.in_(ids))
        .order_by(Email.earliest_due, Email.id)
    )
    return [Outgoing(email_id, sender, (recipient,), mime) for email_id, recipient, mime in rows]


def record_deliveries(session: Session, deliveries: list[Delivery], *, at: dt.datetime) -> None:
    """Sent, failed for good (5xx: shown to coordinators), or back to pending for later."""
    rows: list[dict[str, object]] = []
    for d in deliveries:
        values: dict[str, object] = {"id": d.email_id, "smtp_code": d.code, "last_error": d.error}
        if d.status == "sent":
            values |= {"status": EmailStatus.SENT, "sent_at": at, "last_error": None}
        elif d.status == "permanent":
            values |= {"status": EmailStatus.FAILED}
        else:
            values |= {"status": EmailStatus.PENDING, "next_attempt_at": at + RETRY_AFTER}
        rows.append(values)
    if rows:  # one bulk UPDATE by primary key (grouped by the columns each row sets)
        update_rows(session, Email, rows)


def email_row(
    content: EmailContent,
    rendered: Rendered,
    *,
    kind: str,
    campaign_id: int,
    earliest_due: dt.date,
    head: Letterhead,
    smtp: SmtpSettings,
    at: dt.datetime,
) -> dict[str, Any]:
    """The outbox row of one email, pending, its MIME built once with a Message-ID derived from
    its key (digests, models.services.digests; ballots' invitations). An address no mail can
    carry (stored before the directory checks refused it) fails for good, shown to
    coordinators, instead of stopping everyone's sweep."""
    row: dict[str, Any] = {
        "key": content.key,
        "message_id": message_id_for(content.key, smtp.message_domain),
        "campaign_id": campaign_id,
        "kind": kind,
        "day": at.date(),
        "earliest_due": earliest_due,
        "recipient_email": content.recipient_email,
        "recipient_name": content.recipient_name,
        "subject": rendered.subject,
        "status": EmailStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
        "last_error": None,
    }
    try:
        row["mime"] = build_message(
            content,
            rendered,
            from_address=head.from_address,
            from_name=head.from_name,
            message_domain=smtp.message_domain,
            kind=kind,
        )
    except ValueError as exc:
        row["mime"], row["status"] = b"", EmailStatus.FAILED
        row["last_error"] = f"không tạo được thư cho địa chỉ này: {exc}"[:500]
    return row
