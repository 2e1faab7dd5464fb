"""The one-page HTML report of a replay: what a coordinator looks at instead of reading tables.

`write_report` turns the plain-data summary of `tdkt replay` (see
`models.services.reporting.replay_summary`) and the day-by-day series of the replay into a single
self-contained HTML file: inline CSS and inline SVG, no JavaScript, no fonts or stylesheets
fetched from anywhere, because the machines that open it have no network and the page is often
printed (A4 landscape) and handed round.

The charts are drawn here, in Python, as SVG strings: a few small scale and axis helpers compute
coordinates, and each chart is a function from data to markup. Every piece of text that comes from
the summary is escaped before it reaches the SVG or the template (plan titles are free text).
"""

from __future__ import annotations

import datetime as dt
import math
import pathlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from models.vocabulary import ObligationStatus

TEMPLATES = pathlib.Path(__file__).resolve().parent / "templates"
TEMPLATE = "report.html.j2"

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

KIND_LABELS = {
    "reminder": "Nhắc hạn",
    "due": "Đến hạn",
    "escalation": "Quá hạn (báo cấp trên)",
    "invitation": "Mời bỏ phiếu",
}
EMAIL_STATUS_LABELS = {"sent": "đã gửi", "pending": "chờ gửi", "failed": "lỗi", "deferred": "hoãn"}
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
SVG_FONT = "font-family=\"'Segoe UI','Noto Sans','DejaVu Sans',Arial,sans-serif\""


# --------------------------------------------------------------------------- formatting


def vn_number(value: int | float) -> str:
    """12345 → '12.345': Vietnamese group thousands with dots (and write decimals with a comma)."""
    if isinstance(value, float) and not value.is_integer():
        whole, _, frac = f"{value:,.1f}".partition(".")
        return whole.replace(",", ".") + "," + frac
    return f"{int(value):,}".replace(",", ".")


def vn_percent(part: int, whole: int) -> str:
    """'82,5 %' (Vietnamese decimal comma), or an em dash when there is nothing to divide by."""
    if whole <= 0:
        return "—"
    return f"{100 * part / whole:.1f}".replace(".", ",") + " %"


def parse_day(value: Any) -> dt.date | None:
    """Summary dates arrive as ISO strings (JSON-friendly); accept dates too, and None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def vn_date(value: Any) -> str:
    """dd/mm/yyyy, the way every Vietnamese document writes dates; an em dash when unknown."""
    day = parse_day(value)
    return day.strftime("%d/%m/%Y") if day else "—"


def occurrence_label(key: str | None) -> str:
    """'2023' → 'năm 2023', '2024-Q1' → 'quý I/2024', '2024-05' → 'tháng 5/2024', 'once' → ''.

    Mirrors `models.phrases.occurrence_label` but never raises: a report must still be written
    when a new kind of occurrence key turns up (it is then shown as is)."""
    if not key or key == "once":
        return ""
    year, _, rest = key.partition("-")
    if not rest:
        return f"năm {year}" if year.isdigit() else key
    if rest.startswith("Q") and rest[1:] in ROMAN:
        return f"quý {ROMAN[rest[1:]]}/{year}"
    if rest in ("H1", "H2"):
        return f"6 tháng {'đầu' if rest == 'H1' else 'cuối'} năm {year}"
    if rest.isdigit():
        return f"tháng {int(rest)}/{year}"
    return key


def step_label(step: str) -> str:
    """'reminder-10' → 'Nhắc trước 10 ngày làm việc': the chain step in words."""
    kind, _, level = step.partition("-")
    if kind == "reminder" and level.isdigit():
        return f"Nhắc trước {level} ngày làm việc"
    if kind == "due":
        return "Nhắc vào ngày đến hạn"
    if kind == "escalation" and level.isdigit():
        return f"Quá hạn: báo cấp trên lần {level}"
    return step


def step_order(step: str) -> tuple[int, int, str]:
    """Chain order: reminders from the earliest, then the due day, then escalations by rank."""
    kind, _, level = step.partition("-")
    rank = int(level) if level.isdigit() else 0
    position = {"reminder": 0, "due": 1, "escalation": 2}.get(kind, 3)
    return position, -rank if kind == "reminder" else rank, step


def status_label(status: str) -> str:
    """The label the rest of the application shows for an obligation status."""
    try:
        return ObligationStatus(status).label
    except ValueError:
        return status


def truncate(text: str, limit: int) -> str:
    """Shorten a label to fit a chart's label column; the full text stays in a tooltip."""
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:-–") + "…"


