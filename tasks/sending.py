"""Sending the outbox: claim a batch, deliver it over a few SMTP connections, record results."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass

from prefect import task
from sqlalchemy.exc import DBAPIError, OperationalError

from flows.naming import graph_name
from models.db import unit_of_work
from models.partitions import WHOLE, Partition
from models.services.outbox import claim, record_deliveries
from notifications.smtp import Delivery, SmtpPool, SmtpSettings, configured_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int
    deferred: int


@task(name="send-outbox", task_run_name=graph_name("gửi thư {as_of:%d/%m/%Y}"))
async def send_outbox(
    as_of: dt.datetime, batch_size: int = 100, settings: SmtpSettings | None = None
) -> SendResult:
    """Deliver every sendable email, batch after batch, until none is left for now."""
    return await send_emails(as_of, batch_size, settings)


@task(
    name="send-partition",
    task_run_name=graph_name("gửi thư {as_of:%d/%m/%Y} phần {index}/{count}"),
)
async def send_partition(as_of: dt.datetime, index: int, count: int) -> SendResult:
    """Deliver the sendable emails of one partition of the recipients' addresses (the
    buckets compose-partition wrote them in): count senders, on as many task workers or
    machines, share the morning's outbox without ever taking the same email.

    The configured connections and rate are the SMTP server's to give, not each sender's:
    each of count senders opens its share of the connections (at least one) and keeps to its
    share of the rate, so together they ask of the server what one sender would.
    """
    settings = await configured_settings()
    share = settings.model_copy(
        update={
            "connections": max(1, settings.connections // count),
            "rate_per_second": settings.rate_per_second / count,
        }
    )
    return await send_emails(as_of, settings=share, partition=Partition(index, count))


async def send_emails(
    as_of: dt.datetime,
    batch_size: int = 100,
    settings: SmtpSettings | None = None,
    partition: Partition = WHOLE,
) -> SendResult:
    """Deliver every sendable email (of the partition), batch after batch.

    Each batch is claimed in one transaction and its outcomes recorded in the next before the
    following batch is claimed: a sender killed mid-way has left at most one batch unrecorded,
    and those (the only possible duplicates) go again with the same Message-ID once their lease
    ends. The SMTP connections are made inside this coroutine, on the loop that runs it, and
    kept across batches. If the server cannot be reached at all, the rest waits for the next
    sweep instead of each batch waiting out the connection retries again.
    """
    settings = settings or await configured_settings()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    sent = failed = deferred = 0
    async with SmtpPool(settings) as pool:
        while True:
            with unit_of_work() as session:
                batch = claim(
                    session,
                    at=as_of,
                    worker=worker,
                    sender=settings.from_address,
                    limit=batch_size,
                    partition=partition,
                )
            if not batch:
                break
            deliveries = await pool.deliver(batch)
            await _record(deliveries, as_of)
            sent += sum(d.status == "sent" for d in deliveries)
            failed += sum(d.status == "permanent" for d in deliveries)
            deferred += sum(d.status == "transient" for d in deliveries)
            if pool.unavailable or len(batch) < batch_size:
                break
    return SendResult(sent, failed, deferred)


def total(results: list[SendResult]) -> SendResult:
    """What several senders did between them."""
    return SendResult(
        sum(r.sent for r in results),
        sum(r.failed for r in results),
        sum(r.deferred for r in results),
    )


RECORD_RETRIES = (1.0, 2.0, 4.0, 8.0, 16.0)
"""Seconds between attempts to record a batch's outcomes while the database is unreachable."""


async def _record(deliveries: list[Delivery], as_of: dt.datetime) -> None:
    """Record what SMTP said, retrying while the database is away (a restart, a failover).

    These messages have left: losing their outcome means sending them again once the lease
    ends, so it is worth half a minute of waiting. Anything but a lost connection raises.
    """
    for pause in (*RECORD_RETRIES, None):
        try:
            with unit_of_work() as session:
                record_deliveries(session, deliveries, at=as_of)
            return
        except DBAPIError as exc:
            lost = exc.connection_invalidated or isinstance(exc, OperationalError)
            if pause is None or not lost:
                raise
            log.warning("outbox: the database is unreachable (%s); retrying", type(exc).__name__)
            await asyncio.sleep(pause)
