"""Campaigns (one plan instance) and what their plan sets: fields, quotas, rules, milestones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.orm.base import AwareDateTime, Base
from models.orm.directory import Unit, enum_column
from models.vocabulary import MilestoneKind, QuotaScope, RuleCheck, Stage, SubjectKind


class Campaign(Base):
    """A kế hoạch giai đoạn: one plan document running over its period."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(Text)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    standing_body_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    document_number: Mapped[str | None] = mapped_column(String(80))
    document_date: Mapped[dt.date | None] = mapped_column(Date)
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    parent_reference: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(Text)
    plan_sha256: Mapped[str] = mapped_column(String(64))
    plan: Mapped[dict[str, Any]] = mapped_column(JSON, doc="The validated plan, as loaded")
    loaded_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())

    issuer: Mapped[Unit] = relationship(foreign_keys=[issuer_id])
    standing_body: Mapped[Unit] = relationship(foreign_keys=[standing_body_id])
    parent: Mapped[Campaign | None] = relationship(remote_side=[id])
    fields: Mapped[list[CampaignField]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignField.position"
    )
    quotas: Mapped[list[Quota]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Quota.id"
    )
    rules: Mapped[list[CriterionRule]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CriterionRule.id"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="Milestone.position"
    )


class CampaignField(Base):
    """A field or movement (lĩnh vực, phong trào) of a campaign."""

    __tablename__ = "campaign_fields"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(Text)
    clause: Mapped[str | None] = mapped_column(String(40))
    criteria: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    campaign: Mapped[Campaign] = relationship(back_populates="fields")
    lead_agencies: Mapped[list[Unit]] = relationship(secondary="field_lead_agencies")


class FieldLeadAgency(Base):
    __tablename__ = "field_lead_agencies"

    field_id: Mapped[int] = mapped_column(ForeignKey("campaign_fields.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class Quota(Base):
    """A minimum number of exemplars, per lead agency, locality or unit, per year or period."""

    __tablename__ = "quotas"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_fields.id"))
    scope: Mapped[QuotaScope] = mapped_column(enum_column(QuotaScope, "quota_scope"))
    subject: Mapped[SubjectKind | None] = mapped_column(enum_column(SubjectKind, "subject_kind"))
    minimum: Mapped[int] = mapped_column(Integer)
    maximum: Mapped[int | None] = mapped_column(Integer)
    applies_to: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    clause: Mapped[str | None] = mapped_column(String(40))
    quote: Mapped[str | None] = mapped_column(Text)

    campaign: Mapped[Campaign] = relationship(back_populates="quotas")
    field: Mapped[CampaignField | None] = relationship()


class CriterionRule(Base):
    """A checkable criterion of the plan (its check is a mechanism; parameters are data)."""

    __tablename__ = "criterion_rules"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    code: Mapped[str] = mapped_column(String(80))
    subject: Mapped[SubjectKind] = mapped_column(enum_column(SubjectKind, "subject_kind"))
    check: Mapped[RuleCheck] = mapped_column(enum_column(RuleCheck, "rule_check"))
    text: Mapped[str] = mapped_column(Text)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    campaign: Mapped[Campaign] = relationship(back_populates="rules")


class Milestone(Base):
    """What is due, from whom, to whom and when, as the plan words it."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(80))
    kind: Mapped[MilestoneKind] = mapped_column(enum_column(MilestoneKind, "milestone_kind"))
    stage: Mapped[Stage | None] = mapped_column(enum_column(Stage, "stage"))
    title: Mapped[str] = mapped_column(Text)
    clause: Mapped[str | None] = mapped_column(String(40))
    phrase: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str | None] = mapped_column(String(40), doc="How the phrase was read")
    window_start: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(
        Date, doc="Last day as written; None: recurring or awaiting"
    )
    set_date: Mapped[dt.date | None] = mapped_column(Date, doc="Set by a coordinator")
    recurrence: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    responsible: Mapped[dict[str, Any]] = mapped_column(JSON)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("units.id"))

    campaign: Mapped[Campaign] = relationship(back_populates="milestones")
    recipient: Mapped[Unit] = relationship()
