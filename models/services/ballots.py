"""Councils and their secret ballots: open, vote, remind, close, count, write the minutes.

The process, as the issue describes it: a council (members from the directory) opens a ballot
on eligible candidates with a deadline; members who have not voted are reminded; the ballot is
secret; a member may declare a conflict of interest and abstain on that candidate; at the close
the tally is computed against all members of the council and the minutes (biên bản bình xét)
are written. See docs/voting.md and models/orm/ballots.py for how secrecy is kept: a cast
paper is sealed (models/sealing.py) on the member's roll row, and only the close opens the
papers and writes their choices, anonymously and shuffled.

Nothing here reveals an interim count: results exist only once a ballot is closed, because a
count read after each vote would tell, with the times in the roll, who voted what.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from models import people
from models.lifecycle import BALLOT_STAGES, CandidateStage, IllegalStageTransition
from models.orm import Campaign, Candidate, Contact, Unit
from models.orm.ballots import (
    Ballot,
    BallotCandidate,
    BallotParticipation,
    BallotVote,
    Council,
)
from models.sealing import PaperSeal, SealBroken, new_salt
from models.services import ballot_minutes
from models.services.audit import record
from models.services.ballot_papers import discard_papers, open_papers, seal_paper
from models.services.ballot_papers import paper_seal_from_env as paper_seal_from_env  # re-export
from models.services.candidates import Move, move_all, move_each
from models.text import vn_date
from models.vocabulary import ContactRole
from models.voting import (
    DEFAULT_CONFLICT_COUNTING,
    BallotStatus,
    ConflictCounting,
    Counts,
    TallyResult,
    VoteChoice,
    VotingRule,
    rule_for,
    tally,
)
from models.voting_basis import basis_on

REMIND_WITHIN_DAYS = 3
MAX_DOCUMENT = 200
COUNCIL_ROLES = (ContactRole.COUNCIL_CHAIR, ContactRole.COUNCIL_MEMBER)


class BallotError(ValueError):
    """A request the council's process does not allow; the message says why, in Vietnamese."""


class NotAMember(BallotError):
    """Someone not on the ballot's roll tried to vote."""


class AlreadyVoted(BallotError):
    """A member tried to vote a second time: the first vote stands and cannot be changed."""


class BallotClosed(BallotError):
    """A vote outside the ballot's opening hours, or on a ballot already counted."""


# --------------------------------------------------------------------------- councils


def create_council(
    session: Session,
    code: str,
    name: str,
    unit: Unit,
    member_contacts: Iterable[Contact],
    quorum: float = VotingRule.quorum,
    approval: float = VotingRule.approval,
    *,
    at: dt.datetime,
    actor: str,
    conflict_counting: ConflictCounting = DEFAULT_CONFLICT_COUNTING,
) -> Council:
    """Set up a council of unit with these members and its rule (validated by VotingRule).

    conflict_counting is the council's quy chế on declared conflicts (models.voting): the
    decrees do not settle it, so the council states it and the minutes print it.
    """
    rule = VotingRule(quorum=quorum, approval=approval)
    members = people.distinct_people(member_contacts)  # a chair listed as member votes once
    if not code.strip() or not name.strip():
        raise BallotError("cần ghi mã và tên Hội đồng")
    if session.scalar(select(Council.id).where(Council.code == code)) is not None:
        raise BallotError(f"đã có Hội đồng mang mã '{code}'")
    if not members:
        raise BallotError(f"Hội đồng '{code}' cần ít nhất một thành viên")
    council = Council(
        code=code.strip(),
        name=name.strip(),
        unit=unit,
        quorum=rule.quorum,
        approval=rule.approval,
        conflict_counting=ConflictCounting(conflict_counting),
        members=members,
    )
    session.add(council)
    session.flush()
    record(
        session,
        at=at,
        actor=actor,
        action="council.created",
        entity="council",
        entity_id=council.id,
        reason=f"{council.code}: {len(members)} thành viên; {rule.quorum_text}; "
        f"biểu quyết {rule.approval_text}; xung đột lợi ích: {council.conflict_counting.label}",
    )
    return council


