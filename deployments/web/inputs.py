"""Numbers from paths and forms, checked before they reach a service or the database.

`int()` takes more than digits ('²' passes str.isdigit() and then fails int(); '١٢' and ' 7'
are read), and a number past the column's range makes the database driver fail (SQLite past
2**63, PostgreSQL's INTEGER past 2**31): either was a 500. Here a number is ASCII digits only,
within a stated range, or it is refused as not found (a path) or as a form error.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path

MAX_ID = 2**31 - 1
"""The largest row id: ids are INTEGER columns, 32-bit on PostgreSQL."""

DbId = Annotated[int, Path(ge=1, le=MAX_ID)]
"""A row id in a path; out of range, the page is 'not found' (app.py's validation handler)."""

_DIGITS = re.compile(r"[0-9]{1,18}")


def form_int(text: str, *, low: int, high: int) -> int | None:
    """The integer text writes in ASCII digits, if it lies within [low, high]; else None."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None
