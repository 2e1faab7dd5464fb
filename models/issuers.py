"""Who issues and who signs a document, read from the directory (issue 23).

A document's header names the issuing body under its parent ("UBND TỈNH QUẢNG BÌNH" over
"SỞ NỘI VỤ"), its ký hiệu abbreviates the body ("SNV"), its date is written from the body's
locality ("Quảng Bình, ngày ..."), and its signer is the body's head by name and position
("GIÁM ĐỐC", "Bùi Hữu Hùng"); a deputy signs "KT." for the head, an officer "TL." (Nghị định
30/2020, Điều 13 and Phụ lục I). The directory holds units and positions, not these forms:
this module derives them. Pure: it reads the ORM objects it is given.
"""

from __future__ import annotations

import unicodedata

from models.administrative import IssuingBody, Signer
from models.correspondence import body_name
from models.orm import Contact, Unit
from models.vocabulary import ContactRole, UnitKind

_LOCALITIES = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE})
_PARTY = frozenset({UnitKind.PARTY_COMMITTEE, UnitKind.PARTY_CELL})
_PEOPLES_COMMITTEE = "Ủy ban nhân dân"
_COUNCIL = "Hội đồng Thi đua - Khen thưởng"
_LOCALITY_WORDS = ("tỉnh", "thành phố", "huyện", "thị xã", "quận", "xã", "phường", "thị trấn")
_SKIPPED = frozenset({"và", "-", "–", "của"})
_HEAD_TITLES = {
    UnitKind.PROVINCE: "Chủ tịch",
    UnitKind.DISTRICT: "Chủ tịch",
    UnitKind.COMMUNE: "Chủ tịch",
    UnitKind.DEPARTMENT: "Giám đốc",
    UnitKind.PARTY_COMMITTEE: "Bí thư",
    UnitKind.PARTY_CELL: "Bí thư",
}
_PARTY_COLLECTIVE = {UnitKind.PARTY_COMMITTEE: "T/M ĐẢNG ỦY", UnitKind.PARTY_CELL: "T/M CHI BỘ"}
"""A Party committee's documents are signed on behalf of the committee (Hướng dẫn 36-HD/VPTW)."""


def _words(text: str) -> str:
    return " ".join(text.split())


def _initial(word: str) -> str:
    """A word's first letter, capitalised, its tone mark dropped but Đ kept ("Sở" → "S")."""
    first = word[:1].upper()
    if first == "Đ":
        return first
    return unicodedata.normalize("NFD", first)[:1]


def _without_locality(name: str) -> str:
    """ "Sở Nội vụ tỉnh Quảng Bình" → "Sở Nội vụ": the part a ký hiệu abbreviates. A locality
    is written in lower case ("tỉnh", "xã"); "Xã hội" in a name is no commune."""
    cut = len(name)
    for word in _LOCALITY_WORDS:
        at = name.find(f" {word} ")
        if at > 0:
            cut = min(cut, at)
    return name[:cut]


def abbreviation(name: str) -> str:
    """The body's abbreviation in a ký hiệu: "Ủy ban nhân dân tỉnh Quảng Bình" → "UBND",
    "Hội đồng Thi đua - Khen thưởng tỉnh" → "HĐTĐKT", otherwise the initials of its words
    without its locality or "và": "Sở Giáo dục và Đào tạo" → "SGDĐT", "Công an tỉnh" → "CAT"."""
    name = _words(name)
    if name.startswith(_PEOPLES_COMMITTEE):
        return "UBND"
    if name.startswith(_COUNCIL):
        return "HĐTĐKT"
    core = _without_locality(name) or name
    return "".join(_initial(w) for w in core.split() if w.lower() not in _SKIPPED)


def _short(name: str) -> str:
    """ "Ủy ban nhân dân tỉnh Quảng Bình" → "UBND tỉnh Quảng Bình", as a parent is printed."""
    return "UBND" + name[len(_PEOPLES_COMMITTEE) :] if name.startswith(_PEOPLES_COMMITTEE) else name


def locality_of(unit: Unit) -> Unit | None:
    """The nearest locality (province, district, commune) at or above the unit."""
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and id(current) not in seen:
        if current.kind in _LOCALITIES:
            return current
        seen.add(id(current))
        current = current.parent
    return None


def place_of(unit: Unit) -> str:
    """Where the body writes from: its locality's name without "Tỉnh"/"Ủy ban nhân dân tỉnh"
    ("Quảng Bình"); "" when it is under no locality the directory knows (its own name is no
    place: the document leaves the place for the văn thư)."""
    where = locality_of(unit)
    if where is None:
        return ""
    name = _words(where.name).removeprefix(_PEOPLES_COMMITTEE).strip()
    lowered = name.lower()
    for word in _LOCALITY_WORDS:
        if lowered.startswith(word + " "):
            return name[len(word) + 1 :]
    return name


def issuing_body(unit: Unit) -> IssuingBody:
    """The unit as the header of its documents prints it, with its parent when it has one: a
    department under a province is printed under "UBND TỈNH ..."; a locality under no one."""
    name = body_name(unit)
    parent = None
    if unit.parent is not None and unit.kind not in _LOCALITIES:
        parent = _short(body_name(unit.parent)).upper()
    party = unit.kind in _PARTY
    return IssuingBody(parent, name.upper(), abbreviation(name), place_of(unit), party)


def title_of(contact: Contact) -> str:
    """A contact's position as a signature prints it: the first position, without the body
    it is in ("Giám đốc Sở Nội vụ, Phó Chủ tịch ..." → "Giám đốc")."""
    position = _words((contact.position or "").split(",")[0])
    unit_name = body_name(contact.unit)
    for name in (unit_name, _words(contact.unit.name)):
        if name and name.lower() in position.lower():
            position = position[: position.lower().index(name.lower())].strip()
            break
    for word in (_PEOPLES_COMMITTEE, *_LOCALITY_WORDS):
        at = position.lower().find(f" {word.lower()}")
        if at > 0:
            position = position[:at]
    return position or _HEAD_TITLES.get(contact.unit.kind, "Thủ trưởng")


def head_title(unit: Unit) -> str:
    """The title of whoever leads the unit ("Giám đốc", "Chủ tịch"), from its head in the
    directory, else from its kind."""
    heads = [c for c in unit.contacts if c.role == ContactRole.HEAD]
    return title_of(heads[0]) if heads else _HEAD_TITLES.get(unit.kind, "Thủ trưởng")


def signer_of(unit: Unit) -> Signer:
    """Who signs the unit's documents: its head by position and name ("KT." for a deputy
    signing for the head), else its emulation officer "TL." (by order of) the head; a unit
    with neither leaves the name blank for the person who signs."""
    heads = [c for c in unit.contacts if c.role == ContactRole.HEAD]
    if heads:
        head = heads[0]
        title = title_of(head)
        if title.lower().startswith("phó "):
            return Signer(f"KT. {title[4:]}", title, _words(head.name))
        return Signer(_PARTY_COLLECTIVE.get(unit.kind, ""), title, _words(head.name))
    officers = [c for c in unit.contacts if c.role == ContactRole.EMULATION_OFFICER]
    if officers:
        officer = officers[0]
        return Signer(f"TL. {head_title(unit)}", "Cán bộ phụ trách", _words(officer.name))
    return Signer(_PARTY_COLLECTIVE.get(unit.kind, ""), head_title(unit), "")
