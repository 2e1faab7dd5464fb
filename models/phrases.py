"""Reading the deadline phrases that plans write in Vietnamese.

Plans say "chậm nhất trong tháng 10 năm 2022", "trước ngày 30/5/2023", "Quý II năm 2023",
"vào dịp 19/5", "định kỳ hằng tháng, quý, năm", "trước ngày 20 hàng tháng", "từ nay đến năm
2015". :func:`parse_phrase` turns such a phrase into a :class:`Deadline` and names the rule it
used. It reads the forms below and nothing else: a phrase it cannot read raises
:class:`PhraseError` naming the nearest form it knows; it never guesses.

How each form is read (docs/deadlines.md says the same for people):

- a date ("11/6/2025", "ngày 15 tháng 5 năm 2023"): due that day; "trước 17 giờ ngày D": D;
- "trước ngày D": strictly before D, so the last day to act is the day before D. The same
  reading applies to "trước tháng M" and "trước quý Q" (due the last day before they start);
- a month, quarter, half-year or year ("trong tháng 10 năm 2022", "Quý II/2023", "6 tháng
  đầu năm 2024"): a window from its first day, due on its last day; "chậm nhất", "trong",
  "vào", "đến hết", "cuối" don't change that;
- "từ ... đến ...", year ranges in any spelling ("từ năm 2017 - 2019", "giai đoạn
  2017-2020", "2017 – 2019"): a window from the start of the first to the end of the second;
- relative to the document's own date (`issued`: its date, or when it takes effect): "từ nay
  đến năm 2015" (from that date), "trong vòng 30 ngày kể từ ngày ký" (counted from the next
  day, BLDS art. 147-148), "Quý I năm sau" (the year after the document's);
- "hằng tháng/quý/năm", "định kỳ 6 tháng" (also "hàng", "mỗi", "định kỳ", lists such as
  "hằng tháng, quý, năm"): recurring, due on the last day of each period unless a day is
  given ("ngày 25 hằng tháng", "trước ngày 20 hàng tháng", "trước ngày 15 tháng cuối quý",
  "trước ngày 10 tháng đầu quý sau", "trước ngày 15/01 năm sau" with "hằng năm"). Where
  periods end on the same day, that day is one occurrence, named after the widest period;
- "vào dịp D/M" ("hằng năm vào dịp 19/5"): an occasion, not a time limit. It recurs yearly
  and its day is the day of the event, so it is marked `occasion` and never moved off a day
  off the way a time limit is.

Whether a due date falls on a day off is the calendar's business (models.calendar), not this
module's: phrases are read as written (a count of working days is the one place it asks it).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from models.deadline import (
    MONTHS,
    RULES,
    Deadline,
    Frequency,
    Kind,
    Occurrence,
    Recurrence,
    add_months,
    day_in_month,
    occurrence_label,
)
from models.phrase_hints import nearest_form

__all__ = [
    "MAX_LENGTH",
    "RULES",
    "YEARS",
    "AnchorMissing",
    "Deadline",
    "Frequency",
    "Kind",
    "Occurrence",
    "PhraseError",
    "Recurrence",
    "normalize",
    "occurrence_label",
    "parse_phrase",
    "with_occurrence",
]


class PhraseError(ValueError):
    """A phrase the reader does not understand, or that lacks what it needs (a year)."""


class AnchorMissing(PhraseError):
    """A phrase read against the document's date ("từ nay", "kể từ ngày ký") with none given:
    valid in a plan file, which has a date to read it against once it is dated."""


MAX_LENGTH = 300
"""Longest phrase read: the plans' phrases are a few words; a longer text is not a deadline."""

YEARS = range(1900, 3000)
"""Years a phrase may name: four digits outside these are typos (0202, 0000), and dates near
the ends of Python's calendar (year 1, year 9999) cannot be moved by a day."""

