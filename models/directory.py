"""The directory of units, contacts and emulation clusters, as people write it (YAML or CSV).

Both forms are validated here into :class:`Directory`, with every error naming its file, line
and field; duplicate codes, unknown parents, cycles in the hierarchy and bad emails are refused
before anything is written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError

from models.source import InputError, InputErrors, Location, SourceDocument, read_yaml
from models.vocabulary import ClusterKind, ContactRole, UnitKind

UnitCode = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9._-]*$", max_length=80)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ContactIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    role: ContactRole
    email: EmailStr
    phone: str | None = Field(None, max_length=40)


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


def read_directory(path: str | Path, known_codes: frozenset[str] = frozenset()) -> Directory:
    """Read a directory file (.yaml/.yml or .csv) and check it whole.

    known_codes are units already in the database, which the file may name as parents.
    """
    name = str(path)
    source = _read_csv(name) if name.lower().endswith(".csv") else read_yaml(name)
    directory = source.validate(Directory)
    problems = [source.error(loc, msg) for loc, msg in consistency_errors(directory, known_codes)]
    if problems:
        raise InputErrors(problems)
    return directory


def consistency_errors(
    directory: Directory, known_codes: frozenset[str] = frozenset()
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
    errors += _cycles(directory)
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
    return errors


def _cycles(directory: Directory) -> list[tuple[Location, str]]:
    parent = {u.code: u.parent for u in directory.units}
    index = {u.code: i for i, u in enumerate(directory.units)}
    errors: list[tuple[Location, str]] = []
    reported: set[str] = set()
    for start in parent:
        path: list[str] = []
        code: str | None = start
        while code is not None and code in parent and code not in path:
            path.append(code)
            code = parent[code]
        if code is not None and code in path:
            cycle = path[path.index(code) :]
            if not reported & set(cycle):
                reported |= set(cycle)
                first = min(cycle, key=index.__getitem__)
                errors.append(
                    (
                        ("units", index[first], "parent"),
                        "vòng lặp trong cây đơn vị: " + " → ".join([*cycle, code]),
                    )
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
)


def _read_csv(name: str) -> SourceDocument:
    """A CSV with one row per contact; rows of one unit repeat its code (name may be blank).

    The rows are turned into the YAML shape so that one validator serves both forms; each
    value's location maps back to its CSV line.
    """
    try:
        raw = Path(name).read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        raise InputErrors(
            [InputError(name, None, "", f"không đọc được tệp: {exc.strerror}")]
        ) from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputErrors([InputError(name, line, "", "tệp không phải UTF-8")]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c for c in ("unit_code", "unit_name", "unit_kind") if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise InputErrors([InputError(name, 1, "", "thiếu cột: " + ", ".join(missing))])
    unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS]
    if unknown:
        raise InputErrors([InputError(name, 1, "", "cột không rõ: " + ", ".join(unknown))])
    doc = SourceDocument(name, None)
    units: list[dict[str, object]] = []
    by_code: dict[str, dict[str, object]] = {}
    for row in reader:
        line = reader.line_num
        code = (row.get("unit_code") or "").strip()
        unit = by_code.get(code)
        if unit is None or not code:
            i = len(units)
            unit = {
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
                by_code[code] = unit
            doc.lines[("units", i)] = line
            for key in ("code", "name", "kind", "parent", "successor"):
                doc.lines[("units", i, key)] = line
        i = units.index(unit)
        if (row.get("contact_email") or row.get("contact_name") or "").strip():
            contacts = unit["contacts"]
            assert isinstance(contacts, list)
            j = len(contacts)
            contact = {
                "name": row.get("contact_name") or "",
                "role": row.get("contact_role") or "",
                "email": row.get("contact_email") or "",
            }
            if (row.get("contact_phone") or "").strip():
                contact["phone"] = row["contact_phone"]
            contacts.append(contact)
            for key in ("", "name", "role", "email", "phone"):
                doc.lines[
                    ("units", i, "contacts", j, key) if key else ("units", i, "contacts", j)
                ] = line
    doc.data = {"format": 1, "units": units}
    if not units:
        raise InputErrors([InputError(name, None, "", "tệp không có đơn vị nào")])
    return doc


__all__ = ["ClusterIn", "ContactIn", "Directory", "UnitIn", "ValidationError", "read_directory"]
