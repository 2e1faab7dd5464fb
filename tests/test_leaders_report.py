"""The leaders' report of a live campaign, from the database: its data
(models/services/leaders_report.py), `tdkt report`, and its PDF through headless Chromium."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from deployments.cli import app
from deployments.report import find_chromium, render_report
from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from models.orm import Campaign, Unit
from models.services import candidates
from models.services.directory import import_directory_file
from models.services.leaders_report import LeadersReport, leaders_report
from models.services.plans import load_plan_file
from models.vocabulary import SubjectKind
from tests.browser_helpers import browser_required
from tests.chase_helpers import morning
from tests.conftest import ROOT, SMALL_DIRECTORY

D = dt.date
PLAN = ROOT / "tests" / "data" / "lifecycle-plan.yaml"
SLUG = "lifecycle-2023-2024"
AS_OF = D(2023, 12, 8)


def campaign_with_a_late_unit() -> None:
    """The lifecycle plan (quotas per lead agency, quarterly assessments): Sở A registers one
    collective in March 2023, Sở B none; the sweeps run up to 08/12/2023, past the quotas'
    deadline (30/11)."""
    from tasks.chasing import prepare_day

    with unit_of_work() as session:
        import_directory_file(session, SMALL_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, PLAN, default_calendar(), at=now(), actor="test")
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
        candidates.register(
            session,
            campaign,
            unit=session.scalars(select(Unit).where(Unit.code == "T.A")).one(),
            subject=SubjectKind.COLLECTIVE,
            name="Hợp tác xã Thử",
            subject_ref="htx-thu",
            year=2023,
            field_code="a",
            at=morning(D(2023, 3, 1)),
            actor="test",
        )
    for day in (D(2023, 3, 1), D(2023, 11, 20), AS_OF):
        prepare_day.fn(SLUG, morning(day))


def build() -> LeadersReport:
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SLUG)).one()
        return leaders_report(session, campaign, default_calendar(), as_of=AS_OF)


def visible_text(html: str) -> str:
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_report_of_a_small_campaign_names_late_units_and_their_items() -> None:
    campaign_with_a_late_unit()
    data = build()
    assert data.header.number == "2/KH-TEST" and data.header.date == D(2023, 1, 2)
    assert data.header.issuer == "Ủy ban nhân dân tỉnh Thử" and not data.header.simulated
    names = [u.name for u in data.late_units]
    assert "Sở B" in names
    days = [u.days_overdue for u in data.late_units]
    assert days == sorted(days, reverse=True)  # the longest overdue first
    late_b = data.late_units[names.index("Sở B")]
    assert all(item.days_overdue == (AS_OF - item.due).days for item in late_b.items)
    assert all(item.due < AS_OF for u in data.late_units for item in u.items)

    text = visible_text(render_report(data))
    assert (
        "Báo cáo tình hình thực hiện Kế hoạch số 2/KH-TEST ngày 02/01/2023 "
        "của Ủy ban nhân dân tỉnh Thử" in text
    )
    assert "Số liệu tính đến ngày 08/12/2023" in text
    assert "Sở B" in text and "quá " in text
    assert "Đăng ký xây dựng điển hình 1" in text  # the funnel, labelled
    assert "Chỉ tiêu điển hình" in text  # the quotas on the timeline, not only reports
    assert "Đánh giá định kỳ" in text or "Đăng ký xây dựng điển hình" in text
    assert SLUG not in text and "/tmp" not in text and "mô phỏng" not in text.lower()


def test_a_plan_signed_in_2023_is_not_reported_against_2022() -> None:
    campaign_with_a_late_unit()
    data = build()
    assert all(d.due.year >= 2023 for d in data.timeline)
    assert [y.year for y in data.funnel] == [2023]
    kinds = {d.kind for d in data.timeline}
    assert {"Chỉ tiêu điển hình", "Đăng ký xây dựng điển hình"} <= kinds


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_writes_the_report_of_a_live_campaign(tmp_path: Path) -> None:
    campaign_with_a_late_unit()
    out = tmp_path / "bao-cao.html"
    code, output = run("report", SLUG, "--as-of", "08/12/2023", "-o", str(out))
    assert code == 0, output
    assert "tính đến ngày 08/12/2023" in output and "đơn vị chậm thực hiện" in output
    text = visible_text(out.read_text(encoding="utf-8"))
    assert "Kế hoạch số 2/KH-TEST ngày 02/01/2023" in text and "Sở B" in text


def test_cli_refuses_an_unknown_campaign_without_a_traceback(tmp_path: Path) -> None:
    campaign_with_a_late_unit()
    code, output = run("report", "lifecycle-2023-2042", "-o", str(tmp_path / "x.html"))
    assert code == 2
    assert "Traceback" not in output and "lifecycle-2023-2042" in output
    assert not (tmp_path / "x.html").exists()


def test_cli_prints_the_report_as_an_a4_pdf(tmp_path: Path) -> None:
    if find_chromium() is None and not browser_required():
        pytest.skip("Chromium is not installed (./dev test installs it; TDKT_REQUIRE_BROWSER=1)")
    campaign_with_a_late_unit()
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    code, output = run("report", SLUG, "--as-of", "2023-12-08", "-o", str(html), "--pdf", str(pdf))
    assert code == 0, output
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    # A4 portrait is 595 x 842 points; Chromium writes the MediaBox of every page.
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes and all(abs(float(w) - 595) < 2 and abs(float(h) - 842) < 2 for w, h in boxes), (
        boxes
    )