AddWorkingDays = Callable[[dt.date, int], dt.date]


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
    """Lower-case ASCII with single spaces: diacritics may or may not be written, dashes may
    be hyphens or en dashes, "hàng"/"hằng"/"mỗi" and "quí"/"quý" are the same words."""
    text = re.sub(r"\s+", " ", text)  # first, so no pattern below meets a long run of spaces
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # en dash, em dash, minus: a hyphen
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = re.sub(r"[,;:()\"'“”]", " , ", ascii_text)
    ascii_text = re.sub(r"\s*([/.-])\s*(?=\d)", r"\1", ascii_text)
    ascii_text = re.sub(r"\s+", " ", ascii_text).strip(" ,.")
    ascii_text = re.sub(r"\bmoi\s+(?=thang|quy|nam\b)", "hang ", ascii_text)
    ascii_text = re.sub(r"\bsau thang\b", "6 thang", ascii_text)  # "sáu tháng"
    ascii_text = re.sub(r"\b0(\d)\b", r"\1", ascii_text)  # "06 tháng", "ngày 05"
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
    half = (
        rf"(?P<half{tag}>(?:6\s+thang|nua)\s+(?:(?P<h{tag}>dau|cuoi)\s+)?nam)"
        rf"(?:\s+(?P<hy{tag}>\d{{4}}))?"
    )
    whole_year = rf"(?:ca\s+)?nam\s+(?P<yy{tag}>\d{{4}})"
    return "(?:" + "|".join((date, month, quarter, half, whole_year)) + ")"


_LATEST = r"(?:(?:cham|muon)\s+nhat(?:\s+la)?\s*)"
_WITHIN = (
    r"(?:trong(?:\s+thoi\s+gian)?|vao(?:\s+cuoi)?|den\s+het|den\s+cuoi|den|han\s+chot|"
    r"han\s+cuoi|cuoi|het|hoan\s+thanh\s+trong|hoan\s+thanh\s+truoc\s+khi\s+het)"
)
_HOUR = r"(?:(?P<hour>\d{1,2}\s*(?:gio|h)(?:\s*\d{1,2}(?:\s*phut)?)?)\s*,?\s*)"
_SINGLE = re.compile(
    rf"^(?:{_LATEST}?(?P<within>{_WITHIN})?\s*|{_LATEST}?(?P<before>truoc)\s+{_HOUR}?)?"
    rf"{_expr('a')}$"
)
_SPAN = re.compile(
    rf"^(?:trong\s+(?:thoi\s+gian\s+)?)?tu\s+{_expr('a')}\s+(?:den|toi)(?:\s+(?:het|cuoi))?"
    rf"\s+{_expr('b')}$"
)
_YEARS_SPAN = re.compile(
    r"^(?:trong\s+)?(?:(?:giai\s+doan|thoi\s+ky|tu|hang\s+nam|trong\s+cac\s+nam)\s+)?"
    r"(?:nam\s+)?(?P<y1>\d{4})(?:-|\s+(?:den|toi)(?:\s+(?:het|cuoi))?(?:\s+nam)?\s+)"
    r"(?P<y2>\d{4})$"
)
_EVENT = (
    r"(?:(?:van\s+ban|ke\s+hoach|cong\s+van|quyet\s+dinh)(?:\s+nay)?\s+(?:duoc\s+)?)?"
    r"(?:ky(?:\s+ban\s+hanh)?|ban\s+hanh|co\s+hieu\s+luc)"
    r"(?:\s+(?:van\s+ban|ke\s+hoach|cong\s+van|quyet\s+dinh)(?:\s+nay)?)?"
)
_FROM_DOCUMENT = re.compile(
    rf"^(?:trong\s+(?:thoi\s+gian\s+)?)?(?:ke\s+)?tu\s+(?:nay|ngay\s+{_EVENT})"
    r"\s+(?:den|toi)(?:\s+(?:het|cuoi))?\s+(?P<rest>.+)$"
)
_COUNTED = re.compile(
    r"^(?:(?:trong\s+(?:vong|thoi\s+han|thoi\s+gian)|trong|cham\s+nhat(?:\s+la)?|"
    r"cham\s+nhat\s+sau|sau|toi\s+da)\s+)?"
    r"(?P<n>\d{1,3})\s+(?P<unit>ngay\s+lam\s+viec|ngay|tuan|thang|nam)\s+"
    r"(?:ke\s+)?tu\s+(?:ngay|khi)\s+(?P<event>.+)$"
)
_NEXT_YEAR = re.compile(r"\bnam\s+(?:sau|tiep\s+theo|ke\s+tiep|toi)\b")
_THIS_YEAR = re.compile(r"\bnam\s+nay\b")

