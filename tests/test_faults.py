"""Nothing lost, nothing doubled, whatever happens to the sender, the mail server or the database.

Each test makes the failure really happen: a sender process is SIGKILLed, the SMTP port has
nobody listening and then a server answering 451, PostgreSQL is restarted under a running
sweep, two sweep processes race for the same morning. Run them with `./dev test -m faults`
(the PostgreSQL ones need `.ci/postgres`, as in CI). Their figures go to
test-artifacts/faults/*.json (the README's "Reliability" section quotes them).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from deployments.schedules import build_deployments
from models.calendar import default_calendar
from models.clock import TIMEZONE, now
from models.db import dispose_engines, engine_for, unit_of_work
from models.orm import Email, EmailStatus, Notification, Obligation
from models.services.directory import import_directory_file
from models.services.outbox import LEASE
from models.services.plans import load_plan_file
from notifications.smtp import SmtpSettings
from tasks.chasing import prepare_day, settle_campaign
from tasks.partitions import compose_partition, notify_partition, open_partition
from tasks.sending import send_outbox
from tests.conftest import QB_DIRECTORY, QB_PLAN, ROOT, Postgres
from tests.fault_helpers import (
    Switchboard,
    claimed_ids,
    fill_outbox,
    morning,
    serve,
    start_sender,
    statuses,
)
from tests.test_notifications import free_port

pytestmark = pytest.mark.faults

D = dt.date
BATCH = 100  # send_outbox's default: what one sender may have in flight
KILLED_MESSAGES, KILLED_AFTER = 4_000, 1_050  # the killed sender's outbox; accepted at the kill
QB = "quang-binh-2021-2025"
QB_REMINDERS = dt.datetime(2022, 10, 17, 7, 30, tzinfo=TIMEZONE)
"""Ten working days before the Quảng Bình unit plans are due: dozens of reminders go out."""


def figures(name: str, values: dict[str, Any]) -> None:
    """Keep what a fault test measured, for the README."""
    folder = ROOT / "test-artifacts" / "faults"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(values, indent=1) + "\n")


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def switchboard() -> Iterator[tuple[Switchboard, int]]:
    board, port = Switchboard(), free_port()
    controller = serve(board, port)
    yield board, port
    controller.stop()


def test_a_killed_sender_resends_only_what_was_in_flight(
    switchboard: tuple[Switchboard, int], backend: Any
) -> None:
    board, port = switchboard
    at = morning(D(2024, 3, 4))
    # Ten and a half batches in, with 29 batches to go: the kill falls in the middle of a
    # batch, on a sender that has recorded many batches before it and would send many after.
    expected = fill_outbox(KILLED_MESSAGES, at=at)

    sender = start_sender(at, port)
    wait_for(lambda: len(board.accepted) >= KILLED_AFTER or sender.poll() is not None, 300, "kill")
    os.kill(sender.pid, signal.SIGKILL)
    assert sender.wait() == -signal.SIGKILL  # it was still sending when killed
    accepted_at_kill = len(board.accepted)
    assert KILLED_AFTER <= accepted_at_kill < KILLED_MESSAGES
    in_flight = claimed_ids()  # claimed, perhaps sent, never recorded

    # The next run (a retry, or the next sweep) comes after the dead sender's lease ran out.
    restarted = start_sender(at + LEASE + dt.timedelta(minutes=1), port)
    _, err = restarted.communicate(timeout=600)
    assert restarted.returncode == 0, err

    counts = Counter(board.accepted)
    duplicates = {message_id for message_id, n in counts.items() if n > 1}
    assert set(counts) == set(expected)  # every message delivered
    assert duplicates <= in_flight and len(in_flight) <= BATCH
    assert max(counts.values()) <= 2  # and a duplicate is the same message (same Message-ID)
    assert statuses() == {EmailStatus.SENT: KILLED_MESSAGES}
    figures(
        f"killed-sender-{backend.name}",
        {
            "messages": KILLED_MESSAGES,
            "accepted_before_kill": accepted_at_kill,
            "in_flight_at_kill": len(in_flight),
            "duplicates": len(duplicates),
            "delivered": len(counts),
        },
    )


def test_smtp_down_for_a_day_then_busy_delivers_all_in_due_order(backend: Any) -> None:
    day = D(2024, 3, 4)
    expected = fill_outbox(300, at=morning(day))
    port = free_port()  # nobody listens there yet
    settings = SmtpSettings(port=port, connections=1, max_attempts=3, backoff_seconds=0.01)
    sweeps = [morning(day), morning(day, 13), morning(day + dt.timedelta(days=1))]
    started = time.monotonic()
    for at in sweeps[:2]:  # the whole first day: connection refused
        result = asyncio.run(send_outbox.fn(at, settings=settings))
        assert result.sent == 0 and result.deferred == BATCH  # it stops after one batch
    down_seconds = time.monotonic() - started
    assert statuses() == {EmailStatus.PENDING: 300}

    board = Switchboard()
    board.tempfail = 10  # back the next morning, but "451 try later" to the first ten
    controller = serve(board, port)
    at, runs = sweeps[2], 0
    try:
        while statuses().get(EmailStatus.SENT, 0) < 300 and runs < 20:
            asyncio.run(send_outbox.fn(at, settings=settings))
            at, runs = at + dt.timedelta(minutes=31), runs + 1
    finally:
        controller.stop()
    assert board.accepted == expected  # each once, earliest due date first
    assert board.refused == 10
    figures(
        f"smtp-outage-{backend.name}",
        {
            "messages": 300,
            "sweeps_while_down": 2,
            "seconds_lost_while_down": round(down_seconds, 2),
            "answers_451": board.refused,
            "sweeps_until_delivered": runs,
            "in_due_order": True,
        },
    )


SWEEP = """
import asyncio, datetime as dt, sys
from notifications.smtp import SmtpSettings
from tasks.chasing import prepare_day
from tasks.sending import send_outbox

