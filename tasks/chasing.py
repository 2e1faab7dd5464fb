"""Preparing one day of chasing for one campaign, in one transaction."""

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
from models.services.ballot_invitations import invite_members
from models.services.chase import plan_notifications
from models.services.dashboard import escalated_units
from models.services.locking import lock_campaign, lock_campaigns, lock_shards
from models.services.obligations import Directory, mark_overdue, open_obligations
from models.services.plans import campaign_by_slug
from models.services.process_obligations import (
    open_process_obligations,
    settle_process_obligations,
)
from models.services.quota_tracking import settle_quota_obligations
from models.services.self_owed import waive_self_owed

OPENING_HORIZON = dt.timedelta(days=45)
"""Obligations open this far ahead of their first reminder, so directory changes still count."""


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
    every bucket of recipients, so a partitioned sweep's composer (tasks.partitions) waits too.
    """
    return _prepare(campaign, as_of, compose=True)


@task(
    name="prepare-obligations",
    task_run_name=graph_name("chuẩn bị nghĩa vụ {campaign} {as_of:%d/%m/%Y}"),
    retries=2,
    retry_delay_seconds=5,
)
def prepare_obligations(campaign: str, as_of: dt.datetime) -> DayResult:
    """prepare_day up to today's notifications, without composing the emails (0 in the result):
    a partitioned sweep composes them in parallel afterwards (tasks.partitions)."""
    return _prepare(campaign, as_of, compose=False)


def _prepare(campaign: str, as_of: dt.datetime, *, compose: bool) -> DayResult:
    """The day's preparation in one transaction holding the campaign (see prepare_day)."""
    calendar = default_calendar()
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        lock_campaign(session, row.id)
        if compose:
            lock_shards(session, row.id, WHOLE.shards)
        directory = Directory(session)
        opened = open_obligations(
            session,
            row,
            calendar,
            until=as_of.date() + OPENING_HORIZON,
            at=as_of,
            directory=directory,
        )
        waive_self_owed(session, row, at=as_of, directory=directory)  # older databases' rows
        settle_quota_obligations(session, row, at=as_of)
        open_process_obligations(session, row, calendar, at=as_of)
        invite_members(session, row, at=as_of)  # a ballot opened since the last sweep
        settle_process_obligations(session, row, at=as_of)
        overdue = mark_overdue(session, row, at=as_of)
        day = plan_notifications(session, row, calendar, at=as_of, compose=compose)
        escalated = escalated_units(session, row, as_of.date())
    return DayResult(
        campaign,
        opened.obligations,
        overdue,
        day.notifications,
        day.emails,
        day.without_recipient,
        escalated,
    )


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
