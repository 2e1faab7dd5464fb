"""The directory of units, contacts and emulation clusters, as people write it (YAML or CSV).

Both forms are validated here into :class:`Directory`, with every error naming its file, line
and field; duplicate codes, unknown parents, cycles in the hierarchy and bad emails are refused
before anything is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from email_validator import validate_email
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator

from models.source import (
    InputError,
    InputErrors,
    Location,
    SourceDocument,
    decode_utf8,
    read_bytes,
    read_yaml,
    text_problem,
)
from models.vocabulary import ClusterKind, ContactRole, UnitKind

UnitCode = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9._-]*$", max_length=80)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ContactIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    role: ContactRole
    email: EmailStr
    phone: str | None = Field(None, max_length=40)
    position: str | None = Field(
        None,
        min_length=1,
        max_length=300,
        description="Chức vụ and the body it is in: 'Chủ tịch Ủy ban nhân dân tỉnh'",
    )

    @field_validator("email")
    @classmethod
    def _deliverable_as_ascii(cls, email: str) -> str:
        """The address as the sender writes it: an accented domain in its ASCII (punycode)
        form. An accented name before the @ needs SMTPUTF8, which the sender does not use:
        refused here, rather than failing every morning's sweep that writes to it."""
        ascii_email = validate_email(email, check_deliverability=False).ascii_email
        if ascii_email is None:
            raise ValueError(
                "địa chỉ email không hợp lệ: phần trước @ có chữ có dấu hoặc ký tự ngoài ASCII, "
                "máy chủ thư không gửi được"
            )
        return ascii_email


class UnitIn(_Strict):
    code: UnitCode
    name: str = Field(min_length=1, max_length=300)
    kind: UnitKind
    parent: UnitCode | None = None
    successor: UnitCode | None = Field(None, description="Who took over after a merger")
    contacts: list[ContactIn] = Field(default_factory=list)


class ClusterIn(_Strict):
    code: UnitCode
    name: str = Field(min_length=1, max_length=300)
    kind: ClusterKind
    leader: UnitCode
    members: list[UnitCode] = Field(min_length=1)


class Directory(_Strict):
    format: Literal[1] = 1
    units: list[UnitIn] = Field(min_length=1)
    clusters: list[ClusterIn] = Field(default_factory=list)


Links = Mapping[str, tuple[str | None, str | None]]
"""Units already in the database: code -> (parent code, successor code)."""


def read_directory(
    path: str | Path, known_codes: frozenset[str] = frozenset(), known_links: Links | None = None
) -> Directory:
    """Read a directory file (.yaml/.yml or .csv) and check it whole.

    known_codes are units already in the database, which the file may name as parents.
    known_links, when given, are their parents and successors: a file that changes a unit's
    parent can close a cycle through units it does not list, which only they show.
    """
    name = str(path)
    source = _read_csv(name) if name.lower().endswith(".csv") else read_yaml(name)
    directory = source.validate(Directory)
    known = known_codes | frozenset(known_links or ())
    errors = consistency_errors(directory, known, known_links)
    problems = [source.error(loc, msg) for loc, msg in errors]
    if problems:
        raise InputErrors(problems)
    return directory


def consistency_errors(
    directory: Directory,
    known_codes: frozenset[str] = frozenset(),
    known_links: Links | None = None,
) -> list[tuple[Location, str]]:
    """Duplicate codes, dangling references and cycles, each with its location."""
    errors: list[tuple[Location, str]] = []
    first_seen: dict[str, int] = {}
    for i, unit in enumerate(directory.units):
        if unit.code in first_seen:
            errors.append(
                (
                    ("units", i, "code"),
                    f"mã {unit.code} trùng với đơn vị thứ {first_seen[unit.code] + 1}",
                )
            )
        else:
            first_seen[unit.code] = i
        emails = [c.email.lower() for c in unit.contacts]
        for j, email in enumerate(emails):
            if email in emails[:j] and unit.contacts[j].role in {
                c.role for c in unit.contacts[:j] if c.email.lower() == email
            }:
                errors.append(
                    (
                        ("units", i, "contacts", j, "email"),
                        f"liên hệ {email} được khai hai lần với cùng vai trò",
                    )
                )
    codes = set(first_seen) | known_codes
    for i, unit in enumerate(directory.units):
        for key in ("parent", "successor"):
            ref = getattr(unit, key)
            if ref is not None and ref not in codes:
                errors.append((("units", i, key), f"không có đơn vị mã {ref}"))
            if ref == unit.code:
                errors.append((("units", i, key), "đơn vị không thể tự trỏ đến chính mình"))
    errors += _cycles(directory, "parent", known_links, "vòng lặp trong cây đơn vị")
    errors += _cycles(directory, "successor", known_links, "vòng lặp trong chuỗi sáp nhập")
    cluster_codes: set[str] = set()
    for i, cluster in enumerate(directory.clusters):
        if cluster.code in cluster_codes or cluster.code in first_seen:
            errors.append((("clusters", i, "code"), f"mã {cluster.code} đã được dùng"))
        cluster_codes.add(cluster.code)
        if cluster.leader not in codes:
            errors.append((("clusters", i, "leader"), f"không có đơn vị mã {cluster.leader}"))
        elif cluster.leader not in cluster.members:
            errors.append((("clusters", i, "leader"), "đơn vị trưởng cụm/khối phải là thành viên"))
        for j, member in enumerate(cluster.members):
            if member not in codes:
                errors.append((("clusters", i, "members", j), f"không có đơn vị mã {member}"))
            elif member in cluster.members[:j]:
                # The membership table holds each unit once: the database would refuse it.
                errors.append((("clusters", i, "members", j), f"đơn vị {member} được khai hai lần"))
    return errors


