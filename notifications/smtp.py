"""Send a batch of prebuilt messages over a few reused SMTP connections, and say what happened.

The outbox hands over bytes built once; this module only moves them and classifies each
outcome so the caller can record it: "sent", "permanent" (a 5xx about this message: never
retried) or "transient" (4xx, disconnects, timeouts, refused connections: retried here with
exponential backoff, then left for a later sweep). deliver() never raises for a delivery
failure, because the caller must learn which messages did go out, or it would send them twice.

A failure to connect or log in is about the server, not the message: a worker that cannot
connect after max_attempts (or is refused with a 5xx at connect), or whose server still answers
4xx after max_attempts, stops, and messages no worker reached come back "transient" with
attempts=0, instead of hammering a dead or locked server; they keep their place (earliest due
date first) for the next sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import aiosmtplib
from pydantic import BaseModel, ConfigDict, SecretStr, model_validator

log = logging.getLogger(__name__)

Status = Literal["sent", "transient", "permanent"]
NOT_ATTEMPTED = "not attempted: SMTP server unavailable"

ENV = {
    "host": "TDKT_SMTP_HOST",
    "port": "TDKT_SMTP_PORT",
    "username": "TDKT_SMTP_USERNAME",
    "password": "TDKT_SMTP_PASSWORD",
    "use_tls": "TDKT_SMTP_TLS",
    "start_tls": "TDKT_SMTP_STARTTLS",
    "from_address": "TDKT_SMTP_FROM",
    "from_name": "TDKT_SMTP_FROM_NAME",
    "connections": "TDKT_SMTP_CONNECTIONS",
    "rate_per_second": "TDKT_SMTP_RATE",
}


class SmtpSettings(BaseModel):
    """Where and how to send. The password is a SecretStr: repr and logs show asterisks, and
    validation errors show no input (pydantic would otherwise quote the whole mapping, password
    included, in the error a flow run records)."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    host: str = "127.0.0.1"
    port: int = 1025
    username: str | None = None
    password: SecretStr | None = None
    use_tls: bool = False
    start_tls: bool = False
    timeout: float = 30
    from_address: str = "tdkt-flow@localhost"
    from_name: str = "tdkt-flow"
    message_domain: str = "tdkt-flow.local"
    connections: int = 4
    rate_per_second: float = 0  # 0: unlimited
    max_attempts: int = 4
    backoff_seconds: float = 0.5

    @model_validator(mode="after")
    def _coherent(self) -> SmtpSettings:
        if self.use_tls and self.start_tls:
            raise ValueError("use_tls (implicit TLS) and start_tls exclude each other")
        if self.connections < 1 or self.max_attempts < 1:
            raise ValueError("connections and max_attempts must be at least 1")
        if self.rate_per_second < 0 or self.backoff_seconds < 0 or self.timeout <= 0:
            raise ValueError("rate_per_second and backoff_seconds must be >= 0, timeout > 0")
        return self

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SmtpSettings:
        """Settings from TDKT_SMTP_* variables; unset or empty ones keep their defaults."""
        env = os.environ if environ is None else environ
        values = {field: env[var] for field, var in ENV.items() if env.get(var, "").strip()}
        return cls.model_validate(values)


async def settings_from_secret_block(name: str) -> SmtpSettings:
    """Settings from a Prefect Secret block whose value is a JSON object of SmtpSettings fields."""
    from prefect.blocks.system import Secret  # lazily: prefect is heavy and only flows need it

    block: Any = await Secret.aload(name)  # its async loader is untyped
    value: Any = block.get()
    if isinstance(value, str):
        value = json.loads(value)
    return SmtpSettings.model_validate(value)


async def configured_settings() -> SmtpSettings:
    """The Prefect Secret block named by TDKT_SMTP_SECRET_BLOCK if set, else the environment."""
    block = os.environ.get("TDKT_SMTP_SECRET_BLOCK")
    return await settings_from_secret_block(block) if block else SmtpSettings.from_env()


