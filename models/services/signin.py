"""Signing a coordinator in: throttled per login and per client address, and the slow password
check kept out of every transaction.

Guessing is slowed by lockouts that grow: after `account_failures` failures for one login (or
`address_failures` from one address) within `window`, further attempts are refused without
checking anything for `first_lockout`, doubled at each new lockout up to `longest_lockout`.
The right password is refused too while locked (otherwise a lockout only slows the attacker's
feedback, not the guessing). A success resets the login's count, not the address's. The counts
are rows (SigninThrottle), so they hold across the web app's processes and restarts.

The Argon2 check takes ~150 ms of CPU and 64 MiB: it runs with no transaction open. The steps
are: `read_attempt` in a read-only transaction (lockout and hash), `check_password` alone,
then `record_failure` or `record_success` in a short write transaction. Between the read and
the write another attempt may have locked the login: `record_success` looks again and refuses.
How many checks run at once is bounded by the caller (the web app's hashing slots), who reads
again once a slot is free, so a login gets at most `account_failures + slots - 1` guesses per
lockout whatever the concurrency.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models.clock import TIMEZONE
from models.db import Settings
from models.orm import Coordinator, SigninThrottle
from models.services.accounts import hasher, normal_username
from models.services.audit import record
from models.signing import load_secret_key
from models.text import vn_date

_DUMMY_HASH = hasher.hash("not a password anyone has")
LONGEST_USERNAME, LONGEST_PASSWORD = 80, 1024


@dataclass(frozen=True)
class SigninSettings:
    """Throttling and session lifetimes; the idle timeout is TDKT_SESSION_IDLE_MINUTES."""

    window: dt.timedelta = dt.timedelta(minutes=15)
    account_failures: int = 5
    address_failures: int = 20
    first_lockout: dt.timedelta = dt.timedelta(minutes=1)
    longest_lockout: dt.timedelta = dt.timedelta(hours=1)
    forget_after: dt.timedelta = dt.timedelta(hours=24)
    session_hours: int = 8
    idle: dt.timedelta = dt.timedelta(minutes=30)
    hashing_slots: int = 2
    slot_wait_seconds: float = 20.0

    @classmethod
    def from_env(cls) -> SigninSettings:
        minutes = os.environ.get("TDKT_SESSION_IDLE_MINUTES", "").strip()
        return cls(idle=dt.timedelta(minutes=int(minutes))) if minutes.isdigit() else cls()


def _key(kind: str, value: str) -> str:
    """A keyed digest (HMAC-SHA256 under the server's secret key): a plain SHA-256 of an IPv4
    address, or of a short string typed into the login field, is undone by trying them all,
    so a copy of the database would give them back."""
    secret = load_secret_key(Settings.from_env().data_dir).encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def account_key(username: str) -> str:
    """The throttle key of a login name, known or not (a lockout tells nobody it exists)."""
    return _key("account", normal_username(username)[:LONGEST_USERNAME])


def address_key(address: str) -> str:
    return _key("address", address)


@dataclass(frozen=True)
class Attempt:
    """What a sign-in needs before the password check: a lockout in force, else the hash to
    check against (a dummy one for an unknown or disabled login, at the same cost)."""

    locked_until: dt.datetime | None
    coordinator_id: int | None
    password_hash: str


def locked_until(session: Session, keys: list[str], at: dt.datetime) -> dt.datetime | None:
    """The end of the longest lockout in force on any of keys, if one is."""
    found: dt.datetime | None = session.scalar(
        select(func.max(SigninThrottle.locked_until)).where(
            SigninThrottle.key.in_(keys), SigninThrottle.locked_until > at
        )
    )
    return found


def read_attempt(session: Session, username: str, address: str, at: dt.datetime) -> Attempt:
    """The lockout or the hash; meant for a read-only transaction (models.db.read_only)."""
    until = locked_until(session, [account_key(username), address_key(address)], at)
    if until is not None:
        return Attempt(until, None, _DUMMY_HASH)
    found = session.execute(
        select(Coordinator.id, Coordinator.password_hash).where(
            Coordinator.username == normal_username(username)[:LONGEST_USERNAME],
            Coordinator.disabled_at.is_(None),
        )
    ).first()
    return Attempt(None, found[0], found[1]) if found else Attempt(None, None, _DUMMY_HASH)


def check_password(attempt: Attempt, password: str) -> bool:
    """Argon2 verification: slow on purpose, so call it with no transaction open. A password
    longer than any real one is wrong without hashing it."""
    if len(password) > LONGEST_PASSWORD:
        return False
    try:
        hasher.verify(attempt.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return attempt.coordinator_id is not None


def _throttle_row(session: Session, key: str, at: dt.datetime) -> SigninThrottle:
    """The key's row, created if missing, locked for this transaction (on PostgreSQL; SQLite's
    write transactions are serial anyway)."""
    insert = postgres_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(SigninThrottle)
        .values(key=key, failures=0, window_start=at, lockouts=0, forget_at=at)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return session.scalars(
        select(SigninThrottle)
        .where(SigninThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _fail(
    session: Session, key: str, threshold: int, at: dt.datetime, rules: SigninSettings
) -> dt.datetime | None:
    """Count a failure against key; the end of the lockout it starts, if it starts one."""
    row = _throttle_row(session, key, at)
    if row.window_start + rules.window <= at:
        row.failures, row.window_start = 0, at
    row.failures += 1
    started = None
    if row.failures >= threshold and not (row.locked_until and row.locked_until > at):
        row.lockouts += 1
        length = min(rules.first_lockout * 2 ** min(row.lockouts - 1, 20), rules.longest_lockout)
        row.locked_until = started = at + length
    row.forget_at = max(at + rules.forget_after, row.locked_until or at)
    return started


def record_failure(
    session: Session, username: str, address: str, at: dt.datetime, rules: SigninSettings
) -> None:
    """A wrong password (or unknown login): counted for the login and the address; a lockout
    it starts goes to the audit log. Rows no longer of use are deleted on the way."""
    session.execute(delete(SigninThrottle).where(SigninThrottle.forget_at < at))
    login = normal_username(username)[:LONGEST_USERNAME]
    for kind, key, threshold in (
        ("tài khoản", account_key(username), rules.account_failures),
        ("địa chỉ", address_key(address), rules.address_failures),
    ):
        until = _fail(session, key, threshold, at, rules)
        if until is not None:
            who = session.scalar(select(Coordinator.id).where(Coordinator.username == login))
            record(
                session,
                at=at,
                actor=f"đăng nhập từ {address}",
                action="signin.locked",
                entity="coordinator",
                entity_id=who if kind == "tài khoản" else None,
                reason=f"khoá theo {kind} '{login if kind == 'tài khoản' else address}' "
                f"đến {until.astimezone(TIMEZONE):%H:%M %d/%m/%Y}",
            )


def record_success(
    session: Session,
    attempt: Attempt,
    username: str,
    address: str,
    at: dt.datetime,
    new_hash: str | None,
) -> int | dt.datetime | None:
    """The coordinator's id once the sign-in stands: the login's count is reset and new_hash
    stored if given (`rehash`, made before this transaction). A lockout that began meanwhile
    (another attempt's) refuses it: its end is returned. None if the account changed
    meanwhile (disabled, or a new password)."""
    until = locked_until(session, [account_key(username), address_key(address)], at)
    if until is not None:
        return until
    coordinator = session.get(Coordinator, attempt.coordinator_id)
    if (
        coordinator is None
        or coordinator.disabled_at is not None
        or coordinator.password_hash != attempt.password_hash
    ):
        return None
    session.execute(delete(SigninThrottle).where(SigninThrottle.key == account_key(username)))
    if new_hash is not None:
        coordinator.password_hash = new_hash
    return coordinator.id


def rehash(attempt: Attempt, password: str) -> str | None:
    """A new hash of the right password when the hashing parameters changed since the stored
    one was made (slow: outside any transaction), else None."""
    return hasher.hash(password) if hasher.check_needs_rehash(attempt.password_hash) else None


def try_again_text(until: dt.datetime, at: dt.datetime) -> str:
    """When a locked-out sign-in may be tried again, as people read it."""
    minutes = max(1, -(-int((until - at).total_seconds()) // 60))
    if minutes < 60:
        return f"sau {minutes} phút"
    local = until.astimezone(TIMEZONE)
    return f"từ {local:%H:%M} ngày {vn_date(local.date())}"
