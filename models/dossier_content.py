"""The words of the dossier's documents, from plain facts: the tờ trình and its danh sách, the
báo cáo thành tích prefilled for a nominee, and the mục lục hồ sơ. Pure: no database, no I/O;
models.services.dossier_documents gathers the facts and renders these with the engine.

A document's body here is a list of blocks, each `{"heading": str | None, "paragraphs":
[str], "table": {"columns": [str], "rows": [[str]]} | None}`, which the templates lay out
under the header every administrative document shares (models.administrative.header_context).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

TO_FILL = "……………………………………………………"
"""A blank the unit fills in (dotted, as printed forms leave it)."""

LAW = "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"
DECREE = (
    "Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi "
    "hành một số điều của Luật Thi đua, khen thưởng"
)


@dataclass(frozen=True)
class RecordLine:
    """A yearly fact the report lists (YearRecord): a title, a rating or an initiative."""

    year: int
    kind: str
    value: str
    note: str | None = None


@dataclass(frozen=True)
class Nominee:
    """What the documents say of one proposed collective or individual."""

    name: str
    collective: bool
    unit: str
    position: str | None
    field: str | None
    form: str
    description: str | None = None
    records: tuple[RecordLine, ...] = ()


def block(
    heading: str | None,
    paragraphs: Sequence[str] = (),
    table: tuple[Sequence[str], Sequence[Sequence[str]]] | None = None,
) -> dict[str, Any]:
    """One block of a body: a heading, its paragraphs, and an optional table."""
    return {
        "heading": heading,
        "paragraphs": list(paragraphs),
        "table": None
        if table is None
        else {"columns": list(table[0]), "rows": [list(r) for r in table[1]]},
    }


def _kinds(nominees: Sequence[Nominee]) -> str:
    collectives = sum(n.collective for n in nominees)
    people = len(nominees) - collectives
    parts = [f"{collectives:02d} tập thể"] if collectives else []
    parts += [f"{people:02d} cá nhân"] if people else []
    return " và ".join(parts)


def proposal_subject(form: str, nominees: Sequence[Nominee]) -> str:
    """The tờ trình's trích yếu: 'Về việc đề nghị tặng Bằng khen ... cho 02 cá nhân'."""
    if len(nominees) == 1:
        return f"Về việc đề nghị tặng {form} cho {nominees[0].name}"
    return f"Về việc đề nghị tặng {form} cho {_kinds(nominees)}"


def proposal_body(
    *,
    proposer: str,
    authority: str,
    form: str,
    campaign: str,
    nominees: Sequence[Nominee],
    council_meeting: str | None,
) -> list[dict[str, Any]]:
    """The tờ trình's body: its grounds, what the council found, what it asks, and the danh
    sách (kèm theo) naming every nominee with its unit and achievements.

    `council_meeting` cites the council's meeting and its vote ("Biên bản họp ... ngày ...")
    where there was one.
    """
    grounds = [
        f"Căn cứ {LAW};",
        f"Căn cứ {DECREE};",
        f"Căn cứ kết quả thực hiện {campaign};",
    ]
    if council_meeting:
        grounds.append(f"Căn cứ {council_meeting},")
    ask = (
        f"{proposer} kính trình {authority} xem xét, quyết định tặng {form} cho "
        f"{_kinds(nominees)} (có danh sách kèm theo), đã có thành tích xuất sắc trong {campaign}."
    )
    return [
        block(None, grounds),
        block(None, [ask, f"Kính trình {authority} xem xét, quyết định./."]),
    ]


def nominee_rows(nominees: Sequence[Nominee]) -> tuple[list[str], list[list[str]]]:
    """The danh sách's columns and rows (STT, tên, chức vụ, đơn vị, lĩnh vực, thành tích)."""
    columns = ["STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị", "Lĩnh vực", "Thành tích"]
    rows = [
        [
            str(n),
            nominee.name,
            nominee.position or "",
            nominee.unit,
            nominee.field or "",
            "; ".join(f"{r.year}: {r.value}" for r in nominee.records if r.kind == "title"),
        ]
        for n, nominee in enumerate(nominees, start=1)
    ]
    return columns, rows


def list_title(form: str, proposal_number: str | None) -> str:
    """The danh sách's heading: which tờ trình it goes with."""
    attached = f"Kèm theo Tờ trình số {proposal_number}" if proposal_number else "Kèm theo Tờ trình"
    return f"DANH SÁCH ĐỀ NGHỊ TẶNG {form.upper()} ({attached})"


def _titles(records: Sequence[RecordLine]) -> list[list[str]]:
    return [
        [str(r.year), r.value, r.note or TO_FILL]
        for r in sorted(records, key=lambda r: (r.year, r.value))
        if r.kind in ("title", "rating")
    ]


