"""Loading a plan into a campaign: all of it in one transaction, or nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.coordinator_dates import apply_coordinator_dates
from models.orm import Campaign, CampaignField, CriterionRule, Milestone, Quota, Unit
from models.plan import Plan
from models.plan_decisions import undecided
from models.plan_files import draft_gaps, read_loadable_plan
from models.quotas import chased_milestones
from models.schedule import schedule_milestone
from models.services.audit import record
from models.source import InputError, InputErrors, dotted


@dataclass(frozen=True)
class LoadResult:
    campaign: Campaign
    created: bool
    units_added: int


def campaign_by_slug(session: Session, slug: str) -> Campaign:
    """The loaded campaign with this id; the flows and tasks name campaigns by it."""
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise ValueError(f"không có kế hoạch {slug}")
    return campaign


def load_plan_file(
    session: Session,
    path: str | Path,
    calendar: WorkingCalendar,
    *,
    at: dt.datetime,
    actor: str,
    dates: str | Path | None = None,
) -> LoadResult:
    """Load a plan file; with `dates`, the coordinator's dates for its undated milestones
    (models.coordinator_dates) are set first, and the campaign remembers both files."""
    raw = Path(path).read_bytes() if Path(path).is_file() else b""
    plan = read_loadable_plan(path)  # a draft is refused until what it lacks is filled
    source = str(path)
    if dates is not None:
        plan = apply_coordinator_dates(plan, dates)
        raw += b"\0" + Path(dates).read_bytes()
        source = f"{path} + {dates}"
    return load_plan(
        session,
        plan,
        calendar,
        at=at,
        actor=actor,
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def load_plan(
    session: Session,
    plan: Plan,
    calendar: WorkingCalendar,
    *,
    at: dt.datetime,
    actor: str,
    source: str,
    sha256: str,
) -> LoadResult:
    """Create the campaign of plan; loading the same file again changes nothing.

    Agencies the plan names but the directory lacks are added to it (the plan is itself a
    source of directory facts). A different plan under an id already loaded is refused, and so
    is a draft (plan instantiate) whose new document's header is not filled yet.
    """
    gaps = draft_gaps(plan) + undecided(plan)
    if gaps or plan.standing_body is None:
        raise InputErrors([InputError(source, None, dotted(loc), msg) for loc, msg in gaps])
    existing = session.scalar(select(Campaign).where(Campaign.slug == plan.id))
    if existing is not None:
        if existing.plan_sha256 == sha256:
            return LoadResult(existing, created=False, units_added=0)
        raise InputErrors(
            [
                InputError(
                    source,
                    None,
                    "id",
                    (
                        f"đã có kế hoạch '{plan.id}' với nội dung khác "
                        f"(nạp từ {existing.source_file}); đặt id mới cho kế hoạch này"
                    ),
                )
            ]
        )
    units, added = _ensure_agencies(session, plan, source)
    parent = None
    if plan.parent is not None and plan.parent.plan is not None:
        parent = session.scalar(select(Campaign).where(Campaign.slug == plan.parent.plan))
    campaign = Campaign(
        slug=plan.id,
        title=plan.title,
        issuer=units[plan.document.issuer],
        standing_body=units[plan.standing_body],
        document_number=plan.document.number,
        document_date=plan.document.date,
        period_start=plan.period.start,
        period_end=plan.period.end,
        parent=parent,
        parent_reference=_parent_text(plan),
        source_file=source,
        plan_sha256=sha256,
        plan=plan.model_dump(mode="json", by_alias=True),
        loaded_at=at,
    )
    fields = {}
    for position, f in enumerate(plan.fields):
        fields[f.code] = CampaignField(
            position=position,
            code=f.code,
            name=f.name,
            clause=f.clause,
            criteria={k.value: v for k, v in f.criteria.items()},
            lead_agencies=[units[c] for c in f.lead_agencies],
        )
    campaign.fields = list(fields.values())
    campaign.quotas = [
        Quota(
            field=fields.get(q.field) if q.field else None,
            scope=q.scope,
            subject=q.subject,
            minimum=q.minimum,
            maximum=q.maximum,
            clause=q.clause,
            quote=q.quote,
            applies_to=q.applies_to.model_dump(mode="json") if q.applies_to else None,
        )
        for q in plan.quotas
    ]
    campaign.rules = [
        CriterionRule(
            code=r.id,
            subject=r.subject,
            check=r.check,
            text=r.text,
            parameters=r.model_dump(
                mode="json",
                include={
                    "title",
                    "rating",
                    "rating_kind",
                    "years",
                    "every_years",
                    "fields",
                    "applies_to",
                    "clause",
                },
            ),
        )
        for r in plan.rules
    ]
    campaign.milestones = []
    for position, m in enumerate(chased_milestones(plan)):
        scheduled = schedule_milestone(plan, m, calendar)
        deadline = scheduled.deadline
        campaign.milestones.append(
            Milestone(
                position=position,
                code=m.id,
                kind=m.kind,
                stage=m.stage,
                title=m.title,
                clause=m.clause,
                phrase=m.phrase,
                quote=m.quote,
                rule=scheduled.rule,
                window_start=deadline.start if deadline else None,
                due_date=(deadline.due if deadline else None) or m.set_date,
                set_date=m.set_date,
                recurrence=[
                    {"frequency": r.frequency, "day": r.day, "month": r.month}
                    for r in deadline.recurrences
                ]
                if deadline
                else None,
                responsible=m.responsible.model_dump(mode="json"),
                recipient=units[m.to],
            )
        )
    session.add(campaign)
    session.flush()
    record(
        session,
        at=at,
        actor=actor,
        action="plan.load",
        entity="campaign",
        entity_id=campaign.id,
        to_status="loaded",
        reason=f"{source} ({len(plan.milestones)} mốc, {added} đơn vị mới)",
    )
    return LoadResult(campaign, created=True, units_added=added)


def _ensure_agencies(session: Session, plan: Plan, source: str) -> tuple[dict[str, Unit], int]:
    codes = set(plan.agencies) | {plan.document.issuer}
    units = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    added = 0
    for code in sorted(codes - set(units), key=lambda c: c.count(".")):
        agency = plan.agencies.get(code)
        if agency is None:  # the issuer, undeclared and unknown
            raise InputErrors(
                [
                    InputError(
                        source,
                        None,
                        "document.issuer",
                        f"đơn vị ban hành {code} chưa có trong danh bạ "
                        "và không được khai trong agencies",
                    )
                ]
            )
        units[code] = Unit(code=code, name=agency.name, kind=agency.kind)
        session.add(units[code])
        added += 1
    for code, agency in plan.agencies.items():
        if agency.parent and units[code].parent is None:
            units[code].parent = units.get(agency.parent)
    return units, added


def _parent_text(plan: Plan) -> str | None:
    p = plan.parent
    if p is None:
        return None
    parts = [
        f"Kế hoạch {p.number}" if p.number else "Kế hoạch",
        f"ngày {p.date:%d/%m/%Y}" if p.date else "",
        f"của {p.issuer_name}",
    ]
    return " ".join(x for x in parts if x)
