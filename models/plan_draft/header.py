"""The document's header as the text writes it: number, place and date, title, period, issuer,
the documents it implements, the signer (Nghị định 30/2020, Phụ lục I). Each value found keeps
the line it rests on; a value not written stays None."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from models.plan_draft.parts import PartTree

_NUMBER = re.compile(
    r"^Số(?:\s+hiệu)?\s*:?\s*(?P<n>\d{1,5}\s*[-/]\s*[\wĐđ&]+(?:\s*[/-]\s*[\wĐđ&]+)*)"
)
_DATE = re.compile(
    r"^(?P<place>[^\d,]{2,40}),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
)
_PERIOD = re.compile(r"(?<!\d)(?P<a>20\d{2})\s*[-–]\s*(?P<b>20\d{2})(?!\d)")
_ISSUER = re.compile(
    r"(?:^|[.;,:]\s+)(?:đồng thời,?\s+)?(?P<who>[A-ZĐÀ-Ỹ][^.;,:]{2,80}?)\s+ban hành\s+Kế hoạch"
)
_BASIS = re.compile(r"^(?:Căn cứ|Thực hiện)\s+(?P<what>.+?)(?:[.;]\s|$)")
_PARENT = re.compile(
    r"Kế hoạch\s+(?:số\s+)?(?P<n>\d{1,5}\s*[-/]\s*[\wĐđ&/-]+)\s*,?\s+ngày\s+"
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s+của\s+(?P<who>[^,;]+?)(?:\s+về\b|[,;.]|$)"
)
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")


@dataclass
class Header:
    """What the header says; evidence maps each key to the line it was read from."""

    number: str | None = None
    date: dt.date | None = None
    place: str | None = None
    title: str | None = None
    period: tuple[int, int] | None = None
    issuer_name: str | None = None
    signer: str | None = None
    basis: list[str] = field(default_factory=list)
    parent: dict[str, str | dt.date] | None = None
    evidence: dict[str, str] = field(default_factory=dict)


def read_header(tree: PartTree) -> Header:
    """The header of a plan from its part tree (see the module docstring)."""
    head = Header()
    for line in tree.header:
        clean = line.strip("*# ")
        if head.number is None and (m := _NUMBER.match(clean)):
            head.number = re.sub(r"\s*([-/])\s*", r"\1", m["n"])
            head.evidence["number"] = clean
        if head.date is None and (m := _DATE.match(clean)):
            try:
                head.date = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
            head.place = m["place"].strip()
            head.evidence["date"] = clean
    titles = [i for i, line in enumerate(tree.header) if line.strip("*# ").upper() == "KẾ HOẠCH"]
    if titles:
        lines = [line.strip("*# ") for line in tree.header[titles[-1] + 1 :]]
        title = " ".join(line for line in lines if line)
        if title:
            head.title = title
            head.evidence["title"] = title
    for text in [head.title or "", *tree.preamble]:
        if head.period is None and (m := _PERIOD.search(text)):
            head.period = (int(m["a"]), int(m["b"]))
            head.evidence["period"] = text
    preamble = " ".join(tree.preamble)
    if m := _ISSUER.search(preamble):
        head.issuer_name = m["who"].strip()
        head.evidence["issuer_name"] = m.group(0).strip(" .;,:")
    for line in tree.preamble:
        if m := _BASIS.match(line):
            head.basis += [part.strip() for part in m["what"].split(";") if part.strip()]
    for text in head.basis:
        if head.parent is None and (m := _PARENT.search(text)):
            try:
                day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
            number = re.sub(r"\s*([-/])\s*", r"\1", m["n"])
            head.parent = {"number": number, "date": day, "issuer_name": m["who"].strip()}
            head.evidence["parent"] = text
    head.signer, signed = _signer(tree.closing)
    if signed:
        head.evidence["signer"] = signed
    return head


def _signer(closing: list[str]) -> tuple[str | None, str]:
    """The signer's name and position from the signature block after Nơi nhận."""
    position: list[str] = []
    for line in closing[1:]:
        clean = line.strip("*# ")
        if clean.startswith(("-", "+")) or not clean:
            position = []
            continue
        letters = [c for c in clean if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            position.append(clean)
            continue
        if position and _NAME.match(clean):
            return f"{clean} ({', '.join(position)})", " / ".join([*position, clean])
        position = []
    return None, ""
