"""Who writes to whom: the salutation and the verbs an office uses by direction (issue 20).

Nghị định 30/2020/NĐ-CP and administrative usage (docs in /work/shared/DOMAIN.md, "Writing as
an office writes"): a leader is addressed by name and position ("Kính gửi: Đồng chí Trần Đình
Cường, Chủ tịch Ủy ban nhân dân tỉnh"), never by bare name; a body by its full name ("Kính
gửi: Sở Giáo dục và Đào tạo"). Upward the verb is "kính báo cáo", downward and among peers
"đề nghị". The direction follows the directory's unit tree (Unit.parent) relative to the
unit that writes: the plan's standing body. Everything here is pure: it reads the objects
it is given (ORM rows, or the plain rows of models.services.addressing: anything shaped as a
Body or a Post) and queries nothing, so the rules are tested without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from models.orm import Unit
from models.vocabulary import ContactRole, UnitKind

Direction = Literal["up", "down", "peer"]


class Body(Protocol):
    """A unit as the rules read it: a models.orm.Unit, or a plain row shaped like one."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> UnitKind: ...
    @property
    def parent(self) -> Body | None: ...


class Post(Protocol):
    """A position held in a unit, as the rules read it: a models.orm.Contact, or a plain row."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> ContactRole: ...
    @property
    def position(self) -> str | None: ...
    @property
    def unit(self) -> Body: ...


_LOCALITY_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE})
_PEOPLES_COMMITTEE = "Ủy ban nhân dân "

LEADER_ROLES = frozenset({ContactRole.HEAD, ContactRole.COUNCIL_CHAIR})
"""Roles whose holder leads a body: written to upward when the body is above the sender."""

UNIT_ROLES = frozenset({ContactRole.EMULATION_OFFICER, ContactRole.STANDING_BODY})
"""Roles that stand for the unit (its officer, its mailbox): the email is addressed to the
unit by its full name, not to the person reading the mailbox."""


def above(unit: Body) -> list[Body]:
    """The units above `unit`, its parent first; a stored cycle ends the chain."""
    chain: list[Body] = []
    seen = [unit]
    current = unit.parent
    while current is not None and not any(_same(current, u) for u in seen):
        chain.append(current)
        seen.append(current)
        current = current.parent
    return chain


def _same(a: Body, b: Body) -> bool:
    """One unit: the same object, or the same stored row."""
    return a is b or (a.id is not None and a.id == b.id)


def direction(sender: Body, recipient: Post) -> Direction:
    """Which way a letter from `sender` to `recipient` goes.

    "up": to a leader (head, council chair) of the sender itself or of a unit above it, or
    to anyone in a unit above it; "down": to a unit below the sender; "peer" otherwise (a
    department beside it, a unit in another branch, the sender's own officer).
    """
    unit = recipient.unit
    if _same(unit, sender):
        return "up" if recipient.role in LEADER_ROLES else "peer"
    if any(_same(u, unit) for u in above(sender)):
        return "up"
    if any(_same(u, sender) for u in above(unit)):
        return "down"
    return "peer"


def positions_of(contacts: Sequence[Post]) -> str:
    """A person's positions, in the directory's order, joined by ", ", each said once (a
    chairman listed as head and as council chair holds two; a position written in two rows
    is said once)."""
    said: list[str] = []
    for contact in contacts:
        for part in (contact.position or "").split(", "):
            part = " ".join(part.split())
            if part and part not in said:
                said.append(part)
    return ", ".join(said)


@dataclass(frozen=True)
class Address:
    """How one email names its reader: after "Kính gửi:", in the body's verb, and which verb."""

    salutation: str  # "Đồng chí Trần Đình Cường, Chủ tịch Ủy ban nhân dân tỉnh" / "Sở Y tế"
    addressee: str  # "Đồng chí Trần Đình Cường" / "quý cơ quan"
    upward: bool  # "kính báo cáo" (to a leader above) rather than "đề nghị"


def address(sender: Body, recipient: Post, person: Sequence[Post] = ()) -> Address:
    """How `sender` addresses `recipient`, one position of a person whose every position
    (contacts sharing the address, models.people) is `person` (the recipient's alone if
    empty).

    The unit's officer or mailbox: the unit by its full name, "đề nghị quý cơ quan" (a
    body is asked; its leader is reported to); the sender's own officer by name and position
    (a body never writes to itself). Anyone else (a head, a council chair or member, a
    mentor) by name and every position; "kính báo cáo" when they lead the sender or a body
    above it. A person without a recorded position is named with their role and unit, so
    that no leader is ever addressed by bare name.
    """
    if recipient.role in UNIT_ROLES and not (
        _same(recipient.unit, sender) and recipient.role == ContactRole.EMULATION_OFFICER
    ):
        return Address(body_name(recipient.unit), "quý cơ quan", upward=False)
    held = positions_of(person or [recipient]) or (
        f"{recipient.role.label} {body_name(recipient.unit)}"
    )
    name = f"Đồng chí {' '.join(recipient.name.split())}"
    leads = any(
        c.role in LEADER_ROLES and direction(sender, c) == "up" for c in (person or [recipient])
    )
    return Address(f"{name}, {held}", name, upward=leads)


def request(reader: Address, action: str, directive: str) -> str:
    """The sentence's verb phrase after the sender's name: "kính báo cáo Đồng chí X để
    {directive}" to a leader above, "đề nghị {addressee} {action}" to anyone else."""
    if reader.upward:
        return f"kính báo cáo {reader.addressee} để {directive}"
    return f"đề nghị {reader.addressee} {action}"


def body_name(unit: Body) -> str:
    """The name a unit is written to by: a locality ("Huyện Bố Trạch", kind district) is
    written to as its People's Committee ("Ủy ban nhân dân huyện Bố Trạch"), any other unit
    by its name."""
    name = " ".join(unit.name.split())
    if unit.kind not in _LOCALITY_KINDS or name.startswith(_PEOPLES_COMMITTEE):
        return name
    return _PEOPLES_COMMITTEE + name[:1].lower() + name[1:]


COUNCIL = "Hội đồng Thi đua - Khen thưởng"


def council_name(issuer: str) -> str:
    """The name of the emulation council of a unit: "Hội đồng Thi đua - Khen thưởng (Ủy ban
    nhân dân tỉnh Quảng Bình)"; a unit that is itself such a council (a national programme's
    Hội đồng Thi đua - Khen thưởng Trung ương) by its own name, not twice."""
    issuer = " ".join(issuer.split())
    return issuer if issuer.startswith(COUNCIL) else f"{COUNCIL} ({issuer})"


def body_in_full(unit: Body) -> str:
    """The body's name as it signs, with its locality: "Sở Nội vụ" under "Ủy ban nhân dân
    tỉnh Quảng Bình" signs "Sở Nội vụ tỉnh Quảng Bình"; a name that already says where it is,
    or a unit under no locality, is left as it is; a locality signs as its People's
    Committee."""
    name = body_name(unit)
    parent = unit.parent
    if unit.kind in _LOCALITY_KINDS or parent is None or parent.kind not in _LOCALITY_KINDS:
        return name
    where = " ".join(parent.name.split()).removeprefix(_PEOPLES_COMMITTEE)
    where = where[:1].lower() + where[1:]
    return name if where.lower() in name.lower() else f"{name} {where}"


@dataclass(frozen=True)
class Signature:
    """Who signs an email and who answers for it: the body in full, its officer in charge."""

    body: str  # "Sở Nội vụ tỉnh Quảng Bình"
    officer: str  # "Cán bộ phụ trách: Võ Quang Toàn, điện thoại: …, email: …" or ""
    reply_to: str  # the officer's address, where a reply goes; "" without an officer


def signature(sender: Unit) -> Signature:
    """The sender's signature: its emulation officer (the first listed) answers for the email
    and receives replies; a body without one signs alone."""
    officers = [c for c in sender.contacts if c.role == ContactRole.EMULATION_OFFICER]
    if not officers:
        return Signature(body_in_full(sender), "", "")
    officer = officers[0]
    parts = [f"Cán bộ phụ trách: {' '.join(officer.name.split())}"]
    if officer.phone:
        parts.append(f"điện thoại: {' '.join(officer.phone.split())}")
    parts.append(f"email: {officer.email}")
    return Signature(body_in_full(sender), ", ".join(parts), officer.email)
