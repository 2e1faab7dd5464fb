"""Issue 19, items 1 and 4: each field's candidates judged by their own criteria, ratings by
kind, the current legal names of a title, and how often a title is conferred.

Every test quotes the seed sentence it checks. The seeds are the plans in /work/shared/seeds:
003 is Quảng Bình's Kế hoạch 1837/KH-UBND, 004 the Đảng ủy Sở Công Thương's 185-KH/ĐU.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.db import make_engine, migrate, unit_of_work
from models.eligibility import Eligibility, RecordKind, YearRecordIn, evaluate, meets_title
from models.lifecycle import CandidateStage
from models.orm import Campaign, Candidate, Unit
from models.orm.base import Base
from models.orm.records import YearRecord
from models.plan import Plan, Rule, reference_errors
from models.plan_files import read_plan
from models.services.candidates import move, register
from models.services.eligibility import check_candidates, import_records_file, read_records_file
from models.services.plans import load_plan_file
from models.source import InputErrors
from models.vocabulary import RatingKind, RuleCheck, SubjectKind
from tests.conftest import QB_PLAN, ROOT, Backend

QUANG_BINH = read_plan(QB_PLAN)
CONG_THUONG = read_plan(ROOT / "plans" / "cong-thuong-party-2023-2025.yaml")
PERIOD = range(2021, 2025)  # evaluating in 2025: the complete years 2021-2024
AT = dt.datetime(2025, 1, 15, 9, 0, tzinfo=TIMEZONE)
LDXS = "Tập thể lao động xuất sắc"
KDC = "Khu dân cư văn hóa"
GDVH = "Gia đình văn hóa"
HTXS, HTT = "hoàn thành xuất sắc nhiệm vụ", "hoàn thành tốt nhiệm vụ"
CSTD = "Chiến sỹ thi đua cấp cơ sở"


def rec(
    year: int, kind: RecordKind, value: str, rating_kind: RatingKind | None = None
) -> YearRecordIn:
    return YearRecordIn("X", year, kind, value, None, rating_kind)


def judge(
    rules: Sequence[Rule],
    records: Sequence[YearRecordIn],
    *,
    subject: SubjectKind,
    field: str | None,
    party_member: bool = False,
    years: range = PERIOD,
) -> Eligibility:
    return evaluate(
        rules,
        subject=subject,
        party_member=party_member,
        is_leader=False,
        led_unit_is_exemplar=None,
        records=records,
        years=years,
        field=field,
    )


# --- 1. criteria per field (seed 003, II.3.2) ----------------------------------------------


def test_the_quang_binh_rules_name_their_fields() -> None:
    """Seed 003, II.3.2.a: "hàng năm gia đình phải đạt danh hiệu “Gia đình văn hóa”";
    II.3.2.c: "được công nhận và giữ vững danh hiệu “Khu dân cư văn hóa” ít nhất 5 năm"."""
    fields = {r.id: r.fields for r in QUANG_BINH.rules}
    assert fields == {"household-cultural-family": ["a"], "cultural-area-five-years": ["c"]}
    assert reference_errors(QUANG_BINH) == []


def test_a_hospital_is_not_judged_by_the_residential_areas_criterion() -> None:
    """Seed 003, II.3.2.c: "Là thôn, bản, tổ dân phố (gọi chung là khu dân cư) được công nhận
    và giữ vững danh hiệu “Khu dân cư văn hóa” ít nhất 5 năm" — a criterion of field c only.
    A hospital of field i (y tế) with "Tập thể lao động xuất sắc" 2021-2024 is not rejected for
    lacking it."""
    hospital = [rec(y, "title", LDXS) for y in PERIOD]
    result = judge(QUANG_BINH.rules, hospital, subject=SubjectKind.COLLECTIVE, field="i")
    assert result.eligible and result.results == []
    assert result.summary == (
        "Đủ tiêu chuẩn: không có tiêu chí kiểm tra được nào áp dụng cho tập thể lĩnh vực i"
    )


def test_a_residential_area_is_judged_by_the_five_year_rule() -> None:
    """Seed 003, II.3.2.c: "được công nhận và giữ vững danh hiệu “Khu dân cư văn hóa” ít nhất
    5 năm": a tổ dân phố of field c with the title 2020-2024 passes, one with it since 2022
    does not."""
    kept = [rec(y, "title", KDC) for y in range(2020, 2025)]
    passed = judge(QUANG_BINH.rules, kept, subject=SubjectKind.COLLECTIVE, field="c")
    assert [(r.rule_id, r.passed) for r in passed.results] == [("cultural-area-five-years", True)]
    recent = [rec(2021, "title", "Khu dân cư tiên tiến")] + [
        rec(y, "title", KDC) for y in (2022, 2023, 2024)
    ]
    failed = judge(QUANG_BINH.rules, recent, subject=SubjectKind.COLLECTIVE, field="c")
    assert not failed.eligible
    assert failed.results[0].explanation == (
        f"Mới giữ danh hiệu '{KDC}' 3 năm liên tục (2022-2024), cần ít nhất 5 năm"
    )


def test_a_household_is_judged_by_gia_dinh_van_hoa_only_in_field_a() -> None:
    """Seed 003, II.3.2.a: "hàng năm gia đình phải đạt danh hiệu “Gia đình văn hóa”" — the
    household economy field; a household of field d (nông thôn mới), which the plan admits
    for its "cách làm hay, sáng kiến", is not judged by it."""
    every_year = [rec(y, "title", GDVH) for y in PERIOD]
    a = judge(QUANG_BINH.rules, every_year, subject=SubjectKind.HOUSEHOLD, field="a")
    assert [(r.rule_id, r.passed) for r in a.results] == [("household-cultural-family", True)]
    gap = [rec(y, "title", GDVH) for y in (2021, 2022, 2024)] + [
        rec(2023, "initiative", "Mô hình nuôi cá lồng")
    ]
    a_gap = judge(QUANG_BINH.rules, gap, subject=SubjectKind.HOUSEHOLD, field="a")
    assert not a_gap.eligible
    assert a_gap.results[0].explanation == f"Thiếu danh hiệu '{GDVH}' năm 2023"
    d = judge(QUANG_BINH.rules, gap, subject=SubjectKind.HOUSEHOLD, field="d")
    assert d.eligible and d.results == []


def test_a_rule_without_fields_applies_to_every_field() -> None:
    """Seed 004, II.1.2.2: "Hàng năm hoàn thành tốt nhiệm vụ trở lên" — the party committee's
    plan has one field and its rules name none: they apply whatever the field."""
    assert all(r.fields is None for r in CONG_THUONG.rules)
    records = [rec(y, "rating", HTT) for y in (2023, 2024)] + [rec(2023, "title", CSTD)]
    for field in ("hcm", None):
        result = judge(
            CONG_THUONG.rules,
            records,
            subject=SubjectKind.INDIVIDUAL,
            field=field,
            years=range(2023, 2025),
        )
        assert "ca-nhan-htt-hang-nam" in {r.rule_id for r in result.results}


def test_a_rule_for_an_unknown_field_is_refused() -> None:
    """A field code the plan does not define is a typo, named where it stands."""
    data = QUANG_BINH.model_dump(mode="json", by_alias=True)
    data["rules"][0]["fields"] = ["z"]
    errors = reference_errors(Plan.model_validate(data))
    assert errors == [
        (("rules", 0, "fields", 0), "tiêu chí cho lĩnh vực 'z' chưa được định nghĩa trong fields")
    ]


# --- 4. titles: their current legal names, and how often they are conferred ---------------


@pytest.mark.parametrize(
    "name",
    [
        "Tổ dân phố văn hóa",
        "Thôn văn hóa",
        "Thôn, tổ dân phố văn hóa",
        "Làng văn hoá",
        "Bản văn hóa",
        "Ấp văn hóa",
    ],
)
def test_a_renamed_title_does_not_break_a_five_year_run(name: str) -> None:
    """Seed 003, II.3.2.c: "Là thôn, bản, tổ dân phố (gọi chung là khu dân cư) được công nhận
    và giữ vững danh hiệu “Khu dân cư văn hóa” ít nhất 5 năm". Luật Thi đua, khen thưởng 2022
    names the title "Thôn, tổ dân phố văn hóa"; a 2024 record under that name (or the older
    Thôn, Làng, Bản, Ấp, Tổ dân phố văn hóa) continues the run."""
    records = [rec(y, "title", KDC) for y in range(2020, 2024)] + [rec(2024, "title", name)]
    result = judge(QUANG_BINH.rules, records, subject=SubjectKind.COLLECTIVE, field="c")
    assert result.eligible
    assert result.results[0].explanation == (
        f"Giữ danh hiệu '{KDC}' 5 năm liên tục (2020-2024), yêu cầu ít nhất 5 năm"
    )
    assert result.results[0].evidence[-1] == f"2024: {name}"


def test_other_titles_are_not_aliases() -> None:
    assert not meets_title("Khu dân cư tiên tiến", KDC)
    assert not meets_title("Gia đình văn hóa", KDC)
    assert not meets_title("Xã văn hóa", KDC)


def _every(years: int) -> Rule:
    return QUANG_BINH.rules[1].model_copy(update={"every_years": years})


def test_a_title_conferred_every_two_years_covers_the_next_year() -> None:
    """Seed 003, II.3.2.c: "giữ vững danh hiệu “Khu dân cư văn hóa” ít nhất 5 năm". Where the
    title is conferred every 2 years (every_years: 2, the coordinator's setting), the 2018,
    2020, 2022 and 2024 decisions keep it 2018-2024; read yearly, the same records keep it
    only in 2024."""
    records = [rec(y, "title", "Thôn văn hóa") for y in (2018, 2020, 2022, 2024)]
    (two,) = judge([_every(2)], records, subject=SubjectKind.COLLECTIVE, field="c").results
    assert two.passed
    assert two.explanation == (
        f"Giữ danh hiệu '{KDC}' 7 năm liên tục (2018-2024), yêu cầu ít nhất 5 năm"
    )
    assert "2023: Thôn văn hóa (công nhận năm 2022, xét tặng 2 năm một lần)" in two.evidence
    (one,) = judge([_every(1)], records, subject=SubjectKind.COLLECTIVE, field="c").results
    assert not one.passed
    assert one.explanation.startswith(f"Mới giữ danh hiệu '{KDC}' 1 năm liên tục (2024)")


def test_the_default_interval_is_yearly_as_the_law_in_force_confers_it() -> None:
    """Luật Thi đua, khen thưởng 2022, Điều 30: "Thôn, tổ dân phố văn hóa" is conferred
    yearly; the Quảng Bình rule says so explicitly and a plain rule defaults to it."""
    assert QUANG_BINH.rules[1].every_years == 1
    plain = Rule.model_validate(
        {
            "id": "x",
            "subject": "collective",
            "check": "title_held_years",
            "title": KDC,
            "years": 5,
            "text": "x",
        }
    )
    assert plain.every_years == 1


def test_a_gap_longer_than_the_interval_breaks_the_run() -> None:
    """Every 2 years: a decision in 2020 covers 2021, nothing covers 2022."""
    records = [rec(y, "title", KDC) for y in (2018, 2020, 2023, 2024)]
    (r,) = judge([_every(2)], records, subject=SubjectKind.COLLECTIVE, field="c").results
    assert not r.passed
    assert r.explanation.startswith(f"Mới giữ danh hiệu '{KDC}' 2 năm liên tục (2023-2024)")
    assert r.evidence[0] == "không có hồ sơ năm 2022"


# --- 4. ratings by kind (seed 004, II.1.2.2) ----------------------------------------------


def _judge_party_member(*, civil: str, party: str) -> Eligibility:
    """A party member of seed 004 rated `civil` as a civil servant and `party` by the party,
    2023 and 2024, with "Chiến sỹ thi đua cấp cơ sở" in 2023."""
    years = range(2023, 2025)
    records = [
        *[rec(y, "rating", civil, RatingKind.CIVIL_SERVICE) for y in years],
        *[rec(y, "rating", party, RatingKind.PARTY) for y in years],
        rec(2023, "title", CSTD),
    ]
    return judge(
        CONG_THUONG.rules,
        records,
        subject=SubjectKind.INDIVIDUAL,
        field="hcm",
        party_member=True,
        years=years,
    )


def test_a_party_members_two_ratings_are_checked_each_by_its_own_rule() -> None:
    """Seed 004, II.1.2.2: "Hàng năm hoàn thành tốt nhiệm vụ trở lên (là đảng viên phải được
    công nhận hoàn thành xuất sắc nhiệm vụ)": "hoàn thành tốt" as a civil servant and
    "hoàn thành xuất sắc" as a party member passes; one rating no longer hides the other."""
    result = _judge_party_member(civil=HTT, party=HTXS)
    assert result.eligible, result.summary
    by_id = {r.rule_id: r for r in result.results}
    assert by_id["dang-vien-htxs-hang-nam"].evidence == [
        f"2023: {HTXS} [đảng viên]",
        f"2024: {HTXS} [đảng viên]",
    ]
    assert by_id["ca-nhan-htt-hang-nam"].evidence == [
        f"2023: {HTT} [công chức]",
        f"2024: {HTT} [công chức]",
    ]


def test_an_excellent_civil_service_rating_does_not_stand_for_the_party_one() -> None:
    """Seed 004, II.1.2.2: "là đảng viên phải được công nhận hoàn thành xuất sắc nhiệm vụ" is
    the party's rating of the member: "hoàn thành xuất sắc" as a civil servant with only
    "hoàn thành tốt" as a party member fails, and says whose rating fell short."""
    result = _judge_party_member(civil=HTXS, party=HTT)
    failed = [r for r in result.results if not r.passed]
    assert [r.rule_id for r in failed] == ["dang-vien-htxs-hang-nam"]
    assert failed[0].explanation == (f"Xếp loại đảng viên dưới mức '{HTXS}' các năm 2023, 2024")


def test_rating_kind_belongs_to_rating_rules_only() -> None:
    with pytest.raises(ValueError, match="rating_kind chỉ dùng"):
        Rule(
            id="x",
            subject=SubjectKind.INDIVIDUAL,
            check=RuleCheck.TITLE_EVERY_YEAR,
            title=CSTD,
            rating_kind=RatingKind.PARTY,
            text="x",
        )


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_a_file_may_give_each_rating_its_kind_in_english_or_vietnamese(tmp_path: Path) -> None:
    """The rating_kind column is optional; a rating without one is the agency's (civil
    service) rating, the one every office keeps."""
    path = write(
        tmp_path,
        "r.csv",
        "subject_ref,year,kind,value,note,rating_kind\n"
        f"CN-AN,2023,rating,{HTT},,\n"
        f"CN-AN,2023,rating,{HTXS},,đảng viên\n"
        f"CN-AN,2024,xếp loại,{HTXS},,party\n"
        f"CN-AN,2024,title,{CSTD},,\n",
    )
    kinds = [(r.record.year, r.record.rating_kind) for r in read_records_file(path)]
    assert kinds == [
        (2023, RatingKind.CIVIL_SERVICE),
        (2023, RatingKind.PARTY),
        (2024, RatingKind.PARTY),
        (2024, None),
    ]


def test_two_ratings_of_one_kind_in_a_year_are_refused_two_kinds_are_not(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "r.csv",
        "subject_ref,year,kind,value,rating_kind\n"
        f"CN-AN,2023,rating,{HTXS},party\n"
        f"CN-AN,2023,rating,{HTT},party\n",
    )
    with pytest.raises(InputErrors) as caught:
        read_records_file(path)
    assert "đã có xếp loại đảng viên, tổ chức đảng" in str(caught.value)
    bad_kind = write(
        tmp_path, "k.csv", f"subject_ref,year,kind,value,rating_kind\nA,2023,title,{CSTD},party\n"
    )
    with pytest.raises(InputErrors, match="rating_kind chỉ dùng cho hồ sơ xếp loại"):
        read_records_file(bad_kind)
    unknown = write(
        tmp_path, "u.csv", f"subject_ref,year,kind,value,rating_kind\nA,2023,rating,{HTT},hội\n"
    )
    with pytest.raises(InputErrors, match="loại xếp loại 'hội' không hợp lệ"):
        read_records_file(unknown)


@pytest.fixture
def db(engine: Engine) -> Engine:
    Base.metadata.create_all(engine, checkfirst=True)
    return engine


def test_importing_keeps_both_ratings_and_a_correction_replaces_only_its_kind(
    db: Engine, tmp_path: Path
) -> None:
    """Seed 004, II.1.2.2: "(là đảng viên phải được công nhận hoàn thành xuất sắc nhiệm vụ)":
    the party rating is a record of its own, beside the civil-service one."""
    first = write(
        tmp_path,
        "a.csv",
        "subject_ref,year,kind,value,rating_kind\n"
        f"CN-AN,2023,rating,{HTXS},civil_service\nCN-AN,2023,rating,{HTXS},party\n",
    )
    with unit_of_work(db) as session:
        assert import_records_file(session, first, at=AT, actor="test") == 2
    with unit_of_work(db) as session:
        assert import_records_file(session, first, at=AT, actor="test") == 0
    fix = write(
        tmp_path,
        "b.csv",
        f"subject_ref,year,kind,value,rating_kind\nCN-AN,2023,rating,{HTT},party\n",
    )
    with unit_of_work(db) as session:
        assert import_records_file(session, fix, at=AT, actor="test") == 1
    with unit_of_work(db) as session:
        rows = session.execute(
            select(YearRecord.rating_kind, YearRecord.value).order_by(YearRecord.rating_kind)
        ).all()
        assert [tuple(r) for r in rows] == [("civil_service", HTXS), ("party", HTT)]


# --- end to end: a Quảng Bình campaign with candidates of three fields ----------------------

QB_RECORDS = (
    "subject_ref,year,kind,value,note\n"
    + "".join(f"QB.BV.DAKHOA,{y},title,{LDXS},Bệnh viện Đa khoa tỉnh\n" for y in PERIOD)
    + "".join(f"QB.DH.HAITHANH.TDP3,{y},title,{KDC},\n" for y in range(2020, 2024))
    + "QB.DH.HAITHANH.TDP3,2024,title,Tổ dân phố văn hóa,QĐ của UBND phường Hải Thành\n"
    + "".join(f"QB.BD.QUANGTHO.TDP2,{y},title,{KDC},\n" for y in (2022, 2023, 2024))
    + "QB.BD.QUANGTHO.TDP2,2021,title,Khu dân cư tiên tiến,\n"
    + "".join(f"HGD.QB.DH.0001,{y},title,{GDVH},\n" for y in PERIOD)
    + "".join(f"HGD.QB.DH.0002,{y},title,{GDVH},\n" for y in (2021, 2022, 2024))
    + "HGD.QB.DH.0002,2023,initiative,Mô hình nuôi cá lồng,\n"
)

QB_CANDIDATES = [
    ("Bệnh viện Đa khoa tỉnh", SubjectKind.COLLECTIVE, "QB.BV.DAKHOA", "i", "QB.SYT"),
    (
        "Tổ dân phố 3 phường Hải Thành",
        SubjectKind.COLLECTIVE,
        "QB.DH.HAITHANH.TDP3",
        "c",
        "QB.SVHTT",
    ),
    (
        "Tổ dân phố 2 phường Quảng Thọ",
        SubjectKind.COLLECTIVE,
        "QB.BD.QUANGTHO.TDP2",
        "c",
        "QB.SVHTT",
    ),
    ("Hộ ông Nguyễn Văn Hải", SubjectKind.HOUSEHOLD, "HGD.QB.DH.0001", "a", "QB.SLDTBXH"),
    ("Hộ bà Trần Thị Lan", SubjectKind.HOUSEHOLD, "HGD.QB.DH.0002", "a", "QB.SLDTBXH"),
    (
        "Hộ bà Trần Thị Lan (nông thôn mới)",
        SubjectKind.HOUSEHOLD,
        "HGD.QB.DH.0002",
        "d",
        "QB.SNNPTNT",
    ),
]


@pytest.fixture
def quang_binh(db: Engine, tmp_path: Path) -> Iterator[Engine]:
    records = write(tmp_path, "qb.csv", QB_RECORDS)
    with unit_of_work(db) as session:
        load_plan_file(session, QB_PLAN, default_calendar(), at=AT, actor="test")
        import_records_file(session, records, at=AT, actor="test")
        campaign = _campaign(session)
        units = {u.code: u for u in session.scalars(select(Unit))}
        for name, subject, ref, field, unit in QB_CANDIDATES:
            candidate = register(
                session,
                campaign,
                unit=units[unit],
                subject=subject,
                name=name,
                subject_ref=ref,
                year=2022,
                at=AT,
                actor="test",
                field_code=field,
            )
            move(session, candidate, CandidateStage.FOSTERING, at=AT, actor="test")
    yield db


def _campaign(session: Session) -> Campaign:
    found = session.scalar(select(Campaign).where(Campaign.slug == QUANG_BINH.id))
    assert found is not None
    return found


def test_each_fields_candidates_are_judged_by_their_own_criteria(quang_binh: Engine) -> None:
    """Seed 003, II.3.2.a "hàng năm gia đình phải đạt danh hiệu “Gia đình văn hóa”" and
    II.3.2.c "được công nhận và giữ vững danh hiệu “Khu dân cư văn hóa” ít nhất 5 năm", each
    for its own field: the hospital (i) is eligible with no cultural-area record, the tổ dân
    phố kept 2020-2024 (the 2024 decision under the law's name "Tổ dân phố văn hóa") is
    eligible, the one kept 3 years is not; the household lacking 2023 is not eligible in field
    a and is in field d."""
    with unit_of_work(quang_binh) as session:
        checked = check_candidates(session, _campaign(session), as_of_year=2025, at=AT, actor="t")
        verdicts = {c.name: (c.stage, [r.rule_id for r in result.results]) for c, result in checked}
    eligible, ineligible = CandidateStage.ELIGIBLE, CandidateStage.INELIGIBLE
    assert verdicts == {
        "Bệnh viện Đa khoa tỉnh": (eligible, []),
        "Tổ dân phố 3 phường Hải Thành": (eligible, ["cultural-area-five-years"]),
        "Tổ dân phố 2 phường Quảng Thọ": (ineligible, ["cultural-area-five-years"]),
        "Hộ ông Nguyễn Văn Hải": (eligible, ["household-cultural-family"]),
        "Hộ bà Trần Thị Lan": (ineligible, ["household-cultural-family"]),
        "Hộ bà Trần Thị Lan (nông thôn mới)": (eligible, []),
    }
    with unit_of_work(quang_binh) as session:
        assert {c.field.code for c in session.scalars(select(Candidate)) if c.field} == {
            "i",
            "c",
            "a",
            "d",
        }


# --- the migration: ratings stored before kinds existed ------------------------------------


def test_ratings_stored_before_kinds_become_civil_service_and_downgrade_back(
    tmp_path: Path, backend: Backend
) -> None:
    """0015 gives every stored rating the civil-service kind (the agency's rating every office
    kept), '' to other records; downgrading keeps one record per subject, year, kind and
    value."""
    engine = make_engine(backend.create(tmp_path / "m"))
    insert = text(
        "INSERT INTO year_records (subject_ref, year, kind, value, source, imported_at) "
        "VALUES (:ref, 2023, :kind, :value, 'old.csv', :at)"
    )
    try:
        migrate(engine, "0014")
        with engine.begin() as connection:
            connection.execute(insert, {"ref": "CN-AN", "kind": "rating", "value": HTXS, "at": AT})
            connection.execute(insert, {"ref": "CN-AN", "kind": "title", "value": CSTD, "at": AT})
        migrate(engine, "0015")
        with engine.begin() as connection:
            rows = connection.execute(
                text("SELECT kind, rating_kind FROM year_records ORDER BY kind")
            ).all()
            assert [tuple(r) for r in rows] == [("rating", "civil_service"), ("title", "")]
            connection.execute(
                text(
                    "INSERT INTO year_records (subject_ref, year, kind, rating_kind, value, "
                    "source, imported_at) VALUES ('CN-AN', 2023, 'rating', 'party', :value, "
                    "'new.csv', :at)"
                ),
                {"value": HTXS, "at": AT},
            )
        migrate(engine, "0014")
        with engine.begin() as connection:
            rows = connection.execute(
                text("SELECT kind, source FROM year_records ORDER BY kind")
            ).all()
            assert [tuple(r) for r in rows] == [("rating", "old.csv"), ("title", "old.csv")]
        migrate(engine)
    finally:
        engine.dispose()
        backend.drop(tmp_path / "m")