as_of = dt.datetime.fromisoformat(sys.argv[1])
order = [int(i) for i in sys.argv[4:]]  # partitions of len(order), composed in that order
slug, n = sys.argv[3], len(order)
if order:  # tasks.partitions' four rounds, each partition in the given order
    from tasks.chasing import settle_campaign
    from tasks.partitions import compose_partition, notify_partition, open_partition

    for i in order:
        open_partition.fn(slug, as_of, i, n)
    settle_campaign.fn(slug, as_of)
    notes = sum(notify_partition.fn(slug, as_of, i, n).notifications for i in order)
    emails = sum(compose_partition.fn(slug, as_of, i, n).emails for i in order)
else:
    day = prepare_day.fn(slug, as_of)
    notes, emails = day.notifications, day.emails
sent = asyncio.run(send_outbox.fn(as_of, settings=SmtpSettings(port=int(sys.argv[2]))))
print(notes, emails, sent.sent)
"""


def load_quang_binh() -> None:
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")


@pytest.mark.parametrize(
    "orders", [([], []), (["0", "1", "2"], ["2", "1", "0"])], ids=["whole", "partitioned"]
)
def test_overlapping_sweeps_one_acts_the_other_does_no_harm(
    switchboard: tuple[Switchboard, int], backend: Any, orders: tuple[list[str], list[str]]
) -> None:
    """Two sweeps of the same morning at once, whole or each in three partitions
    (tasks.partitions) run in opposite orders: every notification and email once. Whole, one
    sweep acts and the other finds it done; partitioned, each may act on some partitions."""
    board, port = switchboard
    load_quang_binh()
    dispose_engines()
    args = [sys.executable, "-c", SWEEP, QB_REMINDERS.isoformat(), str(port), QB]
    runs = [
        subprocess.Popen([*args, *order], stdout=subprocess.PIPE, text=True) for order in orders
    ]
    reports = [run.communicate(timeout=300)[0].split() for run in runs]
    assert [run.returncode for run in runs] == [0, 0]

    notifications = sorted(int(r[0]) for r in reports)
    with unit_of_work() as session:
        emails = session.scalar(select(func.count()).select_from(Email)) or 0
        written = session.scalar(select(func.count()).select_from(Notification)) or 0
    assert sum(notifications) == written > 0  # between them, each notification once
    if not orders[0]:
        assert notifications[0] == 0  # whole: one acted, the other found it done
    assert sorted(Counter(board.accepted).values()) == [1] * emails  # each email once
    assert statuses() == {EmailStatus.SENT: emails}


def test_the_schedule_never_starts_a_second_run_of_a_deployment() -> None:
    """Prefect's guard in front of the database's: at most one run of each deployment."""
    deployments = build_deployments()
    assert deployments and {d.concurrency_limit for d in deployments} == {1}


# PostgreSQL restarted under a sweep: needs the cluster .ci/postgres started (as in CI).


@pytest.fixture
def restartable(
    private_postgres: Postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Postgres]:
    """A database on a server of this test process's own, which the test may restart."""
    folder = tmp_path / "restarted"
    monkeypatch.setenv("TDKT_DATABASE_URL", private_postgres.create(folder))
    yield private_postgres
    dispose_engines()
    private_postgres.drop(folder)


