"""The `tdkt` command speaks Vietnamese and refuses typos: choices in either language, the
nearest id, Typer's own messages, obligations with names and a summary, moved dates."""

from __future__ import annotations

import datetime as dt
import errno
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from deployments.cli import app
from deployments.cli.common import Choice
from models.os_errors import os_error
from models.text import vn_moved
from models.vocabulary import ObligationStatus, SubjectKind
from tests.conftest import QB_PLAN


def tdkt(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


def flat(text: str) -> str:
    return " ".join(text.split())


STATUS = Choice(ObligationStatus, "trạng thái")


@pytest.mark.parametrize("typed", ["overdue", "Quá hạn", "quá hạn", "qua han", "OVERDUE"])
def test_a_choice_takes_the_english_value_or_the_vietnamese_label(typed: str) -> None:
    assert STATUS(typed) is ObligationStatus.OVERDUE


def test_a_choice_refuses_naming_the_nearest_and_every_accepted_value() -> None:
    with pytest.raises(typer.BadParameter) as refused:
        STATUS("overdeu")
    message = str(refused.value)
    assert "'overdeu' không phải trạng thái hợp lệ. Có phải 'overdue' (Quá hạn)?" in message
    assert all(f"{s.value} ({s.label})" in message for s in ObligationStatus)
    assert Choice(SubjectKind, "loại")("Cá nhân") is SubjectKind.INDIVIDUAL


def _opened() -> None:
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


def test_obligations_lists_unit_names_a_summary_and_how_many_more(data_dir: Path) -> None:
    _opened()
    run = tdkt("obligations", "small-2023-2024", "--limit", "1")
    assert run.exit_code == 0, run.output
    out = flat(run.output)
    assert "(T.A)" in out or "(T.B)" in out
    assert "… còn" in out and "nghĩa vụ nữa" in out and "--limit 0" in out
    assert "Tổng cộng" in out and "Chưa nộp" in out
    everything = flat(tdkt("obligations", "small-2023-2024", "--limit", "0").output)
    assert "… còn" not in everything


def test_obligations_status_in_vietnamese_or_mistyped(data_dir: Path) -> None:
    _opened()
    vietnamese = tdkt("obligations", "small-2023-2024", "--status", "Chưa nộp")
    assert vietnamese.exit_code == 0 and "Chưa nộp" in vietnamese.output
    typo = tdkt("obligations", "small-2023-2024", "--status", "overdeu")
    assert typo.exit_code == 2 and "Traceback" not in typo.output
    assert "Có phải 'overdue' (Quá hạn)?" in flat(typo.output)


def test_a_mistyped_id_exits_2_naming_the_nearest(data_dir: Path) -> None:
    _opened()
    cases = {
        ("obligations", "small-2023-2042"): "Không có kế hoạch 'small-2023-2042'. "
        "Có phải 'small-2023-2024'?",
        ("obligations", "small-2023-2024", "--unit", "T.AA"): "Không có đơn vị 'T.AA'. "
        "Có phải 'T.A'?",
        ("submit", "small-2023-2024", "reportt", "T.A"): "Không có mốc 'reportt' trong kế hoạch "
        "small-2023-2024. Có phải 'report'?",
        ("plan", "show", "small-2023-2042"): "Có phải 'small-2023-2024'?",
        ("assess", "99", "--period", "2024", "--progress", "x"): "Không có nhân tố số '99'.",
    }
    for args, message in cases.items():
        run = tdkt(*args)
        assert run.exit_code == 2, (args, run.output)
        assert message in flat(run.output), (args, run.output)


def test_typers_own_messages_are_vietnamese() -> None:
    cases = {
        ("obligatons",): "Lỗi: Không có lệnh 'obligatons'. Có phải 'obligations'?",
        ("sweep", "--as-of", "abc"): "Giá trị không hợp lệ cho '--as-of': 'abc' không phải "
        "ngày viết dạng YYYY-MM-DD",
        ("obligations",): "Thiếu tham số 'campaign'.",
        ("calendar", "abc"): "Giá trị không hợp lệ cho 'year': phải là một số nguyên",
        ("calendar", "2025", "--khong"): "Không có tùy chọn --khong.",
        ("obligations", "x", "--status"): "Tùy chọn --status cần một giá trị.",
        ("calendar", "2025", "2026"): "Thừa tham số: 2026.",
    }
    for args, message in cases.items():
        run = tdkt(*args)
        assert run.exit_code == 2, (args, run.output)
        assert message in flat(run.output), (args, run.output)
        assert "Usage" not in run.output and "Error" not in run.output
    usage = flat(tdkt("calendar").output)
    assert "Cách dùng: tdkt calendar [TÙY CHỌN]" in usage
    assert "Xem 'tdkt calendar --help' để biết cách dùng." in usage
    helped = tdkt("obligations", "--help").output
    for heading in ("Cách dùng:", "Tham số", "Tùy chọn", "[bắt buộc]", "Hiện hướng dẫn này"):
        assert heading in helped, heading
    assert "Quá hạn" in helped  # the accepted values are listed


def test_a_missing_file_is_said_in_vietnamese(tmp_path: Path) -> None:
    run = tdkt("plan", "check", str(tmp_path / "khong-co.yaml"))
    assert run.exit_code == 2
    assert "không đọc được tệp: không có tệp hay thư mục này" in flat(run.output)
    assert os_error(OSError(errno.EISDIR, "Is a directory")) == "đây là thư mục, không phải tệp"
    assert os_error(OSError(errno.EBADF, "Bad file descriptor")) == "lỗi hệ thống EBADF"


def test_a_moved_date_shows_each_dates_weekday() -> None:
    assert vn_moved(dt.date(2023, 9, 30), dt.date(2023, 10, 2)) == (
        "30/09/2023 (Thứ Bảy) → 02/10/2023 (Thứ Hai)"
    )
    shown = tdkt("plan", "show", str(QB_PLAN)).output  # one date a line in the table
    assert "30/09/2023 (Thứ Bảy)" in shown and "→ 02/10/2023 (Thứ Hai)" in shown
    assert "→ 02/10/2023 (Thứ Bảy)" not in flat(shown)
    deadline = flat(tdkt("deadline", "Quý III năm 2023").output)
    assert "Hạn thực tế: 30/09/2023 (Thứ Bảy) → 02/10/2023 (Thứ Hai)" in deadline
