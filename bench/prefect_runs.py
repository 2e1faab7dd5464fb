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
from typing import Any


async def _poll(flow_run_id: uuid.UUID, at_least: int, timeout: float) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    flow_filter = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
    deadline = time.monotonic() + timeout
    previous = -1
    async with get_client() as client:
        while True:
            runs: list[Any] = []
            while batch := await client.read_task_runs(
                flow_run_filter=flow_filter, offset=len(runs), limit=200
            ):
                runs += batch
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