# Recurring phrases. Between two frequencies: a comma or "và", or nothing but spaces. The
# alternatives must not overlap: "\s*(?:,|va)?\s*" matched one space two ways, so a long list
# that failed at its end took exponential time (30 words: minutes).
_FREQ_WORD = r"(?:thang|quy|6\s+thang|nam)"
_FREQ_LIST = rf"{_FREQ_WORD}(?:(?:\s*,\s*(?:va\s+)?|\s+va\s+|\s+){_FREQ_WORD})*"
_ONCE = r"\s+(?:1|mot)\s+lan"
_FREQ_SPEC = (
    rf"(?:(?:dinh\s+ky\s+)?hang\s+(?P<{{0}}a>{_FREQ_LIST})|dinh\s+ky\s+(?P<{{0}}b>{_FREQ_LIST})"
    rf"|(?P<{{0}}c>{_FREQ_LIST})(?={_ONCE}))(?:{_ONCE})?"
)
_LIMIT = r"(?:truoc|cham\s+nhat(?:\s+la)?|muon\s+nhat(?:\s+la)?|vao|den\s+het|han\s+chot|trong)"
_PART = r"(?:dau|cuoi|giua|thu\s+(?:nhat|1|hai|2|ba|3))"
_NEXT = r"(?:sau|tiep\s+theo|ke\s+tiep)"
_DAY_SPEC = (
    rf"(?P<limit>{_LIMIT}\s+)?(?P<dip>dip\s+)?(?:ngay\s+)?(?P<d>\d{{1,2}})"
    rf"(?:(?:[/.-]|\s+thang\s+)(?P<m>\d{{1,2}})"
    rf"(?P<more>(?:\s*(?:,|va)\s*(?:ngay\s+)?\d{{1,2}}[/.-]\d{{1,2}})*)"
    rf"(?:\s+(?:cua\s+)?nam\s+(?P<ynext>{_NEXT}))?"
    rf"|(?:\s+cua)?\s+thang\s+(?P<part>{_PART})\s+(?:cua\s+)?(?:hang\s+)?(?P<punit>quy|6\s+thang)"
    rf"(?:\s+(?P<pnext>{_NEXT}))?"
    rf"|(?:\s+cua)?\s+thang\s+(?P<mnext>{_NEXT}))?"
)
_RECURRING = re.compile(
    rf"^(?:{_FREQ_SPEC.format('pre')}\s*,?\s*)?(?:{_DAY_SPEC})?\s*,?\s*"
    rf"(?:{_FREQ_SPEC.format('post')})?$"
)
_YEARLY = r"(?:dinh\s+ky\s+)?hang\s+nam"
_RECURRING_PERIOD = re.compile(
    rf"^(?:(?P<pre>{_YEARLY})\s*,?\s*)?"
    r"(?P<limit>(?:truoc|trong|vao|cham\s+nhat(?:\s+la)?|cham\s+nhat\s+trong|den\s+het|cuoi)\s+)?"
    r"(?:thang\s+(?P<month>\d{1,2})|quy\s+(?P<quarter>iv|iii|ii|i|[1-4])"
    r"|(?:6\s+thang|nua)\s+(?P<half>dau|cuoi)\s+nam)"
    rf"(?:\s*,?\s*(?P<post>{_YEARLY}))?$"
)
"""A month, quarter or half of every year: "trong quý I hằng năm", "tháng 10 hằng năm"."""
_FREQ_WORDS: dict[str, Frequency] = {
    "thang": "monthly",
    "quy": "quarterly",
    "6 thang": "half_yearly",
    "nam": "yearly",
}
_PART_MONTH = {"dau": 1, "thu nhat": 1, "thu 1": 1, "giua": 2, "thu hai": 2, "thu 2": 2}


