"""Uploads against an attacker (issue 18): zip bombs and macro-enabled documents.

Each bound of the container reader (models.containers) has its test: member count (honest or
lying end record), declared size per member and in total, actual size under a lying header
(reading stops at the bound, in bounded memory), compression ratio, methods other than stored and
deflate, nested archives, encryption, odd and duplicate names, overlapping members. Macros are
refused in every spelling (content types in any case, VBA parts in any folder, ODF Basic/ and
Scripts/, script URLs), while real-looking DOCX and ODT files still pass. Through the web: a
refused upload spends its form, and eight bombs posted at once to a real server process (the app
as `tdkt web` serves it) are each refused with the Vietnamese page, the process staying under
300 MB. Bombs are built in memory (bench.upload_bombs), never stored.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.pool import QueuePool

from bench.upload_bombs import (
    BOMBS,
    DOCX_TYPES,
    GIB,
    MIB,
    TARGET_MIB,
    Entry,
    Server,
    attack,
    bzip2_bomb,
    deflate_bomb,
    deflated,
    docx_with,
    hundred_thousand_members,
    member,
    nested_bomb,
    prepare_world,
    raw_zip,
    zeros_deflate,
)
from deployments.web import agency
from deployments.web.app import create_app
from models.containers import Container
from models.db import engine_for, unit_of_work
from models.documents import DOCX, ODT, Accepted, DocumentRefused, check_upload
from models.orm import SubmittedDocument, UsedFormToken
from tests.web_helpers import clock_at, docx_bytes, during, odt_bytes, pdf_bytes

pytestmark = pytest.mark.security

MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = ODT.encode()


def refused(data: bytes, *words: str) -> str:
    """The refusal of data as an upload; each word must be in its (Vietnamese) reason."""
    with pytest.raises(DocumentRefused) as error:
        check_upload("bao-cao.docx", data)
    said = str(error.value)
    for word in words:
        assert word.lower() in said.lower(), said
    return said


def types_xml(*content_types: str, main: str = MAIN) -> bytes:
    overrides = "".join(
        f'<Override PartName="/word/p{i}.xml" ContentType="{kind}"/>'
        for i, kind in enumerate(content_types)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{overrides}</Types>'
    ).encode()


def docx(types: bytes = DOCX_TYPES, *parts: tuple[str, bytes]) -> bytes:
    """A DOCX-shaped package written by zipfile (as Word-like tools write them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", types)
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr("word/document.xml", "<w:document><w:body/></w:document>")
        for name, data in parts:
            package.writestr(name, data)
    return buffer.getvalue()


def odt(*parts: tuple[str, bytes], manifest: bytes | None = None) -> bytes:
    """An ODT package as LibreOffice writes one: mimetype first and stored, a manifest (parts
    may replace its content.xml or styles.xml)."""
    manifest = manifest or (
        b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        b'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
        b'manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry '
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("mimetype", ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED)
        package.writestr("Configurations2/", b"")
        package.writestr("META-INF/manifest.xml", manifest)
        members = {
            "content.xml": b'<office:document-content xmlns:office="o"/>',
            "styles.xml": b'<office:document-styles xmlns:office="o"/>',
        }
        for name, data in {**members, **dict(parts)}.items():
            package.writestr(name, data)
    return buffer.getvalue()


# --- what must still pass --------------------------------------------------------------------


def test_real_looking_documents_are_still_accepted() -> None:
    """Word- and LibreOffice-shaped files, with images, an embedded chart's workbook (an opaque
    member: counted, bounded, never opened) and XML over the ratio floor, are taken."""
    body = "".join(
        f"<w:p><w:r><w:t>Báo cáo số {i}: đơn vị {i * 7919 % 10007}</w:t></w:r></w:p>"
        for i in range(40_000)
    ).encode()  # ~2.5 MB, as repetitive as a long table
    image = random.Random(18).randbytes(1_000_000)
    chart = docx()  # any zip: an embedded .xlsx is one
    word = docx(
        DOCX_TYPES,
        ("word/media/image1.png", image),
        ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", chart),
        ("word/styles.xml", body),
    )
    assert check_upload("bao-cao.docx", word).media_type == DOCX
    assert check_upload("bao-cao.docx", docx_bytes()).media_type == DOCX
    writer = odt(("Pictures/1.png", image), ("settings.xml", b"<office:settings/>"))
    assert check_upload("bao-cao.odt", writer).media_type == ODT
    assert check_upload("bao-cao.odt", odt_bytes()).media_type == ODT


# --- the bounds, one by one --------------------------------------------------------------------


def test_too_many_members_are_refused_whatever_the_end_record_says() -> None:
    """2,001 members are refused, by the end record's count or, when it lies, while walking the
    directory (stopping at the bound: 100,000 members are never all read)."""
    entries = [Entry(f"m/{i}", b"", method=0) for i in range(2001)]
    refused(raw_zip(entries), "quá nhiều thành phần")
    refused(raw_zip(entries, count=1), "quá nhiều thành phần")
    refused(hundred_thousand_members(), "quá nhiều thành phần")
    assert len(Container(raw_zip(entries[:2000])).members) == 2000


def test_a_declared_size_over_the_bounds_is_refused() -> None:
    """Per member (128 MB) from the header alone, and in total (256 MB) over many members that
    each stay under the ratio floor."""
    refused(deflate_bomb(lying=False), "khai báo dung lượng giải nén quá lớn", "128 MB")
    one = deflated(bytes(MIB))
    parts = [Entry(f"word/p{i}.xml", one.payload, size=MIB, crc=one.crc) for i in range(300)]
    refused(docx_with(deflated(DOCX_TYPES), *parts), "quá lớn", "256 MB")


def test_a_member_larger_than_its_header_says_stops_at_the_bound() -> None:
    """~10 GiB of XML behind a header claiming 1,000 bytes: the read stops at 1 MiB of output,
    in a few MiB of memory; a smaller lie is caught by the size and CRC check."""
    bomb = deflate_bomb(lying=True)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        refused(bomb, "lớn hơn mức cho phép")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * MIB, peak  # whereas reading it whole takes ~10 GiB

    small_lie = deflated(DOCX_TYPES)
    refused(docx_with(Entry("", small_lie.payload, size=100, crc=small_lie.crc)), "không khớp")
    refused(docx_with(Entry("", small_lie.payload, size=small_lie.size, crc=1)), "không khớp")


def test_a_compression_ratio_over_the_bound_is_refused() -> None:
    """Over 1 MiB, a member may expand at most 200 times (deflate's limit is ~1,030)."""
    stream, size = zeros_deflate(4096)
    refused(docx_with(deflated(DOCX_TYPES), Entry("word/p.xml", stream, size=size)), "tỉ lệ nén")


@pytest.mark.parametrize(
    ("method", "label"),
    [(12, "bzip2"), (14, "lzma"), (9, "deflate64"), (93, "zstd"), (95, "xz"), (99, "aes")],
)
def test_compression_methods_other_than_stored_and_deflate_are_refused(
    method: int, label: str
) -> None:
    """Refused from the directory, before a byte is inflated (zipfile inflates bzip2 and LZMA a
    whole input chunk at a time, which is how 2.6 KB became 6.4 GB)."""
    refused(docx_with(Entry("", b"\x00" * 64, method=method, size=GIB)), "kiểu", "bzip2")
    if method == 12:
        refused(bzip2_bomb(1), "không nhận bzip2")


def test_a_nested_archive_is_refused_and_never_opened() -> None:
    refused(nested_bomb(), "lồng", "inner.zip")
    refused(docx(DOCX_TYPES, ("word/embeddings/x.7z", b"7z")), "lồng")


def test_an_encrypted_member_is_refused() -> None:
    types = deflated(DOCX_TYPES)
    refused(docx_with(Entry("", types.payload, size=types.size, crc=types.crc, flags=1)), "mã hoá")
    manifest = (
        b'<manifest:manifest xmlns:manifest="m"><manifest:file-entry manifest:full-path="content'
        b'.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>'
    )
    refused(odt(manifest=manifest), "mật khẩu")


@pytest.mark.parametrize(
    "names",
    [
        ("[Content_Types].xml", "[Content_Types].xml"),  # the same part twice: which is read?
        ("[Content_Types].xml", "[content_types].XML"),  # the same to a case-blind reader
        ("word/document.xml", "../../etc/cron.d/x"),
        ("word/document.xml", "/etc/passwd"),
        ("word/document.xml", "word\\..\\..\\x.xml"),
        ("word/document.xml", "C:/Windows/x.xml"),
        ("word/document.xml", "word/./document2.xml"),
        ("word/document.xml", "word/x\x00.xml"),
    ],
)
def test_duplicate_names_and_path_tricks_are_refused(names: tuple[str, str]) -> None:
    entries = [member("[Content_Types].xml", DOCX_TYPES)]
    entries += [member(name, b"<x/>") for name in names]
    refused(raw_zip(entries), "tên")


def test_members_sharing_their_bytes_are_refused() -> None:
    """The overlapping layout of the densest bombs (many entries, one stream): refused."""
    refused(BOMBS["overlap"](), "không nhận")
    types = member("[Content_Types].xml", DOCX_TYPES)
    parts = [types, Entry("word/document.xml", b"<w:document/>", method=0)]
    aliased = raw_zip(parts).replace(b"word/document.xml", b"word/documenT.xml", 1)
    refused(aliased, "không khớp")  # the local header names another part than the directory
    first = raw_zip(parts[::-1])
    central = first.index(b"PK\x01\x02")
    longer = struct.pack("<2L", 13 + 40, 13 + 40)  # the first member's sizes now cover the next
    refused(first[: central + 20] + longer + first[central + 28 :], "chồng lên nhau")
    refused(docx() + b"appended", "dữ liệu lạ")
    refused(docx()[:-30], "hỏng")


# --- macros in every spelling ------------------------------------------------------------------

MACRO_TYPES = [
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "APPLICATION/VND.MS-WORD.DOCUMENT.MACROENABLED.MAIN+XML",
    "application/vnd.ms-word.Document.MacroEnabled.main+xml",
    "application/vnd.ms-word.document.macro&#69;nabled.main+xml",  # a character reference
    "application/vnd.ms-office.vbaProject",
    "application/vnd.ms-word.vbaData+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.12",  # an embedded .xlsm
]


@pytest.mark.parametrize("content_type", MACRO_TYPES)
def test_a_macro_enabled_content_type_is_refused_in_any_spelling(content_type: str) -> None:
    refused(docx(types_xml(content_type)), "macro")
    refused(docx(types_xml(main=content_type)), "macro")


@pytest.mark.parametrize(
    "name",
    [
        "word/vbaProject.bin",
        "WORD/VBAPROJECT.BIN",
        "customXml/item/vbaproject.bin",
        "word/vbaData.xml",
        "x/VbaData.XML",
        "word/vbaProjectSignature.bin",
        "word/embeddings/bang.xlsm",
        "word/embeddings/Doc.DOCM",
        "word/activeX/activeX1.bin",
    ],
)
def test_a_vba_or_macro_part_is_refused_under_any_name_or_folder(name: str) -> None:
    refused(docx(DOCX_TYPES, (name, b"\xd0\xcf\x11\xe0macro")), "macro")


@pytest.mark.parametrize(
    "part",
    [
        ("Basic/Standard/Module1.xml", b"<script:module/>"),
        ("basic/script-lc.xml", b"<library:libraries/>"),
        ("Scripts/python/run.py", b"import os"),
        (
            "content.xml",
            b'<o:document-content xmlns:o="o" xmlns:s="s" xmlns:x="x"><s:event-listener '
            b'x:href="vnd.sun.star.script:../../../program/x.py$run?language=Python"/>'
            b"</o:document-content>",
        ),
        ("styles.xml", b'<o:styles xmlns:o="o" xmlns:x="x" x:href=" MACRO:///Std.M.Main"/>'),
        # the URL spelled with character references, or padded to straddle two chunks
        ("content.xml", b'<o:c xmlns:o="o" o:href="&#118;nd.sun.star.&#X73;cript:x"/>'),
        ("content.xml", b'<o:c xmlns:o="o" o:href="&#x00000000076;nd.sun.star.script:x"/>'),
        ("content.xml", b"<o:c>" + b" " * (64 * 1024 - 12) + b"vnd.sun.star.script:x</o:c>"),
    ],
)
def test_an_odt_with_scripts_is_refused(part: tuple[str, bytes]) -> None:
    refused(odt(part), "macro")


def test_odt_text_in_another_encoding_is_refused() -> None:
    """A byte search needs ASCII-compatible text: UTF-16 (or a declared other encoding) is
    refused rather than scanned blind; UTF-8 text with ordinary references passes."""
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><o:c/>'
    refused(odt(("content.xml", utf16.encode("utf-16"))), "UTF-8")
    refused(odt(("content.xml", utf16.encode())), "UTF-8")
    text = '<?xml version="1.0" encoding="UTF-8"?><o:c>&#9;&#xA;Tr&#7847;n macro d&#x1EA1;y</o:c>'
    assert check_upload("a.odt", odt(("content.xml", text.encode()))).media_type == ODT


def test_an_odt_manifest_naming_scripts_is_refused() -> None:
    manifest = (
        b'<m:manifest xmlns:m="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<m:file-entry m:full-path="Basic/Standard/" m:media-type="text/xml"/></m:manifest>'
    )
    refused(odt(manifest=manifest), "macro")


def test_an_entity_bomb_in_the_content_types_is_refused_without_expansion() -> None:
    laughs = b'<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((i,) + (i - 1,) * 10)
        for i in range(ord("b"), ord("k"))
    )
    refused(docx(laughs + b']><Types a="&j;"/>'), "hỏng")


# --- through the web ------------------------------------------------------------------------


@pytest.fixture
def link(monkeypatch: pytest.MonkeyPatch) -> str:
    """Sở A's report link (path) in the small world, with a shared signing key."""
    monkeypatch.setenv("TDKT_SECRET_KEY", "upload-security-" + "k" * 32)
    return prepare_world()


def spent_tokens() -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(UsedFormToken)) or 0