def as_int(mapping: Mapping[str, Any] | None, key: str) -> int:
    """A count from the summary, 0 when missing: optional keys must not break the report."""
    if not mapping:
        return 0
    value = mapping.get(key)
    return int(value) if isinstance(value, int | float) else 0


def section(summary: Mapping[str, Any], key: str) -> dict[str, Any]:
    """A nested part of the summary ('emails', 'obligations', …), empty when missing."""
    value = summary.get(key)
    return dict(value) if isinstance(value, Mapping) else {}


# --------------------------------------------------------------------------- scales and axes


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


# --------------------------------------------------------------------------- the plan timeline


@dataclass(frozen=True)
class Entry:
    """One occurrence of one milestone, as the timeline chart and table show it."""

    milestone: str
    title: str
    phrase: str
    occurrence: str
    start: dt.date | None
    due: dt.date | None
    effective_due: dt.date | None
    units: int
    on_time: int
    late: int
    missing: int
    reminders: int
    escalations: int

    @property
    def end(self) -> dt.date | None:
        return self.effective_due or self.due


GANTT_STUB = 16
"""Width (in chart units) of the bar drawn before a deadline whose plan gives no start date."""
GANTT_LABEL_CHARS = 56


def entries(summary: Mapping[str, Any]) -> list[Entry]:
    """The summary's timeline as typed rows; unknown or missing fields become blanks and zeros."""
    rows = summary.get("timeline") or []
    return [
        Entry(
            milestone=str(row.get("milestone") or ""),
            title=str(row.get("title") or row.get("milestone") or "—"),
            phrase=str(row.get("phrase") or ""),
            occurrence=occurrence_label(row.get("occurrence")),
            start=parse_day(row.get("start")),
            due=parse_day(row.get("due")),
            effective_due=parse_day(row.get("effective_due")),
            units=as_int(row, "units"),
            on_time=as_int(row, "submitted_on_time"),
            late=as_int(row, "submitted_late"),
            missing=as_int(row, "not_submitted"),
            reminders=as_int(row, "reminders"),
            escalations=as_int(row, "escalations"),
        )
        for row in rows
        if isinstance(row, Mapping)
    ]


@dataclass(frozen=True)
class GanttLayout:
    label_left: float = 6
    plot_left: float = 350
    plot_right: float = 905
    split_left: float = 930
    split_width: float = 110
    width: float = 1100
    head: float = 46
    row: float = 21


def gantt_label(entry: Entry) -> str:
    """Title, shortened to fit, followed by the occurrence ('· năm 2023') when it recurs."""
    suffix = f" · {entry.occurrence}" if entry.occurrence else ""
    return truncate(entry.title, GANTT_LABEL_CHARS - len(suffix)) + suffix


def gantt_domain(rows: Sequence[Entry], start: dt.date | None, end: dt.date | None) -> TimeScale:
    """The replay period, widened to every bar so none is cut off."""
    days = [d for e in rows for d in (e.start, e.end) if d] + [d for d in (start, end) if d]
    layout = GanttLayout()
    return TimeScale(min(days), max(days), layout.plot_left, layout.plot_right)


def diamond(x: float, y: float, size: float, fill: str) -> str:
    return (
        f'<path d="M{fmt(x)} {fmt(y - size)}L{fmt(x + size)} {fmt(y)}L{fmt(x)} {fmt(y + size)}'
        f'L{fmt(x - size)} {fmt(y)}Z" fill="{fill}"/>'
    )


