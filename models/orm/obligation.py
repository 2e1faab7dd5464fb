"""Obligations: one per responsible unit per milestone occurrence; and the audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.orm.base import AwareDateTime, Base
from models.orm.campaign import Campaign, Milestone
from models.orm.directory import Contact, Unit, enum_column
from models.orm.lifecycle import Candidate
from models.vocabulary import ObligationStatus


class Obligation(Base):
    """What one unit owes for one occurrence of one milestone, and where it stands."""

    __tablename__ = "obligations"
    __table_args__ = (
        UniqueConstraint("milestone_id", "unit_id", "occurrence"),
        Index("ix_obligations_status_due", "status", "effective_due"),
        Index("ix_obligations_campaign_next_step", "campaign_id", "next_step_on"),
        Index("ix_obligations_milestone_occurrence", "milestone_id", "occurrence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    occurrence: Mapped[str] = mapped_column(
        String(40), doc="'once', '2024', '2024-Q1', '2024-03'; '2024/c17' for exemplar 17"
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), doc="The person who owes it: a mentor, a council member"
    )
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id"), index=True, doc="The exemplar a mentor's obligation is about"
    )
    due: Mapped[dt.date] = mapped_column(Date, doc="The last day as the plan writes it")
    effective_due: Mapped[dt.date] = mapped_column(Date, doc="Moved off days off (BLDS art. 148)")
    status: Mapped[ObligationStatus] = mapped_column(
        enum_column(ObligationStatus, "obligation_status"), default=ObligationStatus.OPEN
    )
    status_changed_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    opened_on: Mapped[dt.date] = mapped_column(Date, doc="No chain step fires before this day")
    cycle: Mapped[int] = mapped_column(Integer, default=1, doc="+1 each time it is returned")
    chase_due: Mapped[dt.date] = mapped_column(
        Date, doc="The day the reminder chain counts from: effective_due, later after a return"
    )
    next_step_on: Mapped[dt.date] = mapped_column(
        Date,
        default=dt.date.min,
        server_default="0001-01-01",
        doc="The day its next reminder or escalation falls: the sweep reads only obligations "
        "whose day has come (indexed). date.min: not worked out yet; date.max: nothing more",
    )
    submitted_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())
    note: Mapped[str | None] = mapped_column(Text, doc="The last reason given (return, waiver)")

    milestone: Mapped[Milestone] = relationship()
    unit: Mapped[Unit] = relationship()
    campaign: Mapped[Campaign] = relationship()
    candidate: Mapped[Candidate | None] = relationship()
    contact: Mapped[Contact | None] = relationship()


class Opening(Base):
    """How far a campaign's plan obligations are opened for one bucket of units (by unit id,
    models.partitions), and under which plan, directory and calendar (`stamp`): while the stamp
    holds, a sweep opens only what falls due after `opened_until` (models.services.obligations
    .open_obligations) instead of checking every occurrence since the period began."""

    __tablename__ = "openings"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    opened_until: Mapped[dt.date] = mapped_column(Date)
    stamp: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """An append-only record of a change: who, when, what, why. Rows are never changed."""

    __tablename__ = "audit_log"
    __table_args__ = (
        # An item's history (a candidate's path, an obligation's page) is read by entity.
        Index("ix_audit_log_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column()
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, *_: object) -> None:
    """The audit log only grows: an update or delete of an entry is a bug, refused loudly."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit log entries cannot be changed or deleted")
