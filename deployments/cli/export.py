"""`tdkt export KIND CAMPAIGN -o FILE.xlsx`: a campaign's obligations, overdue units,
registrations, ballots' results or honour roll as a spreadsheet (models/services/exports.py
builds the rows, models/spreadsheet.py writes them, streamed: the file is written row by row).
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
    "binh-xet (ballots), ghi-danh (honour-roll)"
)


def _error(where: str, message: str) -> InputErrors:
    return InputErrors([InputError(where, None, "", message)])


def export(
    kind: Annotated[str, typer.Argument(help=KINDS_HELP)],
    campaign: Annotated[str, typer.Argument(help="Id của kế hoạch, ví dụ quang-binh-2021-2025")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp .xlsx sẽ ghi")],
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Ngày tính số ngày quá hạn (mặc định: hôm nay)"),
    ] = None,
) -> None:
    """Xuất dữ liệu của một kế hoạch ra tệp Excel (.xlsx), tiêu đề cột tiếng Việt."""
    from models.calendar import default_calendar
    from models.clock import now
    from models.db import unit_of_work
    from models.os_errors import os_error
    from models.services.exports import ExportRequest, UnknownKind, export_kind
    from models.services.exports import export as build
    from models.services.lookup import require_campaign
    from models.spreadsheet import write_xlsx

    try:
        chosen = export_kind(kind)
    except UnknownKind as error:
        raise _error("KIND", str(error)) from None
    if output.suffix.lower() != ".xlsx":
        raise _error(str(output), "tệp xuất phải có đuôi .xlsx")
    day = as_of.date() if as_of else now().date()
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
