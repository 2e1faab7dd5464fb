"""Completing a proposal's dossier in tests whose subject is what happens after forwarding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from models.calendar import default_calendar
from models.dossier import missing
from models.orm.recognition import RewardProposal
from models.services.dossier import forward_proposal
from models.services.rewards import receive_document

AT = dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def forwarded(session: Session, *proposals: RewardProposal | Iterable[RewardProposal]) -> None:
    """Tick every missing piece as received on paper and forward each proposal the day it was
    opened (so its decision due date is the one it was opened with)."""
    flat: list[RewardProposal] = []
    for p in proposals:
        flat.extend([p] if isinstance(p, RewardProposal) else p)
    for proposal in flat:
        for item in list(proposal.dossier):
            if not item.get("received"):
                receive_document(session, proposal, str(item["code"]), at=AT, actor="test")
        assert not missing(proposal.dossier)
        forward_proposal(
            session,
            proposal,
            forwarded_on=proposal.submitted_on,
            calendar=default_calendar(),
            at=AT,
            actor="test",
        )
