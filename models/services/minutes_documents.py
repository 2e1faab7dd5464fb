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

from models.administrative import (
    DocumentKind,
    GeneratedDocument,
    IssuingBody,
    Signer,
    TableSpec,
    header_context,
    paragraph,
    reference,
    table_paragraph,
)
from models.issuers import issuing_body, place_of
from models.orm.ballots import Ballot, BallotParticipation, Council
from models.services import ballot_minutes
from models.services.ballots import BallotError, ballot_result
from models.services.document_register import register_document
from models.text import vn_date
from models.vocabulary import ContactRole
from models.voting import BallotStatus, TallyResult, percent
from notifications.documents import render_docx

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
        f"Xem xét danh sách ứng viên đề nghị {award}: {title}.",
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


# --------------------------------------------------------------------------- laid out


Paragraph = dict[str, Any]
"""One paragraph of a document's body, as the shared template lays it out
(notifications.documents.layout.body): style and text, a bold lead, or a table."""


def _p(text: str, style: str = "body", lead: str = "") -> Paragraph:
    return paragraph(text, style=style, lead=lead)


def _members(members: Sequence[dict[str, str]]) -> list[Paragraph]:
    return [_p(f"- {m['name']}, {m['position']}", "plain") for m in members]


def meeting_paragraphs(body: dict[str, Any], table: TableSpec) -> list[Paragraph]:
    """The biên bản họp's body, part by part; `table` is the candidates' result table (a
    models.administrative.TableSpec built by the caller)."""
    present, written, absent = (
        body["present_members"],
        body["written_members"],
        body["absent_members"],
    )
    out = [
        _p(
            f"Từ {body['opened_at']} đến {body['closes_at']}; kiểm phiếu lúc {body['closed_at']}.",
            lead="Thời gian:",
        ),
        _p(body["place"], lead="Địa điểm:"),
        _p(body["chair"] or "(chưa ghi trong danh bạ)", lead="Chủ tọa:"),
        _p(body["secretary"] or "(ghi tên khi ký)", lead="Thư ký:"),
        _p("I. THÀNH PHẦN", "heading"),
        _p(
            f"Tổng số thành viên Hội đồng: {body['members']}; có mặt: {len(present)}; vắng mặt "
            f"có ý kiến bằng văn bản: {len(written)}; vắng mặt không có ý kiến: {len(absent)}."
        ),
        _p("Thành viên có mặt:", "plain"),
        *_members(present),
    ]
    if written:
        out.append(_p("Thành viên vắng mặt, có ý kiến bằng văn bản:", "plain"))
        out += [
            _p(
                f"- {m['name']}, {m['position']}"
                + (f" (văn bản số {m['document']})" if m["document"] else ""),
                "plain",
            )
            for m in written
        ]
    if absent:
        out.append(_p("Thành viên vắng mặt:", "plain"))
        out += _members(absent)
    out += [
        _p("II. NỘI DUNG", "heading"),
        *(_p(item, lead=f"{n}.") for n, item in enumerate(body["agenda"], start=1)),
        _p(f"Căn cứ: {body['basis']}." if body["basis"] else "Căn cứ: quy chế của Hội đồng."),
        _p(
            f"Nguyên tắc: phiên họp hợp lệ khi {body['quorum_rule']}; ứng viên được đề nghị khi "
            f"số phiếu đồng ý {body['approval_rule']}."
        ),
        _p("III. KẾT QUẢ BIỂU QUYẾT", "heading"),
        _p(
            "Không kiểm phiếu: phiên họp bị hoãn, các phiếu đã được hủy mà không mở "
            f"({body['present']}/{body['members']} thành viên có mặt, cần tối thiểu "
            f"{body['quorum_required']})."
        )
        if body["postponed"]
        else table_paragraph(table),
        _p("IV. KẾT LUẬN", "heading"),
        _p(body["conclusion"]),
        _p(
            f"Biên bản kết thúc lúc {body['closed_at']}, đã được thông qua trước Hội đồng.",
            "italic",
        ),
    ]
    return out


