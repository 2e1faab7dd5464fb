"""The words of the dossier's documents, from plain facts: the tờ trình and its danh sách, the
báo cáo thành tích prefilled for a nominee, and the mục lục hồ sơ. Pure: no database, no I/O;
models.services.dossier_documents gathers the facts and renders these with the engine.

A document's body is the engine's list of paragraph items (models.administrative.paragraph
and table_paragraph), which the templates lay out under the header every administrative
document shares (models.administrative.header_context).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.administrative import TableSpec, paragraph, table_paragraph

TO_FILL = "……………………………………………………"
"""A blank the unit fills in (dotted, as printed forms leave it)."""
BLANK = "……………………"
"""A short blank: a field on a line of its own, or a table's cell."""

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
    """The tờ trình's body: its grounds (italic căn cứ lines), what the council found, and
    what it asks of the authority; the danh sách goes with it as its annex (`nominee_table`).

    `council_meeting` cites the council's meeting and its vote ("biên bản họp ... ngày ...")
    where there was one.
    """
    grounds = [f"Căn cứ {LAW};", f"Căn cứ {DECREE};", f"Căn cứ {campaign};"]
    if council_meeting:
        grounds.append(f"Căn cứ {council_meeting},")
    found = (
        f"Qua xét chọn, {proposer} nhận thấy {_kinds(nominees)} có tên trong danh sách kèm "
        f"theo đã đạt thành tích, đủ tiêu chuẩn đề nghị tặng {form}."
    )
    ask = (
        f"{proposer} kính trình {authority} xem xét, quyết định tặng {form} cho "
        f"{_kinds(nominees)} (có danh sách và hồ sơ kèm theo)."
    )
    return [
        *(paragraph(g, style="italic") for g in grounds),
        paragraph(found),
        paragraph(ask),
        paragraph(f"Kính trình {authority} xem xét, quyết định./."),
    ]


def nominee_table(nominees: Sequence[Nominee]) -> TableSpec:
    """The danh sách: STT, name, position, unit, field and the titles on record."""
    rows = tuple(
        (
            str(n),
            nominee.name,
            nominee.position or "",
            nominee.unit,
            nominee.field or "",
            "; ".join(f"{r.year}: {r.value}" for r in nominee.records if r.kind == "title"),
        )
        for n, nominee in enumerate(nominees, start=1)
    )
    headers = ("STT", "Họ và tên / Tên tập thể", "Chức vụ", "Đơn vị", "Lĩnh vực", "Thành tích")
    return TableSpec(headers, rows, widths_mm=(10, 38, 25, 35, 22, 35), font_pt=11)


def nominee_annex(
    form: str, letter_number: str | None, nominees: Sequence[Nominee]
) -> dict[str, Any]:
    """The danh sách kèm theo the tờ trình: title, the line saying which tờ trình, the table."""
    attached = f"số {letter_number}" if letter_number else "ngày …"
    return {
        "title": f"DANH SÁCH ĐỀ NGHỊ TẶNG {form.upper()}",
        "subtitle": f"(Kèm theo Tờ trình {attached})",
        "table": nominee_table(nominees),
    }


def _titles(records: Sequence[RecordLine]) -> tuple[tuple[str, ...], ...]:
    rows = tuple(
        (str(r.year), r.value, r.note or BLANK)
        for r in sorted(records, key=lambda r: (r.year, r.value))
        if r.kind in ("title", "rating")
    )
    return rows or (("", BLANK, ""),)