def split_bar(entry: Entry, x: float, y: float, width: float) -> list[str]:
    """On time, late and not submitted as one 100 % bar, with 'submitted/units' beside it."""
    total = entry.on_time + entry.late + entry.missing
    parts: list[str] = []
    if total == 0:
        return [text(x, y + 4, "—", cls="tick")]
    for count, colour in ((entry.on_time, ON_TIME), (entry.late, LATE), (entry.missing, MISSING)):
        share = width * count / total
        parts.append(rect(x, y - 5, share, 10, colour))
        x += share
    done, units = entry.on_time + entry.late, max(entry.units, total)
    parts.append(text(x + 6, y + 4, f"{vn_number(done)}/{vn_number(units)}", cls="tick"))
    return parts


def gantt_row(entry: Entry, index: int, scale: TimeScale, layout: GanttLayout) -> str:
    """One row: label, window bar up to the effective deadline, a diamond on the deadline."""
    y = layout.head + index * layout.row + layout.row / 2
    parts = [f"<g><title>{escape(tooltip(entry))}</title>"]
    parts.append(text(layout.label_left, y + 4, gantt_label(entry), cls="label"))
    parts.append(window_bar(entry, scale, y))
    if entry.effective_due and entry.due and entry.effective_due != entry.due:
        parts.append(
            line(scale.x(entry.effective_due), y - 6, scale.x(entry.effective_due), y + 6, OPEN, 2)
        )
    if entry.due:
        parts.append(diamond(scale.x(scale.clamp(entry.due)), y, 5, INK))
    parts.extend(split_bar(entry, layout.split_left, y, layout.split_width))
    parts.append("</g>")
    return "".join(parts)


def zebra(count: int, layout: GanttLayout) -> list[str]:
    """Pale bands behind every other row, so the eye can follow a label to its bar."""
    return [
        rect(0, layout.head + i * layout.row, layout.width, layout.row, "#f5f7f9")
        for i in range(0, count, 2)
    ]


def window_bar(entry: Entry, scale: TimeScale, y: float) -> str:
    """From the start of the window to the (effective) deadline; a short, paler stub when the
    plan only says when things are due."""
    if entry.end is None:
        return ""
    x2 = scale.x(scale.clamp(entry.end))
    if entry.start is None:
        return rect(x2 - GANTT_STUB, y - 5, GANTT_STUB, 10, STUB, ' rx="3"')
    x1 = scale.x(scale.clamp(entry.start))
    return rect(x1, y - 5, max(x2 - x1, 2), 10, WINDOW, ' rx="3"')


def tooltip(entry: Entry) -> str:
    """The full text a truncated label stands for (shown on hover in a browser)."""
    bits = [entry.title, entry.occurrence, entry.phrase, f"hạn {vn_date(entry.effective_due)}"]
    return " — ".join(b for b in bits if b)


def after_period(scale: TimeScale, end: dt.date | None, top: float, bottom: float) -> list[str]:
    """Greys the part of the chart after the replay ended: nothing there has happened yet."""
    if end is None or end >= scale.end:
        return []
    x = scale.x(end)
    return [
        rect(x, top, scale.right - x, bottom - top, "#eef1f4", ' opacity="0.7"'),
        line(x, top, x, bottom, MUTED, 1),
        text(x - 4, bottom + 14, f"kết thúc mô phỏng {vn_date(end)}", cls="tick", anchor="end"),
    ]


