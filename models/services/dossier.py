"""A proposal's dossier: its pieces joined (uploaded or generated), and forwarding upward
refused while a required piece is missing (Luật Thi đua, khen thưởng 2022, Điều 84).

A proposal opens *preparing* (models.services.rewards.propose_rewards). Pieces join it:
a unit's upload (the web intake's SubmittedDocument, or the coordinator's
`tdkt reward attach`, both through models.documents.check_upload), or a generated document
(the tờ trình with its danh sách, the council's minutes), which counts as present once
generated. `forward_proposal` then sends it upward: refused with every missing piece named,
and the decision clock starts that day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.calendar import WorkingCalendar
from models.documents import Accepted
from models.dossier import (
    GEN_MINUTES,
    GEN_TO_TRINH,
    PIECES,
    generator_of,
    join_pieces,
    joined_reason,
    missing,
    refusal,
)
from models.orm import Candidate, SubmittedDocument
from models.orm.ballots import Ballot, BallotCandidate
from models.orm.recognition import RewardProposal
from models.recognition import ProposalStatus, RecognitionError, decision_due_on
from models.services.audit import record
from models.services.rows import chunks, loaded
from models.services.submissions import document_path, write_once
from models.text import vn_date
from models.voting import BallotStatus


def _item(proposal: RewardProposal, code: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A copy of the checklist and its item for `code` (a new list, so the JSON column sees the
    change when it is assigned back), or RecognitionError naming the pieces it needs."""
    items = [dict(item) for item in proposal.dossier]
    item = next((i for i in items if i["code"] == code), None)
    if item is None:
        known = ", ".join(f"{i['code']} ({i['document']})" for i in items)
        raise RecognitionError(
            f"hồ sơ của tờ trình số {proposal.id} không cần thành phần '{code}' (cần: {known})"
        )
    return items, item


def _require_preparing(proposal: RewardProposal, what: str) -> None:
    if proposal.status != ProposalStatus.PREPARING:
        raise RecognitionError(
            f"không thể {what}: tờ trình số {proposal.id} đã trình ngày "
            f"{vn_date(proposal.submitted_on)} ({proposal.status.label})"
        )


def attach_upload(
    session: Session,
    store: Path,
    proposal: RewardProposal,
    code: str,
    *,
    accepted: Accepted,
    data: bytes,
    at: dt.datetime,
    actor: str,
    document: SubmittedDocument | None = None,
) -> dict[str, Any]:
    """Join an uploaded file to the dossier as its piece `code`; returns the checklist item.

    `accepted` is models.documents.check_upload's verdict on `data`, reached before the
    transaction (the same checks as the web intake: type by content, size bound). The file is
    stored content-addressed like every submission; `document` links the web intake's row when
    the file came that way. A later upload for the same piece replaces the earlier one (a
    corrected report), and the audit log keeps both.
    """
    _require_preparing(proposal, "bổ sung hồ sơ")
    items, item = _item(proposal, code)
    digest = hashlib.sha256(data).hexdigest()
    write_once(document_path(store, digest), data)
    item["received"] = True
    item["file"] = {
        "sha256": digest,
        "filename": accepted.filename,
        "media_type": accepted.media_type,
        "size": len(data),
        "uploaded_at": at.isoformat(),
        "uploaded_by": actor,
        "document_id": document.id if document is not None else None,
    }
    proposal.dossier = items
    record(
        session,
        at=at,
        actor=actor,
        action="reward_proposal.piece_uploaded",
        entity="reward_proposal",
        entity_id=proposal.id,
        reason=f"{item['document']}: {accepted.filename}, {len(data)} byte, sha256 {digest}",
    )
    return item


