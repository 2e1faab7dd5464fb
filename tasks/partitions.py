"""A campaign's day in partitions, run in parallel by Prefect.

With TDKT_PARTITIONS = n above 1, a campaign's morning (models.services.sweep_day) is four
rounds of task runs, each round waiting for the one before:

1. `open-partition` × n: open the obligations of the partition's units (by unit id);
2. `settle-campaign` × 1: what concerns the campaign as a whole (tasks.chasing);
3. `notify-partition` × n: mark the partition's late obligations, write its notifications;
4. `compose-partition` × n: compose the digests of the partition's recipients (by address:
   one person hears of units in every partition, in one email).

Once every campaign is composed, `send-partition` × n delivers the outbox, each the emails of
its partition of addresses (tasks.sending), so the sending too spreads over the workers.

Where the partitions run is TDKT_PARTITION_RUNNER:

- `threads` (the default): the flow's own task runner, in the flow run's process;
- `processes`: Prefect's ProcessPoolTaskRunner, one process per partition on the flow run's
  machine (started for each flow run: worth it only for big campaigns);
- `task-workers`: `Task.delay`, taken by whichever task worker is free, on any machine:
  `python -m tasks.partitions` serves them (docs/operations.md). Their results go through
  Prefect's result storage, which must then be shared by the machines.

Every partition is idempotent and exactly-once as the unpartitioned sweep is: it holds its
buckets (models.services.locking.lock_shards: units' for rounds 1 and 3, recipients' for
round 4) and adds only the rows that are missing (obligations, notifications, digests of
notifications no email has yet), so a retried, repeated or overlapping partition finds its
work done and adds nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from prefect import Task, task
from prefect.futures import PrefectDistributedFuture
from prefect.task_runners import ProcessPoolTaskRunner
from prefect.task_runs import TaskRunWaiter
from sqlalchemy.orm import Session

from flows.naming import graph_name
from models.calendar import default_calendar
from models.db import unit_of_work
from models.orm import Campaign
from models.partitions import SHARDS, Partition, partitions
from models.services.digests import compose_emails
from models.services.locking import UNIT_LOCKS, lock_shards
from models.services.obligations import plan_of
from models.services.plans import campaign_by_slug
from models.services.sweep_day import Notified, notify_day, open_day
from tasks.chasing import DayResult, settle_campaign
from tasks.lifecycle import draft_selected, judge
from tasks.sending import SendResult, send_partition, total

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
    name="open-partition",
    task_run_name=graph_name("mở nghĩa vụ {campaign} {as_of:%d/%m/%Y} phần {index}/{count}"),
    retries=2,
    retry_delay_seconds=5,
)
def open_partition(campaign: str, as_of: dt.datetime, index: int, count: int) -> int:
    """Round 1: open the obligations of the units in partition index of count; how many."""
    return _holding_units(
        campaign,
        Partition(index, count),
        lambda session, row, part: open_day(
            session, row, default_calendar(), as_of, partition=part
        ),
    )


@task(
    name="notify-partition",
    task_run_name=graph_name("thông báo {campaign} {as_of:%d/%m/%Y} phần {index}/{count}"),
    retries=2,
    retry_delay_seconds=5,
)
def notify_partition(campaign: str, as_of: dt.datetime, index: int, count: int) -> Notified:
    """Round 3: mark the late obligations of the units in partition index of count and write
    today's notifications of them."""
    return _holding_units(
        campaign,
        Partition(index, count),
        lambda session, row, part: notify_day(
            session, row, default_calendar(), as_of, partition=part
        ),
    )


def _holding_units(
    campaign: str, partition: Partition, work: Callable[[Session, Campaign, Partition], T]
) -> T:
    """work on the partition's units in one transaction holding their buckets."""
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        lock_shards(session, row.id, partition.shards, space=UNIT_LOCKS)
        return work(session, row, partition)


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


@task(
    name="review-partition",
    task_run_name=graph_name("xét tiêu chuẩn {campaign} {as_of:%d/%m/%Y} phần {index}/{count}"),
    retries=2,
    retry_delay_seconds=5,
)
def review_partition(
    campaign: str, as_of: dt.datetime, index: int, count: int, leaders: bool
) -> dict[str, int]:
    """The eligibility review of one partition of the candidates: those who lead a unit, or
    those who do not (tasks.lifecycle.judge), in one transaction holding their buckets."""
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        return judge(session, row, as_of, Partition(index, count), leaders)


async def review_partitioned(
    campaign: str, as_of: dt.datetime, count: int, runner: Runner | None = None
) -> dict[str, int]:
    """A lifecycle batch in partitions: the eligibility review, count task runs at once for
    the candidates who lead no unit, then count for those who do (the leader rule reads the
    verdict on the unit they lead, given in the first round)."""
    how = runner or partition_runner()
    verdicts: Counter[str] = Counter()
    for leaders in (False, True):
        params = partition_params(campaign, as_of, count, leaders=leaders)
        for counted in await run_partitions(review_partition, params, how):
            verdicts.update(counted)
    return dict(verdicts)


