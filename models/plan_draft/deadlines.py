"""Deadline phrases found in a clause's sentences, read by the house's phrase reader.

No new grammar here: a phrase is a run of words that models.phrases.parse_phrase reads. Each
sentence is scanned from the words a deadline phrase can start with ("trước", "chậm nhất",
"Quý", "hằng năm", a date...), the longest run the reader accepts is kept, and runs that are
not deadlines are dropped, each for a stated reason:

- a date that cites another document ("Kế hoạch số 60/KH-UBND ngày 05/4/2023");
- a span of whole years naming a period ("giai đoạn 2021 - 2025", "nhiệm kỳ 2020-2025");
- a year outside the plan's period, give or take one ("11/6/1948", "Chỉ thị ... 2014").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from models.phrases import AnchorMissing, PhraseError, normalize, parse_phrase

MAX_WORDS = 14
"""Longest phrase tried, in words: the longest seed phrase has 8 ("Định kỳ hằng năm vào dịp
19/5"), the corpus's longest about 12."""

_STARTS = {
    *("truoc", "cham", "muon", "trong", "quy", "qui", "thang", "ngay", "hang", "moi"),
    *("dinh", "tu", "vao", "den", "han", "nua", "6", "sau", "ca", "nam", "ke", "toi"),
}
_HINT = re.compile(r"\d|\b(?:hang|moi|dinh ky)\b")
_WORD = re.compile(r"\S+")
_CITATION = re.compile(r"(?:\bsố|\bSố)\s*[\w\-/.&Đđ ]{1,30}?\s*,?\s*$")
_PERIOD_SPAN = re.compile(r"^(?:trong\s+)?(?:(?:giai doan|nhiem ky|thoi ky)\s+)?\d{4}-\d{4}$")
_BREAK = re.compile(r"(?<=[.;!?])\s+(?=\S)|\n")


@dataclass(frozen=True)
class FoundPhrase:
    """A deadline phrase as written, where it stands, and the sentence it comes from."""

    phrase: str
    sentence: str
    start: int
    """Offset of the phrase in the sentence."""
    rule: str
    kind: str


def sentences(text: str) -> list[str]:
    """The sentences of a clause's text (a new paragraph or a full stop before a capital)."""
    out: list[str] = []
    start = 0
    for m in _BREAK.finditer(text):
        following = text[m.end() : m.end() + 1]
        if m.group() == "\n" or following.isupper() or following in "-+*(":
            out.append(text[start : m.start()])
            start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def find_phrases(
    sentence: str, *, issued: dt.date | None, years: range | None
) -> list[FoundPhrase]:
    """Every deadline phrase in one sentence, longest first where runs overlap, in order."""
    words = list(_WORD.finditer(sentence))
    candidates: list[FoundPhrase] = []
    for i, first in enumerate(words):
        if normalize(first.group()).split(" ")[0:1] and not _may_start(first.group()):
            continue
        best: FoundPhrase | None = None
        for j in range(i, min(len(words), i + MAX_WORDS)):
            raw = sentence[first.start() : words[j].end()].rstrip(",;:.)(")
            phrase = raw.lstrip("(“\"'")
            found = _read(phrase, issued)
            if found is not None:
                start = first.start() + (len(raw) - len(phrase))
                best = FoundPhrase(phrase, sentence, start, found[0], found[1])
        if best is not None and _kept(best, years):
            candidates.append(best)
    chosen: list[FoundPhrase] = []
    for cand in sorted(candidates, key=lambda c: -len(c.phrase)):
        end = cand.start + len(cand.phrase)
        if all(end <= c.start or cand.start >= c.start + len(c.phrase) for c in chosen):
            chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)


def _may_start(word: str) -> bool:
    text = normalize(word)
    return bool(text) and (text.split(" ")[0] in _STARTS or text[0].isdigit())


def _read(phrase: str, issued: dt.date | None) -> tuple[str, str] | None:
    text = normalize(phrase)
    if not text or not _HINT.search(text):
        return None
    try:
        deadline = parse_phrase(phrase, issued=issued, add_working_days=_every_day)
    except AnchorMissing:
        return ("counted_from_document", "relative")
    except PhraseError:
        return None
    return (deadline.rule, deadline.kind)


def _kept(found: FoundPhrase, years: range | None) -> bool:
    before = found.sentence[: found.start]
    text = normalize(found.phrase)
    if found.rule in ("date", "span") and _CITATION.search(before.removesuffix("ngày ")):
        return False  # "Kế hoạch số 60/KH-UBND ngày 05/4/2023" cites; it sets no deadline
    if found.rule == "date" and re.search(r"\bngày\s*$", before) and _CITATION.search(before[:-5]):
        return False
    if _PERIOD_SPAN.match(text) or re.search(r"(?:giai đoạn|nhiệm kỳ|thời kỳ)\s*$", before):
        return False  # "giai đoạn 2021 - 2025" names a period, not a time limit
    if years is not None:
        for year in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", found.phrase):
            if int(year) not in years:
                return False
    return True


def _every_day(day: dt.date, count: int) -> dt.date:
    return day + dt.timedelta(days=count)


SKIPPED_HEADINGS = re.compile(
    r"^(?:\*+)?(?:mục đích|yêu cầu|tiêu chí|tiêu chuẩn|đối tượng|kinh phí|xây dựng tiêu chí)",
    re.IGNORECASE,
)
"""Parts that state aims, criteria or funds, not duties: a "hằng năm" there describes an
exemplar ("Hàng năm hoàn thành tốt nhiệm vụ") or a programme, and sets no deadline."""


def skipped_part(heading: str, ancestors: tuple[str, ...]) -> str | None:
    """The heading (the clause's own or an enclosing one) that makes a part state no duty."""
    for text in (*ancestors, heading):
        if SKIPPED_HEADINGS.match(text.strip()):
            return text
    return None
