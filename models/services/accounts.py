"""Coordinator accounts: a login and an Argon2id password hash (nothing else of the password is
kept), the standing body they work for, and what they may see because of it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.orm import Campaign, Coordinator, CoordinatorSession, Unit
from models.orm.access import ROLE_ADMIN, ROLE_COORDINATOR
from models.services.audit import record

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
hasher = PasswordHasher()


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
    admin: bool = False,
) -> Coordinator:
    """A new account; an admin sees every campaign, anyone else their unit's (none without)."""
    username = normal_username(username)
    if not USERNAME.match(username):
        raise AccountError(
            "tên đăng nhập gồm 2-80 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang"
        )
    _check_password(password)
    if session.scalar(select(Coordinator.id).where(Coordinator.username == username)):
        raise AccountError(f"đã có tài khoản '{username}'")
    coordinator = Coordinator(
        username=username,
        name=" ".join(name.split()) or username,
        password_hash=hasher.hash(password),
        unit=unit,
        created_at=at,
        role=ROLE_ADMIN if admin else ROLE_COORDINATOR,
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
        reason=f"{username} (quản trị)" if admin else username,
    )
    return coordinator


def normal_username(username: str) -> str:
    """A login as stored: trimmed, lower case."""
    return username.strip().lower()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự")


def find_coordinator(session: Session, username: str) -> Coordinator:
    """The account of a login, or AccountError saying there is none."""
    found = session.scalar(
        select(Coordinator).where(Coordinator.username == normal_username(username))
    )
    if found is None:
        raise AccountError(f"không có tài khoản '{normal_username(username)}'")
    return found


def end_sessions(session: Session, coordinator: Coordinator) -> int:
    """Sign the coordinator out everywhere, at once; how many sessions ended."""
    ended = session.execute(
        delete(CoordinatorSession).where(CoordinatorSession.coordinator_id == coordinator.id)
    )
    return int(getattr(ended, "rowcount", 0) or 0)


def set_password(
    session: Session, coordinator: Coordinator, password: str, *, at: dt.datetime, actor: str
) -> int:
    """A new password; every session of the account ends (someone who knew the old one may
    hold one). How many ended."""
    _check_password(password)
    coordinator.password_hash = hasher.hash(password)
    ended = end_sessions(session, coordinator)
    record(
        session,
        at=at,
        actor=actor,
        action="coordinator.password_changed",
        entity="coordinator",
        entity_id=coordinator.id,
        reason=f"{coordinator.username}: {ended} phiên đăng nhập đã kết thúc",
    )
    return ended


def set_disabled(
    session: Session, coordinator: Coordinator, disabled: bool, *, at: dt.datetime, actor: str
) -> int:
    """Disable (every session ends at once, no sign-in) or enable an account; how many
    sessions ended."""
    coordinator.disabled_at = at if disabled else None
    ended = end_sessions(session, coordinator) if disabled else 0
    record(
        session,
        at=at,
        actor=actor,
        action="coordinator.disabled" if disabled else "coordinator.enabled",
        entity="coordinator",
        entity_id=coordinator.id,
        reason=coordinator.username
        + (f": {ended} phiên đăng nhập đã kết thúc" if disabled else ""),
    )
    return ended


def set_unit(
    session: Session, coordinator: Coordinator, unit: Unit, *, at: dt.datetime, actor: str
) -> None:
    """The standing body the coordinator works for: the campaigns they see follow it."""
    coordinator.unit = unit
    record(
        session,
        at=at,
        actor=actor,
        action="coordinator.unit_set",
        entity="coordinator",
        entity_id=coordinator.id,
        reason=f"{coordinator.username}: {unit.code}",
    )


@dataclass(frozen=True)
class Scope:
    """The standing bodies whose campaigns a coordinator sees and acts on (all, for admins)."""

    everything: bool
    bodies: frozenset[int]

    def covers(self, campaign: Campaign) -> bool:
        return self.everything or campaign.standing_body_id in self.bodies


def scope_of(session: Session, coordinator: Coordinator) -> Scope:
    """An admin's scope is every campaign; a coordinator's, their unit's campaigns and those of
    every unit merged into it, directly or through others (a successor carries on its
    predecessors' work); without a unit, nothing."""
    if coordinator.role == ROLE_ADMIN:
        return Scope(True, frozenset())
    if coordinator.unit_id is None:
        return Scope(False, frozenset())
    bodies, frontier = {coordinator.unit_id}, {coordinator.unit_id}
    while frontier:
        frontier = (
            set(session.scalars(select(Unit.id).where(Unit.successor_id.in_(frontier)))) - bodies
        )
        bodies |= frontier
    return Scope(False, frozenset(bodies))
