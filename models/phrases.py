"""Reading the deadline phrases that plans write in Vietnamese.

Plans say "chậm nhất trong tháng 10 năm 2022", "trước ngày 30/5/2023", "Quý II năm 2023",
"vào dịp 19/5", "định kỳ hằng tháng, quý, năm". :func:`parse_phrase` turns such a phrase into a
:class:`Deadline` and names the rule it used. It reads the forms below and nothing else: a phrase
it cannot read raises :class:`PhraseError`; it never guesses.

How each form is read (docs/deadlines.md says the same for people):

- a date ("11/6/2025", "ngày 15 tháng 5 năm 2023"): due that day;
- "trước ngày D": strictly before D, so the last day to act is the day before D. The same
  reading applies to "trước tháng M" and "trước quý Q" (due the last day before they start);
- a month, quarter, half-year or year ("trong tháng 10 năm 2022", "Quý II/2023"): a window
  from its first day, due on its last day; "chậm nhất", "trong", "vào", "đến hết" don't
  change that;
- "từ ... đến ...": a window from the start of the first to the end of the second;
- "hằng tháng/quý/năm" (also "hàng", "định kỳ", lists such as "hằng tháng, quý, năm"):
  recurring, due on the last day of each month, quarter or year unless a day is given
  ("ngày 25 hằng tháng"). Where periods end on the same day ("hằng tháng, quý, năm" on
  31/12), that day is one occurrence, named after the widest period (the year's assessment
  covers its last quarter and month): one obligation per occurrence, not three;
- "vào dịp D/M" ("hằng năm vào dịp 19/5"): an occasion, not a time limit. It recurs yearly
  and its day is the day of the event, so it is marked `occasion` and never moved off a day
  off the way a time limit is ("trước ngày", "chậm nhất" are time limits).

Whether a due date falls on a day off is the calendar's business (models.calendar), not this
module's: phrases are read as written.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["date", "window", "recurring"]
Frequency = Literal["monthly", "quarterly", "yearly"]

RULES: dict[str, str] = {
    "date": "ngày cụ thể: hạn là chính ngày đó",
    "before_date": "'trước ngày D': hạn là ngày liền trước D",
    "before_month": "'trước tháng M': hạn là ngày cuối của tháng liền trước",
    "before_quarter": "'trước quý Q': hạn là ngày cuối của quý liền trước",
    "month_window": "trong tháng: từ ngày đầu tháng, hạn là ngày cuối tháng",
    "quarter_window": "trong quý: từ ngày đầu quý, hạn là ngày cuối quý",
    "half_year_window": "trong 6 tháng: từ ngày đầu, hạn là ngày cuối của nửa năm",
    "year_window": "trong năm: từ 01/01, hạn là 31/12",
    "span": "'từ ... đến ...': từ ngày đầu của mốc thứ nhất đến ngày cuối của mốc thứ hai",
    "recurring": "định kỳ: hạn là ngày cuối mỗi kỳ (tháng, quý, năm) trừ khi ghi rõ ngày",
    "recurring_on_day": "định kỳ vào ngày ghi rõ trong mỗi kỳ",
    "occasion": "'vào dịp D/M': dịp kỷ niệm hằng năm, diễn ra đúng ngày đó (không phải thời hạn,"
    " không dời khi trùng ngày nghỉ)",
}


class PhraseError(ValueError):
    """A phrase the reader does not understand, or that lacks what it needs (a year)."""


MAX_LENGTH = 300
"""Longest phrase read: the plans' phrases are a few words; a longer text is not a deadline."""

YEARS = range(1900, 3000)
"""Years a phrase may name: four digits outside these are typos (0202, 0000), and dates near
the ends of Python's calendar (year 1, year 9999) cannot be moved by a day."""


