"""Composing a day's digests: the unassigned notifications gathered into one email per
recipient, each item named, linked and cited, the most urgent first and within the caps
(DIGEST_LINES, OVERSIGHT_LIST), written to the outbox with its MIME bytes.

A partitioned sweep composes the recipients of one partition of addresses per task
(models.partitions, tasks.partitions); the unpartitioned one all of them
(models.services.chase.plan_notifications).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import people
from models.addressing import escalation_to
from models.calendar import WorkingCalendar
from models.correspondence import direction
from models.letterhead import letterhead
from models.orm import (
    Campaign,
    Contact,
    Email,
    Milestone,
    Notification,
    Obligation,
    Unit,
)
from models.partitions import WHOLE, Partition
from models.phrases import occurrence_label
from models.plan import Plan
from models.policy import escalation_recipient
from models.services.access import IntakeSettings, issue_links
from models.services.addressing import readers
from models.services.chase_recipients import (
    is_own_task,
    levels_above,
    reader_fields,
    superiors,
    supervisor_of,
)
from models.services.due_rows import (
    Note,
    Owed,
    Person,
    Superior,
    contacts_of_units,
    pending_notes,
)
from models.services.escalation_documents import Draft, attach_letters, wants_letter
from models.services.intake import action_of
from models.services.outbox import email_row
from models.services.partitions import in_partition
from models.services.rows import inserted, rows_in, update_rows
from models.services.subjects import subjects
from models.subjects import Subject
from models.vocabulary import ContactRole, ObligationStatus
from notifications.content import DeadlineItem, EmailContent, PlanRef
from notifications.digest import NEWLY_OVERDUE_DAYS
from notifications.render import render
from notifications.smtp import SmtpSettings


def compose_emails(
    session: Session,
    campaign: Campaign,
    plan: Plan,
    calendar: WorkingCalendar,
    *,
    at: dt.datetime,
    smtp: SmtpSettings | None = None,
    intake: IntakeSettings | None = None,
    partition: Partition = WHOLE,
) -> int:
    """Gather today's unassigned notifications into one digest email per recipient.

    Each item carries the recipient's personal link to act on it (models.services.access).
    A partition composes only the recipients whose address falls in it (models.partitions).
    """
    smtp = smtp or SmtpSettings.from_env()
    intake = intake or IntakeSettings.from_env()
    supervisor = supervisor_of(session, plan)
    # plain rows, tens of thousands a day; a partition's addresses only
    pending = pending_notes(
        session, campaign.id, in_partition(Notification.recipient_email, partition)
    )
    by_recipient: dict[str, list[Note]] = defaultdict(list)
    for note in pending:
        by_recipient[note.recipient_email].append(note)
    plan_ref = PlanRef(
        plan.title, plan.document.issuer_name, plan.document.number, plan.document.date
    )
    sender = campaign.standing_body.name
    if campaign.issuer.name not in sender:
        sender = f"{sender} ({campaign.issuer.name})"
    today = at.date()
    positions = _positions(session, pending)
    writer = campaign.standing_body.acting()
    addressed = readers(
        session, writer, ((a, notes[0].recipient_unit_id) for a, notes in by_recipient.items())
    )
    head = letterhead(plan, writer, smtp.from_address)  # From, officer, Reply-To
    signed = head.signature
    unit_names: dict[int, str] = dict(
        rows_in(
            session, select(Unit.id, Unit.name), Unit.id, {n.recipient_unit_id for n in pending}
        )
    )
    sent_today: dict[str, int] = {
        address: n
        for address, n in session.execute(
            select(Email.recipient_email, func.count())
            .where(Email.campaign_id == campaign.id, Email.day == today)
            .group_by(Email.recipient_email)
        )
    }
    listed = {address: _listed(notes) for address, notes in by_recipient.items()}
    tokens = issue_links(
        session,
        intake.signer,
        [
            (contact, n.obligation)
            for shown, _, _ in listed.values()
            for n in shown
            if (contact := _position(n, positions))
        ],
        at=at,
    )
    named = subjects(
        session, [n.obligation for shown, _, _ in listed.values() for n in shown], plan
    )
    overdue_list: tuple[list[DeadlineItem], int, int] | None = None
    emails: list[dict[str, Any]] = []
    members: list[list[Note]] = []
    parents = superiors(
        session, (n.obligation.unit.parent_id for n in pending if n.step.startswith("escalation"))
    )
    drafts: list[Draft] = []
    for address, notes in sorted(by_recipient.items()):
        shown, more_overdue, more_items = listed[address]
        more_newly = 0
        reader = addressed.get(address)
        leader = reader is not None and reader.upward
        items = tuple(
            _item(n, named, plan_ref, plan, calendar, today, _link(intake, tokens, positions, n))
            if not leader or _own_act(session, n, positions, writer)
            else _item(n, named, plan_ref, plan, calendar, today, None)
            for n in shown
        )
        oversight = any(
            _escalates_to_oversight(campaign, plan, n, supervisor, parents) for n in notes
        )
        if oversight:
            # The standing body and the chair see today's escalations of every unit, not only
            # theirs: listed, the rest of the overdue counted, with a link to the page that has
            # them all.
            if overdue_list is None:
                overdue_list = _overdue_items(
                    session, campaign, plan_ref, plan, calendar, today, intake
                )
            most_overdue, overdue_total, newly_total = overdue_list
            already = {(i.unit_code, i.uid) for i in items}
            items += tuple(i for i in most_overdue if (i.unit_code, i.uid) not in already)
            own_late = more_overdue + sum(n.step.startswith("escalation") for n in shown)
            items, more_overdue, more_newly = _capped(
                items, max(overdue_total, own_late), newly_total
            )
        unit_id = notes[0].recipient_unit_id
        # A leader directs from the whole list (issue 20): always the coordinators' page.
        upward = leader and any(i.step == "escalation" for i in items)
        same_day = sent_today.get(address, 0)
        key = f"{campaign.slug}/{today.isoformat()}/{address}/{same_day or 0}"
        content = EmailContent(
            key=key,
            day=today,
            recipient_name=notes[0].recipient_name,
            recipient_email=address,
            recipient_unit=unit_names.get(unit_id, ""),
            sender_name=sender,
            items=items,
            more_overdue=more_overdue,
            more_newly_overdue=more_newly,
            all_overdue_link=intake.campaign_url(campaign.slug) if more_overdue or upward else None,
            more_items=more_items,
            all_items_link=intake.campaign_url(campaign.slug) if more_items else None,
            **reader_fields(reader),
            own_staff=unit_id in unit_names and unit_id == writer.id and not leader,
            signed_by=signed.body,
            officer=signed.officer,
            reply_to="" if signed.reply_to == address else signed.reply_to,
        )
        drafts.append(Draft(content, render(content), wants_letter(content, writer, oversight)))
        members.append(notes)
    # Escalations to units carry the numbered công văn đôn đốc, printed in one batch.
    letters = attach_letters(session, writer, drafts, calendar, at=at)
    for draft, rendered, notes in zip(drafts, letters, members, strict=True):
        due = min(n.obligation.chase_due for n in notes)
        emails.append(
            email_row(
                draft.content,
                rendered,
                kind=draft.content.kind,
                campaign_id=campaign.id,
                earliest_due=due,
                head=head,
                smtp=smtp,
                at=at,
            )
        )
    _write_emails(session, emails, members)
    return len(emails)


def _write_emails(
    session: Session, emails: list[dict[str, Any]], members: list[list[Note]]
) -> None:
    """Insert the day's emails and point each one's notifications at it: two statements,
    whatever the number of emails."""
    if not emails:
        return
    ids: dict[str, int] = dict(inserted(session, Email, emails, Email.key, Email.id))
    pointed = [(ids[email["key"]], notes) for email, notes in zip(emails, members, strict=True)]
    # One executemany UPDATE by primary key, whatever the number of notifications.
    update_rows(
        session,
        Notification,
        [{"id": note.id, "email_id": email_id} for email_id, notes in pointed for note in notes],
    )


def _escalates_to_oversight(
    campaign: Campaign,
    plan: Plan,
    note: Note,
    supervisor: Unit | None,
    parents: dict[int, Superior],
) -> bool:
    """The escalation goes to the standing body, the chair or the supervisor (as the chain
    resolved it: the standing body's own late work goes up to the unit's superior, who gets
    that one item, not the campaign's overdue list)."""
    kind, _, level = note.step.partition("-")
    if kind != "escalation":
        return False
    unit = note.obligation.unit
    target = escalation_to(
        escalation_recipient(plan.reminders, int(level)),
        unit.code,
        levels_above(campaign, parents.get(unit.parent_id or 0), supervisor),
    )
    return target in (ContactRole.STANDING_BODY, ContactRole.COUNCIL_CHAIR, "supervisor")


OVERSIGHT_LIST = 40
"""Overdue lines of each part (newly overdue, still overdue) in one email to the standing body
or the chair; a national campaign may have thousands, which the coordinators' page lists (the
email says how many more). 40 a part keeps the demo's largest email under render.MAX_EMAIL_BYTES."""


def _overdue_items(
    session: Session,
    campaign: Campaign,
    plan_ref: PlanRef,
    plan: Plan,
    calendar: WorkingCalendar,
    today: dt.date,
    intake: IntakeSettings,
) -> tuple[list[DeadlineItem], int, int]:
    """The overdue obligations escalated today (to anyone: newly overdue, or still overdue on
    their decaying schedule, models.policy.repeat_days) as escalation lines, the still overdue
    and the newly overdue (notifications.digest) each capped, the most overdue first; how many
    are overdue in all, and how many of them newly. The others are counted, not listed, so an
    item late for months is not listed every time the standing body hears of another.

    Their links open the coordinators' page (sign-in required), not a personal link: the
    standing body and the chair review, they do not submit for the unit.
    """
    late = (Obligation.campaign_id == campaign.id) & (Obligation.status == ObligationStatus.OVERDUE)
    newly = Obligation.chase_due >= calendar.add_working_days(today, -NEWLY_OVERDUE_DAYS)
    total = session.scalar(select(func.count()).select_from(Obligation).where(late)) or 0
    newly_total = session.scalar(select(func.count()).select_from(Obligation).where(late & newly))
    # The day's escalations first (by the notifications' day index), then their obligations
    # by id. Not a correlated EXISTS: SQLite probed it through the day index too, reading the
    # whole day's notifications for each of a campaign's obligations (913 s of the national
    # replay once notifications were indexed by day, migration 0023).
    escalated_today = Obligation.id.in_(
        select(Notification.obligation_id).where(
            Notification.day == today, Notification.step.startswith("escalation-")
        )
    )
    overdue = [
        o
        for part in (late & ~newly, late & newly)
        for o in session.scalars(
            select(Obligation)
            .where(part, escalated_today)
            .order_by(Obligation.chase_due, Obligation.id)
            .limit(OVERSIGHT_LIST)
            .options(
                selectinload(Obligation.milestone).selectinload(Milestone.recipient),
                selectinload(Obligation.unit),
            )
        )
    ]
    named = subjects(session, overdue, plan)
    lines = [
        replace(
            deadline_item(o, named[o.id], "", "escalation", 0, plan_ref, plan, calendar, today),
            link=intake.coordinator_url(o.id),
            link_label="Xem trên trang điều phối",
        )
        for o in overdue
    ]
    return lines, total, newly_total or 0


DIGEST_LINES = 40
"""Lines of each kind (escalations; reminders and due-day notices) one digest lists. The
national standing body owes a decision per proposed candidate and may have thousands due in a
day: listed in full, with an .ics each, its email outgrew what mail servers accept (32 MiB);
at 100 a kind the demo's largest was 358 KB. 40 keeps every email under render.MAX_EMAIL_BYTES."""


def _listed(notes: list[Note]) -> tuple[list[Note], int, int]:
    """The recipient's notifications an email lists, the most urgent first, at most
    DIGEST_LINES escalations and DIGEST_LINES others; and how many of each are left out
    (every one still belongs to the email, which counts them and links to the full list)."""

    def urgency(note: Note) -> tuple[dt.date, str, int]:
        return note.obligation.chase_due, note.obligation.unit.code, note.id

    late = sorted((n for n in notes if n.step.startswith("escalation")), key=urgency)
    others = sorted((n for n in notes if not n.step.startswith("escalation")), key=urgency)
    if len(late) <= DIGEST_LINES and len(others) <= DIGEST_LINES:
        return notes, 0, 0  # the usual case: everything, in the order it was written
    shown = late[:DIGEST_LINES] + others[:DIGEST_LINES]
    return shown, len(late) - len(late[:DIGEST_LINES]), len(others) - len(others[:DIGEST_LINES])


def _capped(
    items: tuple[DeadlineItem, ...], overdue_total: int, newly_total: int
) -> tuple[tuple[DeadlineItem, ...], int, int]:
    """At most OVERSIGHT_LIST newly overdue and OVERSIGHT_LIST still overdue lines, the most
    overdue first in each; how many are left out, and how many of those are newly overdue."""
    late = sorted(
        (i for i in items if i.step == "escalation"), key=lambda i: (i.effective_due, i.unit_code)
    )
    newly = [i for i in late if -i.working_days_left <= NEWLY_OVERDUE_DAYS]
    still = [i for i in late if -i.working_days_left > NEWLY_OVERDUE_DAYS]
    kept = still[:OVERSIGHT_LIST] + newly[:OVERSIGHT_LIST]
    others = tuple(i for i in items if i.step != "escalation")
    more = max(overdue_total, len(late)) - len(kept)
    more_newly = min(max(newly_total, len(newly)) - len(newly[:OVERSIGHT_LIST]), more)
    return (*others, *kept), more, more_newly


def _positions(session: Session, notes: Sequence[Note]) -> dict[tuple[int, str], Person]:
    """The contact behind each (unit, address) the notifications go to: the first by id
    (plain rows: a national day writes to thousands of units)."""
    found: dict[tuple[int, str], Person] = {}
    for contact in contacts_of_units(session, (n.recipient_unit_id for n in notes)):
        found.setdefault((contact.unit_id, people.person_of(contact.email)), contact)
    return found


def _position(note: Note, positions: dict[tuple[int, str], Person]) -> Person | None:
    """The position a notification's link is addressed to (models.people.position_for): the
    council membership for a member's vote, the recipient's own position in their unit else.
    One person holding several gets one email whose items each link as the right one."""
    obligation = note.obligation
    return people.position_for(
        obligation.contact, note.recipient_unit_id, note.recipient_email, positions
    )


def _own_act(
    session: Session, note: Note, positions: dict[tuple[int, str], Person], writer: Unit
) -> bool:
    """The notified item is the recipient's own to act on: their vote, or their own unit's
    work where they do not lead the writer (a department head who also chairs the council
    submits their department's report). A leader is sent a link for nothing else (issue 20: a
    leader directs; the standing body's head is reminded of its tasks, its officer does them)."""
    contact = _position(note, positions)
    obligation = note.obligation
    if contact is None:
        return False
    if obligation.contact_id is not None:
        return True
    if contact.unit_id != obligation.unit_id:
        return False
    return direction(writer, session.get_one(Contact, contact.id)) != "up"  # (few: leaders)


def _link(
    intake: IntakeSettings,
    tokens: dict[tuple[int, int], str],
    positions: dict[tuple[int, str], Person],
    note: Note,
) -> tuple[str, str] | None:
    """(url, label) of the recipient's personal link for the notified obligation."""
    contact = _position(note, positions)
    if contact is None:
        return None
    obligation = note.obligation
    return intake.link_url(tokens[contact.id, obligation.id]), action_of(obligation).label


def _item(
    note: Note,
    named: dict[int, Subject],
    plan_ref: PlanRef,
    plan: Plan,
    calendar: WorkingCalendar,
    today: dt.date,
    link: tuple[str, str] | None,
) -> DeadlineItem:
    kind, _, level = note.step.partition("-")
    obligation = note.obligation
    item = deadline_item(
        obligation,
        named[obligation.id],
        note.key,
        kind,
        int(level or 0),
        plan_ref,
        plan,
        calendar,
        today,
    )
    if link is None:
        return item
    return replace(item, link=link[0], link_label=link[1])


def deadline_item(
    obligation: Obligation | Owed,
    subject: Subject,
    key: str,
    kind: str,
    level: int,
    plan_ref: PlanRef,
    plan: Plan,
    calendar: WorkingCalendar,
    today: dt.date,
) -> DeadlineItem:
    """One line of a digest; `subject` (models.subjects) names what it is about and who acts."""
    milestone = obligation.milestone
    return DeadlineItem(
        notification_key=key,
        step=kind,  # type: ignore[arg-type]
        level=level,
        plan=plan_ref,
        clause=milestone.clause,
        phrase=milestone.phrase,
        quote=milestone.quote,
        milestone_title=milestone.title,
        occurrence_label=occurrence_label(obligation.occurrence),
        unit_code=obligation.unit.code,
        unit_name=obligation.unit.name,
        owed_to="" if is_own_task(obligation) else milestone.recipient.name,
        due=obligation.due,
        effective_due=obligation.chase_due,
        working_days_left=calendar.working_days_between(today, obligation.chase_due),
        set_by_coordinator=milestone.rule == "set_by_coordinator",
        about=subject.about,
        exemplar=subject.exemplar,
        actor=subject.actor,
        # One calendar entry per deadline, whichever units an email lists.
        uid=f"{plan.id}/{milestone.code}/{obligation.occurrence}/{obligation.chase_due:%Y%m%d}",
    )