def council_from_directory(
    session: Session,
    unit: Unit,
    *,
    code: str,
    name: str,
    quorum: float = VotingRule.quorum,
    approval: float = VotingRule.approval,
    at: dt.datetime,
    actor: str,
    conflict_counting: ConflictCounting = DEFAULT_CONFLICT_COUNTING,
) -> Council:
    """A council of the unit's contacts listed as council chair or council member."""
    contacts = [c for c in unit.contacts if c.role in COUNCIL_ROLES]
    if not contacts:
        raise BallotError(
            f"đơn vị {unit.code} chưa có liên hệ nào với vai trò "
            f"'{ContactRole.COUNCIL_CHAIR.label}' hoặc '{ContactRole.COUNCIL_MEMBER.label}' "
            "trong danh bạ"
        )
    return create_council(
        session,
        code,
        name,
        unit,
        contacts,
        quorum,
        approval,
        at=at,
        actor=actor,
        conflict_counting=conflict_counting,
    )


def council_rule(council: Council) -> VotingRule:
    return VotingRule(quorum=council.quorum, approval=council.approval)


# --------------------------------------------------------------------------- opening


def open_ballot(
    session: Session,
    council: Council,
    campaign: Campaign,
    candidates: Sequence[Candidate],
    *,
    title: str,
    award: str,
    closes_at: dt.datetime,
    at: dt.datetime,
    actor: str,
    quorum: float | None = None,
    approval: float | None = None,
) -> Ballot:
    """Open a ballot on eligible candidates of campaign; they become nominated.

    A candidate already nominated whose session was postponed (no quorum) may be put on a new
    ballot, as long as no open ballot holds it. The rule is the council's, raised to the
    award's floor in the decree in force on the opening day (models.voting.rule_for,
    models.voting_basis), unless quorum or approval are given for this ballot; the ballot
    records which decree it used.
    """
    _check_opening(council, campaign, candidates, title=title, closes_at=closes_at, at=at)
    _check_not_on_open_ballot(session, candidates)
    basis = basis_on(at.date())
    default = rule_for(award, council_rule(council), basis.approval)
    rule = VotingRule(
        quorum=default.quorum if quorum is None else quorum,
        approval=default.approval if approval is None else approval,
    )
    ballot = Ballot(
        council=council,
        campaign=campaign,
        title=title.strip(),
        award=award,
        opens_at=at,
        closes_at=closes_at,
        status=BallotStatus.OPEN,
        quorum=rule.quorum,
        approval=rule.approval,
        candidates=list(candidates),
        seal_salt=new_salt(),
        conflict_counting=council.conflict_counting,
        basis=basis.key,
    )
    session.add(ballot)
    session.flush()
    session.add_all(BallotParticipation(ballot_id=ballot.id, contact=m) for m in council.members)
    session.flush()
    move_all(  # one UPDATE for a national ballot's thousands
        session,
        candidates,
        CandidateStage.NOMINATED,
        at=at,
        actor=actor,
        reason=f"đưa ra bình xét: {ballot.title} (phiếu #{ballot.id})",
    )
    record(
        session,
        at=at,
        actor=actor,
        action="ballot.opened",
        entity="ballot",
        entity_id=ballot.id,
        to_status=BallotStatus.OPEN.value,
        reason=f"{council.code}: {len(candidates)} ứng viên, {len(council.members)} thành viên, "
        f"hạn {closes_at:%H:%M} ngày {vn_date(closes_at.date())}",
    )
    return ballot


def _check_opening(
    council: Council,
    campaign: Campaign,
    candidates: Sequence[Candidate],
    *,
    title: str,
    closes_at: dt.datetime,
    at: dt.datetime,
) -> None:
    """Refuse a ballot that could not be counted; every candidate problem is named at once."""
    if not title.strip():
        raise BallotError("cần ghi tên đợt bình xét")
    if closes_at <= at:
        raise BallotError(f"hạn bỏ phiếu ({vn_date(closes_at.date())}) phải sau thời điểm mở phiếu")
    if not council.members:
        raise BallotError(f"Hội đồng '{council.code}' chưa có thành viên")
    if not candidates:
        raise BallotError("cần ít nhất một ứng viên đủ tiêu chuẩn để bình xét")
    if len({c.id for c in candidates}) != len(candidates):
        raise BallotError("một ứng viên được ghi hai lần trong danh sách bình xét")
    outside = [c for c in candidates if c.campaign_id != campaign.id]
    if outside:
        names = ", ".join(f"#{c.id} {c.name}" for c in outside)
        raise BallotError(f"ứng viên không thuộc kế hoạch {campaign.slug}: {names}")
    not_eligible = [c for c in candidates if c.stage not in BALLOT_STAGES]
    if not_eligible:
        names = "; ".join(f"#{c.id} {c.name} ('{c.stage.label}')" for c in not_eligible)
        raise IllegalStageTransition(
            f"chỉ đưa ra bình xét ứng viên ở giai đoạn '{CandidateStage.ELIGIBLE.label}' "
            f"(hoặc '{CandidateStage.NOMINATED.label}' sau một phiên họp bị hoãn): {names}"
        )


