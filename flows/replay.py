"""Replaying a campaign over a simulated clock: the same flows, days with nothing due skipped.

Not a flow itself: a driver that runs the daily sweep (and, on their days, the yearly cycle and
the review collection) as real flow runs, each with its simulated `as_of`, so the dashboard
shows the whole campaign as it would have unfolded. Simulated units submit before each sweep.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from prefect.context import AsyncClientContext, SyncClientContext
from sqlalchemy import func, select

from flows.daily_sweep import daily_sweep
from flows.lifecycle import eligibility_review, honour_exemplars, recognition
from flows.review_collection import collect_review_reports
from flows.yearly_cycle import yearly_cycle
from models.calendar import WorkingCalendar, default_calendar
from models.clock import TIMEZONE
from models.db import unit_of_work
from models.orm import Campaign, Obligation
from models.plan import Plan
from models.policy import CHASED, chain, next_step_day
from models.schedule import schedule
from models.services.lifecycle_simulation import PeopleBehaviour, simulate_people
from models.services.obligations import plan_of
from models.services.plans import campaign_by_slug
from models.services.simulation import simulate_units
from models.simulation import UnitBehaviour
from models.vocabulary import MilestoneKind, ObligationStatus

SWEEP_TIME = dt.time(7, 30)
ELIGIBILITY_REVIEW = dt.date(2000, 12, 1)  # month and day of the yearly schedules
RECOGNITION = dt.date(2000, 12, 20)
CEREMONY_DATES = {(19, 5): "19-5", (11, 6): "11-6"}  # the anniversaries plans honour on
REVIEWS: tuple[tuple[MilestoneKind, Literal["midterm", "final"]], ...] = (
    (MilestoneKind.MIDTERM_REVIEW, "midterm"),
    (MilestoneKind.FINAL_REVIEW, "final"),
)


@dataclass
class DayPoint:
    day: dt.date
    open: int
    overdue: int
    submitted: int


@dataclass
class ReplayRun:
    campaign: str
    start: dt.date
    end: dt.date
    days_visited: int = 0
    flow_runs: int = 0
    series: list[DayPoint] = field(default_factory=list)
    sweep_seconds: dict[dt.date, float] = field(default_factory=dict)  # each daily sweep's
    partition_seconds: dict[dt.date, list[float]] = field(default_factory=dict)  # composing
    step_seconds: dict[str, float] = field(default_factory=dict)  # by step, summed over days

    def timed(self, step: str, started: float) -> None:
        """Add the seconds since `started` (time.perf_counter) to the step's total."""
        self.step_seconds[step] = self.step_seconds.get(step, 0.0) + time.perf_counter() - started

    def slowest_sweep(self) -> tuple[dt.date, float] | None:
        """The day whose daily sweep took longest, and its seconds (the figure that bounds
        a morning's run)."""
        if not self.sweep_seconds:
            return None
        return max(self.sweep_seconds.items(), key=lambda item: item[1])


def visit_days(
    plan: Plan, calendar: WorkingCalendar, start: dt.date, end: dt.date
) -> list[dt.date]:
    """Every day on which some chain step of the plan falls, plus the first and last day."""
    days = {start, end}
    for scheduled in schedule(plan, calendar):
        for due in scheduled.dues:
            days.update(
                s.day
                for s in chain(plan.reminders, due.effective_due, calendar)
                if start <= s.day <= end
            )
    days.update(dt.date(y, 1, 2) for y in range(start.year + 1, end.year + 1))
    for year in range(start.year, end.year + 1):
        days.update(
            calendar.effective_due(d.replace(year=year)) for d in (ELIGIBILITY_REVIEW, RECOGNITION)
        )
    return sorted(d for d in days if start <= d <= end)


async def replay(
    campaign: str,
    start: dt.date,
    end: dt.date,
    behaviour: UnitBehaviour,
    on_day: Callable[[dt.date, int, int], None] | None = None,
) -> ReplayRun:
    """Run the campaign from start to end; on_day(day, index, total) reports progress."""
    calendar = default_calendar()
    people = PeopleBehaviour(seed=behaviour.seed)
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        plan = plan_of(row)
    days = visit_days(plan, calendar, start, end)
    review_days = {
        kind: {
            calendar.effective_due(d.due)
            for s in schedule(plan, calendar)
            if s.milestone.kind == kind
            for d in s.dues
        }
        for kind in (MilestoneKind.MIDTERM_REVIEW, MilestoneKind.FINAL_REVIEW)
    }
    ceremony_days = {
        calendar.effective_due(d.due): kind
        for s in schedule(plan, calendar)
        if s.milestone.kind == MilestoneKind.CEREMONY
        for d in s.dues
        if (kind := CEREMONY_DATES.get((d.due.day, d.due.month)))
    }
    run = ReplayRun(campaign, start, end)
    # One Prefect client of each kind for the whole replay: otherwise every flow and task run
    # builds its own (an HTTP client and a TLS context each, a few milliseconds apiece).
    async with AsyncClientContext.get_or_create():
        with SyncClientContext.get_or_create():
            await _visit(
                run, plan, calendar, days, review_days, ceremony_days, behaviour, people, on_day
            )
    return run


