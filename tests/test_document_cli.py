"""`tdkt document ...` (issue 23): each command writes its document and says so in Vietnamese."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from deployments.cli import app
from models.clock import TIMEZONE
from models.db import unit_of_work
from tasks.chasing import prepare_day
from tests.chase_helpers import morning
from tests.document_fixtures import QB, TO_TRINH, proposed_exemplars
from tests.documents_support import docx_parts, need_office, pdf_pages, register_letter


def _run(*args: str) -> str:
    run = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["document", *args])
    assert run.exit_code == 0, run.output
    return run.output


def test_decision_writes_the_draft_and_its_pdf(tmp_path: Path) -> None:
    need_office()
    first, *_ = proposed_exemplars()
    target = tmp_path / "du-thao.docx"
    said = _run("decision", "--to-trinh", TO_TRINH, "-o", str(target), "--pdf")
    assert "Đã ghi quyết định (chưa lấy số)" in said
    assert docx_parts(target.read_bytes()).header[1][0] == "Số:      /QĐ-UBND"
    assert pdf_pages(target.with_suffix(".pdf").read_bytes()) == 2  # the decision, its list
    one = tmp_path / "mot.docx"
    _run("decision", "--proposal", str(first), "-o", str(one), "--as-of", "2024-04-05")
    assert one.is_file()


def test_escalation_letter_previews_an_overdue_unit(tmp_path: Path) -> None:
    proposed_exemplars()
    prepare_day.fn(QB, morning(dt.date(2023, 3, 1)))  # opens the obligations, marks the late
    target = tmp_path / "cong-van.docx"
    said = _run(
        "escalation-letter",
        "quang-binh-2021-2025",
        "QB.SYT",
        "--as-of",
        "2023-03-01",
        "-o",
        str(target),
    )
    assert "Đã ghi công văn (chưa lấy số)" in said
    parts = docx_parts(target.read_bytes())
    assert parts.header[0][0].splitlines() == ["UBND TỈNH QUẢNG BÌNH", "SỞ NỘI VỤ"]
    assert parts.paragraphs[0] == "Kính gửi: Sở Y tế"
    assert parts.tables and all(row[1] == "Sở Y tế" for row in parts.tables[0][1:])
    assert "BÙI HỮU HÙNG" not in parts.signature[1] and "Bùi Hữu Hùng" in parts.signature[1]


def test_a_unit_with_nothing_overdue_is_told_so(tmp_path: Path) -> None:
    proposed_exemplars()
    run = CliRunner(env={"COLUMNS": "200"}).invoke(
        app,
        [
            "document",
            "escalation-letter",
            "quang-binh-2021-2025",
            "QB.SYT",
            "--as-of",
            "2021-01-04",
            "-o",
            str(tmp_path / "x.docx"),
        ],
    )
    assert run.exit_code == 2 and "không có việc quá hạn" in run.output


@pytest.mark.parametrize("year", [None, "2024"])
def test_register_lists_an_issuers_numbers(year: str | None) -> None:
    at = dt.datetime(2024, 2, 5, 9, tzinfo=TIMEZONE)
    with unit_of_work() as session:
        for key in ("a", "b"):
            register_letter(session, key, on=at.date())
    said = _run("register", "SNV", *(["--year", year] if year else []))
    assert "01/SNV-TĐKT" in said and "02/SNV-TĐKT" in said and "05/02/2024" in said
    assert "2 văn bản." in said
