"""Who owes a duty ("from") and to whom ("to"), read from the words and the directory.

A body is named in a plan either by kind ("các sở, ban, ngành", "UBND các huyện, thị xã, thành
phố", "các phòng, đơn vị thuộc Sở", "các chi bộ trực thuộc") or by name ("Sở Nội vụ", "Văn
phòng Sở"). Kinds are read from the words below; names are matched against the directory's
units (their names, the same without the province, "UBND" for "Ủy ban nhân dân"). Each match
says which words it rests on; where nothing matches, nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.directory import Directory
from models.phrases import normalize
from models.vocabulary import UnitKind


@dataclass(frozen=True)
class Unit:
    """A directory unit as drafting needs it."""

    code: str
    name: str
    kind: UnitKind
    parent: str | None


@dataclass(frozen=True)
class Party:
    """A body found in the text: named units, kinds of unit, or a role; and the words."""

    words: str
    units: tuple[str, ...] = ()
    kinds: tuple[UnitKind, ...] = ()
    lead_agencies: bool = False
    cluster_leaders: bool = False
    at: int = 0
    exclude: tuple[str, ...] = ()
    end: int = 0
    """Units left out of the kinds: the council under the issuer owes no plan or report."""


_K = UnitKind
KIND_WORDS: tuple[tuple[str, tuple[UnitKind, ...] | str], ...] = (
    (r"cac so,? ban,? nganh,? (?:mat tran,? )?doan the", (_K.DEPARTMENT, _K.MASS_ORGANISATION)),
    (r"cac so,? ban,? nganh", (_K.DEPARTMENT,)),
    (r"(?:uy ban nhan dan|ubnd) cac huyen(?:,? thi xa)?(?:,? thanh pho)?", (_K.DISTRICT,)),
    (r"cac xa,? phuong,? thi tran", (_K.COMMUNE,)),
    (r"(?:truong )?cac phong,? (?:va )?don vi (?:truc )?thuoc so", (_K.BASE_UNIT,)),
    (r"cac phong,? don vi", (_K.BASE_UNIT,)),
    (r"cac cap uy,? chi bo", "issuer_and_cells"),
    (r"(?:cac |cap uy )?chi bo truc thuoc|cac chi bo", (_K.PARTY_CELL,)),
    (r"cac doanh nghiep|giam doc cac doanh nghiep", (_K.ENTERPRISE,)),
    (r"cac to chuc chinh tri - xa hoi|cac doan the", (_K.MASS_ORGANISATION,)),
    (r"khoi truong|truong cum,? khoi|cum truong", "cluster_leaders"),
    (r"cac co quan (?:duoc giao )?chu tri|co quan chu tri", "lead_agencies"),
    (r"cac co quan,? don vi,? dia phuong|cac co quan,? don vi va dia phuong", "under_issuer"),
    (r"(?<!cac )co quan(?= to chuc\b)", "issuer"),
)
"""Words naming a kind of body, read on the text with diacritics dropped (models.phrases
.normalize); "under_issuer": every kind found under the issuer in the directory, less its
council (Hội đồng Thi đua - Khen thưởng: it judges, it owes no plan or report); "issuer": a
lone "cơ quan tổ chức ..." in a plan of one body is that body itself; "issuer_and_cells": "các
cấp ủy, chi bộ" of a party committee's plan are that committee and its cells."""

_TO = re.compile(
    r"\b(?:gui|nop|bao cao|trinh)\b(?:(?:(?!\.).){0,80}?\b(?:ve|den|cho|len|(?<!ket )qua)\b)?\s+"
    r"(?P<rest>.*)$"
)
""""gửi ... về X", "báo cáo kết quả về X", "báo cáo X": the recipient is the first unit named
after the verb."""