def report_body(nominee: Nominee) -> list[dict[str, Any]]:
    """The báo cáo thành tích prefilled for a nominee: what tdkt-flow knows (name, unit,
    position, field, the years and titles from YearRecord) filled in, and the sections only
    the unit can write left with their headings and blanks (the outline of the model reports
    annexed to Nghị định 98/2023: profile, achievements, forms of commendation received)."""
    if nominee.collective:
        profile = block(
            "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
            [
                f"Tên tập thể: {nominee.name}",
                f"Trực thuộc: {nominee.unit}",
                f"Lĩnh vực: {nominee.field or TO_FILL}",
                f"Địa chỉ trụ sở, điện thoại: {TO_FILL}",
                f"Đặc điểm, tình hình, chức năng, nhiệm vụ được giao: {TO_FILL}",
            ],
        )
        achievements = [
            "1. Kết quả thực hiện nhiệm vụ chính trị được giao (các chỉ tiêu, nhiệm vụ cụ thể).",
            "2. Các biện pháp, giải pháp công tác đã thực hiện; đổi mới, sáng tạo.",
            "3. Việc thực hiện chủ trương, chính sách của Đảng, pháp luật của Nhà nước; "
            "công tác xây dựng Đảng và đoàn thể.",
        ]
    else:
        profile = block(
            "I. SƠ LƯỢC LÝ LỊCH",
            [
                f"Họ và tên: {nominee.name}",
                f"Chức vụ: {nominee.position or TO_FILL}",
                f"Đơn vị công tác: {nominee.unit}",
                f"Lĩnh vực: {nominee.field or TO_FILL}",
                f"Sinh ngày, tháng, năm: {TO_FILL}   Giới tính: {TO_FILL}",
                f"Quê quán: {TO_FILL}",
                f"Trình độ chuyên môn, nghiệp vụ: {TO_FILL}",
            ],
        )
        achievements = [
            "1. Quyền hạn, nhiệm vụ được giao.",
            "2. Thành tích đạt được (kết quả thực hiện nhiệm vụ; giải pháp, sáng kiến, đề tài "
            "đã được công nhận và phạm vi áp dụng).",
        ]
    initiatives = [f"{r.year}: {r.value}" for r in nominee.records if r.kind == "initiative"]
    described = [nominee.description] if nominee.description else []
    return [
        profile,
        block(
            "II. THÀNH TÍCH ĐẠT ĐƯỢC",
            [*described, *(f"{line} {TO_FILL}" for line in achievements)]
            + (
                [f"Sáng kiến, đề tài đã ghi nhận: {'; '.join(initiatives)}."] if initiatives else []
            ),
        ),
        block(
            "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
            ["1. Danh hiệu thi đua:"],
            (
                ["Năm", "Danh hiệu thi đua", "Số, ngày tháng năm của quyết định"],
                _titles(nominee.records),
            ),
        ),
        block(
            None,
            ["2. Hình thức khen thưởng:"],
            (
                ["Năm", "Hình thức khen thưởng", "Số, ngày tháng năm của quyết định"],
                [[TO_FILL, "", ""]],
            ),
        ),
    ]


def report_title(nominee: Nominee) -> str:
    """The report's heading: whose achievements, towards which form."""
    whose = "TẬP THỂ" if nominee.collective else "CÁ NHÂN"
    return f"BÁO CÁO THÀNH TÍCH CỦA {whose} ĐỀ NGHỊ TẶNG {nominee.form.upper()}"


def report_signatures(nominee: Nominee) -> tuple[str, str]:
    """Who signs the report: the level proposing confirms it (Luật 2022, Điều 84: the report
    'có xác nhận của cấp trình khen thưởng'), the collective's head or the person reports."""
    right = "THỦ TRƯỞNG ĐƠN VỊ" if nominee.collective else "NGƯỜI BÁO CÁO THÀNH TÍCH"
    return "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", right


def index_body(
    lines: Sequence[tuple[int, str, str, bool, str, Sequence[str]]],
) -> list[dict[str, Any]]:
    """The mục lục hồ sơ: every piece, whether it is present, and the files holding it."""
    present = sum(1 for line in lines if line[3])
    rows = [
        [str(number), document, "Có" if ok else "Còn thiếu", state, ", ".join(files) or "—"]
        for number, _code, document, ok, state, files in lines
    ]
    summary = (
        f"Hồ sơ gồm {len(lines)} thành phần; đã có {present}, còn thiếu {len(lines) - present}."
    )
    return [
        block(
            None,
            [summary],
            (["STT", "Thành phần hồ sơ", "Có/Thiếu", "Tình trạng", "Tệp trong hồ sơ"], rows),
        )
    ]
