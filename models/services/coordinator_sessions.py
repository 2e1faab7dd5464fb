"""Coordinators' sessions, held server-side: the browser's cookie carries only a random id; the
row (keyed by the id's SHA-256) says who, since when, and the CSRF token of the session's forms.

A session ends when its row goes: at logout, when the password changes, when the account is
disabled (models.services.accounts), after `idle` without a request, and `session_hours` after
sign-in whatever happens. Sign-in always makes a new id (a planted one is never adopted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from models.orm import Coordinator, CoordinatorSession
from models.services.signin import SigninSettings

TOUCH_EVERY = dt.timedelta(minutes=1)
"""How stale a session's last-seen time may get: a write per minute, not per page."""


@dataclass(frozen=True)
class SignedIn:
    coordinator: Coordinator
    csrf: str


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(
    session: Session,
    coordinator_id: int,
    *,
    replacing: list[str],
    at: dt.datetime,
    settings: SigninSettings,
) -> str:
    """A new session for the coordinator; its id, for the cookie only. The sessions the browser
    had (replacing) end, and so do everyone's expired ones (so rows stay few)."""
    session.execute(
        delete(CoordinatorSession).where(
            or_(
                CoordinatorSession.expires_at <= at,
                CoordinatorSession.seen_at <= at - settings.idle,
            )
        )
    )
    for old in replacing:
        end_session(session, old)
    session_id = secrets.token_urlsafe(32)
    session.add(
        CoordinatorSession(
            id_hash=_hash(session_id),
            coordinator_id=coordinator_id,
            csrf=secrets.token_urlsafe(32),
            created_at=at,
            seen_at=at,
            expires_at=at + dt.timedelta(hours=settings.session_hours),
        )
    )
    return session_id


def find_session(
    session: Session, session_id: str | None, *, at: dt.datetime, settings: SigninSettings
) -> SignedIn | None:
    """Who the cookie's session belongs to, if it is still alive (not ended, not idle too long,
    not too old, the account not disabled); its last-seen time moves on."""
    if not session_id or len(session_id) > 100:
        return None
    row = session.get(CoordinatorSession, _hash(session_id))
    if row is None:
        return None
    if at >= row.expires_at or at >= row.seen_at + settings.idle:
        session.delete(row)
        return None
    coordinator = session.get(Coordinator, row.coordinator_id)
    if coordinator is None or coordinator.disabled_at is not None:
        return None
    if at - row.seen_at >= TOUCH_EVERY:
        row.seen_at = at
    return SignedIn(coordinator, row.csrf)


def end_session(session: Session, session_id: str) -> None:
    """Logout: the session's row goes, so no copy of the cookie opens anything any more."""
    session.execute(
        delete(CoordinatorSession).where(CoordinatorSession.id_hash == _hash(session_id))
    )
