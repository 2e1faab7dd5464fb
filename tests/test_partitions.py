"""A campaign's day composed in partitions writes the emails the unpartitioned sweep writes."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import literal, select

from models.db import dispose_engines, unit_of_work
from models.orm import Email, Milestone, Notification, Obligation, Unit
from models.partitions import SHARDS, WHOLE, Partition, address_shard, partitions
from models.services.partitions import address_shard as sql_shard
from notifications.mailbox import LocalMailbox
from notifications.smtp import SmtpPool, SmtpSettings
from tasks import sending
from tasks.chasing import prepare_day, settle_campaign
from tasks.partitions import compose_partition, notify_partition, open_partition
from tasks.sending import send_partition
from tests.chase_helpers import SMALL, days, load_small, morning
from tests.conftest import Backend

D = dt.date
TOKEN = re.compile(r"/l/[^\s\"'<>]+")
LETTER = re.compile(r"Công văn số (\d+)/")


def _emails() -> list[tuple[str, str, str, str, list[str]]]:
    """Each email's key, Message-ID, recipient, subject and parts (text with the personal
    links' random tokens and the letters' numbers masked; other parts by type), in key order."""
    with unit_of_work() as session:
        rows = session.scalars(select(Email).order_by(Email.key)).all()
        out = []
        for row in rows:
            message = message_from_bytes(row.mime, policy=policy.default)
            parts = [
                LETTER.sub("Công văn số …/", TOKEN.sub("/l/…", part.get_content()))
                if part.get_content_maintype() == "text"
                else part.get_content_type()
                for part in message.walk()
                if not part.is_multipart()
            ]
            out.append((row.key, row.message_id, row.recipient_email, row.subject, parts))
        return out


def _letters() -> list[str]:
    """The numbers the escalation letters took, sorted: partitions running in any order
    number them in another order (each is registered when its digest is composed), but take
    the same numbers, without a gap."""
    with unit_of_work() as session:
        messages = [
            message_from_bytes(m, policy=policy.default)
            for m in session.scalars(select(Email.mime))
        ]
    return sorted(
        number
        for message in messages
        for part in message.walk()
        if part.get_content_type() == "text/plain"
        for number in LETTER.findall(part.get_content())
    )


def _notifications() -> list[tuple[str, str | None]]:
    """Each notification's key and the key of the email that carries it."""
    with unit_of_work() as session:
        return [
            (key, email)
            for key, email in session.execute(
                select(Notification.key, Email.key)
                .outerjoin(Email, Email.id == Notification.email_id)
                .order_by(Notification.key)
            )
        ]


def _obligations() -> list[tuple[str, str, str, str, str, dt.date | None]]:
    """Each obligation's milestone, unit, occurrence, status and next step day."""
    with unit_of_work() as session:
        return sorted(
            (m, u, o, str(s), str(d), n)
            for m, u, o, s, d, n in session.execute(
                select(
                    Milestone.code,
                    Unit.code,
                    Obligation.occurrence,
                    Obligation.status,
                    Obligation.chase_due,
                    Obligation.next_step_on,
                )
                .join(Milestone, Milestone.id == Obligation.milestone_id)
                .join(Unit, Unit.id == Obligation.unit_id)
            )
        )


def test_partitions_cover_every_address_once() -> None:
    for count in (1, 2, 3, 7, SHARDS):
        shards = sorted(s for p in partitions(count) for s in p.shards)
        assert shards == list(range(SHARDS))
        for row_id in (1, 31, 32, 20_000):  # a unit's or candidate's id, in one partition
            assert sum(p.holds_id(row_id) for p in partitions(count)) == 1
    for address in ("officer@a.example", "snv@t.example", "Đồng.chí@x.vn"):
        assert sum(p.holds(address) for p in partitions(3)) == 1
        assert WHOLE.holds(address) and 0 <= address_shard(address) < SHARDS
    with pytest.raises(ValueError):
        Partition(2, 2)
    addresses = ["officer@a.example", "snv@t.example", "Đồng.chí@x.vn", ""]
    with unit_of_work() as session:  # the database's bucket is Python's
        in_sql = [session.scalar(select(sql_shard(literal(a)))) for a in addresses]
    assert in_sql == [address_shard(a) for a in addresses]


