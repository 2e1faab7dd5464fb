"""The coordinator's dates beside a plan (models/coordinator_dates.py, data/coordinator-dates/):
applied to the undated milestones only, refused with the file's line otherwise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.calendar import default_calendar
from models.coordinator_dates import apply_coordinator_dates
from models.plan_files import read_plan
from models.schedule import schedule
from models.source import InputErrors
from tests.conftest import PLANS, ROOT

DATES = ROOT / "data" / "coordinator-dates"
KH_PLAN = ROOT / "plans" / "khanh-hoa-stnmt-2021-2025.yaml"


@pytest.mark.parametrize("dates", sorted(DATES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_dates_file_leaves_its_plan_nothing_undated(dates: Path) -> None:
    plan = apply_coordinator_dates(read_plan(ROOT / "plans" / dates.name), dates)
    assert [m.id for m in plan.milestones if m.awaiting_date] == []
    scheduled = schedule(plan, default_calendar())
    dated = [s for s in scheduled if s.milestone.set_by_coordinator]
    assert dated and all(s.rule == "set_by_coordinator" and s.dues for s in dated)
    # The plan's own words are untouched: what the plan dated keeps its phrase.
    original = {m.id: m for m in read_plan(ROOT / "plans" / dates.name).milestones}
    for milestone in plan.milestones:
        if original[milestone.id].phrase is not None:
            assert milestone.phrase == original[milestone.id].phrase


def test_every_seed_plan_has_its_directory_and_the_undated_ones_their_dates() -> None:
    directories = {p.stem for p in (ROOT / "data" / "directories").glob("*.yaml")}
    for plan_file in PLANS:
        stem = plan_file.stem.rsplit("-", 2)[0]  # "nam-dinh-city-2022-2025" -> "nam-dinh-city"
        assert stem in directories, plan_file.name
        if any(m.awaiting_date for m in read_plan(plan_file).milestones):
            assert (DATES / plan_file.name).exists(), plan_file.name


def test_khanh_hoa_dates_are_the_coordinators(tmp_path: Path) -> None:
    plan = apply_coordinator_dates(read_plan(KH_PLAN), DATES / KH_PLAN.name)
    by_id = {m.id: m for m in plan.milestones}
    assert by_id["dang-ky-dien-hinh-2021-2025"].set_date == dt.date(2021, 10, 15)
    assert by_id["chuyen-muc-cong-thong-tin"].coordinator_phrase == "ngày 15/12 hằng năm"
    assert by_id["dang-ky-dien-hinh-2021-2025"].phrase is None  # never shown as the plan's


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "dates.yaml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "plan: nam-dinh-skhdt-2022-2025\nset_by: X\nmilestones:\n"
            "  dang-ky-dien-hinh-2021-2025: {set_date: 2021-10-15}\n",
            "không phải 'khanh-hoa-stnmt-2021-2025'",
        ),
        (
            "plan: khanh-hoa-stnmt-2021-2025\nset_by: X\nmilestones:\n"
            "  khong-co: {set_date: 2021-10-15}\n",
            "không có mốc khong-co",
        ),
        (
            "plan: khanh-hoa-stnmt-2021-2025\nset_by: X\nmilestones:\n"
            "  dang-ky-dien-hinh-2021-2025: {set_date: 2031-10-15}\n",
            "năm 2031 nằm ngoài giai đoạn",
        ),
        (
            "plan: khanh-hoa-stnmt-2021-2025\nset_by: X\nmilestones:\n"
            "  dang-ky-dien-hinh-2021-2025: {set_date: 2021-10-15, "
            "coordinator_phrase: ngày 15/12 hằng năm}\n",
            "đúng một trong set_date hoặc coordinator_phrase",
        ),
        (
            "plan: khanh-hoa-stnmt-2021-2025\nset_by: X\nmilestones:\n"
            "  dang-ky-dien-hinh-2021-2025: {coordinator_phrase: khi nào rảnh}\n",
            "không đọc được thời hạn",
        ),
        (
            "plan: khanh-hoa-stnmt-2021-2025\nset_by: X\nmilestones:\n"
            "  dang-ky-dien-hinh-2021-2025: {set_date: 2021-10-15, ngay: 1}\n",
            "ngay",
        ),
    ],
    ids=["other-plan", "unknown-milestone", "outside-period", "both", "unreadable", "typo"],
)
def test_a_bad_dates_file_is_refused_with_its_line(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(InputErrors) as caught:
        apply_coordinator_dates(read_plan(KH_PLAN), path)
    text = str(caught.value)
    assert message in text and str(path) in text


def test_a_date_the_plan_writes_is_not_overridden(tmp_path: Path) -> None:
    plan_file = ROOT / "plans" / "nam-dinh-skhdt-2022-2025.yaml"
    path = _write(
        tmp_path,
        "plan: nam-dinh-skhdt-2022-2025\nset_by: X\nmilestones:\n"
        "  tong-ket-hoi-nghi-dhtt-2020-2025: {set_date: 2025-05-01}\n",
    )
    with pytest.raises(InputErrors, match="kế hoạch đã ghi thời hạn cho mốc này"):
        apply_coordinator_dates(read_plan(plan_file), path)


def test_loading_with_dates_records_both_files_and_is_idempotent() -> None:
    from sqlalchemy import select

    from models.clock import now
    from models.db import unit_of_work
    from models.orm import Milestone
    from models.services.directory import import_directory_file
    from models.services.plans import load_plan_file

    dates = DATES / KH_PLAN.name
    with unit_of_work() as session:
        import_directory_file(
            session, ROOT / "data/directories/khanh-hoa-stnmt.yaml", at=now(), actor="test"
        )
        first = load_plan_file(
            session, KH_PLAN, default_calendar(), at=now(), actor="test", dates=dates
        )
        assert first.created and first.units_added == 0
        assert first.campaign.source_file == f"{KH_PLAN} + {dates}"
        row = session.scalars(select(Milestone).where(Milestone.code == "so-ket-danh-gia-so")).one()
        assert (row.rule, row.due_date) == ("set_by_coordinator", dt.date(2023, 6, 30))
        again = load_plan_file(
            session, KH_PLAN, default_calendar(), at=now(), actor="test", dates=dates
        )
        assert not again.created
