"""No one writes to themselves: who owes a milestone, and whom an escalation reaches.

Pure functions over plan data and unit codes (no database), used when obligations are opened
(models.services.obligations) and when a chain step's recipients are chosen
(models.services.chase).

- A unit selected by kind, as a field's lead agency or as a cluster leader never owes the
  milestone's recipient body when it is that body itself: Sở Nội vụ is a department, so the
  selector "every department" made it owe its own unit plan to itself. A unit the plan names
  itself in `from.units` and that is also the recipient (seed 004: "Đảng ủy Sở, cấp ủy chi bộ
  trực thuộc tổ chức gặp mặt" for the Đảng ủy Sở that collects) is charged with its own task:
  the obligation opens, and is reminded to its officer and head as its task, not as something
  sent to itself.
- An escalation whose recipient unit would be the unit that owes the obligation (the standing
  body escalated about its own late work to itself, a unit's superior that is the unit) goes
  to the next level up: the unit's superior, then the council chair, never to itself.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from models.policy import Recipient
from models.vocabulary import ContactRole

WITHIN_UNIT: frozenset[Recipient] = frozenset({ContactRole.EMULATION_OFFICER, ContactRole.HEAD})
"""Steps that reach the owing unit's own officer or head: that is their purpose, not a unit
writing to itself."""

LADDER: tuple[Recipient, ...] = ("superior", ContactRole.COUNCIL_CHAIR)
"""The levels above every other recipient, in order; the council chair is the last resort."""


def owes(unit_code: str, recipient_code: str, named: Collection[str]) -> bool:
    """Whether a unit a milestone's selector reached owes it: always, unless it is the
    recipient itself and the plan did not name it among `named` (the milestone's `from.units`,
    merged units replaced by their successors): a selector by kind would make it owe itself."""
    return unit_code != recipient_code or unit_code in named


def own_task(unit_code: str, recipient_code: str) -> bool:
    """The obligation is the unit's own task (the plan names it and it is the recipient): its
    reminders go to its officer and its head, and no line says it is sent to itself."""
    return unit_code == recipient_code


def escalation_to(to: Recipient, owing: str, unit_at: Mapping[Recipient, str | None]) -> Recipient:
    """The level an escalation goes to: `to`, unless the unit that level resolves to
    (`unit_at`, the caller's directory lookup) is the owing unit itself; then the next level up
    (the unit's superior, then the council chair). The chair is never skipped: the person who
    chairs the council is not the body that owes."""
    if to in WITHIN_UNIT:
        return to
    ladder = LADDER[LADDER.index(to) :] if to in LADDER else (to, *LADDER)
    for level in ladder:
        if level == ContactRole.COUNCIL_CHAIR or unit_at.get(level) != owing:
            return level
    return ContactRole.COUNCIL_CHAIR
