"""Running the chase day by day in tests, through the same tasks the flows use (no server)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

from sqlalchemy import select

from models.calendar import default_calendar
from models.clock import TIMEZONE, now
from models.db import unit_of_work
from models.orm import Notification
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from notifications.smtp import SmtpSettings
from tasks.chasing import prepare_day
from tasks.sending import SendResult, send_outbox
from tests.conftest import SMALL_DIRECTORY, SMALL_PLAN

SMALL = "small-2023-2024"


def load_small() -> None:
    with unit_of_work() as session:
        import_directory_file(session, SMALL_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, SMALL_PLAN, default_calendar(), at=now(), actor="test")


def morning(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(7, 30), TIMEZONE)


def days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    while start <= end:
        yield start
        start += dt.timedelta(days=1)


def sweep(day: dt.date, smtp: SmtpSettings, campaign: str = SMALL) -> SendResult:
    """One morning: prepare (open, overdue, notify, compose) and send."""
    prepare_day.fn(campaign, morning(day))
    return asyncio.run(send_outbox.fn(morning(day), settings=smtp))


def notifications() -> list[tuple[str, str, str, dt.date]]:
    """(unit, step, recipient, day) of every notification, in order."""
    with unit_of_work() as session:
        rows = session.scalars(select(Notification).order_by(Notification.day, Notification.key))
        return [(n.key.split("/")[2], n.step, n.recipient_email, n.day) for n in rows]
