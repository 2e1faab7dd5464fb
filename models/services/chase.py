"""One day's chase for one campaign: which steps fall due, to whom, and in which emails.

Everything is written to the outbox in the caller's transaction: notifications with unique
keys, then digest emails (one per recipient per day) with their exact MIME bytes. Sending is a
separate step (tasks.sending), so a crash between the two loses nothing and sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.addressing import escalation_to, own_task
from models.calendar import WorkingCalendar
from models.orm import (
    Campaign,
    Notification,
    Unit,
)
from models.partitions import WHOLE, Partition
from models.policy import ChainStep
from models.services.chase_recipients import (
    goes_up,
    levels_above,
    recipients,
    superiors,
    supervisor_of,
)
from models.services.digests import compose_emails
from models.services.due_rows import (
    Due,
    Reader,
    due_obligations,
)
from models.services.due_steps import chain_of, move_on, steps_due_today
from models.services.obligations import plan_of
from models.services.rows import chunks, insert_rows
from models.vocabulary import ContactRole


@dataclass(frozen=True)
class DayPlan:
    notifications: int
    emails: int
    without_recipient: list[str]


def plan_notifications(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    *,
    at: dt.datetime,
    compose: bool = True,
    partition: Partition = WHOLE,
) -> DayPlan:
    """Create today's notifications (one per chain step and recipient) and their emails
    (unless compose is False: a partitioned sweep composes them per partition, emails 0).

    Only the obligations of the units in `partition` (models.partitions): a partitioned sweep
    writes each partition's notifications side by side, then composes every recipient's digest
    from all of them. Composing needs the whole: with a partition, compose must be False."""
    if compose and partition != WHOLE:
        raise ValueError("a partition's notifications are composed by recipient, afterwards")
    today = at.date()
    if calendar.is_day_off(today):
        return DayPlan(0, 0, [])  # nothing goes out on a day off; the step waits for Monday
    plan = plan_of(campaign)
    due = steps_due_today(
        session, campaign.id, chain_of(plan.reminders, calendar), today, partition
    )
    step_of = {d.obligation_id: d.step for d in due.steps}
    supervisor = supervisor_of(session, plan)
    wanted: dict[str, tuple[Due, ChainStep, Reader]] = {}
    missing: list[str] = []
    due_rows = _load(session, list(step_of))
    # Only the steps that go above the unit read its superior (a reminder to the unit does not).
    parents = superiors(session, (o.parent_id for o in due_rows if goes_up(step_of[o.id])))
    for obligation in due_rows:
        step = step_of[obligation.id]
        if obligation.successor_id is not None:
            # A dissolved unit is never written to; `tdkt directory merge` moves its work.
            dissolved = session.get_one(Unit, obligation.unit_id)
            merged_into = dissolved.acting().code
            missing.append(f"{obligation.unit_code} ({step.name}: đã sáp nhập vào {merged_into})")
            continue
        person = obligation.person
        contacts: Sequence[Reader]
        if person is not None and step.to == ContactRole.EMULATION_OFFICER:
            contacts = [person]  # a personal obligation: reminders go to that person
        elif step.to == ContactRole.EMULATION_OFFICER and own_task(
            obligation.unit_code, obligation.milestone.recipient.acting().code
        ):
            # The plan charges the unit with its own task (it is also the recipient): its
            # officer and its head are reminded of it, as their task.
            contacts = obligation.contacts_with(ContactRole.EMULATION_OFFICER) + (
                obligation.contacts_with(ContactRole.HEAD)
            )
        else:
            to = step.to
            parent = parents.get(obligation.parent_id or 0)
            if step.kind == "escalation":  # never to the unit that owes: the next level up
                to = escalation_to(
                    to, obligation.unit_code, levels_above(campaign, parent, supervisor)
                )
            contacts = recipients(campaign, obligation, to, supervisor, parent=parent)
        if not contacts:
            missing.append(f"{obligation.unit_code} ({step.name})")
        for contact in contacts:
            key = (
                f"{campaign.slug}/{obligation.milestone.code}/{obligation.unit_code}/"
                f"{obligation.occurrence}/c{obligation.cycle}/{step.name}/{contact.email}"
            )
            wanted[key] = (obligation, step, contact)
    existing = _existing_keys(session, wanted)
    created = [
        {
            "key": key,
            "obligation_id": obligation.id,
            "cycle": obligation.cycle,
            "step": step.name,
            "recipient_email": contact.email,
            "recipient_name": contact.name,
            "recipient_unit_id": contact.unit_id,
            "day": today,
            "created_at": at,
        }
        for key, (obligation, step, contact) in wanted.items()
        if key not in existing
    ]
    if created:
        # One multi-row INSERT, not an ORM object per notification: a national sweep writes
        # tens of thousands, and compose_emails reads them back with what the emails need.
        insert_rows(session, Notification, created)
    move_on(session, due.next_days)
    emails = compose_emails(session, campaign, plan, calendar, at=at) if compose else 0
    return DayPlan(len(created), emails, missing)


def _existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """The notification keys already written (by an earlier or a concurrent sweep)."""
    return {
        key
        for chunk in chunks(keys)
        for key in session.scalars(select(Notification.key).where(Notification.key.in_(chunk)))
    }


def _load(session: Session, ids: list[int]) -> list[Due]:
    """The obligations to act on, as plain rows with what the emails need (due_rows)."""
    return due_obligations(session, ids)
