"""The deadline phrase reader: every phrase of the five seed plans, and the general forms."""

from __future__ import annotations

import datetime as dt

import pytest

from models.phrases import PhraseError, parse_phrase

D = dt.date

# (phrase as the seeds write it, kind, start, due, rule)
SEED_PHRASES = [
    (
        "chậm nhất trong tháng 10 năm 2022",
        "window",
        D(2022, 10, 1),
        D(2022, 10, 31),
        "month_window",
    ),
    ("trước ngày 30/5/2023", "date", None, D(2023, 5, 29), "before_date"),
    ("Quý II năm 2023", "window", D(2023, 4, 1), D(2023, 6, 30), "quarter_window"),
    ("Quý III năm 2023", "window", D(2023, 7, 1), D(2023, 9, 30), "quarter_window"),
    ("Quý I năm 2025", "window", D(2025, 1, 1), D(2025, 3, 31), "quarter_window"),
    ("Quý II năm 2025", "window", D(2025, 4, 1), D(2025, 6, 30), "quarter_window"),
    ("11/6/2025", "date", None, D(2025, 6, 11), "date"),
]


@pytest.mark.parametrize(("phrase", "kind", "start", "due", "rule"), SEED_PHRASES)
def test_seed_phrases(
    phrase: str, kind: str, start: dt.date | None, due: dt.date, rule: str
) -> None:
    deadline = parse_phrase(phrase)
    assert (deadline.kind, deadline.start, deadline.due, deadline.rule) == (kind, start, due, rule)


@pytest.mark.parametrize(("phrase", "kind", "start", "due", "rule"), SEED_PHRASES)
def test_seed_phrases_without_diacritics(
    phrase: str, kind: str, start: dt.date | None, due: dt.date, rule: str
) -> None:
    from models.phrases import normalize

    deadline = parse_phrase(normalize(phrase))
    assert (deadline.kind, deadline.start, deadline.due) == (kind, start, due)


@pytest.mark.parametrize(
    ("phrase", "year", "dates"),
    [
        ("vào dịp 19/5", 2024, [D(2024, 5, 19)]),
        ("Định kỳ hằng năm vào dịp 19/5", 2024, [D(2024, 5, 19)]),
        ("hằng năm", 2023, [D(2023, 12, 31)]),
        ("Hàng năm", 2023, [D(2023, 12, 31)]),
        ("hằng quý", 2023, [D(2023, 3, 31), D(2023, 6, 30), D(2023, 9, 30), D(2023, 12, 31)]),
        ("ngày 25 hằng tháng", 2023, [D(2023, m, 25) for m in range(1, 13)]),
        ("hang thang vao ngay 31", 2023, [D(2023, 2, 28)]),  # checked below: clipped
    ],
)
def test_recurring(phrase: str, year: int, dates: list[dt.date]) -> None:
    deadline = parse_phrase(phrase)
    assert deadline.kind == "recurring"
    got = [o.due for o in deadline.occurrences(year)]
    if phrase.startswith("hang thang vao ngay 31"):
        assert got[1] == dates[0] and got[0] == D(2023, 1, 31) and len(got) == 12
    else:
        assert got == dates


def test_monthly_quarterly_yearly_assessments_are_one_per_day() -> None:
    """Seed 004, II.4: "Định kỳ hằng tháng, quý, năm đánh giá tiến độ, tính hiệu quả, khả năng
    phát triển của từng điển hình". 31/12 ends a month, a quarter and the year: one assessment
    that day, the year's (it covers its last quarter and month), not three."""
    deadline = parse_phrase("định kỳ hằng tháng, quý, năm")
    assert [r.frequency for r in deadline.recurrences] == ["monthly", "quarterly", "yearly"]
    occ = deadline.occurrences(2024)
    assert len(occ) == 12 == len({o.due for o in occ})
    assert [o.key for o in occ if o.due == D(2024, 12, 31)] == ["2024"]
    assert [o.key for o in occ if o.due == D(2024, 6, 30)] == ["2024-Q2"]
    assert [o.key for o in occ if o.due == D(2024, 5, 31)] == ["2024-05"]
    assert [o.label for o in occ][-1] == "năm 2024"
    assert deadline.due is None and not deadline.occasion


