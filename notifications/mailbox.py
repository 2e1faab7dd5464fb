"""A local SMTP server for demos and replays: every message it receives becomes an .eml file.

It is a real SMTP server (aiosmtpd) on loopback, so the project's sender is exercised exactly
as in production; a person opens the folder and reads the emails in any mail client.
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import re
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class _Collector:
    folder: Path
    keep: bool = True  # write each message to folder; False only counts (benchmarks)
    received: int = 0
    message_ids: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode()
        message = _HEADERS.parsebytes(data)  # the headers are all it reads
        with self.lock:
            self.received += 1
            seq = self.received
            self.message_ids.append(str(message.get("Message-ID", "")))
        if not self.keep:
            return "250 Message accepted for delivery"
        day = _day_of(message)
        kind = str(message.get("X-TDKT-Kind", "thu"))
        to = re.sub(r"[^a-zA-Z0-9@._-]", "_", ",".join(envelope.rcpt_tos))[:80]
        path = self.folder / day / f"{seq:06d}-{kind}-{to}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return "250 Message accepted for delivery"


_HEADERS = email.parser.BytesHeaderParser(policy=email.policy.default)


def _day_of(message: EmailMessage | Any) -> str:
    """The message's Date as yyyy-mm-dd (the simulated day in a replay), for its folder."""
    date = message.get("Date")
    when = getattr(date, "datetime", None)
    return when.date().isoformat() if when is not None else "undated"


class LocalMailbox:
    """`with LocalMailbox(folder) as box:` — an SMTP server on 127.0.0.1:box.port."""

    def __init__(
        self, folder: Path, port: int = 0, host: str = "127.0.0.1", *, keep: bool = True
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.collector = _Collector(folder, keep)
        self._controller = Controller(self.collector, hostname=host, port=port or _free_port(host))
        self.host = host

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def received(self) -> int:
        return self.collector.received

    def __enter__(self) -> LocalMailbox:
        self._controller.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._controller.stop()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])
