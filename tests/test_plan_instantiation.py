"""`tdkt plan instantiate`: a plan of any length made into a draft for another period.

Every seed is instantiated to 2026-2030, and plans of 2 and 4 years to periods of 5 and 3: the
draft reads, is refused for loading until its header is filled and then passes, no year of the
old period is left in a text unless flagged, comments are kept, ordinals move or are flagged.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruamel.yaml import YAML

from models.calendar import default_calendar
from models.plan_files import draft_gaps, read_loadable_plan, read_plan
from models.plan_instantiation import Instantiation, instantiate_plan
from models.schedule import schedule
from models.source import InputErrors
from models.year_shift import YearShift, aligned, from_roman, roman
from tests.conftest import PLANS, QB_PLAN, ROOT
from tests.test_cli import tdkt

TWO_YEARS = ROOT / "tests" / "data" / "two-year-plan.yaml"
ND_CITY = ROOT / "plans" / "nam-dinh-city-2022-2025.yaml"  # four years
ND_SKHDT = ROOT / "plans" / "nam-dinh-skhdt-2022-2025.yaml"  # four years
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def draft(tmp_path: Path, path: Path, start: int, end: int) -> tuple[Instantiation, Path]:
    result = instantiate_plan(path, start, end)
    out = tmp_path / f"{path.stem}-{start}-{end}.yaml"
    out.write_text(result.text, encoding="utf-8")
    return result, out


def filled(tmp_path: Path, path: Path) -> Path:
    """The draft with its new document's header filled, as a coordinator would."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    data = rt.load(path.read_text(encoding="utf-8"))
    data["document"].update(number="99/KH-UBND", date=dt.date(2026, 3, 2), signer="Lê Văn B")
    if data.get("parent") is not None:
        data["parent"].update(number="7/KH-UBND", date=dt.date(2026, 1, 20))
    text = io.StringIO()
    rt.dump(data, text)
    out = tmp_path / f"filled-{path.name}"
    out.write_text(text.getvalue(), encoding="utf-8")
    return out


def texts(node: Any, loc: str = "") -> list[tuple[str, str]]:
    """Every text of a plan's data with where it stands; the document's header (its bases
    name documents issued in their years) and the record of the source are left out."""
    if isinstance(node, dict):
        return [
            found
            for key, value in node.items()
            if key not in ("document", "instantiated_from", "parent")
            for found in texts(value, f"{loc}.{key}")
        ]
    if isinstance(node, list):
        return [found for i, value in enumerate(node) for found in texts(value, f"{loc}[{i}]")]
    return [(loc, node)] if isinstance(node, str) else []


def assert_good_draft(tmp_path: Path, path: Path, start: int, end: int) -> Instantiation:
    old = read_plan(path)
    result, out = draft(tmp_path, path, start, end)
    new = read_plan(out)  # reads as a plan
    assert str(new.period) == f"{start}-{end}" and new.instantiated_from
    assert new.document.number is None and new.document.date is None
    # A draft: plan load refuses it, naming the file, the line and the field.
    gaps = {".".join(str(p) for p in loc) for loc, _ in draft_gaps(new)}
    assert {"document.number", "document.date", "document.signer"} <= gaps
    with pytest.raises(InputErrors) as refused:
        read_loadable_plan(out)
    assert {e.field for e in refused.value.errors} == gaps
    assert all(e.file == str(out) and e.line for e in refused.value.errors)
    # Filled, it passes and its deadlines are in the new period (or just after it).
    ready = read_loadable_plan(filled(tmp_path, out))
    for s in schedule(ready, default_calendar(), quotas=False):
        for due in s.dues:
            if due.occurrence == "once":
                assert start - 1 <= due.due.year <= end + 1, (s.milestone.id, due.due)
    # No year of the old period is left in a text (title, quote, phrase, criterion) unless
    # flagged, or written by the move itself (2020-2025 moved to 2025-2030).
    left = set(old.period.years) - set(range(start, end + 1))
    allowed = [f.text for f in result.flags] + [c.after for c in result.changes]
    for loc, text in texts(yaml.safe_load(result.text)):
        for year in {int(y) for y in YEAR.findall(text)} & left:
            assert any(str(year) in a and a in " ".join(text.split()) for a in allowed), (
                loc,
                year,
                text,
            )
    # Every comment of the file is kept.
    out_lines = {line.strip() for line in result.text.splitlines()}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("#"):
            assert line.strip() in out_lines, line
        elif comment := re.search(r"\s(#\s.*)$", line):
            assert comment[1] in result.text, line
    return result


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_each_seed_instantiates_to_2026_2030(tmp_path: Path, path: Path) -> None:
    result = assert_good_draft(tmp_path, path, 2026, 2030)
    assert result.plan_id.endswith("-2026-2030")