async def publicise_partitioned(
    campaign: str, as_of: dt.datetime, count: int, runner: Runner | None = None
) -> int:
    """A lifecycle batch in partitions: the day's publications, count task runs at once."""
    params = partition_params(campaign, as_of, count)
    return sum(await run_partitions(publicise_partition, params, runner or partition_runner()))


async def prepare_partitioned(
    campaign: str, as_of: dt.datetime, count: int, runner: Runner | None = None
) -> DayResult:
    """The campaign's day in count partitions (the module's four rounds); the DayResult of the
    unpartitioned sweep, plus each composing partition's seconds."""
    how = runner or partition_runner()
    params = partition_params(campaign, as_of, count)
    opened = await run_partitions(open_partition, params, how)
    settle_campaign(campaign, as_of)
    notified = await run_partitions(notify_partition, params, how)
    composed = await run_partitions(compose_partition, params, how)
    return DayResult(
        campaign,
        opened=sum(opened),
        overdue=sum(n.overdue for n in notified),
        notifications=sum(n.notifications for n in notified),
        emails=sum(c.emails for c in composed),
        without_recipient=[label for n in notified for label in n.without_recipient],
        escalated=sorted({name for n in notified for name in n.escalated}),
        partition_seconds=[c.seconds for c in composed],
    )


async def send_partitioned(
    as_of: dt.datetime, count: int, runner: Runner | None = None
) -> SendResult:
    """The morning's outbox sent by count senders at once, each its partition of addresses."""
    params = [{"as_of": as_of, "index": p.index, "count": p.count} for p in partitions(count)]
    # An async task's future gives the coroutine's result, whichever runner ran it.
    sender = cast("Task[..., SendResult]", send_partition)
    return total(await run_partitions(sender, params, runner or partition_runner()))


def partition_params(
    campaign: str, as_of: dt.datetime, count: int, **extra: Any
) -> list[dict[str, Any]]:
    """One partition task's parameters per partition of count."""
    return [
        {"campaign": campaign, "as_of": as_of, "index": p.index, "count": p.count, **extra}
        for p in partitions(count)
    ]


async def run_partitions(
    work: Task[..., T], params: list[dict[str, Any]], runner: Runner
) -> list[T]:
    """One task run of work per partition, all at once, by Prefect's means."""
    if runner == "task-workers":
        TaskRunWaiter.instance()  # subscribed to completions before any run can complete
        delayed = [work.delay(**p) for p in params]
        return [await _delayed_result(future) for future in delayed]
    if runner == "processes":
        with ProcessPoolTaskRunner(max_workers=len(params)) as pool:
            pooled = [pool.submit(work, p) for p in params]
            return [await asyncio.to_thread(future.result) for future in pooled]
    submitted = [work.submit(**p) for p in params]
    return [await asyncio.to_thread(future.result) for future in submitted]


EVENT_WAIT = 5.0
"""Seconds a delayed task run's completion is awaited from Prefect's events before asking the
server for its state (a run may have finished before the subscription saw it)."""
STATE_PAUSES = (0.2, 0.5, 1.0, 2.0, *([5.0] * 120))
"""Seconds between asking again for a delayed task run that has no state yet (10 minutes)."""


async def _delayed_result(future: PrefectDistributedFuture[T]) -> T:
    """The delayed run's result, as soon as its completion event arrives.

    Prefect 3.8.8 records a background task run's states from events, asynchronously (and
    retries those its recorder fails on: PrefectHQ/prefect#20144), so a run just delayed may
    have no state yet, and result_async raises at once instead of waiting ("has no state which
    means it hasn't started yet"), and asking again after a pause adds the pause to the
    round. The completion event carries the final state: it is awaited first (TaskRunWaiter,
    subscribed before the runs were delayed), and only if none comes in EVENT_WAIT is the
    server asked, again while the run has no state. (What this saves was within the host's
    drift in two pairs of runs: docs/performance.md.)
    """
    state = await TaskRunWaiter.wait_for_task_run(future.task_run_id, timeout=EVENT_WAIT)
    if state is not None and state.is_final():
        return cast(T, await state.aresult())
    for pause in (*STATE_PAUSES, None):
        try:
            return await future.result_async()
        except RuntimeError as exc:
            if pause is None or "has no state" not in str(exc):
                raise
            await asyncio.sleep(pause)
    raise AssertionError("unreachable")


def serve(limit: int = 1) -> None:
    """A task worker for every partition's task: `python -m tasks.partitions` on any machine
    with the checkout, the TDKT_* settings and PREFECT_API_URL. One partition at a time per
    process (limit 1): start one per core."""
    from prefect.task_worker import serve as serve_tasks

    serve_tasks(
        open_partition,
        notify_partition,
        compose_partition,
        review_partition,
        publicise_partition,
        send_partition,
        limit=limit,
    )


if __name__ == "__main__":
    serve()