@dataclass(frozen=True)
class Recurrence:
    """One repeating series: every month, quarter or year, on a day or at the period's end."""

    frequency: Frequency
    day: int | None = None
    month: int | None = None

    def occurrences(self, year: int) -> list[Occurrence]:
        if self.frequency == "monthly":
            return [
                Occurrence(
                    f"{year}-{m:02d}",
                    f"tháng {m}/{year}",
                    "monthly",
                    _day_in_month(year, m, self.day),
                )
                for m in range(1, 13)
            ]
        if self.frequency == "quarterly":
            return [
                Occurrence(
                    f"{year}-Q{q}",
                    f"quý {_ROMAN[q]}/{year}",
                    "quarterly",
                    _day_in_month(year, q * 3, self.day),
                )
                for q in range(1, 5)
            ]
        month = self.month or 12
        return [
            Occurrence(str(year), f"năm {year}", "yearly", _day_in_month(year, month, self.day))
        ]


@dataclass(frozen=True, order=True)
class Occurrence:
    """One due date of a recurring deadline; key is stable and sorts in time order."""

    key: str
    label: str
    frequency: Frequency
    due: dt.date


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


_WIDTH: dict[Frequency, int] = {"monthly": 1, "quarterly": 2, "yearly": 3}


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def occurrence_label(key: str) -> str:
    """The Vietnamese label of an occurrence key: '2024-Q1' → 'quý I/2024'; 'once' → ''."""
    key = key.split("/", 1)[0]  # "2024/c17": the period of exemplar 17's obligation
    if key == "once" or not key[:4].isdigit():  # "b3/m12", "p7": the process's own acts
        return ""
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return f"quý {_ROMAN[int(quarter)]}/{year}"
    if "-" in key:
        year, month = key.split("-")
        return f"tháng {int(month)}/{year}"
    return f"năm {key}"


def with_occurrence(title: str, label: str) -> str:
    """A milestone's title followed by its occurrence's label, the word they share written
    once: "... vào dịp tổng kết năm" and "năm 2022" read "... vào dịp tổng kết năm 2022", not
    "tổng kết năm năm 2022". A title saying how often ("..., mỗi năm") keeps its words and
    takes the occurrence in brackets: "..., mỗi năm (năm 2022)"."""
    title, label = " ".join(title.split()), " ".join(label.split())
    if not label:
        return title
    head, _, last = title.rpartition(" ")
    if head and last.lower() == label.split(" ", 1)[0].lower():
        if head.rpartition(" ")[2].lower() in _EVERY:
            # "... mỗi năm" is how often, not which year: "mỗi năm 2022" would misread it
            return f"{title} ({label})"
        title = head
    return f"{title} {label}"


_EVERY = {"mỗi", "hằng", "hàng", "từng"}


_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def normalize(text: str) -> str:
    """Lower-case ASCII with single spaces: diacritics may or may not be written."""
    text = re.sub(r"\s+", " ", text)  # first, so no pattern below meets a long run of spaces
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = re.sub(r"[,;:()\"'“”]", " , ", ascii_text)
    ascii_text = re.sub(r"\s*([/.-])\s*(?=\d)", r"\1", ascii_text)
    ascii_text = re.sub(r"\s+", " ", ascii_text).strip(" ,.")
    # "hàng năm" and "hằng năm" are both written; so is "quí" for "quý".
    ascii_text = re.sub(r"\bhang\b", "hang", ascii_text)
    return re.sub(r"\bqui\b", "quy", ascii_text)


def _expr(tag: str) -> str:
    """A date, month, quarter, half-year or year; group names end in tag."""
    year = r"(?:(?:\s+nam\s+|/)(?P<{}{}>\d{{4}}))?"
    date = (
        rf"(?:ngay\s+)?(?P<d{tag}>\d{{1,2}})(?:\s*[/.-]\s*|\s+thang\s+)(?P<m{tag}>\d{{1,2}})"
        rf"(?:(?:\s*[/.-]\s*|\s+nam\s+)(?P<y{tag}>\d{{4}}))?"
    )
    month = rf"thang\s+(?P<mm{tag}>\d{{1,2}})" + year.format("my", tag)
    quarter = rf"quy\s+(?P<q{tag}>iv|iii|ii|i|[1-4])" + year.format("qy", tag)
    half = rf"6\s+thang\s+(?P<h{tag}>dau|cuoi)\s+nam(?:\s+(?P<hy{tag}>\d{{4}}))?"
    whole_year = rf"nam\s+(?P<yy{tag}>\d{{4}})"
    return "(?:" + "|".join((date, month, quarter, half, whole_year)) + ")"


