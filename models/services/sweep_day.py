"""A campaign's morning in three steps, each for a whole campaign or one partition of its units.

1. `open_day` opens what falls due for the units of a partition (plan obligations, by unit).
2. `settle_day` does what concerns the campaign as a whole: quotas met, the process's own
   obligations (votes, publications, decisions) opened and settled, ballot invitations.
3. `notify_day` marks the late and writes today's notifications for a partition's units.

The order is the unpartitioned sweep's: a quota obligation opened in step 1 is settled in step 2
the same morning, before step 3 would remind anyone of it. Nothing of one unit's obligations
depends on another unit's, so steps 1 and 3 split by the owing unit's id (models.partitions)
and give, together, what one pass over the whole campaign gives. Composing the digests comes
after step 3, by recipient (models.services.digests), since one person hears of many units.

The callers hold the locks (tasks.chasing, tasks.partitions): the campaign for step 2, the
partition's unit buckets for steps 1 and 3.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.orm import Campaign
from models.partitions import WHOLE, Partition
from models.services.ballot_invitations import invite_members
from models.services.chase import plan_notifications
from models.services.dashboard import escalated_units
from models.services.obligations import Directory, mark_overdue, open_obligations
from models.services.process_obligations import (
    open_process_obligations,
    settle_process_obligations,
)
from models.services.quota_tracking import settle_quota_obligations
from models.services.self_owed import waive_self_owed

OPENING_HORIZON = dt.timedelta(days=45)
"""Obligations open this far ahead of their first reminder, so directory changes still count."""


@dataclass(frozen=True)
class Notified:
    """What step 3 did for its units."""

    overdue: int
    notifications: int
    emails: int
    without_recipient: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)  # units' names, escalated today


def open_day(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    at: dt.datetime,
    *,
    partition: Partition = WHOLE,
    directory: Directory | None = None,
) -> int:
    """Step 1: open the partition's obligations whose first reminder is within the horizon."""
    return open_obligations(
        session,
        campaign,
        calendar,
        until=at.date() + OPENING_HORIZON,
        at=at,
        directory=directory,
        partition=partition,
    ).obligations


def settle_day(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    at: dt.datetime,
    *,
    directory: Directory | None = None,
) -> None:
    """Step 2: what concerns the campaign as a whole."""
    waive_self_owed(session, campaign, at=at, directory=directory)  # older databases' rows
    settle_quota_obligations(session, campaign, at=at)
    open_process_obligations(session, campaign, calendar, at=at)
    invite_members(session, campaign, at=at)  # a ballot opened since the last sweep
    settle_process_obligations(session, campaign, at=at)


def notify_day(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    at: dt.datetime,
    *,
    partition: Partition = WHOLE,
    compose: bool = False,
) -> Notified:
    """Step 3: mark the partition's late obligations and write today's notifications (and,
    for the whole campaign and if compose, the digests)."""
    overdue = mark_overdue(session, campaign, at=at, partition=partition)
    day = plan_notifications(
        session, campaign, calendar, at=at, compose=compose, partition=partition
    )
    escalated = escalated_units(session, campaign, at.date(), partition)
    return Notified(overdue, day.notifications, day.emails, day.without_recipient, escalated)
