"""Test settings: every test gets its own data directory and database; nothing touches the real one.

Every test runs on SQLite. When TDKT_TEST_POSTGRES_URL names a PostgreSQL server (`.ci/run`
starts one; `.ci/postgres` by hand), every test not marked `prefect` or `browser` runs a second
time on PostgreSQL: the `[postgres]` variant, marked `postgres`, with a migrated database of its
own and nothing in it (see Postgres). Without the URL those variants skip, unless
TDKT_REQUIRE_POSTGRES=1 (CI), where they fail. Tests marked `postgres` by hand
(tests/test_postgres.py) need the server and take their databases from the `postgres` fixture.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, make_url

from deployments.prefect_server import quiet_logging

if TYPE_CHECKING:
    from notifications.mailbox import LocalMailbox

# Prefect reads these at import: a throwaway home, no telemetry, quiet logs.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="tdkt-prefect-")
atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
quiet_logging()  # runs' INFO logs still reach the test server (tests read them back)
os.environ.pop("PREFECT_API_URL", None)
# Sweeps attach their công văn đôn đốc as .docx: a LibreOffice run per sweep would double the
# suite's time; tests/test_escalation_letters.py asks for PDF itself.
os.environ.setdefault("TDKT_ESCALATION_LETTERS", "docx")
os.environ.pop("COLUMNS", None)  # see wide_terminal
# The commands' consoles are made now, without COLUMNS, so they read it at each print. Made
# later, by the first test importing them (a file run alone), they would keep that test's
# width for every test after it.
import deployments.cli.common  # noqa: E402, F401

# Property tests are deterministic wherever the suite runs (CI, ./dev test, a reviewer's
# machine): hypothesis draws its examples from a seed derived from each test, keeps no example
# database between runs and has no deadline (a timing assertion, which a loaded machine fails),
# so no submission can fail or pass by chance (issue 18). A failure prints the blob that
# replays it. `TDKT_HYPOTHESIS=explore ./dev test ...` searches at random (new examples each
# run, remembered in .hypothesis/), to hunt for new bugs on purpose: a find there becomes an
# explicit case (@example, or a hand-written test).
settings.register_profile(
    "deterministic", derandomize=True, database=None, deadline=None, print_blob=True
)
settings.register_profile("explore", deadline=None, print_blob=True)
HYPOTHESIS_PROFILE = os.environ.get("TDKT_HYPOTHESIS", "deterministic")
settings.load_profile(HYPOTHESIS_PROFILE)

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "plans").glob("*.yaml"))
QB_PLAN = ROOT / "plans" / "quang-binh-2021-2025.yaml"
QB_DIRECTORY = ROOT / "data" / "directories" / "quang-binh.yaml"
SMALL_PLAN = ROOT / "tests" / "data" / "small-plan.yaml"
SMALL_DIRECTORY = ROOT / "tests" / "data" / "small-directory.yaml"

POSTGRES_URL = os.environ.get("TDKT_TEST_POSTGRES_URL", "")
POSTGRES_DIR = os.environ.get("TDKT_TEST_POSTGRES_DIR", "")  # .ci/postgres's cluster, if it is
REQUIRE_POSTGRES = os.environ.get("TDKT_REQUIRE_POSTGRES") == "1"
SINGLE_BACKEND = ("prefect", "browser")
"""Markers of tests that run on SQLite only: the Prefect replay is the suite's slow half and
would double it, and the browser tests drive the same web app test_web.py runs on both."""


class Backend:
    """Where a test's databases live: one per data directory, created empty-but-migrated."""

    name = "sqlite"

    def url(self, data_dir: Path) -> str:
        return f"sqlite:///{data_dir / 'tdkt.db'}"

    def create(self, data_dir: Path) -> str:
        """A new migrated database for data_dir (replacing any), and its URL."""
        from models.db import make_engine, migrate

        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "tdkt.db").unlink(missing_ok=True)
        engine = make_engine(self.url(data_dir))
        migrate(engine)
        engine.dispose()
        return self.url(data_dir)

    def copy(self, source: Path, target: Path) -> None:
        """target's database becomes a copy of source's (a consistent SQLite backup)."""
        target.mkdir(parents=True, exist_ok=True)
        with (
            closing(sqlite3.connect(source / "tdkt.db")) as src,
            closing(sqlite3.connect(target / "tdkt.db")) as dst,
        ):
            src.backup(dst)

    def drop(self, data_dir: Path) -> None:
        """Nothing to do: the file goes with the temporary directory."""

    def use(self, patch: pytest.MonkeyPatch, data_dir: Path) -> None:
        """Point TDKT_DATA_DIR (on PostgreSQL also TDKT_DATABASE_URL) at data_dir's database,
        made (migrated) if it does not exist yet."""
        patch.setenv("TDKT_DATA_DIR", str(data_dir))
        patch.delenv("TDKT_DATABASE_URL", raising=False)

    def close(self) -> None:
        """Nothing to do."""


