"""Issue 23 part 4: the yearly TĐKT statistics in the forms of Thông tư 02/2023/TT-BNV.

A small fixture (one provincial campaign, seven decisions around the reporting period's edges)
is counted by hand; the workbook is opened with openpyxl and read as a person reads the form:
its title block, its numbered headers, its figures by mã số, totals equal to their rows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from typer.testing import CliRunner

from deployments.cli import app as cli
from models.clock import TIMEZONE
from models.db import unit_of_work
from models.lifecycle import CandidateStage
from models.orm import Campaign, Candidate, Unit
from models.orm.recognition import RewardDecision, RewardProposal
from models.recognition import ProposalStatus, RewardForm
from models.services.statistics import statistics_report, statistics_workbook
from models.statistics import (
    AwardGroup,
    CampaignGroup,
    build_report,
    reporting_period,
)
from models.statistics_sheet import NOTES_SHEET, signature_date
from models.statistics_table import StatTable
from models.vocabulary import SubjectKind, UnitKind
from tests import test_web as web
from tests.chase_helpers import SMALL, load_small
from tests.test_exports import make_late
from tests.test_signin_security import add_account, signed_in_as
from tests.test_web import Clock, World

secret_key, small_template, mailbox, world = (
    web.secret_key,
    web.small_template,
    web.mailbox,
    web.world,
)
clock, app, coordinator = web.clock, web.app, web.coordinator

AT = dt.datetime(2024, 12, 6, 9, 0, tzinfo=TIMEZONE)
PREPARED = AT.date()


def test_the_reporting_period_runs_from_december_to_november() -> None:
    assert reporting_period(2024) == (dt.date(2023, 12, 1), dt.date(2024, 11, 30))


def test_the_signature_date_is_written_as_an_office_writes_it() -> None:
    assert signature_date(dt.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert signature_date(dt.date(2024, 12, 6)) == "ngày 06 tháng 12 năm 2024"


# --- the fixture, counted by hand -------------------------------------------------------------

# (name, subject, unit it is, unit it leads, form, decided by, decided on)
DECISIONS: list[tuple[str, SubjectKind, str | None, str | None, RewardForm, str, dt.date]] = [
    ("Sở A", SubjectKind.COLLECTIVE, "T.A", None, RewardForm.BANG_KHEN, "T", dt.date(2024, 3, 10)),
    (
        "Công ty Thử",
        SubjectKind.COLLECTIVE,
        "T.DN",
        None,
        RewardForm.BANG_KHEN_THU_TUONG,
        "T",
        dt.date(2024, 5, 2),
    ),
    (
        "Giám đốc Sở B",
        SubjectKind.INDIVIDUAL,
        None,
        "T.B",
        RewardForm.CHIEN_SI_THI_DUA_TINH,
        "T",
        dt.date(2023, 12, 1),  # the first day of the 2024 period
    ),
    (
        "Chị Lan",
        SubjectKind.INDIVIDUAL,
        None,
        None,
        RewardForm.BANG_KHEN,
        "T",
        dt.date(2024, 11, 30),  # the last day
    ),
    (
        "Anh Nam",
        SubjectKind.INDIVIDUAL,
        None,
        None,
        RewardForm.BANG_KHEN,
        "T",
        dt.date(2024, 12, 1),  # the 2025 period: not counted
    ),
    (
        "Hộ ông Ba",
        SubjectKind.HOUSEHOLD,
        None,
        None,
        RewardForm.GIAY_KHEN,
        "T.A",
        dt.date(2024, 6, 1),  # in no form of the circular: the supplementary sheet only
    ),
    (
        "Bà Tư",
        SubjectKind.INDIVIDUAL,
        None,
        None,
        RewardForm.HUAN_CHUONG_LAO_DONG,
        "T",
        dt.date(2023, 11, 30),  # the 2023 period: not counted
    ),
]


def load_decisions() -> None:
    """The small plan (UBND tỉnh Thử, 2023-2024) and add_decisions()."""
    load_small()
    add_decisions()


def add_decisions() -> None:
    """An enterprise and the decisions above in the small plan, written as rows (the
    services' checks are tested elsewhere)."""
    with unit_of_work() as session:
        province = session.scalars(select(Unit).where(Unit.code == "T")).one()
        session.add(Unit(code="T.DN", name="Công ty Thử", kind=UnitKind.ENTERPRISE))
        session.flush()
        units = {u.code: u for u in session.scalars(select(Unit))}
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        for index, (name, subject, is_unit, leads, form, decider, day) in enumerate(DECISIONS):
            candidate = Candidate(
                campaign_id=campaign.id,
                registered_by_id=units["T.A"].id,
                subject=subject,
                name=name,
                subject_ref=f"ref-{index}",
                subject_unit_id=units[is_unit].id if is_unit else None,
                leads_unit_id=units[leads].id if leads else None,
                year=2024,
                stage=CandidateStage.SELECTED,
                stage_changed_at=AT,
                created_at=AT,
            )
            session.add(candidate)
            session.flush()
            proposal = RewardProposal(
                candidate_id=candidate.id,
                authority_unit_id=units[decider].id,
                form=form,
                submitted_on=day - dt.timedelta(days=20),
                decision_due_on=day,
                status=ProposalStatus.DECIDED,
                dossier=[],
                created_at=AT,
            )
            session.add(proposal)
            session.flush()
            session.add(
                RewardDecision(
                    proposal_id=proposal.id,
                    number=f"{index + 1}/QĐ-UBND",
                    decided_on=day,
                    form=form,
                    signed_by=province.name,
                )
            )


def figures(table: StatTable, code: str) -> tuple[int | None, tuple[int | None, ...]]:
    row = table.row(code)
    return row.total, row.values


def test_the_forms_count_the_fixture_as_counted_by_hand() -> None:
    load_decisions()
    with unit_of_work() as session:
        report = statistics_report(session, 2024, prepared_on=PREPARED)
    campaigns, state, high, forms, fields = report.tables
    assert report.reporter == "Ủy ban nhân dân tỉnh Thử"
    # 0601: one provincial campaign of two years (2023-2024), a themed one
    assert figures(campaigns, "01") == (1, (0, 1, 0))
    assert figures(campaigns, "03") == (1, (0, 1, 0))
    assert figures(campaigns, "08") == (1, (0, 1, 0))
    assert figures(campaigns, "11") == (1, (0, 1, 0))
    assert figures(campaigns, "12") == (0, (0, 0, 0))
    # 0602: the Prime Minister's Bằng khen to the enterprise; the Huân chương is last period's
    blank = (None,) * 4
    assert figures(state, "01") == (1, (0, 0, *blank, 1, 0, *(None,) * 3))
    assert state.row("03").total == 1  # submitted by the province
    assert state.row("02").total == 0
    assert state.row("06").total == state.row("07").total == 1  # a collective, an enterprise
    assert state.row("09").total == 0
    assert state.row("16").total == 1  # chuyên đề
    # 0603: two Bằng khen (Sở A, Chị Lan on the last day), one Chiến sĩ thi đua cấp tỉnh
    assert figures(high, "01") == (3, (2, 1, 0, None))
    assert figures(high, "02") == (1, (1, 0, 0, None))  # Sở A
    assert figures(high, "03") == (0, (0, 0, 0, None))
    assert figures(high, "05") == (2, (1, 1, 0, None))
    assert figures(high, "07") == (1, (0, 1, 0, None))  # leads a Sở
    assert figures(high, "10") == (1, (1, 0, 0, None))  # Chị Lan
    assert figures(high, "11") == (1, (0, 1, 0, None))  # a title: thường xuyên
    assert figures(high, "12") == (2, (2, 0, 0, None))
    # every form: the household's Giấy khen too, but nothing outside the period
    assert figures(forms, "01") == (5, (2, 1, 2))
    labels = {r.label: (r.unit, r.total) for r in forms.rows[1:]}
    assert labels["01. Giấy khen"] == ("—", 1)
    assert labels["02. Bằng khen"] == ("0603", 2)
    assert labels["03. Bằng khen của Thủ tướng Chính phủ"] == ("0602", 1)
    assert fields.row("01").total == 5


def test_a_campaign_alone_and_another_year() -> None:
    load_decisions()
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        alone = statistics_report(session, 2024, prepared_on=PREPARED, campaign=campaign)
        before = statistics_report(session, 2023, prepared_on=PREPARED)
        after = statistics_report(session, 2026, prepared_on=PREPARED)
    assert alone.tables[2].row("01").total == 3
    assert SMALL in alone.scope
    assert before.tables[1].row("01").values[1] == 1  # Bà Tư's Huân chương, 30/11/2023
    assert after.tables[0].row("01").total == 0  # the campaign ended in 2024
    assert after.tables[2].row("01").total == 0


def assert_totals_hold(table: StatTable) -> None:
    """Each row's total is the sum of its figures; each breakdown sums to the total row."""
    for row in table.rows:
        if not row.heading:
            assert row.total == sum(v for v in row.values if v is not None), row.label
    if table.code.startswith("0601"):
        groups = [["02", "03", "04", "05"], ["06", "07", "08", "09", "10"], ["11", "12"]]
    elif table.code.startswith("0602"):
        subjects, people, methods = ["06", "08", "09"], [f"{c}" for c in range(10, 15)], []
        methods = [f"{c}" for c in range(15, 22)]
        groups = [["02", "03"], subjects, methods]
        assert_sum(table, "09", people)
    elif table.code.startswith("0603"):
        groups = [["02", "04", "05"], [f"{c:02d}" for c in range(11, 18)]]
        assert_sum(table, "05", [f"{c:02d}" for c in range(6, 11)])
    else:
        groups = [[r.code for r in table.rows[1:]]]
    for codes in groups:
        assert_sum(table, "01", codes)


def assert_sum(table: StatTable, whole: str, parts: list[str]) -> None:
    total = table.row(whole)
    for index, value in enumerate(total.values):
        summed = [table.row(c).values[index] for c in parts]
        assert value == (None if value is None else sum(v or 0 for v in summed)), (whole, parts)
    assert total.total == sum(table.row(c).total or 0 for c in parts), (whole, parts)


def test_totals_equal_the_sum_of_their_rows() -> None:
    load_decisions()
    with unit_of_work() as session:
        report = statistics_report(session, 2024, prepared_on=PREPARED)
    for table in report.tables:
        assert_totals_hold(table)


def test_totals_hold_for_every_kind_of_award() -> None:
    """Every form × subject × decider × leader kind at once: no award falls between rows."""
    groups = [
        AwardGroup(form, subject, decider, proposer, 1, subject_unit=UnitKind.ENTERPRISE, leads=led)
        for form in RewardForm
        for subject in SubjectKind
        for decider in (UnitKind.PROVINCE, UnitKind.MINISTRY, UnitKind.DEPARTMENT)
        for proposer in (UnitKind.PROVINCE, UnitKind.MINISTRY)
        for led in (None, *UnitKind)
    ]
    campaigns = [
        CampaignGroup(kind, years, regular, 2)
        for kind in UnitKind
        for years in range(1, 8)
        for regular in (True, False)
    ]
    report = build_report(
        2024, campaigns=campaigns, awards=groups, reporter="X", prepared_on=PREPARED, scope="x"
    )
    for table in report.tables:
        assert_totals_hold(table)
    assert report.tables[3].row("01").total == len(groups)


# --- the workbook ------------------------------------------------------------------------------


def cells(ws: Worksheet) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def row_of(ws: Worksheet, code: str) -> tuple[Any, ...]:
    """The body row whose mã số (column B) is code."""
    return next(r for r in cells(ws) if r[1] == code)


def test_the_workbook_is_laid_out_as_the_forms() -> None:
    load_decisions()
    with unit_of_work() as session:
        data = statistics_workbook(session, 2024, prepared_on=PREPARED)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "0601 Phong trào",
        "0602 Cấp Nhà nước",
        "0603 Cấp bộ, tỉnh",
        "Theo hình thức",
        "Theo lĩnh vực",
        NOTES_SHEET,
    ]
    ws = book["0603 Cấp bộ, tỉnh"]
    assert ws["A1"].value == "Biểu số: 0603.N/BNV-TĐKT"
    assert "Thông tư số 02/2023/TT-BNV" in ws["A2"].value
    assert ws["A3"].value == "Ngày nhận báo cáo: Ngày 15 tháng 12 năm báo cáo"
    values = [v for row in cells(ws)[:3] for v in row if v]
    assert "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Thử" in values
    assert any(str(v).startswith("Đơn vị nhận báo cáo: Bộ Nội vụ") for v in values)
    assert ws["A5"].value.startswith("SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH")
    assert ws["A6"].value == "Năm 2024 (kỳ báo cáo từ 01/12/2023 đến 30/11/2024)"
    headers = cells(ws)[7:11]
    assert headers[0][:4] == (None, "Mã số", "Đơn vị tính", "Tổng số")
    assert headers[0][4] == "Chia ra"
    assert headers[1][4:8] == (
        "Bằng khen",
        "Chiến sĩ thi đua cấp bộ, cấp tỉnh",
        "Cờ thi đua của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
        "Huy hiệu (kỷ niệm chương) của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố "
        "trực thuộc Trung ương",
    )
    assert headers[3] == ("A", "B", "C", "1", "2", "3", "4", "5")
    assert row_of(ws, "01")[2:] == (None, 3, 2, 1, 0, None)
    assert row_of(ws, "05")[:2] == ("- Cá nhân", "05")
    assert row_of(ws, "05")[2:] == ("Người", 2, 1, 1, 0, None)
    assert ws["A8"].value is None and "A8:A10" in {str(r) for r in ws.merged_cells.ranges}
    text = [v for row in cells(ws) for v in row if isinstance(v, str)]
    assert "Người lập biểu" in text and "Thủ trưởng đơn vị" in text
    assert "(Ký, đóng dấu, ghi rõ họ tên)" in text
    assert "Ngày 06 tháng 12 năm 2024" in text

    state = book["0602 Cấp Nhà nước"]
    numbers = cells(state)[10]
    assert numbers[:5] == ("A", "B", "C", "1", "2")
    assert [n for n in numbers if n] == ["A", "B", "C", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    subs = cells(state)[9][4:]
    assert subs[:2] == ("Tập thể", "Cá nhân")
    assert row_of(state, "01")[3:] == (1, 0, 0, None, None, None, None, 1, 0, None, None, None)

    campaigns = book["0601 Phong trào"]
    assert cells(campaigns)[10][:6] == ("A", "B", "1=(2+3+4)", "2", "3", "4")
    assert cells(campaigns)[6][0] == "Đơn vị tính: Phong trào"
    assert row_of(campaigns, "01")[2:6] == (1, 0, 1, 0)

    notes = [v for row in cells(book[NOTES_SHEET]) for v in row if isinstance(v, str)]
    assert any("lifephongphanmem/thiduakhenthuong" in n for n in notes)
    assert any("01/12 năm trước đến 30/11" in n for n in notes)
    assert "0602.N/BNV-TĐKT" in notes


def test_a_unit_name_never_runs_as_a_formula() -> None:
    report = build_report(
        2024,
        campaigns=[],
        awards=[],
        reporter='=HYPERLINK("http://evil.example","x")',
        prepared_on=PREPARED,
        scope="x",
    )
    from models.statistics_sheet import statistics_xlsx

    book = openpyxl.load_workbook(io.BytesIO(statistics_xlsx(report)))
    ws = book["0601 Phong trào"]
    reporter = next(c for row in ws.iter_rows() for c in row if "HYPERLINK" in str(c.value))
    assert reporter.data_type == "s"


# --- the CLI -----------------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, ["export", *args])


def test_the_cli_writes_the_year_and_a_campaign(tmp_path: Path) -> None:
    load_decisions()
    out = tmp_path / "thong-ke.xlsx"
    done = run("statistics", "--year", "2024", "--out", str(out), "--as-of", "2024-12-06")
    assert done.exit_code == 0, done.output
    assert "Đã xuất báo cáo thống kê thi đua, khen thưởng năm 2024" in done.output
    assert "01/12/2023 - 30/11/2024" in done.output
    book = openpyxl.load_workbook(out)
    assert row_of(book["0603 Cấp bộ, tỉnh"], "01")[3] == 3
    one = tmp_path / "mot.xlsx"
    done = run("thong-ke", "--year", "2024", "--campaign", SMALL, "-o", str(one))
    assert done.exit_code == 0, done.output
    assert SMALL in done.output
    # the other kinds still take the campaign as before
    assert run("nghia-vu", SMALL, "-o", str(tmp_path / "nv.xlsx")).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["statistics", "-o", "x.xlsx"], "thiếu năm báo cáo"),
        (["statistics", "--year", "20245", "-o", "x.xlsx"], "năm báo cáo phải từ 1945 đến 2100"),
        (["statistics", "--year", "2024", "--campaign", "khong-co", "-o", "x.xlsx"], "kế hoạch"),
        (["statistics", "--year", "2024", "-o", "x.csv"], "đuôi .xlsx"),
        (["nghia-vu", "-o", "x.xlsx"], "thiếu id của kế hoạch"),
    ],
)
def test_the_cli_refuses_in_vietnamese(args: list[str], message: str, tmp_path: Path) -> None:
    load_small()
    done = run(*[str(tmp_path / a) if a.startswith("x.") else a for a in args])
    assert done.exit_code == 2, done.output
    assert message in done.output