def count_paragraphs(body: dict[str, Any], table: TableSpec) -> list[Paragraph]:
    """The biên bản kiểm phiếu's body: the committee, the papers, the count, who passed."""
    passed = body["passed"]
    names = "; ".join(f"{c['name']} ({c['unit']})" for c in passed) or "không có ứng viên nào"
    tellers = ", ".join(n for n in body["tellers"] if n) or "(ghi tên khi ký)"
    return [
        _p(
            f"Kiểm phiếu lúc {body['closed_at']}, khi kết thúc thời hạn bỏ phiếu "
            f"({body['closes_at']}).",
            lead="Thời gian:",
        ),
        _p(tellers, lead="Ban kiểm phiếu:"),
        _p("I. SỐ PHIẾU", "heading"),
        _p(f"Số phiếu phát ra: {body['issued']} (bằng tổng số thành viên Hội đồng)."),
        _p(
            f"Số phiếu thu vào: {body['returned']} (trong đó {len(body['written'])} ý kiến bằng "
            f"văn bản của thành viên vắng mặt); không thu về: {body['not_returned']}."
        ),
        _p(f"Số phiếu hợp lệ: {body['valid']}; số phiếu không hợp lệ: {body['invalid']}."),
        _p("II. KẾT QUẢ KIỂM PHIẾU", "heading"),
        _p(
            f"Tỷ lệ tính trên tổng số {body['members']} thành viên Hội đồng; ứng viên đạt khi số "
            f"phiếu đồng ý {body['approval_rule']}.",
            "italic",
        ),
        table_paragraph(table),
        _p(f"Các ứng viên đạt tỷ lệ quy định ({len(passed)}/{len(body['candidates'])}): {names}."),
        _p("Phiếu kín: kết quả chỉ ghi số phiếu, không ghi phiếu của từng thành viên.", "italic"),
    ]


RESULT_HEADERS = (
    "STT",
    "Tập thể, cá nhân",
    "Đơn vị",
    "Đồng ý",
    "Không đồng ý",
    "Không biểu quyết",
    "Tỷ lệ đồng ý/tổng số thành viên",
    "Kết quả",
)
COUNT_HEADERS = (
    "STT",
    "Tập thể, cá nhân",
    "Đồng ý",
    "Tỷ lệ",
    "Không đồng ý",
    "Tỷ lệ",
    "Không biểu quyết",
    "Kết quả",
)

RESULT_WIDTHS = (12.0, 36.0, 26.0, 15.0, 17.0, 17.0, 22.0, 20.0)
COUNT_WIDTHS = (12.0, 48.0, 15.0, 16.0, 18.0, 16.0, 20.0, 20.0)
"""Column widths in millimetres: the 165 mm between the margins, the names widest."""


