"""The Vietnamese working-day calendar of state agencies.

Days off are Saturdays, Sundays and public holidays (Tết Nguyên đán and Giỗ Tổ Hùng Vương by
the lunar calendar, 1/1, 30/4, 1/5, 2/9 and the days beside them), plus the days off and make-up
working days the government swaps each year. The `holidays` package knows the holidays and the
swaps announced so far; data/calendar/day-swaps.yaml lets a coordinator add a year's official
swaps without touching code.

The package names the day off two days before mùng Một "29 Tết" every year; when tháng Chạp
has 29 days it is the 28th (27/01/2025), so :func:`_vn_year` names it by its real lunar day.

Civil Code 2015, art. 148: when the last day of a period is a day off, the period ends at the end
of the next working day. :meth:`WorkingCalendar.effective_due` applies it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import holidays
from pydantic import BaseModel, ConfigDict, Field

from models.lunar import lunar_day
from models.source import SourceDocument, read_yaml

DEFAULT_SWAPS_FILE = Path(__file__).resolve().parent.parent / "data" / "calendar" / "day-swaps.yaml"


class _Day(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    date: dt.date
    name: str = Field(min_length=1)


class DaySwaps(BaseModel):
    """Official swaps beyond what the holidays package knows."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    days_off: list[_Day] = Field(default_factory=list)
    working_days: list[_Day] = Field(default_factory=list)
    source_notes: list[str] = Field(default_factory=list)


def read_day_swaps(path: str | Path = DEFAULT_SWAPS_FILE) -> DaySwaps:
    """Read the swaps file; InputErrors name the line of any bad entry."""
    source: SourceDocument = read_yaml(path)
    if source.data is None:
        return DaySwaps()
    return source.validate(DaySwaps)


class WorkingCalendar:
    """Answers 'is this a working day?' and does working-day arithmetic."""

    def __init__(self, swaps: DaySwaps | None = None) -> None:
        swaps = swaps or DaySwaps()
        self._extra_off = {d.date: d.name for d in swaps.days_off}
        self._extra_work = {d.date: d.name for d in swaps.working_days}
        # Answers are memoised: a national sweep asks about the same few hundred days
        # millions of times (chains, overdue counts, simulated units).
        self._reasons: dict[dt.date, str | None] = {}
        self._running_count: dict[int, list[int]] = {}

    def fingerprint(self) -> str:
        """The swaps this calendar adds to the law's holidays, as text: two calendars with
        the same fingerprint (and the same code) give the same days."""
        return repr((sorted(self._extra_off.items()), sorted(self._extra_work.items())))

    def day_off_reason(self, day: dt.date) -> str | None:
        """Why day is a day off ('Thứ Bảy', 'Tết Nguyên Đán'...), or None for a working day."""
        try:
            return self._reasons[day]
        except KeyError:
            reason = self._reasons[day] = self._reason(day)
            return reason

    def _reason(self, day: dt.date) -> str | None:
        if day in self._extra_work:
            return None
        if day in self._extra_off:
            return self._extra_off[day]
        holiday_names, weekend_workdays = _vn_year(day.year)
        name = holiday_names.get(day)
        if name:
            return str(name)
        if day.weekday() >= 5 and day not in weekend_workdays:
            return "Thứ Bảy" if day.weekday() == 5 else "Chủ nhật"
        return None

    def is_day_off(self, day: dt.date) -> bool:
        return self.day_off_reason(day) is not None

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_off_reason(day) is None

    def effective_due(self, due: dt.date) -> dt.date:
        """The due date, or the next working day when it falls on a day off (BLDS art. 148)."""
        day = due
        while self.is_day_off(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The working day count working days after (count < 0: before) day."""
        step = dt.timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def latest_start(self, count: int, before: dt.date) -> dt.date:
        """The latest day from which `count` working days on (back, if negative) is still
        before `before`: what a replay's simulation no longer looks at, or does not look at
        yet (models.services.simulation)."""
        # Back `count` working days spans at most 3 a working day and a fortnight's holiday.
        day = before + dt.timedelta(days=-count * 3 + 14 if count < 0 else -1)
        while self.add_working_days(day, count) >= before:
            day -= dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after start up to and including end; negative when end is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        full_years = sum(self._year_so_far(year)[-1] for year in range(start.year, end.year))
        return full_years + self._so_far(end) - self._so_far(start)

    def _so_far(self, day: dt.date) -> int:
        """Working days from 1 January up to and including day."""
        return self._year_so_far(day.year)[day.timetuple().tm_yday - 1]

    def _year_so_far(self, year: int) -> list[int]:
        counts = self._running_count.get(year)
        if counts is None:
            counts, total, day = [], 0, dt.date(year, 1, 1)
            while day.year == year:
                total += self.is_working_day(day)
                counts.append(total)
                day += dt.timedelta(days=1)
            self._running_count[year] = counts
        return counts

    def days_off(self, year: int, include_weekends: bool = False) -> list[tuple[dt.date, str]]:
        """Every day off of a year with its reason; weekends only when asked."""
        day, out = dt.date(year, 1, 1), []
        while day.year == year:
            reason = self.day_off_reason(day)
            if reason and (include_weekends or reason not in {"Thứ Bảy", "Chủ nhật"}):
                out.append((day, reason))
            day += dt.timedelta(days=1)
        return out

    def make_up_days(self, year: int) -> list[tuple[dt.date, str]]:
        """Weekend days that are working days this year (ngày làm bù)."""
        days = {d: "Ngày làm bù" for d in _vn_year(year)[1]}
        days.update({d: n for d, n in self._extra_work.items() if d.year == year})
        return sorted(days.items())


@lru_cache(maxsize=64)
def _vn_year(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """(holidays with Vietnamese names, weekend days worked) of one year."""
    known = holidays.country_holidays("VN", years=year, language="vi")
    workdays = frozenset(d for d in getattr(known, "weekend_workdays", ()) if d.year == year)
    return {day: _lunar_name(day, str(name)) for day, name in known.items()}, workdays


_DAY_BEFORE_TET = re.compile(r"^\d{1,2} Tết")


def _lunar_name(day: dt.date, name: str) -> str:
    """'29 Tết' as the package writes it, with the day of tháng Chạp it really is."""
    return _DAY_BEFORE_TET.sub(f"{lunar_day(day)} tháng Chạp (nghỉ Tết Nguyên Đán)", name)


@lru_cache(maxsize=4)
def _calendar_from(path: str) -> WorkingCalendar:
    return WorkingCalendar(read_day_swaps(path))


def default_calendar(path: str | Path | None = None) -> WorkingCalendar:
    """The calendar with the shipped (or a given) swaps file; read once per process."""
    return _calendar_from(str(path or DEFAULT_SWAPS_FILE))
