"""`tdkt export KIND CAMPAIGN -o FILE.xlsx`: a campaign's obligations, overdue units,
registrations, ballots' results or honour roll as a spreadsheet (models/services/exports.py
builds the rows, models/spreadsheet.py writes them, streamed: the file is written row by row).

`tdkt export statistics --year YYYY [--campaign SLUG] --out FILE.xlsx`: the yearly TĐKT
statistics in the forms of Thông tư 02/2023/TT-BNV (models/services/statistics.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from deployments.cli.common import console, shown
from models.source import InputError, InputErrors

KINDS_HELP = (
    "Loại: nghia-vu (obligations), qua-han (overdue), dang-ky (registrations), "
    "binh-xet (ballots), ghi-danh (honour-roll), thong-ke (statistics: cần --year)"
)
STATISTICS = {"statistics", "thong-ke", "thống-kê"}
FIRST_YEAR, LAST_YEAR = 1945, 2100
"""The years a statistics report may be asked for (the law on emulation dates from 1945)."""


def _error(where: str, message: str) -> InputErrors:
    return InputErrors([InputError(where, None, "", message)])


def export(
    kind: Annotated[str, typer.Argument(help=KINDS_HELP)],
    output: Annotated[Path, typer.Option("--output", "--out", "-o", help="Tệp .xlsx sẽ ghi")],
    campaign: Annotated[
        str | None, typer.Argument(help="Id của kế hoạch, ví dụ quang-binh-2021-2025")
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Ngày tính số ngày quá hạn (mặc định: hôm nay)"),
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Năm báo cáo thống kê (thong-ke)")
    ] = None,
    campaign_option: Annotated[
        str | None,
        typer.Option("--campaign", help="Thống kê riêng một kế hoạch (mặc định: mọi kế hoạch)"),
    ] = None,
) -> None:
    """Xuất dữ liệu của một kế hoạch ra tệp Excel (.xlsx), tiêu đề cột tiếng Việt; hoặc báo cáo
    thống kê thi đua, khen thưởng năm theo biểu của Thông tư 02/2023/TT-BNV (thong-ke)."""
    from models.calendar import default_calendar
    from models.clock import now
    from models.db import unit_of_work
    from models.os_errors import os_error
    from models.services.exports import ExportRequest, UnknownKind, export_kind
    from models.services.exports import export as build
    from models.services.lookup import require_campaign
    from models.spreadsheet import write_xlsx

    if output.suffix.lower() != ".xlsx":
        raise _error(str(output), "tệp xuất phải có đuôi .xlsx")
    day = as_of.date() if as_of else now().date()
    if kind.strip().lower().replace("_", "-") in STATISTICS:
        _statistics(year, campaign_option or campaign, output, day)
        return
    try:
        chosen = export_kind(kind)
    except UnknownKind as error:
        raise _error("KIND", str(error)) from None
    if campaign is None:
        raise _error("CAMPAIGN", "thiếu id của kế hoạch, ví dụ quang-binh-2021-2025")
    with unit_of_work() as session:
        found = require_campaign(session, campaign)  # unknown: exit 2 with the nearest id
        sheet = build(session, found, default_calendar(), ExportRequest(chosen, day))
        try:
            with output.open("wb") as target:
                rows = write_xlsx(sheet, target)
        except OSError as error:
            raise _error(str(output), f"không ghi được tệp ({os_error(error)})") from None
    console.print(
        f"Đã xuất {rows} dòng “{chosen.label}” của kế hoạch {shown(campaign)} "
        f"(tính đến {day:%d/%m/%Y}) vào [bold]{shown(output)}[/]."
    )


def _statistics(year: int | None, campaign: str | None, output: Path, day: dt.date) -> None:
    """The yearly statistics workbook: every campaign's data, or one campaign's."""
    from models.db import unit_of_work
    from models.os_errors import os_error
    from models.services.lookup import require_campaign
    from models.services.statistics import statistics_workbook
    from models.statistics import reporting_period

    if year is None:
        raise _error("--year", "thiếu năm báo cáo, ví dụ --year 2024")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _error("--year", f"năm báo cáo phải từ {FIRST_YEAR} đến {LAST_YEAR}")
    with unit_of_work() as session:
        found = require_campaign(session, campaign) if campaign else None
        data = statistics_workbook(session, year, prepared_on=day, campaign=found)
    try:
        output.write_bytes(data)
    except OSError as error:
        raise _error(str(output), f"không ghi được tệp ({os_error(error)})") from None
    start, end = reporting_period(year)
    scope = f"kế hoạch {shown(campaign)}" if campaign else "mọi kế hoạch"
    console.print(
        f"Đã xuất báo cáo thống kê thi đua, khen thưởng năm {year} "
        f"(kỳ {start:%d/%m/%Y} - {end:%d/%m/%Y}, {scope}; biểu 0601, 0602, 0603.N/BNV-TĐKT) "
        f"vào [bold]{shown(output)}[/]."
    )
