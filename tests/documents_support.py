"""Reading generated documents back in tests: the .docx with python-docx, the PDF with pypdf,
and the first page as a PNG (pdftoppm) under test-artifacts/documents/ for a person to look at.

Tests that need LibreOffice or poppler call :func:`need_office` / :func:`need_pdftoppm`: they
skip where the program is missing, unless TDKT_REQUIRE_OFFICE=1 (CI), where they fail.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table
from pypdf import PdfReader

from notifications.documents import office_available

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "documents"
REQUIRE_OFFICE = os.environ.get("TDKT_REQUIRE_OFFICE") == "1"


def _missing(what: str) -> None:
    if REQUIRE_OFFICE:
        pytest.fail(f"{what} is required here (TDKT_REQUIRE_OFFICE=1) and not installed")
    pytest.skip(f"{what} is not installed")


def need_office() -> None:
    """Skip (or, with TDKT_REQUIRE_OFFICE=1, fail) where LibreOffice is missing."""
    if not office_available():
        _missing("LibreOffice (soffice)")


def need_pdftoppm() -> None:
    """Skip (or, with TDKT_REQUIRE_OFFICE=1, fail) where poppler's pdftoppm is missing."""
    if shutil.which("pdftoppm") is None:
        _missing("pdftoppm (poppler-utils)")


def open_docx(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def _table_cells(table: Table) -> list[list[str]]:
    return [[cell.text.strip() for cell in row.cells] for row in table.rows]


def docx_text(data: bytes) -> str:
    """Every paragraph's text, the body's and the tables', one per line, in document order."""
    document = open_docx(data)
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            table = Table(block, document)
            for row in _table_cells(table):
                lines.extend(row)
    return "\n".join(line for line in lines if line.strip())


@dataclass(frozen=True)
class DocxParts:
    """A document's parts as Phụ lục I places them."""

    document: DocxDocument
    header: list[list[str]]  # [[body cell, motto cell], [number cell, place-date cell]]
    paragraphs: list[str]  # the body's paragraphs with text, in order (tables not included)
    tables: list[list[list[str]]]  # the tables between header and signature (cells' text)
    signature: list[str]  # [nơi nhận cell, signer cell]
    annex: list[str]  # paragraphs after the signature (the danh sách's title...)


def docx_parts(data: bytes) -> DocxParts:
    """The header table, the body's paragraphs and tables, the signature table, the annex."""
    document = open_docx(data)
    tables = document.tables
    signature_at = next(
        i for i, t in enumerate(tables) if t.rows[0].cells[0].text.startswith("Nơi nhận:")
    )
    body: list[str] = []
    after: list[str] = []
    seen_signature = False
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "tbl" and block is tables[signature_at]._tbl:
            seen_signature = True
        elif tag == "p":
            text = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")).strip()
            if text:
                (after if seen_signature else body).append(text)
    return DocxParts(
        document=document,
        header=_table_cells(tables[0]),
        paragraphs=body,
        tables=[_table_cells(t) for t in tables[1:signature_at]],
        signature=_table_cells(tables[signature_at])[0],
        annex=after,
    )


def pdf_text(data: bytes) -> str:
    """The PDF's text, page after page."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def render_png(pdf: bytes, out: Path, *, dpi: int = 80) -> Path:
    """The PDF's first page as a PNG at `out` (a bare name goes under test-artifacts/documents/),
    for a person to look at; the path written."""
    need_pdftoppm()
    target = out if out.is_absolute() else ARTIFACTS / out
    target = target.with_suffix(".png")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "in.pdf"
        source.write_bytes(pdf)
        prefix = Path(work) / "page"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                source,
                prefix,
            ],
            check=True,
            timeout=60,
        )
        shutil.copyfile(prefix.with_suffix(".png"), target)
    return target