_LATEST = r"(?:(?:cham|muon)\s+nhat(?:\s+la)?\s*)"
_WITHIN = r"(?:trong(?:\s+thoi\s+gian)?|vao|den\s+het|den|han\s+chot|han\s+cuoi)"
_SINGLE = re.compile(
    rf"^(?:{_LATEST}?(?P<within>{_WITHIN})?\s*|{_LATEST}?(?P<before>truoc)\s+)?{_expr('a')}$"
)
_SPAN = re.compile(rf"^tu\s+{_expr('a')}\s+(?:den|toi)(?:\s+het)?\s+{_expr('b')}$")

_FREQ_WORDS = {"thang": "monthly", "quy": "quarterly", "nam": "yearly"}
# Between two frequencies: a comma or "và" (spaces around it), or nothing but spaces. The
# alternatives must not overlap: "\s*(?:,|va)?\s*" matched one space two ways, so a long list
# that failed at its end took exponential time (30 words: minutes).
_FREQ_LIST = r"(?:thang|quy|nam)(?:(?:\s*(?:,|va)\s*|\s*)(?:thang|quy|nam))*"
_RECURRING = re.compile(
    r"^(?:dinh\s+ky\s+)?(?:hang\s+(?P<freqs>" + _FREQ_LIST + r"))?\s*"
    r"(?:(?:vao\s+)?(?:dip\s+|ngay\s+)?(?P<d>\d{1,2})(?:[/.-](?P<m>\d{1,2}))?)?\s*"
    r"(?:hang\s+(?P<freqs2>" + _FREQ_LIST + r"))?$"
)


def parse_phrase(phrase: str, year: int | None = None) -> Deadline:
    """Read one deadline phrase; year fills in a phrase that writes none.

    Raises PhraseError for anything it cannot read, and for a one-off date with no year
    when no year is given.
    """
    if len(phrase) > MAX_LENGTH:
        raise PhraseError(f"cụm từ thời hạn quá dài (tối đa {MAX_LENGTH} ký tự)")
    if year is not None:
        _check_year(year, phrase)
    text = normalize(phrase)
    if not text:
        raise PhraseError("cụm từ thời hạn trống")
    recurring = _parse_recurring(phrase, text)
    if recurring is not None:
        return recurring
    span = _SPAN.match(text)
    if span:
        _, end_due, _ = _resolve(span.groupdict(), "b", year, phrase)
        start, _, _ = _resolve(span.groupdict(), "a", end_due.year, phrase)
        if start > end_due:
            raise PhraseError(f"'{phrase}': mốc bắt đầu sau mốc kết thúc")
        return Deadline(phrase, "window", "span", due=end_due, start=start)
    single = _SINGLE.match(text)
    if single is None:
        raise PhraseError(
            f"không đọc được thời hạn '{phrase}': hãy viết ngày (30/5/2023), tháng "
            "(tháng 10 năm 2022), quý (Quý II năm 2023), khoảng (từ ... đến ...) "
            "hoặc định kỳ (hằng tháng, quý, năm)"
        )
    groups = single.groupdict()
    start, due, unit = _resolve(groups, "a", year, phrase)
    if groups.get("before"):
        before = start - dt.timedelta(days=1)
        rule = {"date": "before_date", "month": "before_month", "quarter": "before_quarter"}
        if unit not in rule:
            raise PhraseError(f"'{phrase}': 'trước' chỉ dùng với ngày, tháng hoặc quý")
        return Deadline(phrase, "date", rule[unit], due=before)
    if unit == "date":
        return Deadline(phrase, "date", "date", due=due)
    return Deadline(phrase, "window", f"{unit}_window", due=due, start=start)


