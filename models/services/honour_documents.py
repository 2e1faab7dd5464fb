"""Honour's documents in administrative form (issue 23): the invitation to the honouring
ceremony (giấy mời) and the extract of a unit's honour roll (trích lục sổ ghi danh).

The giấy mời is the ceremony's organiser's (the campaign's issuer, or whoever does its work
now): one per exemplar on the honour list, addressed to the exemplar by name and unit, with
the occasion (models.recognition.ceremony_title, kept on the ceremony), its time and place and
what to bring. It is numbered in the organiser's register under a key derived from the
invitation email's idempotency key (`invitation_key`), so resending the email or printing the
invitation again never burns a number.

The trích lục copies the lines of a unit's sổ ghi danh (models.services.honour_roll) for a
year, or one person's or collective's lines, and is certified by the unit holding the book.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from models.administrative import (
    DocumentKind,
    GeneratedDocument,
    TableSpec,
    header_context,
    paragraph,
    reference,
    table_paragraph,
)
from models.issuers import issuing_body, signer_of
from models.orm import Candidate, Unit
from models.orm.recognition import Ceremony
from models.recognition import REGISTRY, RecognitionError
from models.services.document_register import register_document
from models.services.honour_roll import registry_rows
from models.services.recognition_common import exemplar_view, one_line
from models.text import vn_date, vn_weekday
from models.vocabulary import SubjectKind
from notifications.documents import render_docx

DEFAULT_START = dt.time(8, 0)
DEFAULT_BRING = "Giấy mời này và giấy tờ tùy thân; đại biểu mặc trang phục lịch sự"


@dataclass(frozen=True)
class Arrangements:
    """What a giấy mời says of the ceremony beside its date, which the ceremony does not
    store: the time it begins, where (by default the organiser's hall), what to bring."""

    starts: dt.time = DEFAULT_START
    place: str = ""
    bring: str = DEFAULT_BRING


def invitation_key(ceremony: Ceremony, candidate: Candidate) -> str:
    """The ceremony invitation email's idempotency key: one per ceremony and exemplar."""
    return f"{ceremony.campaign.slug}/ceremony-{ceremony.id}/invitation/{candidate.id}"


def invitation_document_key(ceremony: Ceremony, candidate: Candidate) -> str:
    """The giấy mời's register key, derived from its email's key."""
    return f"{invitation_key(ceremony, candidate)}/giay-moi"


def organiser(ceremony: Ceremony) -> Unit:
    """Who invites: the campaign's issuer, or the body that took over its work."""
    return ceremony.campaign.issuer.acting()


def addressee(candidate: Candidate) -> str:
    """'Đồng chí Nguyễn Văn An, Sở Y tế', or a collective or household by its name and unit
    (the unit once: a name that already says it is not followed by it)."""
    view = exemplar_view(candidate)
    unit = "" if view.unit in view.name else f", {view.unit}"
    if candidate.subject == SubjectKind.INDIVIDUAL:
        return f"Đồng chí {view.name}{unit}"
    said = view.name.casefold().startswith(view.subject_lower)  # "Tập thể …" already
    return f"{view.name}{unit}" if said else f"{view.subject} {view.name}{unit}"


def _lower_first(value: str) -> str:
    return value[:1].lower() + value[1:]


def invitation_context(
    ceremony: Ceremony,
    candidate: Candidate,
    arrangements: Arrangements = Arrangements(),
) -> dict[str, Any]:
    """The giấy mời's body for one exemplar on the ceremony's list."""
    if candidate.id not in {e.candidate_id for e in ceremony.entries}:
        raise RecognitionError(f"'{candidate.name}' không có trong danh sách {ceremony.title}")
    view = exemplar_view(candidate)
    starts = arrangements.starts
    inviting = one_line(organiser(ceremony).name)
    title = one_line(ceremony.title)
    field = f" trong lĩnh vực {view.field}" if view.field else ""
    return {
        "organiser": inviting,
        "occasion": title,
        "occasion_lower": _lower_first(title),
        "addressee": addressee(candidate),
        "exemplar": view.name,
        "exemplar_unit": view.unit,
        "invitation": (
            f"{inviting} trân trọng kính mời {addressee(candidate)}, điển hình tiên tiến"
            f"{field}, tới dự {_lower_first(title)}."
        ),
        "time": f"{starts:%H} giờ {starts:%M}, {vn_weekday(ceremony.held_on)} ngày "
        f"{vn_date(ceremony.held_on)}",
        "place": one_line(arrangements.place) or f"Hội trường {inviting}",
        "bring": one_line(arrangements.bring) or DEFAULT_BRING,
        "standing_body": one_line(ceremony.campaign.standing_body.name),
    }


def extract_context(
    session: Session,
    unit: Unit,
    *,
    year: int | None = None,
    candidate: Candidate | None = None,
    book: str = REGISTRY,
) -> dict[str, Any]:
    """The trích lục's body: the book's lines for a year, or one exemplar's lines (every
    line about the same person or collective, by its subject reference), as the book prints
    them. Refuses an extract of nothing: a certified copy of an empty page certifies nothing.
    """
    if year is None and candidate is None:
        raise RecognitionError("cần chọn năm hoặc một điển hình để trích lục sổ ghi danh")
    ref = candidate.subject_ref if candidate is not None else None
    rows = registry_rows(session, unit, year=year, book=book, subject_ref=ref)
    holder = one_line(unit.name)
    whose = f" của {one_line(candidate.name)}" if candidate is not None else ""
    when = f" năm {year}" if year is not None else ""
    if not rows:
        raise RecognitionError(f"sổ ghi danh của {holder} không có dòng nào{whose}{when}")
    return {
        "holder": holder,
        "scope": f"các dòng{whose}{when}",
        "rows": [asdict(r) for r in rows],
        "count": len(rows),
        "certify": (
            f"{holder} xác nhận các dòng trên được trích đúng nguyên văn từ sổ ghi danh "
            f"của đơn vị{when}."
        ),
    }


EXTRACT_HEADERS = (
    "Số thứ tự",
    "Năm",
    "Ngày ghi danh",
    "Tập thể, cá nhân",
    "Đơn vị",
    "Hình thức khen thưởng",
    "Quyết định",
)

EXTRACT_WIDTHS = (13.0, 12.0, 21.0, 35.0, 25.0, 39.0, 20.0)
"""Column widths in millimetres: the 165 mm between the margins."""


def invitation_paragraphs(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The giấy mời's body: the invitation, then time, place and what to bring."""
    return [
        paragraph(body["invitation"]),
        paragraph(body["time"], lead="Thời gian:"),
        paragraph(body["place"], lead="Địa điểm:"),
        paragraph(body["bring"], lead="Đề nghị mang theo:"),
        paragraph(
            f"Chi tiết xin liên hệ {body['standing_body']}. Rất mong đồng chí tham dự đúng "
            "thành phần, đúng giờ./."
        ),
    ]


def extract_rows(body: dict[str, Any]) -> tuple[tuple[str, ...], ...]:
    """The trích lục's table: the book's lines as the book prints them."""
    return tuple(
        (
            str(r["entry_no"]),
            str(r["year"]),
            r["entered_on"],
            f"{r['name']} ({r['subject']})",
            r["unit"],
            r["form"],
            f"Số {r['decision_number']} ngày {r['decided_on']}"
            if r["decision_number"]
            else f"Ngày {r['decided_on']}",
        )
        for r in body["rows"]
    )


def extract_paragraphs(body: dict[str, Any], table: TableSpec) -> list[dict[str, Any]]:
    """The trích lục's body: what it copies, the lines, the certification by the unit
    holding the book."""
    return [
        paragraph(
            f"Trích lục sổ ghi danh của {body['holder']}: {body['scope']} "
            f"({body['count']} dòng), như sau:"
        ),
        table_paragraph(table),
        paragraph(body["certify"], style="italic"),
    ]


# --------------------------------------------------------------------------- documents


def ceremony_invitation(
    session: Session,
    ceremony: Ceremony,
    candidate: Candidate,
    *,
    at: dt.datetime,
    actor: str,
    arrangements: Arrangements = Arrangements(),
) -> GeneratedDocument:
    """The giấy mời of one exemplar, numbered in the organiser's register under the key of its
    email, signed by the organiser's head."""
    body = invitation_context(ceremony, candidate, arrangements)
    unit = organiser(ceremony)
    issuer = issuing_body(unit)
    subject = f"Mời dự {body['occasion_lower']}"
    issued_on = min(at.date(), ceremony.held_on)
    entry = register_document(
        session,
        issuer=issuer.symbol,
        kind=DocumentKind.GIAY_MOI,
        issued_on=issued_on,
        subject=subject,
        key=invitation_document_key(ceremony, candidate),
        entity="ceremony",
        entity_id=ceremony.id,
        at=at,
        actor=actor,
        symbol=reference(DocumentKind.GIAY_MOI, issuer),
    )
    context = header_context(
        issuer,
        DocumentKind.GIAY_MOI,
        entry.number,
        entry.issued_on,
        subject,
        signer_of(unit),
        ["Như trên", body["standing_body"]],
        addressees=[body["addressee"]],
    )
    context["paragraphs"] = invitation_paragraphs(body)
    docx = render_docx("giay_moi", context)
    name = f"giay-moi-le-{ceremony.id}-dien-hinh-{candidate.id}-so-{entry.number:02d}.docx"
    return GeneratedDocument(name, docx, context["number_line"], DocumentKind.GIAY_MOI)


def ceremony_invitations(
    session: Session,
    ceremony: Ceremony,
    *,
    at: dt.datetime,
    actor: str,
    only: Candidate | int | None = None,
    arrangements: Arrangements = Arrangements(),
) -> list[GeneratedDocument]:
    """The giấy mời of every exemplar on the ceremony's list (or of `only` one), in list order."""
    wanted = only.id if isinstance(only, Candidate) else only
    chosen = [e.candidate for e in ceremony.entries if wanted in (None, e.candidate_id)]
    if not chosen:
        raise RecognitionError(f"không có điển hình số {wanted} trong danh sách {ceremony.title}")
    return [
        ceremony_invitation(session, ceremony, c, at=at, actor=actor, arrangements=arrangements)
        for c in chosen
    ]


def registry_extract(
    session: Session,
    unit: Unit,
    *,
    at: dt.datetime,
    actor: str,
    year: int | None = None,
    candidate: Candidate | None = None,
    book: str = REGISTRY,
) -> GeneratedDocument:
    """The trích lục sổ ghi danh of a unit (a year, or one exemplar's lines), numbered in the
    unit's register and certified by its head. The same extract asked again the same day
    keeps its number; another day it is a new copy with a new number."""
    body = extract_context(session, unit, year=year, candidate=candidate, book=book)
    issuer = issuing_body(unit)
    subject = f"Sổ ghi danh của {body['holder']}: {body['scope']}"
    whose = f"candidate-{candidate.id}" if candidate is not None else f"year-{year}"
    entry = register_document(
        session,
        issuer=issuer.symbol,
        kind=DocumentKind.TRICH_LUC,
        issued_on=at.date(),
        subject=subject,
        key=f"registry/{unit.code}/{book}/{whose}/{at.date().isoformat()}",
        entity="unit",
        entity_id=unit.id,
        at=at,
        actor=actor,
        symbol=reference(DocumentKind.TRICH_LUC, issuer),
    )
    table = TableSpec(EXTRACT_HEADERS, extract_rows(body), EXTRACT_WIDTHS, font_pt=11)
    context = header_context(
        issuer,
        DocumentKind.TRICH_LUC,
        entry.number,
        entry.issued_on,
        subject,
        signer_of(unit),
        ["Người đề nghị trích lục"],
    )
    context["paragraphs"] = extract_paragraphs(body, table)
    docx = render_docx("trich_luc_so_ghi_danh", context)
    name = f"trich-luc-so-ghi-danh-{unit.code}-so-{entry.number:02d}.docx"
    return GeneratedDocument(name, docx, context["number_line"], DocumentKind.TRICH_LUC)