def parse_phrase(
    phrase: str,
    year: int | None = None,
    *,
    issued: dt.date | None = None,
    add_working_days: AddWorkingDays | None = None,
) -> Deadline:
    """Read one deadline phrase; year fills in a phrase that writes none, and issued is the
    document's date for phrases read against it ("từ nay", "kể từ ngày ký", "năm sau").

    add_working_days counts "N ngày làm việc" (default: the state agencies' calendar).
    Raises PhraseError for anything it cannot read (naming the nearest form it knows), for a
    one-off date with no year when no year is given, and AnchorMissing for a phrase read
    against the document's date when none is given.
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
    relative = _parse_relative(phrase, text, year, issued, add_working_days)
    if relative is not None:
        return relative
    if _NEXT_YEAR.search(text) or _THIS_YEAR.search(text):
        base = _anchor(phrase, issued)
        text = _NEXT_YEAR.sub(f"nam {base.year + 1}", _THIS_YEAR.sub(f"nam {base.year}", text))
        return _replace_relative(_parse_fixed(phrase, text, year))
    return _parse_fixed(phrase, text, year)


def _replace_relative(deadline: Deadline) -> Deadline:
    return Deadline(
        deadline.phrase, deadline.kind, deadline.rule, deadline.due, deadline.start, relative=True
    )


def _parse_fixed(phrase: str, text: str, year: int | None) -> Deadline:
    """Dates, windows and spans that name their own years (or take year)."""
    years = _YEARS_SPAN.match(text)
    if years:
        first, last = (_check_year(int(years[g]), phrase) for g in ("y1", "y2"))
        if first > last:
            raise PhraseError(f"'{phrase}': mốc bắt đầu sau mốc kết thúc")
        return Deadline(phrase, "window", "span", dt.date(last, 12, 31), dt.date(first, 1, 1))
    span = _SPAN.match(text)
    if span:
        _, end_due, _ = _resolve(span.groupdict(), "b", year, phrase)
        start, _, _ = _resolve(span.groupdict(), "a", end_due.year, phrase)
        if start > end_due:
            raise PhraseError(f"'{phrase}': mốc bắt đầu sau mốc kết thúc")
        return Deadline(phrase, "window", "span", due=end_due, start=start)
    single = _SINGLE.match(text)
    if single is None:
        raise _unreadable(phrase, text)
    groups = single.groupdict()
    start, due, unit = _resolve(groups, "a", year, phrase)
    if groups.get("hour"):
        if unit != "date":
            raise PhraseError(f"'{phrase}': giờ chỉ đi với một ngày cụ thể")
        return Deadline(phrase, "date", "by_hour", due=due)
    if groups.get("before"):
        before = start - dt.timedelta(days=1)
        rule = {"date": "before_date", "month": "before_month", "quarter": "before_quarter"}
        if unit not in rule:
            raise PhraseError(f"'{phrase}': 'trước' chỉ dùng với ngày, tháng hoặc quý")
        return Deadline(phrase, "date", rule[unit], due=before)
    if unit == "date":
        return Deadline(phrase, "date", "date", due=due)
    return Deadline(phrase, "window", f"{unit}_window", due=due, start=start)


def _unreadable(phrase: str, text: str) -> PhraseError:
    example, rule = nearest_form(text)
    return PhraseError(
        f"không đọc được thời hạn '{phrase}'; dạng gần nhất mà bộ đọc hiểu: '{example}' "
        f"({RULES[rule]}). Xem docs/deadlines.md"
    )


def _anchor(phrase: str, issued: dt.date | None) -> dt.date:
    if issued is None:
        raise AnchorMissing(
            f"'{phrase}' tính theo ngày của văn bản: cần ngày ban hành (document.date)"
        )
    return issued


def _parse_relative(
    phrase: str,
    text: str,
    year: int | None,
    issued: dt.date | None,
    add_working_days: AddWorkingDays | None,
) -> Deadline | None:
    """'từ nay đến năm 2015', 'trong vòng 30 ngày kể từ ngày ký': read against issued."""
    counted = _COUNTED.match(text)
    if counted:
        if not re.fullmatch(_EVENT, counted["event"]):
            raise PhraseError(
                f"'{phrase}': thời hạn tính từ một sự việc không có ngày trong kế hoạch; chỉ "
                "đọc được thời hạn tính từ ngày ký (ban hành) văn bản, ví dụ 'trong vòng 30 "
                "ngày kể từ ngày ký'"
            )
        base, n = _anchor(phrase, issued), int(counted["n"])
        unit = counted["unit"]
        if unit == "ngay lam viec":
            if add_working_days is None:
                from models.calendar import default_calendar

                add_working_days = default_calendar().add_working_days
            due = add_working_days(base, n)
        elif unit in ("ngay", "tuan"):
            due = base + dt.timedelta(days=n * (7 if unit == "tuan" else 1))
        else:
            due = add_months(base, n * (12 if unit == "nam" else 1))
        _check_year(due.year, phrase)
        return Deadline(phrase, "date", "counted_from_document", due=due, relative=True)
    from_now = _FROM_DOCUMENT.match(text)
    if from_now is None:
        return None
    base = _anchor(phrase, issued)
    rest = from_now["rest"]
    rest = f"nam {rest}" if re.fullmatch(r"\d{4}", rest) else rest
    end = parse_phrase(rest, year=year or base.year, issued=base)
    if end.kind == "recurring" or end.due is None:
        raise PhraseError(f"'{phrase}': sau 'từ nay đến' cần một ngày, tháng, quý hoặc năm")
    if end.due < base:
        raise PhraseError(f"'{phrase}': mốc kết thúc trước ngày ban hành {base:%d/%m/%Y}")
    return Deadline(phrase, "window", "from_document", due=end.due, start=base, relative=True)


def _frequencies(words: str | None) -> list[Frequency]:
    if not words:
        return []
    found = re.findall(r"6\s+thang|thang|quy|nam", words)
    return list(dict.fromkeys(_FREQ_WORDS[re.sub(r"\s+", " ", w)] for w in found))


def _parse_yearly_period(phrase: str, text: str) -> Deadline | None:
    """ "trong quý I hằng năm": the quarter every year, due its last day; "trước tháng 10
    hằng năm": the day before it starts, every year."""
    match = _RECURRING_PERIOD.match(text)
    if match is None or bool(match["pre"]) == bool(match["post"]):
        return None
    before = (match["limit"] or "").startswith("truoc")
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise PhraseError(f"'{phrase}': không có tháng {month}")
        series = Recurrence("yearly", day=1 if before else None, month=month, before=before)
    elif match["quarter"]:
        quarter = _QUARTERS[match["quarter"]]
        series = Recurrence(
            "quarterly",
            day=1 if before else None,
            month=1 if before else None,
            before=before,
            parts=(quarter,),
        )
    else:
        half = 1 if match["half"] == "dau" else 2
        series = Recurrence(
            "half_yearly",
            day=1 if before else None,
            month=1 if before else None,
            before=before,
            parts=(half,),
        )
    return Deadline(phrase, "recurring", "recurring", recurrences=(series,))


