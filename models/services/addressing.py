"""How each email of a sweep names its reader: the database side of models.correspondence.

An email goes to an address on behalf of one position (the notification's unit); the person
behind the address may hold others (models.people): a province's chairman is its head and
the chair of its council, and is addressed with both. The positions and their units are read
as plain rows (a national morning addresses tens of thousands of readers: as ORM objects,
loading them cost more than composing the emails): one query per chunk of addresses, and one
per level of the unit tree above them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import people
from models.correspondence import UNIT_ROLES, Address, Body, address
from models.orm import Contact, Unit
from models.services.rows import rows_in
from models.vocabulary import ContactRole, UnitKind


@dataclass(frozen=True)
class BodyRow:
    """A unit as models.correspondence reads it, with the units above it."""

    id: int
    name: str
    kind: UnitKind
    parent: BodyRow | None


@dataclass(frozen=True)
class PostRow:
    """A contact's position as models.correspondence reads it."""

    unit_id: int
    name: str
    role: ContactRole
    position: str | None
    unit: BodyRow


def readers(
    session: Session, sender: Body, recipients: Iterable[tuple[str, int]]
) -> dict[str, Address]:
    """For each (address, unit id) an email goes to, how `sender` addresses it; an address
    with no contact left in the directory is absent (the email then names the unit)."""
    wanted = dict(recipients)
    found_rows = rows_in(
        session,
        select(
            Contact.email, Contact.unit_id, Contact.name, Contact.role, Contact.position
        ).order_by(Contact.id),
        Contact.email,
        wanted,
    )
    units = unit_rows(session, {row[1] for row in found_rows})
    person: dict[str, list[PostRow]] = defaultdict(list)
    for email, unit_id, name, role, position in found_rows:
        person[people.person_of(email)].append(
            PostRow(unit_id, name, role, position, units[unit_id])
        )
    found: dict[str, Address] = {}
    for email, unit_id in wanted.items():
        held = person.get(people.person_of(email), [])
        here = [c for c in held if c.unit_id == unit_id] or held
        if not here:
            continue
        # Their own position in the unit written to: a personal one before the unit's mailbox.
        recipient = next((c for c in here if c.role not in UNIT_ROLES), here[0])
        found[email] = address(sender, recipient, held)
    return found


def unit_rows(session: Session, ids: Iterable[int]) -> dict[int, BodyRow]:
    """These units and every unit above them, as plain rows linked to their parents: one
    query per level of the tree (a stored cycle is cut where it closes)."""
    table: dict[int, tuple[str, UnitKind, int | None]] = {}
    wanted = set(ids)
    while wanted:
        rows = rows_in(
            session, select(Unit.id, Unit.name, Unit.kind, Unit.parent_id), Unit.id, wanted
        )
        for unit_id, name, kind, parent_id in rows:
            table[unit_id] = (name, kind, parent_id)
        wanted = {p for _, _, p in table.values() if p is not None and p not in table}
    built: dict[int, BodyRow] = {}

    def build(unit_id: int, seen: frozenset[int]) -> BodyRow:
        if unit_id in built:
            return built[unit_id]
        name, kind, parent_id = table[unit_id]
        parent = (
            build(parent_id, seen | {unit_id})
            if parent_id is not None and parent_id in table and parent_id not in seen
            else None
        )
        built[unit_id] = row = BodyRow(unit_id, name, kind, parent)
        return row

    return {unit_id: build(unit_id, frozenset()) for unit_id in table}