def gantt_chart(rows: Sequence[Entry], start: dt.date | None, end: dt.date | None) -> Markup:
    """Chart 1: every deadline of the plan on one time axis, with how units responded."""
    label = "Dòng thời gian kế hoạch"
    rows = [e for e in rows if e.end]
    if not rows:
        return empty_chart(label, "Không có mốc nào của kế hoạch trong kỳ mô phỏng.")
    layout = GanttLayout()
    scale = gantt_domain(rows, start, end)
    bottom = layout.head + layout.row * len(rows)
    parts = zebra(len(rows), layout) + after_period(scale, end, layout.head, bottom)
    parts += time_axis(scale, layout.head - 2, bottom, layout.head - 8)
    parts.append(text(layout.split_left, layout.head - 8, "Đã nộp / số đơn vị", cls="tick"))
    parts += [gantt_row(entry, i, scale, layout) for i, entry in enumerate(rows)]
    parts += legend(
        [
            (WINDOW, "thời gian thực hiện"),
            (STUB, "trước hạn (không ghi ngày bắt đầu)"),
            (INK, "hạn (◆)"),
            (OPEN, "hạn dời sang ngày làm việc"),
            (ON_TIME, "nộp đúng hạn"),
            (LATE, "nộp muộn"),
            (MISSING, "chưa nộp"),
        ],
        layout.label_left,
        bottom + 34,
    )
    return svg(layout.width, bottom + 44, label, parts)


# --------------------------------------------------------------------------- open and overdue


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
    label = "Thư gửi mỗi tuần"
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


# --------------------------------------------------------------------------- figures and tables


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    note: str
    colour: str


def escalation_count(summary: Mapping[str, Any]) -> int:
    """Escalations sent to superiors: notification steps if known, else escalation emails."""
    steps = section(summary, "notifications").get("by_step") or {}
    counted = sum(as_int(steps, s) for s in steps if str(s).startswith("escalation"))
    return counted or as_int(section(summary, "emails").get("by_kind"), "escalation")


def tiles(summary: Mapping[str, Any]) -> list[Tile]:
    """The key figures, large, in the order a coordinator asks about them."""
    emails, obligations = section(summary, "emails"), section(summary, "obligations")
    total, sent = as_int(emails, "total"), as_int(emails.get("by_status"), "sent")
    count, submitted = as_int(obligations, "total"), as_int(obligations, "submitted")
    escalation_mail = as_int(emails.get("by_kind"), "escalation")
    return [
        Tile(
            "Thư đã gửi",
            vn_number(sent if emails.get("by_status") else total),
            f"trên tổng {vn_number(total)} thư đã lập",
            BARS,
        ),
        Tile("Nghĩa vụ", vn_number(count), "lượt đơn vị × mốc × kỳ", INK),
        Tile(
            "Đã nộp", vn_number(submitted), f"{vn_percent(submitted, count)} số nghĩa vụ", SUBMITTED
        ),
        Tile(
            "Từng quá hạn",
            vn_number(as_int(obligations, "ever_overdue")),
            f"đang quá hạn: {vn_number(as_int(obligations, 'overdue_now'))}",
            OVERDUE,
        ),
        Tile(
            "Báo cấp trên",
            vn_number(escalation_count(summary)),
            f"{vn_number(escalation_mail)} thư gửi cấp trên",
            LATE,
        ),
        Tile(
            "Ngày mô phỏng",
            vn_number(as_int(summary, "days_visited")),
            f"{vn_number(as_int(summary, 'flow_runs'))} lượt chạy flow",
            MUTED,
        ),
    ]


SortKey = Callable[[str], tuple[int | str, ...]]


@dataclass(frozen=True)
class CountRow:
    label: str
    count: str
    share: str


def count_rows(
    counts: Mapping[str, Any], labels: Mapping[str, str], order: SortKey | None = None
) -> list[CountRow]:
    """A small 'what / how many / share' table from one of the summary's counters."""
    total = sum(as_int(counts, k) for k in counts)
    keys = sorted(counts, key=order) if order else list(counts)
    return [
        CountRow(
            labels.get(k, str(k)),
            vn_number(as_int(counts, k)),
            vn_percent(as_int(counts, k), total),
        )
        for k in keys
    ]


def email_rows(summary: Mapping[str, Any]) -> list[CountRow]:
    """Emails by kind, in chain order (reminder, due, escalation), unknown kinds last."""
    by_kind = section(summary, "emails").get("by_kind") or {}
    order = {"reminder": 0, "due": 1, "escalation": 2}
    return count_rows(by_kind, KIND_LABELS, lambda k: (order.get(k, 9), k))