class Postgres(Backend):
    """Databases on the server of TDKT_TEST_POSTGRES_URL, one per data directory.

    Cloning the migrated template (CREATE DATABASE ... TEMPLATE) takes about half a second, more
    than most tests; so after a test its database is emptied (every row deleted, every sequence
    restarted: as good as new, checked against the template's schema and revision) and kept for
    the next one. A database that cannot be emptied so is dropped, and a new one cloned.
    """

    name = "postgres"

    def __init__(self, url: str, directory: str = POSTGRES_DIR) -> None:
        import psycopg

        from models.db import make_engine, migrate
        from models.orm.base import Base

        self.base = make_url(url)
        self.directory = directory  # .ci/postgres's cluster folder: it can be restarted
        self.prefix = f"tdkt_{os.getpid()}_"
        self.admin = psycopg.connect(self._dsn(self.base.database or "postgres"), autocommit=True)
        self.template = f"{self.prefix}template"
        self._execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self._execute(f"CREATE DATABASE {self.template}")
        engine = make_engine(self._url_of(self.template))
        migrate(engine)
        engine.dispose()
        with psycopg.connect(self._dsn(self.template)) as conn:
            self.revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            self.tables = self._tables(conn)
        # Children before parents; tables the ORM does not know (none today) first of all.
        known = [t.name for t in reversed(Base.metadata.sorted_tables) if t.name in self.tables]
        self.delete_order = sorted(self.tables - set(known)) + known
        self.emptying = "".join(
            [f"DELETE FROM {table};" for table in self.delete_order]
            + [
                "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                "FROM pg_sequences WHERE schemaname = 'public';"
            ]
        ).encode()
        self.assigned: dict[Path, str] = {}
        self.pool: list[str] = []
        self.made = 0

    def _dsn(self, database: str) -> str:
        return self.base.set(drivername="postgresql", database=database).render_as_string(
            hide_password=False
        )

    def _url_of(self, database: str) -> str:
        return self.base.set(database=database).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        self.admin.execute(sql.encode())  # names made here: hex digits and underscores

    @property
    def can_restart(self) -> bool:
        return bool(self.directory)

    def restart(self) -> None:
        """Restart the server (`.ci/postgres restart`): every open connection breaks, as when
        a database host reboots. Only for a cluster .ci/postgres started."""
        import psycopg

        subprocess.run([str(ROOT / ".ci" / "postgres"), "restart", self.directory], check=True)
        self.admin = psycopg.connect(self._dsn(self.base.database or "postgres"), autocommit=True)

    @staticmethod
    def _tables(conn: Any) -> set[str]:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"
        )
        return {name for (name,) in rows}

    def _clone(self, source: str, name: str | None = None) -> str:
        """A copy of source, as name (replacing it) or under a new name."""
        from models.db import dispose_engines

        dispose_engines()  # a template may have no other connection while it is copied
        if name is None:
            self.made += 1
            name = f"{self.prefix}{self.made}"
        self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._execute(f"CREATE DATABASE {name} TEMPLATE {source}")
        return name

    def url(self, data_dir: Path) -> str:
        return self._url_of(self.assigned[data_dir.resolve()])

    def empty_database(self, label: str) -> str:
        """A new database without any table (for Prefect's server), dropped with the rest."""
        name = f"{self.prefix}{label}"
        self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._execute(f"CREATE DATABASE {name}")
        return self._url_of(name)

    def create(self, data_dir: Path) -> str:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.drop(data_dir)
        name = self.pool.pop() if self.pool else self._clone(self.template)
        self.assigned[data_dir.resolve()] = name
        return self._url_of(name)

    def copy(self, source: Path, target: Path) -> None:
        """target's database (under the same name: its URL may be set already) copies source's."""
        target.mkdir(parents=True, exist_ok=True)
        key = target.resolve()
        self.assigned[key] = self._clone(self.assigned[source.resolve()], self.assigned.get(key))

    def drop(self, data_dir: Path) -> None:
        """data_dir's database goes back, emptied, for the next test (or is dropped)."""
        from models.db import dispose_engines

        name = self.assigned.pop(data_dir.resolve(), None)
        if name is None:
            return
        dispose_engines()
        if self._empty(name):
            self.pool.append(name)
        else:
            self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _empty(self, name: str) -> bool:
        """Delete every row and restart every sequence, if the schema is still the template's."""
        import psycopg

        try:
            with psycopg.connect(self._dsn(name)) as conn:
                conn.execute("SET lock_timeout = '5s'")  # a leftover connection: drop instead
                revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                if revision != self.revision or self._tables(conn) != self.tables:
                    return False
                conn.execute(self.emptying)  # one round trip (several statements, no parameter)
            return True
        except psycopg.Error:
            return False

    def use(self, patch: pytest.MonkeyPatch, data_dir: Path) -> None:
        exists = data_dir.resolve() in self.assigned
        patch.setenv("TDKT_DATA_DIR", str(data_dir))
        patch.setenv("TDKT_DATABASE_URL", self.url(data_dir) if exists else self.create(data_dir))

    def close(self) -> None:
        """Drop every database this session made (a crashed test may have left some)."""
        from models.db import dispose_engines

        dispose_engines()
        for (name,) in self.admin.execute("SELECT datname FROM pg_database").fetchall():
            if name.startswith(self.prefix):
                self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.admin.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give each test a sqlite and a postgres variant, save the single-backend ones."""
    if "backend" not in metafunc.fixturenames:
        return
    markers = {m.name for m in metafunc.definition.iter_markers()}
    if markers & {*SINGLE_BACKEND, "postgres"}:
        return  # marked postgres by hand: it picks its backends itself
    if "hypothesis" in markers or hasattr(metafunc.function, "hypothesis"):
        return  # property tests exercise readers and domain logic: no database to vary
    if any(
        _names(m.args[0]) & {"backend"} for m in metafunc.definition.iter_markers("parametrize")
    ):
        return  # the test names its backend itself (a reader test: once, on SQLite)
    metafunc.parametrize(
        "backend",
        ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
        indirect=True,
        scope="session",
    )


def _names(argnames: str | Sequence[str]) -> set[str]:
    """The argument names of a parametrize mark ("a, b" or ["a", "b"])."""
    items = argnames.split(",") if isinstance(argnames, str) else argnames
    return {name.strip() for name in items}


LONGEST_FIRST = (
    "tests/test_prefect.py::test_quang_binh_replay_from_plan_deadline_to_final_review",
    "tests/test_postgres.py::test_two_workers_send_every_email_exactly_once",
    "tests/test_partitions.py::test_a_partitioned_sweep_flow_run_sends_each_digest_once",
    "tests/test_seed_replays.py::test_each_seed_replays_with_its_own_units",
    "tests/test_escalation_decay.py::",
    "tests/test_faults.py::test_a_killed_sender_resends_only_what_was_in_flight",
    "tests/test_mail_audit.py::test_a_replay_of_the_demo_has_no_finding",
    "tests/test_faults.py::test_overlapping_sweeps_one_acts_the_other_does_no_harm",
)
"""The suite's longest tests (--durations, each 25 s to 3 min), run before the rest: under
pytest-xdist's worksteal the two processes then end together, on short tests either can steal,
instead of one waiting out a replay that happened to be collected last (a 90 s tail once)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put LONGEST_FIRST in front. Refuse a property test whose own @settings turned
    randomness back on: under the deterministic profile every one must be derandomized (an
    explicit settings object inherits the profile's values, unless it sets derandomize=False
    itself)."""
    items.sort(key=_longest_first)
    if HYPOTHESIS_PROFILE != "deterministic":
        return
    random = [
        item.nodeid
        for item in items
        if isinstance(item, pytest.Function)
        and (chosen := getattr(item.obj, "_hypothesis_internal_use_settings", None)) is not None
        and not (chosen.derandomize and chosen.database is None)
    ]
    if random:
        raise pytest.UsageError("property tests that are not deterministic: " + ", ".join(random))


def _longest_first(item: pytest.Item) -> int:
    """The rank of the item in LONGEST_FIRST; the others after them, in collection order."""
    for rank, prefix in enumerate(LONGEST_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    return len(LONGEST_FIRST)


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> Backend:
    """The database backend of this pass: SQLite, or PostgreSQL when its URL is given."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return Backend()
    postgres: Postgres = request.getfixturevalue("postgres")
    return postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """The test PostgreSQL server; a skip without one (a failure if TDKT_REQUIRE_POSTGRES=1)."""
    if not POSTGRES_URL:
        message = "TDKT_TEST_POSTGRES_URL is not set (start one with .ci/postgres)"
        if REQUIRE_POSTGRES:
            pytest.fail(message + ", and TDKT_REQUIRE_POSTGRES=1", pytrace=False)
        pytest.skip(message)
    server = Postgres(POSTGRES_URL)
    yield server
    server.close()