@dataclass
class Matcher:
    """Finds bodies in text against one directory (empty: kinds only)."""

    units: Sequence[Unit] = ()
    issuer: str | None = None
    aliases: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        named: dict[str, list[str]] = {}
        for unit in self.units:
            for alias in _aliases(unit.name):
                named.setdefault(alias, []).append(unit.code)
        for alias, codes in named.items():
            self.aliases.append((alias, min(codes, key=self._own_first)))
        self.aliases.sort(key=lambda a: -len(a[0]))

    def _own_first(self, code: str) -> tuple[int, int]:
        """Where a short name fits several units ("Sở Tài nguyên và Môi trường" of this province
        and of the cluster leader's), the plan means its own: the issuer, one under it, else the
        unit the directory holds most units under (the body the directory was built around)."""
        under = self._under(code)
        mine = 0 if code == self.issuer else 1 if self.issuer in self._above(code) else 2
        return mine, -len(under)

    def _under(self, code: str) -> set[str]:
        out: set[str] = set()
        stack = [code]
        while stack:
            parent = stack.pop()
            for unit in self.units:
                if unit.parent == parent and unit.code not in out:
                    out.add(unit.code)
                    stack.append(unit.code)
        return out

    def _above(self, code: str) -> set[str]:
        parent_of = {u.code: u.parent for u in self.units}
        out: set[str] = set()
        while (code := parent_of.get(code) or "") and code not in out:
            out.add(code)
        return out

    def parties(self, text: str) -> list[Party]:
        """Every body named in text, in order, longest names first where they overlap."""
        folded = fold(text)
        found: list[Party] = []
        taken: list[tuple[int, int]] = []

        def free(start: int, end: int) -> bool:
            return all(end <= a or start >= b for a, b in taken)

        for pattern, what in KIND_WORDS:
            for m in re.finditer(rf"\b(?:{pattern})\b", folded):
                if not free(m.start(), m.end()):
                    continue
                taken.append((m.start(), m.end()))
                words = original_words(text, folded, m.start(), m.end())
                if what == "cluster_leaders":
                    found.append(Party(words, cluster_leaders=True, at=m.start()))
                elif what == "lead_agencies":
                    found.append(Party(words, lead_agencies=True, at=m.start()))
                elif what == "under_issuer":
                    kinds = self.kinds_under_issuer()
                    if kinds:
                        out = self.councils_under_issuer()
                        found.append(Party(words, kinds=kinds, at=m.start(), exclude=out))
                elif what == "issuer_and_cells":
                    units = (self.issuer,) if self.issuer else ()
                    found.append(Party(words, units=units, kinds=(_K.PARTY_CELL,), at=m.start()))
                elif what == "issuer":
                    if self.issuer:
                        found.append(Party(words, units=(self.issuer,), at=m.start()))
                else:
                    assert isinstance(what, tuple)
                    found.append(Party(words, kinds=what, at=m.start()))
        for alias, code in self.aliases:
            for m in re.finditer(rf"\b{re.escape(alias)}\b", folded):
                if free(m.start(), m.end()):
                    taken.append((m.start(), m.end()))
                    words = original_words(text, folded, m.start(), m.end())
                    found.append(Party(words, units=(code,), at=m.start(), end=m.end()))
        return sorted(found, key=lambda p: p.at)

    def kinds_under_issuer(self) -> tuple[UnitKind, ...]:
        """Kinds of the units directly under the issuer: what "các cơ quan, đơn vị, địa phương"
        of this plan covers in its directory."""
        kinds = {u.kind for u in self.units if u.parent == self.issuer and self.issuer}
        return tuple(sorted(kinds, key=list(UnitKind).index))

    def under_issuer(self) -> set[str]:
        """The codes of every unit below the issuer."""
        return self._under(self.issuer) if self.issuer else set()

    def councils_under_issuer(self) -> tuple[str, ...]:
        """The issuer's council of emulation and commendation, if the directory has it."""
        return tuple(
            u.code
            for u in self.units
            if u.parent == self.issuer and fold(u.name).startswith("hoi dong thi dua")
        )

    def unit(self, text: str) -> str | None:
        """The code of the unit this whole text names ("Sở Nội vụ tỉnh Nam Định")."""
        folded = fold(text).strip(" .,:;")
        return next((code for alias, code in self.aliases if alias == folded), None)

    def recipient(self, sentence: str) -> Party | None:
        """Whom the sentence sends to: the body after "gửi ... về", "báo cáo ... về"..."""
        m = _TO.search(fold(sentence))
        if m is None:
            return None
        offset = m.start("rest")
        parties = self.parties(sentence)
        for party in parties:
            if party.at >= offset and party.units:
                via = _VIA.match(fold(sentence), party.end)
                if via is not None:
                    return next((p for p in parties if p.at == via.start(1) and p.units), party)
                return party
        return None

    def owner(self, sentence: str) -> Party | None:
        """Who the sentence charges: the bodies named before any recipient, together."""
        to = self.recipient(sentence)
        folded = fold(sentence)
        chosen: list[Party] = []
        for party in self.parties(sentence):
            if to is not None and party.at >= to.at:
                break
            if re.search(_NOT_OWNER, folded[: party.at]):
                continue
            chosen.append(party)
        return merge(chosen) if chosen else None


