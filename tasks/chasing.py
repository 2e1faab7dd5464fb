"""Preparing one day of chasing for one campaign: in one transaction (prepare_day), or its
campaign-wide step between partitions of its units (settle_campaign; tasks.partitions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from prefect import task
from sqlalchemy import select

from flows.naming import graph_name
from models.calendar import default_calendar
from models.db import unit_of_work
from models.orm import Campaign
from models.partitions import WHOLE
from models.services.locking import UNIT_LOCKS, lock_campaign, lock_campaigns, lock_shards
from models.services.obligations import Directory, open_obligations
from models.services.plans import campaign_by_slug
from models.services.sweep_day import notify_day, open_day, settle_day


@dataclass(frozen=True)
class DayResult:
    campaign: str
    opened: int
    overdue: int
    notifications: int
    emails: int
    without_recipient: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)  # units' names, escalated today
    partition_seconds: list[float] = field(default_factory=list)  # composing, per partition


def active_campaigns(as_of: dt.datetime) -> list[str]:
    """Campaigns whose period (plus the year after, for late final reviews) includes as_of."""
    with unit_of_work() as session:
        return list(
            session.scalars(
                select(Campaign.slug)
                .where(Campaign.period_start <= as_of.year, Campaign.period_end + 1 >= as_of.year)
                .order_by(Campaign.slug)
            )
        )


@task(
    name="prepare-day",
    task_run_name=graph_name("chuẩn bị {campaign} {as_of:%d/%m/%Y}"),
    retries=2,
    retry_delay_seconds=5,
)
def prepare_day(campaign: str, as_of: dt.datetime) -> DayResult:
    """Open due obligations, mark the late ones, and write today's notifications and emails.

    One transaction: a failure leaves the outbox as it was, and a retry (or a second sweep)
    finds the rows already there and adds nothing. It holds the campaign (models.services.
    locking), so a second worker preparing the same campaign waits, then finds it done; and
    every bucket of units and of recipients, so a partitioned sweep's partitions
    (tasks.partitions; models.services.sweep_day for the steps) wait too.
    """
    calendar = default_calendar()
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        lock_campaign(session, row.id)
        lock_shards(session, row.id, WHOLE.shards, space=UNIT_LOCKS)
        lock_shards(session, row.id, WHOLE.shards)
        directory = Directory(session)
        opened = open_day(session, row, calendar, as_of, directory=directory)
        settle_day(session, row, calendar, as_of, directory=directory)
        day = notify_day(session, row, calendar, as_of, compose=True)
    return DayResult(
        campaign,
        opened,
        day.overdue,
        day.notifications,
        day.emails,
        day.without_recipient,
        day.escalated,
    )


@task(
    name="settle-campaign",
    task_run_name=graph_name("nghĩa vụ chung {campaign} {as_of:%d/%m/%Y}"),
    retries=2,
    retry_delay_seconds=5,
)
def settle_campaign(campaign: str, as_of: dt.datetime) -> None:
    """A partitioned sweep's step 2 (models.services.sweep_day.settle_day), between opening
    and notifying in partitions: holds the campaign and every unit's bucket, so no partition
    of an overlapping sweep works on the units meanwhile."""
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        lock_campaign(session, row.id)
        lock_shards(session, row.id, WHOLE.shards, space=UNIT_LOCKS)
        settle_day(session, row, default_calendar(), as_of)


@task(name="open-year", task_run_name=graph_name("mở nghĩa vụ năm {year}"))
def open_year(year: int, as_of: dt.datetime) -> dict[str, int]:
    """Open every obligation of a year for every campaign, so the dashboard shows the year."""
    calendar = default_calendar()
    opened: dict[str, int] = {}
    with unit_of_work() as session:
        campaigns = session.scalars(
            select(Campaign)
            .where(Campaign.period_start <= year, Campaign.period_end >= year)
            .order_by(Campaign.id)
        ).all()
        lock_campaigns(session, [c.id for c in campaigns])  # as prepare_day, which also opens
        for campaign in campaigns:  # and the units, as the partitions opening obligations
            lock_shards(session, campaign.id, WHOLE.shards, space=UNIT_LOCKS)
        directory = Directory(session)
        for campaign in campaigns:
            result = open_obligations(
                session,
                campaign,
                calendar,
                until=dt.date(year, 12, 31),
                at=as_of,
                directory=directory,
            )
            opened[campaign.slug] = result.obligations
    return opened
