"""How often a long-overdue item is escalated: read from a replayed database (issue 20).

Run after a replay (`tdkt demo`, or `tdkt replay`) with TDKT_DATA_DIR pointing at its data
directory; reads every escalation email of the outbox and counts, per overdue item (unit,
what, due date), the distinct days on which an email listed it as overdue:

    TDKT_DATA_DIR=/tmp/demo .venv/bin/tdkt demo
    TDKT_DATA_DIR=/tmp/demo .venv/bin/python -m bench.escalations [--json]

It parses the overdue lines of the plain-text template ("1. Sở Y tế — Kế hoạch … — hạn
31/10/2022 — quá hạn 299 ngày làm việc"); a template that words them otherwise needs its
pattern here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import sys
from collections import defaultdict
from email import message_from_bytes, policy

from sqlalchemy import select

from models.db import unit_of_work
from models.orm import Email

LINE = re.compile(
    r"^\d+\. (?P<unit>.+?) — (?P<what>.+) — hạn (?P<due>\d\d/\d\d/\d{4}) — quá hạn \d+ ngày",
    re.MULTILINE,
)


def listed_days() -> dict[tuple[str, str, str], set[dt.date]]:
    """(unit, what, due) → the days an escalation email listed it."""
    days: dict[tuple[str, str, str], set[dt.date]] = defaultdict(set)
    with unit_of_work() as session:
        for day, mime in session.execute(
            select(Email.day, Email.mime).where(Email.kind == "escalation")
        ):
            body = message_from_bytes(mime, policy=policy.default).get_body(("plain",))
            text = body.get_content() if body is not None else ""
            for m in LINE.finditer(text):
                days[m["unit"], m["what"], m["due"]].add(day)
    return days


def main() -> None:
    days = listed_days()
    counts = sorted((len(d) for d in days.values()), reverse=True)
    year_late = [
        len(d)
        for (_, _, due), d in days.items()
        if max(d) - dt.datetime.strptime(due, "%d/%m/%Y").date() >= dt.timedelta(days=365)
    ]
    figures = {
        "items": len(counts),
        "most_days_listed": counts[0] if counts else 0,
        "median_days_listed": statistics.median(counts) if counts else 0,
        "items_listed_a_year_after_due": len(year_late),
        "most_days_listed_of_those": max(year_late, default=0),
    }
    if "--json" in sys.argv:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
