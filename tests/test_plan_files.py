"""Plan files: the five seeds check clean; each malformed variant names its file, line, field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from models.calendar import default_calendar
from models.plan import Plan
from models.plan_files import instantiate, read_plan
from models.schedule import schedule, timeline
from models.source import InputErrors
from tests.conftest import PLANS, QB_PLAN

D = dt.date


def test_there_is_a_plan_file_per_seed() -> None:
    sources = {read_plan(p).document.source for p in PLANS}
    assert {s.split("/")[-1][:3] for s in sources if s} == {"000", "001", "002", "003", "004"}


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_seed_plans_check_clean(path: Path) -> None:
    plan = read_plan(path)
    assert plan.milestones and plan.stages


def test_quang_binh_timeline_has_the_plan_deadlines() -> None:
    plan = read_plan(QB_PLAN)
    dues = {m.id: d for d, m in timeline(plan, default_calendar())}
    assert dues["unit-plan"].due == D(2022, 10, 31)
    assert (dues["unit-midterm"].start, dues["unit-midterm"].due) == (D(2023, 4, 1), D(2023, 6, 30))
    assert dues["province-midterm"].due == D(2023, 9, 30)
    assert dues["province-midterm"].effective_due == D(2023, 10, 2)  # 30/9/2023 is a Saturday
    assert dues["unit-final"].due == D(2025, 3, 31)
    assert dues["province-final"].due == D(2025, 6, 30)
    assert dues["honour-11-6"].due == D(2025, 6, 11)


def test_recurring_milestones_start_after_the_plan_is_issued() -> None:
    plan = read_plan(QB_PLAN)
    yearly = next(
        s for s in schedule(plan, default_calendar()) if s.milestone.id == "cluster-deployment"
    )
    assert [d.due for d in yearly.dues] == [D(y, 12, 31) for y in (2022, 2023, 2024, 2025)]


def test_plan_without_dates_is_flagged() -> None:
    plan = next(read_plan(p) for p in PLANS if "002_" in (read_plan(p).document.source or ""))
    assert plan.milestones and all(m.awaiting_date for m in plan.milestones)
    assert all(s.awaiting_date for s in schedule(plan, default_calendar()))


def _variant(tmp_path: Path, old: str, new: str, count: int = 1) -> tuple[Path, int]:
    """The QB plan with old replaced by new; returns the file and the line of the change."""
    text = QB_PLAN.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path, line


MALFORMED = [
    # (what is wrong, old text, new text, field named in the error, words in the message)
    (
        "unknown lead agency",
        "lead_agencies: [QB.SLDTBXH]",
        "lead_agencies: [QB.SLDTBXX]",
        "fields[0].lead_agencies[0]",
        "QB.SLDTBXX",
    ),
    (
        "quota for an undefined field",
        "{field: a, scope",
        "{field: z, scope",
        "quotas[0].field",
        "'z'",
    ),
    (
        "unreadable phrase",
        "phrase: Quý II năm 2023",
        "phrase: giữa năm sau",
        "milestones[2].phrase",
        "không đọc được",
    ),
    (
        "year outside the period",
        "phrase: Quý II năm 2023",
        "phrase: Quý II năm 2032",
        "milestones[2].phrase",
        "2032",
    ),
    (
        "unknown key",
        "    clause: IV.1\n",
        "    clause: IV.1\n    deadlin: x\n",
        "milestones[0].deadlin",
        "khóa không hợp lệ",
    ),
    (
        "bad milestone kind",
        "kind: plan_submission",
        "kind: plan_submit",
        "milestones[0].kind",
        "plan_submit",
    ),
    (
        "recipient not declared",
        "    to: QB.SNV\n",
        "    to: QB.SXX\n",
        "milestones[0].to",
        "QB.SXX",
    ),
    ("bad period", "period: 2021-2025", "period: 2025-2021", "period", "giai đoạn"),
    (
        "negative quota",
        "scope: lead_agency_year, subject: household, minimum: 10",
        "scope: lead_agency_year, subject: household, minimum: -1",
        "quotas[0].minimum",
        "0",
    ),
    (
        "duplicate milestone id",
        "id: province-final",
        "id: unit-final",
        "milestones[5].id",
        "unit-final",
    ),
    ("bad date", "date: 2022-10-04", "date: 2022-10-44", "document.date", "ngày"),
]


@pytest.mark.parametrize(
    ("what", "old", "new", "field", "words"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_plan_names_file_line_and_field(
    tmp_path: Path, what: str, old: str, new: str, field: str, words: str
) -> None:
    path, line = _variant(tmp_path, old, new)
    with pytest.raises(InputErrors) as info:
        read_plan(path)
    errors = [e for e in info.value.errors if e.field == field]
    assert errors, f"{what}: no error on {field}: {info.value}"
    assert words in errors[0].message
    assert errors[0].file == str(path)
    if what not in {"unknown key"}:
        assert errors[0].line == line, str(info.value)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path, _ = _variant(tmp_path, "lead_agencies: [QB.SLDTBXH]", "lead_agencies: [QB.SLDTBXH")
    with pytest.raises(InputErrors) as info:
        read_plan(path)
    assert "YAML" in str(info.value) and info.value.errors[0].line is not None


def test_wrong_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cp1258.yaml"
    path.write_bytes(QB_PLAN.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(InputErrors, match="UTF-8"):
        read_plan(path)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputErrors, match="rỗng"):
        read_plan(empty)
    with pytest.raises(InputErrors, match="không đọc được"):
        read_plan(tmp_path / "nowhere.yaml")


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    path, line = _variant(tmp_path, "period: 2021-2025\n", "period: 2021-2025\nperiod: 2021-2025\n")
    with pytest.raises(InputErrors) as info:
        read_plan(path)
    assert info.value.errors[0].line == line + 1


def test_instantiate_for_another_period(tmp_path: Path) -> None:
    text = instantiate(QB_PLAN, 2026, 2030)
    plan = Plan.model_validate(yaml.safe_load(text))
    assert (plan.id, str(plan.period)) == ("quang-binh-2026-2030", "2026-2030")
    phrases = {m.id: m.phrase for m in plan.milestones}
    assert phrases["unit-plan"] == "chậm nhất trong tháng 10 năm 2027"
    assert phrases["unit-midterm"] == "Quý II năm 2028"
    assert phrases["honour-11-6"] == "11/6/2030"
    honour = next(m for m in plan.milestones if m.id == "province-final")
    assert "11/6/1948 - 11/6/2030" in (honour.quote or "")  # history stays as written
    out = tmp_path / "qb-2026.yaml"
    out.write_text(text, encoding="utf-8")
    dues = {m.id: d for d, m in timeline(read_plan(out), default_calendar())}
    assert dues["unit-plan"].due == D(2027, 10, 31)


def test_instantiate_makes_a_period_of_another_length() -> None:
    # Any length (tests/test_plan_instantiation.py); a period that ends before it starts is not one.
    plan = Plan.model_validate(yaml.safe_load(instantiate(QB_PLAN, 2026, 2027)))
    assert str(plan.period) == "2026-2027"
    with pytest.raises(InputErrors, match="giai đoạn"):
        instantiate(QB_PLAN, 2027, 2026)
