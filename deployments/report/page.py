"""The report's page: the figures a leader asks about, formatted, laid out by the template, and
saved as HTML (and, through headless Chromium, as PDF)."""

from __future__ import annotations

import pathlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from deployments.report.charts import points, trend_chart, weekly_chart, weekly_counts
from deployments.report.formatting import (
    as_int,
    section,
    vn_date,
    vn_number,
    vn_percent,
)
from deployments.report.svg import BARS, INK, LATE, MISSING, ON_TIME, OVERDUE, SUBMITTED
from deployments.report.timeline import kind_colours, year_charts
from models.lifecycle import FUNNEL
from models.services.leaders_report import FunnelYear, Header, LeadersReport

TEMPLATES = pathlib.Path(__file__).resolve().parent.parent / "templates"
TEMPLATE = "report.html.j2"

FUNNEL_LABELS = (
    "Đăng ký xây dựng điển hình",
    "Đang được bồi dưỡng, theo dõi",
    "Đủ tiêu chuẩn",
    "Được đưa ra bình xét",
    "Được bình chọn",
    "Được tuyên truyền trên báo chí",
    "Được biểu dương, tôn vinh",
    "Được khen thưởng",
)
"""What each stage of models.lifecycle.FUNNEL means, in words a leader reads without a key."""
assert len(FUNNEL_LABELS) == len(FUNNEL)


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    note: str
    colour: str


def title_line(header: Header) -> str:
    """'Báo cáo tình hình thực hiện Kế hoạch số 1837/KH-UBND ngày 04/10/2022 của UBND tỉnh …'."""
    plan = "Kế hoạch"
    if header.number:
        plan += f" số {header.number}"
    if header.date:
        plan += f" ngày {vn_date(header.date)}"
    return f"Báo cáo tình hình thực hiện {plan} của {header.issuer}"


def tiles(report: LeadersReport) -> list[Tile]:
    """The key figures, large, in the order a leader asks about them."""
    activity = report.activity
    obligations, emails = section(activity, "obligations"), section(activity, "emails")
    count, submitted = as_int(obligations, "total"), as_int(obligations, "submitted")
    late_items = sum(len(u.items) for u in report.late_units)
    by_kind = emails.get("by_kind") or {}
    chased = as_int(by_kind, "reminder") + as_int(by_kind, "due")
    escalated = as_int(by_kind, "escalation")
    named = sum(
        as_int(section(activity, "notifications").get("by_step"), str(step))
        for step in (section(activity, "notifications").get("by_step") or {})
        if str(step).startswith("escalation")
    )
    return [
        Tile("Việc các đơn vị phải thực hiện", vn_number(count), "báo cáo, hồ sơ, đánh giá…", INK),
        Tile(
            "Đã thực hiện",
            vn_number(submitted),
            f"{vn_percent(submitted, count)} số việc",
            SUBMITTED,
        ),
        Tile(
            "Đơn vị đang chậm",
            vn_number(len(report.late_units)),
            f"còn nợ {vn_number(late_items)} việc đã quá hạn",
            OVERDUE,
        ),
        Tile("Thư nhắc việc", vn_number(chased), "gửi các đơn vị trước và đúng ngày đến hạn", BARS),
        Tile(
            "Báo cáo việc chậm lên cấp trên",
            vn_number(escalated),
            f"thư, nêu tổng cộng {vn_number(named)} lượt việc chậm",
            LATE,
        ),
    ]


@dataclass(frozen=True)
class FunnelRow:
    label: str
    cells: list[str]


def funnel_rows(years: Sequence[FunnelYear]) -> list[FunnelRow]:
    """One row per stage (years across): how many exemplars got that far, then the honour-roll
    names and reward decisions of each year."""
    rows = [
        FunnelRow(label, [vn_number(y.stages[i]) for y in years])
        for i, label in enumerate(FUNNEL_LABELS)
    ]
    rows.append(
        FunnelRow(
            "Tên ghi vào sổ vàng, bảng vàng (trong năm)", [vn_number(y.honour_roll) for y in years]
        )
    )
    rows.append(
        FunnelRow(
            "Quyết định khen thưởng đã ký (trong năm)",
            [vn_number(y.reward_decisions) for y in years],
        )
    )
    return rows


def context(report: LeadersReport, series: Sequence[Any]) -> dict[str, Any]:
    """Everything the template shows, already formatted: the template only lays it out."""
    header, activity = report.header, report.activity
    data = points(series)
    start = data[0].day if data else None
    return {
        "header": header,
        "title_line": title_line(header),
        "as_of": vn_date(header.as_of),
        "tiles": tiles(report),
        "late_units": report.late_units,
        "funnel_years": [y.year for y in report.funnel],
        "funnel": funnel_rows(report.funnel),
        "kinds": kind_colours(report.timeline),
        "years": year_charts(report.timeline, header.as_of),
        "timeline": report.timeline,
        "trend": trend_chart(data, start, header.as_of) if data else None,
        "weekly": weekly_chart(weekly_counts(section(activity, "emails").get("by_week") or {})),
        "vn_date": vn_date,
        "vn_number": vn_number,
        "colours": {"on_time": ON_TIME, "late": LATE, "missing": MISSING},
    }


def environment() -> Environment:
    """Templates of deployments/templates, autoescaped: plan text is never trusted as HTML."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_report(report: LeadersReport, series: Sequence[Any] = ()) -> str:
    """The report as an HTML string (what write_report saves). `series`, a replay's day points,
    adds the chart of open and overdue items over time."""
    return environment().get_template(TEMPLATE).render(context(report, series))


def write_report(path: pathlib.Path, report: LeadersReport, series: Sequence[Any] = ()) -> None:
    """Writes the HTML report to path, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(report, series), encoding="utf-8")
