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
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from models.orm import Candidate, Unit
from models.orm.recognition import Ceremony
from models.recognition import REGISTRY, RecognitionError
from models.services.honour_roll import registry_rows
from models.services.recognition_common import exemplar_view, one_line
from models.text import vn_date, vn_weekday
from models.vocabulary import SubjectKind

DEFAULT_START = dt.time(8, 0)
DEFAULT_BRING = "Giấy mời này và giấy tờ tùy thân; đại biểu mặc trang phục lịch sự"


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
    *,
    starts: dt.time = DEFAULT_START,
    place: str = "",
    bring: str = DEFAULT_BRING,
) -> dict[str, Any]:
    """The giấy mời's body for one exemplar on the ceremony's list.

    `place` defaults to the organiser's seat; `starts` is the time of day it begins.
    """
    if candidate.id not in {e.candidate_id for e in ceremony.entries}:
        raise RecognitionError(f"'{candidate.name}' không có trong danh sách {ceremony.title}")
    view = exemplar_view(candidate)
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
        "place": one_line(place) or f"Hội trường {inviting}",
        "bring": one_line(bring),
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
        "scope": f"{whose.strip() or 'các dòng'}{when}".strip(),
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


def invitation_paragraphs(body: dict[str, Any]) -> list[dict[str, str]]:
    """The giấy mời's body: the invitation, then time, place and what to bring."""
    return [
        {"style": "body", "lead": "", "text": body["invitation"]},
        {"style": "body", "lead": "Thời gian:", "text": body["time"]},
        {"style": "body", "lead": "Địa điểm:", "text": body["place"]},
        {"style": "body", "lead": "Đề nghị mang theo:", "text": body["bring"]},
        {
            "style": "body",
            "lead": "",
            "text": f"Chi tiết xin liên hệ {body['standing_body']}. Rất mong đồng chí tham dự "
            "đúng thành phần, đúng giờ./.",
        },
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


def extract_paragraphs(body: dict[str, Any], table: Any) -> list[dict[str, Any]]:
    """The trích lục's body: what it copies, the lines (`table`, a TableSpec), the
    certification by the unit holding the book."""
    return [
        {
            "style": "body",
            "lead": "",
            "text": f"Trích lục sổ ghi danh của {body['holder']}: {body['scope']} "
            f"({body['count']} dòng), như sau:",
        },
        {"style": "table", "table": table, "text": "", "lead": ""},
        {"style": "italic", "lead": "", "text": body["certify"]},
    ]