def _check_not_on_open_ballot(session: Session, candidates: Sequence[Candidate]) -> None:
    """A nominated candidate goes onto a new ballot only once its session was postponed."""
    nominated = [c.id for c in candidates if c.stage == CandidateStage.NOMINATED]
    if not nominated:
        return
    busy = session.execute(
        select(BallotCandidate.candidate_id, Ballot.id)
        .join(Ballot, Ballot.id == BallotCandidate.ballot_id)
        .where(BallotCandidate.candidate_id.in_(nominated), Ballot.status == BallotStatus.OPEN)
    ).all()
    if busy:
        names = "; ".join(f"#{cid} (phiếu #{bid})" for cid, bid in sorted(busy))
        raise IllegalStageTransition(f"ứng viên đang có trong một phiếu chưa kết thúc: {names}")


def awaiting_vote(session: Session, campaign: Campaign) -> list[Candidate]:
    """Candidates of campaign a new ballot may take: eligible ones, and nominated ones whose
    session was postponed (on no open ballot)."""
    on_open = (
        select(BallotCandidate.candidate_id)
        .join(Ballot, Ballot.id == BallotCandidate.ballot_id)
        .where(Ballot.status == BallotStatus.OPEN)
    )
    return list(
        session.scalars(
            select(Candidate)
            .where(
                Candidate.campaign_id == campaign.id,
                Candidate.stage.in_(BALLOT_STAGES),
                Candidate.id.not_in(on_open),
            )
            .order_by(Candidate.id)
        )
    )


# --------------------------------------------------------------------------- voting


def cast_vote(
    session: Session,
    ballot: Ballot,
    member_contact: Contact,
    choices: Mapping[int, str],
    conflicts: set[int],
    *,
    at: dt.datetime,
    seal: PaperSeal,
    written: bool = False,
) -> None:
    """Record that member voted, with their paper sealed on their roll row, in one statement.

    `written`: the member is absent from the meeting and this paper, sent through their own
    link, is their written opinion ("nếu thành viên Hội đồng vắng mặt thì lấy ý kiến bằng văn
    bản"): it counts toward approvals like any paper, but not toward the quorum of members
    present, and the minutes list it apart.

    A candidate the member leaves unmarked counts as an abstain, and so does one they
    declared a conflict on: every participant weighs on every candidate, and a share of all
    members counts an abstain like a reject anyway. The whole paper (one code per candidate,
    the same length for everyone) is encrypted before it reaches storage; no choice is
    written in the clear, audited or logged while the ballot is open (docs/voting.md).
    """
    paper = (choices, conflicts)
    declared = _take_paper(session, ballot, member_contact, paper, at, seal, {"written": written})
    how = "gửi ý kiến bằng văn bản (vắng mặt)" if written else "đã bỏ phiếu"
    record(
        session,
        at=at,
        actor=member_contact.email,
        action="ballot.written_opinion" if written else "ballot.voted",
        entity="ballot",
        entity_id=ballot.id,
        reason=f"{member_contact.name} {how}{declared}",
    )