_VIA = re.compile(r"[\s(,]*qua (.)")
""""về UBND thành phố (qua phòng Nội vụ)": the report goes to the body named after "qua"."""

_NOT_OWNER = r"\b(?:gui|ve|den|qua|(?<!doi )voi|cua|cho|tham muu|de xuat|tien tien|chu tich)\s*$"
"""Words before a body that make it an object, not the one charged ("phối hợp với X",
"tham mưu X", "đề xuất Chủ tịch X", "Hội nghị điển hình tiên tiến X")."""


def merge(parties: Sequence[Party]) -> Party:
    """Several bodies charged together ("Thủ trưởng các cơ quan ..., Giám đốc các doanh nghiệp")."""
    units: list[str] = []
    kinds: list[UnitKind] = []
    exclude: list[str] = []
    for party in parties:
        units += [u for u in party.units if u not in units]
        kinds += [k for k in party.kinds if k not in kinds]
        exclude += [u for u in party.exclude if u not in exclude and u not in units]
    return Party(
        "; ".join(p.words for p in parties),
        tuple(units),
        tuple(sorted(kinds, key=list(UnitKind).index)),
        any(p.lead_agencies for p in parties),
        any(p.cluster_leaders for p in parties),
        parties[0].at,
        tuple(exclude),
    )


def fold(text: str) -> str:
    """Lower-case ASCII, one space, same length as normalize gives for matching names."""
    text = " ".join(text.split())
    text = re.sub(r"\bUBND\b", "Ủy ban nhân dân", text)
    return re.sub(r" , ", ", ", normalize(text)).replace(" ,", ",")


def original_words(text: str, folded: str, start: int, end: int) -> str:
    """The original words for a match on folded text (by word count: folding keeps words)."""
    words_before = len(folded[:start].split())
    count = len(folded[start:end].split())
    words: list[str] = []
    for word in text.split():  # "UBND" is folded as the four words of "Ủy ban nhân dân"
        words += [word, "", "", ""] if re.fullmatch(r"\W*UBND\W*", word) else [word]
    picked = words[words_before : words_before + count]
    return " ".join(w for w in picked if w).strip(" ,;:.()")


def _aliases(name: str) -> list[str]:
    """The ways a plan names a unit: in full; without the province ("Sở Nội vụ"), or with only
    its level ("Ủy ban nhân dân tỉnh"); a body of a Sở by its head ("Văn phòng Sở", "Đảng ủy
    Sở"). A bare head ("Ủy ban nhân dân") names no one: "Ủy ban nhân dân các huyện" is others.
    A name's closing parenthesis ("Ban Thi đua - Khen thưởng tỉnh Nam Định (Sở Nội vụ)") says
    where the unit sits; plans write the name without it."""
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    if bare != name:
        return sorted(set(_aliases(bare)) | {fold(name)})
    base = fold(name)
    out = {base}
    level = re.match(r"^(?P<head>.+?\s(?P<level>tinh|thanh pho|huyen))\s+[a-z ]+$", base)
    if level:
        out.add(level["head"])
        out.add(level["head"].removesuffix(" " + level["level"]))
    part_of = re.match(r"^(?P<head>[a-z ]+?\s+so)\s+[a-z]", base)
    if part_of and not base.startswith("so "):
        out.add(part_of["head"])
    if base.startswith("van phong "):
        out.add("van phong")
    block = re.match(r"^(?P<head>.+?\bkhoi) cac co quan\b", base)
    if block:
        out.add(block["head"])  # "Ban Thường vụ Đảng ủy Khối (các cơ quan và Doanh nghiệp tỉnh)"
    return [a for a in out if len(a) >= 6 and a not in _GENERIC]


_GENERIC = {"uy ban nhan dan", "hoi dong", "dang uy", "cong doan", "ban chi huy"}
"""Heads that name a kind of body, not one body, once the place is dropped."""


def directory_units(directory: Directory) -> list[Unit]:
    """The units of a directory file (models.directory.read_directory) as drafting needs them."""
    return [Unit(u.code, u.name, u.kind, u.parent) for u in directory.units]
