"""A minimal iCalendar (RFC 5545) writer for an email's all-day deadlines.

Written by hand rather than with a dependency: an email needs one VCALENDAR of all-day
VEVENTs (one per future deadline it lists, issue 20: one calendar file per email), and the few rules
that matter (TEXT escaping, folding at 75 octets, CRLF) fit on a page. The output is a pure
function of its inputs, so the same email built twice carries the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from models.clock import TIMEZONE

PRODID = "-//tdkt-flow//VI"
UID_DOMAIN = "tdkt-flow"
CRLF = "\r\n"
_LINE_OCTETS = 75
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\n", "\\n")
    return _CONTROL.sub(" ", value)  # other controls are not allowed in TEXT


def fold(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets, never splitting a character.

    Cut in the UTF-8 bytes, stepping back off continuation bytes (10xxxxxx) to a character's
    first byte: a handful of steps per line instead of a walk over every character."""
    data = line.encode("utf-8")
    if len(data) <= _LINE_OCTETS:
        return line
    pieces: list[str] = []
    start, limit = 0, _LINE_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        pieces.append(data[start:cut].decode("utf-8"))
        start, limit = cut, _LINE_OCTETS - 1  # the leading space counts
    pieces.append(data[start:].decode("utf-8"))
    return (CRLF + " ").join(pieces)


def stamp(day: dt.date) -> str:
    """DTSTAMP for an email of `day`: 07:00 Vietnam time in UTC, never the wall clock."""
    moment = dt.datetime.combine(day, dt.time(7, 0), TIMEZONE).astimezone(dt.UTC)
    return moment.strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class Event:
    """One all-day deadline in a calendar: its stable uid, its day and what it says."""

    uid: str
    on: dt.date
    summary: str
    description: str


def calendar(day: dt.date, events: Sequence[Event]) -> bytes:
    """One VCALENDAR holding one all-day VEVENT per event, encoded as UTF-8 with CRLF
    endings: a reader imports an email's deadlines at once, from one file."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}@{UID_DOMAIN}",
            f"DTSTAMP:{stamp(day)}",
            f"DTSTART;VALUE=DATE:{event.on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.on + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines).encode("utf-8")


def all_day_event(*, uid: str, day: dt.date, on: dt.date, summary: str, description: str) -> bytes:
    """One VCALENDAR holding one all-day VEVENT on `on`."""
    return calendar(day, [Event(uid, on, summary, description)])


def slugify(text: str, max_length: int = 50) -> str:
    """ASCII file-name slug of Vietnamese text: "Gửi kế hoạch" -> "gui-ke-hoach"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug.strip("-") or "han"