def enter_written_opinion(
    session: Session,
    ballot: Ballot,
    member_contact: Contact,
    choices: Mapping[int, str],
    conflicts: set[int],
    *,
    document: str,
    at: dt.datetime,
    actor: str,
    seal: PaperSeal,
) -> None:
    """The council's secretary enters an absent member's written opinion, citing its document.

    The paper is sealed exactly like a vote (the same length, on the member's roll row, opened
    only at the close), and counted like one. The secretary who types it in has read it: the
    secrecy the seal keeps is against the stored data, not against the person entering it
    (docs/voting.md). The audit log names the member, the document and the secretary, never
    the choice.
    """
    reference = " ".join(document.split())
    if not reference:
        raise BallotError("cần ghi số, ký hiệu văn bản ghi ý kiến của thành viên vắng mặt")
    if len(reference) > MAX_DOCUMENT:
        raise BallotError(f"số văn bản dài quá {MAX_DOCUMENT} ký tự")
    entered = {"written": True, "document": reference, "entered_by": actor}
    paper = (choices, conflicts)
    declared = _take_paper(session, ballot, member_contact, paper, at, seal, entered)
    record(
        session,
        at=at,
        actor=actor,
        action="ballot.written_opinion",
        entity="ballot",
        entity_id=ballot.id,
        reason=f"nhập ý kiến bằng văn bản của {member_contact.name} "
        f"(văn bản số {reference}){declared}",
    )


def _take_paper(
    session: Session,
    ballot: Ballot,
    member: Contact,
    paper: tuple[Mapping[int, str], set[int]],
    at: dt.datetime,
    seal: PaperSeal,
    how: Mapping[str, object],
) -> str:
    """Check, seal and keep one paper (choices, conflicts) on the member's roll row; the
    declared conflicts as the audit entry words them."""
    choices, conflicts = paper
    _check_open(ballot, at)
    marked = _check_choices(ballot, choices, conflicts)
    sealed = seal_paper(ballot, member, marked, seal)
    _mark_participation(session, ballot, member, conflicts, at, sealed, how)
    return f"; tự khai xung đột lợi ích với ứng viên {_ids(conflicts)}" if conflicts else ""


def _check_open(ballot: Ballot, at: dt.datetime) -> None:
    if ballot.status != BallotStatus.OPEN:
        raise BallotClosed(f"phiếu #{ballot.id} đã kết thúc và kiểm phiếu")
    if at < ballot.opens_at:
        raise BallotClosed(f"phiếu #{ballot.id} chưa mở")
    if at > ballot.closes_at:
        raise BallotClosed(
            f"đã hết hạn bỏ phiếu ({ballot.closes_at:%H:%M} ngày "
            f"{vn_date(ballot.closes_at.date())})"
        )


def _check_choices(
    ballot: Ballot, choices: Mapping[int, str], conflicts: set[int]
) -> dict[int, VoteChoice]:
    """Every candidate of the ballot with the member's choice (abstain if none or conflict)."""
    on_ballot = {c.id for c in ballot.candidates}
    unknown = (set(choices) | conflicts) - on_ballot
    if unknown:
        raise BallotError(f"phiếu #{ballot.id} không có ứng viên {_ids(unknown)}")
    marked: dict[int, VoteChoice] = dict.fromkeys(sorted(on_ballot), VoteChoice.ABSTAIN)
    for cid, value in choices.items():
        try:
            marked[cid] = VoteChoice(value)
        except ValueError:
            allowed = ", ".join(c.value for c in VoteChoice)
            raise BallotError(f"lựa chọn '{value}' không hợp lệ; chỉ nhận: {allowed}") from None
    voting_despite_conflict = {c for c in conflicts if marked[c] != VoteChoice.ABSTAIN}
    if voting_despite_conflict:
        raise BallotError(
            "thành viên đã tự khai xung đột lợi ích thì không biểu quyết với ứng viên "
            f"{_ids(voting_despite_conflict)}"
        )
    return marked


def _mark_participation(
    session: Session,
    ballot: Ballot,
    member: Contact,
    conflicts: set[int],
    at: dt.datetime,
    sealed: bytes,
    how: Mapping[str, object],
) -> None:
    """Set voted_at and the sealed paper once: the conditional update refuses a second vote
    even under a race. `how` says whether it is a written opinion, and its document."""
    roll = session.get(BallotParticipation, (ballot.id, member.id))
    if roll is None:
        raise NotAMember(f"{member.name} ({member.email}) không có tên trong danh sách bỏ phiếu")
    result = session.execute(
        update(BallotParticipation)
        .where(
            BallotParticipation.ballot_id == ballot.id,
            BallotParticipation.contact_id == member.id,
            BallotParticipation.voted_at.is_(None),
        )
        .values(voted_at=at, conflict_candidate_ids=sorted(conflicts), sealed_paper=sealed, **how)
    )
    if cast("CursorResult[Any]", result).rowcount != 1:
        raise AlreadyVoted(f"{member.name} đã bỏ phiếu; mỗi thành viên chỉ bỏ phiếu một lần")


