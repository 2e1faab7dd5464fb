"""A reorganisation as data: `tdkt directory reorganise MAPPING` applies a whole mapping file in
one transaction, refuses one that loses anything (naming file, line and field), and a campaign
running across 1 July 2025 goes on under the successors; the merged Quảng Trị's 2026-2030 plan
runs on its own directory."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from models.orm import Email, Notification, Obligation, Unit
from models.reorganisation_file import read_mapping
from models.services.directory import import_directory_file
from models.services.plans import campaign_by_slug, load_plan_file
from models.services.reorganise import reorganise
from models.services.simulation import simulate_units
from models.simulation import UnitBehaviour
from models.source import InputErrors
from models.vocabulary import UnitKind
from tasks.chasing import prepare_day
from tests.chase_helpers import SMALL, load_small, morning
from tests.conftest import QB_DIRECTORY, QB_PLAN, ROOT
from tests.test_reorganisation import NEW_UNITS, snapshot

D = dt.date
QB = "quang-binh-2021-2025"
QB_MAPPING = ROOT / "data" / "reorganisations" / "quang-binh-2025.yaml"
QT_PLAN = ROOT / "plans" / "quang-tri-2026-2030.yaml"
QT_DIRECTORY = ROOT / "data" / "directories" / "quang-tri.yaml"


def small_world(tmp_path: Path) -> None:
    """The small plan (Sở A and Sở B owe a plan by 28/02/2023, opened), Sở C and a new Sở Nội
    vụ (tests.test_reorganisation)."""
    load_small()
    path = tmp_path / "new-units.yaml"
    path.write_text(NEW_UNITS, encoding="utf-8")
    with unit_of_work() as session:
        import_directory_file(session, path, at=morning(D(2023, 2, 1)), actor="test")
    prepare_day.fn(SMALL, morning(D(2023, 2, 20)))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def apply(path: Path) -> None:
    with unit_of_work() as session:
        reorganise(session, read_mapping(path), at=morning(D(2023, 2, 22)), actor="test")


def errors_of(path: Path) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        apply(path)
    return [str(e) for e in caught.value.errors]


def test_a_mapping_moves_every_group_in_one_transaction(tmp_path: Path) -> None:
    small_world(tmp_path)
    before = {code: owner_id(code) for code in ("T.A", "T.B")}
    path = write(
        tmp_path,
        "map.yaml",
        "format: 1\ntitle: Hợp nhất sở\nmoves:\n"
        "  - {from: [T.A, T.B], to: T.C}\n"
        "  - {from: T.SNV, to: T.NV}\n",
    )
    apply(path)
    with unit_of_work() as session:
        units = {u.code: u for u in session.scalars(select(Unit))}
        assert units["T.A"].successor.code == units["T.B"].successor.code == "T.C"  # type: ignore[union-attr]
        assert units["T.SNV"].acting().code == "T.NV"
        moved = {o.id: (o.unit.code, o.status.value) for o in session.scalars(select(Obligation))}
    assert moved[before["T.A"]] == ("T.C", "open")
    assert moved[before["T.B"]] == ("T.B", "waived")  # the same duplicate, kept as a record
    again = snapshot()
    apply(path)  # applying it again moves nothing
    assert snapshot()["obligations"] == again["obligations"]


def test_a_unit_with_nothing_open_goes_to_its_parents_successor_and_csv_works(
    tmp_path: Path,
) -> None:
    small_world(tmp_path)
    write(
        tmp_path,
        "t2.yaml",
        "format: 1\nunits:\n  - {code: T2, name: Ủy ban nhân dân tỉnh Mới, kind: province}\n"
        "  - {code: T.X, name: Sở X, kind: department, parent: T}\n",
    )
    apply(
        write(
            tmp_path,
            "map.yaml",
            "format: 1\ndirectory: t2.yaml\nmoves:\n  - {from: T, to: T2}\n  - {from: T.X}\n"
            "  - {from: T.A, to: T.C}\n",
        )
    )
    apply(write(tmp_path, "more.csv", "from_code,to_code,note\nT.B,T.C,QĐ 5/QĐ-UBND\n"))
    with unit_of_work() as session:
        acting = {u.code: u.acting().code for u in session.scalars(select(Unit))}
    assert (acting["T"], acting["T.X"], acting["T.A"], acting["T.B"]) == ("T2", "T2", "T.C", "T.C")


def owner_id(code: str) -> int:
    with unit_of_work() as session:
        return session.scalars(
            select(Obligation.id).join(Unit, Unit.id == Obligation.unit_id).where(Unit.code == code)
        ).one()


def test_a_mapping_that_loses_anything_is_refused_naming_file_line_and_field(
    tmp_path: Path,
) -> None:
    small_world(tmp_path)
    before = snapshot()
    path = write(
        tmp_path,
        "bad.yaml",
        "format: 1\nmoves:\n"
        "  - {from: T.A, to: T.ZZ}\n"  # line 3: unknown successor
        "  - {from: T.QQ, to: T.C}\n"  # line 4: unknown predecessor
        "  - {from: T.B}\n",  # line 5: open work and no successor named
    )
    problems = errors_of(path)
    assert f"{path}:3: moves[0].to: không có đơn vị mã T.ZZ trong danh bạ" in problems
    assert f"{path}:4: moves[1].from: không có đơn vị mã T.QQ trong danh bạ" in problems
    assert any(
        p.startswith(f"{path}:5: moves[2].to: T.B (Sở B) còn 1 nghĩa vụ đang mở") for p in problems
    ), problems
    cycle = write(
        tmp_path,
        "cycle.csv",
        "from_code,to_code,note\nT.A,T.B,\nT.B,T.A,vòng lặp\nT.A,T.C,trùng\n",
    )
    with pytest.raises(InputErrors) as caught:
        read_mapping(cycle)
    found = [str(e) for e in caught.value.errors]
    assert f"{cycle}:4: from_code: đơn vị T.A đã có ở dòng 2 của tệp" in found
    assert f"{cycle}:2: to_code: vòng lặp T.A → T.B → T.A (dòng 2, 3)" in found
    sub = write(
        tmp_path,
        "sub.yaml",
        "format: 1\nmoves:\n  - {from: T.A, to: T.C}\n  - {from: T, to: T.NV}\n",
    )
    assert any(
        p.startswith(f"{sub}:4: moves[1].to: T.NV là đơn vị cấp dưới của T") for p in errors_of(sub)
    ), errors_of(sub)
    write(
        tmp_path,
        "t2.yaml",
        "format: 1\nunits:\n  - {code: T2, name: Ủy ban nhân dân tỉnh Mới, kind: province}\n",
    )
    level = write(
        tmp_path,
        "level.yaml",
        "format: 1\ndirectory: t2.yaml\nremoved_levels: [department]\nmoves:\n"
        "  - {from: T, to: T2}\n  - {from: T.A, to: T.C}\n",
    )
    problems = errors_of(level)
    assert (
        f"{level}:3: removed_levels: T.B (Sở B) thuộc cấp {UnitKind.DEPARTMENT.label} bị bỏ "
        "nhưng tệp không nêu đơn vị kế thừa: còn 1 nghĩa vụ đang mở"
    ) in problems, problems
    assert snapshot() == before


def test_the_dry_run_prints_what_would_move_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deployments.cli import directory as cli

    small_world(tmp_path)
    monkeypatch.setattr(cli, "now", lambda: morning(D(2023, 2, 24)))
    path = write(
        tmp_path,
        "map.yaml",
        "format: 1\ntitle: Hợp nhất sở\neffective: 2023-03-01\nmoves:\n"
        "  - {from: [T.A, T.B], to: T.C}\n  - {from: T.SNV, to: T.NV}\n",
    )
    before = snapshot()
    runner = CliRunner(env={"COLUMNS": "200"})
    run = runner.invoke(cli.app, ["reorganise", str(path), "--dry-run"])
    assert run.exit_code == 0, (run.output, run.exception)
    out = run.output
    assert "Chạy thử, chưa ghi gì: Hợp nhất sở, hiệu lực từ 01/03/2023." in out
    assert "T.C (Sở C) nhận từ 2 đơn vị" in out
    assert "T.A (Sở A): 1 nghĩa vụ (1 đang theo dõi), 0 nhân tố, 2 liên hệ" in out
    assert "T.B (Sở B): 0 nghĩa vụ (0 đang theo dõi), 1 nghĩa vụ trùng" in out
    assert "cơ quan thường trực của 1 kế hoạch" in out
    assert "Tổng cộng: 3 đơn vị vào 2 đơn vị kế thừa" in out
    assert snapshot() == before
    done = runner.invoke(cli.app, ["reorganise", str(path)])
    assert done.exit_code == 0 and "Đã sắp xếp: Hợp nhất sở" in done.output
    assert snapshot() != before
    bad = runner.invoke(cli.app, ["reorganise", str(write(tmp_path, "x.yaml", "moves: []\n"))])
    assert bad.exit_code == 2 and "Không thể sắp xếp (1 lỗi), chưa ghi gì" in bad.output


# ------------------------------------------------------- Quảng Bình across 1 July 2025


def replay_days(slug: str, days: list[dt.date]) -> list[str]:
    """A sparse replay: simulated units submit, then the morning's sweep; returns what the
    sweeps could not address."""
    calendar, behaviour = default_calendar(), UnitBehaviour(seed=2022, submit_probability=0.7)
    missing: list[str] = []
    for day in days:
        with unit_of_work() as session:
            simulate_units(
                session, campaign_by_slug(session, slug), calendar, behaviour, before=day
            )
        missing += prepare_day.fn(slug, morning(day)).without_recipient
    return missing


def owners() -> dict[int, str]:
    with unit_of_work() as session:
        query = select(Obligation.id, Unit.code).join(Unit, Unit.id == Obligation.unit_id)
        return {obligation_id: code for obligation_id, code in session.execute(query)}


def test_the_quang_binh_campaign_across_1_july_2025_loses_nothing() -> None:
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
    before_days = [
        D(2022, 10, 4),
        D(2022, 11, 7),
        D(2023, 7, 3),
        D(2023, 10, 2),
        D(2024, 1, 2),
        D(2025, 4, 1),
        D(2025, 5, 5),
        D(2025, 6, 30),
    ]
    assert replay_days(QB, before_days) == []
    before = owners()
    with unit_of_work() as session:
        statuses = Counter(session.scalars(select(Obligation.status)))
        sent = sorted(session.execute(select(Notification.id, Notification.recipient_unit_id)))
        mails = sorted(session.execute(select(Email.id, Email.subject, Email.mime)))
    assert len(before) > 50 and any(code.startswith("QB.DH") for code in before.values())

    mapping = read_mapping(QB_MAPPING)
    successor = {row.code: row.to for row in mapping.rows}
    with unit_of_work() as session:
        done = reorganise(session, mapping, at=morning(D(2025, 7, 1)), actor="test")
    assert done.units_added == 58 and done.predecessors == 82

    after = owners()
    assert after.keys() == before.keys()  # none lost, none added
    for obligation_id, code in before.items():
        assert after[obligation_id] in (successor[code], code), (obligation_id, code)
    with unit_of_work() as session:
        live = {code: s for code, s in session.execute(select(Unit.code, Unit.successor_id))}
        # each obligation still chased is owed by a unit that exists now; the rest are records
        chased = session.execute(
            select(Obligation.id, Unit.code)
            .join(Unit)
            .where(Obligation.status.in_(("open", "overdue", "returned")))
        ).all()
        assert chased and all(live[code] is None for _, code in chased)
        assert Counter(session.scalars(select(Obligation.status))).total() == statuses.total()
        # what was sent before keeps the old names
        assert (
            sorted(session.execute(select(Notification.id, Notification.recipient_unit_id))) == sent
        )
        assert sorted(session.execute(select(Email.id, Email.subject, Email.mime))) == mails
        first = len(sent)

    assert replay_days(QB, [D(2025, 7, 2), D(2025, 9, 1), D(2025, 12, 1)]) == []
    with unit_of_work() as session:
        later = session.scalars(
            select(Unit.code)
            .join(Notification, Notification.recipient_unit_id == Unit.id)
            .where(Notification.id > (sent[-1][0] if sent else 0))
        ).all()
        opened = session.scalars(
            select(Unit.code).join(Obligation).where(Obligation.id > max(before))
        ).all()
    assert first and later and opened, "the campaign goes on after 1 July 2025"
    assert "QT.X.LETHUY" in opened  # the district of Lệ Thủy's quota, now the commune's
    assert all(code.startswith("QT") for code in [*later, *opened]), (later, opened)


def test_the_quang_tri_plan_runs_from_its_launch_into_2027() -> None:
    with unit_of_work() as session:
        import_directory_file(session, QT_DIRECTORY, at=now(), actor="test")
        result = load_plan_file(session, QT_PLAN, default_calendar(), at=now(), actor="test")
        assert result.units_added == 0
        campaign = campaign_by_slug(session, "quang-tri-2026-2030")
        assert (campaign.document_number, campaign.standing_body.code) == ("36/KH-UBND", "QT.SNV")
    days = [
        D(2026, 1, 20),
        D(2026, 3, 2),
        D(2026, 3, 23),
        D(2026, 4, 1),
        D(2026, 4, 15),
        D(2026, 12, 1),
        D(2027, 1, 4),
        D(2027, 3, 1),
    ]
    assert replay_days("quang-tri-2026-2030", days) == []
    with unit_of_work() as session:
        owed = Counter(
            session.scalars(select(Unit.kind).join(Obligation, Obligation.unit_id == Unit.id))
        )
        recipients = session.scalars(select(func.distinct(Notification.recipient_email))).all()
    assert owed[UnitKind.COMMUNE] >= 30 and owed[UnitKind.DEPARTMENT] > 10
    assert UnitKind.DISTRICT not in owed
    assert recipients and all(r.endswith("quangtri.example") for r in recipients)
