"""Auditing an outbox: the database side of models.mail_audit.

Reads every built email of the outbox (the `emails` table's exact MIME bytes) campaign by
campaign, with the directory as the rules need it: each recipient's positions and whether
they lead the campaign's standing body or a body above it (models.correspondence.direction),
the standing body's own names, the campaign's exemplars. Read-only; the emails are streamed in
batches, so an outbox of any size costs one batch of messages in memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import people
from models.correspondence import LEADER_ROLES, UNIT_ROLES, body_in_full, body_name, direction
from models.mail_audit import Directory, Figures, Finding, Reader, check, parse, positions
from models.orm import Campaign, Candidate, Contact, Email, Unit
from models.services.rows import chunks
from models.vocabulary import ContactRole

BATCH = 200
"""Emails read from the database at a time."""


@dataclass
class Audit:
    """Every finding of an outbox and its figures."""

    findings: list[Finding] = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)


def directory_for(session: Session, campaign: Campaign) -> Directory:
    """What the rules know of the campaign's recipients, its sender and its exemplars."""
    sender = campaign.standing_body.acting()
    addresses = session.scalars(
        select(Email.recipient_email).distinct().where(Email.campaign_id == campaign.id)
    ).all()
    held: dict[str, list[Contact]] = defaultdict(list)
    for chunk in chunks(addresses):
        for contact in session.scalars(
            select(Contact)
            .where(func.lower(Contact.email).in_([people.person_of(a) for a in chunk]))
            .options(selectinload(Contact.unit).selectinload(Unit.parent))
            .order_by(Contact.id)
        ):
            held[people.person_of(contact.email)].append(contact)
    readers = {
        address: Reader(
            name=contacts[0].name,
            positions=positions(c.position for c in contacts if c.role not in UNIT_ROLES),
            leader=any(c.role in LEADER_ROLES and direction(sender, c) == "up" for c in contacts),
        )
        for address, contacts in held.items()
    }
    own = [sender.name, body_name(sender), body_in_full(sender)]
    own += [c.name for c in sender.contacts if c.role == ContactRole.STANDING_BODY]
    exemplars = session.scalars(
        select(Candidate.name).distinct().where(Candidate.campaign_id == campaign.id)
    ).all()
    return Directory(readers, tuple(own), tuple(exemplars))


def audit(session: Session) -> Audit:
    """Check every email the outbox holds (an email that could not be built has no bytes and
    is left out) and gather the figures."""
    result = Audit()
    for campaign in session.scalars(select(Campaign).order_by(Campaign.id)):
        directory = directory_for(session, campaign)
        rows = session.execute(
            select(Email.kind, Email.mime)
            .where(Email.campaign_id == campaign.id, func.length(Email.mime) > 0)
            .order_by(Email.id)
            .execution_options(yield_per=BATCH)
        )
        for kind, mime in rows:
            mail = parse(mime, kind)
            found = check(mail, directory)
            result.findings += found
            result.figures.add(mail, found)
    return result
