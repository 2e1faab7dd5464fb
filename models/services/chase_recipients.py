"""Who reads a chain step of an obligation: the unit's officer or head, the level above it,
the standing body's officer in charge, the council's chair or members, or the plan's
supervisor (models.addressing says which level; this module finds the people).

Shared by the day's chase (models.services.chase), which decides whom each step goes to, and
the digests (models.services.digests), which address and sign the emails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.addressing import own_task
from models.correspondence import Address
from models.orm import (
    Campaign,
    Contact,
    Obligation,
    Unit,
)
from models.plan import Plan
from models.policy import ChainStep, Recipient
from models.services.due_rows import (
    Due,
    Owed,
    Reader,
    Superior,
    superior_rows,
)
from models.vocabulary import ContactRole


def reader_fields(reader: Address | None) -> dict[str, Any]:
    """EmailContent's fields that name its reader (models.correspondence); none if unknown."""
    if reader is None:
        return {}
    return {"salutation": reader.salutation, "addressee": reader.addressee, "upward": reader.upward}


def goes_up(step: ChainStep) -> bool:
    """The step may be addressed above the owing unit (levels_above, recipients' superior)."""
    within = (ContactRole.EMULATION_OFFICER, ContactRole.HEAD, ContactRole.STANDING_BODY)
    others = (ContactRole.COUNCIL_CHAIR, ContactRole.COUNCIL_MEMBER, "supervisor")
    return step.kind == "escalation" or step.to not in (*within, *others)


def superiors(session: Session, ids: Iterable[int | None]) -> dict[int, Superior]:
    """The superiors (these unit ids, None skipped), each as whoever acts for it now with its
    contacts, as plain rows: escalations go up (a national morning's thousands of communes)."""
    return superior_rows(session, (i for i in ids if i is not None))


def is_own_task(obligation: Obligation | Owed) -> bool:
    """The obligation's unit is its milestone's recipient: its own task (models.addressing)."""
    return own_task(obligation.unit.code, obligation.milestone.recipient.acting().code)


HEADS = (ContactRole.HEAD, ContactRole.COUNCIL_CHAIR)
"""Who heads a unit: its head, else its chair (a council: the national standing body's
superior, the Hội đồng Thi đua - Khen thưởng Trung ương, lists a chair and no head)."""


def levels_above(
    campaign: Campaign, parent: Unit | Superior | None, supervisor: Unit | None
) -> dict[Recipient, str | None]:
    """The unit each level above a unit (whose superior is `parent`) resolves to, by code, for
    models.addressing."""
    return {
        ContactRole.STANDING_BODY: campaign.standing_body.acting().code,
        ContactRole.COUNCIL_CHAIR: campaign.issuer.acting().code,
        ContactRole.COUNCIL_MEMBER: campaign.issuer.acting().code,
        "superior": (parent or campaign.issuer).acting().code,
        "supervisor": supervisor.acting().code if supervisor else None,
    }


def supervisor_of(session: Session, plan: Plan) -> Unit | None:
    """The unit the plan charges with following its execution (Plan.supervisor), if any."""
    if plan.supervisor is None:
        return None
    return session.scalar(select(Unit).where(Unit.code == plan.supervisor.unit))


@overload
def recipients(
    campaign: Campaign,
    unit: Unit,
    to: Recipient,
    supervisor: Unit | None = None,
    *,
    parent: Unit | None = None,
) -> list[Contact]: ...
@overload
def recipients(
    campaign: Campaign,
    unit: Due,
    to: Recipient,
    supervisor: Unit | None = None,
    *,
    parent: Unit | Superior | None = None,
) -> Sequence[Reader]: ...
def recipients(
    campaign: Campaign,
    unit: Unit | Due,
    to: Recipient,
    supervisor: Unit | None = None,
    *,
    parent: Unit | Superior | None = None,
) -> Sequence[Reader]:
    """Contacts for a step: the unit's officer, its head, the standing body, the chair, the
    plan's supervisor (seed 004: the Ủy ban kiểm tra that "đôn đốc")... `unit` is an object,
    or the sweep's row of a due obligation (models.services.due_rows) with its `parent`."""
    if to == "supervisor":
        if supervisor is None:
            return []
        return supervisor.acting().contacts_with(
            ContactRole.STANDING_BODY, ContactRole.EMULATION_OFFICER, ContactRole.HEAD
        )
    if to == ContactRole.EMULATION_OFFICER:
        return unit.contacts_with(ContactRole.EMULATION_OFFICER, ContactRole.HEAD)
    if to == ContactRole.HEAD:
        return unit.contacts_with(*HEADS)
    if to == ContactRole.STANDING_BODY:
        # The standing body writes the emails: what reaches it is read by its officer in
        # charge, by name (its own mailbox would be "Kính gửi: Sở Nội vụ" from Sở Nội vụ).
        return campaign.standing_body.acting().contacts_with(
            ContactRole.EMULATION_OFFICER,
            ContactRole.HEAD,
            ContactRole.STANDING_BODY,
        )
    if to == ContactRole.COUNCIL_CHAIR:
        return campaign.issuer.acting().contacts_with(ContactRole.COUNCIL_CHAIR, ContactRole.HEAD)
    if to == ContactRole.COUNCIL_MEMBER:
        return campaign.issuer.acting().contacts_with(ContactRole.COUNCIL_MEMBER)
    above = unit.parent if isinstance(unit, Unit) else parent
    superior = (above or campaign.issuer).acting()
    return superior.contacts_with(*HEADS)
