"""Loading the few rows that act as objects, once plain columns have said which.

The services that scan many rows a day (the replay's simulated units and people, the sweep)
decide from columns first and load objects only for the rows that change; this is that load.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.strategy_options import _AbstractLoad

CHUNK = 5000
"""Ids per IN (...): well under SQLite's and PostgreSQL's limits on bound parameters."""

M = TypeVar("M", bound=Any)


def loaded(
    session: Session, model: type[M], ids: Iterable[int], *options: _AbstractLoad
) -> list[M]:
    """The rows of `model` with these ids, in id order, with the given loader options."""
    ordered = sorted(set(ids))
    found: list[M] = []
    for start in range(0, len(ordered), CHUNK):
        found += session.scalars(
            select(model)
            .where(model.id.in_(ordered[start : start + CHUNK]))
            .options(*options)
            .order_by(model.id)
        ).all()
    return found
