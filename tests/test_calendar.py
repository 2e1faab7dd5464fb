"""The working-day calendar: Tết, national days, swaps and the Civil Code shift."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import WorkingCalendar, default_calendar, read_day_swaps
from models.source import InputErrors

D = dt.date
cal = default_calendar()

# The first day of Tết Nguyên đán (mùng một) and the Hùng Kings' day, by the lunar calendar.
TET = {2023: D(2023, 1, 22), 2024: D(2024, 2, 10), 2025: D(2025, 1, 29), 2026: D(2026, 2, 17)}


@pytest.mark.parametrize(("year", "first_day"), TET.items())
def test_tet_is_off(year: int, first_day: dt.date) -> None:
    for offset in range(-1, 4):  # Giao thừa to mùng bốn
        assert cal.is_day_off(first_day + dt.timedelta(days=offset)), first_day
    assert "Tết" in (cal.day_off_reason(first_day) or "")


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025, 2026])
def test_national_day_is_off(year: int) -> None:
    assert cal.is_day_off(D(year, 9, 2))
    assert "Quốc khánh" in (cal.day_off_reason(D(year, 9, 2)) or "")


def test_hung_kings_and_may_days() -> None:
    assert "Hùng Vương" in (cal.day_off_reason(D(2025, 4, 7)) or "")
    assert cal.is_day_off(D(2025, 4, 30)) and cal.is_day_off(D(2025, 5, 1))


def test_government_swaps_known_to_holidays() -> None:
    assert cal.is_day_off(D(2024, 4, 29))  # nghỉ bù
    assert cal.is_working_day(D(2024, 5, 4))  # a Saturday worked instead
    assert (D(2024, 5, 4), "Ngày làm bù") in cal.make_up_days(2024)


def test_weekends() -> None:
    assert cal.day_off_reason(D(2023, 9, 30)) == "Thứ Bảy"
    assert cal.day_off_reason(D(2023, 10, 1)) == "Chủ nhật"
    assert cal.is_working_day(D(2023, 10, 2))


@pytest.mark.parametrize(
    ("due", "effective"),
    [
        (D(2023, 9, 30), D(2023, 10, 2)),  # Q3 2023 ends on a Saturday
        (D(2022, 12, 31), D(2023, 1, 3)),  # Saturday, Sunday, then 2/1 nghỉ bù
        (D(2025, 1, 28), D(2025, 2, 3)),  # Tết 2025: the period ends after Tết
        (D(2025, 9, 2), D(2025, 9, 3)),
        (D(2022, 10, 31), D(2022, 10, 31)),  # a Monday: unchanged
    ],
)
def test_civil_code_article_148_shift(due: dt.date, effective: dt.date) -> None:
    assert cal.effective_due(due) == effective


def test_working_day_arithmetic() -> None:
    assert cal.add_working_days(D(2023, 6, 30), 1) == D(2023, 7, 3)
    assert cal.add_working_days(D(2023, 7, 3), -1) == D(2023, 6, 30)
    assert cal.add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)  # across Tết
    assert cal.working_days_between(D(2023, 6, 30), D(2023, 7, 7)) == 5
    assert cal.working_days_between(D(2023, 7, 7), D(2023, 6, 30)) == -5


def test_swaps_file_adds_days(tmp_path: Path) -> None:
    swaps = tmp_path / "swaps.yaml"
    swaps.write_text(
        "days_off:\n  - {date: 2027-04-29, name: Nghỉ bù}\n"
        "working_days:\n  - {date: 2027-05-08, name: Làm bù cho 29/4/2027}\n",
        encoding="utf-8",
    )
    custom = WorkingCalendar(read_day_swaps(swaps))
    assert custom.day_off_reason(D(2027, 4, 29)) == "Nghỉ bù"
    assert custom.is_working_day(D(2027, 5, 8))
    assert custom.effective_due(D(2027, 4, 29)) == D(2027, 5, 4)  # 30/4, 1/5 and its day off


def test_bad_swaps_file_names_the_line(tmp_path: Path) -> None:
    swaps = tmp_path / "swaps.yaml"
    swaps.write_text("days_off:\n  - {date: 2027-02-30, name: x}\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        read_day_swaps(swaps)
    assert "swaps.yaml:2" in str(info.value) and "days_off[0].date" in str(info.value)


def test_shipped_swaps_file_reads() -> None:
    read_day_swaps()


@settings(max_examples=200, deadline=None)
@given(
    st.dates(dt.date(2019, 1, 1), dt.date(2027, 12, 31)),
    st.dates(dt.date(2019, 1, 1), dt.date(2027, 12, 31)),
)
def test_working_days_between_counts_day_by_day(start: dt.date, end: dt.date) -> None:
    """The memoised running counts agree with counting one day at a time."""
    calendar = default_calendar()
    low, high = min(start, end), max(start, end)
    by_hand = sum(
        calendar.is_working_day(low + dt.timedelta(days=n)) for n in range(1, (high - low).days + 1)
    )
    assert calendar.working_days_between(start, end) == (by_hand if end >= start else -by_hand)


def test_tet_2025_break_is_the_official_nine_days_without_a_make_up_saturday() -> None:
    """Tết 2025 as the holidays package (version 0.109) encodes it, citing Thông báo
    6150/TB-BLĐTBXH (2024): civil servants were off from Saturday 25/01/2025 (26 tháng Chạp
    Giáp Thìn) to Sunday 02/02/2025 (mùng 5 tháng Giêng Ất Tỵ), five days of Tết and the
    weekends: nine days, and no Saturday worked in exchange (08/02/2025 is a Saturday off;
    27/01/2025 is not swapped with it)."""
    first, last = D(2025, 1, 25), D(2025, 2, 2)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    assert len(days) == 9 and all(cal.is_day_off(d) for d in days)
    assert cal.is_working_day(D(2025, 1, 24)) and cal.is_working_day(D(2025, 2, 3))
    assert cal.day_off_reason(D(2025, 2, 8)) == "Thứ Bảy"
    assert [d for d, _ in cal.make_up_days(2025)] == [D(2025, 4, 26)]  # for 02/05/2025 only


def test_the_day_off_before_giao_thua_is_named_by_its_lunar_day() -> None:
    """Tết Ất Tỵ (mùng Một) was 29/01/2025 and tháng Chạp of Giáp Thìn had 29 days, so 27/01/2025
    was 28 tháng Chạp, not "29 Tết" as the package names it; 08/02/2024 was 29 tháng Chạp."""
    assert cal.day_off_reason(D(2025, 1, 27)) == "28 tháng Chạp (nghỉ Tết Nguyên Đán)"
    assert cal.day_off_reason(D(2024, 2, 8)) == "29 tháng Chạp (nghỉ Tết Nguyên Đán)"
    assert not any("29 Tết" in name for _, name in cal.days_off(2025))


def test_lunar_days_agree_with_every_tet_and_hung_kings_day_the_package_knows() -> None:
    from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar

    from models.lunar import lunar_day

    lunisolar = _ChineseLunisolar(VIETNAMESE_CALENDAR)
    for year in range(1995, 2050):
        tet, _ = lunisolar.lunar_new_year_date(year)
        hung_kings, _ = lunisolar.hung_kings_date(year)
        assert tet is not None and hung_kings is not None
        assert (lunar_day(tet), lunar_day(hung_kings)) == (1, 10), year
    assert lunar_day(D(2024, 12, 31)) == 1  # tháng Chạp of Giáp Thìn began that day


TET_FIRST_DAYS = [D(2023, 1, 22), D(2024, 2, 10), D(2025, 1, 29), D(2026, 2, 17), D(2027, 2, 6)]


@pytest.mark.parametrize("tet", TET_FIRST_DAYS, ids=lambda d: str(d.year))
def test_the_days_before_tet_are_named_by_the_real_lunar_calendar(tet: dt.date) -> None:
    """mùng Một on the known Tết dates, and the last days of tháng Chạp as lunardate (an
    independent Chinese-calendar library, UTC+8) counts them: in these winters no new moon
    falls in the hour where the two calendars part. Tháng Chạp had 30 days before Tết 2023 and
    2024 (giao thừa on the 30th) and 29 before Tết 2025, 2026 and 2027."""
    from lunardate import LunarDate

    from models.lunar import lunar_day

    assert lunar_day(tet) == 1
    for back in range(1, 40):
        day = tet - dt.timedelta(days=back)
        assert lunar_day(day) == LunarDate.from_solar_date(day.year, day.month, day.day).day, day
    eve = tet - dt.timedelta(days=1)
    assert lunar_day(eve) == (30 if tet.year in (2023, 2024) else 29)
    for day, name in cal.days_off(tet.year):
        if "tháng Chạp" in name:
            assert name.startswith(f"{lunar_day(day)} tháng Chạp"), (day, name)
        assert "Tết" not in name.split()[1:2], name  # never "29 Tết"


@given(st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31)), st.integers(-40, 40))
def test_latest_start_is_the_last_day_whose_count_ends_before(before: dt.date, count: int) -> None:
    """What a replay's simulation skips (latest_start): started on it, `count` working days
    on (or back) is before `before`; started the day after, it is not."""
    calendar = default_calendar()
    last = calendar.latest_start(count, before)
    assert calendar.add_working_days(last, count) < before
    assert calendar.add_working_days(last + dt.timedelta(days=1), count) >= before
