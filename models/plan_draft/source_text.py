"""The text of a plan document (.txt, .docx, .pdf with a text layer), every input bounded.

This is the I/O edge of drafting: bytes in, plain text out. A file is refused before it is read
when it is larger than MAX_BYTES; a .docx is a zip, opened only through models.containers (the
house's bounded reader: member count, sizes, ratio) and its main part read up to a limit; a PDF
is read a page at a time up to MAX_PAGES and MAX_CHARS, so a crafted file cannot cost more than
those bounds. Nothing in the document is run.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.etree import ElementTree

from models.containers import Container, ContainerRefused
from models.documents import size_text
from models.os_errors import os_error

MAX_BYTES = 10 * 1024 * 1024
"""Largest file read: the seeds are 10-40 KB of text; a scanned plan is a few MB."""
MAX_CHARS = 400_000
"""Longest text kept: ten times the longest seed; beyond it a file is no single plan."""
MAX_PAGES = 60
MAX_XML_BYTES = 8 * 1024 * 1024
"""The .docx main part, inflated: the bounded zip reader stops there."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class TextRefused(ValueError):
    """A document whose text cannot be read; the message says why, in Vietnamese."""


def read_document(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of the file at path, refused (TextRefused) before reading when too large."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TextRefused(
                f"tệp quá lớn ({size_text(size)}); dung lượng tối đa là {size_text(max_bytes)}"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise TextRefused(f"không đọc được tệp {path.name} ({os_error(error)})") from None
    return document_text(path.name, data, max_bytes=max_bytes)


def document_text(name: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of an upload (by content: %PDF, a zip, else UTF-8 text), bounded."""
    if not data:
        raise TextRefused("tệp rỗng")
    if len(data) > max_bytes:
        raise TextRefused(f"tệp quá lớn; dung lượng tối đa là {size_text(max_bytes)}")
    if data.startswith(b"%PDF-"):
        text = _pdf_text(data)
    elif data.startswith(b"PK\x03\x04"):
        text = _docx_text(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TextRefused(
                f"{name}: chỉ đọc được tệp .txt (UTF-8), .docx hoặc .pdf có lớp chữ"
            ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")[:MAX_CHARS]
    if not text.strip():
        raise TextRefused(f"{name}: không có chữ (bản quét? cần tệp có lớp chữ)")
    return text


def _docx_text(data: bytes) -> str:
    try:
        package = Container(data)
        member = package.find("word/document.xml")
        if member is None:
            raise TextRefused("tệp không phải .docx (thiếu word/document.xml)")
        xml = package.read(member, MAX_XML_BYTES)
    except ContainerRefused as error:
        raise TextRefused(str(error)) from None
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml:
        raise TextRefused("tệp .docx có khai báo DTD: không đọc")  # entity expansion bombs
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        raise TextRefused("tệp .docx hỏng: không đọc được nội dung") from None
    lines = []
    for paragraph in root.iter(f"{_W}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag in (f"{_W}tab",):
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        lines.append("".join(parts))
    return "\n\n".join(lines)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PAGES:
            raise TextRefused(f"tệp PDF quá dài (tối đa {MAX_PAGES} trang)")
        pages: list[str] = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            pages.append(text)
            if total > MAX_CHARS:
                break
    except TextRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise TextRefused("tệp PDF hỏng hoặc được mã hóa: không đọc được chữ") from None
    return re.sub(r"[ \t]+\n", "\n", "\n\n".join(pages))
