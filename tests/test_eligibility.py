"""Eligibility: the plans' checkable criteria against yearly records, explained rule by rule."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.db import unit_of_work
from models.eligibility import (
    NO_RULES,
    Eligibility,
    RecordKind,
    RuleResult,
    YearRecordIn,
    evaluate,
    meets_rating,
    meets_title,
    normalise,
    rating_rank,
)
from models.lifecycle import CandidateStage
from models.orm import AuditEntry, Campaign, Candidate, Unit
from models.orm.base import Base
from models.orm.records import EligibilityCheck, YearRecord
from models.partitions import Partition
from models.plan import Rule
from models.plan_files import read_plan
from models.services.candidates import move, register
from models.services.eligibility import (
    check_candidates,
    evaluation_years,
    import_records_file,
    read_records_file,
)
from models.services.plans import load_plan_file
from models.source import InputErrors
from models.vocabulary import RatingKind, RuleCheck, SubjectKind
from tests.conftest import ROOT, SMALL_PLAN

KHANH_HOA = read_plan(ROOT / "plans" / "khanh-hoa-stnmt-2021-2025.yaml").rules
CONG_THUONG = read_plan(ROOT / "plans" / "cong-thuong-party-2023-2025.yaml").rules
QUANG_BINH = read_plan(ROOT / "plans" / "quang-binh-2021-2025.yaml").rules
RULES_PLAN = ROOT / "tests" / "data" / "rules-plan.yaml"
EXAMPLE = ROOT / "data" / "records" / "quang-binh-example.csv"
PERIOD = range(2021, 2025)  # evaluating in 2025: the complete years 2021-2024
LDXS = "Tập thể lao động xuất sắc"
HTXS, HTT, HT = "hoàn thành xuất sắc nhiệm vụ", "hoàn thành tốt nhiệm vụ", "hoàn thành nhiệm vụ"
CSTD = "Chiến sỹ thi đua cấp cơ sở"
AT = dt.datetime(2025, 1, 15, 9, 0, tzinfo=TIMEZONE)


def rec(year: int, kind: RecordKind, value: str, note: str | None = None) -> YearRecordIn:
    return YearRecordIn("X", year, kind, value, note)


def every_year(kind: RecordKind, value: str, years: Sequence[int] = PERIOD) -> list[YearRecordIn]:
    return [rec(y, kind, value) for y in years]


def check(
    rules: Sequence[Rule],
    records: Sequence[YearRecordIn],
    *,
    subject: SubjectKind = SubjectKind.INDIVIDUAL,
    party_member: bool = False,
    is_leader: bool = False,
    exemplar: bool | None = None,
    years: range = PERIOD,
    field: str | None = None,
) -> Eligibility:
    return evaluate(
        rules,
        subject=subject,
        party_member=party_member,
        is_leader=is_leader,
        led_unit_is_exemplar=exemplar,
        records=records,
        years=years,
        field=field,
    )


def by_id(result: Eligibility) -> dict[str, RuleResult]:
    return {r.rule_id: r for r in result.results}


def only(rules: Sequence[Rule], rule_id: str) -> list[Rule]:
    return [r for r in rules if r.id == rule_id]


# --- title_every_year (seed 002: collectives, individuals) ---------------------------------


def test_a_collective_with_the_title_every_year_passes_with_each_year_as_evidence() -> None:
    result = check(KHANH_HOA, every_year("title", LDXS), subject=SubjectKind.COLLECTIVE)
    assert result.eligible
    (r,) = result.results
    assert r.rule_id == "tap-the-ldxs-moi-nam" and r.passed
    assert r.evidence == [f"{y}: {LDXS}" for y in PERIOD]
    assert r.explanation == f"Đạt danh hiệu '{LDXS}' tất cả các năm 2021-2024"
    assert result.summary == "Đủ tiêu chuẩn: đạt 1/1 tiêu chí"


def test_missing_years_are_named_and_the_other_titles_shown() -> None:
    records = [
        *every_year("title", LDXS, [2021, 2022]),
        rec(2023, "title", "Tập thể lao động tiên tiến"),
        rec(2024, "rating", HTXS),
    ]
    result = check(KHANH_HOA, records, subject=SubjectKind.COLLECTIVE)
    (r,) = result.results
    assert not r.passed and not result.eligible
    assert r.explanation == f"Thiếu danh hiệu '{LDXS}' các năm 2023, 2024"
    assert r.evidence[2:] == ["2023: Tập thể lao động tiên tiến", "2024: không có danh hiệu"]
    assert result.summary == "Chưa đủ tiêu chuẩn: không đạt 1/1 tiêu chí (tap-the-ldxs-moi-nam)"


def test_a_year_without_any_record_fails_and_says_so() -> None:
    records = every_year("title", LDXS, [2021, 2022, 2024])
    (r,) = check(KHANH_HOA, records, subject=SubjectKind.COLLECTIVE).results
    assert not r.passed
    assert "không có hồ sơ năm 2023" in r.evidence
    assert r.explanation == f"Thiếu danh hiệu '{LDXS}' năm 2023; không có hồ sơ năm 2023"


def test_the_record_note_is_part_of_the_evidence() -> None:
    records = [rec(y, "title", LDXS, f"QĐ {y}/QĐ-UBND") for y in PERIOD]
    (r,) = check(KHANH_HOA, records, subject=SubjectKind.COLLECTIVE).results
    assert r.evidence[0] == f"2021: {LDXS} (QĐ 2021/QĐ-UBND)"


@pytest.mark.parametrize(
    ("written", "required"),
    [
        ("Chiến sĩ thi đua cấp cơ sở", CSTD),
        ("CHIẾN SỸ THI ĐUA CẤP CƠ SỞ", CSTD),
        ("“Chiến sỹ  thi đua cấp cơ sở”", CSTD),
        ("Gia đình văn hoá", "Gia đình văn hóa"),
        ("Khu dân cư văn hóa", "Khu dân cư văn hoá"),
        ("Gia đình văn hóa", "Gia đình văn hóa"),  # NFD from an old keyboard
    ],
)
def test_spelling_variants_of_a_title_are_the_same_title(written: str, required: str) -> None:
    assert normalise(written) == normalise(required)
    assert meets_title(written, required)


@pytest.mark.parametrize(
    ("held", "required", "meets"),
    [
        ("Chiến sĩ thi đua cấp tỉnh", CSTD, True),
        ("Chiến sĩ thi đua toàn quốc", CSTD, True),
        ("Chiến sĩ thi đua cơ sở", CSTD, True),
        ("Lao động tiên tiến", CSTD, False),
        ("Tập thể lao động tiên tiến", LDXS, False),
        ("Chiến sĩ thi đua cấp tỉnh", LDXS, False),  # another ladder
        ("Gia đình văn hóa", "Khu dân cư văn hóa", False),
    ],
)
def test_a_higher_title_of_the_same_ladder_meets_a_lower_one(
    held: str, required: str, meets: bool
) -> None:
    assert meets_title(held, required) is meets


# --- rating_every_year and the rating ladder -----------------------------------------------


@pytest.mark.parametrize(
    ("held", "minimum", "meets"),
    [
        (HTXS, HTT, True),
        (HTXS, HTXS, True),
        (HTT, HTXS, False),
        (HT, HTT, False),
        ("không hoàn thành nhiệm vụ", HT, False),
        ("Hoàn thành xuất sắc nhiệm vụ được giao", HTXS, True),
        ("HTXSNV", "hoàn thành xuất sắc", True),
        ("httnv", HTT, True),
        (HTT, "hoàn thành tốt nhiệm vụ trở lên", True),
    ],
)
def test_the_rating_ladder(held: str, minimum: str, meets: bool) -> None:
    assert meets_rating(held, minimum) is meets


def test_the_ladder_order() -> None:
    ranks = [rating_rank(r) for r in ("không hoàn thành nhiệm vụ", HT, HTT, HTXS)]
    assert ranks == [0, 1, 2, 3]
    assert rating_rank("xuất sắc lắm") is None


def test_a_rating_below_the_minimum_fails_naming_the_year() -> None:
    records = [*every_year("title", CSTD), *every_year("rating", HTXS, [2021, 2023, 2024])]
    records.append(rec(2022, "rating", HTT))
    r = by_id(check(KHANH_HOA, records))["ca-nhan-htxs-moi-nam"]
    assert not r.passed
    assert r.explanation == f"Xếp loại công chức dưới mức '{HTXS}' năm 2022"
    assert r.evidence[1] == f"2022: {HTT}"


def test_a_year_with_records_but_no_rating_fails() -> None:
    records = [*every_year("title", CSTD), *every_year("rating", HTXS, [2021, 2022, 2023])]
    r = by_id(check(KHANH_HOA, records))["ca-nhan-htxs-moi-nam"]
    assert (r.passed, r.explanation) == (False, "Không có xếp loại công chức năm 2024")
    assert r.evidence[-1] == "2024: không có xếp loại công chức"


def test_two_ratings_in_one_year_the_lower_counts() -> None:
    records = [*every_year("rating", HTXS), rec(2023, "rating", HT)]
    r = by_id(check(only(CONG_THUONG, "ca-nhan-htt-hang-nam"), records))["ca-nhan-htt-hang-nam"]
    assert not r.passed and "2023: hoàn thành nhiệm vụ" in r.evidence


# --- who a rule applies to (seed 004: party members; seeds 002, 004: leaders) -------------


def test_a_party_member_needs_an_excellent_rating_others_a_good_one() -> None:
    years = range(2023, 2025)
    records = [
        *every_year("rating", HTT, years),
        *every_year("title", "Chiến sĩ thi đua cơ sở", years),
    ]
    citizen = check(CONG_THUONG, records, years=years)
    assert citizen.eligible
    assert set(by_id(citizen)) == {
        "ca-nhan-htt-hang-nam",
        "ca-nhan-cstd-co-so-tro-len",
        "gia-dinh-khong-vi-pham-phap-luat",
    }
    as_party_member = [YearRecordIn("X", y, "rating", HTT, None, RatingKind.PARTY) for y in years]
    member = check(CONG_THUONG, [*records, *as_party_member], years=years, party_member=True)
    assert not member.eligible
    failed = by_id(member)["dang-vien-htxs-hang-nam"]
    assert failed.explanation == f"Xếp loại đảng viên dưới mức '{HTXS}' các năm 2023, 2024"
    assert [r.rule_id for r in member.results if not r.passed] == ["dang-vien-htxs-hang-nam"]


def test_collective_rules_do_not_apply_to_individuals_nor_the_reverse() -> None:
    collective = check(CONG_THUONG, every_year("rating", HTXS), subject=SubjectKind.COLLECTIVE)
    assert [r.rule_id for r in collective.results] == ["tap-the-htxs-thoi-gian-binh-xet"]
    assert collective.eligible


def _khanh_hoa_individual() -> list[YearRecordIn]:
    return [*every_year("rating", HTXS), *every_year("title", CSTD)]


def test_the_leader_rule_applies_only_to_leaders() -> None:
    result = check(KHANH_HOA, _khanh_hoa_individual(), is_leader=False)
    assert result.eligible
    assert "lanh-dao-don-vi-dien-hinh" not in by_id(result)


def test_a_leader_whose_unit_is_an_exemplar_qualifies() -> None:
    result = check(KHANH_HOA, _khanh_hoa_individual(), is_leader=True, exemplar=True)
    assert result.eligible
    r = by_id(result)["lanh-dao-don-vi-dien-hinh"]
    assert r.passed and r.explanation == "Đơn vị do cá nhân lãnh đạo là tập thể điển hình"
    assert result.summary == "Đủ tiêu chuẩn: đạt 3/3 tiêu chí"


def test_a_leader_whose_unit_is_not_an_exemplar_does_not() -> None:
    result = check(KHANH_HOA, _khanh_hoa_individual(), is_leader=True, exemplar=False)
    r = by_id(result)["lanh-dao-don-vi-dien-hinh"]
    assert not result.eligible and not r.passed
    assert r.explanation.startswith("Đơn vị do cá nhân lãnh đạo chưa là tập thể điển hình")


def test_an_unknown_unit_is_explained_and_not_met() -> None:
    result = evaluate(
        KHANH_HOA,
        subject=SubjectKind.INDIVIDUAL,
        party_member=False,
        is_leader=True,
        led_unit_is_exemplar=None,
        records=_khanh_hoa_individual(),
        years=PERIOD,
        led_unit_evidence=["Phòng A (A): chưa đăng ký xây dựng điển hình trong kế hoạch này"],
    )
    r = by_id(result)["lanh-dao-don-vi-dien-hinh"]
    assert not r.passed and r.explanation.startswith("Không rõ đơn vị do cá nhân lãnh đạo")
    assert r.evidence == ["Phòng A (A): chưa đăng ký xây dựng điển hình trong kế hoạch này"]


# --- no_family_breach (seed 004) -----------------------------------------------------------


def test_a_family_breach_fails_with_the_record_as_evidence() -> None:
    rules = only(CONG_THUONG, "gia-dinh-khong-vi-pham-phap-luat")
    years = range(2023, 2025)
    records = [
        *every_year("rating", HTXS, years),
        rec(2023, "breach", "Con trai bị xử phạt hành chính", "QĐ 15/QĐ-XPHC"),
    ]
    (r,) = check(rules, records, years=years).results
    assert not r.passed
    assert r.evidence == ["vi phạm 2023: Con trai bị xử phạt hành chính (QĐ 15/QĐ-XPHC)"]
    assert r.explanation == "Có thành viên gia đình vi phạm pháp luật năm 2023"


def test_no_breach_passes_and_a_breach_outside_the_years_does_not_count() -> None:
    rules = only(CONG_THUONG, "gia-dinh-khong-vi-pham-phap-luat")
    years = range(2023, 2025)
    records = [*every_year("rating", HTXS, years), rec(2020, "breach", "cũ")]
    (r,) = check(rules, records, years=years).results
    assert r.passed
    assert r.evidence == ["không có hồ sơ vi phạm nào các năm 2023-2024"]


def test_no_breach_cannot_be_vouched_for_a_year_without_records() -> None:
    rules = only(CONG_THUONG, "gia-dinh-khong-vi-pham-phap-luat")
    (r,) = check(rules, [rec(2023, "rating", HTXS)], years=range(2023, 2025)).results
    assert not r.passed and r.explanation == "Không có hồ sơ năm 2024"


# --- title_held_years (Quảng Bình field c; seed 004 "at least once") ----------------------

KDC = "Khu dân cư văn hóa"


def test_a_cultural_area_kept_since_before_the_period_passes() -> None:
    records = every_year("title", KDC, range(2019, 2025))
    (r,) = check(QUANG_BINH, records, subject=SubjectKind.COLLECTIVE, field="c").results
    assert r.rule_id == "cultural-area-five-years" and r.passed
    assert r.evidence[0] == f"2019: {KDC}"
    assert (
        r.explanation == f"Giữ danh hiệu '{KDC}' 6 năm liên tục (2019-2024), yêu cầu ít nhất 5 năm"
    )


def test_a_cultural_area_kept_three_years_fails() -> None:
    records = [
        rec(2021, "title", "Khu dân cư tiên tiến"),
        *every_year("title", KDC, [2022, 2023, 2024]),
    ]
    (r,) = check(QUANG_BINH, records, subject=SubjectKind.COLLECTIVE, field="c").results
    assert not r.passed
    assert (
        r.explanation == f"Mới giữ danh hiệu '{KDC}' 3 năm liên tục (2022-2024), cần ít nhất 5 năm"
    )
    assert r.evidence[0] == "2021: Khu dân cư tiên tiến"


def test_a_title_lost_in_the_last_year_is_not_kept() -> None:
    records = [
        *every_year("title", KDC, range(2017, 2024)),
        rec(2024, "title", "Khu dân cư tiên tiến"),
    ]
    (r,) = check(QUANG_BINH, records, subject=SubjectKind.COLLECTIVE, field="c").results
    assert not r.passed
    assert r.explanation.startswith(f"Năm 2024 không có danh hiệu '{KDC}'")


def test_held_at_least_once_is_not_undone_by_a_lower_title_later() -> None:
    """Seed 004, II.1.2.2: "Được bình xét chiến sỹ thi đua cấp cơ sở trở lên" asks that the
    title was conferred in the period: CSTĐCS in 2023, then Lao động tiên tiến in 2024, passes."""
    rules = only(CONG_THUONG, "ca-nhan-cstd-co-so-tro-len")
    assert rules[0].check == "title_held_once"
    years = range(2023, 2025)
    once = check(
        rules, [rec(2023, "title", CSTD), rec(2024, "title", "Lao động tiên tiến")], years=years
    )
    assert once.eligible
    assert once.results[0].explanation == f"Đạt danh hiệu '{CSTD}' năm 2023"
    higher = check(rules, [rec(2024, "title", "Chiến sĩ thi đua cấp tỉnh")], years=years)
    assert higher.eligible
    never = check(
        rules, [rec(2023, "title", "Lao động tiên tiến"), rec(2024, "rating", HTT)], years=years
    )
    assert not never.eligible
    assert never.results[0].explanation == (
        f"Chưa lần nào đạt danh hiệu '{CSTD}' trong các năm 2023, 2024"
    )
    assert never.results[0].evidence == ["2023: Lao động tiên tiến", "2024: không có danh hiệu"]


def test_held_in_consecutive_years_is_broken_by_a_lower_title() -> None:
    """The other check, title_held_years, asks for the title every year up to the last one:
    the same records (CSTĐCS 2023, Lao động tiên tiến 2024) fail it."""
    rule = Rule(
        id="cstd-lien-tuc",
        subject=SubjectKind.INDIVIDUAL,
        check=RuleCheck.TITLE_HELD_YEARS,
        title=CSTD,
        years=2,
        text="liên tục 2 năm đạt danh hiệu Chiến sỹ thi đua cấp cơ sở",
    )
    records = [rec(2023, "title", CSTD), rec(2024, "title", "Lao động tiên tiến")]
    (r,) = check([rule], records, years=range(2023, 2025)).results
    assert not r.passed
    assert r.explanation.startswith(f"Năm 2024 không có danh hiệu '{CSTD}'")


# --- edges ----------------------------------------------------------------------------------


def test_no_years_to_check_fails_instead_of_passing_on_no_evidence() -> None:
    (r,) = check(KHANH_HOA, [], subject=SubjectKind.COLLECTIVE, years=range(2021, 2021)).results
    assert not r.passed
    assert r.explanation == "Chưa có năm nào trọn vẹn trong giai đoạn để xét hồ sơ"


def test_a_plan_without_rules_passes_everyone_and_says_why() -> None:
    result = check([], [])
    assert (result.eligible, result.results) == (True, [])
    assert NO_RULES in result.summary


def test_rules_for_other_subjects_only_pass_and_say_so() -> None:
    result = check(KHANH_HOA, [], subject=SubjectKind.HOUSEHOLD)
    assert (result.eligible, result.results) == (True, [])
    assert result.summary.endswith("áp dụng cho hộ gia đình")


def test_a_result_round_trips_through_json() -> None:
    (r,) = check(KHANH_HOA, every_year("title", LDXS), subject=SubjectKind.COLLECTIVE).results
    assert RuleResult.from_dict(json.loads(json.dumps(r.as_dict()))) == r


# --- properties -----------------------------------------------------------------------------

TITLES = [LDXS, "Tập thể lao động tiên tiến", "Cờ thi đua"]
spans = st.builds(
    lambda start, length: range(start, start + length),
    st.integers(2015, 2025),
    st.integers(1, 6),
)


@st.composite
def titled_years(draw: st.DrawFn) -> tuple[range, list[YearRecordIn]]:
    years = draw(spans)
    wide = range(years.start - 3, years.stop)
    records = [
        rec(y, "title", t)
        for y in wide
        for t in draw(st.lists(st.sampled_from(TITLES), max_size=2, unique=True))
    ]
    return years, records


COLLECTIVE_RULES = [
    Rule(
        id="every", subject=SubjectKind.COLLECTIVE, check="title_every_year", title=LDXS, text="t"
    ),
    Rule(
        id="held",
        subject=SubjectKind.COLLECTIVE,
        check="title_held_years",
        title=LDXS,
        years=3,
        text="t",
    ),
]


def _passes(records: Sequence[YearRecordIn], years: range) -> dict[str, bool]:
    result = check(COLLECTIVE_RULES, records, subject=SubjectKind.COLLECTIVE, years=years)
    return {r.rule_id: r.passed for r in result.results}


@given(titled_years(), st.integers(0, 8))
def test_adding_a_passing_record_never_turns_a_pass_into_a_fail(
    case: tuple[range, list[YearRecordIn]], offset: int
) -> None:
    years, records = case
    before = _passes(records, years)
    added = rec(years.start - 3 + offset, "title", LDXS)
    after = _passes([*records, added], years)
    assert all(after[rule] for rule, passed in before.items() if passed)


@given(titled_years(), st.data())
def test_removing_a_years_records_fails_title_every_year_naming_it(
    case: tuple[range, list[YearRecordIn]], data: st.DataObject
) -> None:
    years, records = case
    records = [*records, *(rec(y, "title", LDXS) for y in years)]
    assert _passes(records, years)["every"]
    gone = data.draw(st.sampled_from(list(years)))
    result = check(
        COLLECTIVE_RULES[:1],
        [r for r in records if r.year != gone],
        subject=SubjectKind.COLLECTIVE,
        years=years,
    )
    (r,) = result.results
    assert not r.passed and f"không có hồ sơ năm {gone}" in r.evidence
    assert str(gone) in r.explanation


@given(titled_years())
def test_title_every_year_names_exactly_the_years_it_lacks(
    case: tuple[range, list[YearRecordIn]],
) -> None:
    years, records = case
    lacking = {y for y in years if not any(r.year == y and r.value == LDXS for r in records)}
    (r,) = check(COLLECTIVE_RULES[:1], records, subject=SubjectKind.COLLECTIVE, years=years).results
    assert r.passed is (not lacking)
    if lacking:
        named = r.explanation.split(";")[0]
        assert {y for y in years if str(y) in named} == lacking


# --- reading records files -------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[tuple[int | None, str, str]]:
    with pytest.raises(InputErrors) as caught:
        read_records_file(path)
    for error in caught.value.errors:
        assert error.file == str(path)
    return [(e.line, e.field, e.message) for e in caught.value.errors]


def test_the_example_file_reads_cleanly() -> None:
    rows = read_records_file(EXAMPLE)
    assert len(rows) > 10 and rows[0].line == 2
    assert {r.record.kind for r in rows} == {"title", "rating", "initiative"}


def test_csv_errors_name_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.csv",
        "subject_ref,year,kind,value,note\n"
        "A,2023,title,Tập thể lao động xuất sắc,\n"
        "A,202x,title,Tập thể lao động xuất sắc,\n"
        "A,2023,huy chương,Huy chương Lao động,\n"
        "B,2023,rating,xuất sắc lắm,\n"
        ",2023,title,,\n",
    )
    found = {(line, fld) for line, fld, _ in errors_of(path)}
    assert found == {(3, "year"), (4, "kind"), (5, "value"), (6, "subject_ref"), (6, "value")}
    messages = dict(((line, fld), msg) for line, fld, msg in errors_of(path))
    assert messages[(3, "year")] == "phải là số nguyên"
    assert "huy chương" in messages[(4, "kind")] and "title (danh hiệu)" in messages[(4, "kind")]


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "subject_ref,year,value\nA,2023,Tập thể lao động xuất sắc\n")
    assert errors_of(path) == [(1, "kind", "thiếu cột")]


def test_an_unknown_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "subject_ref,year,kind,value,nam\nA,2023,title,X,1\n")
    ((line, fld, message),) = errors_of(path)
    assert (line, fld) == (1, "nam") and message.startswith("cột không rõ")


def test_a_file_not_in_utf8_names_the_line(tmp_path: Path) -> None:
    text = "subject_ref,year,kind,value\nA,2023,title,Gia dinh\nA,2024,title,Gia đình văn hóa\n"
    path = write(tmp_path, "r.csv", text.encode("cp1258", errors="replace").replace(b"?", b"\xff"))
    ((line, _, message),) = errors_of(path)
    assert line == 3 and "UTF-8" in message


def test_two_different_ratings_in_one_year_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.csv",
        f"subject_ref,year,kind,value\nA,2023,rating,{HTXS}\nA,2023,rating,{HTT}\n",
    )
    ((line, fld, message),) = errors_of(path)
    assert (line, fld) == (3, "value") and "dòng 2" in message


def test_yaml_errors_name_the_line_of_the_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.yaml",
        "- {subject_ref: A, year: 2023, kind: title, value: Gia đình văn hóa}\n"
        "- subject_ref: A\n"
        "  year: năm ngoái\n"
        "  kind: xếp loại\n"
        "  value: hoàn thành tốt nhiệm vụ\n"
        "- subject_ref: A\n"
        "  year: 2024\n"
        "  kind: title\n",
    )
    assert {(line, fld) for line, fld, _ in errors_of(path)} == {(3, "year"), (6, "value")}


def test_yaml_accepts_vietnamese_kinds(tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.yaml", "- {subject_ref: A, year: 2023, kind: Xếp loại, value: HTXSNV}\n"
    )
    (row,) = read_records_file(path)
    assert (row.record.kind, row.line) == ("rating", 1)


# --- the database --------------------------------------------------------------------------


@pytest.fixture
def db(engine: Engine) -> Engine:
    """The migrated schema, plus these tables if their migration is not there yet."""
    Base.metadata.create_all(engine, checkfirst=True)
    return engine


def count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_bad_file_writes_nothing(db: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.csv",
        "subject_ref,year,kind,value\nA,2023,title,Gia đình văn hóa\nA,20x3,title,X\n",
    )
    with pytest.raises(InputErrors), unit_of_work(db) as session:
        import_records_file(session, path, at=AT, actor="test")
    with unit_of_work(db) as session:
        assert count(session, YearRecord) == 0


def test_reimporting_adds_nothing_and_a_new_rating_replaces_the_old(
    db: Engine, tmp_path: Path
) -> None:
    with unit_of_work(db) as session:
        assert import_records_file(session, EXAMPLE, at=AT, actor="test") == 23
    with unit_of_work(db) as session:
        assert import_records_file(session, EXAMPLE, at=AT, actor="test") == 0
        assert count(session, YearRecord) == 23
    fix = write(
        tmp_path, "fix.csv", f"subject_ref,year,kind,value\nCN.QB.LDLD.0001,2023,rating,{HTXS}\n"
    )
    with unit_of_work(db) as session:
        assert import_records_file(session, fix, at=AT, actor="test") == 1
    with unit_of_work(db) as session:
        ratings = session.scalars(
            select(YearRecord.value).where(
                YearRecord.subject_ref == "CN.QB.LDLD.0001",
                YearRecord.year == 2023,
                YearRecord.kind == "rating",
            )
        ).all()
        assert ratings == [HTXS]
        actions = session.scalars(select(AuditEntry.action)).all()
        assert actions.count("records.import") == 3


RECORDS = f"""subject_ref,year,kind,value,note
R.A,2021,title,{LDXS},
R.A,2022,title,{LDXS},
R.A,2023,title,{LDXS},
R.A,2024,title,{LDXS},
R.B,2021,title,{LDXS},
R.B,2022,title,{LDXS},
R.B,2023,title,{LDXS},
R.B,2024,title,Tập thể lao động tiên tiến,
"""


def _individual(ref: str, rating: str, *, breach_year: int | None = None) -> str:
    lines = [f"{ref},{y},rating,{rating},\n{ref},{y},title,{CSTD},\n" for y in PERIOD]
    if breach_year:
        lines.append(f"{ref},{breach_year},breach,Em trai vi phạm luật giao thông,\n")
    return "".join(lines)


@pytest.fixture
def campaign(db: Engine, tmp_path: Path) -> Iterator[dict[str, int]]:
    """The rules plan with six candidates: two units, three of their people, one registered only."""
    path = write(
        tmp_path,
        "records.csv",
        RECORDS
        + _individual("CN-AN", HTXS)
        + _individual("CN-BINH", HTT)
        + _individual("CN-CUONG", HTT, breach_year=2023)
        + _individual("CN-DUNG", HTXS),
    )
    with unit_of_work(db) as session:
        load_plan_file(session, RULES_PLAN, default_calendar(), at=AT, actor="test")
        import_records_file(session, path, at=AT, actor="test")
        found = session.scalar(select(Campaign).where(Campaign.slug == "rules-2021-2025"))
        assert found is not None
        units = {u.code: u for u in session.scalars(select(Unit))}
        ids = _register_all(session, found, units)
    yield ids


def _register_all(session: Session, campaign: Campaign, units: dict[str, Unit]) -> dict[str, int]:
    people: list[tuple[str, SubjectKind, str, dict[str, Any]]] = [
        # the leader first: the run must still judge Sở A before him
        (
            "Nguyễn Văn An",
            SubjectKind.INDIVIDUAL,
            "CN-AN",
            {"party_member": True, "leads_unit": units["R.A"]},
        ),
        ("Sở A", SubjectKind.COLLECTIVE, "R.A", {"subject_unit": units["R.A"]}),
        ("Sở B", SubjectKind.COLLECTIVE, "R.B", {"subject_unit": units["R.B"]}),
        ("Trần Thị Bình", SubjectKind.INDIVIDUAL, "CN-BINH", {"leads_unit": units["R.B"]}),
        ("Lê Văn Cường", SubjectKind.INDIVIDUAL, "CN-CUONG", {"party_member": True}),
        ("Phạm Thị Dung", SubjectKind.INDIVIDUAL, "CN-DUNG", {"leads_unit": units["R.SNV"]}),
    ]
    ids = {}
    for name, subject, ref, extra in people:
        candidate = register(
            session,
            campaign,
            unit=units["R.A"],
            subject=subject,
            name=name,
            subject_ref=ref,
            year=2023,
            at=AT,
            actor="test",
            **extra,
        )
        move(session, candidate, CandidateStage.FOSTERING, at=AT, actor="test")
        ids[ref] = candidate.id
    waiting = register(
        session,
        campaign,
        unit=units["R.B"],
        subject=SubjectKind.INDIVIDUAL,
        name="Võ Văn Em",
        subject_ref="CN-EM",
        year=2024,
        at=AT,
        actor="test",
    )
    ids["CN-EM"] = waiting.id
    return ids


def _run(db: Engine, year: int = 2025, candidate_id: int | None = None) -> dict[str, Eligibility]:
    with unit_of_work(db) as session:
        found = session.scalar(select(Campaign).where(Campaign.slug == "rules-2021-2025"))
        assert found is not None
        checked = check_candidates(
            session, found, as_of_year=year, at=AT, actor="test", candidate_id=candidate_id
        )
        return {c.subject_ref: result for c, result in checked}


def _stages(db: Engine) -> dict[str, CandidateStage]:
    with unit_of_work(db) as session:
        return {c.subject_ref: c.stage for c in session.scalars(select(Candidate))}


WHOLE_REVIEW = {
    "R.A": CandidateStage.ELIGIBLE,
    "R.B": CandidateStage.INELIGIBLE,
    "CN-AN": CandidateStage.ELIGIBLE,  # his unit was judged first, in the same run
    "CN-BINH": CandidateStage.INELIGIBLE,  # Sở B is not an exemplar
    "CN-CUONG": CandidateStage.INELIGIBLE,  # party member rated only "tốt"; a breach
    "CN-DUNG": CandidateStage.INELIGIBLE,  # Sở Nội vụ has no candidate: unknown
    "CN-EM": CandidateStage.REGISTERED,  # not being fostered: not checked
}


def test_a_review_in_partitions_judges_as_the_whole_review(
    db: Engine, campaign: dict[str, int]
) -> None:
    """Three partitions of the candidates, each round in reverse order (tasks.partitions:
    those who lead no unit, then the leaders): the verdicts of one whole review (below), each
    candidate judged once."""
    judged: dict[str, bool] = {}
    for leaders in (False, True):
        for index in reversed(range(3)):
            with unit_of_work(db) as session:
                found = session.scalar(select(Campaign).where(Campaign.slug == "rules-2021-2025"))
                assert found is not None
                for c, result in check_candidates(
                    session,
                    found,
                    as_of_year=2025,
                    at=AT,
                    actor="test",
                    partition=Partition(index, 3),
                    leaders=leaders,
                ):
                    assert c.subject_ref not in judged
                    judged[c.subject_ref] = result.eligible
    assert _stages(db) == WHOLE_REVIEW
    assert judged == {
        ref: s == CandidateStage.ELIGIBLE for ref, s in WHOLE_REVIEW.items() if ref != "CN-EM"
    }
    assert judged["CN-AN"]  # his unit was judged in the first round
    with unit_of_work(db) as session:
        assert session.scalar(select(func.count()).select_from(EligibilityCheck)) == len(judged)


def test_check_candidates_moves_each_one_and_keeps_the_evidence(
    db: Engine, campaign: dict[str, int]
) -> None:
    results = _run(db)
    assert _stages(db) == WHOLE_REVIEW
    assert "CN-EM" not in results
    binh = by_id(results["CN-BINH"])["lanh-dao-don-vi-dien-hinh"]
    assert binh.evidence == ["Sở B (R.B): 'Sở B' — Chưa đủ tiêu chuẩn"]
    cuong = results["CN-CUONG"]
    assert [r.rule_id for r in cuong.results if not r.passed] == [
        "dang-vien-htxs-hang-nam",
        "gia-dinh-khong-vi-pham-phap-luat",
    ]
    dung = by_id(results["CN-DUNG"])["lanh-dao-don-vi-dien-hinh"]
    assert dung.explanation.startswith("Không rõ")
    assert dung.evidence == [
        "Sở Nội vụ (R.SNV): chưa đăng ký xây dựng điển hình trong kế hoạch này"
    ]
    with unit_of_work(db) as session:
        stored = session.scalars(
            select(EligibilityCheck).where(EligibilityCheck.candidate_id == campaign["R.B"])
        ).one()
        assert (stored.eligible, stored.as_of_year) == (False, 2025)
        assert stored.results[0]["explanation"] == f"Thiếu danh hiệu '{LDXS}' năm 2024"
        assert stored.summary.startswith("Chưa đủ tiêu chuẩn")
        reasons = session.scalars(
            select(AuditEntry.reason).where(
                AuditEntry.entity_id == campaign["R.B"], AuditEntry.action == "candidate.ineligible"
            )
        ).all()
        assert reasons == [
            "Chưa đủ tiêu chuẩn: không đạt 1/1 tiêu chí (tap-the-ldxs-moi-nam) "
            "(xét các năm 2021-2024)"
        ]


def test_new_records_move_ineligible_to_eligible_and_a_rerun_changes_no_stage(
    db: Engine, campaign: dict[str, int], tmp_path: Path
) -> None:
    _run(db)
    fix = write(tmp_path, "fix.csv", f"subject_ref,year,kind,value\nR.B,2024,title,{LDXS}\n")
    with unit_of_work(db) as session:
        import_records_file(session, fix, at=AT, actor="test")
    _run(db)
    stages = _stages(db)
    assert (stages["R.B"], stages["CN-BINH"]) == (CandidateStage.ELIGIBLE, CandidateStage.ELIGIBLE)
    _run(db)
    with unit_of_work(db) as session:
        moves = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity_id == campaign["R.B"],
                AuditEntry.action.like("candidate.%eligible"),
            )
        ).all()
        assert moves == ["candidate.ineligible", "candidate.eligible"]
        assert count(session, EligibilityCheck) == 3 * 6


def test_one_candidate_can_be_checked_alone(db: Engine, campaign: dict[str, int]) -> None:
    results = _run(db, candidate_id=campaign["R.A"])
    assert list(results) == ["R.A"]
    assert _stages(db)["R.B"] == CandidateStage.FOSTERING


def test_the_years_checked_are_the_complete_years_of_the_period(
    db: Engine, campaign: dict[str, int]
) -> None:
    with unit_of_work(db) as session:
        found = session.scalar(select(Campaign).where(Campaign.slug == "rules-2021-2025"))
        assert found is not None
        assert evaluation_years(found, 2023) == range(2021, 2023)
        assert evaluation_years(found, 2030) == range(2021, 2026)
        with pytest.raises(InputErrors):
            evaluation_years(found, 2021)


def test_a_plan_without_rules_makes_everyone_eligible(db: Engine) -> None:
    with unit_of_work(db) as session:
        load_plan_file(session, SMALL_PLAN, default_calendar(), at=AT, actor="test")
        found = session.scalar(select(Campaign).where(Campaign.slug == "small-2023-2024"))
        unit = session.scalar(select(Unit).where(Unit.code == "T.A"))
        assert found is not None and unit is not None
        candidate = register(
            session,
            found,
            unit=unit,
            subject=SubjectKind.INDIVIDUAL,
            name="Hồ Thị Giang",
            subject_ref="CN-GIANG",
            year=2023,
            at=AT,
            actor="test",
        )
        move(session, candidate, CandidateStage.FOSTERING, at=AT, actor="test")
        ((checked, result),) = check_candidates(
            session, found, as_of_year=2025, at=AT, actor="test"
        )
        assert checked.stage == CandidateStage.ELIGIBLE
        assert (result.eligible, result.results) == (True, [])
        assert NO_RULES in result.summary


# --- the commands ------------------------------------------------------------------------


def test_the_commands_import_and_explain(data_dir: Path, tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from deployments.cli.eligibility import eligibility, records_import
    from models.db import engine_for

    Base.metadata.create_all(engine_for(), checkfirst=True)
    with unit_of_work() as session:
        load_plan_file(session, RULES_PLAN, default_calendar(), at=AT, actor="test")
        found = session.scalar(select(Campaign).where(Campaign.slug == "rules-2021-2025"))
        unit = session.scalar(select(Unit).where(Unit.code == "R.B"))
        assert found is not None and unit is not None
        candidate = register(
            session,
            found,
            unit=unit,
            subject=SubjectKind.COLLECTIVE,
            name="Sở B",
            subject_ref="R.B",
            year=2023,
            at=AT,
            actor="test",
            subject_unit=unit,
        )
        move(session, candidate, CandidateStage.FOSTERING, at=AT, actor="test")
    app = typer.Typer()
    app.command("import")(records_import)
    app.command("eligibility")(eligibility)
    runner = CliRunner()
    path = write(tmp_path, "records.csv", RECORDS)
    run = runner.invoke(app, ["import", str(path)])
    assert run.exit_code == 0, run.output
    assert "8 hồ sơ mới" in " ".join(run.output.split())
    run = runner.invoke(app, ["eligibility", "rules-2021-2025", "--year", "2025", "--json"])
    assert run.exit_code == 0, run.output
    out = json.loads(run.output)
    assert out["years"] == [2021, 2022, 2023, 2024]
    (view,) = out["candidates"]
    assert (view["name"], view["eligible"], view["stage"]) == ("Sở B", False, "Chưa đủ tiêu chuẩn")
    assert view["results"][0]["explanation"] == f"Thiếu danh hiệu '{LDXS}' năm 2024"
    run = runner.invoke(
        app, ["eligibility", "rules-2021-2025", "--year", "2025"], env={"COLUMNS": "200"}
    )
    assert run.exit_code == 0, run.output
    assert "✗" in run.output and "2024: Tập thể lao động tiên tiến" in run.output
