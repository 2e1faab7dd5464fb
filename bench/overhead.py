"""Prefect overhead benchmark: task runs per daily sweep grow with batches, not with emails.

Prefect records every task run on its server; one task per email would make a 10,000-email
morning 10,000 task runs, each a round of state changes. The daily sweep instead runs one task
per campaign to prepare the day, one to send the whole outbox (batch after batch inside it)
and one per campaign for the dashboard's artifacts. This runs the real `daily-sweep` flow on a
temporary Prefect server for a synthetic world (bench.world) whose sweep writes ~10,000 emails,
and again for ~1,000, sends them to a local aiosmtpd server, and counts the flow run's task
runs through the Prefect client: the two counts must be equal.

    .venv/bin/python -m bench.overhead [--quick] [--json]    (--quick: 1,000 and 100 emails)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from bench.common import arguments, machine, peak_rss_mib, report, scratch_environment
from bench.mailserver import smtp_server
from bench.prefect_runs import settled_task_runs
from bench.world import due_in, load_world, morning, write_world

if TYPE_CHECKING:
    from prefect.client.schemas.objects import State

FULL, QUICK = (10_000, 1_000), (1_000, 100)  # emails of the large and the small sweep
DAY = dt.date(2025, 10, 20)  # a Monday; the milestone falls due 3 working days later


def _sweep(folder: Path, emails: int, plan_id: str) -> dict[str, Any]:
    """Load a world whose sweep on DAY writes `emails` reminders, run the flow, count its tasks."""
    from flows.daily_sweep import daily_sweep

    world = write_world(folder, units=emails, due=[due_in(DAY, 3)], plan_id=plan_id)
    load_world(world, at=morning(DAY))
    with smtp_server("sink", folder / "mail") as server:
        os.environ["TDKT_SMTP_HOST"], os.environ["TDKT_SMTP_PORT"] = server.host, str(server.port)
        start = time.perf_counter()
        run = daily_sweep(as_of=morning(DAY), campaigns=[world.plan_id], return_state=True)
        state: State[Any] = asyncio.run(cast("Coroutine[Any, Any, State[Any]]", run))
        seconds = time.perf_counter() - start
        received = len(server.stop())
    days, sent = state.result()
    assert state.state_details.flow_run_id is not None
    runs = settled_task_runs(state.state_details.flow_run_id)
    return {
        "emails": days[0].emails,
        "sent": sent.sent,
        "received": received,
        "task_runs": len(runs),
        "task_seconds": {r.name: round(r.total_run_time.total_seconds(), 2) for r in runs},
        "flow_state": state.type.value,
        "flow_seconds": round(seconds, 1),
    }


def main() -> None:
    args = arguments("Prefect task runs per daily sweep, at ~10,000 and ~1,000 emails.")
    large, small = QUICK if args.quick else FULL
    load_before = os.getloadavg()
    with scratch_environment(args.database_url) as root:
        from prefect.testing.utilities import prefect_test_harness

        with prefect_test_harness(server_startup_timeout=120):
            # Small first: the large world's directory then extends the small one's units.
            low = _sweep(root / "small", small, "bench-overhead-small")
            high = _sweep(root / "large", large, "bench-overhead-large")
    problems = [
        f"{s['emails']} emails: sent {s['sent']}, received {s['received']}, flow {s['flow_state']}"
        for s in (low, high)
        if not s["emails"] == s["sent"] == s["received"] or s["flow_state"] != "COMPLETED"
    ]
    if high["task_runs"] > low["task_runs"]:
        problems.append(f"task runs grew: {low['task_runs']} -> {high['task_runs']}")
    result: dict[str, Any] = {
        "emails": high["emails"],
        "task_runs": high["task_runs"],
        "small_emails": low["emails"],
        "small_task_runs": low["task_runs"],
        "flat": high["task_runs"] == low["task_runs"],
        "tasks": high["task_seconds"],
        "small_tasks": low["task_seconds"],
        "flow_seconds": high["flow_seconds"],
        "small_flow_seconds": low["flow_seconds"],
        "problems": problems,
        "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())],
        "peak_rss_mib": round(peak_rss_mib()),
        "machine": machine(),
    }
    lines = [
        f"daily-sweep with {s['emails']:,} emails: {s['task_runs']} task runs "
        f"({', '.join(f'{n} {t}s' for n, t in s['task_seconds'].items())}); "
        f"flow {s['flow_seconds']} s, {s['received']:,} received"
        for s in (high, low)
    ]
    lines.append(
        "Task runs do not grow with emails." if result["flat"] else "Task runs GREW with emails."
    )
    lines += [f"PROBLEM: {p}" for p in problems]
    lines.append(f"Load average before/after: {result['load_average']}")
    report(result, lines, as_json=args.json)
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