# --- the coordinator's download ----------------------------------------------------------------


def test_the_campaign_page_offers_the_last_reported_year(
    app: FastAPI, world: World, coordinator: str, clock: Clock
) -> None:
    add_decisions()
    staff = make_late(app, clock)  # 10/03/2023: the last period that ended is 2022's
    page = staff.get(f"/dieu-phoi/ke-hoach/{SMALL}").text
    (href,) = re.findall(r'href="([^"]+)" id="statistics"', page)
    assert href == f"/dieu-phoi/ke-hoach/{SMALL}/thong-ke/2022"
    assert "thống kê thi đua, khen thưởng năm 2022" in page
    response = staff.get(f"/dieu-phoi/ke-hoach/{SMALL}/thong-ke/2024")
    assert response.status_code == 200
    assert f"thong-ke-tdkt-{SMALL}-2024.xlsx" in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert row_of(book["0603 Cấp bộ, tỉnh"], "01")[3] == 3
    for bad in ("abcd", "20245", "٢٠٢٤"):
        assert staff.get(f"/dieu-phoi/ke-hoach/{SMALL}/thong-ke/{bad}").status_code == 404
    add_account("can-bo-so-a", unit="T.A")
    outsider = signed_in_as(app, "can-bo-so-a")
    assert outsider.get(f"/dieu-phoi/ke-hoach/{SMALL}/thong-ke/2024").status_code == 404
