"""Building blocks of a template in the layout of Nghị định 30/2020, Phụ lục I (python-docx).

The default templates (make_templates) are written by code so that their layout is reviewed as
code: A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New Roman (LibreOffice
prints it with the metric-compatible Liberation Serif where Times is not installed); 14 pt body,
12-13 pt header. Each block puts docxtpl tags ({{ }}, {%p %}) where the text goes, so an office
editing a copy in Word changes the look and keeps the tags.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
SMALL_PT = 12
RECIPIENT_PT = 11
TEXT_WIDTH_MM = 210 - 30 - 15
LEFT_COLUMN_MM = 62
RIGHT_COLUMN_MM = 108
"""The header's columns: together 5 mm wider than the text, centred on it, so that the quốc
hiệu and the place and date each fit on one line."""


def set_page(document: DocxDocument) -> None:
    """A4 portrait with the decree's margins, Times New Roman 14 pt as the normal style."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    spacing = style.paragraph_format
    spacing.space_before, spacing.space_after = Pt(0), Pt(0)
    spacing.line_spacing = 1.0


def line(
    container: DocxDocument | _Cell,
    text: str = "",
    *,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    first: bool = False,
) -> Paragraph:
    """One paragraph of one run; `first` reuses a table cell's own empty paragraph."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
    return paragraph


def rule_under(paragraph: Paragraph, indent_mm: float) -> None:
    """The short line Phụ lục I draws under the body's name and under the motto: the bottom
    border of an empty 2 pt paragraph narrowed by `indent_mm` on each side."""
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    paragraph.paragraph_format.space_before = Pt(1)
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (
        ("w:val", "single"),
        ("w:sz", "6"),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(name), value)
    borders.append(bottom)
    properties.insert_element_before(borders, *_AFTER_BORDERS)
    marks = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "4")
    marks.append(size)
    properties.insert_element_before(marks, "w:sectPr", "w:pPrChange")


_AFTER_BORDERS = (
    *("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct"),
    *("w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd"),
    *("w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents"),
    *("w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap"),
    *("w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)
"""The elements a paragraph's properties hold after w:pBdr (the schema's order, which Word
checks)."""


def borderless_table(document: DocxDocument, widths_mm: tuple[float, ...], rows: int) -> Table:
    """A table without borders laying out two columns of text (header, signature)."""
    table: Table = document.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)
    set_widths(table, widths_mm)
    return table


def set_widths(table: Table, widths_mm: tuple[float, ...]) -> None:
    """Column widths that Word and LibreOffice both keep: the grid's, and each cell's."""
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        column.w = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def header(document: DocxDocument) -> None:
    """The two-column header: issuing body (parent, body, rule; number; V/v for a công văn) at
    the left, quốc hiệu, tiêu ngữ and rule, then the place and date in italics at the right."""
    table = borderless_table(document, (LEFT_COLUMN_MM, RIGHT_COLUMN_MM), rows=2)
    body, motto = table.rows[0].cells
    line(body, "{%p if parent %}", first=True)
    line(body, "{{ parent }}", size=HEADER_PT)
    line(body, "{%p endif %}")
    line(body, "{{ body }}", size=HEADER_PT, bold=True)
    # A party body is marked with a star under its name (Hướng dẫn 36-HD/VPTW), a State body
    # with a short rule; the party's own name stands where the quốc hiệu would, underlined.
    line(body, "{%p if party %}")
    line(body, "*", size=HEADER_PT)
    line(body, "{%p else %}")
    rule_under(line(body), 20)
    line(body, "{%p endif %}")
    line(motto, "{{ national_name }}", size=SMALL_PT + 0.5, bold=True, first=True)
    line(motto, "{%p if motto %}")
    line(motto, "{{ motto }}", size=BODY_PT, bold=True)
    line(motto, "{%p endif %}")
    rule_under(line(motto), 24)
    number, date = table.rows[1].cells
    line(number, "{{ number_line }}", size=HEADER_PT, first=True)
    line(number, "{%p if subject_line %}")
    line(number, "{{ subject_line }}", size=SMALL_PT)
    line(number, "{%p endif %}")
    line(date, "{{ place_date }}", size=BODY_PT, italic=True, first=True)


def kind_and_subject(document: DocxDocument) -> None:
    """The kind's name and the trích yếu, bold and centred (none for a công văn), then the
    "Kính gửi:" of a letter or a tờ trình: one addressee on the line, several as a list."""
    document.add_paragraph()
    line(document, "{%p if kind_name %}")
    line(document, "{{ kind_name }}", bold=True)
    line(document, "{{ subject }}", bold=True)
    rule_under(line(document), 60)
    line(document, "{%p endif %}")
    line(document, "{%p if addressees|length == 1 %}")
    line(document, "Kính gửi: {{ addressees[0] }}")
    line(document, "{%p elif addressees %}")
    line(document, "Kính gửi:")
    line(document, "{%p for name in addressees %}")
    item = line(
        document, "- {{ name }}{{ '.' if loop.last else ';' }}", align=WD_ALIGN_PARAGRAPH.LEFT
    )
    item.paragraph_format.left_indent = Mm(45)
    line(document, "{%p endfor %}")
    line(document, "{%p endif %}")
    document.add_paragraph()


def body(document: DocxDocument) -> None:
    """The body: `paragraphs`, each a dict with `style` (body, plain, italic, center, heading,
    table) and `text` (a body paragraph may start with a bold `lead`, "Điều 1.")."""
    line(document, "{%p for p in paragraphs %}")
    line(document, "{%p if p.style == 'center' %}")
    centred = line(document, "{{ p.text }}", bold=True)
    centred.paragraph_format.space_before = Pt(6)
    centred.paragraph_format.space_after = Pt(6)
    line(document, "{%p elif p.style == 'heading' %}")
    _indented(line(document, "{{ p.text }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, bold=True))
    line(document, "{%p elif p.style == 'table' %}")
    line(document, "{{ p.table }}")
    line(document, "{%p if not loop.last %}")
    document.add_paragraph()
    line(document, "{%p endif %}")
    line(document, "{%p elif p.style == 'italic' %}")
    _indented(line(document, "{{ p.text }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, italic=True))
    line(document, "{%p elif p.style == 'plain' %}")
    line(document, "{{ p.text }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    line(document, "{%p else %}")
    paragraph = line(document, "{{ p.lead }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, bold=True)
    run = paragraph.add_run("{% if p.lead %} {% endif %}{{ p.text }}")
    run.font.size = Pt(BODY_PT)
    _indented(paragraph)
    line(document, "{%p endif %}")
    line(document, "{%p endfor %}")


def _indented(paragraph: Paragraph) -> None:
    """A body paragraph: first line indented 10 mm, 6 pt between paragraphs."""
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(6)


def signature(document: DocxDocument) -> None:
    """The bottom table: "Nơi nhận:" and its list at the left (12 and 11 pt); the signer's
    authority, position (bold capitals), room for the signature and seal, and name at the right."""
    document.add_paragraph()
    table = borderless_table(document, (LEFT_COLUMN_MM + 12, RIGHT_COLUMN_MM - 12), rows=1)
    recipients, signer = table.rows[0].cells
    line(
        recipients,
        "Nơi nhận:",
        align=WD_ALIGN_PARAGRAPH.LEFT,
        size=SMALL_PT,
        bold=True,
        italic=True,
        first=True,
    )
    line(recipients, "{%p for r in recipients %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    line(recipients, "{{ r }}", align=WD_ALIGN_PARAGRAPH.LEFT, size=RECIPIENT_PT)
    line(recipients, "{%p endfor %}", align=WD_ALIGN_PARAGRAPH.LEFT)
    line(signer, "{%p if signer_authority %}", first=True)
    line(signer, "{{ signer_authority }}", bold=True)
    line(signer, "{%p endif %}")
    line(signer, "{{ signer_position }}", bold=True)
    for _ in range(4):
        line(signer)
    line(signer, "{{ signer_name }}", bold=True)


def annex(document: DocxDocument) -> None:
    """An annex on a new page when the context has `annex` (title, subtitle, table): the danh
    sách kèm theo a quyết định or a tờ trình."""
    line(document, "{%p if annex %}")
    title = line(document, "{{ annex.title }}", bold=True)
    title.paragraph_format.page_break_before = True
    line(document, "{{ annex.subtitle }}", italic=True)
    document.add_paragraph()
    line(document, "{{ annex.table }}")
    line(document, "{%p endif %}")
