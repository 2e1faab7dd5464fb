"""Declarative base, naming conventions and column types shared by every table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

import models.lengths  # noqa: F401  (every session checks string lengths before a flush)
from models.clock import TIMEZONE

# Stable constraint names, so that Alembic migrations work on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AwareDateTime(TypeDecorator[dt.datetime]):
    """Stores UTC, returns Asia/Ho_Chi_Minh; refuses naive datetimes.

    SQLite keeps no time zone, so the conversion is done here once for every backend.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError(f"naive or non-datetime value {value!r}: use models.clock")
        utc = value.astimezone(dt.UTC)
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stored: dt.datetime = value
        if stored.tzinfo is None:
            stored = stored.replace(tzinfo=dt.UTC)
        return stored.astimezone(TIMEZONE)
