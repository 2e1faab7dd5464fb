"""Moving the years written in a plan's text from one period to another.

A plan for 2021-2025 says "giai đoạn 2021 - 2025", "Quý II năm 2023", "lần thứ VI",
"Kỷ niệm 77 năm ... (11/6/1948 - 11/6/2025)". Made for 2026-2030, each must move the same way
wherever it is written (a title, a quote, a phrase), or the draft contradicts itself. This module
knows how one text moves; models.plan_instantiation applies it to a whole plan file.

The rules, in order:

- the old period written as a range (any spelling: "2021-2025", "2021 – 2025", "2021 đến năm
  2025") becomes the new period, whatever the lengths;
- any other year near the old period (one year either side) moves by the offset of the first
  years (2021 → 2026); a range moves as a whole. Years further away are history (the 1948 of
  "11/6/1948") and stay as written;
- a moved year "stays inside" the new period when it keeps its place relative to the period: a
  year of the old period must land in the new one; a year just outside it must stay as far
  outside the new one, unless the offset is a whole number of five-year cycles (the terms of
  congresses and national movements around a period, "2020-2025", keep their rhythm). One that
  does not is flagged;
- a document cited by number and date ("Kế hoạch số 126/KH-UBND ngày 02/10/2021") keeps its
  year, and is flagged: the new plan may cite a newer one;
- "kỷ niệm N năm" moves with the years it counts: when the item also writes the founding year
  and the occasion's year (1948 and 2025: 77 years), N becomes the distance to the moved year;
  when the item's other years moved, N moves by the offset; with no year to follow it is flagged;
- "lần thứ K" of a congress (Đại hội) or a five-yearly conference of exemplars (Hội nghị điển
  hình tiên tiến) is held every five years: K moves by offset/5 when the offset is a multiple of
  five; every other ordinal is flagged and left as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)

CONGRESS_CYCLE = 5
"""Years between two emulation congresses (Luật Thi đua, khen thưởng 2022, Điều 29: đại hội thi
đua yêu nước every five years), party and mass-organisation congresses, and the five-yearly
conferences of exemplars the plans name ("Hội nghị điển hình tiên tiến 05 năm")."""

_YEAR = r"(?:19|20)\d{2}"
_SHIFTABLE = re.compile(
    rf"(?<![\d/.])(?P<a>{_YEAR})(?P<sep>\s*(?:[-–—]|đến(?:\s+năm)?)\s*)(?P<b>{_YEAR})(?!\d)"
    rf"|(?<!\d)(?P<y>{_YEAR})(?!\d)",
    re.IGNORECASE,
)
_CITATION = re.compile(
    rf"\bsố\s+[\w./-]+,?\s+ngày\s+\d{{1,2}}\s*[/-]\s*\d{{1,2}}\s*[/-]\s*{_YEAR}(?!\d)",
    re.IGNORECASE,
)
"""A document cited by number and date ("Nghị quyết số 04-NQ/TU ngày 18/6/2021"): issued in
its year, which never moves."""
_ANNIVERSARY = re.compile(r"(?P<head>k[ỷỉ]\s+niệm\s+)(?P<n>\d{1,3})(?P<tail>\s+năm)", re.IGNORECASE)
_ORDINAL = re.compile(
    r"(?P<head>lần\s+thứ\s+)(?P<k>[IVXLC]+|\d{1,3})(?![0-9A-Za-zÀ-ỹ])", re.IGNORECASE
)
_EVENTS = re.compile(r"đại hội|hội nghị|hội thi|hội diễn|hội thao|liên hoan", re.IGNORECASE)
_FIVE_YEARLY = re.compile(r"đại hội|hội nghị điển hình tiên tiến", re.IGNORECASE)


def roman(number: int) -> str:
    """number in Roman numerals, as plans write a congress's ordinal."""
    out = ""
    for value, letters in ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def from_roman(text: str) -> int | None:
    """The value of a Roman numeral; None when text is not one written the usual way."""
    upper = text.upper()
    total, i = 0, 0
    for value, letters in ROMAN:
        while upper.startswith(letters, i):
            total += value
            i += len(letters)
    return total if i == len(upper) and total and roman(total) == upper else None


