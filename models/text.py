"""How dates and counts are written for Vietnamese readers."""

from __future__ import annotations

import datetime as dt
import functools

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


@functools.lru_cache(maxsize=4096)
def vn_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, or an em dash for no date. Cached: a national morning writes the same few
    hundred dates into a hundred thousand lines, and strftime is the slow part."""
    return day.strftime("%d/%m/%Y") if day else "—"


def vn_weekday(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def vn_moved(due: dt.date, effective: dt.date) -> str:
    """A deadline moved off a day off, each date with its own weekday:
    "30/09/2023 (Thứ Bảy) → 02/10/2023 (Thứ Hai)" (a weekday after the pair read as the
    second date's)."""
    return f"{vn_date(due)} ({vn_weekday(due)}) → {vn_date(effective)} ({vn_weekday(effective)})"


def vn_number(value: int) -> str:
    """An integer as Vietnamese writes it, thousands apart with dots: 3.210."""
    return f"{value:,}".replace(",", ".")
