"""Sweep benchmark: find the actions due today among 1,000,000 open obligations.

A national programme: about 20,000 units, each owing 50 milestones of a five-year plan, all
open and swept daily until yesterday (nobody submitted, so earlier milestones are still being
escalated). "Today" is the day of one milestone's first reminder.
What is timed is what every sweep does first: models.services.due_steps.steps_due_today (an
indexed read of the obligations whose next step day has come, and each one's step). Target:
under 1 s, on SQLite and on PostgreSQL (--database-url postgresql+psycopg://...).

    .venv/bin/python -m bench.sweep [--quick] [--json] [--database-url URL]
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from sqlalchemy import text

from bench import national
from bench.common import arguments, machine, report, scratch_environment
from models.calendar import default_calendar
from models.policy import chain
from models.schedule import schedule_milestone

MILESTONES = 50
FIRST, LAST = dt.date(2021, 3, 1), dt.date(2025, 11, 28)
OPENED_ON = dt.date(2021, 1, 4)
REPEATS = 5


def main() -> None:
    args = arguments(__doc__.splitlines()[0] if __doc__ else "sweep")
    shape = national.Shape.scaled(0.05) if args.quick else national.Shape()
    with scratch_environment(args.database_url):
        from models.db import engine_for, unit_of_work
        from models.services.due_steps import chain_of, steps_due_today

        engine = engine_for()
        calendar = default_calendar()
        the_plan = national.plan(MILESTONES, FIRST, LAST, calendar)
        middle = the_plan.milestones[MILESTONES // 2]
        due_day = schedule_milestone(the_plan, middle, calendar).dues[0].effective_due
        today = chain(the_plan.reminders, due_day, calendar)[0].day
        started = time.perf_counter()
        with unit_of_work() as session:
            campaign = national.load(session, shape, the_plan, calendar, contacts=False)
            obligations = national.open_all(
                session,
                campaign,
                calendar,
                opened_on=OPENED_ON,
                swept_until=today - dt.timedelta(days=1),
            )
            campaign_id = campaign.id
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        setup = time.perf_counter() - started
        times, due = [], 0
        for _ in range(REPEATS):
            with unit_of_work() as session:
                t0 = time.perf_counter()
                found = steps_due_today(
                    session, campaign_id, chain_of(the_plan.reminders, calendar), today
                )
                times.append(time.perf_counter() - t0)
                due = len(found.steps)
        seconds = statistics.median(times)
        backend = engine.dialect.name
    result = {
        "obligations": obligations,
        "due": due,
        "seconds": round(seconds, 4),
        "backend": backend,
        "target_seconds": 1.0,
        "met": seconds < 1.0,
        "setup_seconds": round(setup, 1),
        "machine": machine(),
    }
    report(
        result,
        [
            f"{obligations:,} open obligations ({backend}; set up in {setup:.0f} s)",
            f"{due:,} steps due on {today:%d/%m/%Y}, found in {seconds * 1000:.0f} ms "
            f"(median of {REPEATS}; target < 1 s: {'met' if seconds < 1.0 else 'MISSED'})",
        ],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
