"""What a coordinator reads of proposals and their dossiers: for `tdkt reward list/show` and the
coordinator's page, so neither queries the ORM itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.dossier import missing, source_of, status_text
from models.orm import Campaign, Candidate
from models.orm.recognition import RewardProposal
from models.recognition import ProposalStatus, RecognitionError


@dataclass(frozen=True)
class PieceView:
    """One line of the checklist: the piece, where it comes from, and its state."""

    code: str
    document: str
    source: str
    present: bool
    state: str


@dataclass(frozen=True)
class ProposalView:
    """A proposal as the coordinator sees it, with why it cannot go upward yet."""

    id: int
    nominee: str
    unit: str
    form: str
    authority: str
    number: str | None
    status: ProposalStatus
    opened_or_forwarded_on: dt.date
    decision_due_on: dt.date | None
    pieces: tuple[PieceView, ...]
    missing: tuple[str, ...]

    @property
    def blocked(self) -> bool:
        """Still preparing, with pieces missing: forwarding would be refused."""
        return self.status == ProposalStatus.PREPARING and bool(self.missing)


def piece_views(items: Sequence[Mapping[str, Any]]) -> tuple[PieceView, ...]:
    """The checklist's lines in its order."""
    return tuple(
        PieceView(
            code=str(item["code"]),
            document=str(item["document"]),
            source=source_of(item).label,
            present=bool(item.get("received")),
            state=status_text(item),
        )
        for item in items
    )


def view(proposal: RewardProposal) -> ProposalView:
    """The coordinator's view of one proposal."""
    preparing = proposal.status == ProposalStatus.PREPARING
    return ProposalView(
        id=proposal.id,
        nominee=proposal.candidate.name,
        unit=proposal.candidate.registered_by.name,
        form=proposal.form.label,
        authority=proposal.authority.name,
        number=proposal.number,
        status=proposal.status,
        opened_or_forwarded_on=proposal.submitted_on,
        decision_due_on=None if preparing else proposal.decision_due_on,
        pieces=piece_views(proposal.dossier),
        missing=tuple(missing(proposal.dossier)),
    )


def require_proposal(session: Session, proposal_id: int) -> RewardProposal:
    """The proposal, or RecognitionError in Vietnamese."""
    found = session.get(RewardProposal, proposal_id)
    if found is None:
        raise RecognitionError(f"không tìm thấy tờ trình số {proposal_id}")
    return found


def proposal_views(
    session: Session,
    *,
    campaign: Campaign | None = None,
    status: ProposalStatus | None = None,
    limit: int = 500,
) -> list[ProposalView]:
    """Proposals newest first (at most `limit`), optionally of one campaign or status."""
    query = select(RewardProposal).options(
        selectinload(RewardProposal.candidate).selectinload(Candidate.registered_by),
        selectinload(RewardProposal.authority),
    )
    if campaign is not None:
        query = query.join(RewardProposal.candidate).where(Candidate.campaign_id == campaign.id)
    if status is not None:
        query = query.where(RewardProposal.status == status)
    rows = session.scalars(query.order_by(RewardProposal.id.desc()).limit(limit))
    return [view(p) for p in rows]
