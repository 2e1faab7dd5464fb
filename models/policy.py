"""The reminder and escalation chain of one obligation: which step falls on which working day.

Pure functions over a ReminderPolicy and a WorkingCalendar. Every step lands on a working day
(reminders count working days back from the due date, escalations forward), so nothing is sent
on a day off, Tết included. A sweep acts on one step at most per obligation and day: the latest
step whose day has come. A step missed because no sweep ran is superseded by the next, so a
late start never floods a unit with the reminders it missed.

After the last escalation level the chain goes on, decaying (RepeatPolicy, docs/plan-format.md):
weekly (Mondays) for the first month, then monthly (the 1st) for some months, then it ends.
The repeats are ranked after the levels ("escalation-4", "escalation-5"...), so their
notification keys are distinct and every sweep, replay included, acts on each once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from models.calendar import WorkingCalendar
from models.plan import ReminderPolicy, RepeatPolicy
from models.vocabulary import ContactRole, ObligationStatus

StepKind = Literal["reminder", "due", "escalation"]
Recipient = ContactRole | Literal["superior", "supervisor"]

CHASED = frozenset({ObligationStatus.OPEN, ObligationStatus.RETURNED, ObligationStatus.OVERDUE})
"""Statuses whose chain is running; submitted, accepted and waived obligations are not chased."""

RESUBMIT_WORKING_DAYS = 5
"""After a return, the unit has at least this many working days before the chain resumes."""


@dataclass(frozen=True, order=True)
class ChainStep:
    day: dt.date
    order: int
    name: str  # 'reminder-10', 'due', 'escalation-1': part of the notification key
    kind: StepKind
    level: int  # reminder: working days before; escalation: its rank
    to: Recipient  # whose contacts receive it; reminders go to the unit's emulation officer


def chain(policy: ReminderPolicy, due: dt.date, calendar: WorkingCalendar) -> list[ChainStep]:
    """Every step for an obligation whose chain counts from due, in time order."""
    due = calendar.effective_due(due)
    steps: list[ChainStep] = []
    for n in sorted(set(policy.before_working_days), reverse=True):
        day = calendar.add_working_days(due, -n)
        steps.append(
            ChainStep(
                day, len(steps), f"reminder-{n}", "reminder", n, ContactRole.EMULATION_OFFICER
            )
        )
    if policy.on_due_date:
        steps.append(ChainStep(due, len(steps), "due", "due", 0, ContactRole.EMULATION_OFFICER))
    last: dt.date | None = None
    for rank, escalation in enumerate(policy.escalations, start=1):
        day = calendar.add_working_days(due, escalation.after_working_days)
        steps.append(
            ChainStep(day, len(steps), f"escalation-{rank}", "escalation", rank, escalation.to)
        )
        last = day if last is None else max(last, day)
    if last is not None:
        rank = len(policy.escalations)
        for day in repeat_days(policy.repeat, last, calendar):
            rank += 1
            steps.append(
                ChainStep(
                    day, len(steps), f"escalation-{rank}", "escalation", rank, policy.repeat.to
                )
            )
    return sorted(steps)


WEEK_WORKING_DAYS = 5


def repeat_days(repeat: RepeatPolicy, last: dt.date, calendar: WorkingCalendar) -> list[dt.date]:
    """The days an item still overdue after its last escalation (on `last`) is escalated again:
    `repeat.weekly` times on Mondays (the first a week at least after `last`), then on the
    first day of each month up to `repeat.months` months after it, each moved to the next
    working day; then never. Decaying, so that a unit years late is not listed every week for
    years (issue 20); the standing body's emails still count it (models.services.chase).

    The days are the same for every item (Mondays, the first of the month), so the repeats of
    a standing body's many late items come together in one digest instead of one email each.
    """
    days: list[dt.date] = []
    first = calendar.add_working_days(last, WEEK_WORKING_DAYS)
    monday = first + dt.timedelta(days=-first.weekday() % 7)
    for k in range(repeat.weekly):  # a Monday off moves to the next working day
        day = calendar.effective_due(monday + dt.timedelta(weeks=k))
        if not days or day > days[-1]:
            days.append(day)
    for month in range(1, repeat.months + 1):
        index = last.month - 1 + month
        day = calendar.effective_due(dt.date(last.year + index // 12, index % 12 + 1, 1))
        # A week at least after the one before: a month's first day close after the last
        # weekly repeat is stood for by it.
        if day >= calendar.add_working_days(days[-1] if days else last, WEEK_WORKING_DAYS):
            days.append(day)
    return days


def escalation_recipient(policy: ReminderPolicy, level: int) -> Recipient:
    """Who an escalation of this rank goes to: its level's recipient, or, past the last
    level, the repeats' (RepeatPolicy.to)."""
    if 1 <= level <= len(policy.escalations):
        return policy.escalations[level - 1].to
    return policy.repeat.to


def is_repeat(policy: ReminderPolicy, level: int) -> bool:
    """Whether an escalation of this rank repeats one already made (the item is still overdue,
    not newly so)."""
    return level > len(policy.escalations)


def step_due(steps: list[ChainStep], opened_on: dt.date, as_of: dt.date) -> ChainStep | None:
    """The step to act on today: the latest whose day is between opened_on and as_of."""
    candidates = [s for s in steps if opened_on <= s.day <= as_of]
    return candidates[-1] if candidates else None


def next_step_day(steps: list[ChainStep], after: dt.date) -> dt.date | None:
    """The first step day after a given day (the replay visits only such days)."""
    return next((s.day for s in steps if s.day > after), None)


def chase_due_after_return(
    effective_due: dt.date, returned_on: dt.date, calendar: WorkingCalendar
) -> dt.date:
    """A returned obligation's chain restarts: counted from the later of its due date and a
    short resubmission period after the return."""
    return max(effective_due, calendar.add_working_days(returned_on, RESUBMIT_WORKING_DAYS))


TRANSITIONS: dict[ObligationStatus, frozenset[ObligationStatus]] = {
    ObligationStatus.OPEN: frozenset(
        {ObligationStatus.SUBMITTED, ObligationStatus.WAIVED, ObligationStatus.OVERDUE}
    ),
    ObligationStatus.OVERDUE: frozenset({ObligationStatus.SUBMITTED, ObligationStatus.WAIVED}),
    ObligationStatus.RETURNED: frozenset(
        {ObligationStatus.SUBMITTED, ObligationStatus.WAIVED, ObligationStatus.OVERDUE}
    ),
    ObligationStatus.SUBMITTED: frozenset({ObligationStatus.ACCEPTED, ObligationStatus.RETURNED}),
    ObligationStatus.ACCEPTED: frozenset(),
    ObligationStatus.WAIVED: frozenset({ObligationStatus.OPEN}),
}


class IllegalTransition(ValueError):
    """A status change the process does not allow (accepting what was never submitted...)."""


def check_transition(current: ObligationStatus, target: ObligationStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(
            f"không thể chuyển nghĩa vụ từ '{current.label}' sang '{target.label}'"
        )