def _cycles(
    directory: Directory, key: Literal["parent", "successor"], known: Links | None, what: str
) -> list[tuple[Location, str]]:
    """Cycles of parents (or of successors) once the file is applied over the database."""
    link = {code: (p if key == "parent" else s) for code, (p, s) in (known or {}).items()}
    link |= {u.code: getattr(u, key) for u in directory.units}
    index = {u.code: i for i, u in enumerate(directory.units)}
    errors: list[tuple[Location, str]] = []
    reported: set[str] = set()
    for start in index:
        path: list[str] = []
        seen: set[str] = set()
        code: str | None = start
        while code is not None and code in link and code not in seen:
            path.append(code)
            seen.add(code)
            code = link[code]
        if code is not None and code in seen:
            cycle = path[path.index(code) :]
            # The file's own units on the cycle: name the first one's line. (None: a cycle
            # already in the database, not this file's doing; one unit: reported above.)
            inside = [c for c in cycle if c in index]
            if len(cycle) > 1 and inside and not reported & set(cycle):
                reported |= set(cycle)
                first = min(inside, key=index.__getitem__)
                errors.append(
                    (("units", index[first], key), f"{what}: " + " → ".join([*cycle, code]))
                )
    return errors


CSV_COLUMNS = (
    "unit_code",
    "unit_name",
    "unit_kind",
    "parent_code",
    "successor_code",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "contact_position",
)


def _read_csv(name: str) -> SourceDocument:
    """A CSV with one row per contact; rows of one unit repeat its code (name may be blank).

    The rows are turned into the YAML shape so that one validator serves both forms; each
    value's location maps back to its CSV line.
    """
    text = decode_utf8(read_bytes(name), name)
    # newline="": a lone CR (an old Mac file, a pasted cell) ends a line instead of making
    # the csv module fail with "new-line character seen in unquoted field".
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        fieldnames = list(reader.fieldnames or [])
        doc = _csv_rows(name, reader, fieldnames)
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit (128 KiB)
        reason = (
            f"có ô dài quá {csv.field_size_limit()} ký tự"
            if "field limit" in str(exc)
            else str(exc)
        )
        # line_num counts the lines read before the one that failed.
        line = reader.line_num + 1
        raise InputErrors([InputError(name, line, "", f"CSV không hợp lệ: {reason}")]) from None
    return doc


def _csv_rows(name: str, reader: csv.DictReader[str], fieldnames: list[str]) -> SourceDocument:
    missing = [c for c in ("unit_code", "unit_name", "unit_kind") if c not in fieldnames]
    if missing:
        raise InputErrors([InputError(name, 1, "", "thiếu cột: " + ", ".join(missing))])
    unknown = [c for c in fieldnames if c not in CSV_COLUMNS]
    if unknown:
        shown = ", ".join(repr(c) if text_problem(c) else c for c in unknown)
        raise InputErrors([InputError(name, 1, "", "cột không rõ: " + shown)])
    doc = SourceDocument(name, None)
    units: list[dict[str, object]] = []
    by_code: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        for column in CSV_COLUMNS:
            problem = text_problem(row.get(column) or "")
            if problem:
                raise InputErrors([InputError(name, line, column, problem)])
        code = (row.get("unit_code") or "").strip()
        i = by_code.get(code, -1) if code else -1
        if i < 0:
            i = len(units)
            unit: dict[str, object] = {
                "code": code,
                "name": row.get("unit_name") or "",
                "kind": row.get("unit_kind") or "",
                "contacts": [],
            }
            for column, key in (("parent_code", "parent"), ("successor_code", "successor")):
                if (row.get(column) or "").strip():
                    unit[key] = row[column]
            units.append(unit)
            if code:
                by_code[code] = i
            doc.lines[("units", i)] = line
            for key in ("code", "name", "kind", "parent", "successor"):
                doc.lines[("units", i, key)] = line
        if (row.get("contact_email") or row.get("contact_name") or "").strip():
            contacts = units[i]["contacts"]
            assert isinstance(contacts, list)
            j = len(contacts)
            contact = {
                "name": row.get("contact_name") or "",
                "role": row.get("contact_role") or "",
                "email": row.get("contact_email") or "",
            }
            for column, key in (("contact_phone", "phone"), ("contact_position", "position")):
                if (row.get(column) or "").strip():
                    contact[key] = row[column]
            contacts.append(contact)
            for key in ("", "name", "role", "email", "phone", "position"):
                doc.lines[
                    ("units", i, "contacts", j, key) if key else ("units", i, "contacts", j)
                ] = line
    doc.data = {"format": 1, "units": units}
    if not units:
        raise InputErrors([InputError(name, None, "", "tệp không có đơn vị nào")])
    return doc


__all__ = ["ClusterIn", "ContactIn", "Directory", "UnitIn", "ValidationError", "read_directory"]
