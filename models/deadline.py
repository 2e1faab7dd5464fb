"""What a deadline phrase means: a date, a window, or a recurring series of occurrences.

The reader (models/phrases.py) builds these; schedules, emails and reports read them. They are
kept apart from the reader so that the reader's grammar and these plain values each stay small.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["date", "window", "recurring"]
Frequency = Literal["monthly", "quarterly", "half_yearly", "yearly"]

MONTHS: dict[Frequency, int] = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}
"""How many months each period of a frequency spans."""

RULES: dict[str, str] = {
    "date": "ngày cụ thể: hạn là chính ngày đó",
    "by_hour": "'trước 17 giờ ngày D': hạn là chính ngày D (giờ ghi trong văn bản)",
    "before_date": "'trước ngày D': hạn là ngày liền trước D",
    "before_month": "'trước tháng M': hạn là ngày cuối của tháng liền trước",
    "before_quarter": "'trước quý Q': hạn là ngày cuối của quý liền trước",
    "month_window": "trong tháng: từ ngày đầu tháng, hạn là ngày cuối tháng",
    "quarter_window": "trong quý: từ ngày đầu quý, hạn là ngày cuối quý",
    "half_year_window": "trong 6 tháng: từ ngày đầu, hạn là ngày cuối của nửa năm",
    "year_window": "trong năm: từ 01/01, hạn là 31/12",
    "span": "'từ ... đến ...': từ ngày đầu của mốc thứ nhất đến ngày cuối của mốc thứ hai",
    "from_document": "'từ nay đến ...': từ ngày ban hành văn bản đến ngày cuối của mốc ghi",
    "counted_from_document": "'trong N ngày (tháng, năm) kể từ ngày ký': đếm từ ngày liền sau "
    "ngày ký (Điều 147, 148 BLDS 2015)",
    "recurring": "định kỳ: hạn là ngày cuối mỗi kỳ (tháng, quý, 6 tháng, năm) trừ khi ghi rõ ngày",
    "recurring_on_day": "định kỳ vào ngày ghi rõ trong mỗi kỳ ('trước ngày D': ngày liền trước)",
    "occasion": "'vào dịp D/M': dịp kỷ niệm hằng năm, diễn ra đúng ngày đó (không phải thời hạn,"
    " không dời khi trùng ngày nghỉ)",
}

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_HALF = {1: "6 tháng đầu năm", 2: "6 tháng cuối năm"}
_WIDTH: dict[Frequency, int] = {"monthly": 1, "quarterly": 2, "half_yearly": 3, "yearly": 4}


@dataclass(frozen=True, order=True)
class Occurrence:
    """One due date of a recurring deadline; key is stable and sorts in time order."""

    key: str
    label: str
    frequency: Frequency
    due: dt.date


@dataclass(frozen=True)
class Recurrence:
    """One repeating series: every month, quarter, half-year or year, on a day or at its end.

    `month` is the month within the period ("tháng cuối quý": 3 of a quarter; "30/11 hằng
    năm": 11 of the year); none is the period's last month, or with `following` the first
    month of the next period. `following`: the day falls in the period after the one it
    covers ("trước ngày 10 tháng đầu quý sau", "trước ngày 15/01 năm sau"): the occurrence
    keeps the key of the period reported on. `before`: "trước ngày D", due the day before D.
    `parts`: only these periods of the year (1: the first half-year); empty: all."""

    frequency: Frequency
    day: int | None = None
    month: int | None = None
    before: bool = False
    following: bool = False
    parts: tuple[int, ...] = ()

    def occurrences(self, year: int) -> list[Occurrence]:
        length = MONTHS[self.frequency]
        out = []
        for part in range(1, 12 // length + 1):
            if self.parts and part not in self.parts:
                continue
            first = (part - 1) * length  # months since January, 0-based
            within = (self.month or (1 if self.following else length)) - 1
            shift, month0 = divmod(first + within + (length if self.following else 0), 12)
            due = day_in_month(year + shift, month0 + 1, self.day)
            if self.before:
                due -= dt.timedelta(days=1)
            out.append(Occurrence(*_key_label(self.frequency, year, part), self.frequency, due))
        return out


def _key_label(frequency: Frequency, year: int, part: int) -> tuple[str, str]:
    if frequency == "monthly":
        return f"{year}-{part:02d}", f"tháng {part}/{year}"
    if frequency == "quarterly":
        return f"{year}-Q{part}", f"quý {_ROMAN[part]}/{year}"
    if frequency == "half_yearly":
        return f"{year}-H{part}", f"{_HALF[part]} {year}"
    return str(year), f"năm {year}"


@dataclass(frozen=True)
class Deadline:
    """What a phrase means: a date, a window, or a recurring series."""

    phrase: str
    kind: Kind
    rule: str
    due: dt.date | None = None
    start: dt.date | None = None
    recurrences: tuple[Recurrence, ...] = field(default=())
    occasion: bool = False
    """An occasion ("vào dịp 19/5"): the day an event is held, not the last day of a period,
    so the Civil Code's shift off days off (BLDS art. 148) does not apply to it."""
    relative: bool = False
    """Read against the document's own date ("từ nay", "kể từ ngày ký", "năm sau")."""

    @property
    def rule_text(self) -> str:
        return RULES[self.rule]

    def occurrences(self, year: int) -> list[Occurrence]:
        """A recurring deadline's due dates in one year, in date order, one per day.

        "Định kỳ hằng tháng, quý, năm" ends a month, a quarter and the year on 31/12: that
        day is one occurrence, the year's (the widest period covers the narrower ones), so a
        mentor owes one assessment that day, not three."""
        widest: dict[dt.date, Occurrence] = {}
        for o in (o for r in self.recurrences for o in r.occurrences(year)):
            held = widest.get(o.due)
            if held is None or _WIDTH[o.frequency] > _WIDTH[held.frequency]:
                widest[o.due] = o
        return sorted(widest.values(), key=lambda o: (o.due, o.key))


def periods_between(frequency: Frequency, start: dt.date, end: dt.date) -> list[Occurrence]:
    """One occurrence per period of frequency that overlaps start..end, due at the period's end
    or at end, whichever is earlier: how a continuing duty is reported over its window."""
    out = []
    for year in range(start.year, end.year + 1):
        for o in Recurrence(frequency).occurrences(year):
            first = _period_start(o)
            if o.due >= start and first <= end:
                out.append(Occurrence(o.key, o.label, o.frequency, min(o.due, end)))
    return out


def _period_start(o: Occurrence) -> dt.date:
    months = MONTHS[o.frequency]
    return dt.date(o.due.year, o.due.month - months + 1, 1)


def occurrence_label(key: str) -> str:
    """The Vietnamese label of an occurrence key: '2024-Q1' → 'quý I/2024'; 'once' → ''."""
    key = key.split("/", 1)[0]  # "2024/c17": the period of exemplar 17's obligation
    if key == "once" or not key[:4].isdigit():  # "b3/m12", "p7": the process's own acts
        return ""
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return f"quý {_ROMAN[int(quarter)]}/{year}"
    if "-H" in key:
        year, half = key.split("-H")
        return f"{_HALF[int(half)]} {year}"
    if "-" in key:
        year, month = key.split("-")
        return f"tháng {int(month)}/{year}"
    return f"năm {key}"


def day_in_month(year: int, month: int, day: int | None) -> dt.date:
    """The given day of the month, or its last day (also when the month is shorter)."""
    last = _stdcal.monthrange(year, month)[1]
    return dt.date(year, month, min(day or last, last))


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day months later, or the month's last day where it has none
    (BLDS 2015 art. 148: a period in months ends on the corresponding day of its last month)."""
    year, month0 = divmod(day.month - 1 + months, 12)
    return day_in_month(day.year + year, month0 + 1, day.day)
