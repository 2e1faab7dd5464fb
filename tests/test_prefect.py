"""The Prefect shell: deployments' schedules, a real flow run, and the full Quảng Bình replay.

One session-scoped prefect_test_harness (a temporary local server, conftest's prefect_server)
serves every test here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from notifications.mailbox import LocalMailbox
from tests.chase_helpers import load_small, morning
from tests.conftest import QB_DIRECTORY, QB_PLAN

pytestmark = pytest.mark.prefect
D = dt.date


def test_deployment_schedules_read_back_from_the_api(prefect_server: None) -> None:
    from prefect.client.orchestration import get_client

    from deployments.schedules import SCHEDULES, build_deployments

    built = build_deployments()

    async def apply_and_read() -> dict[str, Any]:
        found = {}
        for deployment in built:
            await deployment.apply()
        async with get_client() as client:
            for deployment in built:
                name = f"{deployment.flow_name}/{deployment.name}"
                read = await client.read_deployment_by_name(name)
                found[deployment.name] = read
        return found

    deployments = asyncio.run(apply_and_read())
    assert set(deployments) == set(SCHEDULES)
    for name, read in deployments.items():
        (schedule,) = read.schedules
        assert schedule.schedule.cron == SCHEDULES[name]
        assert schedule.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert deployments["midterm-review"].parameters == {"review": "midterm"}


def test_one_sweep_flow_run_against_a_real_smtp_server(
    prefect_server: None, mailbox: LocalMailbox
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import FlowRunSort

    from flows.daily_sweep import daily_sweep

    load_small()
    days, sent = asyncio.run(daily_sweep(as_of=morning(D(2023, 2, 23))))
    assert [d.campaign for d in days] == ["small-2023-2024"]
    assert (days[0].opened, days[0].notifications, sent.sent) == (2, 2, 2)
    assert mailbox.received == 2

    async def artifact_keys() -> set[str]:
        # The client sends null filters, as the dashboard does: this also guards the fastapi pin.
        async with get_client() as client:
            # The latest first: the session's Prefect server also ran other tests' flows.
            runs = await client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=50)
            assert any(r.name.startswith("quét hằng ngày 23/02/2023") for r in runs)
            mine = ArtifactFilter(key=ArtifactFilterKey(like_="tdkt-small-2023-2024-"))
            found = await client.read_artifacts(artifact_filter=mine, limit=100)
            return {a.key for a in found if a.key}

    assert {
        "tdkt-small-2023-2024-obligations",
        "tdkt-small-2023-2024-overdue",
        "tdkt-small-2023-2024-emails",
    } <= asyncio.run(artifact_keys())
    again_days, again = asyncio.run(daily_sweep(as_of=morning(D(2023, 2, 23))))
    assert (again_days[0].notifications, again.sent, mailbox.received) == (0, 0, 2)


def test_quang_binh_replay_from_plan_deadline_to_final_review(
    prefect_server: None, mailbox: LocalMailbox
) -> None:
    from flows.replay import replay
    from models.orm import Campaign
    from models.services.directory import import_directory_file
    from models.services.plans import load_plan_file
    from models.services.reporting import replay_summary
    from models.simulation import UnitBehaviour

    start, end = D(2022, 10, 4), D(2025, 6, 30)
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
    run = asyncio.run(replay("quang-binh-2021-2025", start, end, UnitBehaviour()))
    received = mailbox.received
    # where the replay's time went: its own steps, and Prefect's run time by flow and task
    assert set(run.step_seconds) == {
        "simulated units",
        "simulated people",
        "daily-sweep",
        "lifecycle and reviews",
        "replay's own reads",
        "yearly-cycle",
    }
    assert all(seconds >= 0 for seconds in run.step_seconds.values())
    from bench.prefect_runs import run_seconds

    accounted = run_seconds(timeout=60)
    assert accounted["flows"]["daily-sweep"] > 0
    assert {"prepare_day", "send_outbox", "publish_artifacts"} <= set(accounted["tasks"])

    from sqlalchemy import select

    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        summary = replay_summary(session, campaign, default_calendar(), start=start, end=end)
    assert summary["emails"]["total"] == received > 0
    assert summary["emails"]["on_days_off"] == []
    rows = {(t["milestone"], t["occurrence"]): t for t in summary["timeline"]}
    for key in [
        ("unit-plan", "once"),
        ("unit-midterm", "once"),
        ("province-midterm", "once"),
        ("unit-final", "once"),
        ("province-final", "once"),
    ]:
        assert rows[key]["reminders"] > 0, key
    for key in [("unit-plan", "once"), ("unit-midterm", "once"), ("unit-final", "once")]:
        assert rows[key]["escalations"] > 0, key  # the late units were escalated
    assert rows[("unit-plan", "once")]["due"] == "2022-10-31"

    from models.services.lifecycle_report import lifecycle_summary

    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        years = lifecycle_summary(session, campaign, years=range(2022, 2026))
    for year in ("2023", "2024"):  # full years: the whole lifecycle ran
        y = years[year]
        assert y["registrations"] > 0 and y["quotas"]["met"] > 0
        # Seed 003 sets mentors no report ("quan tâm theo dõi", III.1.2): none is owed or made.
        assert y["assessments"]["done"] == 0 and y["eligibility"].get("eligible", 0) > 0
        assert y["ballots"]["held"] == 1 and y["ballots"]["selected"] > 0
        assert y["honour_roll"] > 0 and y["reward_decisions"] > 0

    # Again over the last half-year's busy weeks: its year-end lifecycle (eligibility review,
    # invitations, recognition, yearly cycle, escalation repeats), the units' final review
    # (reminders, due day, collection, escalations) and the province's with the 11/6
    # ceremony. The quiet weeks between them (a weekly or monthly repeat to one or two units,
    # as in the first window) are left out: each day costs a daily-sweep flow run.
    from models.orm import Email

    windows = [
        (D(2024, 11, 25), D(2025, 1, 6)),
        (D(2025, 3, 14), D(2025, 4, 1)),
        (D(2025, 6, 9), end),
    ]
    with unit_of_work() as session:
        emailed = set(session.scalars(select(Email.day).distinct()))
    for first, last in windows:  # each window has days the first run sent email on
        assert sum(first <= day <= last for day in emailed) >= 3, (first, last)
        asyncio.run(replay("quang-binh-2021-2025", first, last, UnitBehaviour()))
    assert mailbox.received == received  # a second run over the same database adds no email
