"""Sending the outbox: claim a batch, deliver it over a few SMTP connections, record results."""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass

from prefect import task

from models.db import unit_of_work
from models.services.outbox import claim, record_deliveries
from notifications.smtp import SmtpSettings, configured_settings, deliver


@dataclass(frozen=True)
class SendResult:
    sent: int
    failed: int
    deferred: int


@task(name="send-outbox", task_run_name="gửi thư {as_of:%d/%m/%Y}")
async def send_outbox(
    as_of: dt.datetime, batch_size: int = 500, settings: SmtpSettings | None = None
) -> SendResult:
    """Deliver every sendable email, batch after batch, until none is left for now.

    The SMTP client is created inside this coroutine, on the loop that runs it.
    """
    settings = settings or await configured_settings()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    sent = failed = deferred = 0
    while True:
        with unit_of_work() as session:
            batch = claim(
                session, at=as_of, worker=worker, sender=settings.from_address, limit=batch_size
            )
        if not batch:
            break
        deliveries = await deliver(batch, settings)
        with unit_of_work() as session:
            record_deliveries(session, deliveries, at=as_of)
        sent += sum(d.status == "sent" for d in deliveries)
        failed += sum(d.status == "permanent" for d in deliveries)
        deferred += sum(d.status == "transient" for d in deliveries)
        if len(batch) < batch_size:
            break
    return SendResult(sent, failed, deferred)
