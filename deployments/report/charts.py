"""The activity charts: obligations open and overdue day by day (a replay's series), and the
reminder emails sent each week."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from deployments.report.formatting import parse_day, vn_date, vn_number
from deployments.report.svg import (
    BARS,
    OPEN,
    OVERDUE,
    SUBMITTED,
    Point,
    TimeScale,
    ValueScale,
    empty_chart,
    fmt,
    legend,
    nice_ticks,
    rect,
    svg,
    text,
    time_axis,
    value_axis,
)


def points(series: Sequence[Any]) -> list[Point]:
    """The replay's day points (any objects with day/open/overdue/submitted), in day order."""
    found = []
    for point in series:
        day = parse_day(point.day)
        if day is not None:
            found.append(Point(day, int(point.open), int(point.overdue), int(point.submitted)))
    return sorted(found)


def step_path(xy: Sequence[tuple[float, float]]) -> str:
    """A step line: counts only change on visited days, so they hold flat until the next one."""
    head = f"M{fmt(xy[0][0])} {fmt(xy[0][1])}"
    return head + "".join(f"H{fmt(x)}V{fmt(y)}" for x, y in xy[1:])


def series_paths(xy: Sequence[tuple[float, float]], colour: str, base: float, area: bool) -> str:
    """The line of one series, with a translucent area under it when asked."""
    path = step_path(xy)
    parts = []
    if area:
        closing = f"V{fmt(base)}H{fmt(xy[0][0])}Z"
        parts.append(f'<path d="{path}{closing}" fill="{colour}" fill-opacity="0.14"/>')
    parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    return "".join(parts)


def end_labels(items: Sequence[tuple[float, str, str]], x: float) -> list[str]:
    """Last values at the right end of the lines, nudged apart so they never overlap."""
    parts: list[str] = []
    last_y = -math.inf
    for y, value, colour in sorted(items):
        y = max(y + 4, last_y + 14)
        parts.append(
            f'<text x="{fmt(x)}" y="{fmt(y)}" class="value" fill="{colour}">{escape(value)}</text>'
        )
        last_y = y
    return parts


TREND = (
    ("open", OPEN, "Đang mở (chưa nộp)", True),
    ("overdue", OVERDUE, "Quá hạn", True),
    ("submitted", SUBMITTED, "Đã nộp (lũy kế)", False),
)


def trend_chart(data: Sequence[Point], start: dt.date | None, end: dt.date | None) -> Markup:
    """Chart 2: how many obligations were open, overdue and submitted on each visited day."""
    label = "Nghĩa vụ đang mở và quá hạn theo thời gian"
    if not data:
        return empty_chart(label)
    first, last = min(data[0].day, start or data[0].day), max(data[-1].day, end or data[-1].day)
    if first == last:
        last = first + dt.timedelta(days=1)
    scale = TimeScale(first, last, 60, 1010)
    ticks = nice_ticks(max(max(p.open, p.overdue, p.submitted) for p in data))
    values = ValueScale(ticks[-1], 240, 24)
    parts = value_axis(values, ticks, scale.left, scale.right)
    parts += time_axis(scale, values.top_y, values.bottom_y, values.bottom_y + 16)
    labels = []
    for field, colour, _name, area in TREND:
        xy = [(scale.x(p.day), values.y(getattr(p, field))) for p in data]
        xy.append((scale.x(last), xy[-1][1]))
        parts.append(series_paths(xy, colour, values.bottom_y, area))
        labels.append((xy[-1][1], vn_number(getattr(data[-1], field)), colour))
    parts += end_labels(labels, scale.right + 8)
    parts += legend([(colour, name) for _f, colour, name, _a in TREND], scale.left, 292)
    return svg(1100, 300, label, parts)


# --------------------------------------------------------------------------- emails per week


def weekly_counts(by_week: Mapping[str, Any]) -> list[tuple[dt.date, int]]:
    """Weeks (their Mondays) from the first to the last with mail, quiet weeks counted as 0."""
    counts: dict[dt.date, int] = {}
    for key, value in by_week.items():
        day = parse_day(key)
        if day is not None and isinstance(value, int | float):
            monday = day - dt.timedelta(days=day.weekday())
            counts[monday] = counts.get(monday, 0) + int(value)
    if not counts:
        return []
    week, last = min(counts), max(counts)
    filled = []
    while week <= last:
        filled.append((week, counts.get(week, 0)))
        week += dt.timedelta(days=7)
    return filled


def weekly_chart(weeks: Sequence[tuple[dt.date, int]]) -> Markup:
    """Chart 3: emails sent each week, to see when the deadlines made the mail pile up."""
    label = "Thư nhắc việc gửi các đơn vị mỗi tuần"
    if not weeks:
        return empty_chart(label, "Chưa có thư nào được gửi.")
    scale = TimeScale(weeks[0][0], weeks[-1][0] + dt.timedelta(days=7), 60, 1010)
    ticks = nice_ticks(max(count for _w, count in weeks))
    values = ValueScale(ticks[-1], 200, 18)
    parts = value_axis(values, ticks, scale.left, scale.right)
    width = max(scale.x(weeks[0][0] + dt.timedelta(days=7)) - scale.left, 1)
    for week, count in weeks:
        if count:
            y = values.y(count)
            tip = f"Tuần từ {vn_date(week)}: {vn_number(count)} thư"
            parts.append(
                f"<g><title>{escape(tip)}</title>"
                + rect(scale.x(week) + width * 0.1, y, width * 0.8, values.bottom_y - y, BARS)
                + "</g>"
            )
    parts += average_line(weeks, values, scale)
    parts += time_axis(scale, values.top_y, values.bottom_y, values.bottom_y + 16)
    return svg(1100, 240, label, parts)


def average_line(
    weeks: Sequence[tuple[dt.date, int]], values: ValueScale, scale: TimeScale
) -> list[str]:
    """A dashed line at the weekly average: peaks stand out against it."""
    average = sum(count for _w, count in weeks) / len(weeks)
    y = values.y(average)
    return [
        f'<line x1="{fmt(scale.left)}" y1="{fmt(y)}" x2="{fmt(scale.right)}" y2="{fmt(y)}" '
        f'stroke="{OVERDUE}" stroke-width="1" stroke-dasharray="5 4"/>',
        text(scale.right + 8, y - 2, "trung bình", cls="note"),
        text(scale.right + 8, y + 11, f"{vn_number(round(average, 1))} thư/tuần", cls="note"),
    ]
