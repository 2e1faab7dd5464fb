"""A reorganisation as data: which units merged into which, read from YAML or CSV.

The 2025 reorganisation is hundreds of rows per province (departments merged on 1 March,
districts removed and communes merged on 1 July), decided by resolutions that list them. A
coordinator writes them once in a mapping file; `tdkt directory reorganise` applies it whole
(models.services.reorganise). Here the file is only read and checked on its own: every error
names its file, line and field; what needs the database (unknown codes, open work) is checked
by the service, which names the same lines through :class:`Mapping`.

YAML::

    format: 1
    title: Sắp xếp tỉnh Quảng Bình vào tỉnh Quảng Trị
    effective: 2025-07-01
    basis: Nghị quyết 202/2025/QH15 ngày 12/6/2025 của Quốc hội
    directory: quang-tri.yaml        # optional: the successors, imported in the same transaction
    removed_levels: [district]       # every such unit under a merged one must be mapped
    moves:
      - {from: QB, to: QT}
      - {from: [QB.DH, QB.DH.HAITHANH], to: QT.DONGHOI}

CSV: one row per predecessor, columns ``from_code,to_code,note``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.directory import UnitCode
from models.source import (
    InputError,
    InputErrors,
    SourceDocument,
    decode_utf8,
    read_bytes,
    read_yaml,
    text_problem,
)
from models.vocabulary import UnitKind

MAX_MOVES = 50_000
"""Most rows a mapping may hold: the whole country's 2025 reorganisation is about 12,000."""

CSV_COLUMNS = ("from_code", "to_code", "note")


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    from_: Annotated[list[UnitCode], Field(alias="from", min_length=1)]
    to: UnitCode | None = Field(None, description="Empty: the parent's successor takes over")
    note: str | None = Field(None, max_length=500)

    @field_validator("from_", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class MappingFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    format: Literal[1] = 1
    title: str | None = Field(None, max_length=300)
    effective: dt.date | None = None
    basis: str | None = Field(None, max_length=500)
    directory: str | None = Field(None, max_length=300)
    removed_levels: list[UnitKind] = Field(default_factory=list)
    moves: list[Move] = Field(min_length=1, max_length=MAX_MOVES)


@dataclass(frozen=True)
class Row:
    """One predecessor's line: where a person finds it in the file."""

    code: str
    to: str | None
    line: int | None
    field: str  # "moves[3].from[1]" or "from_code"
    to_field: str


@dataclass(frozen=True)
class Mapping:
    """A mapping file read and checked on its own."""

    path: str
    spec: MappingFile
    rows: list[Row]
    source: SourceDocument

    def error(self, row: Row | None, message: str, *, to: bool = False) -> InputError:
        """An error at a row's predecessor (or, with to, its successor) field."""
        if row is None:
            return InputError(self.path, None, "", message)
        return InputError(self.path, row.line, row.to_field if to else row.field, message)

    @property
    def directory_path(self) -> Path | None:
        """The successors' directory file, relative to the mapping file."""
        if not self.spec.directory:
            return None
        return Path(self.path).parent / self.spec.directory

    def resolved(self) -> tuple[dict[str, tuple[str, Row]], list[InputError]]:
        """Each predecessor's final successor in the file (A → B, B → C: A → C) with its row,
        and the errors found without the database: a unit listed twice, one mapped onto
        itself, a cycle. Rows with no successor are left out (the service resolves them)."""
        errors: list[InputError] = []
        first: dict[str, Row] = {}
        for row in self.rows:
            if row.code in first:
                seen = first[row.code]
                errors.append(
                    self.error(row, f"đơn vị {row.code} đã có ở dòng {seen.line} của tệp")
                )
                continue
            first[row.code] = row
            if row.to == row.code:
                errors.append(
                    self.error(row, f"không thể sáp nhập {row.code} vào chính nó", to=True)
                )
        out: dict[str, tuple[str, Row]] = {}
        for code, row in first.items():
            if row.to is None or row.to == code:
                continue
            path, target = [code], row.to
            while target in first and first[target].to is not None and target not in path:
                path.append(target)
                target = first[target].to or target
            if target in path:
                loop = " → ".join([*path[path.index(target) :], target])
                lines = ", ".join(str(first[c].line) for c in path[path.index(target) :])
                if code == min(path[path.index(target) :]):  # report each cycle once
                    errors.append(self.error(row, f"vòng lặp {loop} (dòng {lines})", to=True))
                continue
            out[code] = (target, row)
        return out, errors


def read_mapping(path: str | Path) -> Mapping:
    """Read a mapping file (.yaml/.yml or .csv) and check what it says on its own."""
    name = str(path)
    is_csv = name.lower().endswith(".csv")
    source = _read_csv(name) if is_csv else read_yaml(name)
    spec = source.validate(MappingFile)
    rows: list[Row] = []
    for i, move in enumerate(spec.moves):
        for j, code in enumerate(move.from_):
            if is_csv:
                rows.append(
                    Row(code, move.to, source.line_of(("moves", i)), "from_code", "to_code")
                )
                continue
            field = f"moves[{i}].from" + (f"[{j}]" if len(move.from_) > 1 else "")
            line = source.line_of(("moves", i, "from", j))
            rows.append(Row(code, move.to, line, field, f"moves[{i}].to"))
    mapping = Mapping(name, spec, rows, source)
    errors = mapping.resolved()[1]
    if errors:
        raise InputErrors(errors)
    return mapping


def _read_csv(name: str) -> SourceDocument:
    """One row per predecessor; turned into the YAML shape, each row keeping its line."""
    text = decode_utf8(read_bytes(name), name)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = list(reader.fieldnames or [])
    missing = [c for c in ("from_code", "to_code") if c not in fields]
    if missing:
        raise InputErrors([InputError(name, 1, "", "thiếu cột: " + ", ".join(missing))])
    unknown = [c for c in fields if c not in CSV_COLUMNS]
    if unknown:
        raise InputErrors([InputError(name, 1, "", "cột không rõ: " + ", ".join(unknown))])
    doc = SourceDocument(name, None)
    moves: list[dict[str, object]] = []
    try:
        for row in reader:
            line = reader.line_num
            for column in CSV_COLUMNS:
                problem = text_problem(row.get(column) or "")
                if problem:
                    raise InputErrors([InputError(name, line, column, problem)])
            if len(moves) >= MAX_MOVES:
                raise InputErrors([InputError(name, line, "", f"quá {MAX_MOVES} dòng")])
            move: dict[str, object] = {"from": (row.get("from_code") or "").strip()}
            if (row.get("to_code") or "").strip():
                move["to"] = row["to_code"]
            if (row.get("note") or "").strip():
                move["note"] = row["note"]
            doc.lines[("moves", len(moves))] = line
            moves.append(move)
    except csv.Error as exc:
        line = reader.line_num + 1
        raise InputErrors([InputError(name, line, "", f"CSV không hợp lệ: {exc}")]) from None
    if not moves:
        raise InputErrors([InputError(name, None, "", "tệp không có dòng nào")])
    doc.data = {"format": 1, "moves": moves}
    return doc
