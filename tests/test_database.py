"""Migrations, plan loading in one transaction, and the append-only audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select

from models.calendar import default_calendar
from models.clock import TIMEZONE, now
from models.db import make_engine, migrate, unit_of_work
from models.orm import AuditEntry, AuditLogIsAppendOnly, Campaign, Milestone, Unit
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.source import InputErrors
from tests.conftest import PLANS, QB_DIRECTORY, QB_PLAN


def test_migrations_upgrade_and_downgrade(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    assert {"units", "campaigns", "milestones", "obligations", "audit_log"} <= set(
        inspect(engine).get_table_names()
    )
    migrate(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert "obligations" in inspect(engine).get_table_names()


def test_load_quang_binh(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        result = load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
        assert result.created and result.units_added == 0
    with unit_of_work(engine) as session:
        campaign = session.scalar(select(Campaign))
        assert campaign is not None
        assert (campaign.document_number, campaign.period_start) == ("1837/KH-UBND", 2021)
        assert campaign.standing_body.code == "QB.SNV"
        field_a = next(f for f in campaign.fields if f.code == "a")
        assert [u.code for u in field_a.lead_agencies] == ["QB.SLDTBXH"]
        plan_due = next(m for m in campaign.milestones if m.code == "unit-plan")
        assert (plan_due.due_date, plan_due.rule) == (dt.date(2022, 10, 31), "month_window")
        assert plan_due.phrase == "chậm nhất trong tháng 10 năm 2022"


def test_loading_the_same_plan_twice_changes_nothing(engine: Engine) -> None:
    for _ in range(2):
        with unit_of_work(engine) as session:
            load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 1


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_every_seed_plan_loads_without_a_directory(engine: Engine, path: Path) -> None:
    with unit_of_work(engine) as session:
        result = load_plan_file(session, path, default_calendar(), at=now(), actor="test")
        assert result.created and result.units_added > 0


def test_a_failed_load_writes_nothing(tmp_path: Path, engine: Engine) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        QB_PLAN.read_text(encoding="utf-8").replace("to: QB.SNV", "to: QB.NONE", 1),
        encoding="utf-8",
    )
    with pytest.raises(InputErrors), unit_of_work(engine) as session:
        load_plan_file(session, bad, default_calendar(), at=now(), actor="test")
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == 0
        assert session.scalar(select(func.count()).select_from(Milestone)) == 0


def test_a_different_plan_under_a_loaded_id_is_refused(tmp_path: Path, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        QB_PLAN.read_text(encoding="utf-8").replace("Trần Thắng", "T. Thắng"), encoding="utf-8"
    )
    with pytest.raises(InputErrors, match="nội dung khác"), unit_of_work(engine) as session:
        load_plan_file(session, changed, default_calendar(), at=now(), actor="test")


def test_audit_log_is_append_only_and_timezone_aware(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="coordinator")
    with unit_of_work(engine) as session:
        entry = session.scalar(select(AuditEntry))
        assert entry is not None and entry.actor == "coordinator"
        assert entry.at.tzinfo is not None and entry.at.utcoffset() == dt.timedelta(hours=7)
    with pytest.raises(AuditLogIsAppendOnly), unit_of_work(engine) as session:
        entry = session.scalar(select(AuditEntry))
        assert entry is not None
        entry.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly), unit_of_work(engine) as session:
        session.delete(session.scalar(select(AuditEntry)))


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    from models.services.audit import record

    with pytest.raises(Exception, match="naive"), unit_of_work(engine) as session:
        record(session, at=dt.datetime(2024, 1, 1), actor="x", action="y", entity="z")
    with unit_of_work(engine) as session:
        record(
            session,
            at=dt.datetime(2024, 1, 1, 8, tzinfo=TIMEZONE),
            actor="x",
            action="y",
            entity="z",
        )