@pytest.fixture(scope="session")
def private_postgres(postgres: Postgres) -> Iterator[Postgres]:
    """A PostgreSQL cluster of this test process's own, for the fault tests that restart the
    server under a sweep: restarting the shared one would break every connection of the other
    test process (the suite runs in two, pytest-xdist). Started by .ci/postgres, like the
    shared one, so only where that one was (TDKT_TEST_POSTGRES_DIR)."""
    if not postgres.can_restart:
        pytest.skip("TDKT_TEST_POSTGRES_DIR is not set: a server .ci/postgres did not start")
    folder = tempfile.mkdtemp(prefix="tdkt-postgres-private.")  # the postgres user reads it
    script = str(ROOT / ".ci" / "postgres")
    started = subprocess.run([script, "start", folder], check=True, capture_output=True, text=True)
    exports = dict(re.findall(r"export (\w+)='([^']*)'", started.stdout))
    try:
        server = Postgres(exports["TDKT_TEST_POSTGRES_URL"], exports["TDKT_TEST_POSTGRES_DIR"])
        yield server
        server.close()
    finally:
        subprocess.run([script, "stop", folder], check=False, capture_output=True)


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' output is read at 200 columns: rich wraps at the terminal's width (80
    without one), and a temporary path under pytest-xdist (.../popen-gw0/...) no longer fits
    in 80. Set per test, not at import: a console made while COLUMNS is set keeps that width
    (deployments.cli.common's consoles are made at import, and read COLUMNS at each print);
    pytest-xdist's workers start with COLUMNS=80, removed above for that reason."""
    monkeypatch.setenv("COLUMNS", "200")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: Backend) -> Iterator[Path]:
    """The test's data directory, and on PostgreSQL its own database (emptied afterwards)."""
    from models.db import dispose_engines

    folder = tmp_path / "data"
    backend.use(monkeypatch, folder)
    yield folder
    dispose_engines()
    backend.drop(folder)


@pytest.fixture
def engine(tmp_path: Path, backend: Backend) -> Iterator[Engine]:
    """A second, separate migrated database, handed over as an engine."""
    from models.db import make_engine, migrate

    folder = tmp_path / "engine"
    engine = make_engine(backend.create(folder))
    migrate(engine)
    yield engine
    engine.dispose()
    backend.drop(folder)


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary local Prefect server for the session's flow runs (tests marked prefect:
    test_prefect.py, test_mail_audit.py's replay)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalMailbox]:
    """A local SMTP server that keeps what it receives; the sweep's emails go to it."""
    from notifications.mailbox import LocalMailbox

    with LocalMailbox(tmp_path / "mail") as box:
        monkeypatch.setenv("TDKT_SMTP_HOST", box.host)
        monkeypatch.setenv("TDKT_SMTP_PORT", str(box.port))
        yield box
