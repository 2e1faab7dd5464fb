"""The council's minutes as documents an office files: the biên bản họp Hội đồng Thi đua -
Khen thưởng and the biên bản kiểm phiếu, in the form of Nghị định 30/2020 (issue 23).

Both are built from what the closed ballot's minutes already compute
(models.services.ballot_minutes.context, from the tally of models.services.ballots): this
module adds only what a filed document needs beside it (the roll split into present, written
and absent with each member's position, the agenda, the conclusion, the signers). Secrecy is
the ballot's: the count exists only once the ballot is closed (`ballot_result` refuses an open
one, so a sealed paper is never counted before the close), and the documents print counts and
the roll, never a paper beside a name (docs/voting.md).

The council numbers its own minutes (a council with its own seal-less numbering is its own
issuer, Nghị định 30/2020 Điều 15): its register is `council:<code>`, one sequence a year, and
each document's register key is the ballot's, so printing the minutes again gives the same
number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from models.orm.ballots import Ballot, BallotParticipation, Council
from models.services import ballot_minutes
from models.services.ballots import BallotError, ballot_result
from models.text import vn_date
from models.vocabulary import ContactRole
from models.voting import BallotStatus, TallyResult, percent

SECRETARY_WORDS = ("thư ký", "thư kí")
"""How a member's position in the directory says they are the council's secretary."""


def council_issuer(council: Council) -> str:
    """The council's own register of issued documents (its own issuer)."""
    return f"council:{council.code}"


def council_symbol(council: Council) -> str:
    """The council's ký hiệu: 'HĐTĐKT' for a Hội đồng Thi đua - Khen thưởng, else its code."""
    name = council.name.casefold()
    if "khen thưởng" in name or "tđkt" in name:
        return "HĐTĐKT"
    return council.code.upper()


def document_key(ballot: Ballot, what: str) -> str:
    """The register key of one document of a ballot: a second print gets the same number."""
    return f"{ballot.campaign.slug}/ballot-{ballot.id}/{what}"


def at_time(moment: dt.datetime) -> str:
    """'14 giờ 30, ngày 16/05/2024': a moment as minutes write it."""
    return f"{moment:%H} giờ {moment:%M}, ngày {vn_date(moment.date())}"


def _position(p: BallotParticipation, chair_id: int | None) -> str:
    """The member's position on the council: the directory's, else the council role."""
    if p.contact.position:
        return " ".join(p.contact.position.split())
    return "Chủ tịch Hội đồng" if p.contact_id == chair_id else "Ủy viên Hội đồng"


def _chair(council: Council) -> int | None:
    return next((c.id for c in council.members if c.role == ContactRole.COUNCIL_CHAIR), None)


def _member(p: BallotParticipation, chair_id: int | None) -> dict[str, str]:
    return {"name": " ".join(p.contact.name.split()), "position": _position(p, chair_id)}


def secretary_of(roll: Sequence[BallotParticipation]) -> str:
    """The member whose position names them the council's secretary, or '' (signed by hand)."""
    for p in roll:
        position = (p.contact.position or "").casefold()
        if any(word in position for word in SECRETARY_WORDS):
            return " ".join(p.contact.name.split())
    return ""


def shared_context(session: Session, ballot: Ballot) -> tuple[dict[str, Any], TallyResult]:
    """What both documents print: the ballot minutes' context (values, counts, the roll's
    names) with the roll split by how each member took part, and the tally. Refuses an open
    ballot: there is no count before the close."""
    if ballot.status == BallotStatus.OPEN:
        raise BallotError(f"phiếu #{ballot.id} chưa kết thúc: chưa có biên bản")
    result = ballot_result(session, ballot)
    base = ballot_minutes.context(session, ballot, result)
    roll = ballot_minutes.roll_of(session, ballot)
    chair_id = _chair(ballot.council)
    voted = [p for p in roll if p.voted_at is not None]
    base |= {
        "candidates": [asdict(line) for line in base["candidates"]],
        "present_members": [_member(p, chair_id) for p in voted if not p.written],
        "written_members": [
            _member(p, chair_id) | {"document": p.document or ""} for p in voted if p.written
        ],
        "absent_members": [_member(p, chair_id) for p in roll if p.voted_at is None],
        "secretary": secretary_of(roll),
        "closed_at": at_time(ballot.closed_at or ballot.closes_at),
        "opened_at": at_time(ballot.opens_at),
        "closes_at": at_time(ballot.closes_at),
    }
    return base, result


