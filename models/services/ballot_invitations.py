"""Inviting a council's members when a ballot opens (issue 20: "a ballot's opening sends each
member an invitation with the candidates, the deadline and their personal link").

Each member on the ballot's roll (one position per person, the council membership: models.
people) gets one email: addressed by name and council position, listing the candidates (name,
unit, title proposed), the deadline, and a personal link to their vote, the link of the vote
obligation the process opened for them (models.services.process_obligations). Written to the
outbox with a key per ballot and person, so it is written once whatever the number of sweeps
(effectively-once, like every email: models.services.chase); tasks.sending sends it.

Called where a ballot opens (tasks.lifecycle.open_ballot) and by every sweep (tasks.chasing),
which writes what a ballot opened elsewhere (the CLI) still lacks. A member who has voted is
not invited; nor is one whose vote obligation is not open yet (the next sweep opens it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import people
from models.calendar import WorkingCalendar, default_calendar
from models.correspondence import address
from models.letterhead import Letterhead, letterhead
from models.orm import (
    Ballot,
    BallotParticipation,
    Campaign,
    Contact,
    Email,
    Milestone,
    Obligation,
)
from models.process import COUNCIL_VOTE, vote_occurrence
from models.services.access import IntakeSettings, issue_links
from models.services.due_steps import chain_of, first_step_from, move_on
from models.services.obligations import plan_of
from models.services.outbox import email_row
from models.services.rows import inserted
from models.vocabulary import ContactRole
from models.voting import BallotStatus, award_label
from notifications.content import EmailContent
from notifications.invitation import BallotCandidate, BallotInvitation, render_invitation
from notifications.smtp import SmtpSettings

KIND = "invitation"
ONE_DAY = dt.timedelta(days=1)
COUNCIL_ROLES = (ContactRole.COUNCIL_CHAIR, ContactRole.COUNCIL_MEMBER)


def invitation_key(campaign: Campaign, ballot: Ballot, contact: Contact) -> str:
    """One invitation per ballot and person: the email's idempotency key."""
    return f"{campaign.slug}/ballot-{ballot.id}/invitation/{people.person_of(contact.email)}"


def invite_members(
    session: Session,
    campaign: Campaign,
    *,
    at: dt.datetime,
    smtp: SmtpSettings | None = None,
    intake: IntakeSettings | None = None,
    calendar: WorkingCalendar | None = None,
) -> int:
    """Write the invitations the campaign's open ballots still lack; how many."""
    ballots = session.scalars(
        select(Ballot)
        .where(
            Ballot.campaign_id == campaign.id,
            Ballot.status == BallotStatus.OPEN,
            Ballot.opens_at <= at,
            Ballot.closes_at > at,
        )
        .options(selectinload(Ballot.candidates), selectinload(Ballot.council))
        .order_by(Ballot.id)
    ).all()
    if not ballots:
        return 0
    smtp = smtp or SmtpSettings.from_env()
    intake = intake or IntakeSettings.from_env()
    writer = campaign.standing_body.acting()
    plan = plan_of(campaign)
    head = letterhead(plan, writer, smtp.from_address)
    invited: list[Obligation] = []
    council_positions = _council_positions(session)
    emails: list[dict[str, Any]] = []
    for ballot in ballots:
        members = _to_invite(session, campaign, ballot)
        if not members:
            continue
        tokens = issue_links(session, intake.signer, members, at=at)
        candidates = tuple(
            BallotCandidate(
                c.name,
                (c.subject_unit or c.registered_by).name,
                award_label(ballot.award),
            )
            for c in sorted(ballot.candidates, key=lambda c: (c.name, c.id))
        )
        invited += [obligation for _, obligation in members]
        for contact, obligation in members:
            held = council_positions.get(people.person_of(contact.email), [contact])
            reader = address(writer, contact, held)
            key = invitation_key(campaign, ballot, contact)
            content = EmailContent(
                key=key,
                day=at.date(),
                recipient_name=contact.name,
                recipient_email=contact.email,
                recipient_unit=contact.unit.name,
                sender_name=head.signature.body,
                items=(),
                salutation=reader.salutation,
                addressee=reader.addressee,
                upward=reader.upward,
                signed_by=head.signature.body,
                officer=head.signature.officer,
                reply_to=head.signature.reply_to,
            )
            invitation = BallotInvitation(
                content,
                ballot.council.name,
                ballot.title,
                candidates,
                ballot.closes_at,
                intake.link_url(tokens[contact.id, obligation.id]),
            )
            emails.append(_email_row(content, invitation, campaign, ballot, head, smtp, at))
    if emails:
        inserted(session, Email, emails, Email.key, Email.id)
        # The invitation stands for the vote's reminders due by today (a ballot open for ten
        # working days has its first reminder on the opening day): its chain goes on after.
        steps_for = chain_of(plan.reminders, calendar or default_calendar())
        move_on(
            session,
            {o.id: first_step_from(steps_for(o.chase_due), at.date() + ONE_DAY) for o in invited},
        )
    return len(emails)


def _to_invite(
    session: Session, campaign: Campaign, ballot: Ballot
) -> list[tuple[Contact, Obligation]]:
    """(membership, vote obligation) of the members yet to vote and not yet invited."""
    rows = session.execute(
        select(Contact, Obligation)
        .join(BallotParticipation, BallotParticipation.contact_id == Contact.id)
        .join(Obligation, Obligation.contact_id == Contact.id)
        .join(Milestone, Obligation.milestone_id == Milestone.id)
        .where(
            BallotParticipation.ballot_id == ballot.id,
            BallotParticipation.voted_at.is_(None),
            Obligation.campaign_id == campaign.id,
            Milestone.code == COUNCIL_VOTE,
        )
        .options(selectinload(Contact.unit))
        .order_by(Contact.id)
    ).all()
    wanted = [
        (contact, obligation)
        for contact, obligation in rows
        if obligation.occurrence == vote_occurrence(ballot.id, contact.id)
    ]
    keys = {invitation_key(campaign, ballot, c): c.id for c, _ in wanted}
    sent = set(session.scalars(select(Email.key).where(Email.key.in_(list(keys)))))
    return [(c, o) for c, o in wanted if invitation_key(campaign, ballot, c) not in sent]


def _council_positions(session: Session) -> dict[str, list[Contact]]:
    """Each person's council positions (chair before member), by which the invitation names
    them: "Đồng chí …, Ủy viên Hội đồng Thi đua - Khen thưởng tỉnh"."""
    held: dict[str, list[Contact]] = {}
    for contact in session.scalars(
        select(Contact)
        .where(Contact.role.in_(COUNCIL_ROLES))
        .options(selectinload(Contact.unit))
        .order_by(Contact.id)
    ):
        held.setdefault(people.person_of(contact.email), []).append(contact)
    for positions in held.values():
        positions.sort(key=lambda c: c.role != ContactRole.COUNCIL_CHAIR)
    return held


def _email_row(
    content: EmailContent,
    invitation: BallotInvitation,
    campaign: Campaign,
    ballot: Ballot,
    head: Letterhead,
    smtp: SmtpSettings,
    at: dt.datetime,
) -> dict[str, Any]:
    """The outbox row of one invitation (models.services.outbox.email_row), due when the
    ballot closes."""
    return email_row(
        content,
        render_invitation(invitation),
        kind=KIND,
        campaign_id=campaign.id,
        earliest_due=ballot.closes_at.date(),
        head=head,
        smtp=smtp,
        at=at,
    )
