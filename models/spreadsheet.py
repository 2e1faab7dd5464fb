"""Rows to an .xlsx workbook a coordinator opens in Excel or LibreOffice and reads at once.

Why it is written this way:
- openpyxl's write-only mode streams each row to a temporary file as it comes, so a national
  campaign's hundreds of thousands of obligations never sit in memory as cells;
- column widths are declared with the columns (a streamed sheet cannot measure its rows before
  writing them), the header row is bold, frozen and carries an autofilter;
- dates are real date cells shown dd/mm/yyyy, so they sort and filter as dates;
- text from the data that starts with =, +, - or @ is written as a text cell with a quote
  prefix: a spreadsheet shows it and never runs it as a formula (formula injection), even when
  someone edits the cell.

Pure: it knows nothing of the database; models/services/exports.py builds the rows.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "dd/mm/yyyy"
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_CELL_TEXT = 32_767
"""Excel's limit on a cell's characters; longer text is cut with an ellipsis."""
SHEET_TITLE_MAX = 31

Cell = str | int | float | dt.date | None


@dataclass(frozen=True)
class Column:
    """A column's Vietnamese header and its width in characters."""

    header: str
    width: int = 16


@dataclass(frozen=True)
class Sheet:
    """A titled table: its columns and its rows, read once (a generator is fine)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Cell]]


def sheet_title(text: str) -> str:
    """A title Excel accepts for a sheet: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in text).strip() or "Trang 1"
    return cleaned[:SHEET_TITLE_MAX]


def _value(ws: WriteOnlyWorksheet, value: Cell) -> XlCell | str | int | float | None:
    """What append() takes for value: the value itself where openpyxl writes it as it is (a
    number, ordinary text: no cell object, the common and fast case), else a styled cell."""
    if value is None or isinstance(value, int | float):
        return value
    if (
        isinstance(value, str)
        and len(value) <= MAX_CELL_TEXT
        and not value.startswith(FORMULA_STARTS)
    ):
        return value
    return _cell(ws, value)


def _cell(ws: WriteOnlyWorksheet, value: Cell) -> XlCell:
    if isinstance(value, dt.datetime):
        value = value.date()  # a day is what the exports show; no timezone in a cell
    if isinstance(value, str):
        text = value if len(value) <= MAX_CELL_TEXT else value[: MAX_CELL_TEXT - 1] + "…"
        cell = WriteOnlyCell(ws, value=text)
        if text.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl would take "=..." for a formula
            cell.quotePrefix = True  # and the spreadsheet keeps it text when edited
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=dt.datetime.combine(value, dt.time()))
        cell.number_format = DATE_FORMAT
        return cell
    return WriteOnlyCell(ws, value=value)


def write_xlsx(sheet: Sheet, target: BinaryIO) -> int:
    """Write sheet to target as .xlsx; the number of data rows written."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(sheet_title(sheet.title))
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(vertical="center", wrap_text=True)
    header = []
    for column in sheet.columns:
        cell = _cell(ws, column.header)
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    ws.append(header)
    count = 0
    for row in sheet.rows:
        ws.append([_value(ws, value) for value in row])
        count += 1
    last = get_column_letter(max(1, len(sheet.columns)))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    workbook.save(target)
    return count


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The sheet as .xlsx bytes (for a download: compressed, a few MB for 100,000 rows)."""
    out = io.BytesIO()
    write_xlsx(sheet, out)
    return out.getvalue()
