"""Coordinator accounts: a login and an Argon2id password hash; nothing else is kept."""

from __future__ import annotations

import datetime as dt
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Coordinator, Unit
from models.services.audit import record

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """A request about an account that cannot be done; the message says why."""


def add_coordinator(
    session: Session,
    username: str,
    name: str,
    password: str,
    *,
    unit: Unit | None,
    at: dt.datetime,
    actor: str,
) -> Coordinator:
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError(
            "tên đăng nhập gồm 2-80 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự")
    if session.scalar(select(Coordinator.id).where(Coordinator.username == username)):
        raise AccountError(f"đã có tài khoản '{username}'")
    coordinator = Coordinator(
        username=username,
        name=" ".join(name.split()) or username,
        password_hash=_hasher.hash(password),
        unit=unit,
        created_at=at,
    )
    session.add(coordinator)
    session.flush()
    record(
        session,
        at=at,
        actor=actor,
        action="coordinator.added",
        entity="coordinator",
        entity_id=coordinator.id,
        reason=username,
    )
    return coordinator


def authenticate(session: Session, username: str, password: str) -> Coordinator | None:
    """The coordinator if the password is right; a rehash is stored when parameters changed.

    An unknown login costs the same hashing time as a known one, so timing tells nothing.
    """
    coordinator = session.scalar(
        select(Coordinator).where(
            Coordinator.username == username.strip().lower(), Coordinator.disabled_at.is_(None)
        )
    )
    try:
        _hasher.verify(coordinator.password_hash if coordinator else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if coordinator is None:
        return None
    if _hasher.check_needs_rehash(coordinator.password_hash):
        coordinator.password_hash = _hasher.hash(password)
    return coordinator
