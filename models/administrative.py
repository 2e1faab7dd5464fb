"""The parts of an administrative document in the form of Nghị định 30/2020/NĐ-CP (Phụ lục I).

Every document tdkt-flow issues (the công văn đôn đốc, a tờ trình, a biên bản, a draft quyết
định...) has the same frame: the issuing body under its parent at the top left, the quốc hiệu
and tiêu ngữ at the top right, the số and ký hiệu under the body, the place and date under the
motto, the kind's name and the trích yếu, the body, then "Nơi nhận:" at the bottom left and the
signer's authority, position and name at the bottom right. This module says what goes in each
part, as text: :func:`header_context` is the one context every template shares, so a template
an office edits in Word (notifications.documents) names the same tags whatever it is.

Pure: no I/O, no clock; the date a document bears is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL_MOTTO = (NATIONAL_NAME, MOTTO)
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
"""What a Party body's document prints where a State body's prints the quốc hiệu and tiêu ngữ
(Quy định 66-QĐ/TW, Hướng dẫn 36-HD/VPTW on the Party's documents): no motto, the number
written "Số 185-KH/ĐU" (no colon, a hyphen before the kind)."""
BLANK_PLACE = "………"
"""The place before the date when the directory knows none: left for the văn thư to write."""
"""Quốc hiệu and tiêu ngữ, the two lines at the top right of every document (Phụ lục I, I.1)."""

DRAFT_BLANK = " " * 5
"""The blank a draft leaves for the number, which the authority's văn thư fills in when it issues
the document ("Số:      /QĐ-UBND")."""


@dataclass(frozen=True)
class IssuingBody:
    """Who issues a document: its name under its parent's, its abbreviation in the ký hiệu, and
    the place written before the date ("Quảng Bình, ngày ...")."""

    parent: str | None  # "UBND TỈNH QUẢNG BÌNH"; None for a body directly under nobody
    name: str  # "SỞ NỘI VỤ"
    symbol: str  # "SNV"
    place: str  # "Quảng Bình"; "" when the directory knows none (the văn thư writes it)
    party: bool = False  # a Party body: its documents take the Party's form, not the State's


@dataclass(frozen=True)
class Signer:
    """Who signs: the authority they sign with (thẩm quyền ký: "TM. HỘI ĐỒNG", "KT. GIÁM ĐỐC",
    "" when the head signs in their own right), their position and their name."""

    authority: str
    position: str
    name: str


class DocumentKind(Enum):
    """A kind of document (tên loại văn bản): its Vietnamese name, its abbreviation in the ký
    hiệu, and whether it takes a number of its own (an annex does not: it carries the number of
    the document it is attached to)."""

    CONG_VAN = ("Công văn", "", True)
    TO_TRINH = ("Tờ trình", "TTr", True)
    BIEN_BAN = ("Biên bản", "BB", True)
    QUYET_DINH = ("Quyết định", "QĐ", True)
    GIAY_MOI = ("Giấy mời", "GM", True)
    BAO_CAO = ("Báo cáo", "BC", True)
    DANH_SACH = ("Danh sách", "DS", False)
    TRICH_LUC = ("Trích lục", "TL", True)
    KE_HOACH = ("Kế hoạch", "KH", True)
    THONG_BAO = ("Thông báo", "TB", True)

    def __init__(self, title: str, symbol: str, numbered: bool) -> None:
        self.title = title
        self.symbol = symbol
        self.numbered = numbered

    @property
    def heading(self) -> str:
        """The kind's name as the document prints it, in capitals ("TỜ TRÌNH"); a công văn
        prints no name (its trích yếu "V/v ..." stands under its number instead)."""
        return "" if self is DocumentKind.CONG_VAN else self.title.upper()

    @property
    def code(self) -> str:
        """A stable lowercase name for storage ("to_trinh")."""
        return self.name.lower()

    @classmethod
    def from_code(cls, code: str) -> DocumentKind:
        """The kind stored as `code` (see :attr:`code`)."""
        return cls[code.upper()]


def reference(kind: DocumentKind, body: IssuingBody, unit_symbol: str | None = None) -> str:
    """The ký hiệu after the number: "TTr-SNV" for a tờ trình of the Sở Nội vụ; a công văn is
    signed by the body and the unit that drafted it, "SNV-TĐKT" (Phụ lục I, I.3.b)."""
    parts = [kind.symbol, body.symbol] if kind.symbol else [body.symbol]
    if unit_symbol:
        parts.append(unit_symbol)
    return "-".join(p for p in parts if p)


def number_text(number: int) -> str:
    """A document's number as printed: numbers below 10 take a leading zero ("05"), as the
    register starts each year at 01 (Phụ lục I, I.3.a)."""
    return f"{number:02d}"


def number_line(
    kind: DocumentKind, number: int | None, body: IssuingBody, unit_symbol: str | None = None
) -> str:
    """ "Số: 12/TTr-SNV"; a công văn "Số: 12/SNV-TĐKT"; a draft (number None) leaves the number
    blank for the văn thư, "Số:      /QĐ-UBND"; an annex (danh sách) has no number line ("")."""
    if not kind.numbered:
        return ""
    shown = DRAFT_BLANK if number is None else number_text(number)
    if body.party:
        kind_symbol = kind.symbol or "CV"
        return f"Số {shown}-{kind_symbol}/{body.symbol}"
    return f"Số: {shown}/{reference(kind, body, unit_symbol)}"


def date_text(date: dt.date) -> str:
    """ "ngày 05 tháng 02 năm 2024": a day below 10 and the months 1 and 2 take a leading zero
    (Phụ lục I, I.4.b), so that no one can add a digit before them; "ngày 15 tháng 3 năm 2024"."""
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"ngày {date.day:02d} tháng {month} năm {date.year}"


def place_date_line(place: str, date: dt.date) -> str:
    """ "Quảng Bình, ngày 05 tháng 02 năm 2024", the line under the motto; a place unknown is
    left as dots for the văn thư."""
    return f"{' '.join(place.split()) or BLANK_PLACE}, {date_text(date)}"


def about(title: str) -> str:
    """ "về xây dựng ..." from a document's title "Kế hoạch xây dựng ...", for "Căn cứ Kế hoạch
    số ... về ...": the kind is said once, before the number."""
    words = " ".join(title.split())
    for kind in DocumentKind:
        if words.startswith(kind.title + " "):
            return "về " + words[len(kind.title) + 1 :]
    return "về " + words


def recipients_list(recipients: Sequence[str], *, keep: str = "Lưu: VT") -> list[str]:
    """The "Nơi nhận:" lines as printed: each "- name;", the last "- Lưu: VT." (the copy the
    văn thư keeps), each said once."""
    lines: list[str] = []
    for recipient in [*recipients, keep]:
        text = " ".join(recipient.split()).rstrip(";.")
        if text and text not in lines:
            lines.append(text)
    return [f"- {text}{'.' if i == len(lines) - 1 else ';'}" for i, text in enumerate(lines)]


@dataclass(frozen=True)
class TableSpec:
    """A table for a document's body or its annex (the danh sách kèm theo): column headings,
    rows of text, and optional column widths in millimetres. The renderer
    (notifications.documents) builds it as a Word table where the template says
    ``{{ name }}`` alone in a paragraph."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float, ...] | None = None
    font_pt: float = 12
    bold_rows: frozenset[int] = field(default_factory=frozenset)


def header_context(
    body: IssuingBody,
    kind: DocumentKind,
    number: int | None,
    issued_on: dt.date,
    subject: str,
    signer: Signer,
    recipients: Sequence[str],
    *,
    unit_symbol: str | None = None,
    addressees: Sequence[str] = (),
    keep: str = "Lưu: VT",
) -> dict[str, Any]:
    """The context every document template shares: the frame of Phụ lục I around its body.

    Keys: parent, body (upper case, as printed), national_motto (the two lines) and
    national_name / motto, number_line, place_date, kind_name ("" for a công văn),
    subject (the trích yếu), subject_line ("V/v ..." for a công văn, else ""), signer_authority,
    signer_position, signer_name, recipients (the "Nơi nhận:" lines, ending "- Lưu: VT."),
    addressees (the "Kính gửi:" names, for letters), draft (True while the number is blank).
    """
    subject = " ".join(subject.split())
    return {
        "parent": (body.parent or "").upper(),
        "body": body.name.upper(),
        "national_motto": [PARTY_NAME] if body.party else list(NATIONAL_MOTTO),
        "national_name": PARTY_NAME if body.party else NATIONAL_NAME,
        "motto": "" if body.party else MOTTO,
        "party": body.party,
        "number_line": number_line(kind, number, body, unit_symbol),
        "place_date": place_date_line(body.place, issued_on),
        "kind_name": kind.heading,
        "subject": subject,
        "subject_line": f"V/v {subject}" if kind is DocumentKind.CONG_VAN else "",
        "signer_authority": signer.authority.upper(),
        "signer_position": signer.position.upper(),
        "signer_name": " ".join(signer.name.split()),
        "recipients": recipients_list(recipients, keep=keep),
        "addressees": [" ".join(a.split()) for a in addressees],
        "draft": number is None and kind.numbered,
    }


BODY_STYLES = frozenset({"body", "plain", "italic", "center", "heading", "table"})
"""How a body paragraph is set (notifications.documents.layout.body): `body` justified with the
first line indented (a bold `lead` such as "Điều 1." may start it), `plain` justified, `italic`
(the căn cứ lines), `center` bold and centred ("QUYẾT ĐỊNH:"), `heading` bold ("I. KẾT QUẢ"),
`table` a TableSpec in `table`."""


def paragraph(text: str, *, style: str = "body", lead: str = "") -> dict[str, Any]:
    """One item of a template's `paragraphs` list."""
    if style not in BODY_STYLES:
        raise ValueError(f"unknown paragraph style {style!r}")
    return {"style": style, "lead": lead, "text": " ".join(text.split()), "table": None}


def table_paragraph(table: TableSpec) -> dict[str, Any]:
    """A table as an item of a template's `paragraphs` list."""
    return {"style": "table", "lead": "", "text": "", "table": table}


@dataclass(frozen=True)
class GeneratedDocument:
    """A document a service made: its file name, the .docx, the number it was given (None for a
    draft or an unnumbered annex) and its kind. PDF copies are made from `docx` by the caller
    (notifications.documents.to_pdf), in one batch for many documents."""

    filename: str
    docx: bytes
    number: str | None  # "12/SNV-TĐKT" as printed after "Số:"
    kind: DocumentKind
