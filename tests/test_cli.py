"""The `tdkt` command as a person runs it: Vietnamese output, JSON where asked, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PLANS, QB_PLAN, ROOT


def tdkt(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TDKT_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "deployments.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_deadline_json(data_dir: Path) -> None:
    run = tdkt("deadline", "chậm nhất trong tháng 10 năm 2022", "--json", data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out == out | {
        "phrase": "chậm nhất trong tháng 10 năm 2022",
        "kind": "window",
        "start": "2022-10-01",
        "due": "2022-10-31",
        "effective_due": "2022-10-31",
        "rule": "month_window",
    }


def test_deadline_json_moves_off_a_day_off(data_dir: Path) -> None:
    out = json.loads(tdkt("deadline", "Quy III nam 2023", "--json", data_dir=data_dir).stdout)
    assert (out["due"], out["effective_due"]) == ("2023-09-30", "2023-10-02")


def test_recurring_deadline_with_year(data_dir: Path) -> None:
    """Seed 004, II.5: "Định kỳ hằng năm vào dịp 19/5 ... tổ chức gặp mặt": an occasion, held on
    19/5/2024 (a Sunday), not a time limit moved to Monday 20/05/2024 (BLDS art. 148)."""
    run = tdkt("deadline", "vào dịp 19/5", "--year", "2024", "--json", data_dir=data_dir)
    out = json.loads(run.stdout)
    assert (out["kind"], out["rule"], out["dates"], out["effective_dates"]) == (
        "recurring",
        "occasion",
        ["2024-05-19"],
        ["2024-05-19"],
    )
    limit = tdkt("deadline", "ngày 19 hằng tháng", "--year", "2024", "--json", data_dir=data_dir)
    assert json.loads(limit.stdout)["effective_dates"][4] == "2024-05-20"  # a time limit moves


def test_unreadable_deadline_exits_2_without_traceback(data_dir: Path) -> None:
    run = tdkt("deadline", "khi nào xong thì gửi", data_dir=data_dir)
    assert run.returncode == 2
    assert "không đọc được" in run.stderr and "Traceback" not in run.stderr


def test_deadline_human_output_is_vietnamese(data_dir: Path) -> None:
    run = tdkt("deadline", "trước ngày 30/5/2023", data_dir=data_dir)
    assert "29/05/2023" in run.stdout and "Quy tắc" in run.stdout


def test_calendar_json(data_dir: Path) -> None:
    out = json.loads(tdkt("calendar", "2025", "--json", data_dir=data_dir).stdout)
    days = {d["date"]: d["name"] for d in out["days_off"]}
    assert "2025-01-29" in days and "Tết" in days["2025-01-29"]
    assert "2025-09-02" in days


def test_plan_check_all_seed_plans(data_dir: Path) -> None:
    run = tdkt("plan", "check", *map(str, PLANS), data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("✓") == len(PLANS)


def test_plan_check_reports_file_line_field(tmp_path: Path, data_dir: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        QB_PLAN.read_text(encoding="utf-8").replace(
            "lead_agencies: [QB.SYT]", "lead_agencies: [QB.SYTE]"
        ),
        encoding="utf-8",
    )
    run = tdkt("plan", "check", str(bad), data_dir=data_dir)
    assert run.returncode == 2
    assert f"{bad}:" in run.stderr and "fields[5].lead_agencies[0]" in run.stderr
    assert "QB.SYTE" in run.stderr and "Traceback" not in run.stderr


def test_plan_show_quang_binh_timeline(data_dir: Path) -> None:
    run = tdkt("plan", "show", str(QB_PLAN), data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    for text in (
        "31/10/2022",
        "Quý II năm 2023",
        "Quý III năm 2023",
        "Quý I năm 2025",
        "Quý II năm 2025",
        "11/06/2025",
        "1837/KH-UBND",
    ):
        assert text in run.stdout, text


def test_plan_show_flags_milestones_awaiting_a_date(data_dir: Path) -> None:
    run = tdkt("plan", "show", "plans/khanh-hoa-stnmt-2021-2025.yaml", data_dir=data_dir)
    assert run.returncode == 0 and "chưa có thời hạn" in run.stdout


def test_plan_load_then_show_from_the_database(data_dir: Path) -> None:
    run = tdkt("plan", "load", str(QB_PLAN), data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    assert "Đã nạp" in run.stdout
    again = tdkt("plan", "load", str(QB_PLAN), data_dir=data_dir)
    assert "không có gì thay đổi" in again.stdout
    shown = tdkt("plan", "show", "quang-binh-2021-2025", data_dir=data_dir)
    assert "Quý III năm 2023" in shown.stdout and "31/10/2022" in shown.stdout


def test_plan_instantiate(tmp_path: Path, data_dir: Path) -> None:
    out = tmp_path / "qb-2026.yaml"
    run = tdkt(
        "plan",
        "instantiate",
        str(QB_PLAN),
        "--period",
        "2026-2030",
        "-o",
        str(out),
        data_dir=data_dir,
    )
    assert run.returncode == 0, run.stderr
    # A draft of a new document: check lists its empty header until it is filled
    # (tests/test_plan_instantiation.py fills it); show works on the draft.
    assert tdkt("plan", "check", str(out), data_dir=data_dir).returncode != 0
    assert "31/10/2027" in tdkt("plan", "show", str(out), data_dir=data_dir).stdout


@pytest.mark.parametrize("bad_email", ["not-an-email", "a@b@c.example"])
def test_directory_import_refuses_bad_email(tmp_path: Path, data_dir: Path, bad_email: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "unit_code,unit_name,unit_kind,contact_name,contact_role,contact_email\n"
        f"T,Tỉnh,province,A,head,{bad_email}\n",
        encoding="utf-8",
    )
    run = tdkt("directory", "import", str(path), data_dir=data_dir)
    assert run.returncode == 2 and f"{path}:2" in run.stderr and "email" in run.stderr


def test_submit_accept_and_return_from_the_command_line(data_dir: Path) -> None:
    import datetime as dt

    from sqlalchemy import select

    from models.calendar import default_calendar
    from models.db import unit_of_work
    from models.orm import Campaign
    from models.services.obligations import open_obligations
    from tests.chase_helpers import load_small, morning

    load_small()
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        open_obligations(
            session,
            campaign,
            default_calendar(),
            until=dt.date(2023, 12, 31),
            at=morning(dt.date(2023, 2, 1)),
        )
    listed = tdkt("obligations", "small-2023-2024", data_dir=data_dir)
    assert "T.A" in listed.stdout and "Chưa nộp" in listed.stdout
    ok = tdkt("submit", "small-2023-2024", "report", "T.A", data_dir=data_dir)
    assert ok.returncode == 0 and "Đã ghi nhận" in ok.stdout
    returned = tdkt(
        "return", "small-2023-2024", "report", "T.A", "--reason", "Thiếu phụ lục", data_dir=data_dir
    )
    assert returned.returncode == 0 and "hạn nộp lại" in returned.stdout
    refused = tdkt("accept", "small-2023-2024", "report", "T.A", data_dir=data_dir)
    assert refused.returncode == 2 and "không thể chuyển" in refused.stderr
    missing = tdkt("submit", "small-2023-2024", "report", "T.X", data_dir=data_dir)
    assert missing.returncode == 2 and "Không có đơn vị 'T.X'" in missing.stderr