@pytest.mark.postgres
def test_database_restarted_while_sending_loses_and_doubles_nothing(
    restartable: Postgres, switchboard: tuple[Switchboard, int]
) -> None:
    board, port = switchboard
    at = morning(D(2024, 3, 4))
    expected = fill_outbox(1_000, at=at)
    board.on_message = lambda n: restartable.restart() if n == 150 else None
    result = asyncio.run(send_outbox.fn(at, settings=SmtpSettings(port=port)))
    assert result.sent == 1_000
    assert sorted(board.accepted) == sorted(expected)  # each once
    assert statuses() == {EmailStatus.SENT: 1_000}


@pytest.mark.postgres
def test_database_restarted_mid_sweep_then_the_next_sweep_completes(
    restartable: Postgres, switchboard: tuple[Switchboard, int]
) -> None:
    board, port = switchboard
    load_quang_binh()
    restarted = False

    def break_the_database(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # The first notification written: obligations are already opened and marked in
        # prepare_day's one transaction, and nothing is committed yet. (Counting statements
        # broke whenever the sweep learnt to do the same work in fewer of them.)
        nonlocal restarted
        if not restarted and statement.lstrip().upper().startswith("INSERT INTO NOTIFICATIONS"):
            restarted = True
            restartable.restart()

    engine = engine_for()
    event.listen(engine, "before_cursor_execute", break_the_database)
    with pytest.raises(Exception) as failed:
        prepare_day.fn(QB, QB_REMINDERS)
    event.remove(engine, "before_cursor_execute", break_the_database)
    assert restarted
    assert "terminat" in str(failed.value).lower() or "closed" in str(failed.value).lower()
    assert statuses() == {}  # nothing half-written
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 0

    day = prepare_day.fn(QB, QB_REMINDERS)  # Prefect's retry, or the next sweep
    asyncio.run(send_outbox.fn(QB_REMINDERS, settings=SmtpSettings(port=port)))
    assert day.emails > 0 and len(board.accepted) == len(set(board.accepted)) == day.emails
    assert statuses() == {EmailStatus.SENT: day.emails}
    with unit_of_work() as session:  # no gap: nothing due this morning was left unacted
        behind = select(func.count()).select_from(Obligation)
        behind = behind.where(Obligation.next_step_on <= QB_REMINDERS.date())
        assert session.scalar(behind) == 0
    assert prepare_day.fn(QB, QB_REMINDERS).notifications == 0  # and no duplicate


@pytest.mark.postgres
def test_database_restarted_mid_partition_then_its_retry_completes(
    restartable: Postgres, switchboard: tuple[Switchboard, int]
) -> None:
    """A partition's transaction lost half-way (its emails being written) leaves nothing of
    that partition; its retry composes them, and the other partition is untouched."""
    board, port = switchboard
    load_quang_binh()
    open_partition.fn(QB, QB_REMINDERS, 0, 1)  # the day's rounds before composing, whole
    settle_campaign.fn(QB, QB_REMINDERS)
    notify_partition.fn(QB, QB_REMINDERS, 0, 1)
    first = compose_partition.fn(QB, QB_REMINDERS, 0, 2)
    restarted = False

    def break_the_database(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        nonlocal restarted
        if not restarted and statement.lstrip().upper().startswith("INSERT INTO EMAILS"):
            restarted = True
            restartable.restart()

    engine = engine_for()
    event.listen(engine, "before_cursor_execute", break_the_database)
    with pytest.raises(Exception, match=r"(?i)terminat|closed"):
        compose_partition.fn(QB, QB_REMINDERS, 1, 2)
    event.remove(engine, "before_cursor_execute", break_the_database)
    assert restarted
    assert statuses() == {EmailStatus.PENDING: first.emails}  # only partition 0's
    second = compose_partition.fn(QB, QB_REMINDERS, 1, 2)  # Prefect's retry
    assert first.emails > 0 and second.emails > 0
    assert compose_partition.fn(QB, QB_REMINDERS, 1, 2).emails == 0  # and no duplicate
    sent = asyncio.run(send_outbox.fn(QB_REMINDERS, settings=SmtpSettings(port=port)))
    assert sent.sent == first.emails + second.emails == len(set(board.accepted))
    with unit_of_work() as session:
        unassigned = select(func.count()).select_from(Notification)
        assert session.scalar(unassigned.where(Notification.email_id.is_(None))) == 0
