"""Macros in office documents, refused in every spelling, from a container already bounded.

A macro-enabled Word file is a DOCX whose main part, or any part, is declared macro-enabled or
VBA in [Content_Types].xml (in any case: OOXML compares content types case-insensitively), or
that carries a VBA project part under any name or folder. An ODT carries macros as Basic/ or
Scripts/ members, as manifest entries for them, or as event listeners and links that call
`vnd.sun.star.script:` or `macro:` URLs from content.xml or styles.xml. Each XML part is read
through the container's bounded stream and parsed by defusedxml's expat reader, incrementally
(no tree, no DTD, no entity), so neither its size nor an entity bomb can cost more than the
bound. The refusals are ContainerRefused, worded for the agency that sent the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException
from defusedxml.expatreader import create_parser

from models.containers import Container, ContainerRefused, Member, extension, folded

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MIMETYPE_LIMIT = 256
XML_LIMIT = 1024 * 1024
"""Output bound for the small XML parts read whole ([Content_Types].xml, the ODF manifest)."""
CONTENT_LIMIT = 128 * 1024 * 1024
"""Output bound for ODF content.xml and styles.xml, scanned as a stream (never held)."""

MACRO = "không nhận tệp văn bản có macro; xin lưu lại thành DOCX thường, ODT không macro hoặc PDF"
MACRO_WORDS = ("macroenabled", "vbaproject", "vbadata", "vnd.ms-office.vba")
"""In a content type (folded): the macro-enabled main parts (.docm, .dotm, and the other Office
macro types embedded), and VBA project and data parts."""
VBA_PART = re.compile(r"vba[^/]*\.(bin|xml)$")
_MACRO_TYPES = "docm dotm xlsm xltm xlam xlsb pptm potm ppsm ppam sldm odb bas vba vbs"
MACRO_EXTENSIONS = frozenset(_MACRO_TYPES.split())
ODF_SCRIPT_FOLDERS = ("basic", "scripts")


def refuse_macro_parts(package: Container) -> None:
    """Refuse by member names alone: VBA parts in any folder or case, macro-enabled files
    embedded, ODF Basic/ and Scripts/ folders, and binary parts (.bin: VBA projects, OLE
    objects and ActiveX controls, none of which a report needs)."""
    for member in package.members:
        name = folded(member.name)
        last = name.rsplit("/", 1)[-1]
        if (
            VBA_PART.match(last)
            or extension(name) in MACRO_EXTENSIONS
            or name.split("/", 1)[0] in ODF_SCRIPT_FOLDERS
        ):
            raise ContainerRefused(MACRO)
        if extension(name) == "bin":
            raise ContainerRefused(
                "không nhận tệp Word có nhúng đối tượng nhị phân (.bin: macro, OLE hoặc "
                "ActiveX, có thể chứa macro); xin lưu lại thành DOCX thường hoặc PDF"
            )


def main_part_type(package: Container, types: Member) -> str | None:
    """The DOCX main part's content type (folded), read from [Content_Types].xml; refused if
    any declared type is macro-enabled or VBA, in whatever case."""
    main: str | None = None

    def visit(element: str, attributes: dict[str, str]) -> None:
        nonlocal main
        content_type = folded(attributes.get("ContentType", ""))
        if any(word in content_type for word in MACRO_WORDS):
            raise ContainerRefused(MACRO)
        part = attributes.get("PartName", "").lstrip("/")
        if local_name(element) == "Override" and content_type == DOCX_MAIN and part:
            if package.find(part) is None:
                raise ContainerRefused("tệp DOCX hỏng: thiếu phần nội dung chính")
            main = content_type

    parse_xml(package.stream(types, XML_LIMIT), visit)
    return main


def refuse_odf_scripts(package: Container) -> None:
    """Refuse an ODT with scripts in its manifest, an encrypted one (it cannot be checked),
    or one whose content or styles call a macro."""

    def manifest(element: str, attributes: dict[str, str]) -> None:
        if local_name(element) in ("encryption-data", "encrypted-key"):
            raise ContainerRefused("không nhận tệp ODT có mật khẩu (được mã hoá)")
        for key, value in attributes.items():
            value = folded(value)
            path_like = local_name(key) == "full-path"
            if path_like and value.split("/", 1)[0] in ODF_SCRIPT_FOLDERS:
                raise ContainerRefused(MACRO)
            if local_name(key) == "media-type" and ("basic" in value or "script" in value):
                raise ContainerRefused(MACRO)

    found = package.find("META-INF/manifest.xml")
    if found is not None:
        parse_xml(package.stream(found, XML_LIMIT), manifest)
    for name in ("content.xml", "styles.xml"):
        part = package.find(name)
        if part is not None:
            refuse_script_urls(package.stream(part, CONTENT_LIMIT))


_SCRIPT_URL = rb"vnd\.sun\.star\.script:|macro://"
_ASCII_REFERENCE = (
    rb"&#(?:0*(?:4[6-9]|5[0-8]|6[5-9]|[78]\d|9[07-9]|1[01]\d|12[0-2])"
    rb"|x0*(?:2[ef]|3[\da]|4[1-9a-f]|5[\da]|6[1-9a-f]|7[\da]));|&#x?0{8}"
)
_HIDDEN = re.compile(_SCRIPT_URL + rb"|" + _ASCII_REFERENCE)
_OVERLAP = 32


def refuse_script_urls(chunks: Iterable[bytes]) -> None:
    """Refuse XML that names a macro URL anywhere, in any case, scanning bytes at C speed.

    content.xml may be 128 MB, and an XML parser calling Python for each element would spend
    tens of seconds on one crafted upload; so this is a byte search over the bounded stream,
    made sound against the ways a URL can hide from it: character references spelling an ASCII
    letter, digit or ':./' (no writer needs them; padded with zeros they could straddle two
    chunks, so 8 zeros or more are refused too), and encodings other than UTF-8 (UTF-16 puts a
    zero byte in every ASCII character).
    """
    tail = b""
    for index, chunk in enumerate(chunks):
        window = tail + chunk.lower()
        if b"\x00" in chunk or (index == 0 and not _declares_utf8(window)):
            raise ContainerRefused("tệp ODT hỏng: phần nội dung không ở dạng XML UTF-8")
        if _HIDDEN.search(window):
            raise ContainerRefused(MACRO)
        tail = window[-_OVERLAP:]


def local_name(name: str) -> str:
    """'manifest:file-entry' → 'file-entry' (prefixes are the sender's choice)."""
    return name.rsplit(":", 1)[-1]


class _Visitor(ContentHandler):
    def __init__(self, visit: Callable[[str, dict[str, str]], None]) -> None:
        super().__init__()
        self.visit = visit

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        self.visit(name, dict(attrs.items()))


def parse_xml(chunks: Iterable[bytes], visit: Callable[[str, dict[str, str]], None]) -> None:
    """Call visit(element, attributes) for each element of the XML fed in chunks, keeping
    nothing: no DTD and no entity declaration is allowed (defusedxml), so no expansion."""
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(_Visitor(visit))
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except (SAXException, DefusedXmlException) as error:
        raise ContainerRefused("tệp bị hỏng: một phần XML bên trong không đọc được") from error


def _declares_utf8(first: bytes) -> bool:
    """False if the XML declaration names an encoding other than UTF-8 (lowercased bytes)."""
    head = first.removeprefix(b"\xef\xbb\xbf").lstrip()[:256]
    if not head.startswith(b"<?xml"):
        return True
    declared = re.search(rb"encoding\s*=\s*[\"']([^\"']*)[\"']", head.split(b"?>", 1)[0])
    return declared is None or declared.group(1) in (b"utf-8", b"utf8")
