"""The replay's HTML report: complete, Vietnamese, escaped, and still written when data is thin."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from deployments.report import (
    nice_ticks,
    occurrence_label,
    vn_date,
    vn_number,
    weekly_counts,
    write_report,
)

HEADINGS = (
    "Dòng thời gian kế hoạch",
    "Nghĩa vụ đang mở và quá hạn theo thời gian",
    "Thư gửi mỗi tuần",
)
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "source", "wbr"}


@dataclass
class Day:
    day: dt.date
    open: int
    overdue: int
    submitted: int


class StrictParser(HTMLParser):
    """html.parser never raises on bad markup, so count unbalanced tags ourselves."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def summary(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "campaign": "quang-binh-2021-2025",
        "from": "2022-10-04",
        "to": "2025-06-30",
        "days_visited": 84,
        "flow_runs": 90,
        "mail_folder": "/tmp/mail",
        "messages_received": 1700,
        "emails": {
            "total": 1700,
            "by_kind": {"reminder": 1200, "due": 300, "escalation": 200},
            "by_month": {"2022-10": 120, "2023-01": 80},
            "by_week": {"2022-10-10": 40, "2022-10-24": 12, "2023-01-02": 1648},
            "by_status": {"sent": 1700},
            "on_days_off": [],
        },
        "notifications": {
            "total": 2000,
            "by_step": {"reminder-10": 400, "reminder-3": 380, "due": 300, "escalation-1": 80},
        },
        "obligations": {
            "total": 400,
            "by_status": {"accepted": 300, "overdue": 40, "open": 60},
            "submitted": 330,
            "ever_overdue": 90,
            "overdue_now": 40,
        },
        "timeline": [
            milestone("unit-plan", "Gửi kế hoạch của đơn vị", "once", "2022-10-31", "2022-10-01"),
            milestone("year-end", "Xem xét khen thưởng cuối năm", "2023", "2023-12-31"),
            milestone("quarterly", "Báo cáo quý", "2024-Q1", "2024-03-31"),
        ],
    }
    return base | changes


def milestone(
    code: str, title: str, occurrence: str, due: str, start: str | None = None
) -> dict[str, Any]:
    return {
        "milestone": code,
        "title": title,
        "phrase": "chậm nhất trong tháng 10 năm 2022",
        "occurrence": occurrence,
        "start": start,
        "due": due,
        "effective_due": due,
        "units": 39,
        "submitted_on_time": 30,
        "submitted_late": 5,
        "not_submitted": 4,
        "reminders": 80,
        "escalations": 12,
    }


def series() -> list[Day]:
    days = (dt.date(2022, 10, 4), dt.date(2022, 11, 2), dt.date(2023, 1, 3), dt.date(2025, 6, 30))
    return [Day(day, 39 - 9 * i, 3 * i, 9 * i) for i, day in enumerate(days)]


def render(tmp_path: Path, data: dict[str, Any], points: list[Day]) -> str:
    path = tmp_path / "out" / "report.html"
    write_report(path, data, points)
    return path.read_text(encoding="utf-8")


def assert_well_formed(html: str) -> None:
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []


def test_report_shows_charts_headings_and_vietnamese_dates(tmp_path: Path) -> None:
    html = render(tmp_path, summary(), series())
    assert html.count("<svg") >= 3
    for heading in HEADINGS:
        assert f"<h2>{heading}</h2>" in html
    assert "04/10/2022" in html and "30/06/2025" in html and "31/10/2022" in html
    assert "1.700" in html  # thousands separated the Vietnamese way
    assert "năm 2023" in html and "quý I/2024" in html
    assert "Nhắc trước 10 ngày làm việc" in html
    assert_well_formed(html)


def test_page_is_self_contained(tmp_path: Path) -> None:
    html = render(tmp_path, summary(), series())
    assert "<script" not in html.lower()
    assert "<link" not in html.lower() and "@import" not in html
    assert set(re.findall(r"https?://[^\"' ]+", html)) == {"http://www.w3.org/2000/svg"}


