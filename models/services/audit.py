"""Writing the append-only audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from models.orm import AuditEntry


def record(
    session: Session,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    session.add(entry)
    return entry


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=_HasId)


def record_created(
    session: Session,
    created: Sequence[R],
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    to_status: str,
    reason: Callable[[R], str],
) -> None:
    """One audit entry per row just added, after one flush for all of them: their ids exist
    only once flushed, and a flush per row is what makes a batch slow."""
    session.flush()
    for row in created:
        record(
            session,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=row.id,
            to_status=to_status,
            reason=reason(row),
        )
