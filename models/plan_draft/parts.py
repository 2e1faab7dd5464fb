"""The part tree of a plan's text: numbered parts (I, II; 1, 1.1, 1.2.1; a, b) as clauses.

Plans share a form (Nghị định 30/2020): a header (issuer, number, place and date, the kind and
title), a preamble (căn cứ, thực hiện), Roman-numbered parts, Arabic-numbered items (dotted for
depth), lettered points, then "Nơi nhận" and the signature. A clause is named as the plan files
name them: "IV.1", "III.1.3", "IV.4.b". Lines broken by a page end mid-sentence are joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ROMAN = re.compile(r"^(?P<label>[IVX]{1,5})\s*[.\-–/]\s*(?P<rest>\S.*)$")
_ARABIC = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<rest>\S.*)$")
_LETTER = re.compile(r"^(?P<label>[a-zđ])\)\s*(?P<rest>\S.*)$")
_END = re.compile(r"^\s*(?:\*\*)?Nơi nhận\s*:?", re.IGNORECASE)


@dataclass
class Clause:
    """One numbered part: its label ("IV.1"), heading line and paragraphs (the heading's own
    words after the number included: "1. Thủ trưởng ... chậm nhất trong tháng 10 năm 2022")."""

    label: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    ancestors: tuple[str, ...] = ()
    """Headings of the enclosing parts, outermost first."""

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class PartTree:
    """The document split into header lines, preamble, clauses and what follows Nơi nhận."""

    header: list[str]
    preamble: list[str]
    clauses: list[Clause]
    closing: list[str]


def paragraphs(text: str) -> list[str]:
    """Non-empty lines, with a line broken mid-sentence (next line starts lower-case, no number)
    joined to the one before: page breaks in the seeds fall inside sentences."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.replace("\xa0", " ").split())
        if not line:
            continue
        if (
            out
            and (line[0].islower() or (re.match(r"^[\w/]+-?\s*\w*/", line) and "/" in line[:12]))
            and not _LETTER.match(line)
            and not out[-1].endswith((".", ":", ";", "!", "?", "./."))
        ):
            out[-1] = f"{out[-1]} {line}" if not out[-1].endswith("-") else out[-1] + line
            continue
        out.append(line)
    return out


def part_tree(text: str) -> PartTree:
    """Split a plan's text into its parts (see the module docstring)."""
    lines = paragraphs(text)
    header: list[str] = []
    preamble: list[str] = []
    clauses: list[Clause] = []
    closing: list[str] = []
    roman = arabic = letter = ""
    headings: dict[str, str] = {}
    seen_title = False
    for index, line in enumerate(lines):
        if closing or (clauses and _END.match(line)):
            closing.append(line)
            continue
        m = _ROMAN.match(line)
        if m and _roman_value(m["label"]):
            roman, arabic, letter = m["label"], "", ""
            clauses.append(_clause(roman, line, m["rest"], ()))
            headings = {"roman": m["rest"]}
            continue
        if not roman:
            if (seen_title and preamble) or _starts_preamble(line, seen_title):
                preamble.append(line)
            else:
                header.append(line)
                seen_title = seen_title or line.upper().startswith("KẾ HOẠCH")
            continue
        m = _ARABIC.match(line)
        if m and not re.match(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}", line):
            arabic, letter = m["label"], ""
            depth = arabic.count(".")
            headings = {k: v for k, v in headings.items() if k == "roman" or _depth(k) < depth}
            ancestors = tuple(headings[k] for k in headings)
            headings[f"a{depth}"] = m["rest"]
            clauses.append(_clause(f"{roman}.{arabic}", line, m["rest"], ancestors))
            continue
        m = _LETTER.match(line)
        if m and arabic:
            letter = m["label"]
            ancestors = tuple(v for k, v in headings.items() if k != "letter")
            clauses.append(_clause(f"{roman}.{arabic}.{letter}", line, m["rest"], ancestors))
            continue
        if m and not arabic:
            letter = m["label"]
            ancestors = (headings.get("roman", ""),)
            clauses.append(_clause(f"{roman}.{letter}", line, m["rest"], ancestors))
            continue
        clauses[-1].paragraphs.append(line)
        del index
    return PartTree(header, preamble, clauses, closing)


def _clause(label: str, line: str, rest: str, ancestors: tuple[str, ...]) -> Clause:
    return Clause(label=label, heading=rest, paragraphs=[rest], ancestors=ancestors)


def _depth(key: str) -> int:
    return int(key[1:]) if key.startswith("a") else -1


def _starts_preamble(line: str, seen_title: bool) -> bool:
    return seen_title and bool(
        re.match(r"^(Căn cứ|Thực hiện|Nhằm|Triển khai|Để|Theo)\b", line, re.IGNORECASE)
    )


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman_value(label: str) -> int:
    """The value of a Roman numeral written the usual way (I-XX), 0 for anything else."""
    total, previous = 0, 0
    for char in reversed(label):
        value = _ROMAN_VALUES[char]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total if 0 < total <= 20 else 0


def clause_of(tree: PartTree, label: str) -> Clause | None:
    """The clause with this label, if the text has one."""
    return next((c for c in tree.clauses if c.label == label), None)
