"""A flow run's task runs, read back from the Prefect server once they have all arrived.

Prefect 3 clients report task-run states as events, sent in the background and recorded by the
server a little later: a count read as soon as the flow returns can be short, and a test server
stopped with events still queued logs errors. So: drain the client's event queue, then read
until every task run is final and the count has stopped changing.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any


async def _poll(flow_run_id: uuid.UUID, at_least: int, timeout: float) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    flow_filter = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
    deadline = time.monotonic() + timeout
    previous = -1
    async with get_client() as client:
        while True:
            runs = await _every(client.read_task_runs, flow_run_filter=flow_filter)
            final = all(r.state is not None and r.state.is_final() for r in runs)
            if (final and len(runs) >= at_least and len(runs) == previous) or (
                time.monotonic() > deadline
            ):
                return sorted(runs, key=lambda r: r.start_time or r.expected_start_time)
            previous = len(runs)
            await asyncio.sleep(1)


def settled_task_runs(
    flow_run_id: uuid.UUID, *, at_least: int = 1, timeout: float = 300
) -> list[Any]:
    """The task runs of a finished flow run (call outside any event loop), all final, or what
    the server has after `timeout` seconds."""
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(at_exit=False)
    return asyncio.run(_poll(flow_run_id, at_least, timeout))


def run_seconds(timeout: float = 120) -> dict[str, dict[str, float]]:
    """Every flow and task run on the server, Prefect's own run time (`total_run_time`, time
    spent Running) summed by flow name and by task (call outside any event loop, once the runs
    have ended): what the dashboard would show of where a replay's time went."""
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(at_exit=False)
    return asyncio.run(_run_seconds(timeout))


async def _run_seconds(timeout: float) -> dict[str, dict[str, float]]:
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    previous: tuple[int, int] | None = None
    async with get_client() as client:
        flow_names = {f.id: f.name for f in await client.read_flows(limit=200)}
        while True:
            flows: dict[str, float] = {}
            tasks: dict[str, float] = {}
            flow_runs = await _every(client.read_flow_runs)
            for flow_run in flow_runs:
                name = flow_names.get(flow_run.flow_id, str(flow_run.flow_id))
                flows[name] = flows.get(name, 0.0) + flow_run.total_run_time.total_seconds()
            task_runs = await _every(client.read_task_runs)
            for task_run in task_runs:
                name = task_run.task_key.rsplit("-", 1)[0]  # the function, without its hash
                tasks[name] = tasks.get(name, 0.0) + task_run.total_run_time.total_seconds()
            final = all(r.state is not None and r.state.is_final() for r in task_runs)
            counted = (len(flow_runs), len(task_runs))
            if (counted == previous and final) or time.monotonic() > deadline:
                return {
                    "flows": {k: round(v, 1) for k, v in sorted(flows.items())},
                    "tasks": {k: round(v, 1) for k, v in sorted(tasks.items())},
                }
            previous = counted
            await asyncio.sleep(1)


async def _every(read: Callable[..., Awaitable[list[Any]]], **filters: Any) -> list[Any]:
    """Every run a client's read method returns, page after page (the server's limit is 200)."""
    runs: list[Any] = []
    while page := await read(offset=len(runs), limit=200, **filters):
        runs += page
    return runs
