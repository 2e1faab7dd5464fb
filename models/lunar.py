"""The day of the lunar month, for naming the days off before Tết.

The `holidays` package knows when Tết falls but names the observed day two days before mùng Một
"29 Tết" every year, as if tháng Chạp always had 30 days. It has 29 in some years: Tết Ất Tỵ
was 29/01/2025, tháng Chạp of Giáp Thìn began on 31/12/2024, so 27/01/2025 was 28 tháng Chạp.
The lunar month starts on the day (Vietnam time, UTC+7) of the new moon, computed here with the
standard astronomical series (J. Meeus, Astronomical Algorithms, ch. 49, in the form Hồ Ngọc Đức
uses for the Vietnamese calendar). Tests check it against every Tết date the package lists.
"""

from __future__ import annotations

import datetime as dt
import math

_JD_OF_ORDINAL = 1721425  # Julian day number minus proleptic ordinal (2000-01-01: 2451545)
_SYNODIC_MONTH = 29.530588853
_EPOCH = 2415021.076998695  # the new moon of 1900-01-01 (k = 0)
VIETNAM_UTC_OFFSET_HOURS = 7


def _new_moon_jd(k: int) -> float:
    """Julian date (UT) of new moon number k after 1900-01-01."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3  # Sun's mean anomaly
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3  # Moon's
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3  # argument of latitude
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 += -0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 += -0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 += -0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 += -0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 += 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd + c1 - delta_t


def new_moon_day(k: int) -> dt.date:
    """The civil day in Vietnam of new moon number k: the first day of a lunar month."""
    jd = int(_new_moon_jd(k) + 0.5 + VIETNAM_UTC_OFFSET_HOURS / 24)
    return dt.date.fromordinal(jd - _JD_OF_ORDINAL)


def lunar_day(day: dt.date) -> int:
    """The day of the lunar month (1-30) that day is, in Vietnam."""
    jd = day.toordinal() + _JD_OF_ORDINAL
    k = int((jd - _EPOCH) / _SYNODIC_MONTH)
    for candidate in (k + 1, k, k - 1):
        start = new_moon_day(candidate)
        if start <= day:
            return (day - start).days + 1
    raise ValueError(f"no new moon found before {day}")  # pragma: no cover - k is within one
