"""What an agency or a council member does behind a personal link, through the domain services.

The web layer opens the link and spends the form token; these functions do the act in the same
transaction, with the same services the CLI and the flows use, so the audit log and the
reminder chain see one kind of change whichever door it came through.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import people
from models.documents import Accepted
from models.intake import IntakeAction, intake_action
from models.lengths import check_length, limit_of
from models.orm import (
    AccessLink,
    Ballot,
    BallotParticipation,
    Candidate,
    Contact,
    Milestone,
    Obligation,
    Publication,
    SubmittedDocument,
)
from models.pdf_signatures import Verdict
from models.policy import CHASED
from models.process import ballot_and_member, subject_id
from models.sealing import PaperSeal
from models.services import ballots, candidates, recognition
from models.services.obligations import submit
from models.services.submissions import documents_of, submit_document
from models.vocabulary import SubjectKind


class IntakeError(ValueError):
    """The act cannot be done now (already submitted, not the voter...); says why."""


@dataclass(frozen=True)
class IntakeView:
    """Everything the page behind a link shows."""

    link: AccessLink
    obligation: Obligation
    action: IntakeAction
    can_act: bool
    documents: list[SubmittedDocument]
    registered: list[Candidate]
    ballot: Ballot | None
    publication: Publication | None
    voted: bool
    voter: Contact | None  # the roll's position this link votes as; None: it only follows


def actor_of(link: AccessLink) -> str:
    return f"{link.contact.email} (liên kết #{link.id})"


def voter_of(link: AccessLink) -> Contact | None:
    """The position on the ballot's roll a link votes as: the vote obligation's own contact
    (the council membership), when the link is addressed to any position of that person
    (models.people); None for anyone else, who may only follow the vote."""
    owner = link.obligation.contact
    return owner if people.acts_for(link.contact, owner) else None


class Actionable(Protocol):
    """What says how an obligation is acted on: an Obligation, or a plain row with its names."""

    @property
    def milestone(self) -> Milestone: ...
    @property
    def candidate_id(self) -> int | None: ...


def action_of(obligation: Actionable) -> IntakeAction:
    return intake_action(
        obligation.milestone.code,
        obligation.milestone.kind,
        about_candidate=obligation.candidate_id is not None,
    )


def view(session: Session, link: AccessLink) -> IntakeView:
    obligation = link.obligation
    action = action_of(obligation)
    ballot = _ballot(session, obligation) if action == IntakeAction.VOTE else None
    voter = voter_of(link) if ballot is not None else None
    voted = False
    if ballot is not None and voter is not None:
        on_roll = session.get(BallotParticipation, (ballot.id, voter.id))
        voted = on_roll is not None and on_roll.voted_at is not None
    can_act = obligation.status in CHASED and not voted
    if action == IntakeAction.VOTE:
        can_act = can_act and voter is not None
    return IntakeView(
        link=link,
        obligation=obligation,
        action=action,
        can_act=can_act,
        documents=documents_of(session, obligation),
        registered=_registered(session, obligation) if action == IntakeAction.REGISTER else [],
        ballot=ballot,
        publication=_publication(session, obligation) if action == IntakeAction.PUBLISH else None,
        voted=voted,
        voter=voter,
    )


def _require(link: AccessLink, action: IntakeAction) -> Obligation:
    obligation = link.obligation
    if action_of(obligation) != action:
        raise IntakeError("việc này không làm được qua liên kết này")
    if obligation.status not in CHASED:
        if action == IntakeAction.VOTE:
            raise IntakeError("đồng chí đã bỏ phiếu; mỗi thành viên chỉ bỏ phiếu một lần")
        raise IntakeError(
            f"việc này đã ở trạng thái “{obligation.status.label}” "
            f"từ {obligation.status_changed_at:%H:%M %d/%m/%Y}; không cần nộp lại"
        )
    return obligation


def upload(
    session: Session,
    link: AccessLink,
    store: Path,
    *,
    accepted: Accepted,
    data: bytes,
    note: str | None,
    at: dt.datetime,
    verdict: Verdict | None,
) -> SubmittedDocument:
    """Store the document the link's unit sent; `accepted` is models.documents.check_upload's
    verdict on `data` and `verdict` its signatures' (submissions.check_signatures), both
    reached before the transaction (the checks are the slow part)."""
    obligation = _require(link, IntakeAction.UPLOAD)
    return submit_document(
        session,
        store,
        obligation,
        accepted=accepted,
        data=data,
        note=note,
        at=at,
        actor=actor_of(link),
        verdict=verdict,
    )


def register_candidate(
    session: Session,
    link: AccessLink,
    *,
    name: str,
    subject: str,
    field_code: str | None,
    year: int,
    description: str | None,
    at: dt.datetime,
) -> Candidate:
    obligation = _require(link, IntakeAction.REGISTER)
    try:
        kind = SubjectKind(subject)
    except ValueError:
        raise IntakeError("loại điển hình không hợp lệ") from None
    clean = " ".join(name.split())
    check_length(Candidate.name, clean, "Tên tập thể, cá nhân hoặc hộ gia đình")
    return candidates.register(
        session,
        obligation.campaign,
        unit=obligation.unit,
        subject=kind,
        name=clean,
        subject_ref=_subject_ref(obligation.unit.code, clean),
        year=year,
        at=at,
        actor=actor_of(link),
        field_code=field_code or None,
        description=(description or "").strip() or None,
    )


def _subject_ref(unit_code: str, name: str) -> str:
    """Who a candidate registered on the web is, for the yearly records: 'web:<unit>:<name>',
    a long name cut and told apart by its digest so that the reference fits its column."""
    ref = f"web:{unit_code}:{name}"
    limit = limit_of(Candidate.subject_ref)
    if len(ref) <= limit:
        return ref
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return f"{ref[: limit - len(digest) - 1]}~{digest}"


def finish_registration(
    session: Session, link: AccessLink, *, note: str | None, at: dt.datetime
) -> None:
    obligation = _require(link, IntakeAction.REGISTER)
    count = len(_registered(session, obligation))
    text = (note or "").strip()
    if count == 0 and not text:
        raise IntakeError("chưa đăng ký điển hình nào: xin đăng ký, hoặc ghi rõ lý do không có")
    summary = f"đăng ký {count} điển hình" + (f": {text}" if text else "")
    submit(session, obligation, at=at, actor=actor_of(link), note=summary)


def assess(
    session: Session,
    link: AccessLink,
    *,
    progress: str,
    difficulties: str | None,
    support: str | None,
    at: dt.datetime,
) -> None:
    obligation = _require(link, IntakeAction.ASSESS)
    candidate = obligation.candidate
    if candidate is None:
        raise IntakeError("việc này không gắn với điển hình nào")
    candidates.record_assessment(
        session,
        candidate,
        period=obligation.occurrence.split("/", 1)[0],
        progress=progress,
        difficulties=(difficulties or "").strip() or None,
        support=(support or "").strip() or None,
        at=at,
        actor=actor_of(link),
    )


def confirm_published(
    session: Session, link: AccessLink, *, url: str, published_on: dt.date, at: dt.datetime
) -> None:
    obligation = _require(link, IntakeAction.PUBLISH)
    publication = _publication(session, obligation)
    if publication is None:
        raise IntakeError("không tìm thấy bài cần đăng")
    if published_on > at.date():
        raise IntakeError("ngày đăng không thể sau hôm nay")
    recognition.confirm_publication(
        session, publication, url=url, published_on=published_on, at=at, actor=actor_of(link)
    )
    submit(session, obligation, at=at, actor=actor_of(link), note=publication.url)


def vote(
    session: Session,
    link: AccessLink,
    *,
    choices: Mapping[int, str],
    conflicts: set[int],
    at: dt.datetime,
    seal: PaperSeal,
    written: bool = False,
) -> None:
    """The member's secret vote, sealed with `seal`; the obligation to vote is then done.

    `written`: the member is absent from the meeting and sends this paper as their written
    opinion; it is counted like a vote, but not as presence (models.voting.tally)."""
    obligation = _require(link, IntakeAction.VOTE)
    ballot = _ballot(session, obligation)
    voter = voter_of(link)
    if ballot is None or voter is None:
        raise IntakeError("chỉ thành viên Hội đồng được mời mới bỏ phiếu qua liên kết này")
    ballots.cast_vote(session, ballot, voter, choices, conflicts, at=at, seal=seal, written=written)
    note = "đã gửi ý kiến bằng văn bản" if written else "đã bỏ phiếu"
    submit(session, obligation, at=at, actor=actor_of(link), note=note)


def _registered(session: Session, obligation: Obligation) -> list[Candidate]:
    return list(
        session.scalars(
            select(Candidate)
            .where(
                Candidate.campaign_id == obligation.campaign_id,
                Candidate.registered_by_id == obligation.unit_id,
            )
            .order_by(Candidate.id)
        )
    )


def _ballot(session: Session, obligation: Obligation) -> Ballot | None:
    """The ballot a council-vote obligation is about."""
    vote = ballot_and_member(obligation.occurrence)
    return session.get(Ballot, vote[0]) if vote else None


def _publication(session: Session, obligation: Obligation) -> Publication | None:
    publication_id = subject_id(obligation.occurrence, "p")
    return session.get(Publication, publication_id) if publication_id else None
