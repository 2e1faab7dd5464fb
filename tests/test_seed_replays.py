"""Every seed plan replayed with its own synthetic directory (data/directories/) and, where the
plan leaves steps undated, its coordinator's dates (data/coordinator-dates/).

Each replay covers a short window in which milestones fall: its reminders, due-day notices and
escalations must reach people of the directory (no day logs a unit "không có địa chỉ nhận"), and
nobody owes or is escalated to about their own work. The whole periods are replayed by hand
(docs/seeds.md, "Replaying each seed"); the figures are in the note of issue 21.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from notifications.mailbox import LocalMailbox
from tests.conftest import ROOT

pytestmark = pytest.mark.prefect
D = dt.date
KINDS = frozenset({"reminder", "due", "escalation"})


@dataclass(frozen=True)
class Seed:
    plan: str
    directory: str
    start: dt.date
    end: dt.date
    milestones: frozenset[str]
    """Milestones that must have reached someone in the window."""

    @property
    def files(self) -> tuple[Path, Path, Path | None]:
        dates = ROOT / "data" / "coordinator-dates" / f"{self.plan}.yaml"
        return (
            ROOT / "plans" / f"{self.plan}.yaml",
            ROOT / "data" / "directories" / self.directory,
            dates if dates.exists() else None,
        )


SEEDS = [
    # Units' own plans to Phòng Nội vụ "trước ngày 30/5/2023" (II.1).
    Seed(
        "nam-dinh-city-2022-2025",
        "nam-dinh-city.yaml",
        D(2023, 5, 8),
        D(2023, 6, 16),
        frozenset({"gui-ke-hoach-don-vi"}),
    ),
    # The divisions' yearly assessment for the emulation vote ("hằng năm": 31/12/2023).
    Seed(
        "nam-dinh-skhdt-2022-2025",
        "nam-dinh-skhdt.yaml",
        D(2023, 12, 15),
        D(2024, 1, 19),
        frozenset({"danh-gia-binh-xet-hang-nam"}),
    ),
    # No date in the plan: the coordinator's deployment (30/9/2021) and registrations (15/10).
    Seed(
        "khanh-hoa-stnmt-2021-2025",
        "khanh-hoa-stnmt.yaml",
        D(2021, 9, 16),
        D(2021, 10, 25),
        frozenset({"trien-khai-ke-hoach-phong-don-vi", "dang-ky-dien-hinh-2021-2025"}),
    ),
    # The 19/5 meeting, the monthly assessments of the party cells' exemplars and the
    # proposals that follow the meeting (dated by the coordinator).
    Seed(
        "cong-thuong-party-2023-2025",
        "cong-thuong-party.yaml",
        D(2024, 5, 6),
        D(2024, 6, 14),
        frozenset(
            {"gap-mat-bieu-duong-19-5", "danh-gia-dinh-ky", "de-nghi-khen-thuong-chi-bo-19-5"}
        ),
    ),
]


@pytest.fixture
def missing_recipients(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every "không có địa chỉ nhận" the sweeps of a replay would log."""
    from tasks.chasing import prepare_day as original

    found: list[str] = []

    def prepare_day(campaign: str, as_of: dt.datetime) -> Any:
        day = original(campaign, as_of)
        found.extend(day.without_recipient)
        return day

    monkeypatch.setattr("flows.daily_sweep.prepare_day", prepare_day)
    return found


@pytest.mark.parametrize("seed", SEEDS, ids=[s.plan for s in SEEDS])
def test_each_seed_replays_with_its_own_units(
    prefect_server: None,
    mailbox: LocalMailbox,
    missing_recipients: list[str],
    seed: Seed,
) -> None:
    from flows.replay import replay
    from models.orm import Campaign, Contact, Email, Milestone, Notification, Obligation
    from models.services.directory import import_directory_file
    from models.services.plans import load_plan_file
    from models.services.reporting import replay_summary
    from models.simulation import UnitBehaviour
    from models.vocabulary import ContactRole

    plan_file, directory, dates = seed.files
    with unit_of_work() as session:
        import_directory_file(session, directory, at=now(), actor="test")
        result = load_plan_file(
            session, plan_file, default_calendar(), at=now(), actor="test", dates=dates
        )
        assert result.units_added == 0  # every unit the plan names is in its directory
    asyncio.run(replay(seed.plan, seed.start, seed.end, UnitBehaviour()))

    assert missing_recipients == []
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        summary = replay_summary(
            session, campaign, default_calendar(), start=seed.start, end=seed.end
        )
        emails = summary["emails"]
        assert emails["total"] == mailbox.received > 0
        assert set(emails["by_kind"]) == KINDS  # reminders, due-day notices, escalations
        assert emails["on_days_off"] == []
        contacts = set(session.scalars(select(Contact.email)))
        assert set(session.scalars(select(Email.recipient_email))) <= contacts
        reached = set(
            session.scalars(select(Milestone.code).join(Obligation).join(Notification).distinct())
        )
        assert seed.milestones <= reached

        # Nobody owes their own recipient unless the plan names them...
        for obligation in session.scalars(select(Obligation)):
            milestone = obligation.milestone
            if obligation.unit_id == milestone.recipient_id:
                assert obligation.unit.code in milestone.responsible.get("units", []), (
                    milestone.code,
                    obligation.unit.code,
                )
        # ...and no escalation reaches the owing unit beyond its own head.
        heads = {
            (c.unit_id, c.email)
            for c in session.scalars(select(Contact).where(Contact.role == ContactRole.HEAD))
        }
        for note in session.scalars(
            select(Notification).where(Notification.step.like("escalation%"))
        ):
            if note.recipient_unit_id == note.obligation.unit_id:
                assert (note.recipient_unit_id, note.recipient_email) in heads, note.key