def meeting_context(session: Session, ballot: Ballot, *, place: str = "") -> dict[str, Any]:
    """The biên bản họp Hội đồng's body: time, place, chair, secretary, members present and
    absent (from the ballot's roll), the agenda, the candidates, the result, the conclusion.

    `place` is where the council met; by default the seat of the council's unit.
    """
    base, result = shared_context(session, ballot)
    unit = " ".join(ballot.council.unit.name.split())
    selected = [c for c in base["candidates"] if c["result"] == "Đạt"]
    base |= {
        "place": " ".join(place.split()) or f"Trụ sở {unit}",
        "agenda": agenda(base["award"], base["title"]),
        "selected_candidates": selected,
        "conclusion": conclusion(base["award"], len(base["candidates"]), selected, result),
    }
    return base


def agenda(award: str, title: str) -> list[str]:
    """What the council met for, item by item."""
    return [
        f"Xem xét danh sách ứng viên đề nghị {award.lower()}: {title}.",
        "Thành viên Hội đồng biểu quyết bằng phiếu kín đối với từng ứng viên; thành viên vắng "
        "mặt cho ý kiến bằng văn bản.",
        "Kiểm phiếu, công bố kết quả và kết luận của Hội đồng.",
    ]


def conclusion(
    award: str, considered: int, selected: Sequence[dict[str, Any]], result: TallyResult
) -> str:
    """The council's conclusion: what it proposes, or why it decided nothing."""
    if result.postponed:
        return (
            f"Phiên họp không đủ số thành viên có mặt theo quy định ({result.present}/"
            f"{result.members}, cần tối thiểu {result.quorum_required}); Hội đồng hoãn phiên "
            "họp, chưa xét các ứng viên trên."
        )
    if not selected:
        return f"Không ứng viên nào trong {considered} ứng viên đạt tỷ lệ biểu quyết theo quy định."
    names = "; ".join(f"{c['name']} ({c['unit']})" for c in selected)
    return (
        f"Hội đồng thống nhất đề nghị xét tặng {award} cho {len(selected)}/{considered} ứng "
        f"viên đạt tỷ lệ biểu quyết theo quy định: {names}."
    )


def count_context(
    session: Session, ballot: Ballot, *, tellers: Sequence[str] = ()
) -> dict[str, Any]:
    """The biên bản kiểm phiếu's body: papers issued (one per member on the roll), returned,
    valid and invalid, and per candidate the votes for and against, each as a share of all
    members, and who reached the threshold.

    A paper is cast through the member's form or entered from a written opinion: it cannot be
    spoilt (a candidate left unmarked is an abstain), so every paper returned is valid. A
    postponed session has no count: its papers were erased unread.
    """
    base, result = shared_context(session, ballot)
    if result.postponed:
        raise BallotError(
            f"phiếu #{ballot.id}: phiên họp bị hoãn vì không đủ số thành viên có mặt, các phiếu "
            "đã được hủy mà không kiểm: không có biên bản kiểm phiếu"
        )
    rows = []  # the minutes' lines are the tally's rows, in the same order
    for line, row in zip(base["candidates"], result.candidates, strict=True):
        against = row.reject / row.counted_members if row.counted_members else 0.0
        rows.append(line | {"reject_ratio": percent(against)})
    names = [" ".join(n.split()) for n in tellers if n.strip()]
    base |= {
        "issued": result.members,
        "returned": result.participated,
        "valid": result.participated,
        "invalid": 0,
        "not_returned": result.members - result.participated,
        "candidates": rows,
        "passed": [c for c in rows if c["result"] == "Đạt"],
        "tellers": names or [base["secretary"] or ""],
    }
    return base