def report_body(nominee: Nominee) -> list[dict[str, Any]]:
    """The báo cáo thành tích prefilled for a nominee: what tdkt-flow knows (name, unit,
    position, field, the years and titles from YearRecord) filled in, and the sections only
    the unit can write left with their headings and blanks (the outline of the model reports
    annexed to Nghị định 98/2023: profile, achievements, forms of commendation received)."""
    if nominee.collective:
        heading, profile = (
            "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
            [
                f"Tên tập thể: {nominee.name}",
                f"Trực thuộc: {nominee.unit}",
                f"Lĩnh vực: {nominee.field or BLANK}",
                f"Địa chỉ trụ sở, điện thoại: {BLANK}",
                f"Chức năng, nhiệm vụ được giao: {BLANK}",
            ],
        )
        sections = [
            "1. Kết quả thực hiện nhiệm vụ chính trị được giao (các chỉ tiêu, nhiệm vụ cụ thể):",
            "2. Các giải pháp, biện pháp công tác; đổi mới, sáng tạo đã áp dụng:",
            "3. Việc thực hiện chủ trương, chính sách của Đảng, pháp luật của Nhà nước; "
            "công tác xây dựng Đảng và đoàn thể:",
        ]
    else:
        heading, profile = (
            "I. SƠ LƯỢC LÝ LỊCH",
            [
                f"Họ và tên: {nominee.name}",
                f"Chức vụ: {nominee.position or BLANK}",
                f"Đơn vị công tác: {nominee.unit}",
                f"Lĩnh vực: {nominee.field or BLANK}",
                f"Sinh ngày, tháng, năm: {BLANK}",
                f"Giới tính: {BLANK}",
                f"Quê quán: {BLANK}",
                f"Trình độ chuyên môn, nghiệp vụ: {BLANK}",
            ],
        )
        sections = [
            "1. Quyền hạn, nhiệm vụ được giao:",
            "2. Thành tích đạt được (kết quả thực hiện nhiệm vụ; giải pháp, sáng kiến, đề tài "
            "đã được công nhận và phạm vi áp dụng):",
        ]
    initiatives = [f"{r.year}: {r.value}" for r in nominee.records if r.kind == "initiative"]
    achievements = [paragraph(nominee.description)] if nominee.description else []
    for section in sections:
        achievements += [paragraph(section, style="plain"), paragraph(TO_FILL, style="plain")]
    if initiatives:
        achievements.append(
            paragraph("Sáng kiến, đề tài đã ghi nhận: " + "; ".join(initiatives) + ".")
        )
    decision = ("Năm", "Danh hiệu thi đua", "Số, ngày, tháng, năm của quyết định công nhận")
    award = ("Năm", "Hình thức khen thưởng", "Số, ngày, tháng, năm của quyết định khen thưởng")
    return [
        paragraph(heading, style="heading"),
        *(paragraph(line, style="plain") for line in profile),
        paragraph("II. THÀNH TÍCH ĐẠT ĐƯỢC", style="heading"),
        *achievements,
        paragraph("III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG", style="heading"),
        paragraph("1. Danh hiệu thi đua:", style="plain"),
        table_paragraph(TableSpec(decision, _titles(nominee.records), widths_mm=(20, 70, 75))),
        paragraph("2. Hình thức khen thưởng:", style="plain"),
        table_paragraph(TableSpec(award, (("", BLANK, ""),), widths_mm=(20, 70, 75))),
    ]


def report_subject(nominee: Nominee) -> str:
    """The report's trích yếu: whose achievements, towards which form."""
    whose = "tập thể" if nominee.collective else "cá nhân"
    return f"Thành tích của {whose} đề nghị tặng {nominee.form}"


def report_signatures(nominee: Nominee) -> tuple[str, str]:
    """Who signs the report: the level proposing confirms it (Luật 2022, Điều 84: the report
    'có xác nhận của cấp trình khen thưởng'), the collective's head or the person reports."""
    right = "THỦ TRƯỞNG ĐƠN VỊ" if nominee.collective else "NGƯỜI BÁO CÁO THÀNH TÍCH"
    return "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", right


def index_body(
    lines: Sequence[tuple[int, str, bool, str, Sequence[str]]],
) -> list[dict[str, Any]]:
    """The mục lục hồ sơ: every piece (number, name, present, state, files holding it)."""
    present = sum(1 for line in lines if line[2])
    rows = tuple(
        (str(number), document, "Có" if ok else "Còn thiếu", state, ", ".join(files) or "—")
        for number, document, ok, state, files in lines
    )
    headers = ("STT", "Thành phần hồ sơ", "Có/Thiếu", "Tình trạng", "Tệp trong hồ sơ")
    return [
        paragraph(
            f"Hồ sơ gồm {len(lines)} thành phần; đã có {present}, còn thiếu {len(lines) - present}."
        ),
        table_paragraph(TableSpec(headers, rows, widths_mm=(12, 58, 20, 35, 40), font_pt=11)),
    ]