@dataclass(frozen=True)
class Outgoing:
    email_id: int
    sender: str  # envelope MAIL FROM
    recipients: tuple[str, ...]  # envelope RCPT TO
    message: bytes  # the exact bytes to send


@dataclass(frozen=True)
class Delivery:
    email_id: int
    status: Status
    code: int | None
    error: str | None
    attempts: int


@dataclass(frozen=True)
class _Failure:
    status: Status
    code: int | None
    error: str
    broken: bool  # the connection cannot be trusted any more: reconnect
    about_recipient: bool = False  # a 4xx/5xx for this address, not the server's state


class _ConnectFailed(Exception):
    """Connecting, TLS or login failed: a problem with the server, not the message."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def classify(exc: BaseException) -> _Failure:
    """Sort an SMTP outcome into transient (retry) or permanent (never retry)."""
    error = f"{type(exc).__name__}: {exc}"[:500]
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        if codes and all(400 <= c < 500 for c in codes):
            return _Failure("transient", codes[0], error, False, about_recipient=True)
        code = next((c for c in codes if c >= 500), codes[0] if codes else None)
        return _Failure("permanent", code, error, False, about_recipient=True)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        code = exc.code
        if 400 <= code < 500:
            return _Failure("transient", code, error, code == 421)  # 421: server closing
        if code >= 500:
            return _Failure("permanent", code, error, False)
        return _Failure("transient", None, error, True)  # no or garbled response
    if isinstance(exc, aiosmtplib.SMTPNotSupported | ValueError):
        return _Failure("permanent", None, error, False)  # e.g. an address SMTP cannot carry
    # SMTPServerDisconnected, SMTPConnectError, SMTPTimeoutError, TimeoutError, OSError and
    # anything unexpected: retry on a fresh connection.
    return _Failure("transient", None, error, True)


class _Pacer:
    """At most `rate` transactions per second across all workers (0: no limit)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1 / rate if rate > 0 else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        if not self._interval:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)  # no await between read and write: no lock needed
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)


