"""When each milestone of a plan falls due: the timeline a coordinator reads.

Pure functions over a Plan and a WorkingCalendar. A recurring milestone has one occurrence per
period (month, quarter, year) of the plan's years; occurrences due before the plan was issued
are dropped, since nobody can owe something under a plan that did not yet exist (the document's
date, or its `effective_from` where the date is unknown).

A time limit whose last day is a day off ends on the next working day (BLDS art. 148); an
occasion ("vào dịp 19/5") is the day of the event and stays on its day. A deadline a coordinator
set (`set_date`, `coordinator_phrase`) is read the same way but its rule says whose it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.calendar import WorkingCalendar
from models.deadline import periods_between
from models.phrases import Deadline, parse_phrase
from models.plan import DEFAULT_CONTINUING_REPORT, Milestone, Plan
from models.quotas import chased_milestones

ONCE = "once"


@dataclass(frozen=True)
class Due:
    """One due date of one milestone."""

    occurrence: str
    label: str
    start: dt.date | None
    due: dt.date
    effective_due: dt.date
    moved_because: str | None


@dataclass(frozen=True)
class ScheduledMilestone:
    milestone: Milestone
    deadline: Deadline | None
    dues: tuple[Due, ...]

    @property
    def awaiting_date(self) -> bool:
        return self.deadline is None and not self.dues

    @property
    def rule(self) -> str | None:
        """The reading's rule; "set_by_coordinator" where the dates are the coordinator's: a
        set date or phrase, and a continuing duty reported at the default frequency (the plan
        writes its window, not when to report on it)."""
        m = self.milestone
        if m.set_by_coordinator or (m.continuing and m.report_every is None):
            return "set_by_coordinator"
        return self.deadline.rule if self.deadline else None


def schedule_milestone(
    plan: Plan, milestone: Milestone, calendar: WorkingCalendar
) -> ScheduledMilestone:
    occasion = False

    def due(occurrence: str, label: str, start: dt.date | None, day: dt.date) -> Due:
        effective = day if occasion else calendar.effective_due(day)
        reason = calendar.day_off_reason(day) if effective != day else None
        return Due(occurrence, label, start, day, effective, reason)

    if milestone.set_date is not None:
        return ScheduledMilestone(milestone, None, (due(ONCE, "", None, milestone.set_date),))
    phrase = milestone.phrase or milestone.coordinator_phrase
    if phrase is None:
        return ScheduledMilestone(milestone, None, ())
    doc = plan.document
    deadline = parse_phrase(
        phrase, issued=doc.date or doc.effective_from, add_working_days=calendar.add_working_days
    )
    occasion = deadline.occasion
    issued = doc.effective_from or doc.date or dt.date(plan.period.start, 1, 1)
    if milestone.continuing:
        # "Trong năm 2015 tiếp tục ... nhân rộng": reported each period of its window.
        assert deadline.due is not None
        every = milestone.report_every or DEFAULT_CONTINUING_REPORT
        start = max(deadline.start or issued, issued)
        return ScheduledMilestone(
            milestone,
            deadline,
            tuple(
                due(o.key, o.label, None, o.due)
                for o in periods_between(every, start, deadline.due)
            ),
        )
    if deadline.kind != "recurring":
        assert deadline.due is not None
        return ScheduledMilestone(
            milestone, deadline, (due(ONCE, "", deadline.start, deadline.due),)
        )
    dues = tuple(
        due(o.key, o.label, None, o.due)
        for year in plan.period.years
        for o in deadline.occurrences(year)
        if o.due >= issued
    )
    return ScheduledMilestone(milestone, deadline, dues)


def schedule(
    plan: Plan, calendar: WorkingCalendar, *, quotas: bool = True
) -> list[ScheduledMilestone]:
    """Every milestone's due dates; with quotas, also the milestones yearly quotas add."""
    milestones = chased_milestones(plan) if quotas else plan.milestones
    return [schedule_milestone(plan, m, calendar) for m in milestones]


def timeline(plan: Plan, calendar: WorkingCalendar) -> list[tuple[Due, Milestone]]:
    """Every due date of the plan in time order (milestones awaiting a date are left out)."""
    rows = [(d, s.milestone) for s in schedule(plan, calendar) for d in s.dues]
    return sorted(rows, key=lambda row: (row[0].effective_due, row[1].id))
