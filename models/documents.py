"""Which uploaded files are accepted: PDF, DOCX and ODT, recognised by content, not by name.

A file's type is read from its bytes (the PDF header; the package manifest inside a DOCX or ODT
zip), so a renamed executable or a macro-enabled Word file is refused whatever it is called.
Nothing here opens the document beyond that: it is stored and handed back, never run.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 2000


class DocumentRefused(ValueError):
    """An upload that is not accepted; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Accepted:
    media_type: str
    filename: str


def check_upload(filename: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Accepted:
    """The upload's real type and a clean display name, or DocumentRefused."""
    if not data:
        raise DocumentRefused("tệp rỗng: xin chọn tệp văn bản cần gửi")
    if len(data) > max_bytes:
        raise DocumentRefused(
            f"tệp quá lớn ({size_text(len(data))}); dung lượng tối đa là {size_text(max_bytes)}"
        )
    media_type = sniff(data)
    return Accepted(media_type, clean_filename(filename, media_type))


def sniff(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    raise DocumentRefused("chỉ nhận tệp PDF, DOCX hoặc ODT")


def _office_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            if len(names) > MAX_ZIP_ENTRIES:
                raise DocumentRefused("tệp nén có quá nhiều thành phần")
            if "mimetype" in names and package.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names:
                types = package.read("[Content_Types].xml")
                if b"vbaProject" in types or any(n.lower().endswith(".bin") for n in names):
                    raise DocumentRefused("không nhận tệp Word có macro")
                if b"wordprocessingml.document.main+xml" in types:
                    return DOCX
    except (zipfile.BadZipFile, KeyError, RuntimeError, OSError) as error:
        raise DocumentRefused("tệp bị hỏng hoặc không đọc được") from error
    raise DocumentRefused("chỉ nhận tệp PDF, DOCX hoặc ODT")


def clean_filename(filename: str, media_type: str) -> str:
    """The name to show: no folders, no control characters, the extension of the real type."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem[:200] or "tai-lieu") + EXTENSIONS[media_type]


def size_text(size: int) -> str:
    """A size as Vietnamese readers write it: '10 MB', '2,5 MB', '98 KB'."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{round(size / 1024 / 1024, 1):g} MB".replace(".", ",")
