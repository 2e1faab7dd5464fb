"""The reminder and escalation chain of one obligation: which step falls on which working day.

Pure functions over a ReminderPolicy and a WorkingCalendar. Every step lands on a working day
(reminders count working days back from the due date, escalations forward), so nothing is sent
on a day off, Tết included. A sweep acts on one step at most per obligation and day: the latest
step whose day has come. A step missed because no sweep ran is superseded by the next, so a
late start never floods a unit with the reminders it missed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from models.calendar import WorkingCalendar
from models.plan import ReminderPolicy
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
    for rank, escalation in enumerate(policy.escalations, start=1):
        day = calendar.add_working_days(due, escalation.after_working_days)
        steps.append(
            ChainStep(day, len(steps), f"escalation-{rank}", "escalation", rank, escalation.to)
        )
    return sorted(steps)


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
