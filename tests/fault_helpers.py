"""Real failures for tests/test_faults.py: a sender process to kill, an SMTP server to switch off
and on, an outbox of many emails in due-date disorder."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import insert, select

from models.clock import TIMEZONE
from models.db import unit_of_work
from models.orm import Campaign, Email, EmailStatus
from notifications.mime import message_id_for
from tests.chase_helpers import load_small

DOMAIN = "tdkt.test"
SENDER = """
import asyncio, datetime as dt, sys
from notifications.smtp import SmtpSettings
from tasks.sending import send_outbox

as_of = dt.datetime.fromisoformat(sys.argv[1])
settings = SmtpSettings(port=int(sys.argv[2]), connections=4, backoff_seconds=0.05)
print(asyncio.run(send_outbox.fn(as_of, settings=settings)), flush=True)
"""


def fill_outbox(count: int, *, at: dt.datetime, seed: int = 7) -> list[str]:
    """count pending emails to distinct recipients, their due dates shuffled against their ids
    (so that sending in id order and in due-date order differ). Returns the Message-IDs in the
    order they must go: earliest due date first, then id."""
    load_small()
    pick = random.Random(seed)
    with unit_of_work() as session:
        campaign_id = session.scalars(select(Campaign.id)).one()
        rows = []
        for n in range(count):
            key = f"fault/{n:05d}"
            message_id = message_id_for(key, DOMAIN)
            to = f"don-vi-{n:05d}@example.vn"
            mime = (
                f"From: tdkt-flow <tdkt@{DOMAIN}>\r\nTo: {to}\r\nSubject: Nhac han {n}\r\n"
                f"Message-ID: {message_id}\r\n\r\nNhac han so {n}.\r\n"
            ).encode()
            rows.append(
                {
                    "key": key,
                    "message_id": message_id,
                    "campaign_id": campaign_id,
                    "kind": "reminder",
                    "day": at.date(),
                    "earliest_due": at.date() + dt.timedelta(days=pick.randrange(1, 60)),
                    "recipient_email": to,
                    "recipient_name": f"Đơn vị {n}",
                    "subject": f"Nhắc hạn {n}",
                    "mime": mime,
                    "status": EmailStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": at,
                    "created_at": at,
                }
            )
        session.execute(insert(Email), rows)
        ordered = session.scalars(select(Email.message_id).order_by(Email.earliest_due, Email.id))
        return list(ordered)


def statuses() -> dict[str, int]:
    with unit_of_work() as session:
        found: dict[str, int] = {}
        for status in session.scalars(select(Email.status)):
            found[status] = found.get(status, 0) + 1
        return found


def claimed_ids() -> set[str]:
    """Message-IDs of emails claimed by a sender and not yet recorded: the ones in flight."""
    with unit_of_work() as session:
        query = select(Email.message_id).where(Email.status == EmailStatus.SENDING)
        return set(session.scalars(query))


def start_sender(as_of: dt.datetime, port: int) -> subprocess.Popen[str]:
    """`send_outbox` in a process of its own, as a worker runs it."""
    return subprocess.Popen(
        [sys.executable, "-c", SENDER, as_of.isoformat(), str(port)],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def morning(day: dt.date, hour: int = 7, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), TIMEZONE)


class Switchboard:
    """An SMTP server whose answers a test sets: accept, or "451 try later" for the next N
    messages; it records the Message-ID of every message it accepts, in order, and may call
    a hook when the n-th arrives (to break something else at that moment)."""

    def __init__(self) -> None:
        self.accepted: list[str] = []
        self.tempfail = 0
        self.refused = 0
        self.lock = threading.Lock()
        self.on_message: Callable[[int], None] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.tempfail > 0:
                self.tempfail -= 1
                self.refused += 1
                return "451 4.3.0 Máy chủ bận, thử lại sau"
            raw = envelope.original_content or envelope.content
            header = next(
                line for line in raw.split(b"\r\n") if line.lower().startswith(b"message-id:")
            )
            self.accepted.append(header.split(b":", 1)[1].strip().decode())
            seen = len(self.accepted)
        if self.on_message is not None:
            self.on_message(seen)
        return "250 OK"


def serve(handler: Switchboard, port: int) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller
