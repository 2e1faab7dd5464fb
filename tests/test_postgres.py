"""Production's shape on one machine: PostgreSQL under the application and Prefect's server,
one process work pool, two workers racing for the same morning's sweeps.

Every other test also runs on PostgreSQL (its `[postgres]` variant, tests/conftest.py) and the
migrations go up and down on both backends (tests/test_database.py). This one needs a real
PostgreSQL server (TDKT_TEST_POSTGRES_URL; `.ci/postgres` starts one) and takes a minute or
two: a Prefect server, two `prefect worker start` processes and a process per flow run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, make_url, select

from deployments.prefect_server import LocalPrefectServer
from deployments.schedules import SCHEDULES
from models.calendar import default_calendar
from models.clock import TIMEZONE, now
from models.db import dispose_engines, unit_of_work
from models.orm import Email, EmailStatus
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from notifications.mailbox import LocalMailbox
from tests.conftest import QB_DIRECTORY, QB_PLAN, ROOT, Postgres

pytestmark = [pytest.mark.postgres, pytest.mark.prefect]

REMINDER_DAY = dt.datetime(2022, 10, 17, 7, 30, tzinfo=TIMEZONE)
"""Ten working days before the Quảng Bình unit plans are due: dozens of reminders go out."""
RUNS = 4
POOL = "tdkt"  # as in prefect.yaml
DEPLOY = """
import asyncio, sys
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate

async def create_pool():
    async with get_client() as client:
        await client.create_work_pool(WorkPoolCreate(name=sys.argv[2], type="process"))

asyncio.run(create_pool())
sweep = flow.from_source(sys.argv[1], "flows/daily_sweep.py:daily_sweep")
print(sweep.deploy(name="daily-sweep", work_pool_name=sys.argv[2], print_next_steps=False))
"""


@pytest.fixture
def app_database(
    postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The application's PostgreSQL database, with the Quảng Bình directory and plan."""
    folder = tmp_path / "app"
    url = postgres.create(folder)
    monkeypatch.setenv("TDKT_DATABASE_URL", url)
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
    yield url
    dispose_engines()
    postgres.drop(folder)


@pytest.fixture
def prefect_on_postgres(
    postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalPrefectServer]:
    """`prefect server start` with its own database on the same PostgreSQL server (asyncpg)."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)  # start() sets it; undone afterwards
    url = postgres.empty_database("prefect").replace("+psycopg", "+asyncpg", 1)
    server = LocalPrefectServer(tmp_path / "prefect-server", port=0, database_url=url)
    server.start(timeout=240)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("partitions", ["1", "3"], ids=["whole", "partitioned"])
def test_two_workers_send_every_email_exactly_once(
    app_database: str,
    prefect_on_postgres: LocalPrefectServer,
    tmp_path: Path,
    partitions: str,
) -> None:
    """Also with each sweep composing its digests in three partitions (tasks.partitions)."""
    api = prefect_on_postgres.api_url
    with LocalMailbox(tmp_path / "mail") as mailbox:
        env = {
            **os.environ,
            "PREFECT_API_URL": api,
            "PREFECT_LOGGING_LEVEL": "INFO",
            # The worker's log file is its console: what it submitted is said at INFO
            # (the tests' environment keeps consoles at WARNING: quiet_logging).
            "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO",
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PREFECT_WORKER_PREFETCH_SECONDS": "5",
            "TDKT_DATABASE_URL": app_database,
            "TDKT_SMTP_HOST": mailbox.host,
            "TDKT_SMTP_PORT": str(mailbox.port),
            "TDKT_SECRET_KEY": "shared-by-every-worker-0123456789",
            # Paced sending keeps the morning's first sweep going for seconds, so the other
            # worker's sweeps of that morning start while it runs even on a loaded machine.
            "TDKT_SMTP_RATE": "10",
            "TDKT_PARTITIONS": partitions,
        }
        deployed = subprocess.run(
            [sys.executable, "-c", DEPLOY, str(ROOT), POOL],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
        deployment_id = deployed.stdout.split()[-1]
        # Both workers poll (every second) before the morning's runs exist, and each takes at
        # most half of them, so both run sweeps of the same day at the same time. (Runs made
        # before the workers started went to whichever started first: a worker starting a few
        # seconds late, on a loaded machine, found its half already done.)
        logs = [tmp_path / f"worker-{n}.log" for n in (1, 2)]
        workers = [start_worker(f"may-{n}", log, env, tmp_path) for n, log in enumerate(logs, 1)]
        try:
            polling(api, ["may-1", "may-2"], logs, timeout=180)
            runs = [create_flow_run(api, deployment_id, REMINDER_DAY) for _ in range(RUNS)]
            finished = wait_for(api, runs, timeout=420)
        finally:
            stop(workers)
        received = list(mailbox.collector.message_ids)

    states = {r["id"]: r["state"]["type"] for r in finished}
    assert set(states.values()) == {"COMPLETED"}, (states, *tail(logs))
    ran_by = {name: executed(log) for name, log in zip(("may-1", "may-2"), logs, strict=True)}
    assert set().union(*ran_by.values()) == set(runs), ran_by
    assert all(ran_by.values()), f"each worker runs some of the sweeps: {ran_by}"
    first, second = ([r for r in finished if r["id"] in ran] for ran in ran_by.values())
    assert overlapping(first, second), "the two workers' sweeps ran at the same time"
    # ...and they waited for each other rather than collide and retry (models.services.locking).
    for log in logs:
        text = log.read_text(errors="replace")
        assert not re.search(r"UniqueViolation|IntegrityError|deadlock|Retry \d", text), text
    assert prefect_runs(prefect_on_postgres, runs) == len(runs)  # the server keeps them there

    with unit_of_work() as session:
        emails = session.execute(select(Email.key, Email.message_id, Email.status)).all()
        per_day = session.scalar(
            select(func.count()).select_from(Email).where(Email.day == REMINDER_DAY.date())
        )
    assert len(emails) == per_day and len(emails) > 20  # one morning's reminders, many units
    assert {status for _, _, status in emails} == {EmailStatus.SENT}
    assert sorted(received) == sorted(message_id for _, message_id, _ in emails)  # once each
    assert len({key for key, _, _ in emails}) == len(emails)

    if partitions == "1":  # (prefect.yaml does not depend on the partitions: checked once)
        deploys_prefect_yaml(api, env)


def deploys_prefect_yaml(api: str, env: dict[str, str]) -> None:
    """prefect.yaml, as docs/operations.md has it deployed, registers every deployment."""
    deploy_all = subprocess.run(
        [sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all"],
        env={**env, "TDKT_HOME": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert deploy_all.returncode == 0, deploy_all.stdout + deploy_all.stderr
    deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=30).json()
    assert {d["name"] for d in deployments} == set(SCHEDULES)  # daily-sweep: replaced by the yaml


def prefect_runs(server: LocalPrefectServer, ids: list[str]) -> int:
    """How many of these flow runs the Prefect server keeps in its PostgreSQL database."""
    import psycopg

    assert server.database_url is not None
    url = make_url(server.database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM flow_run WHERE id::text = ANY(%s)", (ids,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def create_flow_run(api: str, deployment_id: str, as_of: dt.datetime) -> str:
    response = httpx.post(
        f"{api}/deployments/{deployment_id}/create_flow_run",
        json={"parameters": {"as_of": as_of.isoformat()}},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["id"])


def start_worker(
    name: str, log: Path, env: dict[str, str], tmp_path: Path
) -> subprocess.Popen[bytes]:
    """`prefect worker start` as on a worker machine: its own Prefect home, and at most half
    the runs at a time, so that neither worker can take them all."""
    home = tmp_path / f"home-{name}"
    home.mkdir()
    command = ["worker", "start", "--pool", POOL, "--name", name, "--limit", str(RUNS // 2)]
    return subprocess.Popen(
        [sys.executable, "-m", "prefect", *command],
        env={**env, "PREFECT_HOME": str(home), "TDKT_DATA_DIR": str(home / "tdkt")},
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def polling(api: str, names: list[str], logs: list[Path], timeout: float) -> None:
    """Once the server has heard from every worker (it registers on its first poll of the
    pool), and a few more polls have gone by: a worker's "started!" line comes before that,
    and one that polled several seconds late found its half of the runs already done."""
    deadline = time.monotonic() + timeout
    while True:
        found = httpx.post(f"{api}/work_pools/{POOL}/workers/filter", json={}, timeout=30)
        if found.is_success and set(names) <= {w["name"] for w in found.json()}:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"workers not polling: {tail(logs)}")
        time.sleep(0.5)
    time.sleep(3)  # PREFECT_WORKER_QUERY_SECONDS=1: each has polled again since


def wait_for(api: str, runs: list[str], timeout: float) -> list[dict[str, Any]]:
    """The runs once every one has reached a final state."""
    deadline = time.monotonic() + timeout
    while True:
        found = [httpx.get(f"{api}/flow_runs/{run}", timeout=30).json() for run in runs]
        if all(r["state"]["type"] in {"COMPLETED", "FAILED", "CRASHED"} for r in found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"flow runs still going: {[r['state'] for r in found]}")
        time.sleep(1)


def stop(workers: list[subprocess.Popen[bytes]], timeout: float = 30) -> None:
    """SIGTERM to every worker at once; each is given until its flow-run processes have
    exited (at most timeout seconds for all), then a few seconds more, then SIGKILL. A
    worker told to stop waits for its flow-run processes, which may still be running for a
    while after their runs completed; once they are gone, Prefect's `prefect worker` said
    it received SIGINT and went on running here, until the SIGKILL (30 s a worker, one
    after the other, took a minute of the test)."""
    for worker in workers:
        worker.terminate()
    deadline = time.monotonic() + timeout
    for worker in workers:
        while worker.poll() is None and children(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        try:
            worker.wait(timeout=min(3.0, max(0.0, deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def children(pid: int) -> set[int]:
    """The process ids of a running process's children (Linux's /proc)."""
    found: set[int] = set()
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # the thread or the process has ended
            found.update(int(child) for child in listing.read_text().split())
    return found


def executed(log: Path) -> set[str]:
    """The flow runs a worker submitted and the server let it keep (not aborted)."""
    text = log.read_text(errors="replace")
    submitted = set(re.findall(r"submitting flow run '([0-9a-f-]{36})'", text))
    aborted = set(re.findall(r"Aborted submission of flow run '([0-9a-f-]{36})'", text))
    return submitted - aborted


def overlapping(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> bool:
    """Whether a run of the first list was running while one of the second was."""

    def span(run: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
        return dt.datetime.fromisoformat(run["start_time"]), dt.datetime.fromisoformat(
            run["end_time"]
        )

    return any(span(a)[0] < span(b)[1] and span(b)[0] < span(a)[1] for a in first for b in second)


def tail(logs: list[Path], lines: int = 40) -> list[str]:
    return ["\n".join(log.read_text(errors="replace").splitlines()[-lines:]) for log in logs]
