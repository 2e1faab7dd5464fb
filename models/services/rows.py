"""Rows in bulk: loading the few that act as objects, and writing many as plain rows.

The services that scan many rows a day (the replay's simulated units and people, the sweep)
decide from columns first and load objects only for the rows that change; they write what a
day creates (obligations, notifications, emails, links) as multi-row INSERTs of plain rows, and
what it changes as executemany UPDATEs by primary key.

Both go through SQLAlchemy Core on the session's connection, not the ORM's bulk paths: those
spend twice the time per row or more (`bench.rows`, 50,000 rows on SQLite: 11.4 against 5.9
µs an insert, 9.4 against 3.4 an update), about 100 of the national replay's 1,500 sampled
seconds. Like the ORM's, they flush the session's pending changes first, and an update gives
the objects already loaded the values it stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.strategy_options import _AbstractLoad
from sqlalchemy.orm.util import identity_key

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
    session: Session, query: Select[*tuple[Any, ...]], key: Any, ids: Iterable[V]
) -> list[tuple[Any, ...]]:
    """The rows of query whose key column is one of ids (or addresses): one IN (...) a chunk,
    each chunk's rows in the query's order."""
    return [
        tuple(row) for chunk in chunks(ids) for row in session.execute(query.where(key.in_(chunk)))
    ]


def among(session: Session, column: Any, ids: Iterable[int], *where: Any) -> set[int]:
    """Those of ids that `column` holds in some row matching where (a batch's "which of these
    were ever...", asked once instead of once per item)."""
    return {
        row[0] for row in rows_in(session, select(column).distinct().where(*where), column, ids)
    }


def insert_rows(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Insert plain rows (keyed by the model's attribute names), in their order: one
    multi-row INSERT for each run of rows that set the same columns."""
    for group in _runs(session, model, rows):
        session.connection().execute(insert(model.__table__), group)


def inserted(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]], *columns: Any
) -> Sequence[Any]:
    """Insert plain rows with one multi-row INSERT; `columns` of each new row, in no given order.

    Return a unique key among the columns to match the rows up. Asking for the parameters'
    order instead (`sort_by_parameter_order`) makes SQLAlchemy insert one row per statement on
    SQLite, which cannot tie new rowids to the order of the parameters.
    """
    returning = [model.__table__.c[c.prop.columns[0].key] for c in columns]
    return [
        row
        for group in _runs(session, model, rows)
        for row in session.connection().execute(
            insert(model.__table__).returning(*returning), group
        )
    ]


def update_rows(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Update rows by primary key (each row names it, and the attributes it sets): one
    executemany UPDATE for each run of rows that set the same columns, in their order."""
    table = model.__table__
    keys = [c.key for c in table.primary_key]
    for group in _runs(session, model, rows):
        values = [c for c in group[0] if c not in keys]
        statement = (
            update(table)
            .where(*(table.c[k] == bindparam(f"key_{k}") for k in keys))
            .values({c: bindparam(f"set_{c}") for c in values})
        )
        session.connection().execute(
            statement,
            [
                {**{f"key_{k}": r[k] for k in keys}, **{f"set_{c}": r[c] for c in values}}
                for r in group
            ],
        )
    _tell_loaded(session, model, rows)


def _tell_loaded(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """The objects of these rows already in the session are given the values just stored, as
    if loaded so (a dictionary lookup a row: most rows have no object)."""
    if not rows or not session.identity_map:
        return
    mapper = inspect(model)
    keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]
    for row in rows:
        found = session.identity_map.get(identity_key(model, tuple(row[k] for k in keys)))
        if found is None:
            continue
        for name, value in row.items():
            if name not in keys:
                set_committed_value(found, name, value)


def _runs(
    session: Session, model: type[Any], rows: Sequence[dict[str, Any]]
) -> Iterator[list[dict[str, Any]]]:
    """The rows as the table's columns name them, in runs of rows that set the same ones;
    the session flushed first, so that what it holds is written before them."""
    if not rows:
        return  # (an INSERT with no parameter sets would insert one row of defaults)
    if session.autoflush:
        session.flush()
    mapper = inspect(model)
    column_of = {p.key: p.columns[0].key for p in mapper.column_attrs}
    for names, run in groupby(rows, key=lambda r: frozenset(r)):
        group = list(run)
        if any(column_of[k] != k for k in names):  # (an attribute whose column is named otherwise)
            group = [{column_of[k]: v for k, v in r.items()} for r in group]
        yield group