def _ids(ids: Iterable[int]) -> str:
    return ", ".join(f"#{i}" for i in sorted(ids))


# --------------------------------------------------------------------------- reminders


def members_not_voted(session: Session, ballot: Ballot) -> list[Contact]:
    """Members on the ballot's roll who have not voted yet, by name."""
    return list(
        session.scalars(
            select(Contact)
            .join(BallotParticipation, BallotParticipation.contact_id == Contact.id)
            .where(
                BallotParticipation.ballot_id == ballot.id,
                BallotParticipation.voted_at.is_(None),
            )
            .order_by(Contact.name, Contact.id)
        )
    )


def ballot_reminders(session: Session, *, as_of: dt.date) -> list[tuple[Contact, Ballot]]:
    """(member, ballot) for open ballots closing within REMIND_WITHIN_DAYS calendar days.

    Only members who have not voted are named; the outbox sends them one reminder each.
    """
    last = as_of + dt.timedelta(days=REMIND_WITHIN_DAYS)
    ballots = session.scalars(
        select(Ballot).where(Ballot.status == BallotStatus.OPEN).order_by(Ballot.closes_at)
    )
    due = [b for b in ballots if b.opens_at.date() <= as_of <= b.closes_at.date() <= last]
    return [(member, ballot) for ballot in due for member in members_not_voted(session, ballot)]


# --------------------------------------------------------------------------- closing


def close_ballot(
    session: Session,
    ballot: Ballot,
    *,
    at: dt.datetime,
    actor: str,
    seal: PaperSeal,
    shuffle: random.Random | None = None,
) -> TallyResult:
    """Count the ballot, move its candidates to selected or not selected, write the minutes.

    A ballot closes after its deadline, or earlier once every member has voted: closing it
    sooner would take away a member's vote. Without a quorum of members present (written
    opinions do not make a meeting) the session is postponed instead (`postpone`). The
    sealed papers are opened here, in the closing transaction, and nowhere else
    (ballot_papers.open_papers); `shuffle` (default: the system's CSPRNG) orders the
    anonymous rows and draws their keys: injected, a test is repeatable.
    """
    _check_closable(session, ballot, at)
    if not _quorum_present(session, ballot):
        return _postpone(session, ballot, at=at, actor=actor)
    try:
        open_papers(session, ballot, seal, shuffle or secrets.SystemRandom())
    except SealBroken as error:
        raise BallotError(f"{error}; chưa kiểm phiếu") from None
    ballot.status, ballot.closed_at = BallotStatus.CLOSED, at
    result = ballot_result(session, ballot)
    _settle_candidates(session, ballot, result, at=at, actor=actor)
    ballot.minutes = ballot_minutes.render(session, ballot, result)  # tallied once
    record(
        session,
        at=at,
        actor=actor,
        action="ballot.closed",
        entity="ballot",
        entity_id=ballot.id,
        from_status=BallotStatus.OPEN.value,
        to_status=BallotStatus.CLOSED.value,
        reason=f"{result.participated}/{result.members} thành viên tham gia "
        f"({result.written} ý kiến bằng văn bản); "
        f"{len(result.selected_ids)}/{len(result.candidates)} ứng viên đạt",
    )
    return result


def _quorum_present(session: Session, ballot: Ballot) -> bool:
    roll = ballot_minutes.roll_of(session, ballot)
    present = sum(1 for p in roll if p.voted_at is not None and not p.written)
    rule = ballot_rule(ballot)
    return present >= rule.required(rule.quorum, len(roll))