@pytest.mark.parametrize("phrase", ["Định kỳ hằng năm vào dịp 19/5", "vào dịp 19/5"])
def test_an_occasion_is_not_a_time_limit(phrase: str) -> None:
    """Seed 004, II.5: "Định kỳ hằng năm vào dịp 19/5, Đảng ủy Sở, cấp ủy chi bộ trực thuộc tổ
    chức gặp mặt, giao lưu điển hình tiên tiến". "vào dịp" names the day of an event; "trước
    ngày", "chậm nhất" name time limits."""
    deadline = parse_phrase(phrase)
    assert (deadline.rule, deadline.occasion) == ("occasion", True)
    assert [o.due for o in deadline.occurrences(2024)] == [D(2024, 5, 19)]
    for limit in ("trước ngày 19/5/2024", "chậm nhất ngày 19/5/2024", "ngày 19 hằng tháng"):
        assert not parse_phrase(limit).occasion, limit


@pytest.mark.parametrize(
    ("phrase", "year", "start", "due"),
    [
        ("quý II/2023", None, D(2023, 4, 1), D(2023, 6, 30)),
        ("quý 2 năm 2023", None, D(2023, 4, 1), D(2023, 6, 30)),
        ("Quý IV năm 2024", None, D(2024, 10, 1), D(2024, 12, 31)),
        ("tháng 10/2022", None, D(2022, 10, 1), D(2022, 10, 31)),
        ("trong tháng 2 năm 2024", None, D(2024, 2, 1), D(2024, 2, 29)),
        ("từ ngày 01/3/2023 đến ngày 30/4/2023", None, D(2023, 3, 1), D(2023, 4, 30)),
        ("từ tháng 3 đến tháng 5 năm 2023", None, D(2023, 3, 1), D(2023, 5, 31)),
        ("6 tháng đầu năm 2024", None, D(2024, 1, 1), D(2024, 6, 30)),
        ("năm 2024", None, D(2024, 1, 1), D(2024, 12, 31)),
        ("Quý II", 2026, D(2026, 4, 1), D(2026, 6, 30)),
    ],
)
def test_windows(phrase: str, year: int | None, start: dt.date, due: dt.date) -> None:
    deadline = parse_phrase(phrase, year=year)
    assert (deadline.kind, deadline.start, deadline.due) == ("window", start, due)


@pytest.mark.parametrize(
    ("phrase", "year", "due", "rule"),
    [
        ("ngày 15 tháng 5 năm 2023", None, D(2023, 5, 15), "date"),
        ("15-5-2023", None, D(2023, 5, 15), "date"),
        ("19/5", 2024, D(2024, 5, 19), "date"),
        ("trước ngày 30/5", 2023, D(2023, 5, 29), "before_date"),
        ("trước ngày 01/01/2024", None, D(2023, 12, 31), "before_date"),
        ("trước tháng 10 năm 2022", None, D(2022, 9, 30), "before_month"),
        ("trước Quý III năm 2023", None, D(2023, 6, 30), "before_quarter"),
        ("chậm nhất ngày 15/12/2023", None, D(2023, 12, 15), "date"),
    ],
)
def test_dates(phrase: str, year: int | None, due: dt.date, rule: str) -> None:
    deadline = parse_phrase(phrase, year=year)
    assert (deadline.kind, deadline.due, deadline.rule) == ("date", due, rule)


@pytest.mark.parametrize(
    "phrase",
    [
        "ngày mai",
        "sớm nhất có thể",
        "hằng tuần",
        "quý V năm 2023",
        "32/1/2024",
        "29/2/2023",
        "tháng 13 năm 2023",
        "",
        "   ",
        "trước năm 2024",
        "từ tháng 5 đến tháng 3 năm 2023",
    ],
)
def test_unreadable_phrases_are_refused(phrase: str) -> None:
    with pytest.raises(PhraseError):
        parse_phrase(phrase)


def test_a_phrase_without_a_year_needs_one() -> None:
    with pytest.raises(PhraseError, match="--year"):
        parse_phrase("trước ngày 30/5")
