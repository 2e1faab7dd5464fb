"""Writing the append-only audit log."""

from __future__ import annotations

import datetime as dt

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