def _postpone(session: Session, ballot: Ballot, *, at: dt.datetime, actor: str) -> TallyResult:
    """No quorum: the session is postponed and nothing is decided.

    The papers are erased unread (no count is made or kept of a meeting that could not
    decide), the candidates stay nominated so that a new ballot can take them, and the
    minutes say why. Members vote again, or send their written opinion again, on the new
    ballot.
    """
    try:
        discard_papers(session, ballot)
    except SealBroken as error:
        raise BallotError(f"{error}; chưa hoãn phiên họp") from None
    ballot.status, ballot.closed_at = BallotStatus.POSTPONED, at
    result = ballot_result(session, ballot)
    ballot.minutes = render_minutes(session, ballot)
    record(
        session,
        at=at,
        actor=actor,
        action="ballot.postponed",
        entity="ballot",
        entity_id=ballot.id,
        from_status=BallotStatus.OPEN.value,
        to_status=BallotStatus.POSTPONED.value,
        reason=f"hoãn phiên họp: chỉ {result.present}/{result.members} thành viên có mặt, cần "
        f"tối thiểu {result.quorum_required}; {len(result.candidates)} ứng viên giữ giai đoạn "
        f"'{CandidateStage.NOMINATED.label}' để bình xét lại",
    )
    return result


def _settle_candidates(
    session: Session, ballot: Ballot, result: TallyResult, *, at: dt.datetime, actor: str
) -> None:
    """Selected or not selected, with the count as the reason.

    A candidate withdrawn while the vote was open keeps its stage: the count still stands in
    the minutes, and refusing to close would leave the ballot open for ever.
    """
    by_id = {c.id: c for c in ballot.candidates}
    move_each(  # one UPDATE for a national ballot's thousands
        session,
        [
            Move(
                by_id[row.candidate_id],
                CandidateStage.SELECTED if row.selected else CandidateStage.NOT_SELECTED,
                at,
                actor,
                row.reason,
            )
            for row in result.candidates
            if by_id[row.candidate_id].stage == CandidateStage.NOMINATED
        ],
    )


def _check_closable(session: Session, ballot: Ballot, at: dt.datetime) -> None:
    if ballot.status != BallotStatus.OPEN:
        raise BallotClosed(f"phiếu #{ballot.id} đã kết thúc và kiểm phiếu")
    waiting = members_not_voted(session, ballot)
    if at <= ballot.closes_at and waiting:
        raise BallotError(
            f"chưa hết hạn bỏ phiếu ({ballot.closes_at:%H:%M} ngày "
            f"{vn_date(ballot.closes_at.date())}) và còn {len(waiting)} thành viên chưa bỏ phiếu"
        )


def ballot_rule(ballot: Ballot) -> VotingRule:
    """The rule copied onto the ballot when it opened."""
    return VotingRule(quorum=ballot.quorum, approval=ballot.approval)


def ballot_result(session: Session, ballot: Ballot) -> TallyResult:
    """The tally of a closed or postponed ballot (an open one has no result yet: see the
    module's note; a postponed one has no counts, only who was present)."""
    if ballot.status == BallotStatus.OPEN:
        raise BallotError(f"phiếu #{ballot.id} chưa kết thúc: chưa có kết quả")
    roll = ballot_minutes.roll_of(session, ballot)
    voted = [p for p in roll if p.voted_at is not None]
    excluded: Counter[int] = Counter()
    if ballot.conflict_counting == ConflictCounting.EXCLUDED:
        excluded.update(cid for p in voted for cid in p.conflict_candidate_ids)
    return tally(
        len(roll),
        len(voted),
        _counts(session, ballot),
        ballot_rule(ballot),
        present=sum(1 for p in voted if not p.written),
        excluded=excluded,
    )


def _counts(session: Session, ballot: Ballot) -> dict[int, Counts]:
    found: dict[int, dict[VoteChoice, int]] = {c.id: {} for c in ballot.candidates}
    rows = session.execute(
        select(BallotVote.candidate_id, BallotVote.choice, func.count())
        .where(BallotVote.ballot_id == ballot.id)
        .group_by(BallotVote.candidate_id, BallotVote.choice)
    )
    for cid, choice, n in rows:
        found[cid][choice] = n
    return {
        cid: (
            c.get(VoteChoice.APPROVE, 0),
            c.get(VoteChoice.REJECT, 0),
            c.get(VoteChoice.ABSTAIN, 0),
        )
        for cid, c in found.items()
    }


# --------------------------------------------------------------------------- minutes


def render_minutes(session: Session, ballot: Ballot, *, html: bool = False) -> str:
    """The minutes (biên bản bình xét) of a closed or postponed ballot, as text or HTML."""
    return ballot_minutes.render(session, ballot, ballot_result(session, ballot), html=html)
