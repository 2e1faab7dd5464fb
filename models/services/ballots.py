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
import functools
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import jinja2
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from models import people
from models.lifecycle import CandidateStage, IllegalStageTransition
from models.orm import Campaign, Candidate, Contact, Unit
from models.orm.ballots import (
    Ballot,
    BallotParticipation,
    BallotVote,
    Council,
)
from models.sealing import PaperSeal, SealBroken, new_salt
from models.services.audit import record
from models.services.ballot_papers import open_papers, seal_paper
from models.services.ballot_papers import paper_seal_from_env as paper_seal_from_env  # re-export
from models.services.candidates import move
from models.text import vn_date
from models.vocabulary import ContactRole
from models.voting import (
    BallotStatus,
    Counts,
    TallyResult,
    VoteChoice,
    VotingRule,
    award_label,
    percent,
    rule_for,
    tally,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "deployments" / "templates"
REMIND_WITHIN_DAYS = 3
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
) -> Council:
    """Set up a council of unit with these members and its rule (validated by VotingRule)."""
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
        f"biểu quyết {rule.approval_text}",
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
) -> Council:
    """A council of the unit's contacts listed as council chair or council member."""
    contacts = [c for c in unit.contacts if c.role in COUNCIL_ROLES]
    if not contacts:
        raise BallotError(
            f"đơn vị {unit.code} chưa có liên hệ nào với vai trò "
            f"'{ContactRole.COUNCIL_CHAIR.label}' hoặc '{ContactRole.COUNCIL_MEMBER.label}' "
            "trong danh bạ"
        )
    return create_council(session, code, name, unit, contacts, quorum, approval, at=at, actor=actor)


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

    The rule is the council's, raised to the award's floor (models.voting.rule_for), unless
    quorum or approval are given for this ballot.
    """
    _check_opening(council, campaign, candidates, title=title, closes_at=closes_at, at=at)
    default = rule_for(award, council_rule(council))
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
    )
    session.add(ballot)
    session.flush()
    session.add_all(BallotParticipation(ballot_id=ballot.id, contact=m) for m in council.members)
    session.flush()
    for candidate in candidates:
        move(
            session,
            candidate,
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
    not_eligible = [c for c in candidates if c.stage != CandidateStage.ELIGIBLE]
    if not_eligible:
        names = "; ".join(f"#{c.id} {c.name} ('{c.stage.label}')" for c in not_eligible)
        raise IllegalStageTransition(
            f"chỉ đưa ra bình xét ứng viên ở giai đoạn '{CandidateStage.ELIGIBLE.label}': {names}"
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
) -> None:
    """Record that member voted, with their paper sealed on their roll row, in one statement.

    A candidate the member leaves unmarked counts as an abstain, and so does one they
    declared a conflict on: every participant weighs on every candidate, and a share of all
    members counts an abstain like a reject anyway. The whole paper (one code per candidate,
    the same length for everyone) is encrypted before it reaches storage; no choice is
    written in the clear, audited or logged while the ballot is open (docs/voting.md).
    """
    _check_open(ballot, at)
    marked = _check_choices(ballot, choices, conflicts)
    sealed = seal_paper(ballot, member_contact, marked, seal)
    _mark_participation(session, ballot, member_contact, conflicts, at, sealed)
    declared = f"; tự khai xung đột lợi ích với ứng viên {_ids(conflicts)}" if conflicts else ""
    record(
        session,
        at=at,
        actor=member_contact.email,
        action="ballot.voted",
        entity="ballot",
        entity_id=ballot.id,
        reason=f"{member_contact.name} đã bỏ phiếu{declared}",
    )


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
) -> None:
    """Set voted_at and the sealed paper once: the conditional update refuses a second vote
    even under a race."""
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
        .values(voted_at=at, conflict_candidate_ids=sorted(conflicts), sealed_paper=sealed)
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
    sooner would take away a member's vote. The sealed papers are opened here, in the closing
    transaction, and nowhere else (ballot_papers.open_papers); `shuffle` (default: the system's
    CSPRNG) orders the anonymous rows and draws their keys: injected, a test is repeatable.
    """
    _check_closable(session, ballot, at)
    try:
        open_papers(session, ballot, seal, shuffle or secrets.SystemRandom())
    except SealBroken as error:
        raise BallotError(f"{error}; chưa kiểm phiếu") from None
    ballot.status, ballot.closed_at = BallotStatus.CLOSED, at
    result = ballot_result(session, ballot)
    _settle_candidates(session, ballot, result, at=at, actor=actor)
    ballot.minutes = render_minutes(session, ballot)
    record(
        session,
        at=at,
        actor=actor,
        action="ballot.closed",
        entity="ballot",
        entity_id=ballot.id,
        from_status=BallotStatus.OPEN.value,
        to_status=BallotStatus.CLOSED.value,
        reason=f"{result.participated}/{result.members} thành viên tham gia; "
        f"{len(result.selected_ids)}/{len(result.candidates)} ứng viên đạt",
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
    for row in result.candidates:
        candidate = by_id[row.candidate_id]
        if candidate.stage != CandidateStage.NOMINATED:
            continue
        target = CandidateStage.SELECTED if row.selected else CandidateStage.NOT_SELECTED
        move(session, candidate, target, at=at, actor=actor, reason=row.reason)


def _check_closable(session: Session, ballot: Ballot, at: dt.datetime) -> None:
    if ballot.status != BallotStatus.OPEN:
        raise BallotClosed(f"phiếu #{ballot.id} đã kết thúc và kiểm phiếu")
    waiting = members_not_voted(session, ballot)
    if at <= ballot.closes_at and waiting:
        raise BallotError(
            f"chưa hết hạn bỏ phiếu ({ballot.closes_at:%H:%M} ngày "
            f"{vn_date(ballot.closes_at.date())}) và còn {len(waiting)} thành viên chưa bỏ phiếu"
        )


def ballot_result(session: Session, ballot: Ballot) -> TallyResult:
    """The tally of a closed ballot (an open one has no result yet: see the module's note)."""
    if ballot.status != BallotStatus.CLOSED:
        raise BallotError(f"phiếu #{ballot.id} chưa kết thúc: chưa có kết quả")
    roll = _roll(session, ballot)
    participated = sum(1 for p in roll if p.voted_at is not None)
    rule = VotingRule(quorum=ballot.quorum, approval=ballot.approval)
    return tally(len(roll), participated, _counts(session, ballot), rule)


def _roll(session: Session, ballot: Ballot) -> list[BallotParticipation]:
    return list(
        session.scalars(
            select(BallotParticipation).where(BallotParticipation.ballot_id == ballot.id)
        )
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


@dataclass(frozen=True)
class CandidateLine:
    """One candidate as the minutes print it: every field a display string or a count."""

    number: int
    name: str
    subject: str
    unit: str
    approve: int
    reject: int
    abstain: int
    conflicts: int
    ratio: str
    result: str


def render_minutes(session: Session, ballot: Ballot, *, html: bool = False) -> str:
    """The minutes (biên bản bình xét) of a closed ballot, as plain text or HTML."""
    name = "minutes.html.j2" if html else "minutes.txt.j2"
    return environment().get_template(name).render(minutes_context(session, ballot))


def minutes_context(session: Session, ballot: Ballot) -> dict[str, Any]:
    """Everything the minutes print, computed here so that the templates only lay it out."""
    result = ballot_result(session, ballot)
    roll = sorted(_roll(session, ballot), key=lambda p: (p.contact.name, p.contact_id))
    closed = ballot.closed_at or ballot.closes_at
    council = ballot.council
    chair = next((c for c in council.members if c.role == ContactRole.COUNCIL_CHAIR), None)
    return {
        "unit_name": council.unit.name,
        "council_name": council.name,
        "title": ballot.title,
        "award": award_label(ballot.award),
        "campaign": ballot.campaign.title,
        "date": vn_date(closed.date()),
        "opened": vn_date(ballot.opens_at.date()),
        "deadline": f"{ballot.closes_at:%H:%M} ngày {vn_date(ballot.closes_at.date())}",
        "members": result.members,
        "participated": result.participated,
        "absent": [p.contact.name for p in roll if p.voted_at is None],
        "quorum_met": result.quorum_met,
        "quorum_required": result.quorum_required,
        "quorum_rule": result.rule.quorum_text,
        "approval_rule": result.rule.approval_text,
        "approval_required": result.approval_required,
        "conflicts": _conflict_lines(roll, ballot),
        "candidates": _candidate_lines(ballot, result, roll),
        "selected": len(result.selected_ids),
        "chair": chair.name if chair else "",
    }


def _candidate_lines(
    ballot: Ballot, result: TallyResult, roll: list[BallotParticipation]
) -> list[CandidateLine]:
    by_id = {c.id: c for c in ballot.candidates}
    declared: dict[int, int] = defaultdict(int)
    for p in roll:
        for cid in p.conflict_candidate_ids:
            declared[cid] += 1
    lines = []
    for number, row in enumerate(result.candidates, start=1):
        c = by_id[row.candidate_id]
        verdict = "Đạt" if row.selected else "Không đạt"
        lines.append(
            CandidateLine(
                number=number,
                name=c.name,
                subject=c.subject.label,
                unit=c.registered_by.name,
                approve=row.approve,
                reject=row.reject,
                abstain=row.abstain,
                conflicts=declared[c.id],
                ratio=percent(row.ratio_of_all_members),
                result=verdict if result.quorum_met else "Không xét",
            )
        )
    return lines


def _conflict_lines(roll: list[BallotParticipation], ballot: Ballot) -> list[str]:
    """Declared conflicts, which are public: 'Nguyễn Văn A: Trường X, Hộ Y'."""
    by_id = {c.id: c.name for c in ballot.candidates}
    return [
        f"{p.contact.name}: {', '.join(by_id[cid] for cid in p.conflict_candidate_ids)}"
        for p in roll
        if p.conflict_candidate_ids
    ]


@functools.cache
def environment() -> jinja2.Environment:
    """The minutes' template environment: HTML autoescaped, a missing variable an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
