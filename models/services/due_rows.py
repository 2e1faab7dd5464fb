"""What the chase reads each day, as plain rows rather than an ORM object per row.

A national sweep reads tens of thousands of due obligations and notifications a day; loading
each as an object with its unit, contacts, candidate and mentor cost more than composing the
emails (docs/performance.md). Here they are read as columns, a few queries whatever their
number, into small frozen rows carrying the attributes the chase, the digest lines, the links
and the subjects read (the same names as the ORM's, so models.services.subjects and access take
either). Only what is few is an object: a campaign's milestones and the owners of personal
obligations (whose positions the links are addressed to).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from models.orm import Candidate, Contact, Milestone, Notification, Obligation, Unit
from models.services.rows import chunks, rows_in
from models.vocabulary import ContactRole


class Reader(Protocol):
    """Whom a notification is written to: a contact, as a row or an object."""

    @property
    def email(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def unit_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Person:
    """A contact as a plain row."""

    id: int
    unit_id: int
    name: str
    email: str
    role: ContactRole


@dataclass(frozen=True, slots=True)
class Due:
    """An obligation falling due today with what its notifications need: its unit's contacts
    (in id order, as Unit.contacts) and the person owing it if it is personal."""

    id: int
    unit_id: int
    unit_code: str
    parent_id: int | None
    successor_id: int | None
    occurrence: str
    cycle: int
    milestone: Milestone
    person: Person | None
    contacts: tuple[Person, ...]

    def contacts_with(self, *roles: ContactRole) -> list[Person]:
        """The unit's contacts holding the first of roles it has anyone in (Unit.contacts_with)."""
        return first_holding(self.contacts, roles)


def first_holding(contacts: Iterable[Person], roles: Iterable[ContactRole]) -> list[Person]:
    """The contacts holding the first of roles that any of them holds (a fallback order: the
    emulation officer, else the head...)."""
    listed = tuple(contacts)
    for role in roles:
        found = [c for c in listed if c.role == role]
        if found:
            return found
    return []


def due_obligations(session: Session, ids: Iterable[int]) -> list[Due]:
    """These obligations in id order, with their units' contacts and owners: four queries of
    columns a chunk of ids, whatever the number."""
    rows = sorted(
        rows_in(
            session,
            select(
                Obligation.id,
                Obligation.unit_id,
                Unit.code,
                Unit.parent_id,
                Unit.successor_id,
                Obligation.occurrence,
                Obligation.cycle,
                Obligation.milestone_id,
                Obligation.contact_id,
                Candidate.mentor_id,
            )
            .join(Unit, Unit.id == Obligation.unit_id)
            .outerjoin(Candidate, Candidate.id == Obligation.candidate_id),
            Obligation.id,
            ids,
        )
    )
    owner = {r[0]: r[8] if r[8] is not None else r[9] for r in rows}
    owners = {c.id: c for c in _people(session, Contact.id, owner.values())}
    by_unit: dict[int, list[Person]] = defaultdict(list)
    for contact in contacts_of_units(session, (r[1] for r in rows)):
        by_unit[contact.unit_id].append(contact)
    milestones = milestones_by_id(session, (r[7] for r in rows))
    return [
        Due(
            id=oid,
            unit_id=unit_id,
            unit_code=code,
            parent_id=parent_id,
            successor_id=successor_id,
            occurrence=occurrence,
            cycle=cycle,
            milestone=milestones[milestone_id],
            person=owners.get(owner[oid] or 0),
            contacts=tuple(by_unit.get(unit_id, ())),
        )
        for (
            oid,
            unit_id,
            code,
            parent_id,
            successor_id,
            occurrence,
            cycle,
            milestone_id,
            *_,
        ) in rows
    ]


def _people(session: Session, key: Any, ids: Iterable[int | None]) -> list[Person]:
    """The contacts whose `key` column is one of ids, as rows, in id order."""
    query = select(Contact.id, Contact.unit_id, Contact.name, Contact.email, Contact.role)
    found = rows_in(session, query, key, (i for i in ids if i is not None))
    return [Person(*row) for row in sorted(found)]


def contacts_of_units(session: Session, unit_ids: Iterable[int]) -> list[Person]:
    """The contacts of these units, as rows, in id order."""
    return _people(session, Contact.unit_id, unit_ids)


@dataclass(frozen=True, slots=True)
class Superior:
    """The unit above due obligations, as the chase reads it: by its id, with the code and the
    contacts of whoever acts for it now (itself, or its successor after a merger), which is
    all that levels_above and recipients ask of it (Unit.acting, Unit.contacts_with)."""

    id: int
    code: str
    contacts: tuple[Person, ...]

    def acting(self) -> Superior:
        return self

    def contacts_with(self, *roles: ContactRole) -> list[Person]:
        """The contacts holding the first of roles it has anyone in (Unit.contacts_with)."""
        return first_holding(self.contacts, roles)