def _parse_recurring(phrase: str, text: str) -> Deadline | None:
    match = _RECURRING.match(text)
    if match is None:
        return _parse_yearly_period(phrase, text)
    g = match.groupdict()
    pre = g["prea"] or g["preb"] or g["prec"]
    post = g["posta"] or g["postb"] or g["postc"]
    if pre and post:
        raise PhraseError(f"'{phrase}': kỳ lặp được ghi hai lần")
    frequencies = _frequencies(pre or post)
    day = int(g["d"]) if g["d"] else None
    before = bool(g["limit"]) and g["limit"].startswith("truoc")
    part_unit = re.sub(r"\s+", " ", g["punit"]) if g["punit"] else None
    if day is not None and not 1 <= day <= 31:
        raise PhraseError(f"'{phrase}': ngày {day} không có thật")
    if g["m"]:  # "30/11 hằng năm", "vào dịp 19/5", "15/6 và 15/12 hằng năm"
        if not frequencies and not g["dip"]:
            return None  # a one-off date ("trước ngày 15/01 năm sau" alone)
        if frequencies not in ([], ["yearly"]):
            raise PhraseError(f"'{phrase}': ngày/tháng cụ thể chỉ đi với 'hằng năm'")
        days = [(day or 1, int(g["m"])), *_more_days(g["more"] or "")]
        for d, m in days:
            _check_date(2000, m, d, phrase)  # a leap year accepts 29/2
        recurrences = _yearly_days(phrase, days, before=before, following=bool(g["ynext"]))
        if g["dip"]:
            return Deadline(
                phrase, "recurring", "occasion", recurrences=tuple(recurrences), occasion=True
            )
        return Deadline(phrase, "recurring", "recurring_on_day", recurrences=tuple(recurrences))
    if g["part"] or g["mnext"]:
        implied: Frequency = (
            "monthly" if g["mnext"] else "half_yearly" if part_unit == "6 thang" else "quarterly"
        )
        if frequencies not in ([], [implied]):
            raise PhraseError(f"'{phrase}': kỳ lặp không khớp với tháng đã ghi trong kỳ")
        length = 6 if implied == "half_yearly" else 3
        month = None
        if g["part"]:
            part = re.sub(r"\s+", " ", g["part"])
            month = length if part == "cuoi" or part in ("thu ba", "thu 3") else _PART_MONTH[part]
        recurrence = Recurrence(
            implied,
            day=day,
            month=month,
            before=before,
            following=bool(g["pnext"] or g["mnext"]),
        )
        return Deadline(phrase, "recurring", "recurring_on_day", recurrences=(recurrence,))
    if not frequencies:
        return None
    if g["dip"]:
        raise PhraseError(f"'{phrase}': dịp cần ghi ngày và tháng (vào dịp 19/5)")
    series = tuple(Recurrence(f, day=day, before=before) for f in frequencies)
    rule = "recurring_on_day" if day is not None else "recurring"
    return Deadline(phrase, "recurring", rule, recurrences=series)


