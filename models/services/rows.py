"""Rows in bulk: loading the few that act as objects, and inserting many as plain rows.

The services that scan many rows a day (the replay's simulated units and people, the sweep)
decide from columns first and load objects only for the rows that change; they write what a
day creates (obligations, notifications, emails, links) as multi-row INSERTs of plain rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.strategy_options import _AbstractLoad

CHUNK = 5000
"""Ids per IN (...): well under SQLite's and PostgreSQL's limits on bound parameters."""

M = TypeVar("M", bound=Any)
V = TypeVar("V", int, str)


def chunks(values: Iterable[V]) -> Iterator[list[V]]:
    """The values sorted, without repeats, CHUNK at a time: one IN (...) list each."""
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def loaded(
    session: Session, model: type[M], ids: Iterable[int], *options: _AbstractLoad
) -> list[M]:
    """The rows of `model` with these ids, in id order, with the given loader options."""
    found: list[M] = []
    for chunk in chunks(ids):
        found += session.scalars(
            select(model).where(model.id.in_(chunk)).options(*options).order_by(model.id)
        ).all()
    return found


def rows_in(
    session: Session, query: Select[*tuple[Any, ...]], key: Any, ids: Iterable[int]
) -> list[tuple[Any, ...]]:
    """The rows of query whose key column is one of ids: one IN (...) a chunk."""
    return [
        tuple(row) for chunk in chunks(ids) for row in session.execute(query.where(key.in_(chunk)))
    ]


def among(session: Session, column: Any, ids: Iterable[int], *where: Any) -> set[int]:
    """Those of ids that `column` holds in some row matching where (a batch's "which of these
    were ever...", asked once instead of once per item)."""
    return {
        row[0] for row in rows_in(session, select(column).distinct().where(*where), column, ids)
    }


def inserted(
    session: Session, model: type[Any], rows: list[dict[str, Any]], *columns: Any
) -> Sequence[Any]:
    """Insert plain rows with one multi-row INSERT; `columns` of each new row, in no given order.

    Return a unique key among the columns to match the rows up. Asking for the parameters'
    order instead (`sort_by_parameter_order`) makes SQLAlchemy insert one row per statement on
    SQLite, which cannot tie new rowids to the order of the parameters.
    """
    if not rows:
        return []  # (an INSERT with no parameter sets would insert one row of defaults)
    return session.execute(insert(model).returning(*columns), rows).all()