class _Worker:
    """One SMTP connection sending messages from the shared queue, one after another."""

    def __init__(self, settings: SmtpSettings, pacer: _Pacer) -> None:
        self.settings = settings
        self.pacer = pacer
        self.smtp: aiosmtplib.SMTP | None = None
        self.connections = 0
        self.stopped = False

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        smtp = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            username=s.username,
            password=s.password.get_secret_value() if s.password else None,
            timeout=s.timeout,
            use_tls=s.use_tls,
            start_tls=s.start_tls,
        )
        try:
            await smtp.connect()
        except Exception as exc:
            smtp.close()
            raise _ConnectFailed(exc) from exc
        self.connections += 1
        return smtp

    def _masked(self, error: str) -> str:
        """An SMTP error as it is recorded and shown to coordinators: should a server or a
        library ever echo the password, it is replaced by ***."""
        password = self.settings.password.get_secret_value() if self.settings.password else ""
        return error.replace(password, "***") if len(password) >= 4 else error

    def drop(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    async def close(self) -> None:
        if self.smtp is not None and self.smtp.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await self.smtp.quit()
        self.drop()

    async def send(self, out: Outgoing) -> Delivery:
        """Try one message up to max_attempts times; stop the worker if the server is gone."""
        s = self.settings
        failure: _Failure | None = None
        connect_failed = False
        for attempt in range(1, s.max_attempts + 1):
            if attempt > 1:
                await asyncio.sleep(s.backoff_seconds * 2 ** (attempt - 2))
            await self.pacer.wait()
            connect_failed = False
            try:
                if self.smtp is None or not self.smtp.is_connected:
                    self.drop()
                    self.smtp = await self._connect()
                refused, _ = await self.smtp.sendmail(out.sender, list(out.recipients), out.message)
            except _ConnectFailed as exc:
                failure = classify(exc.cause)
                failure = _Failure("transient", failure.code, self._masked(failure.error), True)
                connect_failed = True
                log.warning(
                    "email %d: connect attempt %d failed (%s, code %s)",
                    out.email_id,
                    attempt,
                    type(exc.cause).__name__,
                    failure.code,
                )
                if failure.code is not None and failure.code >= 500:
                    self.stopped = True  # refused or bad login: retrying only risks a lockout
                    return Delivery(out.email_id, "transient", failure.code, failure.error, attempt)
                continue
            except Exception as exc:
                failure = classify(exc)
                failure = replace(failure, error=self._masked(failure.error))
                log.warning(
                    "email %d: attempt %d failed (%s, code %s)",
                    out.email_id,
                    attempt,
                    type(exc).__name__,
                    failure.code,
                )
                if failure.broken:
                    self.drop()
                if failure.status == "permanent":
                    return Delivery(out.email_id, "permanent", failure.code, failure.error, attempt)
                continue
            error = "; ".join(f"{r}: {resp.code}" for r, resp in refused.items()) or None
            return Delivery(out.email_id, "sent", 250, error, attempt)
        assert failure is not None
        if connect_failed or not failure.about_recipient:
            # Still no connection, or the server keeps saying "try later" (421, 451, 452...)
            # after every attempt: stop here, so that the rest waits in due-date order for the
            # next sweep instead of later messages overtaking this one.
            self.stopped = True
        return Delivery(out.email_id, "transient", failure.code, failure.error, s.max_attempts)

    async def run(
        self, queue: asyncio.Queue[int], batch: Sequence[Outgoing], results: list[Delivery | None]
    ) -> None:
        while not self.stopped:
            try:
                index = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            results[index] = await self.send(batch[index])


class SmtpPool:
    """A few SMTP connections kept open across batches: `async with SmtpPool(s) as pool:`.

    The outbox sends in small batches (each recorded before the next is claimed, so a killed
    sender can have resent at most one batch); the pool keeps its connections between them, so
    small batches cost no reconnects. Create it inside the coroutine that uses it: an aiosmtplib
    client belongs to the event loop it was made on.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        pacer = _Pacer(settings.rate_per_second)
        self._workers = [_Worker(settings, pacer) for _ in range(settings.connections)]

    @property
    def unavailable(self) -> bool:
        """Every connection gave up (the server is down or refuses us): stop for this sweep."""
        return all(w.stopped for w in self._workers)

    async def __aenter__(self) -> SmtpPool:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.gather(*(w.close() for w in self._workers))

    async def deliver(self, batch: Sequence[Outgoing]) -> list[Delivery]:
        """Send every message of the batch, in order as far as concurrency allows; one Delivery
        each. Never raises for a delivery failure: the caller must learn which ones went out."""
        if not batch:
            return []
        queue: asyncio.Queue[int] = asyncio.Queue()
        for index in range(len(batch)):
            queue.put_nowait(index)
        results: list[Delivery | None] = [None] * len(batch)
        working = [w for w in self._workers if not w.stopped][: len(batch)]
        before = sum(w.connections for w in self._workers)
        await asyncio.gather(*(w.run(queue, batch, results) for w in working))
        deliveries = [
            r or Delivery(out.email_id, "transient", None, NOT_ATTEMPTED, 0)
            for out, r in zip(batch, results, strict=True)
        ]
        counts = Counter(d.status for d in deliveries)
        codes = Counter(d.code for d in deliveries if d.status != "sent" and d.code is not None)
        log.log(
            logging.INFO if counts["sent"] < len(deliveries) else logging.DEBUG,
            "smtp: %d sent, %d transient, %d permanent, %d new connections; error codes %s",
            counts["sent"],
            counts["transient"],
            counts["permanent"],
            sum(w.connections for w in self._workers) - before,
            dict(codes),
        )
        return deliveries


async def deliver(batch: Sequence[Outgoing], settings: SmtpSettings) -> list[Delivery]:
    """One batch over a pool of its own (tests and one-off sends)."""
    async with SmtpPool(settings) as pool:
        return await pool.deliver(batch)