def superior_rows(session: Session, ids: Iterable[int]) -> dict[int, Superior]:
    """These units, each as whoever acts for it now, with that unit's contacts: a query per
    step of the mergers' chains and one for the contacts, whatever the number."""
    table: dict[int, tuple[str, int | None]] = {}
    wanted = set(ids)
    asked = set(wanted)
    while wanted:
        query = select(Unit.id, Unit.code, Unit.successor_id)
        for unit_id, code, successor_id in rows_in(session, query, Unit.id, wanted):
            table[unit_id] = (code, successor_id)
        wanted = {s for _, s in table.values() if s is not None and s not in table}
    acting = {unit_id: _acting(table, unit_id) for unit_id in asked if unit_id in table}
    by_unit: dict[int, list[Person]] = defaultdict(list)
    for contact in contacts_of_units(session, set(acting.values())):
        by_unit[contact.unit_id].append(contact)
    return {
        unit_id: Superior(unit_id, table[now][0], tuple(by_unit.get(now, ())))
        for unit_id, now in acting.items()
    }


def _acting(table: dict[int, tuple[str, int | None]], unit_id: int) -> int:
    """The last of the unit's successors (Unit.acting); a stored cycle ends the chain."""
    seen, now = {unit_id}, unit_id
    while (after := table[now][1]) is not None and after in table and after not in seen:
        seen.add(after)
        now = after
    return now


def milestones_by_id(session: Session, ids: Iterable[int]) -> dict[int, Milestone]:
    """These milestones (a campaign has a handful) with their recipients, by id."""
    return {
        m.id: m
        for chunk in chunks(ids)
        for m in session.scalars(
            select(Milestone)
            .where(Milestone.id.in_(chunk))
            .options(selectinload(Milestone.recipient))
        )
    }


@dataclass(frozen=True, slots=True)
class UnitRow:
    """The owing unit as a digest line names it."""

    id: int
    code: str
    name: str
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class Owed:
    """A notified obligation as a digest line, a link and a subject read it (the ORM's names:
    models.services.subjects, access and intake take either)."""

    id: int
    unit_id: int
    occurrence: str
    due: dt.date
    chase_due: dt.date
    candidate_id: int | None
    contact_id: int | None
    milestone: Milestone
    unit: UnitRow
    contact: Person | None


@dataclass(frozen=True, slots=True)
class Note:
    """A notification not yet in an email, with its obligation."""

    id: int
    key: str
    step: str
    recipient_email: str
    recipient_name: str
    recipient_unit_id: int
    obligation: Owed


def pending_notes(session: Session, campaign_id: int, *only: ColumnElement[bool]) -> list[Note]:
    """The campaign's notifications no email carries yet, in the order one unpartitioned sweep
    writes them: by day, then obligation (`only`: further conditions, a partition's
    addresses). Not by id: partitions of units write a day's notifications side by side, and
    a digest must list them as the whole sweep would. One query of columns, and one each for
    their milestones and the owners of personal obligations."""
    rows = session.execute(
        select(
            Notification.id,
            Notification.key,
            Notification.step,
            Notification.recipient_email,
            Notification.recipient_name,
            Notification.recipient_unit_id,
            Obligation.id,
            Obligation.unit_id,
            Obligation.occurrence,
            Obligation.due,
            Obligation.chase_due,
            Obligation.candidate_id,
            Obligation.contact_id,
            Obligation.milestone_id,
            Unit.code,
            Unit.name,
            Unit.parent_id,
        )
        .join(Obligation, Obligation.id == Notification.obligation_id)
        .join(Unit, Unit.id == Obligation.unit_id)
        .where(Obligation.campaign_id == campaign_id, Notification.email_id.is_(None), *only)
        .order_by(Notification.day, Notification.obligation_id, Notification.id)
    ).all()
    milestones = milestones_by_id(session, (r[13] for r in rows))
    owners = {c.id: c for c in _people(session, Contact.id, (r[12] for r in rows))}
    units: dict[int, UnitRow] = {}
    owed: dict[int, Owed] = {}
    notes = []
    for r in rows:
        obligation = owed.get(r[6])
        if obligation is None:
            unit = units.get(r[7]) or units.setdefault(r[7], UnitRow(r[7], r[14], r[15], r[16]))
            obligation = owed[r[6]] = Owed(
                id=r[6],
                unit_id=r[7],
                occurrence=r[8],
                due=r[9],
                chase_due=r[10],
                candidate_id=r[11],
                contact_id=r[12],
                milestone=milestones[r[13]],
                unit=unit,
                contact=owners.get(r[12]) if r[12] is not None else None,
            )
        notes.append(Note(r[0], r[1], r[2], r[3], r[4], r[5], obligation))
    return notes
