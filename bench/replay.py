"""Replay benchmark: a national synthetic programme, 2021-2025, end to end.

34 provinces, 3,000 communes and 20,000 units in all, each owing the plan's milestones (unit
plans, yearly reports, midterm and final reviews), with 100,000 registered candidates, replayed
through the same driver as `tdkt replay` (flows/replay.py): every visited day is a real
daily-sweep flow run on a temporary Prefect server, simulated units submit (85%, seeded),
reminders and escalations go to a local SMTP server (aiosmtpd, in a process of its own as a relay
would be on its own machine) that counts them. Targets: under 10
minutes and under 2 GiB peak memory.

    .venv/bin/python -m bench.replay [--quick | --scale F] [--json] [--database-url URL]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench import national
from bench.common import arguments, machine, peak_rss_mib, report, scratch_environment
from bench.mailserver import smtp_server
from bench.prefect_runs import run_seconds
from models.calendar import default_calendar
from models.clock import TIMEZONE

FIRST, LAST = dt.date(2021, 3, 1), dt.date(2025, 11, 28)
START, END = dt.date(2021, 1, 4), dt.date(2025, 12, 31)
MILESTONES = 8
CANDIDATES = 100_000


def _candidates(session: Any, campaign_id: int, count: int, seed: int = 2021) -> int:
    """Registered candidates spread over the units and years (bulk)."""
    from models.lifecycle import CandidateStage
    from models.orm import Candidate, Unit
    from models.vocabulary import SubjectKind

    units = session.scalars(select(Unit.id).where(Unit.code.like(f"{national.ISSUER}.P%"))).all()
    pick = random.Random(seed)
    kinds = list(SubjectKind)
    for start in range(0, count, national.CHUNK):
        rows = []
        for n in range(start, min(count, start + national.CHUNK)):
            year = 2021 + n % 5
            at = dt.datetime(year, 3, 1, 9, 0, tzinfo=TIMEZONE)
            rows.append(
                {
                    "campaign_id": campaign_id,
                    "registered_by_id": pick.choice(units),
                    "subject": pick.choice(kinds),
                    "name": f"Điển hình số {n + 1}",
                    "subject_ref": f"bench-{n + 1}",
                    "year": year,
                    "stage": CandidateStage.REGISTERED,
                    "stage_changed_at": at,
                    "created_at": at,
                    "party_member": False,
                }
            )
        session.execute(insert(Candidate), rows)
    return count


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0] if __doc__ else "replay",
        scale={"type": float, "help": "a fraction of the national shape (--quick: 0.02)"},
        partitions={"type": int, "default": 1, "help": "TDKT_PARTITIONS (1: unpartitioned)"},
        workers={
            "type": int,
            "default": 0,
            "help": "task worker processes composing the partitions (0: the flow's threads)",
        },
        smtp={
            "choices": ["sink", "wire"],
            "default": "sink",
            "help": "the SMTP server the emails go to (bench.mailserver): sink, aiosmtpd reading "
            "each message's headers (its own process, on this machine's other core); wire, a "
            "bare responder, as fast as a real server on its own machine would seem",
        },
        letters={
            "choices": ["off", "docx", "pdf"],
            "default": "off",
            "help": "TDKT_ESCALATION_LETTERS: the công văn on escalations (off: as the figures "
            "before issue 23; pdf: one LibreOffice run per sweep)",
        },
    )
    os.environ["TDKT_PARTITIONS"] = str(args.partitions)
    os.environ["TDKT_PARTITION_RUNNER"] = "task-workers" if args.workers else "threads"
    os.environ["TDKT_ESCALATION_LETTERS"] = args.letters
    factor = args.scale or (0.02 if args.quick else 1.0)
    shape = national.Shape.scaled(factor)
    candidates = round(CANDIDATES * factor)
    with scratch_environment(args.database_url):
        from prefect.testing.utilities import prefect_test_harness

        from flows.replay import replay
        from models.db import engine_for, unit_of_work
        from models.orm import Email
        from models.simulation import UnitBehaviour

        engine = engine_for()
        calendar = default_calendar()
        the_plan = national.plan(MILESTONES, FIRST, LAST, calendar)
        with unit_of_work() as session:
            campaign = national.load(session, shape, the_plan, calendar, contacts=True)
            _candidates(session, campaign.id, candidates)
            slug = campaign.slug
        with (
            prefect_test_harness(server_startup_timeout=120),
            smtp_server(args.smtp, engine_folder()) as mailbox,
        ):
            os.environ["TDKT_SMTP_HOST"] = mailbox.host
            os.environ["TDKT_SMTP_PORT"] = str(mailbox.port)
            with task_workers(args.workers) as workers:
                started = time.perf_counter()
                run = asyncio.run(replay(slug, START, END, UnitBehaviour(seed=2022)))
                seconds = time.perf_counter() - started
                worker_peaks = [peak_of(w.pid) for w in workers]
            # Prefect's own account of the runs (read after the clock stopped): with the
            # replay's steps, where the time went, in every run's JSON
            prefect_seconds = run_seconds()
            received = len(mailbox.stop())
        with unit_of_work() as session:
            emails = session.scalar(select(func.count()).select_from(Email)) or 0
            # What the outbox says of each email, so a gap between emails and messages
            # received is explained (failed for good, or still waiting for a retry).
            outbox = {
                str(status): n
                for status, n in session.execute(
                    select(Email.status, func.count()).group_by(Email.status)
                )
            }
            errors = sorted(
                {
                    e
                    for e in session.scalars(
                        select(Email.last_error).where(Email.status != "sent").limit(20)
                    )
                    if e
                }
            )
        backend = engine.dialect.name
    peak = peak_rss_mib()
    servers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    slowest_day = run.slowest_sweep()
    slowest = slowest_day and {
        "day": slowest_day[0].isoformat(),
        "seconds": round(slowest_day[1], 1),
        "partition_seconds": run.partition_seconds.get(slowest_day[0], []),
    }
    result = {
        "units": shape.units,
        "candidates": candidates,
        "emails": emails,
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak),
        "largest_child_rss_mib": round(servers),  # Prefect's server or the SMTP server
        "messages_received": received,
        "outbox": outbox,
        "unsent_errors": errors,
        "partitions": args.partitions,
        "workers": args.workers,  # task worker processes, beside the driver
        "escalation_letters": args.letters,
        "smtp_server": args.smtp,
        "slowest_sweep": slowest,
        "peak_rss_mib_per_process": {"driver": round(peak), "task_workers": worker_peaks},
        "step_seconds": {step: round(t, 1) for step, t in run.step_seconds.items()},
        "prefect_run_seconds": prefect_seconds,  # total_run_time summed by flow and by task
        "days_visited": run.days_visited,
        "flow_runs": run.flow_runs,
        "backend": backend,
        "targets": {"seconds": 600, "peak_rss_mib": 2048},
        "met": seconds < 600 and peak < 2048,
        "machine": machine(),
    }
    report(
        result,
        [
            f"{shape.units:,} units, {candidates:,} candidates, {MILESTONES} milestones "
            f"({backend}): {START:%d/%m/%Y}–{END:%d/%m/%Y}",
            f"{run.days_visited} days visited, {run.flow_runs} flow runs, {emails:,} emails "
            f"({received:,} received) in {seconds:.0f} s; peak memory {peak:.0f} MiB "
            f"(largest server process {servers:.0f} MiB; targets: 600 s, 2,048 MiB)",
            f"{args.partitions} partition(s), {args.workers} task worker(s); slowest sweep: "
            f"{slowest}; task workers' peak memory (MiB): {worker_peaks}",
            "steps (s): " + ", ".join(f"{k} {v:,.0f}" for k, v in run.step_seconds.items()),
            "tasks, Prefect's run time (s): "
            + ", ".join(f"{k} {v:,.0f}" for k, v in prefect_seconds["tasks"].items()),
            "outbox: " + ", ".join(f"{status} {n:,}" for status, n in sorted(outbox.items())),
            *(f"  not sent: {error}" for error in errors),
        ],
        as_json=args.json,
    )


@contextmanager
def task_workers(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """count task worker processes serving compose-partition (tasks.partitions) against the
    benchmark's Prefect server and database, as other machines would; stopped afterwards."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    workers = [
        subprocess.Popen([sys.executable, "-m", "tasks.partitions"], env=env) for _ in range(count)
    ]
    try:
        time.sleep(5 if workers else 0)  # subscribed before the first partition is delayed
        yield workers
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)


def peak_of(pid: int) -> int:
    """A running process's peak resident memory in MiB (Linux's VmHWM), 0 if unknown."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def engine_folder() -> Any:
    from models.db import Settings

    return Settings.from_env().data_dir / "mail"


if __name__ == "__main__":
    main()
