"""Candidates and exemplars (nhân tố mới, điển hình) of a campaign."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.lifecycle import CandidateStage
from models.orm.base import AwareDateTime, Base
from models.orm.campaign import Campaign, CampaignField
from models.orm.directory import Contact, Unit, enum_column
from models.vocabulary import SubjectKind


class Candidate(Base):
    """A collective, individual or household registered to be built up into an exemplar."""

    __tablename__ = "candidates"
    __table_args__ = (
        # Registered since a day: the replay's yearly records look only at those.
        Index("ix_candidates_campaign_created", "campaign_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_fields.id"), index=True)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    subject: Mapped[SubjectKind] = mapped_column(enum_column(SubjectKind, "subject_kind"))
    name: Mapped[str] = mapped_column(String(300))
    subject_ref: Mapped[str] = mapped_column(
        String(120), index=True, doc="Who the yearly records are about: a unit code or an id"
    )
    subject_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id"), doc="The directory unit a collective is, if it is one"
    )
    leads_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id"), doc="For an individual who leads a unit (the leader rule)"
    )
    party_member: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer, doc="Year of registration")
    stage: Mapped[CandidateStage] = mapped_column(enum_column(CandidateStage, "candidate_stage"))
    stage_changed_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    fostering_since: Mapped[dt.date | None] = mapped_column(
        Date, doc="When a mentor was assigned: assessments fall due from then on"
    )
    promoted_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidates.id"), doc="The same exemplar in the lower campaign"
    )
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())

    campaign: Mapped[Campaign] = relationship()
    field: Mapped[CampaignField | None] = relationship()
    registered_by: Mapped[Unit] = relationship(foreign_keys=[registered_by_id])
    lead_agency: Mapped[Unit | None] = relationship(foreign_keys=[lead_agency_id])
    subject_unit: Mapped[Unit | None] = relationship(foreign_keys=[subject_unit_id])
    leads_unit: Mapped[Unit | None] = relationship(foreign_keys=[leads_unit_id])
    mentor: Mapped[Contact | None] = relationship()
    promoted_from: Mapped[Candidate | None] = relationship(remote_side=[id])


class Assessment(Base):
    """A mentor's periodic assessment of an exemplar being fostered (đánh giá định kỳ)."""

    __tablename__ = "assessments"
    __table_args__ = (UniqueConstraint("candidate_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    period: Mapped[str] = mapped_column(String(20), doc="'2024', '2024-Q1', '2024-03'")
    progress: Mapped[str] = mapped_column(Text, doc="Tiến độ, kết quả")
    difficulties: Mapped[str | None] = mapped_column(Text, doc="Khó khăn, vướng mắc")
    support: Mapped[str | None] = mapped_column(Text, doc="Hỗ trợ đã thực hiện")
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())

    candidate: Mapped[Candidate] = relationship()
