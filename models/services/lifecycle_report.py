"""Per year: registrations against quotas, assessments, eligibility, ballots, publications,
honour-roll entries and reward decisions; and the funnel per field and year."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.lifecycle import FUNNEL, CandidateStage
from models.orm import (
    Assessment,
    Ballot,
    Campaign,
    CampaignField,
    Candidate,
    Ceremony,
    EligibilityCheck,
    HonourListEntry,
    Milestone,
    Obligation,
    Publication,
    RegistryEntry,
    RewardDecision,
)
from models.services.quota_tracking import quota_progress
from models.vocabulary import MilestoneKind, ObligationStatus

# How far along the funnel each stage is (a candidate counts in every earlier stage too).
FURTHEST: dict[CandidateStage, int] = {s: i for i, s in enumerate(FUNNEL)} | {
    CandidateStage.INELIGIBLE: FUNNEL.index(CandidateStage.FOSTERING),
    CandidateStage.NOT_SELECTED: FUNNEL.index(CandidateStage.NOMINATED),
    CandidateStage.PROMOTED: FUNNEL.index(CandidateStage.SELECTED),
    CandidateStage.WITHDRAWN: FUNNEL.index(CandidateStage.REGISTERED),
}


def funnel(session: Session, campaign: Campaign) -> dict[tuple[str, int], list[int]]:
    """(field, year) -> how many candidates reached each funnel stage.

    Counted in SQL: the dashboard redraws it every day, and a national campaign has 100,000
    candidates that need not be loaded to be counted."""
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0] * len(FUNNEL))
    # grouped by the field's id, named after (not a join per candidate)
    codes = dict(
        session.execute(
            select(CampaignField.id, CampaignField.code).where(
                CampaignField.campaign_id == campaign.id
            )
        ).all()
    )
    for field_id, year, stage, n in session.execute(
        select(Candidate.field_id, Candidate.year, Candidate.stage, func.count())
        .where(Candidate.campaign_id == campaign.id)
        .group_by(Candidate.field_id, Candidate.year, Candidate.stage)
    ):
        row = counts[(codes.get(field_id or 0) or "—", year)]
        for i in range(FURTHEST[CandidateStage(stage)] + 1):
            row[i] += n
    return dict(sorted(counts.items()))


def lifecycle_summary(session: Session, campaign: Campaign, *, years: range) -> dict[str, Any]:
    """What happened to exemplars each year of the campaign, as plain data."""
    cid = campaign.id
    candidates = session.scalars(
        select(Candidate).where(Candidate.campaign_id == cid).options(selectinload(Candidate.field))
    ).all()
    progress = quota_progress(session, campaign, years=years)
    assessments = Counter(
        int(a.period[:4])
        for a in session.scalars(
            select(Assessment).join(Assessment.candidate).where(Candidate.campaign_id == cid)
        )
    )
    late_assessments = Counter(
        int(o.occurrence[:4])
        for o in session.scalars(
            select(Obligation)
            .join(Obligation.milestone)
            .where(
                Obligation.campaign_id == cid,
                Milestone.kind == MilestoneKind.ASSESSMENT,
                Obligation.candidate_id.is_not(None),
                Obligation.status == ObligationStatus.OVERDUE,
            )
        )
    )
    checks: dict[int, dict[int, bool]] = defaultdict(dict)
    for check in session.scalars(
        select(EligibilityCheck)
        .join(EligibilityCheck.candidate)
        .where(Candidate.campaign_id == cid)
        .order_by(EligibilityCheck.evaluated_at)
    ):
        checks[check.evaluated_at.year][check.candidate_id] = check.eligible
    ballots = session.scalars(select(Ballot).where(Ballot.campaign_id == cid)).all()
    stages = {c.id: c.stage for c in candidates}
    publications = session.scalars(
        select(Publication).join(Publication.candidate).where(Candidate.campaign_id == cid)
    ).all()
    honoured = Counter(
        e.ceremony.year
        for e in session.scalars(
            select(HonourListEntry)
            .join(HonourListEntry.ceremony)
            .where(Ceremony.campaign_id == cid)
        )
    )
    decisions = Counter(
        d.decided_on.year
        for d in session.scalars(
            select(RewardDecision)
            .join(RewardDecision.proposal)
            .join(Candidate)
            .where(Candidate.campaign_id == cid)
        )
    )
    registry = Counter(
        e.year
        for e in session.scalars(select(RegistryEntry).where(RegistryEntry.campaign_id == cid))
    )
    out: dict[str, Any] = {}
    for year in years:
        mine = [c for c in candidates if c.year == year]
        quotas = [p for p in progress if p.year == year]
        year_ballots = [b for b in ballots if b.opens_at.year == year]
        on_ballot = [c.id for b in year_ballots for c in b.candidates]
        out[str(year)] = {
            "registrations": len(mine),
            "registrations_by_field": dict(
                sorted(Counter(c.field.code if c.field else "—" for c in mine).items())
            ),
            "quotas": {"met": sum(p.met for p in quotas), "total": len(quotas)},
            "against_quota_by_field": _against_quota(mine, quotas),
            "assessments": {"done": assessments[year], "overdue": late_assessments[year]},
            "eligibility": dict(
                Counter("eligible" if ok else "ineligible" for ok in checks[year].values())
            ),
            "ballots": {
                "held": len(year_ballots),
                "candidates": len(on_ballot),
                "selected": sum(
                    stages[i] not in (CandidateStage.NOMINATED, CandidateStage.NOT_SELECTED)
                    for i in on_ballot
                    if i in stages
                ),
            },
            "articles": {
                "owed": sum(p.due_on.year == year for p in publications),
                "published": sum(
                    p.published_on is not None and p.published_on.year == year for p in publications
                ),
            },
            "honour_roll": honoured[year],
            "reward_decisions": decisions[year],
            "registry_entries": registry[year],
        }
    return out


def _against_quota(mine: list[Candidate], quotas: list[Any]) -> dict[str, dict[str, int]]:
    """Per field: registrations this year and the sum of the yearly minimums that apply."""
    required: Counter[str] = Counter()
    for row in quotas:
        if row.field is not None:
            required[row.field] += row.minimum
    registered = Counter(c.field.code for c in mine if c.field)
    return {
        field: {"registered": registered[field], "required": required[field]}
        for field in sorted(set(required) | set(registered))
    }
