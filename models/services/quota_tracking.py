"""Counting registrations against quotas, and settling quota obligations once they are met."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.clock import TIMEZONE
from models.lifecycle import CandidateStage
from models.orm import Campaign, CampaignField, Candidate, Milestone, Obligation, Unit
from models.policy import CHASED
from models.quotas import (
    QuotaProgress,
    Registration,
    counts_for,
    describe,
    progress,
    quota_milestones,
    span_of,
    yearly_targets,
)
from models.services.obligations import Directory, plan_of, submit

NOT_COUNTED = (CandidateStage.WITHDRAWN, CandidateStage.INELIGIBLE, CandidateStage.NOT_SELECTED)
"""A quota asks for exemplars: a withdrawn candidate, one found not to meet the criteria or one
the council did not select is not one, so none of them counts toward it."""


def registrations(session: Session, campaign: Campaign) -> list[Registration]:
    """Every candidate of the campaign that counts (see NOT_COUNTED for those that do not)."""
    units = {u.id: u for u in session.scalars(select(Unit))}

    def localities(unit: Unit) -> tuple[str, ...]:
        chain, seen = [], set()
        current: Unit | None = unit
        while current is not None and current.id not in seen:
            chain.append(current.code)
            seen.add(current.id)
            current = units.get(current.parent_id) if current.parent_id else None
        return tuple(chain)

    rows = session.execute(
        select(
            CampaignField.code,
            Candidate.subject,
            Candidate.year,
            Candidate.registered_by_id,
            Candidate.lead_agency_id,
            Candidate.created_at,
        )
        .outerjoin(CampaignField, Candidate.field_id == CampaignField.id)
        .where(Candidate.campaign_id == campaign.id, Candidate.stage.not_in(NOT_COUNTED))
    )  # columns, not objects: a national campaign has a hundred thousand candidates
    return [
        Registration(
            field=field,
            subject=subject,
            year=year,
            registered_by=units[registered_by].code,
            lead_agency=units[lead_agency].code if lead_agency else None,
            localities=localities(units[registered_by]),
            on=created.astimezone(TIMEZONE).date() if created else None,
        )
        for field, subject, year, registered_by, lead_agency, created in rows
    ]


def settle_quota_obligations(session: Session, campaign: Campaign, *, at: dt.datetime) -> int:
    """Mark a unit's quota obligation submitted once its count reaches what its period needs
    (the minimum, or a `checkpoints` quota's share so far: models.quotas.span_of)."""
    plan = plan_of(campaign)
    by_code = {m.id: q for m, q in quota_milestones(plan)}
    if not by_code:
        return 0
    open_ones = session.scalars(
        select(Obligation)
        .join(Obligation.milestone)
        .where(
            Obligation.campaign_id == campaign.id,
            Obligation.status.in_(CHASED),
            Milestone.code.in_(by_code),
        )
        .options(selectinload(Obligation.milestone), selectinload(Obligation.unit))
    ).all()
    if not open_ones:
        return 0
    regs = registrations(session, campaign)
    settled = 0
    for obligation in open_ones:
        quota = by_code[obligation.milestone.code]
        counted, needed = span_of(quota, obligation.occurrence, plan.period)
        count = counts_for(quota, obligation.unit.code, None, regs, counted=counted)
        if count >= needed:
            submit(
                session,
                obligation,
                at=at,
                actor="hệ thống: đủ chỉ tiêu",
                note=f"đã có {count}/{needed} điển hình",
            )
            settled += 1
    return settled


def quota_progress(session: Session, campaign: Campaign, *, years: range) -> list[QuotaProgress]:
    """Progress of every quota of the campaign: yearly ones per year, period ones in total."""
    plan = plan_of(campaign)
    if not plan.quotas:
        return []
    regs = registrations(session, campaign)
    directory = Directory(session)
    fields = {f.code: f for f in plan.fields}
    rows: list[QuotaProgress] = []
    standing = campaign.standing_body.acting().code
    for quota in plan.quotas:
        if quota.applies_to is not None:
            # The standing body collects the registrations: it never owes itself any.
            selected = directory.select(campaign, quota.applies_to)
            units = [u.code for u in selected if u.code != standing]
        elif quota.field in fields:
            units = list(fields[quota.field].lead_agencies)
        else:
            continue
        targets = [t for t in yearly_targets(quota, plan.period) if t[0] is None or t[0] in years]
        named = describe(quota, fields[quota.field].name if quota.field in fields else None)
        rows += progress(quota, named, units, targets, regs)
    return rows
