"""A campaign's day composed in partitions, run in parallel by Prefect.

The sweep first prepares the campaign's day in one transaction holding the campaign (opening,
marking the late, writing today's notifications: tasks.chasing.prepare_obligations), then
composes the digests in TDKT_PARTITIONS partitions of the recipients' addresses
(models.partitions), one Prefect task run each: `compose-partition`. Where they run is
TDKT_PARTITION_RUNNER:

- `threads` (the default): the flow's own task runner, in the flow run's process;
- `processes`: Prefect's ProcessPoolTaskRunner, one process per partition on the flow run's
  machine (started for each flow run: worth it only for big campaigns);
- `task-workers`: `Task.delay`, taken by whichever task worker is free, on any machine:
  `python -m tasks.partitions` serves them (docs/operations.md). Their results go through
  Prefect's result storage, which must then be shared by the machines.

Every partition is idempotent and exactly-once as the unpartitioned sweep is: it holds its
buckets (models.services.locking.lock_shards) and composes only notifications no email has
yet, so a retried, repeated or overlapping partition finds its digests written and adds none.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar

from prefect import Task, task
from prefect.futures import PrefectDistributedFuture
from prefect.task_runners import ProcessPoolTaskRunner

from flows.naming import graph_name
from models.calendar import default_calendar
from models.db import unit_of_work
from models.partitions import SHARDS, Partition, partitions
from models.services.digests import compose_emails
from models.services.locking import lock_shards
from models.services.obligations import plan_of
from models.services.plans import campaign_by_slug
from tasks.chasing import DayResult, prepare_obligations
from tasks.lifecycle import draft_selected

Runner = Literal["threads", "processes", "task-workers"]
RUNNERS: tuple[Runner, ...] = ("threads", "processes", "task-workers")
T = TypeVar("T")


@dataclass(frozen=True)
class Composed:
    partition: int
    emails: int
    seconds: float


def partition_count() -> int:
    """TDKT_PARTITIONS: how many partitions a campaign's day is composed in (1: unpartitioned)."""
    raw = os.environ.get("TDKT_PARTITIONS", "1").strip() or "1"
    count = int(raw)
    if not 1 <= count <= SHARDS:
        raise ValueError(f"TDKT_PARTITIONS={raw}: from 1 to {SHARDS}")
    return count


def partition_runner() -> Runner:
    """TDKT_PARTITION_RUNNER: threads, processes or task-workers (see the module's docstring)."""
    raw = os.environ.get("TDKT_PARTITION_RUNNER", "threads").strip() or "threads"
    for runner in RUNNERS:
        if raw == runner:
            return runner
    raise ValueError(f"TDKT_PARTITION_RUNNER={raw}: one of {', '.join(RUNNERS)}")


@task(
    name="compose-partition",
    task_run_name=graph_name("soạn thư {campaign} {as_of:%d/%m/%Y} phần {index}/{count}"),
    retries=2,
    retry_delay_seconds=5,
)
def compose_partition(campaign: str, as_of: dt.datetime, index: int, count: int) -> Composed:
    """Compose today's digests of the recipients in partition index of count, in one
    transaction holding their buckets. Nothing goes out on a day off (as plan_notifications)."""
    started = time.perf_counter()
    partition = Partition(index, count)
    calendar = default_calendar()
    emails = 0
    if not calendar.is_day_off(as_of.date()):
        with unit_of_work() as session:
            row = campaign_by_slug(session, campaign)
            lock_shards(session, row.id, partition.shards)
            emails = compose_emails(
                session, row, plan_of(row), calendar, at=as_of, partition=partition
            )
    return Composed(index, emails, round(time.perf_counter() - started, 3))


@task(
    name="publicise-partition",
    task_run_name=graph_name("tuyên truyền {campaign} {as_of:%d/%m/%Y} phần {index}/{count}"),
    retries=2,
    retry_delay_seconds=5,
)
def publicise_partition(campaign: str, as_of: dt.datetime, index: int, count: int) -> int:
    """The publications owed for the newly selected exemplars of one partition of the
    candidates (tasks.lifecycle.draft_selected), in one transaction holding its buckets."""
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        return draft_selected(session, row, as_of, Partition(index, count))


async def publicise_partitioned(
    campaign: str, as_of: dt.datetime, count: int, runner: Runner | None = None
) -> int:
    """A lifecycle batch in partitions: the day's publications, count task runs at once."""
    params = [
        {"campaign": campaign, "as_of": as_of, "index": p.index, "count": p.count}
        for p in partitions(count)
    ]
    return sum(await run_partitions(publicise_partition, params, runner or partition_runner()))


async def prepare_partitioned(
    campaign: str, as_of: dt.datetime, count: int, runner: Runner | None = None
) -> DayResult:
    """The campaign's day: its obligations and notifications, then its digests in count
    partitions run in parallel; the DayResult of the unpartitioned sweep, plus each
    partition's seconds."""
    day = prepare_obligations(campaign, as_of)
    params = [
        {"campaign": campaign, "as_of": as_of, "index": p.index, "count": p.count}
        for p in partitions(count)
    ]
    composed = await run_partitions(compose_partition, params, runner or partition_runner())
    return replace(
        day,
        emails=sum(c.emails for c in composed),
        partition_seconds=[c.seconds for c in composed],
    )


async def run_partitions(
    work: Task[..., T], params: list[dict[str, Any]], runner: Runner
) -> list[T]:
    """One task run of work per partition, all at once, by Prefect's means."""
    if runner == "task-workers":
        delayed = [work.delay(**p) for p in params]
        return [await _delayed_result(future) for future in delayed]
    if runner == "processes":
        with ProcessPoolTaskRunner(max_workers=len(params)) as pool:
            pooled = [pool.submit(work, p) for p in params]
            return [await asyncio.to_thread(future.result) for future in pooled]
    submitted = [work.submit(**p) for p in params]
    return [await asyncio.to_thread(future.result) for future in submitted]


STATE_PAUSES = (0.2, 0.5, 1.0, 2.0, *([5.0] * 120))
"""Seconds between asking again for a delayed task run that has no state yet (10 minutes)."""


async def _delayed_result(future: PrefectDistributedFuture[T]) -> T:
    """The delayed run's result. Prefect 3.8.8 records a background task run's states from
    events, asynchronously (and retries those its recorder fails on: PrefectHQ/prefect#20144),
    so a run just delayed may have no state yet, and result_async raises at once instead of
    waiting ("has no state which means it hasn't started yet"): ask again a little later."""
    for pause in (*STATE_PAUSES, None):
        try:
            return await future.result_async()
        except RuntimeError as exc:
            if pause is None or "has no state" not in str(exc):
                raise
            await asyncio.sleep(pause)
    raise AssertionError("unreachable")


def serve(limit: int = 1) -> None:
    """A task worker for compose-partition and publicise-partition: `python -m
    tasks.partitions` on any machine with the checkout, the TDKT_* settings and
    PREFECT_API_URL. One partition at a time per process (limit 1): start one per core."""
    from prefect.task_worker import serve as serve_tasks

    serve_tasks(compose_partition, publicise_partition, limit=limit)


if __name__ == "__main__":
    serve()
