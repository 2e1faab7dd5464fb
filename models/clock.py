"""The one place that reads the real time. Everything else takes `as_of` as a parameter."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> dt.datetime:
    """The current moment in Asia/Ho_Chi_Minh."""
    return dt.datetime.now(TIMEZONE)


def today() -> dt.date:
    """Today's date in Vietnam (not the server's local date)."""
    return now().date()


def at_start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of day, Vietnam time: the instant a simulated day begins."""
    return dt.datetime.combine(day, dt.time(0, 0), TIMEZONE)
