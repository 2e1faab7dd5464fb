"""Rendering a document: a .docx template filled by docxtpl with a context of plain values.

Templates are looked up by name, most local first, each folder asked for the document's own
template and then for the frame every document shares (`van_ban`):

1. a plan's folder (`documents: {templates: DIR}`, passed as `folder`),
2. the office's folder, environment variable TDKT_DOCUMENT_TEMPLATES,
3. the defaults committed in notifications/documents/templates (make_templates).

So an office that edits `van_ban.docx` (its header, its signer's block) changes every
document it has not overridden by name. A context value that is a models.administrative.
TableSpec becomes a Word table where the template says ``{{ name }}`` alone in a
paragraph. Text is escaped: a unit called "A & B <C>" prints as written and cannot break
the document's XML.
"""

from __future__ import annotations

import io
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaTemplateError

from models.administrative import TableSpec
from notifications.documents.layout import set_widths

TEMPLATES_ENV = "TDKT_DOCUMENT_TEMPLATES"
DEFAULT_DIR = Path(__file__).resolve().parent / "templates"
GENERIC = "van_ban"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
"""An office's template is read whole: a file larger than any letter's template is refused."""

_NAME = re.compile(r"[a-z0-9_]{1,60}")


class TemplateError(ValueError):
    """A template missing, too large or not a template docxtpl can fill; the message says
    which file and why, in Vietnamese."""


def template_folders(folder: Path | None = None) -> list[Path]:
    """Where templates are looked up, most local first (see the module's docstring)."""
    folders = [folder] if folder is not None else []
    office = os.environ.get(TEMPLATES_ENV, "").strip()
    if office:
        folders.append(Path(office).expanduser())
    folders.append(DEFAULT_DIR)
    return folders


def template_path(template: str, folder: Path | None = None) -> Path:
    """The file `template` is rendered from: its own file or the shared frame, in the first
    folder that has either."""
    if not _NAME.fullmatch(template):
        raise TemplateError(f"tên mẫu văn bản không hợp lệ: {template!r}")
    for place in template_folders(folder):
        for name in (template, GENERIC):
            path = place / f"{name}.docx"
            if path.is_file():
                return path
    raise TemplateError(f"không tìm thấy mẫu văn bản {template}.docx")


def render_docx(template: str, context: Mapping[str, Any], *, folder: Path | None = None) -> bytes:
    """The document `template` filled with `context` (models.administrative.header_context and
    the document's own keys), as .docx bytes."""
    path = template_path(template, folder)
    if path.stat().st_size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"mẫu văn bản {path} quá lớn (tối đa 5 MB)")
    tables: dict[str, TableSpec] = {}
    filled = _with_markers(context, tables, secrets.token_hex(8))
    try:
        document = DocxTemplate(path)
        document.render(filled, autoescape=True)
    except JinjaTemplateError as error:
        raise TemplateError(f"mẫu văn bản {path} có thẻ sai: {error}") from None
    out = io.BytesIO()
    document.save(out)
    if not tables:
        return out.getvalue()
    return _insert_tables(out.getvalue(), tables)


def _with_markers(value: Any, tables: dict[str, TableSpec], token: str) -> Any:
    """value with every TableSpec in it (in dicts and lists, at any depth) replaced by a
    marker naming it; the marker carries a random token, so no text can pass for one."""
    if isinstance(value, TableSpec):
        marker = f"TDKT-TABLE-{token}-{len(tables)}"
        tables[marker] = value
        return marker
    if isinstance(value, Mapping):
        return {key: _with_markers(item, tables, token) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_with_markers(item, tables, token) for item in value]
    return value


def _insert_tables(data: bytes, tables: Mapping[str, TableSpec]) -> bytes:
    """The rendered document with each marker's paragraph replaced by its table."""
    document = Document(io.BytesIO(data))
    for paragraph in list(document.paragraphs):
        spec = tables.get(paragraph.text.strip())
        if spec is None:
            continue
        table = build_table(document, spec)
        paragraph._p.addprevious(table._tbl)
        paragraph._p.getparent().remove(paragraph._p)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_table(document: DocxDocument, spec: TableSpec) -> Table:
    """A bordered table (added at the document's end: the caller moves it): headings bold and
    centred, repeated on each page; the first column (the số thứ tự) centred."""
    table: Table = document.add_table(rows=1 + len(spec.rows), cols=len(spec.headers))
    table.autofit = spec.widths_mm is None
    _grid(table._tbl.tblPr)
    _repeat_as_header(table.rows[0])
    if spec.widths_mm is not None:
        set_widths(table, spec.widths_mm)
    for index, row in enumerate([spec.headers, *spec.rows]):
        for column, text in enumerate(row):
            paragraph = table.rows[index].cells[column].paragraphs[0]
            heading = index == 0
            if heading or column == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(str(text))
            run.font.size = Pt(spec.font_pt)
            run.bold = heading or (index - 1) in spec.bold_rows
    return table


def _grid(properties: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for name, value in (("w:val", "single"), ("w:sz", "4"), ("w:color", "000000")):
            element.set(qn(name), value)
        borders.append(element)
    properties.append(borders)


def _repeat_as_header(row: Any) -> None:
    marker = OxmlElement("w:tblHeader")
    row._tr.get_or_add_trPr().append(marker)
