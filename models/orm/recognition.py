"""Publicise, honour, reward: publications, ceremonies, proposals, decisions, the registry book."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.orm.base import AwareDateTime, Base
from models.orm.campaign import Campaign
from models.orm.directory import Unit, enum_column
from models.orm.lifecycle import Candidate
from models.recognition import (
    REGISTRY,
    CeremonyKind,
    Channel,
    ProposalStatus,
    PublicationStatus,
    RewardForm,
)


class Publication(Base):
    """One text the communication office owes about one exemplar, on one channel."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "publication_channel"))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, doc="Rendered from a template; the office edits it")
    status: Mapped[PublicationStatus] = mapped_column(
        enum_column(PublicationStatus, "publication_status")
    )
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(Text)
    responsible_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())

    candidate: Mapped[Candidate] = relationship()
    responsible_unit: Mapped[Unit] = relationship()


class Ceremony(Base):
    """An occasion that honours exemplars; one per campaign, kind and year."""

    __tablename__ = "ceremonies"
    __table_args__ = (UniqueConstraint("campaign_id", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    kind: Mapped[CeremonyKind] = mapped_column(enum_column(CeremonyKind, "ceremony_kind"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer, doc="The year honoured (a January review: last)")

    campaign: Mapped[Campaign] = relationship()
    entries: Mapped[list[HonourListEntry]] = relationship(
        back_populates="ceremony", cascade="all, delete-orphan", order_by="HonourListEntry.position"
    )


class HonourListEntry(Base):
    """One exemplar on a ceremony's honour list, and when it was invited."""

    __tablename__ = "honour_list_entries"

    ceremony_id: Mapped[int] = mapped_column(ForeignKey("ceremonies.id"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, doc="Order on the list as compiled")
    invited_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())

    ceremony: Mapped[Ceremony] = relationship(back_populates="entries")
    candidate: Mapped[Candidate] = relationship()


class RewardProposal(Base):
    """A tờ trình asking an authority (or the higher level) to commend an exemplar."""

    __tablename__ = "reward_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    authority_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    form: Mapped[RewardForm] = mapped_column(enum_column(RewardForm, "reward_form"))
    number: Mapped[str | None] = mapped_column(
        String(80), doc="Số tờ trình, e.g. 12/TTr-SNV: the line chasing its decision cites it"
    )
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    decision_due_on: Mapped[dt.date] = mapped_column(Date, doc="Last working day for a decision")
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, "proposal_status"), index=True
    )
    dossier: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, doc="[{code, document, received}]: the documents the dossier needs"
    )
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())

    candidate: Mapped[Candidate] = relationship()
    authority: Mapped[Unit] = relationship()
    decision: Mapped[RewardDecision | None] = relationship(back_populates="proposal")


class RewardDecision(Base):
    """The authority's decision (quyết định) on a proposal; it may grant another form."""

    __tablename__ = "reward_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("reward_proposals.id"), unique=True)
    number: Mapped[str] = mapped_column(String(80), doc="Số quyết định, e.g. 123/QĐ-UBND")
    decided_on: Mapped[dt.date] = mapped_column(Date)
    form: Mapped[RewardForm] = mapped_column(enum_column(RewardForm, "reward_form"))
    signed_by: Mapped[str] = mapped_column(String(200))

    proposal: Mapped[RewardProposal] = relationship(back_populates="decision")


class RegistryEntry(Base):
    """A line of a unit's honour roll (sổ ghi danh): numbered per unit, book and year.

    Seed 004 II.5 (1): the exemplars commended are written "ở đơn vị mình", in the book of
    the exemplar's own unit, so the book is the unit's, whatever campaign wrote the line. A
    line is written on a decision the plan names (`decision`) or on a ceremony's commendation
    the plan names (`ceremony`, e.g. the biểu dương at the 19/5 meeting): exactly one of them.
    Lines from before migration 0017 (one book per campaign) keep their numbers in a book
    named after their campaign (models.recognition.legacy_book).
    """

    __tablename__ = "registry_entries"
    __table_args__ = (
        UniqueConstraint("unit_id", "registry", "year", "entry_no"),
        UniqueConstraint("ceremony_id", "candidate_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("reward_decisions.id"), unique=True)
    ceremony_id: Mapped[int | None] = mapped_column(ForeignKey("ceremonies.id"), index=True)
    book: Mapped[str] = mapped_column(
        "registry",
        String(40),
        default=REGISTRY,
        doc="Which book (column 'registry': that attribute name is SQLAlchemy's)",
    )
    year: Mapped[int] = mapped_column(Integer, doc="The decision's (or ceremony's) year")
    entry_no: Mapped[int] = mapped_column(Integer)
    entered_on: Mapped[dt.date] = mapped_column(Date)

    unit: Mapped[Unit] = relationship()
    campaign: Mapped[Campaign] = relationship()
    candidate: Mapped[Candidate] = relationship()
    decision: Mapped[RewardDecision | None] = relationship()
    ceremony: Mapped[Ceremony | None] = relationship()
