"""What the leaders' report says, as plain data: who issued the plan, which units are late and
with what, how far the exemplars got each year, and every deadline of the plan with how units met
it. The HTML/PDF page (deployments/report) only lays this out, for a live campaign
(`tdkt report`) as for a replay (`tdkt replay --report`, `tdkt demo`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.calendar import WorkingCalendar
from models.lifecycle import FUNNEL
from models.orm import Campaign, Ceremony, Milestone, Obligation, Unit
from models.phrases import occurrence_label
from models.services.lifecycle_report import funnel, lifecycle_summary
from models.services.obligations import plan_of
from models.services.quota_tracking import quota_progress
from models.services.reporting import replay_summary
from models.services.subjects import subjects
from models.vocabulary import MilestoneKind, ObligationStatus


@dataclass(frozen=True)
class Header:
    """The report's heading: the plan as a leader cites it, and the day the figures stand at."""

    issuer: str
    number: str | None
    date: dt.date | None
    title: str
    as_of: dt.date
    simulated: bool
    standing_body: str
    period: tuple[int, int]


@dataclass(frozen=True)
class OwedItem:
    title: str  # "Báo cáo tổng kết năm 2023"
    about: str  # who or what it is about, by name ("" for a unit's own report)
    due: dt.date
    days_overdue: int  # calendar days past the deadline (moved off days off)


@dataclass(frozen=True)
class LateUnit:
    name: str
    contact: str  # who to call: "Nguyễn Văn A, 0232 3822 111, a@quangbinh.gov.vn"
    items: list[OwedItem]

    @property
    def days_overdue(self) -> int:
        return max(i.days_overdue for i in self.items)


@dataclass(frozen=True)
class FunnelYear:
    """How many exemplars reached each step in one year (a step counts everyone past it)."""

    year: int
    stages: list[int]  # in models.lifecycle.FUNNEL order
    honour_roll: int  # names entered on the honour roll that year
    reward_decisions: int  # reward decisions signed that year


@dataclass(frozen=True)
class Deadline:
    """One milestone of one period on the timeline, with how the units it asks met it."""

    kind: str  # what sort of milestone, in words ("Đánh giá định kỳ", "Chỉ tiêu")
    title: str
    period: str  # "năm 2023", "quý I/2024", "" when once
    start: dt.date | None
    due: dt.date
    asked: int
    on_time: int
    late: int
    missing: int


@dataclass(frozen=True)
class LeadersReport:
    header: Header
    late_units: list[LateUnit]  # the longest overdue first
    funnel: list[FunnelYear]
    timeline: list[Deadline]  # by deadline
    activity: dict[str, Any] = field(default_factory=dict)  # reporting.replay_summary's data


QUOTA_KIND = "Chỉ tiêu điển hình"
CEREMONY_KIND = "Hội nghị, lễ đã tổ chức"


def leaders_report(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    *,
    as_of: dt.date,
    simulated: bool = False,
    since: dt.date | None = None,
) -> LeadersReport:
    """Everything the report shows, counted at `as_of`. `since` (default: the plan's date or
    its first year) bounds the mail and step counts of the activity section."""
    start = since or campaign.document_date or dt.date(campaign.period_start, 1, 1)
    issued = campaign.document_date.year if campaign.document_date else campaign.period_start
    # The years the plan runs in: a plan signed in October 2022 asks nothing of 2021.
    years = range(max(campaign.period_start, issued), campaign.period_end + 1)
    activity = replay_summary(session, campaign, calendar, start=start, end=max(start, as_of))
    activity["lifecycle"] = lifecycle_summary(session, campaign, years=years)
    return LeadersReport(
        header=Header(
            issuer=plan_of(campaign).document.issuer_name,
            number=campaign.document_number,
            date=campaign.document_date,
            title=campaign.title,
            as_of=as_of,
            simulated=simulated,
            standing_body=campaign.standing_body.name,
            period=(campaign.period_start, campaign.period_end),
        ),
        late_units=late_units(session, campaign, as_of=as_of),
        funnel=funnel_by_year(session, campaign, activity["lifecycle"]),
        timeline=deadlines(session, campaign, as_of=as_of, years=years),
        activity=activity,
    )


