"""The yearly TĐKT statistics (models/statistics.py) as an .xlsx laid out as the forms are.

Each form is one sheet, in the order the circular prints it: the title block (biểu số and the
circular on the left, đơn vị báo cáo and đơn vị nhận báo cáo on the right, the day the report
is received), the title and the period, the column headers numbered as the form numbers them
(A, B, C, 1, 2, ...), the rows with their mã số, and the signature block (người lập biểu,
thủ trưởng đơn vị). A last sheet, "Ghi chú", cites where each table's figures come from and
what is approximated.

Unlike models/spreadsheet.py (streamed rows, one header row) these sheets are small and need
merged cells, so the workbook is built in memory; text from the data is written as
models/spreadsheet.py writes it (no formula ever runs from a unit's name).

Pure: report in, bytes out.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.spreadsheet import FORMULA_STARTS, sheet_title
from models.statistics import CIRCULAR, RECEIVED_ON, StatisticsReport
from models.statistics_table import StatTable

NOTES_SHEET = "Ghi chú"
FONT = "Times New Roman"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def signature_date(day: dt.date) -> str:
    """'ngày 06 tháng 12 năm 2026': days under 10 and months 1-2 with a leading zero, as
    Nghị định 30/2020 Phụ lục I writes the place-date line."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _put(
    ws: Worksheet,
    row: int,
    column: int,
    value: str | int | None,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Alignment = _LEFT,
    box: bool = False,
    last_column: int | None = None,
) -> None:
    """Write one cell (merged to last_column if given); text from the data never runs as a
    formula (a quote prefix, as models/spreadsheet.py does)."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value
    cell.font = Font(name=FONT, size=12, bold=bold, italic=italic)
    cell.alignment = align
    if last_column is not None and last_column > column:
        ws.merge_cells(start_row=row, start_column=column, end_row=row, end_column=last_column)
    if box:
        for c in range(column, (last_column or column) + 1):
            ws.cell(row=row, column=c).border = _BOX


def _title_block(ws: Worksheet, report: StatisticsReport, table: StatTable, width: int) -> int:
    """Rows 1-7: the form's identity, who reports to whom, the title, the period; returns the
    first free row."""
    right = max(3, width - 3)
    _put(ws, 1, 1, f"Biểu số: {table.code}", bold=True, last_column=right - 1)
    _put(ws, 2, 1, f"Ban hành theo {CIRCULAR}", last_column=right - 1)
    _put(ws, 3, 1, f"Ngày nhận báo cáo: {RECEIVED_ON}", last_column=right - 1)
    _put(ws, 1, right, f"Đơn vị báo cáo: {report.reporter}", last_column=width)
    _put(ws, 2, right, f"Đơn vị nhận báo cáo: {report.receiver}", last_column=width)
    start, end = report.period
    _put(ws, 5, 1, table.title, bold=True, align=_CENTRE, last_column=width)
    period = f"Năm {report.year} (kỳ báo cáo từ {start:%d/%m/%Y} đến {end:%d/%m/%Y})"
    _put(ws, 6, 1, period, italic=True, align=_CENTRE, last_column=width)
    right_aligned = Alignment(horizontal="right", vertical="center")
    _put(ws, 7, 1, table.unit_line or "", italic=True, align=right_aligned, last_column=width)
    return 8


def _fixed_columns(table: StatTable) -> list[tuple[str, str]]:
    """The columns before the figures: (header, its letter on the numbering row)."""
    fixed = [("", "A"), ("Mã số", "B")]
    if table.has_unit_column:
        fixed.append((table.unit_header, "C"))
    return fixed


def _headers(ws: Worksheet, table: StatTable, top: int) -> int:
    """Three header rows (the 'chia ra' band, the column, Tập thể/Cá nhân) and the numbering
    row; returns the first body row."""
    fixed = _fixed_columns(table)
    first = len(fixed) + 1  # the Tổng số column
    for index, (header, letter) in enumerate(fixed, start=1):
        _put(ws, top, index, header, bold=True, align=_CENTRE, box=True)
        ws.merge_cells(start_row=top, start_column=index, end_row=top + 2, end_column=index)
        _put(ws, top + 3, index, letter, bold=True, align=_CENTRE, box=True)
    _put(ws, top, first, table.total_header, bold=True, align=_CENTRE, box=True)
    ws.merge_cells(start_row=top, start_column=first, end_row=top + 2, end_column=first)
    _put(ws, top + 3, first, table.total_number, bold=True, align=_CENTRE, box=True)
    last = first + len(table.columns)
    _put(ws, top, first + 1, table.band, bold=True, align=_CENTRE, box=True, last_column=last)
    column = first + 1
    for group in _groups(table):
        size = len(group)
        head = table.columns[group[0]]
        end = column + size - 1
        has_sub = any(table.columns[i].sub for i in group)
        _put(ws, top + 1, column, head.header, bold=True, align=_CENTRE, box=True, last_column=end)
        if has_sub:
            for offset, i in enumerate(group):
                sub = table.columns[i].sub or ""
                _put(ws, top + 2, column + offset, sub, bold=True, align=_CENTRE, box=True)
        else:
            for c in range(column, end + 1):
                ws.cell(row=top + 2, column=c).border = _BOX
            ws.merge_cells(start_row=top + 1, start_column=column, end_row=top + 2, end_column=end)
        _put(ws, top + 3, column, head.number, bold=True, align=_CENTRE, box=True, last_column=end)
        column = end + 1
    return top + 4


def _groups(table: StatTable) -> list[list[int]]:
    """Adjacent columns sharing a number and header are one group on the form (e.g. column 7,
    Bằng khen của Thủ tướng Chính phủ: Tập thể and Cá nhân)."""
    groups: list[list[int]] = []
    for index, column in enumerate(table.columns):
        previous = table.columns[groups[-1][0]] if groups else None
        if previous and (previous.number, previous.header) == (column.number, column.header):
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _body(ws: Worksheet, table: StatTable, top: int) -> int:
    row = top
    centred = Alignment(horizontal="center", vertical="center")
    for stat in table.rows:
        bold = stat.bold or stat.heading
        _put(ws, row, 1, stat.label, bold=bold, box=True)
        _put(ws, row, 2, stat.code, align=centred, box=True)
        column = 3
        if table.has_unit_column:
            _put(ws, row, 3, stat.unit, align=centred, box=True)
            column = 4
        _put(ws, row, column, stat.total, bold=bold, align=centred, box=True)
        for offset, value in enumerate(stat.values, start=1):
            _put(ws, row, column + offset, value, bold=bold, align=centred, box=True)
        row += 1
    return row


def _signatures(ws: Worksheet, report: StatisticsReport, top: int, width: int) -> None:
    """The signature block of a statistical form: người lập biểu left, the head of the
    reporting unit right under the date."""
    right = max(3, width - 3)
    _put(
        ws,
        top,
        right,
        signature_date(report.prepared_on).capitalize(),
        italic=True,
        align=_CENTRE,
        last_column=width,
    )
    _put(ws, top + 1, 1, "Người lập biểu", bold=True, align=_CENTRE)
    _put(ws, top + 2, 1, "(Ký, ghi rõ họ tên)", italic=True, align=_CENTRE)
    _put(ws, top + 1, right, "Thủ trưởng đơn vị", bold=True, align=_CENTRE, last_column=width)
    _put(
        ws,
        top + 2,
        right,
        "(Ký, đóng dấu, ghi rõ họ tên)",
        italic=True,
        align=_CENTRE,
        last_column=width,
    )


def _table_sheet(book: Workbook, report: StatisticsReport, table: StatTable) -> None:
    ws = book.create_sheet(sheet_title(table.sheet or table.code))
    fixed = len(_fixed_columns(table))
    width = fixed + 1 + len(table.columns)
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 8
    for index in range(3, width + 1):
        ws.column_dimensions[get_column_letter(index)].width = 14
    top = _title_block(ws, report, table, width)
    body = _headers(ws, table, top)
    end = _body(ws, table, body)
    _signatures(ws, report, end + 1, width)
    ws.freeze_panes = ws.cell(row=body, column=fixed + 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _notes_sheet(book: Workbook, report: StatisticsReport) -> None:
    ws = book.create_sheet(NOTES_SHEET)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 120
    start, end = report.period
    lines: list[tuple[str, str]] = [
        ("Báo cáo", f"Thống kê thi đua, khen thưởng năm {report.year}"),
        ("Kỳ báo cáo", f"Từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"),
        ("Đơn vị báo cáo", report.reporter),
        ("Phạm vi số liệu", report.scope),
        ("Ngày lập", f"{report.prepared_on:%d/%m/%Y}"),
    ]
    lines += [("Nguồn biểu mẫu", text) for text in report.sources]
    for table in report.tables:
        label = f"{table.code}"
        lines += [(label, f"{table.title}")]
        lines += [("", note) for note in table.notes]
    _put(ws, 1, 1, "GHI CHÚ VỀ NGUỒN SỐ LIỆU", bold=True, last_column=2)
    for row, (key, text) in enumerate(lines, start=3):
        _put(ws, row, 1, key, bold=bool(key))
        _put(ws, row, 2, text)


def statistics_xlsx(report: StatisticsReport) -> bytes:
    """The report as .xlsx bytes: one sheet per table, then the notes."""
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    for table in report.tables:
        _table_sheet(book, report, table)
    _notes_sheet(book, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
