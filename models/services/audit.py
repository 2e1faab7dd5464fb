"""Writing the append-only audit log.

Entries are plain rows kept on the session and written with one multi-row INSERT just before
the session next runs a statement or commits: nothing reads the log in between, and a national
replay day changes tens of thousands of obligations and candidates, for which one ORM object and
one flushed INSERT per entry cost ten times as much (about 60 against 7 microseconds here).
Rolling the transaction back drops them with everything else; rolling back only a savepoint
does not (the one savepoint, for spent form tokens, records nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import event, insert
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from models.orm import AuditEntry

PENDING = "tdkt.audit.pending"
"""Key in Session.info of the entries recorded and not yet written."""


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
) -> None:
    """Add an entry to the log, written before the session's next statement or its commit."""
    session.info.setdefault(PENDING, []).append(
        {
            "at": at,
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "from_status": from_status,
            "to_status": to_status,
            "reason": reason,
        }
    )


def write_pending(session: Session) -> None:
    """Write the entries recorded since the last write, in the order they were recorded."""
    rows: list[dict[str, Any]] | None = session.info.pop(PENDING, None)
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


@event.listens_for(Session, "do_orm_execute")
def _before_a_statement(state: ORMExecuteState) -> None:
    # Before any query, so that whatever reads the log (a candidate's history, "was it ever
    # honoured?") sees every entry of its own transaction, as it would see flushed objects.
    if state.session.info.get(PENDING):
        write_pending(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction is over: rolled back, if any are left
        session.info.pop(PENDING, None)


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