def step_rows(summary: Mapping[str, Any]) -> list[CountRow]:
    """Notifications by chain step, in the order a unit would receive them."""
    by_step = section(summary, "notifications").get("by_step") or {}
    labels = {str(step): step_label(str(step)) for step in by_step}
    return count_rows(by_step, labels, step_order)


def status_rows(summary: Mapping[str, Any]) -> list[CountRow]:
    """Obligations by their status at the end of the replay."""
    by_status = section(summary, "obligations").get("by_status") or {}
    labels = {str(s): status_label(str(s)) for s in by_status}
    return count_rows(by_status, labels)


def mail_notes(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Delivery facts: status split, days off with mail (should be none), where the .eml are."""
    emails = section(summary, "emails")
    by_status = emails.get("by_status") or {}
    statuses = ", ".join(
        f"{EMAIL_STATUS_LABELS.get(str(k), str(k))} {vn_number(as_int(by_status, k))}"
        for k in by_status
    )
    days_off = [vn_date(d) for d in emails.get("on_days_off") or []]
    return {
        "statuses": statuses,
        "days_off": days_off,
        "received": vn_number(as_int(summary, "messages_received")),
        "folder": str(summary.get("mail_folder") or ""),
    }


# --------------------------------------------------------------------------- the page


def context(summary: Mapping[str, Any], series: Sequence[Any]) -> dict[str, Any]:
    """Everything the template shows, already formatted: the template only lays it out."""
    start, end = parse_day(summary.get("from")), parse_day(summary.get("to"))
    timeline = entries(summary)
    return {
        "campaign": str(summary.get("campaign") or "—"),
        "plan_title": str(summary.get("plan_title") or ""),
        "period": (vn_date(start), vn_date(end)),
        "period_days": vn_number((end - start).days + 1) if start and end else "—",
        "tiles": tiles(summary),
        "gantt": gantt_chart(timeline, start, end),
        "trend": trend_chart(points(series), start, end),
        "weekly": weekly_chart(weekly_counts(section(summary, "emails").get("by_week") or {})),
        "timeline": timeline,
        "vn_date": vn_date,
        "vn_number": vn_number,
        "email_rows": email_rows(summary),
        "step_rows": step_rows(summary),
        "status_rows": status_rows(summary),
        "lifecycle": lifecycle_rows(summary),
        "mail": mail_notes(summary),
        "colours": {"on_time": ON_TIME, "late": LATE, "missing": MISSING},
    }


def lifecycle_rows(summary: Mapping[str, Any]) -> list[list[str]]:
    """One row per year of the exemplars' lifecycle, as the CLI summary shows it."""
    rows = []
    for year, y in (summary.get("lifecycle") or {}).items():
        quotas, done = y.get("quotas", {}), y.get("assessments", {})
        verdicts, ballot = y.get("eligibility", {}), y.get("ballots", {})
        articles = y.get("articles", {})
        rows.append(
            [
                str(year),
                vn_number(y.get("registrations", 0)),
                f"{quotas.get('met', 0)}/{quotas.get('total', 0)}",
                f"{vn_number(done.get('done', 0))} ({vn_number(done.get('overdue', 0))})",
                "/".join(vn_number(verdicts.get(k, 0)) for k in ("eligible", "ineligible")),
                f"{vn_number(ballot.get('candidates', 0))}/{vn_number(ballot.get('selected', 0))}",
                f"{vn_number(articles.get('owed', 0))} ({vn_number(articles.get('published', 0))})",
                vn_number(y.get("honour_roll", 0)),
                vn_number(y.get("reward_decisions", 0)),
            ]
        )
    return rows


def environment() -> Environment:
    """Templates next to this module, autoescaped: plan text is never trusted as HTML."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_report(summary: Mapping[str, Any], series: Sequence[Any]) -> str:
    """The report as an HTML string (what write_report saves)."""
    return environment().get_template(TEMPLATE).render(context(summary, series))


def write_report(path: pathlib.Path, summary: dict[str, Any], series: Sequence[Any]) -> None:
    """Writes the one-page HTML report of a replay to path, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(summary, series), encoding="utf-8")
