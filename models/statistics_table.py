"""The tables the yearly statistics fill (models/statistics.py): a form's columns as it numbers
them, its rows with their mã số, and the rule that fills rows from grouped counts (blank where
tdkt-flow records nothing, the total the sum of the tracked columns). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StatColumn:
    """A figure column: its number on the form, its header, an optional second header line
    (Tập thể / Cá nhân), and whether tdkt-flow records what it counts (else left blank)."""

    number: str
    header: str
    sub: str | None = None
    tracked: bool = True
    key: str = ""


@dataclass(frozen=True)
class StatRow:
    """A row: its label, its code (mã số), its unit (đơn vị tính), its figures (None: blank),
    and whether it is a section heading (bold, no figures) or the total row."""

    label: str
    code: str
    unit: str
    values: tuple[int | None, ...]
    total: int | None
    heading: bool = False
    bold: bool = False


@dataclass(frozen=True)
class StatTable:
    """One form filled in: its code, title, unit line and layout, rows, and notes on sources."""

    code: str
    title: str
    columns: tuple[StatColumn, ...]
    rows: tuple[StatRow, ...]
    total_header: str = "Tổng số"
    total_number: str = "1"
    unit_line: str | None = None
    has_unit_column: bool = True
    unit_header: str = "Đơn vị tính"
    band: str = "Chia ra"
    notes: tuple[str, ...] = ()
    sheet: str = ""

    def row(self, code: str) -> StatRow:
        """The row with mã số `code` (tests and notes read figures by it)."""
        return next(r for r in self.rows if r.code == code)


@dataclass(frozen=True)
class RowSpec:
    label: str
    code: str
    unit: str
    key: str | None  # None: a heading
    bold: bool = False


def fill(
    specs: Sequence[RowSpec],
    columns: Sequence[StatColumn],
    counts: dict[str, dict[str, int]],
) -> tuple[StatRow, ...]:
    """Rows from counts[row_key][column_key]; blank where a column is untracked; the total
    column is the sum of the row's tracked columns."""
    rows = []
    for spec in specs:
        if spec.key is None:
            rows.append(
                StatRow(spec.label, "", "", (None,) * len(columns), None, heading=True, bold=True)
            )
            continue
        found = counts.get(spec.key, {})
        values = tuple(found.get(c.key, 0) if c.tracked else None for c in columns)
        total = sum(v for v in values if v is not None)
        rows.append(StatRow(spec.label, spec.code, spec.unit, values, total, bold=spec.bold))
    return tuple(rows)
