"""Where the application database lives, how to reach it, and the unit of work around it.

SQLite under the data directory by default (TDKT_DATA_DIR, default ./.tdkt); any SQLAlchemy URL
in TDKT_DATABASE_URL instead, in production PostgreSQL (postgresql+psycopg://..., shared by every
worker and the web intake: docs/operations.md). The schema is always brought up to date by
Alembic migrations.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from models.partitions import address_shard

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str = field(repr=False)  # may hold a password: show safe_url instead

    @property
    def safe_url(self) -> str:
        """The database URL for people and logs: any password replaced by ***."""
        return masked_url(self.database_url)

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("TDKT_DATA_DIR", ".tdkt")).expanduser().resolve()
        url = os.environ.get("TDKT_DATABASE_URL") or f"sqlite:///{data_dir / 'tdkt.db'}"
        return cls(data_dir=data_dir, database_url=url)


_URL_PASSWORD = re.compile(r"(?P<head>://[^\s:/@]*):(?P<password>[^\s@/]*)@")


def masked_url(url: str) -> str:
    """url with its password replaced by ***, as SQLAlchemy itself shows URLs.

    A URL SQLAlchemy cannot parse is masked by pattern (scheme://user:password@host), so
    that no password reaches output or logs even from a mistyped setting.
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # ArgumentError, ValueError: whatever the parser makes of a typo
        return mask_urls(url)


def mask_urls(text: str) -> str:
    """Every scheme://user:password@ in text with the password replaced by ***."""
    return _URL_PASSWORD.sub(r"\g<head>:***@", text)


def make_engine(url: str) -> Engine:
    """An engine for url; SQLite gets foreign keys on and a wait instead of 'database is locked'."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, open transactions (see _begin_immediate).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
            # A sweep's partitions filter addresses by bucket in SQL (models.services.partitions).
            dbapi_connection.create_function(
                "tdkt_address_shard", 1, address_shard, deterministic=True
            )

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            # Every transaction takes the write lock at once, so two sweeps at the same time
            # run one after the other instead of failing half-way on 'database is locked';
            # except a read_only one, which under WAL neither waits for nor blocks a writer.
            if connection.get_execution_options().get(READ_ONLY):
                connection.exec_driver_sql("BEGIN DEFERRED")
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


READ_ONLY = "tdkt_read_only"
"""Execution option of read_only's connections: SQLite begins them without the write lock."""

MIGRATION_LOCK = 0x7D47_0000
"""PostgreSQL advisory lock key held while migrating (see migrate)."""


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to revision with Alembic (upgrade, or downgrade to an older one).

    One transaction, which on PostgreSQL first takes an advisory lock: after an upgrade every
    worker's first flow run migrates on first use, and the ones that start together must wait
    for the first and find the work done, not run the same DDL twice. (On SQLite the
    transaction's BEGIN IMMEDIATE already makes them wait.)
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        current = _current_revision(connection)
        if revision == "head" or current is None or _is_ahead(config, revision, current):
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def _current_revision(connection: Any) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _is_ahead(config: Any, target: str, current: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config)
    return current in {r.revision for r in script.iterate_revisions(target, "base")} and (
        target != current
    )


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _ready_engine(url: str) -> Engine:
    """One engine per URL for the whole process, migrated on first use.

    A lock, because the web intake's threads may ask at the same moment: two engines (and two
    migrations) for one database would be wasted work at best.
    """
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            migrate(engine)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close the pooled connections of every engine engine_for made, and forget the engines.

    The tests call it after each test: each has its own database, and on PostgreSQL pooled
    connections would otherwise pile up past max_connections and keep the database from
    being dropped. A process that forks should call it too, so no connection is shared.
    """
    with _engines_lock:
        engines = list(_engines.values())
        _engines.clear()
    for engine in engines:
        engine.dispose()


def engine_for(settings: Settings | None = None) -> Engine:
    """The engine of the configured database, migrated to the latest schema (once per process)."""
    return _ready_engine((settings or Settings.from_env()).database_url)


@contextmanager
def unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: committed if the block finishes, rolled back whole if it raises."""
    factory = sessionmaker(bind=engine or engine_for(), expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


@contextmanager
def read_only(engine: Engine | None = None) -> Iterator[Session]:
    """A short transaction that only reads: on SQLite it does not take the write lock (a
    deferred BEGIN under WAL), so it neither waits behind a writer nor makes one wait; on
    PostgreSQL the database refuses any write made in it.

    For reads that come before slow work done outside any transaction (a password check):
    unit_of_work would hold SQLite's one write lock through them.
    """
    bound = (engine or engine_for()).execution_options(**{READ_ONLY: True})
    factory = sessionmaker(bind=bound, expire_on_commit=False)
    with factory() as session, session.begin():
        if bound.dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION READ ONLY"))
        yield session
