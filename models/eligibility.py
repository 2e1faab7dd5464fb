"""Eligibility: a plan's checkable criteria run against yearly records, each result explained.

The plans write criteria a council can check from the records kept every year: titles (danh
hiệu), ratings (xếp loại), breaches (vi phạm) and initiatives (sáng kiến). :func:`evaluate` runs
every rule of a plan that applies to one candidate and returns, rule by rule, pass or fail, the
records it used as evidence and a Vietnamese explanation, so a coordinator can answer "why not?"
without reading code. It is plain Python: the service layer feeds it from the database.

Choices (docs/eligibility.md says the same for coordinators):

* Titles and ratings are compared by :func:`normalise`: NFC, lower case, quotes dropped, the old
  tone placement ("hoá", "thuỷ") read as the new ("hóa", "thủy"), and a few y/i spellings
  ("sỹ", "kỹ", "lý", "mỹ") as one. Plans and records spell the same title both ways.
* A higher title of the same ladder meets a lower one ("Chiến sĩ thi đua cấp tỉnh" meets
  "Chiến sĩ thi đua cấp cơ sở"): seed 002 prefers higher titles, seed 004 writes "trở lên".
* Ratings form a ladder: không hoàn thành < hoàn thành < hoàn thành tốt < hoàn thành xuất sắc
  (nhiệm vụ); a rule's rating is a minimum. Two ratings in one year: the lower one counts.
* A year in the checked span with no record at all fails every record-based rule: the council
  cannot vouch for a year nobody reported.
* title_held_years counts the consecutive years, ending with the last checked year, in which the
  title is held; years before the period count (a title kept since 2019 is "giữ vững").
  title_held_once asks for the title in at least one checked year ("được bình xét ... trở lên").
* A title's other legal names are one title: "Thôn văn hóa", "Tổ dân phố văn hóa", "Thôn, tổ
  dân phố văn hóa" (Luật Thi đua, khen thưởng 2022), and the older "Làng", "Bản", "Ấp văn hóa",
  all meet "Khu dân cư văn hóa", so a renamed title does not break a run of years.
* A rule's every_years says how often its title is conferred; a title conferred every 2 years
  covers the year of the decision and the next. The default, 1, is the law in force: Luật Thi
  đua, khen thưởng 2022, Điều 30, confers "Thôn, tổ dân phố văn hóa" yearly ("tặng hằng năm").
* A rule may belong to some of the plan's fields (fields: [c]) and a rating rule may name whose
  rating counts (rating_kind: party); ratings of other kinds are not its evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from models.plan import Rule
from models.vocabulary import DEFAULT_RATING_KIND, RatingKind, RuleCheck, SubjectKind

RecordKind = Literal["title", "rating", "breach", "initiative"]
RECORD_KINDS: tuple[RecordKind, ...] = ("title", "rating", "breach", "initiative")
RECORD_KIND_LABELS: dict[RecordKind, str] = {
    "title": "danh hiệu",
    "rating": "xếp loại",
    "breach": "vi phạm",
    "initiative": "sáng kiến",
}
NO_RULES = "kế hoạch không có tiêu chí kiểm tra được"


@dataclass(frozen=True)
class YearRecordIn:
    """One yearly fact about a person, household or unit, as imported."""

    subject_ref: str
    year: int
    kind: RecordKind
    value: str
    note: str | None = None
    rating_kind: RatingKind | None = None
    """Whose rating it is (kind "rating" only); None is read as DEFAULT_RATING_KIND."""

    @property
    def rated_as(self) -> RatingKind:
        """The rating's kind, the default for a rating recorded without one."""
        return self.rating_kind or DEFAULT_RATING_KIND

    def line(self) -> str:
        """The record as evidence: '2023: Tập thể lao động xuất sắc (QĐ 12/QĐ-UBND)', and for a
        rating of a named kind '2023: hoàn thành xuất sắc nhiệm vụ [đảng viên]'."""
        kind = f" [{self.rating_kind.short_label}]" if self.rating_kind is not None else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.year}: {self.value}{kind}{note}"


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict for one candidate, with what it looked at and why."""

    rule_id: str
    text: str
    passed: bool
    evidence: list[str]
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON data, as stored with each eligibility check and printed by --json."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RuleResult:
        return cls(
            rule_id=str(data["rule_id"]),
            text=str(data["text"]),
            passed=bool(data["passed"]),
            evidence=[str(e) for e in data["evidence"]],
            explanation=str(data["explanation"]),
        )


@dataclass(frozen=True)
class Eligibility:
    """Every applicable rule's result; eligible only when all pass. summary is the one-liner
    a coordinator reads first (and the reason written to the audit log on a stage change)."""

    eligible: bool
    results: list[RuleResult]
    summary: str = ""


def record_kind(value: str) -> RecordKind:
    """A stored kind back into the closed set (the column is plain text)."""
    if value not in RECORD_KINDS:
        raise ValueError(f"loại hồ sơ không hợp lệ: {value!r}")
    return value


# --- spelling: one key per title or rating however it is written ---------------------------

_QUOTES = re.compile("[\"'“”‘’«»]")
_NEW_TONE = {
    **dict(zip(["oà", "oá", "oả", "oã", "oạ"], ["òa", "óa", "ỏa", "õa", "ọa"], strict=True)),
    **dict(zip(["oè", "oé", "oẻ", "oẽ", "oẹ"], ["òe", "óe", "ỏe", "õe", "ọe"], strict=True)),
    **dict(zip(["uỳ", "uý", "uỷ", "uỹ", "uỵ"], ["ùy", "úy", "ủy", "ũy", "ụy"], strict=True)),
}
"""Old tone placement at the end of a word ("hoá", "thuỷ") to the new one ("hóa", "thủy")."""
_OLD_TONE = re.compile("(" + "|".join(_NEW_TONE) + r")\b")
_WORD_SPELLINGS = {"sỹ": "sĩ", "kỹ": "kĩ", "mỹ": "mĩ", "lý": "lí"}


def normalise(text: str) -> str:
    """A comparison key: 'Chiến sỹ thi đua cấp cơ sở' and 'chiến sĩ thi đua cấp cơ sở' agree.

    Records come from many offices, typed on different keyboards and in different decades;
    only the spelling should differ, never the verdict.
    """
    text = unicodedata.normalize("NFC", text).lower()
    text = " ".join(_QUOTES.sub("", text).replace(".", " ").split())
    text = _OLD_TONE.sub(lambda m: _NEW_TONE[m[0]], text)
    return " ".join(_WORD_SPELLINGS.get(word, word) for word in text.split(" "))


def _keys(*names: str) -> frozenset[str]:
    return frozenset(normalise(n) for n in names)


_TITLE_LADDERS: tuple[tuple[frozenset[str], ...], ...] = (
    (
        _keys("Lao động tiên tiến"),
        _keys("Chiến sĩ thi đua cơ sở", "Chiến sĩ thi đua cấp cơ sở"),
        _keys(
            "Chiến sĩ thi đua cấp tỉnh",
            "Chiến sĩ thi đua cấp bộ",
            "Chiến sĩ thi đua cấp bộ, ngành, tỉnh",
            "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
        ),
        _keys("Chiến sĩ thi đua toàn quốc"),
    ),
    (
        _keys("Tập thể lao động tiên tiến"),
        _keys("Tập thể lao động xuất sắc"),
    ),
)
"""Titles where a higher one meets a lower one; any other title must match exactly."""


_TITLE_ALIASES: tuple[frozenset[str], ...] = (
    _keys(
        "Khu dân cư văn hóa",
        "Thôn, tổ dân phố văn hóa",
        "Thôn văn hóa",
        "Tổ dân phố văn hóa",
        "Làng văn hóa",
        "Bản văn hóa",
        "Ấp văn hóa",
        "Thôn, bản văn hóa",
        "Thôn, làng, ấp, bản, tổ dân phố văn hóa",
    ),
)
"""Names of one title: the law renamed "Thôn văn hóa", "Làng văn hóa", "Ấp văn hóa", "Bản văn
hóa", "Tổ dân phố văn hóa" (NĐ 122/2018) as "Thôn, tổ dân phố văn hóa" (Luật Thi đua, khen
thưởng 2022, Điều 30; NĐ 86/2023); plans call them "Khu dân cư văn hóa"."""


def title_key(title: str) -> str:
    """One key per title whatever name a record or plan gives it (spelling and aliases)."""
    key = normalise(title)
    for names in _TITLE_ALIASES:
        if key in names:
            return min(names)
    return key


def _title_rank(title: str) -> tuple[int, int] | None:
    key = normalise(title)
    for ladder, tiers in enumerate(_TITLE_LADDERS):
        for tier, names in enumerate(tiers):
            if key in names:
                return ladder, tier
    return None


def meets_title(held: str, required: str) -> bool:
    """held is the required title, however spelled, another name of it ("cơ sở" for "cấp cơ
    sở", "Tổ dân phố văn hóa" for "Khu dân cư văn hóa"), or a higher one of the same ladder."""
    if title_key(held) == title_key(required):
        return True
    have, need = _title_rank(held), _title_rank(required)
    return have is not None and need is not None and have[0] == need[0] and have[1] >= need[1]


_RATING_RANKS = {
    "không hoàn thành": 0,
    "hoàn thành": 1,
    "hoàn thành tốt": 2,
    "hoàn thành xuất sắc": 3,
}
_RATING_ABBREVIATIONS = {
    "khtnv": "không hoàn thành",
    "htnv": "hoàn thành",
    "httnv": "hoàn thành tốt",
    "htxsnv": "hoàn thành xuất sắc",
}
_RATING_NOISE = re.compile(r"\b(nhiệm vụ|được giao|trở lên)\b")


def rating_rank(rating: str) -> int | None:
    """Where a rating stands on the ladder (higher is better); None if it is not on it."""
    key = " ".join(_RATING_NOISE.sub(" ", normalise(rating)).split())
    key = _RATING_ABBREVIATIONS.get(key, key)
    return _RATING_RANKS.get(key)


def meets_rating(held: str, minimum: str) -> bool:
    """held is at least minimum on the ladder (or, off the ladder, the same words)."""
    have, need = rating_rank(held), rating_rank(minimum)
    if have is None or need is None:
        return normalise(held) == normalise(minimum)
    return have >= need


# --- the checks --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Case:
    """What one evaluation knows about the candidate, records grouped by year."""

    years: range
    by_year: Mapping[int, Sequence[YearRecordIn]]
    led_unit_is_exemplar: bool | None
    led_unit_evidence: Sequence[str]

    def of_kind(self, year: int, kind: RecordKind) -> list[YearRecordIn]:
        return [r for r in self.by_year.get(year, ()) if r.kind == kind]

    def conferred(self, year: int, title: str, every_years: int) -> YearRecordIn | None:
        """The record of the title that covers year: conferred that year or, for a title
        conferred every n years, in one of the n - 1 years before."""
        for when in range(year, year - every_years, -1):
            for record in self.of_kind(when, "title"):
                if meets_title(record.value, title):
                    return record
        return None

    def unrecorded(self) -> list[int]:
        return [y for y in self.years if not self.by_year.get(y)]


@dataclass
class _Verdict:
    """A check's findings before they become a RuleResult."""

    evidence: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    success: str = ""


def years_text(years: Sequence[int]) -> str:
    """'năm 2023' or 'các năm 2023, 2024'."""
    if len(years) == 1:
        return f"năm {years[0]}"
    return "các năm " + ", ".join(str(y) for y in years)


def span_text(years: range) -> str:
    """'2021-2024', or '2023' for a single year."""
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _no_record(verdict: _Verdict, case: _Case) -> None:
    missing = case.unrecorded()
    if missing:
        verdict.problems.append(f"không có hồ sơ {years_text(missing)}")


def _title_every_year(rule: Rule, case: _Case) -> _Verdict:
    title = rule.title or ""
    verdict, lacking = _Verdict(), []
    for year in case.years:
        held = case.conferred(year, title, rule.every_years)
        if held is not None:
            verdict.evidence.append(_covered_line(year, held, rule.every_years))
            continue
        lacking.append(year)
        verdict.evidence.append(_break_line(case, year))
    if lacking:
        verdict.problems.append(f"Thiếu danh hiệu '{title}' {years_text(lacking)}")
        _no_record(verdict, case)
    verdict.success = f"Đạt danh hiệu '{title}' tất cả các năm {span_text(case.years)}"
    return verdict


def _covered_line(year: int, record: YearRecordIn, every_years: int) -> str:
    """Evidence for a year: its own record, or the earlier conferral whose term covers it."""
    if record.year == year:
        return record.line()
    return (
        f"{year}: {record.value} (công nhận năm {record.year}, xét tặng {every_years} năm một lần)"
    )


def _rating_every_year(rule: Rule, case: _Case) -> _Verdict:
    minimum = rule.rating or ""
    kind = rule.rating_kind
    whose = f" {kind.short_label}" if kind is not None else ""
    verdict, below, unrated = _Verdict(), [], []
    for year in case.years:
        ratings = sorted(
            (r for r in case.of_kind(year, "rating") if kind is None or r.rated_as == kind),
            key=_rating_order,
        )
        if not case.by_year.get(year):
            verdict.evidence.append(f"không có hồ sơ năm {year}")
            continue
        if not ratings:
            unrated.append(year)
            verdict.evidence.append(f"{year}: không có xếp loại{whose}")
            continue
        lowest = ratings[0]  # two ratings in one year: the lower one counts
        verdict.evidence.append(lowest.line())
        if not meets_rating(lowest.value, minimum):
            below.append(year)
    if below:
        verdict.problems.append(f"Xếp loại{whose} dưới mức '{minimum}' {years_text(below)}")
    if unrated:
        verdict.problems.append(f"Không có xếp loại{whose} {years_text(unrated)}")
    _no_record(verdict, case)
    verdict.success = (
        f"Xếp loại{whose} từ '{minimum}' trở lên tất cả các năm {span_text(case.years)}"
    )
    return verdict


def _rating_order(record: YearRecordIn) -> int:
    """Lowest first; a rating off the ladder sorts below every known one."""
    rank = rating_rank(record.value)
    return -1 if rank is None else rank


def _title_held_years(rule: Rule, case: _Case) -> _Verdict:
    title, needed = rule.title or "", rule.years or 1
    last = case.years[-1]
    verdict, run = _Verdict(), list[int]()
    year = last
    while (held := case.conferred(year, title, rule.every_years)) is not None:
        run.insert(0, year)
        verdict.evidence.insert(0, _covered_line(year, held, rule.every_years))
        year -= 1
    if len(run) < needed:
        verdict.evidence.insert(0, _break_line(case, year))
    held_span = span_text(range(year + 1, last + 1)) if run else ""
    if not run and not case.by_year.get(last):
        verdict.problems.append(f"không có hồ sơ năm {last}")
    elif not run:
        verdict.problems.append(
            f"Năm {last} không có danh hiệu '{title}' (cần giữ ít nhất {needed} năm liên tục)"
        )
    elif len(run) < needed:
        verdict.problems.append(
            f"Mới giữ danh hiệu '{title}' {len(run)} năm liên tục ({held_span}), "
            f"cần ít nhất {needed} năm"
        )
    verdict.success = (
        f"Giữ danh hiệu '{title}' {len(run)} năm liên tục ({held_span}), "
        f"yêu cầu ít nhất {needed} năm"
    )
    return verdict


def _title_held_once(rule: Rule, case: _Case) -> _Verdict:
    """The title in at least one checked year: "được bình xét ... trở lên" (seed 004) asks
    that the title was conferred, not that it was kept; a later, lower title does not undo it."""
    title = rule.title or ""
    verdict = _Verdict()
    held = [r for y in case.years for r in case.of_kind(y, "title") if meets_title(r.value, title)]
    verdict.evidence = [r.line() for r in held]
    if not held:
        verdict.evidence = [_break_line(case, y) for y in case.years]
        verdict.problems.append(
            f"Chưa lần nào đạt danh hiệu '{title}' trong {years_text(list(case.years))}"
        )
        _no_record(verdict, case)
    years = sorted({r.year for r in held})
    verdict.success = f"Đạt danh hiệu '{title}' {years_text(years)}" if held else ""
    return verdict


def _break_line(case: _Case, year: int) -> str:
    """Why a run of titled years stops at year: no record, or records without the title."""
    if not case.by_year.get(year):
        return f"không có hồ sơ năm {year}"
    titles = ", ".join(r.value for r in case.of_kind(year, "title"))
    return f"{year}: {titles or 'không có danh hiệu'}"


def _leader_unit_is_exemplar(rule: Rule, case: _Case) -> _Verdict:
    verdict = _Verdict(evidence=list(case.led_unit_evidence))
    if case.led_unit_is_exemplar is None:
        verdict.evidence = verdict.evidence or ["không có thông tin về đơn vị do cá nhân lãnh đạo"]
        verdict.problems.append(
            "Không rõ đơn vị do cá nhân lãnh đạo có là tập thể điển hình không (đơn vị chưa "
            "được đăng ký, đánh giá trong kế hoạch): coi như chưa đạt"
        )
    elif not case.led_unit_is_exemplar:
        verdict.problems.append(
            "Đơn vị do cá nhân lãnh đạo chưa là tập thể điển hình (chưa đủ tiêu chuẩn)"
        )
    verdict.success = "Đơn vị do cá nhân lãnh đạo là tập thể điển hình"
    return verdict


def _no_family_breach(rule: Rule, case: _Case) -> _Verdict:
    verdict = _Verdict()
    breaches = [r for y in case.years for r in case.of_kind(y, "breach")]
    verdict.evidence = [f"vi phạm {r.line()}" for r in breaches]
    verdict.evidence += [f"không có hồ sơ năm {y}" for y in case.unrecorded()]
    if breaches:
        years = sorted({r.year for r in breaches})
        verdict.problems.append(f"Có thành viên gia đình vi phạm pháp luật {years_text(years)}")
    _no_record(verdict, case)
    verdict.evidence = verdict.evidence or [
        f"không có hồ sơ vi phạm nào các năm {span_text(case.years)}"
    ]
    verdict.success = (
        f"Không có thành viên gia đình vi phạm pháp luật các năm {span_text(case.years)}"
    )
    return verdict


_CHECKS: dict[RuleCheck, Callable[[Rule, _Case], _Verdict]] = {
    RuleCheck.TITLE_EVERY_YEAR: _title_every_year,
    RuleCheck.RATING_EVERY_YEAR: _rating_every_year,
    RuleCheck.TITLE_HELD_YEARS: _title_held_years,
    RuleCheck.TITLE_HELD_ONCE: _title_held_once,
    RuleCheck.LEADER_UNIT_IS_EXEMPLAR: _leader_unit_is_exemplar,
    RuleCheck.NO_FAMILY_BREACH: _no_family_breach,
}
_NEEDS_YEARS = frozenset(RuleCheck) - {RuleCheck.LEADER_UNIT_IS_EXEMPLAR}


def applies(
    rule: Rule,
    *,
    subject: SubjectKind,
    party_member: bool,
    is_leader: bool,
    field: str | None = None,
) -> bool:
    """The rule is for this kind of subject, for the candidate's field (a rule that names
    fields never applies to a candidate registered in another field or in none: a hospital is
    not judged by the residential areas' criterion), and for everyone or for what the candidate
    is."""
    if rule.subject != subject:
        return False
    if rule.fields is not None and field not in rule.fields:
        return False
    return (
        rule.applies_to == "everyone"
        or (rule.applies_to == "party_member" and party_member)
        or (rule.applies_to == "leader" and is_leader)
    )


def _check_rule(rule: Rule, case: _Case) -> RuleResult:
    """Run one rule; an empty span of years fails rather than passing on no evidence."""
    if rule.check in _NEEDS_YEARS and not case.years:
        verdict = _Verdict(
            evidence=["không có năm nào để xét"],
            problems=["Chưa có năm nào trọn vẹn trong giai đoạn để xét hồ sơ"],
        )
    else:
        verdict = _CHECKS[rule.check](rule, case)
    passed = not verdict.problems
    explanation = verdict.success if passed else "; ".join(_capitalised(verdict.problems))
    return RuleResult(rule.id, rule.text, passed, verdict.evidence, explanation)


def _capitalised(parts: list[str]) -> list[str]:
    return [p[:1].upper() + p[1:] if i == 0 else p[:1].lower() + p[1:] for i, p in enumerate(parts)]


def evaluate(
    rules: Sequence[Rule],
    *,
    subject: SubjectKind,
    party_member: bool,
    is_leader: bool,
    led_unit_is_exemplar: bool | None,
    records: Sequence[YearRecordIn],
    years: range,
    led_unit_evidence: Sequence[str] = (),
    field: str | None = None,
) -> Eligibility:
    """Every rule that applies to the candidate, checked over years against records.

    records are the candidate's (years outside `years` only matter to title_held_years, which
    looks back before the period). led_unit_evidence: lines describing the led unit's standing,
    shown as the leader rule's evidence. field: the code of the plan field the candidate
    is registered in (None: none), which selects the rules that name fields.
    """
    case = _Case(years, _by_year(records), led_unit_is_exemplar, led_unit_evidence)
    chosen = [
        r
        for r in rules
        if applies(r, subject=subject, party_member=party_member, is_leader=is_leader, field=field)
    ]
    results = [_check_rule(rule, case) for rule in chosen]
    eligible = all(r.passed for r in results)
    summary = _summary(results, has_rules=bool(rules), subject=subject, field=field)
    return Eligibility(eligible, results, summary)


def _by_year(records: Iterable[YearRecordIn]) -> dict[int, list[YearRecordIn]]:
    grouped: dict[int, list[YearRecordIn]] = defaultdict(list)
    for record in records:
        grouped[record.year].append(record)
    return dict(grouped)


def _summary(
    results: list[RuleResult], *, has_rules: bool, subject: SubjectKind, field: str | None
) -> str:
    if not has_rules:
        return f"Đủ tiêu chuẩn: {NO_RULES}"
    if not results:
        where = f" lĩnh vực {field}" if field is not None else ""
        return (
            "Đủ tiêu chuẩn: không có tiêu chí kiểm tra được nào áp dụng cho "
            f"{subject.label.lower()}{where}"
        )
    failed = [r.rule_id for r in results if not r.passed]
    if not failed:
        return f"Đủ tiêu chuẩn: đạt {len(results)}/{len(results)} tiêu chí"
    return (
        f"Chưa đủ tiêu chuẩn: không đạt {len(failed)}/{len(results)} tiêu chí ({', '.join(failed)})"
    )