@pytest.mark.parametrize(
    ("path", "start", "end"),
    [
        (TWO_YEARS, 2026, 2030),
        (TWO_YEARS, 2026, 2028),
        (ND_CITY, 2026, 2028),
        (ND_SKHDT, 2026, 2030),
        (QB_PLAN, 2026, 2028),
        (QB_PLAN, 2026, 2027),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_a_plan_of_any_length_to_a_period_of_any_length(
    tmp_path: Path, path: Path, start: int, end: int
) -> None:
    assert_good_draft(tmp_path, path, start, end)


def test_quang_binh_moves_every_year_alike(tmp_path: Path) -> None:
    result, out = draft(tmp_path, QB_PLAN, 2026, 2030)
    plan = read_plan(out)
    assert plan.title.endswith("giai đoạn 2026 - 2030")
    body = [
        line
        for line in result.text.splitlines()
        if not line.lstrip().startswith(("#", "instantiated_from:", "- Chỉ thị số"))
    ]
    assert not [line for line in body if "2021" in line]  # only the bases (căn cứ) keep theirs
    milestones = {m.id: m for m in plan.milestones}
    honour = milestones["honour-11-6"]
    assert "Kỷ niệm 82 năm" in honour.title and "Kỷ niệm 82 năm" in (honour.quote or "")
    assert "(11/6/1948 - 11/6/2030)" in (honour.quote or "")  # history stays as written
    assert "lần thứ VII" in milestones["unit-final"].title
    assert "lần thứ VII" in plan.criteria_notes[2]
    assert "giai đoạn 2026-2030" in (plan.quotas[-1].quote or "")
    assert result.recurring == ["cluster-deployment"] and not result.to_date
    assert [f.where for f in result.flags] == ["document.basis"]
    # The new document is a draft: none of the old one's header is kept.
    assert (plan.document.signer, plan.document.source) == (None, None)
    assert result.text.startswith("# DỰ THẢO kế hoạch giai đoạn 2026-2030")


def test_deadlines_leaving_the_period_are_listed_for_a_coordinator(tmp_path: Path) -> None:
    result, out = draft(tmp_path, QB_PLAN, 2026, 2028)
    assert {t.milestone for t in result.to_date} == {"unit-final", "province-final", "honour-11-6"}
    honour = next(t for t in result.to_date if t.milestone == "honour-11-6")
    assert honour.before == "11/6/2025" and "2030" in honour.reason
    plan = read_plan(out)
    assert all(m.awaiting_date for m in plan.milestones if m.id == "honour-11-6")
    assert "phrase: null  # cần ấn định (set_date): trước là “11/6/2025”" in result.text
    moved = {d.milestone: d.after for d in result.deadlines}
    assert moved["unit-midterm"] == "Quý II năm 2028"  # 2023 is year 3 of 5: year 3 of 3


def test_a_two_year_plan_to_five_years(tmp_path: Path) -> None:
    result, out = draft(tmp_path, TWO_YEARS, 2026, 2030)
    assert result.align == "end" and result.offset == 5  # 2025, a congress year, becomes 2030
    plan = read_plan(out)
    milestones = {m.id: m for m in plan.milestones}
    assert set(milestones) >= {"ke-hoach-2026-2030", "tong-ket", "ton-vinh"}
    assert milestones["tong-ket"].phrase == "Quý II năm 2030"
    assert "lần thứ VI" in milestones["tong-ket"].title
    assert "Kỷ niệm 85 năm" in (milestones["tong-ket"].quote or "")
    assert milestones["bao-cao-hang-nam"].phrase == "ngày 15/11 hằng năm"
    assert result.recurring == ["bao-cao-hang-nam"]
    # The coordinator's 29/2/2024 has no 2029: it is emptied and listed, not invented.
    (leap,) = result.to_date
    assert (leap.milestone, leap.before) == ("so-ket", "29/02/2024") and "29/02" in leap.reason
    assert milestones["so-ket"].set_date is None
    # A cited document keeps its date, and is flagged; the quote's alias still points at it.
    assert "Kế hoạch số 5/KH-UBND ngày 02/01/2024" in (milestones["ke-hoach-2026-2030"].quote or "")
    assert any("5/KH-UBND" in f.text for f in result.flags)
    assert "quote: &tong-ket >-" in result.text and "quote: *tong-ket" in result.text
    assert milestones["ton-vinh"].quote == milestones["tong-ket"].quote


def test_ordinals_that_do_not_follow_from_the_years_are_flagged(tmp_path: Path) -> None:
    result, out = draft(tmp_path, TWO_YEARS, 2026, 2028)  # moved 2 years: no congress between
    assert result.offset == 2
    plan = read_plan(out)
    assert "lần thứ V." in plan.criteria_notes[0]
    flags = [f for f in result.flags if f.text == "lần thứ V"]
    assert flags and all("5 năm" in f.reason for f in flags)


def test_a_coordinator_date_moves_with_the_years(tmp_path: Path) -> None:
    text = TWO_YEARS.read_text(encoding="utf-8").replace(
        "set_date: 2024-02-29", "set_date: 2024-03-01"
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result, out = draft(tmp_path, path, 2026, 2030)
    assert {d.milestone: d.after for d in result.deadlines}["so-ket"] == "01/03/2029"
    so_ket = next(m for m in read_plan(out).milestones if m.id == "so-ket")
    assert so_ket.set_date == dt.date(2029, 3, 1) and so_ket.title == "Sơ kết năm 2029"


def test_year_shift_reads_every_spelling_of_the_period() -> None:
    shift = YearShift(2021, 2025, 2026, 2030)
    for written in (
        "2021-2025",
        "2021 - 2025",
        "2021 – 2025",
        "2021 đến 2025",
        "2021 đến năm 2025",
    ):
        assert (
            shift.move_text(f"giai đoạn {written}").text
            == f"giai đoạn {written.replace('2021', '2026').replace('2025', '2030')}"
        )
    assert shift.move_text("năm 1930 và năm 2019").text == "năm 1930 và năm 2019"  # history
    assert aligned(2022, 2025, 2026, 2030).align == "end"
    assert aligned(2021, 2025, 2026, 2028).align == "start"
    assert [roman(n) for n in (4, 6, 9, 14)] == ["IV", "VI", "IX", "XIV"]
    assert (from_roman("VII"), from_roman("IIII"), from_roman("VX")) == (7, None, None)


def test_plan_check_and_load_name_what_a_draft_lacks(tmp_path: Path, data_dir: Path) -> None:
    _, out = draft(tmp_path, QB_PLAN, 2026, 2030)
    check = tdkt("plan", "check", str(out), data_dir=data_dir)
    assert check.returncode != 0
    assert "bản dự thảo" in check.stdout and f"{out}:" in check.stderr
    assert "document.number" in check.stderr and "document.signer" in check.stderr
    load = tdkt("plan", "load", str(out), data_dir=data_dir)
    assert load.returncode != 0 and f"{out}:" in load.stderr and "document.date" in load.stderr
    ready = filled(tmp_path, out)
    assert tdkt("plan", "check", str(ready), data_dir=data_dir).returncode == 0


def test_instantiate_says_in_vietnamese_what_it_did(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "qb.yaml"
    run = tdkt(
        "plan", "instantiate", str(QB_PLAN), "--period", "2026-2028", "-o", str(out),
        data_dir=data_dir,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    said = run.stdout
    assert "Dự thảo kế hoạch quang-binh-2026-2028 (giai đoạn 2026-2028)" in said
    assert "Thời hạn đã dời (3)" in said
    assert (
        "unit-plan: “chậm nhất trong tháng 10 năm 2022” → “chậm nhất trong tháng 10 năm 2027”"
        in said
    )
    assert "Việc định kỳ chạy theo các năm mới (1): cluster-deployment" in said
    assert "“lần thứ VI” → “lần thứ VII”" in said and "“Kỷ niệm 77 năm” → “Kỷ niệm 82 năm”" in said
    assert "Cần xem lại" in said
    assert "Điều phối viên cần ấn định thời hạn (3 mốc" in said and "honour-11-6" in said
    assert "document.number, document.date, document.signer" in said
    # Without -o the YAML alone goes to stdout (to redirect), the report to stderr.
    piped = tdkt("plan", "instantiate", str(QB_PLAN), "--period", "2026-2030", data_dir=data_dir)
    assert yaml.safe_load(piped.stdout)["id"] == "quang-binh-2026-2030"
    assert "Thời hạn đã dời" in piped.stderr
    bad = tdkt("plan", "instantiate", str(QB_PLAN), "--period", "2030-2026", data_dir=data_dir)
    assert bad.returncode != 0 and "giai đoạn" in bad.stderr


def test_a_filled_draft_loads_and_an_unfilled_one_is_refused(tmp_path: Path) -> None:
    from models.clock import now
    from models.db import unit_of_work
    from models.services.plans import load_plan, load_plan_file

    _, out = draft(tmp_path, QB_PLAN, 2026, 2030)
    with unit_of_work() as session, pytest.raises(InputErrors) as refused:
        load_plan(
            session, read_plan(out), default_calendar(), at=now(), actor="t", source="x", sha256=""
        )
    assert {e.field for e in refused.value.errors} == {
        "document.number",
        "document.date",
        "document.signer",
    }
    with unit_of_work() as session:
        result = load_plan_file(
            session, filled(tmp_path, out), default_calendar(), at=now(), actor="test"
        )
        assert result.created and result.campaign.slug == "quang-binh-2026-2030"
