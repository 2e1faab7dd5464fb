"""How each email of a sweep names its reader: the database side of models.correspondence.

An email goes to an address on behalf of one position (the notification's unit); the person
behind the address may hold others (models.people): a province's chairman is its head and
the chair of its council, and is addressed with both. One query per chunk of addresses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import people
from models.correspondence import UNIT_ROLES, Address, address
from models.orm import Contact, Unit
from models.services.rows import chunks


def readers(
    session: Session, sender: Unit, recipients: Iterable[tuple[str, int]]
) -> dict[str, Address]:
    """For each (address, unit id) an email goes to, how `sender` addresses it; an address
    with no contact left in the directory is absent (the email then names the unit)."""
    wanted = dict(recipients)
    person: dict[str, list[Contact]] = defaultdict(list)
    for chunk in chunks(wanted):
        for contact in session.scalars(
            select(Contact)
            .where(Contact.email.in_(chunk))
            .options(selectinload(Contact.unit).selectinload(Unit.parent))
            .order_by(Contact.id)
        ):
            person[people.person_of(contact.email)].append(contact)
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
