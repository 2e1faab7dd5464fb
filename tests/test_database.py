"""Migrations, plan loading in one transaction, and the append-only audit log."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text

from models.calendar import default_calendar
from models.clock import TIMEZONE, now
from models.db import MIGRATIONS_DIR, make_engine, migrate, unit_of_work
from models.orm import AuditEntry, AuditLogIsAppendOnly, Campaign, Milestone, Unit
from models.orm.base import Base
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.source import InputErrors
from tests.conftest import PLANS, QB_DIRECTORY, QB_PLAN, Backend


def test_migrations_upgrade_and_downgrade(tmp_path: Path, backend: Backend) -> None:
    """head, then every downgrade one revision at a time to base, then head again: on SQLite
    and on PostgreSQL, and the schema they build is the ORM's to the column type."""
    engine = make_engine(backend.create(tmp_path / "m"))
    try:
        migrate(engine)
        assert {"units", "campaigns", "milestones", "obligations", "audit_log"} <= set(
            inspect(engine).get_table_names()
        )
        assert _schema_differences(engine) == []
        revisions = _revisions()
        for older in [*revisions[1:], "base"]:
            migrate(engine, older)
            with engine.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
            assert current == (None if older == "base" else older)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate(engine)
        assert "obligations" in inspect(engine).get_table_names()
        assert _schema_differences(engine) == []
    finally:
        engine.dispose()
        backend.drop(tmp_path / "m")


def test_processes_starting_together_migrate_once(tmp_path: Path, backend: Backend) -> None:
    """After an upgrade every worker migrates on first use; starting at once, none fails."""
    url = backend.create(tmp_path / "m")
    engine = make_engine(url)
    migrate(engine, "base")
    engine.dispose()
    errors: list[BaseException] = []

    def start() -> None:
        own = make_engine(url)  # as another process would
        try:
            migrate(own)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    engine = make_engine(url)
    assert _schema_differences(engine) == []
    engine.dispose()
    backend.drop(tmp_path / "m")


def _revisions() -> list[str]:
    """Every revision, newest first."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]


def _schema_differences(engine: Engine) -> list[object]:
    """What Alembic's autogenerate would still change to reach the ORM's tables."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


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


def test_contact_positions_migrate_both_ways(tmp_path: Path, backend: Backend) -> None:
    """0018 adds contacts.position: a contact stored before reads NULL, one given a position
    keeps it, and downgrading keeps the contact without the column (issue 20)."""
    engine = make_engine(backend.create(tmp_path / "m"))
    try:
        migrate(engine, "0017")
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO units (code, name, kind) VALUES ('QB', 'UBND tỉnh', 'province')")
            )
            connection.execute(
                text(
                    "INSERT INTO contacts (unit_id, name, role, email) SELECT id, "
                    "'Trần Đình Cường', 'head', 'ct@qb.example' FROM units"
                )
            )
        migrate(engine, "0018")
        with engine.begin() as connection:
            assert connection.execute(text("SELECT position FROM contacts")).scalar() is None
            connection.execute(text("UPDATE contacts SET position = 'Chủ tịch UBND tỉnh'"))
            assert connection.execute(text("SELECT position FROM contacts")).scalar() == (
                "Chủ tịch UBND tỉnh"
            )
        migrate(engine, "0017")
        columns = {c["name"] for c in inspect(engine).get_columns("contacts")}
        assert "position" not in columns
        with engine.connect() as connection:
            assert connection.execute(text("SELECT name FROM contacts")).scalar() == (
                "Trần Đình Cường"
            )
    finally:
        engine.dispose()
        backend.drop(tmp_path / "m")
