"""Which reminder or escalation steps fall due today, read through an index.

Each chased obligation keeps the day of its next step (`next_step_on`). A sweep reads only the
obligations whose day has come — an index range on (campaign, next_step_on), so a national
programme's million open obligations cost what today's few thousand due ones cost — works out
the step to act on (the latest one that has come, as models.policy.step_due says), and moves
the day on to the step after today. Status changes keep the column honest
(models.services.obligations): settled obligations get NEVER, reopened ones UNKNOWN.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.orm import Obligation
from models.partitions import WHOLE, Partition
from models.plan import ReminderPolicy
from models.policy import CHASED, ChainStep, chain, step_due
from models.services.partitions import in_id_partition
from models.services.rows import update_rows

UNKNOWN = dt.date.min
"""next_step_on not worked out yet (a new or reopened obligation): the next sweep does it."""
NEVER = dt.date.max
"""No step left: the chain has run out, or the obligation is settled."""


@dataclass(frozen=True)
class DueStep:
    obligation_id: int
    step: ChainStep


@dataclass(frozen=True)
class DueToday:
    steps: list[DueStep]  # what to act on today
    next_days: dict[int, dt.date]  # obligation id -> its next step day once today is done


def chain_of(
    policy: ReminderPolicy, calendar: WorkingCalendar
) -> Callable[[dt.date], list[ChainStep]]:
    """The steps counted from a due date, computed once per distinct date."""
    return cache(lambda due: chain(policy, due, calendar))


def first_step_from(steps: list[ChainStep], day: dt.date) -> dt.date:
    """The day of the first step on or after day; NEVER if none."""
    return next((s.day for s in steps if s.day >= day), NEVER)


def steps_due_today(
    session: Session,
    campaign_id: int,
    steps_for: Callable[[dt.date], list[ChainStep]],
    today: dt.date,
    partition: Partition = WHOLE,
) -> DueToday:
    """The steps to act on today, and each read obligation's next step day after today (of
    the obligations of the units in `partition`)."""
    rows = session.execute(
        select(Obligation.id, Obligation.chase_due, Obligation.opened_on).where(
            Obligation.campaign_id == campaign_id,
            in_id_partition(Obligation.unit_id, partition),
            Obligation.next_step_on <= today,
            Obligation.status.in_(CHASED),
        )
    )
    due: list[DueStep] = []
    next_days: dict[int, dt.date] = {}
    after = today + dt.timedelta(days=1)
    for obligation_id, chase_due, opened_on in rows:
        steps = steps_for(chase_due)
        step = step_due(steps, opened_on, today)
        if step is not None:
            due.append(DueStep(obligation_id, step))
        next_days[obligation_id] = first_step_from(steps, max(after, opened_on))
    return DueToday(due, next_days)


def move_on(session: Session, next_days: dict[int, dt.date]) -> None:
    """Record each obligation's next step day (one executemany, by primary key)."""
    if next_days:
        update_rows(
            session,
            Obligation,
            [{"id": oid, "next_step_on": day} for oid, day in next_days.items()],
        )