@dataclass(frozen=True)
class Edit:
    """One change in a text: what stood at start (in the old text), and what replaced it."""

    start: int
    before: str
    after: str
    kind: str
    """year, period, anniversary, ordinal"""


@dataclass(frozen=True)
class Flag:
    """Something a coordinator must look at: written as it was, or moved on a guess."""

    text: str
    reason: str


@dataclass
class Moved:
    """A text after the move, with its edits and flags."""

    text: str
    edits: list[Edit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    def map_position(self, position: int) -> int:
        """Where a character of the old text stands in the new one (a folded line's break)."""
        return position + sum(
            len(e.after) - len(e.before) for e in self.edits if e.start < position
        )


@dataclass(frozen=True)
class YearShift:
    """From one period to another: which years move, where they land, whether they fit."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    align: Literal["start", "end"] = "start"
    """Which years match: the first ones (year N of the old period becomes year N of the new),
    or the last ones (a plan building up to the congress at its period's end)."""

    @property
    def offset(self) -> int:
        if self.align == "end":
            return self.new_end - self.old_end
        return self.new_start - self.old_start

    def moves(self, year: int) -> bool:
        """Whether a year written in the plan belongs to its period (one year either side)."""
        return self.old_start - 1 <= year <= self.old_end + 1

    def fits(self, year: int) -> bool:
        """Whether the old year, moved, keeps its place relative to the period."""
        moved = year + self.offset
        if self.old_start <= year <= self.old_end:
            return self.new_start <= moved <= self.new_end
        if self.offset % CONGRESS_CYCLE == 0:
            return True  # a year of the congress or national cycle around the period (2020-2025)
        if year < self.old_start:
            return moved - self.new_start == year - self.old_start
        return moved - self.new_end == year - self.old_end

    def item_years(self, texts: Iterable[str]) -> tuple[list[int], list[int]]:
        """The years an item writes that move, and those it writes as history."""
        moving: list[int] = []
        history: list[int] = []
        for text in texts:
            for match in _SHIFTABLE.finditer(text):
                years = [int(y) for y in match.group("a", "b", "y") if y]
                if any(self.moves(y) for y in years):
                    moving += [y for y in years if self.moves(y)]
                else:
                    history += years
        return moving, history

    def move_text(self, text: str, context: Iterable[str] = ()) -> Moved:
        """text moved to the new period; context: the other texts of the same item (a
        milestone's title, phrase and quote), which say what an anniversary counts from."""
        moving, history = self.item_years([text, *context])
        out = Moved(text)
        out.text = _ORDINAL.sub(lambda m: self._ordinal(m, text, moving, out), text)
        # Ordinals first, then anniversaries, then years: each pass works on the text as the
        # previous ones left it; edits are recorded at their place in the original text.
        prior = sorted(out.edits, key=lambda e: e.start)
        out.text = _ANNIVERSARY.sub(
            lambda m: self._anniversary(m, moving, history, out, _origin(prior, m.start())),
            out.text,
        )
        prior = sorted(out.edits, key=lambda e: e.start)
        cited = [(c.start(), c.end()) for c in _CITATION.finditer(out.text)]
        for start, end in cited:
            out.flags.append(
                Flag(out.text[start:end], "văn bản đã ban hành: giữ nguyên năm như viết")
            )
        out.text = _SHIFTABLE.sub(
            lambda m: (
                m[0]
                if any(a <= m.start() < b for a, b in cited)
                else self._years(m, out, _origin(prior, m.start()))
            ),
            out.text,
        )
        out.edits.sort(key=lambda e: e.start)
        return out

    def _years(self, match: re.Match[str], out: Moved, start: int) -> str:
        if match["y"]:
            year = int(match["y"])
            if not self.moves(year):
                return match[0]
            new = str(year + self.offset)
            if not self.fits(year):
                out.flags.append(Flag(match[0], f"năm {year} dời thành {new}, ngoài giai đoạn mới"))
            out.edits.append(Edit(start, match[0], new, "year"))
            return new
        a, b = int(match["a"]), int(match["b"])
        if (a, b) == (self.old_start, self.old_end):
            new = f"{self.new_start}{match['sep']}{self.new_end}"
            out.edits.append(Edit(start, match[0], new, "period"))
            return new
        if not (self.moves(a) or self.moves(b)):
            return match[0]
        new = f"{a + self.offset}{match['sep']}{b + self.offset}"
        if not all(self.fits(y) for y in (a, b) if self.moves(y)):
            out.flags.append(Flag(match[0], f"{match[0]} dời thành {new}, ngoài giai đoạn mới"))
        elif b - a == CONGRESS_CYCLE and self.offset % CONGRESS_CYCLE:
            out.flags.append(
                Flag(match[0], f"nhiệm kỳ {CONGRESS_CYCLE} năm dời lệch {self.offset} năm: {new}")
            )
        out.edits.append(Edit(start, match[0], new, "year"))
        return new

    def _anniversary(
        self, match: re.Match[str], moving: list[int], history: list[int], out: Moved, start: int
    ) -> str:
        count = int(match["n"])
        counted = [y for h in history for y in moving if y - h == count]
        if counted:
            new_count = count + self.offset
            if not all(self.fits(y) for y in counted):
                out.flags.append(
                    Flag(match[0], f"năm kỷ niệm dời ra ngoài giai đoạn mới (lần {new_count})")
                )
        elif moving:
            new_count = count + self.offset
            if not all(self.fits(y) for y in moving):
                out.flags.append(Flag(match[0], "năm của mục này dời ra ngoài giai đoạn mới"))
        else:
            out.flags.append(
                Flag(match[0], "không rõ kỷ niệm tính từ năm nào: giữ nguyên, cần xem lại")
            )
            return match[0]
        new = f"{match['head']}{new_count}{match['tail']}"
        out.edits.append(Edit(start, match[0], new, "anniversary"))
        return new

    def _ordinal(self, match: re.Match[str], text: str, moving: list[int], out: Moved) -> str:
        written = match["k"]
        value = int(written) if written.isdigit() else from_roman(written)
        before = text[max(0, match.start() - 120) : match.start()]
        events = list(_EVENTS.finditer(before))
        five_yearly = bool(events) and _FIVE_YEARLY.match(before, events[-1].start()) is not None
        if value is None or not five_yearly:
            out.flags.append(Flag(match[0], "lần tổ chức không suy ra được từ năm: giữ nguyên"))
            return match[0]
        if self.offset % CONGRESS_CYCLE:
            out.flags.append(
                Flag(
                    match[0],
                    f"tổ chức {CONGRESS_CYCLE} năm một lần, giai đoạn lệch {self.offset} năm: "
                    "giữ nguyên, cần xem lại",
                )
            )
            return match[0]
        new_value = value + self.offset // CONGRESS_CYCLE
        if any(not self.fits(y) for y in moving):
            out.flags.append(Flag(match[0], "năm của mục này dời ra ngoài giai đoạn mới"))
        new_written = str(new_value) if written.isdigit() else roman(new_value)
        new = f"{match['head']}{new_written}"
        out.edits.append(Edit(match.start(), match[0], new, "ordinal"))
        return new


def aligned(
    old_start: int, old_end: int, new_start: int, new_end: int, align: str = "auto"
) -> YearShift:
    """The shift between two periods. "auto" matches the first years, unless the lengths differ
    and only the last years are a whole number of congress cycles apart (2022-2025 to
    2026-2030: the 2025 congress year becomes 2030, and "lần thứ VI" becomes "lần thứ VII")."""
    if align == "auto":
        by_end = (new_end - old_end) % CONGRESS_CYCLE == 0
        by_start = (new_start - old_start) % CONGRESS_CYCLE == 0
        align = "end" if by_end and not by_start else "start"
    return YearShift(old_start, old_end, new_start, new_end, "end" if align == "end" else "start")


def _origin(prior: list[Edit], position: int) -> int:
    """The position in the original text of a position in the text after the prior edits
    (sorted by their start)."""
    shift = 0
    for edit in prior:
        if edit.start + shift + len(edit.after) <= position:
            shift += len(edit.after) - len(edit.before)
    return position - shift
