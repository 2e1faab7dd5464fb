"""The leaders' report as a page: complete, Vietnamese, escaped, still written when data is thin
(built from plain data here; tests/test_leaders_report.py builds it from a campaign)."""

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
from models.lifecycle import FUNNEL
from models.services.leaders_report import (
    Deadline,
    FunnelYear,
    Header,
    LateUnit,
    LeadersReport,
    OwedItem,
)

HEADINGS = (
    "1. Các đơn vị chậm thực hiện",
    "2. Kết quả phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến",
    "3. Các mốc thời gian của kế hoạch",
    "5. Việc nhắc nhở, đôn đốc",
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


D = dt.date


def header(**changes: Any) -> Header:
    base = Header(
        issuer="Ủy ban nhân dân tỉnh Quảng Bình",
        number="1837/KH-UBND",
        date=D(2022, 10, 4),
        title="Kế hoạch xây dựng và nhân rộng điển hình tiên tiến giai đoạn 2021 - 2025",
        as_of=D(2024, 1, 9),
        simulated=False,
        standing_body="Sở Nội vụ",
        period=(2021, 2025),
    )
    return base if not changes else Header(**{**base.__dict__, **changes})


def deadline(kind: str, title: str, due: dt.date, period: str = "", missing: int = 1) -> Deadline:
    return Deadline(kind, title, period, None, due, 5, 3, 1, missing)


def report(**changes: Any) -> LeadersReport:
    base: dict[str, Any] = {
        "header": header(),
        "late_units": [
            LateUnit(
                "Sở Y tế",
                "Nguyễn Văn A, 0232 3822 111",
                [OwedItem("Báo cáo tổng kết năm 2023", "", D(2023, 12, 15), 25)],
            ),
            LateUnit(
                "Sở Giáo dục và Đào tạo",
                "",
                [
                    OwedItem("Gửi kế hoạch của đơn vị", "", D(2022, 10, 31), 435),
                    OwedItem("Đánh giá định kỳ", "Trần Thị B (Trường THPT X)", D(2023, 12, 31), 9),
                ],
            ),
        ],
        "funnel": [FunnelYear(2023, [40, 38, 30, 25, 20, 18, 15, 9], 12, 7)],
        "timeline": [
            deadline("Gửi kế hoạch", "Gửi kế hoạch của đơn vị", D(2022, 10, 31)),
            deadline(
                "Chỉ tiêu điển hình", "Giới thiệu đủ số điển hình", D(2023, 12, 31), "năm 2023"
            ),
            deadline(
                "Đánh giá định kỳ", "Đánh giá định kỳ điển hình", D(2023, 3, 31), "quý I/2023"
            ),
            deadline("Tuyên truyền", "Đăng bài giới thiệu điển hình", D(2023, 6, 30), "năm 2023"),
            deadline("Đề nghị khen thưởng", "Quyết định khen thưởng", D(2023, 12, 20), "năm 2023"),
        ],
        "activity": {
            "obligations": {"total": 400, "submitted": 330, "overdue_now": 3},
            "emails": {
                "by_kind": {"reminder": 1200, "due": 300, "escalation": 232},
                "by_week": {"2022-10-10": 40, "2022-10-24": 12, "2023-01-02": 1648},
            },
            "notifications": {"by_step": {"reminder-3": 1200, "escalation-1": 1037}},
        },
    }
    return LeadersReport(**(base | changes))


def series() -> list[Day]:
    days = (D(2022, 10, 4), D(2022, 11, 2), D(2023, 1, 3), D(2024, 1, 9))
    return [Day(day, 39 - 9 * i, 3 * i, 9 * i) for i, day in enumerate(days)]


def render(tmp_path: Path, data: LeadersReport, points: list[Day] | None = None) -> str:
    path = tmp_path / "out" / "report.html"
    write_report(path, data, points or [])
    return path.read_text(encoding="utf-8")


def assert_well_formed(html: str) -> None:
    parser = StrictParser()
    parser.feed(html)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []


def visible_text(html: str) -> str:
    """The words a reader sees (tags and the style sheet left out)."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_header_cites_the_plan_by_issuer_number_and_date_and_says_when(tmp_path: Path) -> None:
    html = render(tmp_path, report())
    text = visible_text(html)
    assert (
        "Báo cáo tình hình thực hiện Kế hoạch số 1837/KH-UBND ngày 04/10/2022 "
        "của Ủy ban nhân dân tỉnh Quảng Bình" in text
    )
    assert "Số liệu tính đến ngày 09/01/2024" in text
    assert "Ủy ban nhân dân tỉnh Quảng Bình" in text and "Sở Nội vụ" in text
    assert "quang-binh" not in html  # never the slug
    assert "mô phỏng" not in text.lower() and "chạy thử" not in text  # a live campaign
    assert_well_formed(html)


def test_a_replay_says_in_plain_words_that_it_is_a_rehearsal(tmp_path: Path) -> None:
    text = visible_text(render(tmp_path, report(header=header(simulated=True))))
    assert "bản chạy thử" in text and "không phải số liệu thực tế" in text


def test_late_units_are_ranked_with_what_they_owe(tmp_path: Path) -> None:
    text = visible_text(render(tmp_path, report()))
    assert "Các đơn vị chậm thực hiện" in text
    # The template keeps the service's order (the longest overdue first: see
    # tests/test_leaders_report.py); each unit lists its items with due dates and days.
    assert text.index("Sở Y tế") < text.index("Sở Giáo dục và Đào tạo")
    assert "Gửi kế hoạch của đơn vị" in text and "hạn 31/10/2022, quá 435 ngày" in text
    assert "Đánh giá định kỳ (Trần Thị B (Trường THPT X))" in text
    assert "Đầu mối: Nguyễn Văn A, 0232 3822 111" in text
    assert "2 đơn vị còn việc quá hạn" in text


def test_no_late_unit_is_said_in_words(tmp_path: Path) -> None:
    text = visible_text(render(tmp_path, report(late_units=[])))
    assert "không có đơn vị nào chậm thực hiện" in text


def test_funnel_labels_say_what_the_numbers_are(tmp_path: Path) -> None:
    text = visible_text(render(tmp_path, report()))
    for label in (
        "Đăng ký xây dựng điển hình 40",
        "Đang được bồi dưỡng, theo dõi 38",
        "Đủ tiêu chuẩn 30",
        "Được đưa ra bình xét 25",
        "Được bình chọn 20",
        "Được biểu dương, tôn vinh 15",
        "Được khen thưởng 9",
        "Quyết định khen thưởng đã ký (trong năm) 7",
    ):
        assert label in text
    assert len(FUNNEL) == 8
    assert "Tiêu chuẩn 13/4" not in text and "Bình xét" not in text


def test_timeline_shows_every_kind_of_milestone(tmp_path: Path) -> None:
    html = render(tmp_path, report())
    text = visible_text(html)
    for kind in (
        "Gửi kế hoạch",
        "Chỉ tiêu điển hình",
        "Đánh giá định kỳ",
        "Tuyên truyền",
        "Đề nghị khen thưởng",
    ):
        assert kind in text
    assert "Năm 2022" in text and "Năm 2023" in text  # one chart per year
    assert 'aria-label="Các mốc của kế hoạch năm 2023"' in html


def test_words_a_leader_uses_and_no_machine_paths(tmp_path: Path) -> None:
    text = visible_text(render(tmp_path, report(), series()))
    for ops in ("lượt chạy flow", "Máy chủ thư", ".eml", "/tmp", "Báo cấp trên", "flow"):
        assert ops not in text
    assert "Báo cáo việc chậm lên cấp trên 232" in text
    assert "nêu tổng cộng 1.037 lượt việc chậm" in text


def test_page_prints_on_a4_without_dark_backgrounds(tmp_path: Path) -> None:
    html = render(tmp_path, report())
    assert "size: A4" in html and "@media print" in html and "break-before: page" in html
    style = html[html.index("<style>") : html.index("</style>")]  # swatches are inline
    for colour in re.findall(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})", style):
        value = colour.lstrip("#")
        value = "".join(c * 2 for c in value) if len(value) == 3 else value
        red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
        assert min(red, green, blue) >= 0xD0, colour
    assert "Trang " in html and "counter(pages)" in html


def test_report_shows_charts_headings_and_vietnamese_dates(tmp_path: Path) -> None:
    html = render(tmp_path, report(), series())
    assert html.count("<svg") >= 4
    for heading in HEADINGS:
        assert heading in html
    assert "31/10/2022" in html and "1.648" in html  # a week's bar says its count on hover
    assert "quý I/2023" in html
    assert "Số việc đang mở và quá hạn theo thời gian" in html  # the replay's series
    assert_well_formed(html)


def test_page_is_self_contained(tmp_path: Path) -> None:
    html = render(tmp_path, report(), series())
    assert "<script" not in html.lower()
    assert "<link" not in html.lower() and "@import" not in html
    assert set(re.findall(r"https?://[^\"' ]+", html)) == {"http://www.w3.org/2000/svg"}


def test_text_from_the_plan_is_escaped(tmp_path: Path) -> None:
    evil = "<script>alert('x')</script> & co"
    data = report(
        header=header(title=evil, issuer=evil),
        late_units=[LateUnit(evil, evil, [OwedItem(evil, evil, D(2023, 1, 2), 3)])],
        timeline=[deadline(evil, evil, D(2023, 3, 31))],
    )
    html = render(tmp_path, data, series())
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert_well_formed(html)


def test_empty_report_still_gives_a_complete_page(tmp_path: Path) -> None:
    data = report(late_units=[], funnel=[], timeline=[], activity={})
    html = render(tmp_path, data)
    assert "Chưa có điển hình nào được đăng ký." in html
    assert "Kế hoạch chưa có mốc nào." in html
    assert "Chưa có thư nào được gửi." in html
    assert_well_formed(html)


def test_unnumbered_plan_is_cited_without_a_number(tmp_path: Path) -> None:
    data = report(header=header(number=None, date=None))
    text = visible_text(render(tmp_path, data))
    assert "Báo cáo tình hình thực hiện Kế hoạch của Ủy ban nhân dân tỉnh Quảng Bình" in text


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