def attach_submitted(
    session: Session,
    store: Path,
    proposal: RewardProposal,
    code: str,
    document: SubmittedDocument,
    *,
    at: dt.datetime,
    actor: str,
) -> dict[str, Any]:
    """Join a file a unit already sent through the web intake to the dossier's piece `code`.

    The file was checked when it was received; its stored bytes are read back (bounded by the
    size recorded then) so the dossier keeps the same content hash.
    """
    data = document_path(store, document.sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise RecognitionError(f"tệp '{document.filename}' trong kho không còn nguyên vẹn")
    accepted = Accepted(document.media_type, document.filename)
    return attach_upload(
        session,
        store,
        proposal,
        code,
        accepted=accepted,
        data=data,
        at=at,
        actor=actor,
        document=document,
    )


def mark_generated(
    session: Session,
    proposals: Iterable[RewardProposal],
    generator: str,
    *,
    number: str | None,
    at: dt.datetime,
    actor: str,
) -> int:
    """Count every piece `generator` writes as present in these proposals' dossiers (a
    generated piece is present once generated: its content is the proposal's own data, written
    again identically whenever the dossier is exported). Returns how many pieces joined."""
    joined = 0
    for proposal in proposals:
        if proposal.status != ProposalStatus.PREPARING:
            continue
        items, names = join_pieces(proposal.dossier, generator, number)
        if names:
            proposal.dossier = items
            joined += len(names)
            record_joined(session, proposal.id, names, number, at=at, actor=actor)
    return joined


def record_joined(
    session: Session,
    proposal_id: int,
    names: Sequence[str],
    number: str | None,
    *,
    at: dt.datetime,
    actor: str,
) -> None:
    """The audit entry of generated pieces joined to a proposal's dossier."""
    record(
        session,
        at=at,
        actor=actor,
        action="reward_proposal.piece_generated",
        entity="reward_proposal",
        entity_id=proposal_id,
        reason=joined_reason(names, number),
    )


def council_ballots(session: Session, candidate_ids: Iterable[int]) -> dict[int, Ballot]:
    """The last closed ballot each candidate stood in: the meeting whose minutes (with the
    secret ballot's result) join the candidate's dossier."""
    last: dict[int, int] = {}
    for chunk in chunks(candidate_ids):
        # Ids only: a ballot's row carries its minutes, which name every candidate on it, so
        # reading it once per candidate read the minutes thousands of times.
        rows = session.execute(
            select(BallotCandidate.candidate_id, Ballot.id)
            .join(Ballot, BallotCandidate.ballot_id == Ballot.id)
            .where(BallotCandidate.candidate_id.in_(chunk), Ballot.status == BallotStatus.CLOSED)
            .order_by(Ballot.closed_at, Ballot.id)
        )
        last.update({candidate_id: ballot_id for candidate_id, ballot_id in rows})
    ballots = {b.id: b for b in loaded(session, Ballot, set(last.values()))}
    return {candidate_id: ballots[ballot_id] for candidate_id, ballot_id in last.items()}


def join_generated(
    session: Session, proposals: Sequence[RewardProposal], *, at: dt.datetime, actor: str
) -> None:
    """Join the pieces tdkt-flow writes itself: the tờ trình with its danh sách (numbered as the
    proposal is), and the council's minutes where the nominee's ballot is closed."""
    for proposal in proposals:
        mark_generated(
            session, [proposal], GEN_TO_TRINH, number=proposal.number, at=at, actor=actor
        )
    ballots = council_ballots(session, [p.candidate_id for p in proposals])
    voted = [p for p in proposals if p.candidate_id in ballots]
    mark_generated(session, voted, GEN_MINUTES, number=None, at=at, actor=actor)


def forward_proposal(
    session: Session,
    proposal: RewardProposal,
    *,
    forwarded_on: dt.date,
    calendar: WorkingCalendar,
    at: dt.datetime,
    actor: str,
    limit_working_days: int | None = None,
) -> None:
    """Send the dossier upward: refused while a required piece is missing, each one named.

    The decision clock starts on `forwarded_on`: the authority's time limit (Luật Thi đua,
    khen thưởng 2022 and the authority's own procedure count it from a complete dossier) is
    counted again from that day. `limit_working_days` defaults to the limit the proposal was
    opened with (its provisional due date's distance from its opening day).
    """
    _require_preparing(proposal, "trình lại")
    lacking = missing(proposal.dossier)
    if lacking:
        raise RecognitionError(refusal(proposal.id, proposal.candidate.name, lacking))
    if forwarded_on < proposal.submitted_on:
        raise RecognitionError(
            f"ngày trình {vn_date(forwarded_on)} trước ngày lập tờ trình "
            f"{vn_date(proposal.submitted_on)}"
        )
    limit = (
        limit_working_days
        if limit_working_days is not None
        else calendar.working_days_between(proposal.submitted_on, proposal.decision_due_on)
    )
    proposal.submitted_on = forwarded_on
    proposal.decision_due_on = decision_due_on(forwarded_on, calendar, limit)
    proposal.status = ProposalStatus.SUBMITTED
    record(
        session,
        at=at,
        actor=actor,
        action="reward_proposal.submitted",
        entity="reward_proposal",
        entity_id=proposal.id,
        from_status=ProposalStatus.PREPARING.value,
        to_status=ProposalStatus.SUBMITTED.value,
        reason=(
            f"trình {proposal.authority.code} hồ sơ đủ {len(proposal.dossier)} thành phần; "
            f"hạn quyết định {vn_date(proposal.decision_due_on)}"
        ),
    )


def forward_complete(
    session: Session,
    proposals: Sequence[RewardProposal],
    *,
    forwarded_on: dt.date,
    calendar: WorkingCalendar,
    at: dt.datetime,
    actor: str,
) -> list[RewardProposal]:
    """Forward those of `proposals` still preparing whose dossier is complete; the others wait."""
    ready = [
        p for p in proposals if p.status == ProposalStatus.PREPARING and not missing(p.dossier)
    ]
    for proposal in ready:
        forward_proposal(
            session, proposal, forwarded_on=forwarded_on, calendar=calendar, at=at, actor=actor
        )
    return ready


def preparing_proposals(
    session: Session, campaign_id: int | None = None, *, before: dt.date | None = None
) -> list[RewardProposal]:
    """The proposals whose dossier is still being completed (opened before `before`, if
    given), oldest first, each with its candidate and the unit that registered it."""
    query = (
        select(RewardProposal)
        .where(RewardProposal.status == ProposalStatus.PREPARING)
        .options(selectinload(RewardProposal.candidate).selectinload(Candidate.registered_by))
    )
    if campaign_id is not None:
        query = query.join(RewardProposal.candidate).where(Candidate.campaign_id == campaign_id)
    if before is not None:
        query = query.where(RewardProposal.submitted_on < before)
    return list(session.scalars(query.order_by(RewardProposal.id)))


def piece_codes() -> list[str]:
    """The codes a coordinator may name for `tdkt reward attach` (besides a plan's own)."""
    return list(PIECES)


def require_submitted(session: Session, document_id: int) -> SubmittedDocument:
    """A file a unit sent through the web intake, or RecognitionError in Vietnamese."""
    found = session.get(SubmittedDocument, document_id)
    if found is None:
        raise RecognitionError(f"không tìm thấy tệp đã nộp số {document_id}")
    return found


def open_pieces(session: Session, unit_id: int, campaign_id: int) -> list[tuple[str, str]]:
    """The pieces a unit may send through its upload link: of the campaign's proposals still
    preparing for candidates it registered, each uploaded piece not yet present, as
    (value "proposal:code", label) for the intake page's choice."""
    choices = []
    for proposal in preparing_proposals(session, campaign_id):
        if proposal.candidate.registered_by_id != unit_id:
            continue
        for item in proposal.dossier:
            if not item.get("received") and generator_of(item) is None:
                label = (
                    f"{item['document']} — {proposal.candidate.name} (tờ trình số {proposal.id})"
                )
                choices.append((f"{proposal.id}:{item['code']}", label))
    return choices


def join_sent_document(
    session: Session,
    store: Path,
    document: SubmittedDocument,
    choice: str,
    *,
    at: dt.datetime,
    actor: str,
) -> dict[str, Any]:
    """Join a file just sent through a unit's upload link to the piece it chose on the page
    (`choice` from open_pieces); the choice is checked again against the sending unit."""
    obligation = document.obligation
    allowed = dict(open_pieces(session, obligation.unit_id, obligation.campaign_id))
    if choice not in allowed:
        raise RecognitionError("thành phần hồ sơ đã chọn không còn chờ đơn vị gửi")
    proposal_id, code = choice.split(":", 1)
    proposal = session.get_one(RewardProposal, int(proposal_id))
    return attach_submitted(session, store, proposal, code, document, at=at, actor=actor)