async def _visit(
    run: ReplayRun,
    plan: Plan,
    calendar: WorkingCalendar,
    days: list[dt.date],
    review_days: dict[MilestoneKind, set[dt.date]],
    ceremony_days: dict[dt.date, str],
    behaviour: UnitBehaviour,
    people: PeopleBehaviour,
    on_day: Callable[[dt.date, int, int], None] | None,
) -> None:
    """Each day with something to do, from the run's start to its end."""
    campaign, end = run.campaign, run.end
    day: dt.date | None = run.start
    previous: dt.date | None = None
    while day is not None:
        as_of = dt.datetime.combine(day, SWEEP_TIME, TIMEZONE)
        started = time.perf_counter()
        with unit_of_work() as session:
            row = campaign_by_slug(session, campaign)
            simulate_units(session, row, calendar, behaviour, before=day, since=previous)
            run.timed("simulated units", started)
            started = time.perf_counter()
            simulate_people(session, row, calendar, people, before=day, since=previous)
        run.timed("simulated people", started)
        previous = day
        if day.month == 1 and day.day == 2:
            started = time.perf_counter()
            await yearly_cycle(year=day.year, as_of=as_of)
            run.timed("yearly-cycle", started)
            run.flow_runs += 1
        started = time.perf_counter()
        prepared, _ = await daily_sweep(as_of=as_of, campaigns=[campaign])
        run.sweep_seconds[day] = time.perf_counter() - started
        run.timed("daily-sweep", started)
        run.partition_seconds[day] = [s for d in prepared for s in d.partition_seconds]
        run.flow_runs += 1
        started = time.perf_counter()
        if day == calendar.effective_due(ELIGIBILITY_REVIEW.replace(year=day.year)):
            await eligibility_review(as_of=as_of, campaigns=[campaign])
            run.flow_runs += 2
        if day == calendar.effective_due(RECOGNITION.replace(year=day.year)):
            await recognition(as_of=as_of, campaigns=[campaign])
            run.flow_runs += 1
        if day in ceremony_days:
            await honour_exemplars(as_of=as_of, campaigns=[campaign], ceremony=ceremony_days[day])
            run.flow_runs += 1
        for kind, name in REVIEWS:
            if day in review_days[kind]:
                await collect_review_reports(review=name, as_of=as_of, campaigns=[campaign])
                run.flow_runs += 1
        run.timed("lifecycle and reviews", started)
        started = time.perf_counter()
        run.series.append(_point(campaign, day))
        run.days_visited += 1
        if on_day:
            on_day(day, sum(d <= day for d in days), len(days))
        day = _next_day(campaign, plan, calendar, days, day, end)
        run.timed("replay's own reads", started)


def _next_day(
    campaign: str,
    plan: Plan,
    calendar: WorkingCalendar,
    days: list[dt.date],
    after: dt.date,
    end: dt.date,
) -> dt.date | None:
    """The next day with something to do: a planned step, or a step of an obligation opened
    along the way (a council member's vote, a publication, a reward decision, a return)."""
    planned = next((d for d in days if d > after), None)
    with unit_of_work() as session:
        dues = set(
            session.scalars(
                select(Obligation.chase_due)
                .distinct()
                .join(Obligation.campaign)
                .where(Campaign.slug == campaign, Obligation.status.in_(CHASED))
            )
        )
    steps = [next_step_day(chain(plan.reminders, due, calendar), after) for due in dues]
    found = [d for d in (planned, *steps) if d is not None and d <= end]
    return min(found, default=None)


def _point(campaign: str, day: dt.date) -> DayPoint:
    with unit_of_work() as session:
        counts: dict[ObligationStatus, int] = {
            status: n
            for status, n in session.execute(
                select(Obligation.status, func.count())
                .join(Obligation.campaign)
                .where(Campaign.slug == campaign)
                .group_by(Obligation.status)
            )
        }
    return DayPoint(
        day,
        open=counts.get(ObligationStatus.OPEN, 0) + counts.get(ObligationStatus.RETURNED, 0),
        overdue=counts.get(ObligationStatus.OVERDUE, 0),
        submitted=counts.get(ObligationStatus.SUBMITTED, 0)
        + counts.get(ObligationStatus.ACCEPTED, 0),
    )