def late_units(session: Session, campaign: Campaign, *, as_of: dt.date) -> list[LateUnit]:
    """Every unit with an overdue obligation, with each item it owes by name, the unit that has
    waited longest first (then the one owing most). All of them: a leader asks about each."""
    overdue = session.scalars(
        select(Obligation)
        .where(Obligation.campaign_id == campaign.id, Obligation.status == ObligationStatus.OVERDUE)
        .order_by(Obligation.effective_due, Obligation.id)
        .options(
            selectinload(Obligation.unit).selectinload(Unit.contacts),
            selectinload(Obligation.milestone),
        )
    ).all()
    named = subjects(session, overdue, plan_of(campaign))
    owed: dict[int, list[OwedItem]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for o in overdue:
        units[o.unit_id] = o.unit
        days = max((as_of - o.effective_due).days, 0)
        owed[o.unit_id].append(
            OwedItem(named[o.id].title, named[o.id].about, o.effective_due, days)
        )
    rows = [LateUnit(units[i].name, _contact(units[i]), items) for i, items in owed.items()]
    return sorted(rows, key=lambda u: (-u.days_overdue, -len(u.items), u.name))


def _contact(unit: Unit) -> str:
    """The unit's first contact as a leader's office would call them, "" when none is known."""
    people = sorted(unit.contacts, key=lambda c: c.id)
    if not people:
        return ""
    first = people[0]
    return ", ".join(bit for bit in (first.name, first.phone, first.email) if bit)


def funnel_by_year(
    session: Session, campaign: Campaign, lifecycle: dict[str, Any]
) -> list[FunnelYear]:
    """The exemplars' funnel summed over fields, per year, with that year's honour-roll names
    and reward decisions (from `lifecycle_summary`'s data)."""
    per_year: dict[int, list[int]] = {}
    for (_field, year), counts in funnel(session, campaign).items():
        row = per_year.setdefault(year, [0] * len(FUNNEL))
        per_year[year] = [a + b for a, b in zip(row, counts, strict=True)]
    years = sorted(set(per_year) | {int(y) for y in lifecycle})
    found = [
        FunnelYear(
            year,
            per_year.get(year, [0] * len(FUNNEL)),
            int(lifecycle.get(str(year), {}).get("honour_roll", 0)),
            int(lifecycle.get(str(year), {}).get("reward_decisions", 0)),
        )
        for year in years
    ]
    return [y for y in found if any(y.stages) or y.honour_roll or y.reward_decisions]


def deadlines(
    session: Session, campaign: Campaign, *, as_of: dt.date, years: range
) -> list[Deadline]:
    """Every milestone of every period (the plan's own reports, registrations, assessments,
    articles, ceremonies, reward proposals), each yearly quota, and each ceremony held."""
    rows = session.execute(
        select(
            Milestone.id,
            Milestone.kind,
            Milestone.title,
            Milestone.window_start,
            Obligation.occurrence,
            Obligation.effective_due,
            Obligation.submitted_at,
        )
        .join(Milestone, Obligation.milestone_id == Milestone.id)
        .where(Obligation.campaign_id == campaign.id)
    ).all()
    groups: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in rows:
        groups[(row.id, _period(row.occurrence, row.effective_due))].append(row)
    found = _merge_alike([_deadline(key[1], items) for key, items in groups.items()])
    found += _quota_deadlines(session, campaign, as_of=as_of, years=years)
    for ceremony in session.scalars(select(Ceremony).where(Ceremony.campaign_id == campaign.id)):
        found.append(
            Deadline(CEREMONY_KIND, ceremony.title, "", None, ceremony.held_on, 0, 0, 0, 0)
        )
    return sorted(found, key=lambda d: (d.due, d.kind, d.title))


def _period(occurrence: str, due: dt.date) -> str:
    """The period a row counts under: '2024', '2024-Q1'; per-exemplar keys ('2024/c17') fold
    into their period, and keys with none (an article 'p7', a vote 'b3/m12') into their year."""
    key = occurrence.split("/")[0]
    if key == "once":
        return key
    return key[:7] if key[:1].isdigit() else str(due.year)


def _deadline(period: str, items: list[Any]) -> Deadline:
    first = min(items, key=lambda r: r.effective_due)
    done = [r for r in items if r.submitted_at is not None]
    late = sum(r.submitted_at.date() > r.effective_due for r in done)
    return Deadline(
        kind=MilestoneKind(first.kind).label,
        title=first.title,
        period=occurrence_label(period) if period != "once" else "",
        start=first.window_start if period == "once" else None,
        due=first.effective_due,
        asked=len(items),
        on_time=len(done) - late,
        late=late,
        missing=len(items) - len(done),
    )


MERGE_OVER = 3
"""More milestones than this of one kind due the same day for the same period read as one line
(fifteen "Lựa chọn, giới thiệu tối thiểu 3 …" rows, one per lead agency and field, are one
registration deadline to a leader)."""


def _merge_alike(rows: list[Deadline]) -> list[Deadline]:
    """Rows of one kind, period and deadline summed into one when there are many of them."""
    alike: dict[tuple[str, str, dt.date], list[Deadline]] = defaultdict(list)
    for row in rows:
        alike[(row.kind, row.period, row.due)].append(row)
    merged: list[Deadline] = []
    for (kind, period, due), group in alike.items():
        if len(group) <= MERGE_OVER:
            merged.extend(group)
            continue
        merged.append(
            Deadline(
                kind,
                f"{kind} ({len(group)} nội dung)",
                period,
                min((r.start for r in group if r.start), default=None),
                due,
                sum(r.asked for r in group),
                sum(r.on_time for r in group),
                sum(r.late for r in group),
                sum(r.missing for r in group),
            )
        )
    return merged


def _quota_deadlines(
    session: Session, campaign: Campaign, *, as_of: dt.date, years: range
) -> list[Deadline]:
    """Each year's quotas as one line due on 31/12: quotas met count as done, the others as
    not (yet) met."""
    per_year: Counter[int] = Counter()
    met: Counter[int] = Counter()
    for row in quota_progress(session, campaign, years=years):
        if row.year is not None:
            per_year[row.year] += 1
            met[row.year] += row.met
    return [
        Deadline(
            QUOTA_KIND,
            f"Giới thiệu đủ số điển hình theo chỉ tiêu năm {year}",
            f"năm {year}",
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            per_year[year],
            met[year],
            0,
            per_year[year] - met[year],
        )
        for year in sorted(per_year)
    ]