def documents() -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(SubmittedDocument)) or 0


def form_of(client: TestClient, link: str) -> dict[str, str]:
    page = client.get(link).text
    return {k: unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', page)}


def test_a_refused_upload_spends_its_form(link: str) -> None:
    """Posting the same form again is refused as a replay (409), before the file is looked at;
    a fresh page (a new token) takes a good file."""
    client = TestClient(create_app(now=clock_at(during(dt.date(2023, 2, 23)))))
    fields = form_of(client, link)
    files = {"document": ("bom.docx", bzip2_bomb(1), "application/octet-stream")}

    first = client.post(f"{link}/nop", data=fields, files=files, follow_redirects=False)
    assert first.status_code == 400
    assert "không nhận bzip2" in unescape(first.text) and "mở lại trang" in unescape(first.text)
    assert spent_tokens() == 1

    again = client.post(f"{link}/nop", data=fields, files=files, follow_redirects=False)
    assert again.status_code == 409
    assert "đã được gửi một lần" in unescape(again.text)
    good = {"document": ("bao-cao.pdf", pdf_bytes(), "application/pdf")}
    assert client.post(f"{link}/nop", data=fields, files=good).status_code == 409
    assert (spent_tokens(), documents()) == (1, 0)

    fresh = form_of(client, link)
    done = client.post(f"{link}/nop", data=fresh, files=good, follow_redirects=False)
    assert done.status_code == 303
    assert (spent_tokens(), documents()) == (2, 1)


@pytest.mark.parametrize("kind", ["bomb", "good"])
def test_the_document_is_checked_with_no_database_connection_held(
    link: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check inflates up to its bounds; inside the act's transaction it would hold
    SQLite's one write lock (every other writer waiting) for as long. It runs before."""
    held: list[int] = []

    def watched(filename: str, data: bytes, *, max_bytes: int) -> Accepted:
        pool = engine_for().pool
        assert isinstance(pool, QueuePool)  # file SQLite and PostgreSQL alike
        held.append(pool.checkedout())
        return check_upload(filename, data, max_bytes=max_bytes)

    monkeypatch.setattr(agency, "check_upload", watched)
    client = TestClient(create_app(now=clock_at(during(dt.date(2023, 2, 23)))))
    upload = ("bom.docx", bzip2_bomb(1)) if kind == "bomb" else ("bao-cao.pdf", pdf_bytes())
    answer = client.post(
        f"{link}/nop",
        data=form_of(client, link),
        files={"document": upload},
        follow_redirects=False,
    )
    assert answer.status_code == (400 if kind == "bomb" else 303)
    assert held == [0]
    assert (spent_tokens(), documents()) == (1, 0 if kind == "bomb" else 1)


def test_a_document_is_not_inflated_for_a_form_this_server_did_not_sign(
    link: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unpacking is the costly part of a check: a forged or missing form token, or a forged
    link, is refused before the document is looked at."""
    checked: list[str] = []
    monkeypatch.setattr(agency, "check_upload", lambda name, data, **_: checked.append(name))
    client = TestClient(create_app(now=clock_at(during(dt.date(2023, 2, 23)))))
    fields = form_of(client, link)
    bomb = {"document": ("bom.docx", bzip2_bomb(1))}
    forged = {**fields, "form_token": fields["form_token"][:-4] + "AAAA"}
    for path, data in ((link, forged), (link, {**fields, "form_token": ""}), (link + "x", fields)):
        answer = client.post(f"{path}/nop", data=data, files=bomb, follow_redirects=False)
        assert answer.status_code in (400, 404), answer.status_code
    assert checked == []
    assert (spent_tokens(), documents()) == (0, 0)


@pytest.fixture
def server(link: str) -> Iterator[tuple[Server, str]]:
    with Server() as running:
        yield running, link


def test_eight_bombs_at_once_keep_the_server_under_300_mb(server: tuple[Server, str]) -> None:
    """The issue's bzip2 bomb, deflate bombs at the 10 MB limit (honest and lying headers),
    2,000 members of 1 MiB, a nested zip, 100,000 members, overlapping members and LZMA, posted
    together to the app in its own uvicorn process: each gets the Vietnamese refusal page with
    the security headers, each spends its form, and the process's peak RSS stays under 300 MB
    (before the fix, one bzip2 bomb of 3 GiB took it to 6.4 GB)."""
    running, link = server
    bombs = {name: build() for name, build in BOMBS.items()}
    assert len(bombs) == 8 and max(map(len, bombs.values())) < 10 * MIB
    answers = attack(running, link, bombs)
    peak = running.memory()["VmHWM"]
    for name, answer in answers.items():
        said = answer.refusal()
        assert answer.status == 400 and said, (name, answer.status, answer.text[:500])
        assert "Chưa có gì được ghi" in unescape(said), said
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert peak < TARGET_MIB, f"peak RSS {peak:.0f} MiB"
    assert (spent_tokens(), documents()) == (8, 0)


def test_the_deflate_stream_builder_is_what_the_bombs_claim() -> None:
    """(The bench's own check: its repeated blocks really inflate to the size it declares.)"""
    stream, size = zeros_deflate(20_000, b" ", b"<Types>")
    inflated = zlib.decompressobj(-zlib.MAX_WBITS).decompress(stream)
    assert len(inflated) == size and inflated.startswith(b"<Types>  ")
