"""The outbox: every notification and every email is a row, committed before anything is sent.

A notification is one step (reminder, due-day notice, escalation) of one obligation's chain in
one cycle; its key is unique, so no sweep can create it twice. An email carries one or more
notifications to one recipient on one day (a digest); its key is unique too, and its
Message-ID derives from that key, so a resend after a crash is recognisably the same message.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.orm.base import AwareDateTime, Base
from models.orm.obligation import Obligation


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), index=True)
    cycle: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(40), doc="'reminder-10', 'due', 'escalation-2'")
    recipient_email: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    day: Mapped[dt.date] = mapped_column(
        Date, index=True, doc="The working day it is for (the day's escalations: migration 0023)"
    )
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    email_id: Mapped[int | None] = mapped_column(ForeignKey("emails.id"), index=True)

    obligation: Mapped[Obligation] = relationship()
    email: Mapped[Email | None] = relationship(back_populates="notifications")


class EmailStatus:
    """Where an email stands. Plain strings, so that SQL and dashboards read them directly."""

    PENDING = "pending"  # committed, not yet handed to SMTP (or a transient failure to retry)
    SENDING = "sending"  # claimed by a sender; a crash leaves it here until its lease ends
    SENT = "sent"
    FAILED = "failed"  # permanent (5xx): recorded and shown, never retried in a loop


class Email(Base):
    __tablename__ = "emails"
    __table_args__ = (
        Index("ix_emails_campaign_status", "campaign_id", "status"),  # the dashboard's counts
        Index("ix_emails_campaign_day", "campaign_id", "day"),  # the day's emails (0023)
        # the sender's claim reads the next sendable emails in due-date order from this index,
        # instead of sorting every pending email for each batch
        Index("ix_emails_status_due", "status", "earliest_due", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), doc="reminder, due or escalation")
    day: Mapped[dt.date] = mapped_column(Date)
    earliest_due: Mapped[dt.date] = mapped_column(Date, doc="Sends go in order of due date")
    recipient_email: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    mime: Mapped[bytes] = mapped_column(LargeBinary, doc="The exact message, built once")
    status: Mapped[str] = mapped_column(String(20), default=EmailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    claimed_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    smtp_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())

    notifications: Mapped[list[Notification]] = relationship(back_populates="email")
