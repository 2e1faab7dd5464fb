"""Numbers from paths and forms, checked before they reach a service or the database.

`int()` takes more than digits ('²' passes str.isdigit() and then fails int(); '١٢' and ' 7'
are read), and a number past the column's range makes the database driver fail (SQLite past
2**63, PostgreSQL's INTEGER past 2**31): either was a 500. Here a number is ASCII digits only,
within a stated range, or it is refused as not found (a path) or as a form error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated

from fastapi import Path

MAX_ID = 2**31 - 1
"""The largest row id: ids are INTEGER columns, 32-bit on PostgreSQL."""

DbId = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A row id in a path; out of range, the page is 'not found' (app.py's validation handler)."""

MAX_QUERY_VALUE = 120
"""The longest filter value read (a unit code, a milestone id): longer is refused unread."""

_DIGITS = re.compile(r"[0-9]{1,18}")


def form_int(text: str, *, low: int, high: int) -> int | None:
    """The integer text writes in ASCII digits, if it lies within [low, high]; else None."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


class BadQuery(ValueError):
    """A query parameter outside the values a page offers; the message says which, in
    Vietnamese, for a 400 page."""


MAX_PAGE = 1_000_000


def page_number(value: str | None) -> int:
    """A list's page from `?trang=`: 1 when absent; digits within [1, MAX_PAGE] or refused."""
    if value is None or value == "":
        return 1
    number = form_int(value[:MAX_QUERY_VALUE], low=1, high=MAX_PAGE)
    if number is None:
        raise BadQuery(f"Số trang “{value[:MAX_QUERY_VALUE]}” không hợp lệ.")
    return number


def one_of(label: str, value: str | None, allowed: Iterable[str]) -> str | None:
    """value if it is one of allowed, None when absent or empty (no filter); anything else
    (a hand-edited URL, a stale bookmark) is refused before it reaches a query."""
    if value is None or value == "":
        return None
    if len(value) <= MAX_QUERY_VALUE and value in set(allowed):
        return value
    raise BadQuery(
        f"Giá trị “{value[:MAX_QUERY_VALUE]}” của bộ lọc “{label}” không có trong danh sách."
    )
