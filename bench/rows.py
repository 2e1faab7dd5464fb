"""Rows benchmark: writing many plain rows through the ORM's bulk paths or through Core.

A national sweep inserts tens of thousands of notifications a day and updates as many
obligations and emails by primary key. SQLAlchemy's ORM bulk INSERT and bulk UPDATE by primary
key (`session.execute(insert(Model), rows)`, `session.execute(update(Model), rows)`) spend
Python per row on the mapper's bookkeeping; models.services.rows writes the same rows through
Core on the session's connection. This times both on the project's own tables (the audit log,
whose columns are plain, and obligations' next step day), in a fresh SQLite database, each
measured twice in turns so that a drift of the host shows as a spread.

    .venv/bin/python -m bench.rows [--quick] [--json] [--database-url URL]
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session

from bench.common import arguments, machine, report, scratch_environment
from models.clock import TIMEZONE

AT = dt.datetime(2024, 3, 1, 7, 30, tzinfo=TIMEZONE)


def _audit_rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "at": AT,
            "actor": "bench",
            "action": "obligation.submitted",
            "entity": "obligation",
            "entity_id": n,
            "from_status": "open",
            "to_status": "submitted",
            "reason": f"dòng {n}",
        }
        for n in range(count)
    ]


def _timed(session: Session, work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    session.rollback()
    return seconds


def main() -> None:
    args = arguments(__doc__.splitlines()[0] if __doc__ else "rows")
    count = 5_000 if args.quick else 50_000
    with scratch_environment(args.database_url):
        from models.db import engine_for, unit_of_work
        from models.orm import AuditEntry
        from models.services.rows import insert_rows, update_rows

        backend = engine_for().dialect.name
        rows = _audit_rows(count)
        figures: dict[str, list[float]] = {
            "orm insert": [],
            "core insert": [],
            "orm update": [],
            "core update": [],
        }
        with unit_of_work() as session:  # the schema, migrated
            session.execute(delete(AuditEntry))
        with Session(engine_for()) as session:  # rolled back after each measure
            ids = list(range(1, count + 1))
            changes = [{"id": i, "reason": "sửa", "to_status": "accepted"} for i in ids]
            for _ in range(2):
                figures["orm insert"].append(
                    _timed(session, lambda: session.execute(insert(AuditEntry), rows))
                )
                figures["core insert"].append(
                    _timed(session, lambda: insert_rows(session, AuditEntry, rows))
                )
                for label, write in (
                    ("orm update", lambda: session.execute(update(AuditEntry), changes)),
                    ("core update", lambda: update_rows(session, AuditEntry, changes)),
                ):
                    session.execute(
                        insert(AuditEntry), [{**r, "id": i} for r, i in zip(rows, ids, strict=True)]
                    )
                    figures[label].append(_timed(session, write))
    best = {label: min(times) for label, times in figures.items()}
    result = {
        "rows": count,
        "backend": backend,
        "seconds": {label: [round(t, 3) for t in times] for label, times in figures.items()},
        "per_row_microseconds": {label: round(t / count * 1e6, 1) for label, t in best.items()},
        "machine": machine(),
    }
    report(
        result,
        [
            f"{count:,} rows ({backend}), best of two, microseconds a row:",
            *(f"  {label}: {t / count * 1e6:.1f}" for label, t in best.items()),
        ],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
