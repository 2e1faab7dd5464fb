"""How dates and counts are written for Vietnamese readers."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def vn_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, or an em dash for no date."""
    return day.strftime("%d/%m/%Y") if day else "—"


def vn_weekday(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]
