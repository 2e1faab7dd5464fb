"""The báo cáo thành tích's template (make_templates): the frame of every document, but signed
twice at the foot, as the model reports annexed to Nghị định 98/2023 are: the level proposing
confirms it at the left (Luật Thi đua, khen thưởng 2022, Điều 84: "có xác nhận của cấp trình
khen thưởng"), the collective's head or the person reporting signs at the right."""

from __future__ import annotations

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from notifications.documents import layout


def achievement_report() -> DocxDocument:
    """Header, title and trích yếu, the body's sections, and the two signatures."""
    document = Document()
    layout.set_page(document)
    layout.header(document)
    layout.kind_and_subject(document)
    layout.body(document)
    document.add_paragraph()
    half = layout.TEXT_WIDTH_MM / 2
    table = layout.borderless_table(document, (half, half), rows=1)
    for cell, who in zip(table.rows[0].cells, ("confirm", "reporter"), strict=True):
        layout.line(cell, f"{{{{ {who}_title }}}}", bold=True, size=layout.HEADER_PT, first=True)
        layout.line(
            cell,
            "(Ký, ghi rõ họ tên, đóng dấu)" if who == "confirm" else "(Ký, ghi rõ họ tên)",
            italic=True,
            size=layout.SMALL_PT,
        )
        for _ in range(4):
            layout.line(cell)
        layout.line(cell, f"{{{{ {who}_name }}}}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    return document
