"""People and the positions they hold: the one place that says who is the same person.

The directory does not list people, it lists positions: one Contact row per unit, role and
email address (a province's chairman is its head, the chair of its emulation council and a
member of that council: three rows). A *person* is the set of contacts that share an email
address, compared case-insensitively: the address is what a personal link is sent to, so
whoever reads that mailbox is, for this application, that person. Nothing stores a person
as such; every rule that needs one is here, so that the council's roll, the emails and the
pages behind the links agree (issue 18; issue 10 builds on the same notion):

- a council counts a person once, however many of their positions the directory puts on it
  (:func:`distinct_people`, the chair's position first, so the minutes name the chair);
- a personal obligation (a council member's vote, a mentor's follow-up) is owed by one
  position, its contact; a link about it sent to that person is addressed to that position,
  and a link about anything else to the person's position in the unit the item is about
  (:func:`position_for`). One email a day still goes to the person (it is grouped by
  address), each item carrying the link of its own position;
- a link addressed to any position of the person who owes a personal obligation acts for
  it, as that obligation's position (:func:`acts_for`): the same mailbox, the same person.
  Links sent before positions were told apart keep working, and the vote is still the
  membership's own, counted once on the ballot's roll.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol, TypeVar

from models.orm import Contact
from models.vocabulary import ContactRole


def person_of(email: str) -> str:
    """The key that names a person: their email address, lower-cased."""
    return email.strip().lower()


def same_person(a: Contact | None, b: Contact | None) -> bool:
    """Whether two positions are held by one person (both known, one address)."""
    return a is not None and b is not None and person_of(a.email) == person_of(b.email)


def distinct_people(
    contacts: Iterable[Contact], first: ContactRole = ContactRole.COUNCIL_CHAIR
) -> list[Contact]:
    """One position per person, in the order first met, the `first` role's position kept.

    A directory lists a person once per role, so a chair who is also listed as a member (and
    as the unit's head) would otherwise count, and vote, more than once.
    """
    chosen: dict[str, Contact] = {}
    for contact in sorted(contacts, key=lambda c: c.role != first):
        chosen.setdefault(person_of(contact.email), contact)
    return list(chosen.values())


class Addressed(Protocol):
    """A position with its address: a Contact, or a plain row of one."""

    @property
    def email(self) -> str: ...


P = TypeVar("P", bound=Addressed)


def position_for(
    owner: P | None,
    unit_id: int,
    email: str,
    positions: Mapping[tuple[int, str], P],
) -> P | None:
    """The contact a link sent to `email` about an item of unit `unit_id` is addressed to.

    owner is the contact who owes the item when it is personal (a vote, a mentor's
    follow-up): if the email goes to that person, the link is addressed to that position.
    Otherwise it is the person's position in the unit (positions maps (unit id, lower-cased
    address) to one contact, the first by id); None if they have none there.
    """
    if owner is not None and person_of(owner.email) == person_of(email):
        return owner
    return positions.get((unit_id, person_of(email)))


def acts_for(link_contact: Contact, owner: Contact | None) -> bool:
    """Whether a link addressed to link_contact may do a personal obligation owed by owner:
    any position of the same person may, nobody else (and nothing is personal without
    an owner)."""
    return same_person(link_contact, owner)