def _parse_recurring(phrase: str, text: str) -> Deadline | None:
    match = _RECURRING.match(text)
    if match is None or not (match["freqs"] or match["freqs2"] or match["m"]):
        return None
    if match["freqs"] and match["freqs2"]:
        raise PhraseError(f"'{phrase}': kỳ lặp được ghi hai lần")
    freq_text = match["freqs"] or match["freqs2"]
    day = int(match["d"]) if match["d"] else None
    month = int(match["m"]) if match["m"] else None
    if freq_text is None:
        # "vào dịp 19/5" with no year: an anniversary, every year.
        if not re.match(r"^(?:dinh\s+ky\s+)?vao\s+dip\b", text):
            return None
        frequencies: list[Frequency] = ["yearly"]
    else:
        words = re.findall(r"thang|quy|nam", freq_text)
        frequencies = [_FREQ_WORDS[w] for w in dict.fromkeys(words)]  # type: ignore[misc]
    if month is not None:
        if frequencies != ["yearly"]:
            raise PhraseError(f"'{phrase}': ngày/tháng cụ thể chỉ đi với 'hằng năm'")
        _check_date(2000, month, day or 1, phrase)  # a leap year accepts 29/2
    if day is not None and not 1 <= day <= 31:
        raise PhraseError(f"'{phrase}': ngày {day} không có thật")
    recurrences = tuple(Recurrence(f, day=day, month=month) for f in frequencies)
    if re.search(r"\bdip\b", text):  # "(vào) dịp": an occasion
        return Deadline(phrase, "recurring", "occasion", recurrences=recurrences, occasion=True)
    rule = "recurring_on_day" if day is not None else "recurring"
    return Deadline(phrase, "recurring", rule, recurrences=recurrences)


def _resolve(
    groups: dict[str, str | None], tag: str, year: int | None, phrase: str
) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, unit) of the expression tagged tag."""

    def need_year(written: str | None) -> int:
        if written is not None:
            return _check_year(int(written), phrase)
        if year is None:
            raise PhraseError(f"'{phrase}' không ghi năm: cần cho biết năm (--year)")
        return year

    if groups.get(f"d{tag}"):
        y = need_year(groups[f"y{tag}"])
        day = _check_date(y, int(groups[f"m{tag}"] or 0), int(groups[f"d{tag}"] or 0), phrase)
        return day, day, "date"
    if groups.get(f"mm{tag}"):
        y, m = need_year(groups[f"my{tag}"]), int(groups[f"mm{tag}"] or 0)
        if not 1 <= m <= 12:
            raise PhraseError(f"'{phrase}': không có tháng {m}")
        return dt.date(y, m, 1), _day_in_month(y, m, None), "month"
    if groups.get(f"q{tag}"):
        y, q = need_year(groups[f"qy{tag}"]), _QUARTERS[groups[f"q{tag}"] or ""]
        return dt.date(y, q * 3 - 2, 1), _day_in_month(y, q * 3, None), "quarter"
    if groups.get(f"h{tag}"):
        y = need_year(groups[f"hy{tag}"])
        if groups[f"h{tag}"] == "dau":
            return dt.date(y, 1, 1), dt.date(y, 6, 30), "half_year"
        return dt.date(y, 7, 1), dt.date(y, 12, 31), "half_year"
    y = need_year(groups[f"yy{tag}"] or "0")
    return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"


def _check_year(year: int, phrase: str) -> int:
    if year not in YEARS:
        raise PhraseError(
            f"'{phrase}': năm {year} không hợp lệ (chỉ nhận từ {YEARS[0]} đến {YEARS[-1]})"
        )
    return year


def _check_date(year: int, month: int, day: int, phrase: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise PhraseError(f"'{phrase}': ngày {day}/{month}/{year} không có thật") from None


def _day_in_month(year: int, month: int, day: int | None) -> dt.date:
    """The given day of the month, or its last day (also when the month is shorter)."""
    last = _stdcal.monthrange(year, month)[1]
    return dt.date(year, month, min(day or last, last))
