"""SVG primitives, scales and axes the report's charts share: coordinates computed in Python,
every text escaped (plan titles are free text)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

from deployments.report.formatting import vn_number

# Calm colours that stay distinguishable when printed in grey.
INK = "#1f2933"
MUTED = "#66727f"
GRID = "#e4e8ec"
AXIS = "#b9c2cb"
WINDOW = "#b9cde4"
STUB = "#dfe7f1"
OPEN = "#3f6fa3"
OVERDUE = "#c0533f"
SUBMITTED = "#3f8a63"
ON_TIME = "#4f9a72"
LATE = "#e0a83c"
MISSING = "#c3cad2"
BARS = "#5b84b1"

SVG_FONT = "font-family=\"'Segoe UI','Noto Sans','DejaVu Sans',Arial,sans-serif\""


class Point(NamedTuple):
    day: dt.date
    open: int
    overdue: int
    submitted: int


@dataclass(frozen=True)
class TimeScale:
    """Maps days onto an x range; charts share it so their month axes read the same way."""

    start: dt.date
    end: dt.date
    left: float
    right: float

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return self.left + (self.right - self.left) * (day - self.start).days / span

    def clamp(self, day: dt.date) -> dt.date:
        return min(max(day, self.start), self.end)


@dataclass(frozen=True)
class ValueScale:
    """Maps counts onto a y range (0 at the bottom)."""

    top: int
    bottom_y: float
    top_y: float

    def y(self, value: float) -> float:
        return self.bottom_y - (self.bottom_y - self.top_y) * value / max(self.top, 1)


def nice_ticks(maximum: int, count: int = 5) -> list[int]:
    """Round tick values (1, 2 or 5 times a power of ten) from 0 to at least maximum."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(int(m * magnitude) for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(math.ceil(maximum / step) + 1)]


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month that begins inside [start, end]."""
    day = dt.date(start.year, start.month, 1)
    found = []
    while day <= end:
        if day >= start:
            found.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return found


def month_stride(scale: TimeScale, min_gap: float = 30) -> int:
    """Label every n-th month so that month labels never collide."""
    per_month = (scale.right - scale.left) * 30.4 / max((scale.end - scale.start).days, 1)
    return next((s for s in (1, 2, 3, 6) if s * per_month >= min_gap), 12)


# --------------------------------------------------------------------------- SVG primitives


def fmt(value: float) -> str:
    """Coordinates with one decimal at most keep the file small and diff-friendly."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text(x: float, y: float, content: str, *, cls: str = "", anchor: str = "start") -> str:
    """An SVG <text>; the content is escaped because it may come from a plan file."""
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{fmt(x)}" y="{fmt(y)}" text-anchor="{anchor}"{klass}>{escape(content)}</text>'


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> str:
    return (
        f'<line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" '
        f'stroke="{stroke}" stroke-width="{fmt(width)}"/>'
    )


def rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "") -> str:
    return (
        f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(max(w, 0))}" height="{fmt(max(h, 0))}" '
        f'fill="{fill}"{extra}/>'
    )


def svg(width: float, height: float, label: str, body: Iterable[str]) -> Markup:
    """Wraps chart parts in a scalable <svg> with an accessible name; the only Markup factory."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {fmt(width)} {fmt(height)}" '
        f'role="img" aria-label="{escape(label)}" {SVG_FONT} font-size="12" fill="{INK}">'
        + "".join(body)
        + "</svg>"
    )


def empty_chart(label: str, message: str = "Chưa có dữ liệu cho biểu đồ này.") -> Markup:
    """A small placeholder, so an empty replay still gives a complete, printable page."""
    body = [rect(0, 0, 1100, 60, "#f6f8fa"), text(550, 35, message, cls="muted", anchor="middle")]
    return svg(1100, 60, label, body)


def time_axis(scale: TimeScale, top: float, bottom: float, label_y: float) -> list[str]:
    """Year gridlines labelled with the year, month ticks labelled T1…T12 where there is room.

    Labels go above the plot when label_y < top (the Gantt chart), below it otherwise."""
    parts: list[str] = []
    stride = month_stride(scale)
    below = label_y > bottom
    tick_y, tick_len = (bottom, 4.0) if below else (top, -4.0)
    year_y = label_y + 14 if below else label_y - 14
    months = month_starts(scale.start, scale.end)
    for month in months:
        x = scale.x(month)
        if month.month == 1:
            parts.append(line(x, top, x, bottom, AXIS, 1.2))
            parts.append(text(x + 3, year_y, str(month.year), cls="year"))
        else:
            parts.append(line(x, tick_y, x, tick_y + tick_len, AXIS))
        if (month.month - 1) % stride == 0 and x < scale.right - 10:
            parts.append(text(x, label_y, f"T{month.month}", cls="tick", anchor="middle"))
    first_january = next((scale.x(m) for m in months if m.month == 1), scale.right + 99)
    if first_january - scale.left > 36:
        parts.append(text(scale.left, year_y, str(scale.start.year), cls="year"))
    return parts


def value_axis(scale: ValueScale, ticks: Sequence[int], left: float, right: float) -> list[str]:
    """Horizontal gridlines with their counts on the left."""
    parts: list[str] = []
    for tick in ticks:
        y = scale.y(tick)
        parts.append(line(left, y, right, y, GRID if tick else AXIS))
        parts.append(text(left - 6, y + 4, vn_number(tick), cls="tick", anchor="end"))
    return parts


def legend(items: Sequence[tuple[str, str]], x: float, y: float, gap: float = 26) -> list[str]:
    """Colour swatches with their meaning, laid out left to right."""
    parts: list[str] = []
    for colour, label in items:
        parts.append(rect(x, y - 9, 12, 10, colour, ' rx="2"'))
        parts.append(text(x + 17, y, label, cls="legend"))
        x += 17 + 6.6 * len(label) + gap
    return parts
