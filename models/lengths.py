"""How long a stored text may be: what the column declares, checked before anything is stored.

SQLite stores a string of any length whatever the column says, and PostgreSQL refuses one
that is too long with an error the person never sees: so a value's length is checked against
its column's declared length (`String(300)`) here, by the services that take text from people,
each naming the field in Vietnamese (:func:`check_length`). A `Text` column has no declared
length; what people type into one (a description, a return reason, an assessment) is held to
TEXT_LIMIT characters. Besides, every flush of ORM objects is checked against the declared
lengths (:func:`check_flush`, on every session once models.orm is imported): whatever path a
value came by (a service without a check, a command, an import), it is refused with the table
and column named, on both backends alike, rather than stored whole or failing in the driver.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import QueryableAttribute, Session

TEXT_LIMIT = 20_000
"""Characters a person may type into a free-text field stored as Text: several pages, far
more than a reason, a note or an assessment needs; the request size limit is above it."""


class TooLong(ValueError):
    """A value longer than its column allows: the message names the field and its maximum."""

    def __init__(self, label: str, limit: int, length: int) -> None:
        super().__init__(
            f"“{label}” dài {_count(length)} ký tự, vượt quá mức tối đa {_count(limit)} ký tự"
        )
        self.label, self.limit, self.length = label, limit, length


def _count(n: int) -> str:
    """A count as Vietnamese write it: 200.000."""
    return f"{n:,}".replace(",", ".")


def limit_of(attribute: QueryableAttribute[Any]) -> int:
    """The most characters attribute's column stores: its declared length, else TEXT_LIMIT."""
    column_type = attribute.property.columns[0].type
    length = getattr(column_type, "length", None)
    return length if isinstance(length, int) else TEXT_LIMIT


def check_length(attribute: QueryableAttribute[Any], value: str | None, label: str) -> None:
    """Raise TooLong (naming label, in Vietnamese) if value does not fit attribute's column."""
    limit = limit_of(attribute)
    if value is not None and len(value) > limit:
        raise TooLong(label, limit, len(value))


@event.listens_for(Session, "before_flush")
def check_flush(session: Session, *_: object) -> None:
    """Before a flush: every new or changed ORM object's strings fit their declared lengths."""
    for obj in (*session.new, *session.dirty):
        mapper = inspect(obj).mapper
        for column in mapper.columns:
            length = getattr(column.type, "length", None)
            if not isinstance(column.type, String) or not isinstance(length, int):
                continue
            value = getattr(obj, mapper.get_property_by_column(column).key, None)
            if isinstance(value, str) and len(value) > length:
                raise TooLong(f"{column.table.name}.{column.name}", length, len(value))