def test_a_partitioned_sweep_writes_the_same_emails(
    backend: Backend, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three partitions, each round run in reverse order (tasks.partitions: opening, then the
    campaign's step, notifying and composing), write the obligations, notifications and emails
    (keys, Message-IDs, recipients, subjects, bodies) the unpartitioned sweep does; running a
    partition again adds nothing. The standing body's digest gathers both units' escalations
    whichever partition each unit's obligations fall in, in the whole sweep's order."""
    load_small()
    partitioned = tmp_path / "partitioned"
    backend.copy(data_dir, partitioned)
    sweep_days = list(days(D(2023, 2, 20), D(2023, 3, 10)))
    for day in sweep_days:
        prepare_day.fn(SMALL, morning(day))
    whole = _emails(), _notifications(), _letters(), _obligations()

    dispose_engines()
    backend.use(monkeypatch, partitioned)
    opened, notified, composed = [0, 0, 0], [0, 0, 0], [0, 0, 0]
    for day in sweep_days:
        at = morning(day)
        for index in reversed(range(3)):
            opened[index] += open_partition.fn(SMALL, at, index, 3)
            assert open_partition.fn(SMALL, at, index, 3) == 0  # again
        settle_campaign.fn(SMALL, at)
        for index in reversed(range(3)):
            notified[index] += notify_partition.fn(SMALL, at, index, 3).notifications
            assert notify_partition.fn(SMALL, at, index, 3).notifications == 0
        for index in reversed(range(3)):
            composed[index] += compose_partition.fn(SMALL, at, index, 3).emails
            assert compose_partition.fn(SMALL, at, index, 3).emails == 0
    assert _emails() == whole[0]
    assert _notifications() == whole[1]
    assert _letters() == whole[2] and whole[2]  # the small world's escalations have some
    assert _obligations() == whole[3]
    assert len(whole[0]) == sum(composed) and sum(n > 0 for n in composed) >= 2
    assert len(whole[1]) == sum(notified) and sum(n > 0 for n in notified) >= 2
    assert sum(n > 0 for n in opened) >= 2
    assert all(email is not None for _, email in whole[1])


def test_each_partitions_sender_sends_its_own_addresses_once(
    mailbox: LocalMailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three senders, each a partition of the recipients' addresses (tasks.sending
    .send_partition), run in reverse order and then again: every email of the outbox goes
    once, by the sender of its address's partition, and the second round finds nothing."""
    load_small()
    for day in days(D(2023, 2, 20), D(2023, 3, 10)):
        prepare_day.fn(SMALL, morning(day))
    at = morning(D(2023, 3, 10))
    with unit_of_work() as session:
        addresses = list(session.scalars(select(Email.recipient_email)))
    monkeypatch.setenv("TDKT_SMTP_CONNECTIONS", "2")  # a third of 2: each sender keeps one
    monkeypatch.setenv("TDKT_SMTP_RATE", "300")  # and a third of the rate: 100 a second
    shares: list[tuple[int, float]] = []

    class Recorded(SmtpPool):
        def __init__(self, settings: SmtpSettings) -> None:
            shares.append((settings.connections, settings.rate_per_second))
            super().__init__(settings)

    monkeypatch.setattr(sending, "SmtpPool", Recorded)
    sent = {i: asyncio.run(send_partition.fn(at, i, 3)).sent for i in reversed(range(3))}
    assert shares == [(1, 100.0)] * 3  # together, what one sender would ask of the server
    assert sent == {i: sum(map(Partition(i, 3).holds, addresses)) for i in range(3)}
    assert sum(n > 0 for n in sent.values()) >= 2 and mailbox.received == len(addresses) > 3
    assert [asyncio.run(send_partition.fn(at, i, 3)).sent for i in range(3)] == [0, 0, 0]
    with unit_of_work() as session:
        assert set(session.scalars(select(Email.status))) == {"sent"}


@pytest.mark.prefect
@pytest.mark.parametrize("runner", ["threads", "processes", "task-workers"])
def test_a_partitioned_sweep_flow_run_sends_each_digest_once(
    prefect_server: None,
    mailbox: LocalMailbox,
    monkeypatch: pytest.MonkeyPatch,
    runner: str,
) -> None:
    """The daily sweep with two partitions, composed by Prefect's thread pool, its process
    pool or a task worker (in this process: the harness's server runs no scheduler, and a task
    worker needs none): one email per recipient, sent once; a second run sends nothing."""
    from flows.daily_sweep import daily_sweep

    monkeypatch.setenv("TDKT_PARTITIONS", "2")
    monkeypatch.setenv("TDKT_PARTITION_RUNNER", runner)
    load_small()
    with serving(runner == "task-workers"):
        days, sent = asyncio.run(daily_sweep(as_of=morning(D(2023, 2, 23))))
        assert (days[0].notifications, days[0].emails, sent.sent) == (2, 2, 2)
        assert len(days[0].partition_seconds) == 2
        again, resent = asyncio.run(daily_sweep(as_of=morning(D(2023, 2, 23))))
    assert (again[0].emails, resent.sent, mailbox.received) == (0, 0, 2)


@contextmanager
def serving(wanted: bool) -> Iterator[None]:
    """A task worker serving compose-partition in a process of its own, while inside."""
    if not wanted:
        yield
        return
    import httpx
    from prefect.settings import PREFECT_API_URL

    api = str(PREFECT_API_URL.value())

    def subscribed() -> set[str]:
        """The task workers the server has subscribed to compose-partition's runs."""
        found = httpx.post(
            f"{api}/task_workers/filter",
            json={"task_worker_filter": {"task_keys": [compose_partition.task_key]}},
            timeout=30,
        )
        found.raise_for_status()
        return {worker["identifier"] for worker in found.json()}

    before = subscribed()  # the session's server may still list an earlier test's worker
    env = {**os.environ, "PREFECT_API_URL": api}
    worker = subprocess.Popen([sys.executable, "-m", "tasks.partitions"], env=env)
    try:
        # Subscribed before the first partition is delayed: the server lists this worker
        # once its subscription is open (a fixed sleep was either too long or, on a loaded
        # machine, too short).
        deadline = time.monotonic() + 180
        while not subscribed() - before:
            assert worker.poll() is None, "the task worker exited"
            assert time.monotonic() < deadline, "the task worker never subscribed"
            time.sleep(0.2)
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_publications_drafted_in_partitions_once_each() -> None:
    """The lifecycle's publicise batch in three partitions of the candidates (run in reverse
    order, then again, then whole): every selected exemplar's texts drafted once."""
    from models.orm.recognition import Publication
    from models.recognition import Channel
    from tasks.lifecycle import draft_publications
    from tasks.partitions import publicise_partition
    from tests.test_recognition import AT, exemplar

    load_small()
    with unit_of_work() as session:
        ids = [exemplar(session, f"Điển hình {n}", field=None).id for n in range(7)]
    as_of = AT + dt.timedelta(days=1)
    drafted = [publicise_partition.fn(SMALL, as_of, index, 3) for index in reversed(range(3))]
    assert sum(drafted) == len(ids) * len(Channel) and sum(n > 0 for n in drafted) >= 2
    assert [publicise_partition.fn(SMALL, as_of, index, 3) for index in range(3)] == [0, 0, 0]
    assert draft_publications.fn(SMALL, as_of) == 0
    with unit_of_work() as session:
        per_candidate = Counter(session.scalars(select(Publication.candidate_id)))
    assert per_candidate == {i: len(Channel) for i in ids}
