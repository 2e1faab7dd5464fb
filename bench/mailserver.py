"""Local SMTP servers for the send benchmark, each in its own process.

In production the SMTP relay is another machine; in the same process an aiosmtpd server would
share the interpreter lock with the sender and halve what either can do. So the server runs in a
child process (its own core on a 2-core machine) and, when stopped, hands back what it received.

Three servers on 127.0.0.1, from the most to the least work per message:
- "mailbox": the project's notifications.mailbox.LocalMailbox as it is (aiosmtpd; the demo's
  server: it parses each whole message and writes it as an .eml file);
- "sink": aiosmtpd with the cheapest handler that still proves delivery (reads the headers
  only, records Message-ID and recipients, writes nothing): the ceiling of aiosmtpd itself;
- "wire": a minimal SMTP responder on a bare asyncio Protocol (no per-line coroutines), which
  answers in microseconds, so the client side is what is measured. It speaks just enough SMTP
  for aiosmtplib and smtplib (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and is not a
  server for anything else.
"""

from __future__ import annotations

import asyncio
import email.policy
import multiprocessing
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

Kind = Literal["mailbox", "sink", "wire"]
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message the server accepted: its Message-ID ("" if none) and envelope recipients."""

    message_id: str
    recipients: tuple[str, ...]


@dataclass
class _Sink:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        headers = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        item = Received(str(headers.get("Message-ID", "")), tuple(envelope.rcpt_tos))
        with self.lock:
            self.received.append(item)
        return "250 Message accepted for delivery"


_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


class _Wire(asyncio.Protocol):
    """One SMTP session: commands line by line, then the data up to CRLF.CRLF."""

    def __init__(self, received: list[Received]) -> None:
        self.received = received
        self.buffer = bytearray()
        self.in_data = False
        self.recipients: list[str] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(b"220 bench ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while self.buffer:
            if self.in_data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                head = bytes(self.buffer[: self.buffer.find(b"\r\n\r\n", 0, end + 2)])
                del self.buffer[: end + 5]
                found = _MESSAGE_ID.search(head)
                mid = found[1].decode() if found else ""
                self.received.append(Received(mid, tuple(self.recipients)))
                self.in_data = False
                self.transport.write(b"250 OK\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line = bytes(self.buffer[:end])
            del self.buffer[: end + 2]
            self.transport.write(self._answer(line))
            if line[:4].upper() == b"QUIT":
                self.transport.close()
                return

    def _answer(self, line: bytes) -> bytes:
        verb = line[:4].upper()
        if verb == b"MAIL":
            self.recipients = []
        elif verb == b"RCPT":
            self.recipients.append(line.partition(b":")[2].strip(b" <>").decode())
        elif verb == b"DATA":
            self.in_data = True
            return b"354 End data with <CR><LF>.<CR><LF>\r\n"
        elif verb == b"QUIT":
            return b"221 Bye\r\n"
        return b"250 bench\r\n"  # EHLO/HELO (no extensions), MAIL, RCPT, RSET, NOOP


async def _serve_wire(port: int, conn: Connection) -> list[Received]:
    received: list[Received] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Wire(received), HOST, port)
    conn.send("ready")
    await asyncio.to_thread(conn.recv)
    server.close()
    await server.wait_closed()
    return received


def _serve(kind: Kind, folder: str, port: int, conn: Connection) -> None:
    """Child process: run the server until the parent says stop, then send what arrived."""
    from aiosmtpd.controller import Controller

    from notifications.mailbox import LocalMailbox

    if kind == "mailbox":
        with LocalMailbox(Path(folder), port=port, host=HOST) as box:
            conn.send("ready")
            conn.recv()
        # LocalMailbox keeps Message-IDs only; recipients are in the .eml file names.
        got = [Received(mid, ()) for mid in box.collector.message_ids]
    elif kind == "wire":
        got = asyncio.run(_serve_wire(port, conn))
    else:
        sink = _Sink()
        controller = Controller(sink, hostname=HOST, port=port)
        controller.start()
        conn.send("ready")
        conn.recv()
        controller.stop()
        got = sink.received
    conn.send(got)
    conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """A running server: `port`, and `stop()` returning every message received."""

    def __init__(self, kind: Kind, folder: Path) -> None:
        self.kind = kind
        self.host = HOST
        self.port = _free_port()
        context = multiprocessing.get_context("spawn")  # no inherited threads or sockets
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(kind, str(folder), self.port, child), daemon=True
        )
        self._process.start()
        child.close()
        if not self._conn.poll(60) or self._conn.recv() != "ready":
            self._process.kill()
            raise RuntimeError(f"the {kind} SMTP server did not start")
        self._received: list[Received] | None = None

    def stop(self) -> list[Received]:
        if self._received is None:
            self._conn.send("stop")
            got: list[Received] = self._conn.recv()
            self._received = got
            self._process.join(30)
        return self._received


@contextmanager
def smtp_server(kind: Kind, folder: Path) -> Iterator[ServerProcess]:
    """`with smtp_server("sink", tmp) as server:` ... `server.stop()` for what arrived."""
    server = ServerProcess(kind, folder)
    try:
        yield server
    finally:
        server.stop()
