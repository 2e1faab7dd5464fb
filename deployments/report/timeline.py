"""The plan's timeline as Gantt charts, one per year so that each fits a printed page: every
deadline (the plan's reports, registrations, assessments, articles, ceremonies, reward
proposals, yearly quotas), its kind by colour, and how the units it asked responded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from deployments.report.formatting import truncate, vn_date, vn_number
from deployments.report.svg import (
    LATE,
    MISSING,
    MUTED,
    ON_TIME,
    STUB,
    WINDOW,
    TimeScale,
    fmt,
    legend,
    line,
    rect,
    svg,
    text,
    time_axis,
)
from models.services.leaders_report import Deadline

# One colour per kind of milestone, in the order kinds first appear (print-safe, distinct).
KIND_COLOURS = (
    "#1f2933",
    "#3f6fa3",
    "#8a5a9e",
    "#c0533f",
    "#3f8a63",
    "#b07d2a",
    "#4a8a9a",
    "#d16ba5",
    "#7a8b2f",
    "#8c564b",
    "#5b5fc7",
    "#9a9a9a",
)
GANTT_STUB = 16
"""Width (in chart units) of the bar drawn before a deadline whose plan gives no start date."""
GANTT_LABEL_CHARS = 50


@dataclass(frozen=True)
class GanttLayout:
    label_left: float = 6
    plot_left: float = 362
    plot_right: float = 905
    split_left: float = 930
    split_width: float = 110
    width: float = 1100
    head: float = 46
    row: float = 21


def kind_colours(rows: Sequence[Deadline]) -> dict[str, str]:
    """The same colour for a kind in every year's chart and in the legend."""
    kinds = list(dict.fromkeys(r.kind for r in rows))
    return {k: KIND_COLOURS[i % len(KIND_COLOURS)] for i, k in enumerate(kinds)}


def by_year(rows: Sequence[Deadline]) -> dict[int, list[Deadline]]:
    """Deadlines grouped by the year they fall in, years in order."""
    years: dict[int, list[Deadline]] = {}
    for row in sorted(rows, key=lambda r: r.due):
        years.setdefault(row.due.year, []).append(row)
    return years


def gantt_label(row: Deadline) -> str:
    """Title, shortened to fit, followed by the period ('· năm 2023') when it recurs."""
    suffix = f" · {row.period}" if row.period else ""
    return truncate(row.title, GANTT_LABEL_CHARS - len(suffix)) + suffix


def diamond(x: float, y: float, size: float, fill: str) -> str:
    return (
        f'<path d="M{fmt(x)} {fmt(y - size)}L{fmt(x + size)} {fmt(y)}L{fmt(x)} {fmt(y + size)}'
        f'L{fmt(x - size)} {fmt(y)}Z" fill="{fill}"/>'
    )


def split_bar(row: Deadline, x: float, y: float, width: float) -> list[str]:
    """On time, late and not done as one 100 % bar, with 'done/asked' beside it."""
    total = row.on_time + row.late + row.missing
    if total == 0:
        return [text(x, y + 4, "—", cls="tick")]
    parts: list[str] = []
    for count, colour in ((row.on_time, ON_TIME), (row.late, LATE), (row.missing, MISSING)):
        share = width * count / total
        parts.append(rect(x, y - 5, share, 10, colour))
        x += share
    done = row.on_time + row.late
    parts.append(text(x + 6, y + 4, f"{vn_number(done)}/{vn_number(row.asked)}", cls="tick"))
    return parts


def window_bar(row: Deadline, scale: TimeScale, y: float) -> str:
    """From the start of the window to the deadline; a short, paler stub when the plan only
    says when things are due."""
    x2 = scale.x(scale.clamp(row.due))
    if row.start is None:
        return rect(x2 - GANTT_STUB, y - 5, GANTT_STUB, 10, STUB, ' rx="3"')
    x1 = scale.x(scale.clamp(row.start))
    return rect(x1, y - 5, max(x2 - x1, 2), 10, WINDOW, ' rx="3"')


def tooltip(row: Deadline) -> str:
    """The full text a truncated label stands for (shown on hover in a browser)."""
    bits = [row.kind, row.title, row.period, f"hạn {vn_date(row.due)}"]
    return " — ".join(b for b in bits if b)


def gantt_row(row: Deadline, index: int, scale: TimeScale, layout: GanttLayout, colour: str) -> str:
    """One row: label, window bar up to the deadline, a diamond in the kind's colour."""
    y = layout.head + index * layout.row + layout.row / 2
    parts = [f"<g><title>{escape(tooltip(row))}</title>"]
    parts.append(rect(layout.label_left, y - 4, 8, 8, colour, ' rx="2"'))
    parts.append(text(layout.label_left + 13, y + 4, gantt_label(row), cls="label"))
    parts.append(window_bar(row, scale, y))
    parts.append(diamond(scale.x(scale.clamp(row.due)), y, 5, colour))
    parts.extend(split_bar(row, layout.split_left, y, layout.split_width))
    parts.append("</g>")
    return "".join(parts)


def today_line(scale: TimeScale, as_of: dt.date, top: float, bottom: float) -> list[str]:
    """Greys what lies after the report's date: nothing there has happened yet."""
    if not scale.start <= as_of < scale.end:
        return []
    x = scale.x(as_of)
    return [
        rect(x, top, scale.right - x, bottom - top, "#eef1f4", ' opacity="0.7"'),
        line(x, top, x, bottom, MUTED, 1),
        text(x - 4, bottom + 14, f"ngày báo cáo {vn_date(as_of)}", cls="tick", anchor="end"),
    ]


def year_chart(
    year: int, rows: Sequence[Deadline], colours: dict[str, str], as_of: dt.date
) -> Markup:
    """The deadlines of one year on that year's time axis."""
    layout = GanttLayout()
    scale = TimeScale(
        dt.date(year, 1, 1), dt.date(year + 1, 1, 1), layout.plot_left, layout.plot_right
    )
    bottom = layout.head + layout.row * len(rows)
    parts = [
        rect(0, layout.head + i * layout.row, layout.width, layout.row, "#f5f7f9")
        for i in range(0, len(rows), 2)
    ]
    parts += today_line(scale, as_of, layout.head, bottom)
    parts += time_axis(scale, layout.head - 2, bottom, layout.head - 8)
    parts.append(
        text(layout.split_left, layout.head - 8, "Đã thực hiện / phải thực hiện", cls="tick")
    )
    parts += [gantt_row(r, i, scale, layout, colours[r.kind]) for i, r in enumerate(rows)]
    parts += legend(
        [
            (WINDOW, "thời gian thực hiện"),
            (ON_TIME, "đúng hạn"),
            (LATE, "muộn"),
            (MISSING, "chưa thực hiện"),
        ],
        layout.label_left,
        bottom + 34,
    )
    return svg(layout.width, bottom + 44, f"Các mốc của kế hoạch năm {year}", parts)


def year_charts(rows: Sequence[Deadline], as_of: dt.date) -> list[tuple[int, Markup]]:
    """One chart per year that has a deadline."""
    colours = kind_colours(rows)
    return [
        (year, year_chart(year, found, colours, as_of)) for year, found in by_year(rows).items()
    ]
