"""Issue 22's exports and coordinator pages: the .xlsx a coordinator takes away (Vietnamese
headers, dd/mm/yyyy date cells, widths, a frozen filtered header, no formula run from data),
from the CLI and from the campaign page, within the coordinator's scope; the page's status
counts, days overdue, filters and sorting; the standing body's contact on agency pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from deployments.cli import app as cli
from models.calendar import default_calendar
from models.db import unit_of_work
from models.orm import AccessLink, Ballot, BallotVote, Campaign, Contact, Unit
from models.services import recognition
from models.services.access import revoke_link
from models.services.ballots import cast_vote, close_ballot, paper_seal_from_env
from models.services.exports import ExportKind, ExportRequest, UnknownKind, export, export_kind
from models.services.obligation_list import ObligationFilter, listed
from models.services.obligations import mark_overdue
from models.spreadsheet import Cell, Column, Sheet, xlsx_bytes
from models.voting import VoteChoice
from tests import test_web as web
from tests.test_signin_security import add_account, signed_in_as
from tests.test_web import Clock, World
from tests.web_helpers import BALLOT_CLOSES, MEMBERS, REMINDER_DAY, SMALL, during

secret_key, small_template, mailbox, world = (
    web.secret_key,
    web.small_template,
    web.mailbox,
    web.world,
)
clock, app, client, coordinator, staff = web.clock, web.app, web.client, web.coordinator, web.staff

LATE_DAY = dt.date(2023, 3, 10)  # the report was due 28/02/2023: 8 working days late
INJECTED = '=HYPERLINK("http://evil.example","Bấm")'
PAGE = f"/dieu-phoi/ke-hoach/{SMALL}"


def sheet_of(data: bytes) -> Worksheet:
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.active
    assert isinstance(ws, Worksheet)
    return ws


def rows_of(ws: Worksheet) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def make_late(app: FastAPI, clock: Clock) -> TestClient:
    """Sở B renamed to a formula, then the report goes overdue for both units; a
    coordinator signs in on that day (a session does not last from the reminder day)."""
    clock.at = during(LATE_DAY)
    with unit_of_work() as session:
        session.scalars(select(Unit).where(Unit.code == "T.B")).one().name = INJECTED
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        mark_overdue(session, campaign, at=during(LATE_DAY))
    browser = TestClient(app)
    assert web.sign_in(browser).status_code == 303
    return browser


# --- the writer ------------------------------------------------------------------------------


ROWS: list[list[Cell]] = [
    [INJECTED, dt.date(2023, 2, 28), 3],
    ["+1", None, None],
    ["@2", None, None],
]


def test_the_writer_gives_date_cells_widths_a_frozen_filtered_header_and_no_formula() -> None:
    sheet = Sheet(
        "Nghĩa vụ: 2023/24",
        [Column("Đơn vị", 40), Column("Hạn", 12), Column("Số", 8)],
        iter(ROWS),
    )
    ws = sheet_of(xlsx_bytes(sheet))
    assert ws.title == "Nghĩa vụ  2023 24"
    assert rows_of(ws)[0] == ("Đơn vị", "Hạn", "Số")
    assert ws["A1"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C4"
    assert ws.column_dimensions["A"].width == 40 and ws.column_dimensions["B"].width == 12
    due = ws["B2"]
    assert due.is_date and due.value.date() == dt.date(2023, 2, 28)
    assert due.number_format == "dd/mm/yyyy"
    for cell in (ws["A2"], ws["A3"], ws["A4"]):
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert ws["A2"].value == INJECTED


def test_export_kinds_are_named_in_vietnamese_and_english() -> None:
    assert export_kind("nghĩa vụ") is ExportKind.OBLIGATIONS
    assert export_kind("Quá hạn") is ExportKind.OVERDUE
    assert export_kind("honour_roll") is ExportKind.HONOUR_ROLL
    assert export_kind("binh-xet") is ExportKind.BALLOTS
    with pytest.raises(UnknownKind, match="chỉ nhận: nghia-vu \\(obligations\\)"):
        export_kind("obligatons")


# --- the campaign page -----------------------------------------------------------------------


def test_the_page_counts_tabs_filters_sorts_and_shows_days_overdue(
    app: FastAPI, coordinator: str, clock: Clock
) -> None:
    staff = make_late(app, clock)
    page = staff.get(PAGE, params={"trang_thai": "overdue", "sap_xep": "don-vi"})
    assert page.status_code == 200, page.text
    assert "<strong>Sở Nội vụ tỉnh Thử</strong>" in page.text  # the standing body, not tdkt-flow
    assert "tdkt-flow" not in page.text
    assert re.search(r"<strong>Quá hạn \(2\)</strong>", page.text)
    assert "Chưa nộp (0)" in page.text and "Tất cả (2)" in page.text
    days = re.findall(r'<td class="days-overdue">(\d*)</td>', page.text)
    assert days == ["8", "8"]
    rows = page.text.split("<tbody>")[1]
    assert rows.index("HYPERLINK") < rows.index("Sở A")  # by unit name: "=" sorts first
    reverse = staff.get(PAGE, params={"trang_thai": "overdue", "sap_xep": "-don-vi"}).text
    rows = reverse.split("<tbody>")[1]
    assert rows.index("Sở A") < rows.index("HYPERLINK")
    only_a = staff.get(PAGE, params={"trang_thai": "overdue", "don_vi": "T.A", "moc": "report"})
    assert "Sở A" in only_a.text and "HYPERLINK" not in only_a.text.split("<tbody>")[1]
    assert "Quá hạn (1)" in only_a.text
    for bad in ({"don_vi": "T.X"}, {"sap_xep": "id; drop"}, {"trang_thai": "overdeu"}):
        refused = staff.get(PAGE, params=bad)
        assert refused.status_code == 400, bad
        assert "không có trong danh sách" in refused.text


def test_the_page_is_read_page_by_page_in_the_order_asked(
    app: FastAPI, coordinator: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deployments.web import coordinator as pages

    monkeypatch.setattr(pages, "PAGE_ROWS", 1)
    staff = make_late(app, clock)
    query = {"trang_thai": "overdue", "sap_xep": "don-vi"}
    first = staff.get(PAGE, params=query).text
    assert "Trang 1/2 (việc 1–1 trong 2)" in first and 'rel="next"' in first
    assert 'rel="prev"' not in first and "HYPERLINK" in first.split("<tbody>")[1]
    second = staff.get(PAGE, params={**query, "trang": "2"}).text
    assert "Trang 2/2 (việc 2–2 trong 2)" in second and 'rel="prev"' in second
    assert "Sở A" in second.split("<tbody>")[1] and "HYPERLINK" not in second.split("<tbody>")[1]
    assert "Trang 2/2" in staff.get(PAGE, params={**query, "trang": "99"}).text  # the last
    for bad in ("0", "-1", "1e3", "２"):
        refused = staff.get(PAGE, params={**query, "trang": bad})
        assert refused.status_code == 400 and "Số trang" in refused.text, bad


def test_the_export_button_downloads_what_the_page_shows(
    app: FastAPI, coordinator: str, clock: Clock
) -> None:
    staff = make_late(app, clock)
    page = staff.get(PAGE, params={"trang_thai": "overdue", "don_vi": "T.B"}).text
    (href,) = re.findall(r'href="([^"]+)" id="export"', page)
    response = staff.get(href.replace("&amp;", "&"))
    assert response.status_code == 200
    assert f"{SMALL}-nghia-vu-10032023.xlsx" in response.headers["content-disposition"]
    ws = sheet_of(response.content)
    header, *rows = rows_of(ws)
    assert header[:6] == ("Đơn vị", "Mã đơn vị", "Việc", "Kỳ", "Hạn", "Trạng thái")
    assert len(rows) == 1 and rows[0][1] == "T.B" and rows[0][5] == "Quá hạn"
    assert rows[0][6] == 8  # working days overdue
    assert ws["E2"].number_format == "dd/mm/yyyy" and ws["E2"].value.date() == dt.date(2023, 2, 28)
    assert ws["A2"].value == INJECTED and ws["A2"].data_type == "s"
    overdue = sheet_of(staff.get(f"{PAGE}/xuat/qua-han").content)
    units = rows_of(overdue)
    assert units[0][:3] == ("Đơn vị", "Mã đơn vị", "Số việc quá hạn")
    assert units[0][3] == "Quá hạn lâu nhất (ngày làm việc)"
    assert {r[1] for r in units[1:]} == {"T.A", "T.B"}
    assert {r[7] for r in units[1:]} == {"officer@a.example", "officer@b.example"}
    for kind in ("dang-ky", "binh-xet", "ghi-danh", "registrations"):
        assert staff.get(f"{PAGE}/xuat/{kind}").status_code == 200, kind
    assert staff.get(f"{PAGE}/xuat/khong-co").status_code == 404


def test_a_coordinator_of_another_body_cannot_export(app: FastAPI, world: World) -> None:
    add_account("can-bo-so-a", unit="T.A")
    outsider = signed_in_as(app, "can-bo-so-a")
    for kind in ("nghia-vu", "qua-han", "binh-xet"):
        assert outsider.get(f"{PAGE}/xuat/{kind}").status_code == 404
    anonymous = TestClient(app).get(f"{PAGE}/xuat/nghia-vu", follow_redirects=False)
    assert anonymous.status_code in (303, 307) and "dang-nhap" in anonymous.headers["location"]


def test_an_agency_page_names_the_standing_bodys_contact(client: TestClient, world: World) -> None:
    page = client.get(world.a).text
    (contact,) = re.findall(r'<p id="standing-contact"><small class="muted">([^<]*)<', page)
    assert contact.startswith("Cần hỗ trợ, xin liên hệ Sở Nội vụ tỉnh Thử")
    assert "snv@t.example" in contact


def test_a_revoked_link_names_whom_to_ask(client: TestClient, world: World) -> None:
    with unit_of_work() as session:
        link = session.get_one(AccessLink, web.link_row(world.a).id)
        revoke_link(session, link, at=during(REMINDER_DAY), actor="test")
    refused = client.get(world.a)
    assert refused.status_code == 410
    (contact,) = re.findall(r'<p id="standing-contact"><small class="muted">([^<]*)<', refused.text)
    assert contact.startswith("Nếu cần hỗ trợ, xin liên hệ Sở Nội vụ tỉnh Thử: Ban Thi đua")
    assert "snv@t.example" in contact


# --- the CLI ---------------------------------------------------------------------------------


def tdkt(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, list(args))


def test_cli_exports_each_kind_and_refuses_typos(world: World, tmp_path: Path) -> None:
    out = tmp_path / "nghia-vu.xlsx"
    run = tdkt("export", "nghĩa-vụ", SMALL, "-o", str(out), "--as-of", "2023-03-10")
    assert run.exit_code == 0, run.output
    assert "Đã xuất 2 dòng “Nghĩa vụ”" in run.output and "10/03/2023" in run.output
    header, *rows = rows_of(sheet_of(out.read_bytes()))
    assert header[0] == "Đơn vị" and len(rows) == 2
    for kind in ("overdue", "dang-ky", "ballots", "ghi-danh"):
        done = tdkt("export", kind, SMALL, "-o", str(tmp_path / f"{kind}.xlsx"))
        assert done.exit_code == 0, (kind, done.output)
    typo = tdkt("export", "nghiavu", SMALL, "-o", str(out))
    assert typo.exit_code == 2 and "chỉ nhận: nghia-vu (obligations)" in typo.output
    missing = tdkt("export", "obligations", SMALL + "x", "-o", str(out))
    assert missing.exit_code == 2 and f"Có phải '{SMALL}'?" in missing.output
    wrong = tdkt("export", "obligations", SMALL, "-o", str(tmp_path / "a.csv"))
    assert wrong.exit_code == 2 and ".xlsx" in wrong.output


# --- ballots: sealed until the close -----------------------------------------------------------

ballot_template, ballot = web.ballot_template, web.ballot


def ballot_sheet() -> list[tuple[Any, ...]]:
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        request = ExportRequest(ExportKind.BALLOTS, BALLOT_CLOSES.date())
        data = xlsx_bytes(export(session, campaign, default_calendar(), request))
    return rows_of(sheet_of(data))


def test_ballot_results_are_exported_only_after_the_close(ballot: web.BallotWorld) -> None:
    """While the ballot is open its papers stay sealed: the export lists its candidates with
    no figure; once closed, the counts and the outcome."""
    seal = paper_seal_from_env()
    with unit_of_work() as session:
        row = session.get_one(Ballot, ballot.ballot_id)
        choices = {c.id: VoteChoice.APPROVE.value for c in row.candidates}
        members = session.scalars(select(Contact).where(Contact.email.in_(MEMBERS))).all()
        for i, member in enumerate(members):
            at = during(dt.date(2023, 3, 1)) + dt.timedelta(minutes=i)
            cast_vote(session, row, member, choices, set(), at=at, seal=seal)
    header, *sealed = ballot_sheet()
    assert header[5:8] == ("Đồng ý", "Không đồng ý", "Không biểu quyết")
    assert sealed and all(line[5:9] == (None, None, None, None) for line in sealed)
    assert all(line[10] == "Phiếu niêm phong đến khi kết thúc" for line in sealed)
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(BallotVote)) == 0
        close_ballot(
            session,
            session.get_one(Ballot, ballot.ballot_id),
            at=BALLOT_CLOSES + dt.timedelta(hours=1),
            actor="test",
            seal=seal,
        )
    _, *counted = ballot_sheet()
    assert counted and all(line[5:8] == (len(MEMBERS), 0, 0) for line in counted)
    assert all(line[2].date() == BALLOT_CLOSES.date() for line in counted)  # a date cell
    assert {line[9] for line in counted} <= {"Được chọn", "Không được chọn"}


# --- a field filter and the registrations, on a plan with fields -------------------------------


def test_a_field_filter_keeps_that_fields_quota_and_exemplars() -> None:
    from tests import test_lifecycle as lifecycle

    lifecycle._load()
    with unit_of_work() as session:
        lifecycle._register(session, "Tập thể B", unit="T.B", field="b")
        lifecycle._register(session, "=Tập thể A", unit="T.A", field="a")
    lifecycle._sweep(dt.date(2023, 11, 30))
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == lifecycle.SLUG)).one()
        everything = list(
            listed(
                session,
                campaign,
                ObligationFilter(),
                default_calendar(),
                as_of=dt.date(2023, 12, 1),
            )
        )
        field_a = list(
            listed(
                session,
                campaign,
                ObligationFilter(field="a"),
                default_calendar(),
                as_of=dt.date(2023, 12, 1),
            )
        )
        assert field_a and len(field_a) < len(everything)
        assert all("Lĩnh vực B" not in item.line for item in field_a)
        assert {i.obligation.unit.code for i in field_a} == {"T.A"}
        request = ExportRequest(ExportKind.REGISTRATIONS, dt.date(2023, 12, 1))
        ws = sheet_of(xlsx_bytes(export(session, campaign, default_calendar(), request)))
    header, *rows = rows_of(ws)
    assert header[:4] == ("Tên điển hình", "Loại", "Đơn vị đăng ký", "Lĩnh vực")
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("Tập thể B", "Sở B", "Lĩnh vực B"),
        ("=Tập thể A", "Sở A", "Lĩnh vực A"),
    ]
    assert ws["A3"].data_type == "s" and ws["G2"].number_format == "dd/mm/yyyy"


def test_the_honour_roll_export_lists_each_units_book(engine: Engine) -> None:
    from tests import test_honour_roll as roll

    roll._party(engine)
    with unit_of_work(engine) as s:
        roll._exemplar(s, roll.PARTY, "XX.SCT.CB1", "Nguyễn Văn An", "hcm")
        roll._exemplar(s, roll.PARTY, "XX.SCT.CB2", "Lê Văn Cường", "hcm")
        campaign = roll._campaign(s, roll.PARTY)
        ceremony = recognition.compile_honour_list(
            s, campaign, kind="19-5", held_on=dt.date(2024, 5, 17), at=roll.AT, actor="t"
        )
        recognition.hold_ceremony(s, ceremony, at=roll.AT, actor="test")
        request = ExportRequest(ExportKind.HONOUR_ROLL, dt.date(2024, 5, 20))
        ws = sheet_of(xlsx_bytes(export(s, campaign, default_calendar(), request)))
    header, *rows = rows_of(ws)
    assert header[:5] == ("Sổ của đơn vị", "Năm", "Số thứ tự", "Ngày ghi danh", header[4])
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        ("Chi bộ Thanh tra", 2024, 1, "Lê Văn Cường"),
        ("Chi bộ Văn phòng", 2024, 1, "Nguyễn Văn An"),
    ]
    assert str(rows[0][8]).startswith("Biểu dương tại Lễ biểu dương")
    assert ws["K2"].value.date() == dt.date(2024, 5, 17) and ws["K2"].number_format == "dd/mm/yyyy"