def result_rows(body: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The meeting's result table: one row per candidate, counts and the verdict."""
    return tuple(
        (
            str(c["number"]),
            c["name"],
            c["unit"],
            str(c["approve"]),
            str(c["reject"]),
            str(c["abstain"]),
            c["ratio"],
            c["result"],
        )
        for c in body["candidates"]
    )


def count_rows(body: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The count's table: votes for and against, each as a share of all members."""
    return tuple(
        (
            str(c["number"]),
            f"{c['name']} ({c['unit']})",
            str(c["approve"]),
            c["ratio"],
            str(c["reject"]),
            c["reject_ratio"],
            str(c["abstain"]),
            c["result"],
        )
        for c in body["candidates"]
    )


# --------------------------------------------------------------------------- documents


def council_body(council: Council) -> IssuingBody:
    """The council as the issuer of its minutes: under its unit, with its own ký hiệu."""
    unit = council.unit.acting()
    return IssuingBody(
        parent=issuing_body(unit).name.replace("ỦY BAN NHÂN DÂN", "UBND", 1),
        name=" ".join(council.name.split()).upper(),
        symbol=council_symbol(council),
        place=place_of(unit),
    )


def _register(
    session: Session, ballot: Ballot, what: str, subject: str, *, at: dt.datetime, actor: str
) -> int:
    """The document's number in the council's register, the same every time it is printed."""
    council = ballot.council
    issued_on = (ballot.closed_at or ballot.closes_at).date()
    entry = register_document(
        session,
        issuer=council_issuer(council),
        kind=DocumentKind.BIEN_BAN,
        issued_on=issued_on,
        subject=subject,
        key=document_key(ballot, what),
        entity="ballot",
        entity_id=ballot.id,
        at=at,
        actor=actor,
        symbol=reference(DocumentKind.BIEN_BAN, council_body(council)),
    )
    return entry.number


def _document(
    session: Session,
    ballot: Ballot,
    *,
    what: str,
    subject: str,
    paragraphs: list[Paragraph],
    signers: tuple[tuple[str, str], tuple[str, str]],
    at: dt.datetime,
    actor: str,
) -> GeneratedDocument:
    """One of the ballot's biên bản, numbered and rendered: `signers` are (position, name)
    at the left and at the right of the signatures."""
    number = _register(session, ballot, what, subject, at=at, actor=actor)
    body = council_body(ballot.council)
    (left_position, left_name), (right_position, right_name) = signers
    context = header_context(
        body,
        DocumentKind.BIEN_BAN,
        number,
        (ballot.closed_at or ballot.closes_at).date(),
        subject,
        Signer("", right_position, right_name),
        (),
    )
    context |= {
        "paragraphs": paragraphs,
        "left_signer_position": left_position.upper(),
        "left_signer_name": left_name,
    }
    docx = render_docx(MINUTES_TEMPLATES[what], context)
    filename = f"{what}-phieu-{ballot.id}-so-{number:02d}.docx"
    return GeneratedDocument(filename, docx, context["number_line"], DocumentKind.BIEN_BAN)


MINUTES_TEMPLATES = {
    "bien-ban-hop": "bien_ban_hop_hoi_dong",
    "bien-ban-kiem-phieu": "bien_ban_kiem_phieu",
}


def council_minutes(
    session: Session,
    ballot: Ballot,
    *,
    place: str = "",
    at: dt.datetime | None = None,
    actor: str = "tdkt-flow",
) -> GeneratedDocument:
    """The biên bản họp Hội đồng Thi đua - Khen thưởng of a closed (or postponed) ballot,
    numbered in the council's register, signed by the secretary and the chair."""
    body = meeting_context(session, ballot, place=place)
    table = TableSpec(RESULT_HEADERS, result_rows(body), RESULT_WIDTHS, font_pt=11)
    subject = f"Họp {body['council_name']} xét đề nghị {body['award']}: {body['title']}"
    return _document(
        session,
        ballot,
        what="bien-ban-hop",
        subject=subject,
        paragraphs=meeting_paragraphs(body, table),
        signers=(("Thư ký", body["secretary"]), ("Chủ tọa", body["chair"])),
        at=at or (ballot.closed_at or ballot.closes_at),
        actor=actor,
    )


def ballot_count(
    session: Session,
    ballot: Ballot,
    *,
    tellers: Sequence[str] = (),
    at: dt.datetime | None = None,
    actor: str = "tdkt-flow",
) -> GeneratedDocument:
    """The biên bản kiểm phiếu of a closed ballot, numbered in the council's register, signed
    by the tellers (the first as head of the committee) and the chair."""
    body = count_context(session, ballot, tellers=tellers)
    table = TableSpec(COUNT_HEADERS, count_rows(body), COUNT_WIDTHS, font_pt=11)
    subject = f"Kiểm phiếu bỏ phiếu kín: {body['title']}"
    head = body["tellers"][0]
    return _document(
        session,
        ballot,
        what="bien-ban-kiem-phieu",
        subject=subject,
        paragraphs=count_paragraphs(body, table),
        signers=(("Trưởng ban kiểm phiếu", head), ("Chủ tọa", body["chair"])),
        at=at or (ballot.closed_at or ballot.closes_at),
        actor=actor,
    )