def _yearly_days(
    phrase: str, days: list[tuple[int, int]], *, before: bool, following: bool
) -> tuple[Recurrence, ...]:
    """One day a year is a yearly series; several ("trước ngày 15/6 và 15/12 hằng năm") are
    one series each, named after the widest period that holds one of them each (the halves of
    the year, else its quarters, else its months), so every occurrence has its own key."""
    if len(days) == 1:
        d, m = days[0]
        return (Recurrence("yearly", day=d, month=m, before=before, following=following),)
    frequency: Frequency
    for frequency in ("half_yearly", "quarterly", "monthly"):
        length = MONTHS[frequency]
        parts = [(m - 1) // length + 1 for _, m in days]
        if len(set(parts)) == len(parts):
            return tuple(
                Recurrence(
                    frequency,
                    day=d,
                    month=(m - 1) % length + 1,
                    before=before,
                    following=following,
                    parts=(part,),
                )
                for (d, m), part in zip(days, parts, strict=True)
            )
    raise PhraseError(f"'{phrase}': hai ngày trong cùng một tháng")


def _more_days(text: str) -> list[tuple[int, int]]:
    return [(int(d), int(m)) for d, m in re.findall(r"(\d{1,2})[/.-](\d{1,2})", text)]


def _resolve(
    groups: dict[str, str | None], tag: str, year: int | None, phrase: str
) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, unit) of the expression tagged tag."""

    def need_year(written: str | None) -> int:
        if written is not None:
            return _check_year(int(written), phrase)
        if year is None:
            raise PhraseError(
                f"'{phrase}' không ghi năm: cần cho biết năm (ghi năm, hoặc --year với tdkt "
                "deadline); việc lặp lại mỗi năm thì thêm 'hằng năm'"
            )
        return year

    if groups.get(f"d{tag}"):
        y = need_year(groups[f"y{tag}"])
        day = _check_date(y, int(groups[f"m{tag}"] or 0), int(groups[f"d{tag}"] or 0), phrase)
        return day, day, "date"
    if groups.get(f"mm{tag}"):
        y, m = need_year(groups[f"my{tag}"]), int(groups[f"mm{tag}"] or 0)
        if not 1 <= m <= 12:
            raise PhraseError(f"'{phrase}': không có tháng {m}")
        return dt.date(y, m, 1), day_in_month(y, m, None), "month"
    if groups.get(f"q{tag}"):
        y, q = need_year(groups[f"qy{tag}"]), _QUARTERS[groups[f"q{tag}"] or ""]
        return dt.date(y, q * 3 - 2, 1), day_in_month(y, q * 3, None), "quarter"
    if groups.get(f"half{tag}"):
        y = need_year(groups[f"hy{tag}"])
        if groups[f"h{tag}"] == "cuoi":
            return dt.date(y, 7, 1), dt.date(y, 12, 31), "half_year"
        return dt.date(y, 1, 1), dt.date(y, 6, 30), "half_year"
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
