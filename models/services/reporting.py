"""Where a campaign stands: the figures coordinators see on the dashboard and in summaries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from models.calendar import WorkingCalendar
from models.orm import (
    AuditEntry,
    Campaign,
    Email,
    EmailStatus,
    Milestone,
    Notification,
    Obligation,
    Unit,
)
from models.phrases import occurrence_label
from models.services.obligations import plan_of
from models.services.subjects import quota_fields, subjects
from models.subjects import Facts, subject_of
from models.vocabulary import ObligationStatus


@dataclass(frozen=True)
class MilestoneRow:
    milestone: str
    title: str
    occurrence: str
    due: dt.date
    counts: dict[str, int]  # by status value


@dataclass(frozen=True)
class OverdueRow:
    unit_code: str
    unit_name: str
    milestone: str
    occurrence: str
    due: dt.date
    working_days_overdue: int
    about: str = ""  # what it is about, by name (models.subjects): the exemplar, the channel...


@dataclass(frozen=True)
class FailedEmail:
    recipient: str
    subject: str
    code: int | None
    error: str | None


@dataclass(frozen=True)
class CampaignStatus:
    slug: str
    title: str
    as_of: dt.date
    milestones: list[MilestoneRow]
    overdue: list[OverdueRow]  # the most overdue first, at most the limit asked for
    overdue_count: int  # all of them
    emails: dict[str, int]  # by status
    failed: list[FailedEmail]


def campaign_status(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    *,
    as_of: dt.date,
    overdue_limit: int = 50,
) -> CampaignStatus:
    """Counted in SQL, so a national campaign's hundred thousand obligations cost one grouped
    query a day, not a hundred thousand objects. Per-exemplar and process obligations (one per
    candidate, ballot member, article) are counted under their milestone and period; the most
    overdue `overdue_limit` obligations are listed, all of them counted."""
    period = _period_of(Obligation.occurrence)
    # Grouped by the milestone's id, named after: joining the milestones to each of a national
    # campaign's half a million obligations cost a third of the query.
    per_period = session.execute(
        select(
            Obligation.milestone_id,
            period,
            Obligation.status,
            func.min(Obligation.due),
            func.count(),
        )
        .where(Obligation.campaign_id == campaign.id)
        .group_by(Obligation.milestone_id, period, Obligation.status)
    )
    milestones = {
        m_id: (position, code, title)
        for m_id, position, code, title in session.execute(
            select(Milestone.id, Milestone.position, Milestone.code, Milestone.title).where(
                Milestone.campaign_id == campaign.id
            )
        )
    }
    grouped: dict[tuple[int, str], _Tally] = {}
    for milestone_id, key, status, due, count in per_period:
        position, code, title = milestones[milestone_id]
        label = occurrence_label(key)
        tally = grouped.setdefault((position, label), _Tally(code, title, label, due, Counter()))
        tally.due = min(tally.due, due)
        tally.counts[ObligationStatus(status).value] += count
    plan = plan_of(campaign)
    fields = quota_fields(plan)  # two quotas' milestones may differ by their field only
    rows = [
        MilestoneRow(
            t.code,
            subject_of(Facts(t.code, t.title, field=fields.get(t.code, ""))).line,
            t.label,
            t.due,
            dict(t.counts),
        )
        for _, t in sorted(grouped.items(), key=lambda kv: (kv[1].due, kv[0]))
    ]
    late = Obligation.status == ObligationStatus.OVERDUE
    mine = Obligation.campaign_id == campaign.id
    overdue_count = session.scalar(select(func.count()).select_from(Obligation).where(mine, late))
    most_overdue = session.scalars(
        select(Obligation)
        .join(Unit, Obligation.unit_id == Unit.id)
        .where(mine, late)
        .order_by(Obligation.chase_due, Unit.code, Obligation.id)
        .limit(overdue_limit)
        .options(selectinload(Obligation.unit), selectinload(Obligation.milestone))
    ).all()
    named = subjects(session, most_overdue, plan)
    overdue = [
        OverdueRow(
            o.unit.code,
            o.unit.name,
            o.milestone.title,
            occurrence_label(o.occurrence),
            o.chase_due,
            calendar.working_days_between(o.chase_due, as_of),
            named[o.id].about,
        )
        for o in most_overdue
    ]
    emails = dict(
        session.execute(
            select(Email.status, func.count())
            .where(Email.campaign_id == campaign.id)
            .group_by(Email.status)
        ).all()
    )
    failed = [
        FailedEmail(e.recipient_email, e.subject, e.smtp_code, e.last_error)
        for e in session.scalars(
            select(Email).where(
                Email.campaign_id == campaign.id, Email.status == EmailStatus.FAILED
            )
        )
    ]
    return CampaignStatus(
        campaign.slug, campaign.title, as_of, rows, overdue, overdue_count or 0, emails, failed
    )


_DIGITS = list("0123456789")  # a list, not BETWEEN: the same under any collation


def _period_of(occurrence: Any) -> Any:
    """The period an occurrence key counts under, in SQL, so the database groups per period
    instead of returning a row per exemplar ('2024/c17') and per vote or article ('b3/m12',
    'p7', all under no period). A period key is at most seven characters ('2024', '2024-Q1',
    '2024-03'); occurrence_label reads only what comes before a '/'."""
    return case(
        (func.substr(occurrence, 1, 1).in_(_DIGITS), func.substr(occurrence, 1, 7)),
        else_="",
    )


@dataclass
class _Tally:
    code: str
    title: str
    label: str
    due: dt.date
    counts: Counter[str]


def replay_summary(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    *,
    start: dt.date,
    end: dt.date,
) -> dict[str, Any]:
    """What a replay did, as plain data (printed as tables, or as JSON with --json)."""
    emails = session.scalars(
        select(Email).where(Email.campaign_id == campaign.id, Email.day >= start, Email.day <= end)
    ).all()
    notes = session.execute(
        select(
            Notification.step,
            Notification.email_id,
            Obligation.milestone_id,
            Obligation.occurrence,
        )
        .join(Notification.obligation)
        .where(
            Obligation.campaign_id == campaign.id,
            Notification.day >= start,
            Notification.day <= end,
        )
    ).all()
    obligations = session.scalars(
        select(Obligation)
        .where(Obligation.campaign_id == campaign.id)
        .options(selectinload(Obligation.milestone))
    ).all()
    ever_overdue = set(
        session.scalars(
            select(AuditEntry.entity_id).where(
                AuditEntry.entity == "obligation", AuditEntry.to_status == "overdue"
            )
        )
    )
    per_occurrence: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for step, _email, milestone_id, occurrence in notes:
        per_occurrence[(milestone_id, occurrence)][step.partition("-")[0]] += 1
    timeline = []
    # The timeline is the plan's own milestones; quotas, exemplars' assessments and the
    # process's acts are reported per year in the lifecycle summary.
    own = {
        m.id for m in campaign.milestones if m.code in {x.id for x in plan_of(campaign).milestones}
    }
    groups: dict[tuple[int, str], list[Obligation]] = defaultdict(list)
    for o in obligations:
        if o.milestone_id in own and o.candidate_id is None:
            groups[(o.milestone_id, o.occurrence)].append(o)
    for (milestone_id, occurrence), items in sorted(groups.items(), key=lambda kv: kv[1][0].due):
        first = items[0]
        if not start <= first.effective_due <= end + dt.timedelta(days=60):
            continue
        done = [o for o in items if o.submitted_at is not None]
        late = [o for o in done if o.submitted_at and o.submitted_at.date() > o.effective_due]
        sent = per_occurrence[(milestone_id, occurrence)]
        timeline.append(
            {
                "milestone": first.milestone.code,
                "title": first.milestone.title,
                "phrase": first.milestone.phrase,
                "occurrence": occurrence,
                "start": first.milestone.window_start.isoformat()
                if first.milestone.window_start and occurrence == "once"
                else None,
                "due": first.due.isoformat(),
                "effective_due": first.effective_due.isoformat(),
                "units": len(items),
                "submitted_on_time": len(done) - len(late),
                "submitted_late": len(late),
                "not_submitted": len(items) - len(done),
                "reminders": sent["reminder"] + sent["due"],
                "escalations": sent["escalation"],
            }
        )
    status_counts = Counter(o.status.value for o in obligations)
    return {
        "campaign": campaign.slug,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "emails": {
            "total": len(emails),
            "by_kind": dict(Counter(e.kind for e in emails)),
            "by_month": dict(sorted(Counter(e.day.strftime("%Y-%m") for e in emails).items())),
            "by_week": dict(
                sorted(
                    Counter(
                        (e.day - dt.timedelta(days=e.day.weekday())).isoformat() for e in emails
                    ).items()
                )
            ),
            "by_status": dict(Counter(e.status for e in emails)),
            "on_days_off": sorted(
                {e.day.isoformat() for e in emails if calendar.is_day_off(e.day)}
            ),
        },
        "notifications": {
            "total": len(notes),
            "by_step": dict(sorted(Counter(step for step, *_ in notes).items())),
        },
        "obligations": {
            "total": len(obligations),
            "by_status": dict(status_counts),
            "submitted": sum(o.submitted_at is not None for o in obligations),
            "ever_overdue": len(ever_overdue & {o.id for o in obligations}),
            "overdue_now": status_counts.get("overdue", 0),
        },
        "timeline": timeline,
    }