def test_text_from_the_plan_is_escaped(tmp_path: Path) -> None:
    evil = "<script>alert('x')</script> & co"
    data = summary(plan_title=evil, campaign="<b>slug</b>")
    data["timeline"].append(milestone("evil", evil, "2024", "2024-12-31"))
    data["emails"]["by_kind"][evil] = 1
    html = render(tmp_path, data, series())
    assert "<script" not in html.lower()
    assert "<b>slug" not in html
    assert "&lt;script&gt;" in html
    assert_well_formed(html)


def test_empty_series_and_timeline_still_give_a_complete_page(tmp_path: Path) -> None:
    data = summary(timeline=[])
    data["emails"] = {"total": 0, "by_kind": {}, "by_week": {}, "by_status": {}}
    html = render(tmp_path, data, [])
    assert html.count("<svg") >= 3
    assert "Chưa có dữ liệu" in html
    for heading in HEADINGS:
        assert heading in html
    assert_well_formed(html)


def test_missing_optional_keys_are_tolerated(tmp_path: Path) -> None:
    html = render(tmp_path, {"campaign": "c", "from": "2024-01-01", "to": "2024-03-31"}, [])
    assert "01/01/2024" in html and "31/03/2024" in html
    assert_well_formed(html)


def test_one_day_series_and_entry_without_dates(tmp_path: Path) -> None:
    data = summary()
    data["timeline"].append(milestone("undated", "Không có hạn", "once", ""))
    data["timeline"][-1]["effective_due"] = None
    html = render(tmp_path, data, [Day(dt.date(2023, 1, 3), 5, 1, 2)])
    assert "Không có hạn" in html
    assert_well_formed(html)


@pytest.mark.parametrize(
    ("value", "text"), [(0, "0"), (999, "999"), (1700, "1.700"), (1234567, "1.234.567")]
)
def test_vn_number(value: int, text: str) -> None:
    assert vn_number(value) == text


def test_vn_number_writes_decimals_with_a_comma() -> None:
    assert vn_number(4.9) == "4,9"
    assert vn_number(1234.5) == "1.234,5"


def test_dates_and_occurrences_in_vietnamese() -> None:
    assert vn_date("2022-10-04") == "04/10/2022"
    assert vn_date(None) == "—"
    assert occurrence_label("2023") == "năm 2023"
    assert occurrence_label("2024-Q1") == "quý I/2024"
    assert occurrence_label("2024-05") == "tháng 5/2024"
    assert occurrence_label("once") == ""
    assert occurrence_label("2024-H1") == "6 tháng đầu năm 2024"  # half-years (issue 21)
    assert occurrence_label("2024-W3") == "2024-W3"  # a key it does not know: shown as is


def test_quiet_weeks_are_filled_with_zero() -> None:
    weeks = weekly_counts({"2022-10-10": 4, "2022-10-31": 2})
    assert weeks == [
        (dt.date(2022, 10, 10), 4),
        (dt.date(2022, 10, 17), 0),
        (dt.date(2022, 10, 24), 0),
        (dt.date(2022, 10, 31), 2),
    ]
    assert weekly_counts({}) == []


def test_ticks_are_round_and_cover_the_maximum() -> None:
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(226) == [0, 50, 100, 150, 200, 250]


def test_lifecycle_table_per_year(tmp_path: Path) -> None:
    from deployments.report import render_report

    summary = {
        "campaign": "x",
        "from": "2023-01-01",
        "to": "2023-12-31",
        "lifecycle": {
            "2023": {
                "registrations": 1234,
                "quotas": {"met": 3, "total": 4},
                "assessments": {"done": 5, "overdue": 1},
                "eligibility": {"eligible": 7, "ineligible": 2},
                "ballots": {"held": 1, "candidates": 7, "selected": 6},
                "articles": {"owed": 18, "published": 15},
                "honour_roll": 6,
                "reward_decisions": 5,
            }
        },
    }
    html = render_report(summary, [])
    assert "Vòng đời điển hình theo năm" in html
    assert "1.234" in html and "3/4" in html and "7/6" in html and "18 (15)" in html
