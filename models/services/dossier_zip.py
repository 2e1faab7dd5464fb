"""A proposal's dossier as one zip: every piece present, and the mục lục naming each piece.

The zip is deterministic (the same dossier gives the same bytes: fixed timestamps and
permissions, names sorted) so a second export can be compared with the first, and bounded:
the pieces' sizes are added up from what is recorded (and, for stored files, from the file
system) before any file is read, and an export past the bound is refused.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.documents import EXTENSIONS, size_text
from models.dossier import generator_of, status_text
from models.orm.recognition import RewardProposal
from models.recognition import RecognitionError
from models.services.submissions import document_path

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
"""Every member's timestamp: the zip format's earliest, so the bytes never depend on when."""

DOSSIER_MAX_BYTES = 200 * 1024 * 1024
"""The most a dossier's pieces may add up to before compression (twenty 10 MB uploads)."""

INDEX_NAME = "00-muc-luc-ho-so"


@dataclass(frozen=True)
class Entry:
    """A file of the zip."""

    name: str
    data: bytes


@dataclass(frozen=True)
class IndexLine:
    """A line of the mục lục: the piece, whether present, and the files that hold it."""

    number: int
    code: str
    document: str
    present: bool
    state: str
    files: tuple[str, ...]


def stable_docx(data: bytes) -> bytes:
    """A .docx tdkt-flow rendered, with its members' timestamps fixed: python-docx stamps each
    member with the clock's time when it saves, so two renders a second apart would differ.
    Only our own renderer's output comes here (never an upload), so it is read whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            fixed = zipfile.ZipInfo(member.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(member.filename))
    return out.getvalue()


def _stem(number: int, code: str) -> str:
    return f"{number:02d}-{code.replace('/', '-')[:60]}"


def _stored(store: Path, file: Mapping[str, Any]) -> Path:
    return document_path(store, str(file["sha256"]))


def planned_size(
    proposal: RewardProposal, store: Path, generated: Mapping[str, Sequence[Entry]]
) -> int:
    """What the pieces add up to, from sizes alone: the bound is checked before reading."""
    total = sum(len(e.data) for entries in generated.values() for e in entries)
    for item in proposal.dossier:
        file = item.get("file")
        if item.get("received") and isinstance(file, Mapping):
            path = _stored(store, file)
            total += path.stat().st_size if path.exists() else 0
    return total


def entries_and_index(
    proposal: RewardProposal, store: Path, generated: Mapping[str, Sequence[Entry]]
) -> tuple[list[Entry], list[IndexLine]]:
    """The files of the dossier and its mục lục's lines, in the checklist's order.

    `generated` holds, per generator (models.dossier.GEN_*), the files it wrote (the .docx
    and, where LibreOffice is present, its PDF); pieces sharing a generator share its files.
    An uploaded piece is its stored file, checked against its recorded hash.
    """
    entries: list[Entry] = []
    lines: list[IndexLine] = []
    named: dict[str, tuple[str, ...]] = {}
    for number, item in enumerate(proposal.dossier, start=1):
        code, present = str(item["code"]), bool(item.get("received"))
        files: tuple[str, ...] = ()
        generator = generator_of(item)
        file = item.get("file")
        if present and isinstance(file, Mapping):
            data = _stored(store, file).read_bytes()
            if hashlib.sha256(data).hexdigest() != file["sha256"]:
                raise RecognitionError(f"tệp '{file['filename']}' trong kho không còn nguyên vẹn")
            extension = EXTENSIONS.get(str(file["media_type"]), "")
            files = (f"{_stem(number, code)}{extension}",)
            entries.append(Entry(files[0], data))
        elif present and generator is not None and generator in named:
            files = named[generator]
        elif present and generator is not None and generated.get(generator):
            files = tuple(
                f"{_stem(number, code)}{Path(e.name).suffix}" for e in generated[generator]
            )
            entries += [Entry(n, e.data) for n, e in zip(files, generated[generator], strict=True)]
            named[generator] = files
        lines.append(
            IndexLine(number, code, str(item["document"]), present, status_text(item), files)
        )
    return entries, lines


def pack(entries: Sequence[Entry], *, max_bytes: int = DOSSIER_MAX_BYTES) -> bytes:
    """The zip of `entries`, names sorted, every timestamp and permission fixed."""
    total = sum(len(e.data) for e in entries)
    if total > max_bytes:
        raise RecognitionError(
            f"hồ sơ quá lớn để đóng gói ({size_text(total)}); tối đa {size_text(max_bytes)}"
        )
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise ValueError("two files of the dossier have the same name")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in sorted(entries, key=lambda e: e.name):
            info = zipfile.ZipInfo(entry.name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever system writes it
            archive.writestr(info, entry.data)
    return out.getvalue()


def dossier_zip(
    proposal: RewardProposal,
    store: Path,
    generated: Mapping[str, Sequence[Entry]],
    write_index: Callable[[Sequence[IndexLine]], Sequence[Entry]],
    *,
    max_bytes: int = DOSSIER_MAX_BYTES,
) -> bytes:
    """The zip: every piece present, and the mục lục `write_index` writes from the lines.

    The bound is checked on the recorded sizes before any stored file is read.
    """
    planned = planned_size(proposal, store, generated)
    if planned > max_bytes:
        raise RecognitionError(
            f"hồ sơ quá lớn để đóng gói ({size_text(planned)}); tối đa {size_text(max_bytes)}"
        )
    entries, lines = entries_and_index(proposal, store, generated)
    return pack([*write_index(lines), *entries], max_bytes=max_bytes)
