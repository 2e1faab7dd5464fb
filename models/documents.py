"""Which uploaded files are accepted: PDF, DOCX and ODT, recognised by content, not by name.

A file's type is read from its bytes (the PDF header; the package manifest inside a DOCX or ODT
zip), so a renamed executable or a macro-enabled Word file is refused whatever it is called.
A zip is opened only through models.containers, within fixed bounds (a 2.6 KB "bomb" must not
cost gigabytes), and only the few members that tell its type and its macros are read
(models.macros). Nothing here opens the document beyond that: it is stored and handed back,
never run.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from models.containers import Container, ContainerRefused
from models.macros import (
    DOCX_MAIN,
    MIMETYPE_LIMIT,
    main_part_type,
    refuse_macro_parts,
    refuse_odf_scripts,
)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


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
    """The media type read from the bytes; a zip is opened only through the bounded reader."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        try:
            return _office_type(Container(data))
        except ContainerRefused as error:
            raise DocumentRefused(str(error)) from None
    raise DocumentRefused("chỉ nhận tệp PDF, DOCX hoặc ODT")


def _office_type(package: Container) -> str:
    """ODT by its mimetype member, DOCX by its content types; macros refused in either."""
    refuse_macro_parts(package)
    mimetype = package.find("mimetype")
    if mimetype is not None and package.read(mimetype, MIMETYPE_LIMIT).strip() == ODT.encode():
        refuse_odf_scripts(package)
        return ODT
    types = package.find("[Content_Types].xml")
    if types is not None and main_part_type(package, types) == DOCX_MAIN:
        return DOCX
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
