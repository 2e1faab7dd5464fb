"""The minutes of a council vote (biên bản bình xét): what they print, computed here.

Every value is a display string or a count, so the jinja2 templates
(deployments/templates/minutes.*.j2) only lay text out. Beside the count the minutes say who
was present and who sent a written opinion (with its document), the rule with the decree it
comes from (models/voting_basis.py), how a declared conflict counted (the council's setting),
and, for a ballot without a quorum of members present, that the session was postponed and
nothing was decided.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy.orm import Session

from models.orm.ballots import Ballot, BallotParticipation
from models.services.ballot_papers import roll_rows
from models.text import vn_date
from models.vocabulary import ContactRole
from models.voting import ConflictCounting, TallyResult, award_label, percent
from models.voting_basis import basis_named

TEMPLATES = Path(__file__).resolve().parents[2] / "deployments" / "templates"


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
    counted: int
    ratio: str
    result: str


def roll_of(session: Session, ballot: Ballot) -> list[BallotParticipation]:
    """The ballot's roll, one row per member, by name."""
    return sorted(roll_rows(session, ballot), key=lambda p: (p.contact.name, p.contact_id))


def render(session: Session, ballot: Ballot, result: TallyResult, *, html: bool = False) -> str:
    """The minutes as plain text (stored on the ballot at the close) or printable HTML."""
    name = "minutes.html.j2" if html else "minutes.txt.j2"
    return environment().get_template(name).render(context(session, ballot, result))


def context(session: Session, ballot: Ballot, result: TallyResult) -> dict[str, Any]:
    """Everything the minutes print."""
    roll = roll_of(session, ballot)
    closed = ballot.closed_at or ballot.closes_at
    council = ballot.council
    chair = next((c for c in council.members if c.role == ContactRole.COUNCIL_CHAIR), None)
    basis = basis_named(ballot.basis)
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
        "present": result.present,
        "written": [_written_line(p) for p in roll if p.voted_at is not None and p.written],
        "absent": [p.contact.name for p in roll if p.voted_at is None],
        "postponed": result.postponed,
        "quorum_met": result.quorum_met,
        "quorum_required": result.quorum_required,
        "quorum_rule": result.rule.quorum_text,
        "approval_rule": result.rule.approval_text,
        "approval_required": result.approval_required,
        "basis": basis.citation if basis else "",
        "conflict_rule": ConflictCounting(ballot.conflict_counting).label,
        "conflicts_excluded": ballot.conflict_counting == ConflictCounting.EXCLUDED,
        "conflicts": _conflict_lines(roll, ballot),
        "candidates": _candidate_lines(ballot, result, roll),
        "selected": len(result.selected_ids),
        "chair": chair.name if chair else "",
    }


def _written_line(p: BallotParticipation) -> str:
    """'Nguyễn Văn A (văn bản số 12/HĐ, do thư ký nhập)': who wrote, and the document."""
    parts = [f"văn bản số {p.document}"] if p.document else []
    parts.append(f"do {p.entered_by} nhập" if p.entered_by else "gửi qua liên kết cá nhân")
    return f"{p.contact.name} ({'; '.join(parts)})"


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
                counted=row.counted_members,
                ratio=percent(row.ratio_of_all_members),
                result=verdict if result.quorum_met else "Hoãn, chưa xét",
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
