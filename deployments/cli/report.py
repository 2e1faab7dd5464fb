"""`tdkt report CAMPAIGN`: the leaders' report of a live campaign, from the database, as HTML
(printable on A4) and, with --pdf, as PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from deployments.cli.common import console, err
from models.clock import now
from models.text import vn_date


def report(
    campaign: Annotated[str, typer.Argument(help="Id của kế hoạch, ví dụ quang-binh-2021-2025")],
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d", "%d/%m/%Y"],
            help="Số liệu tính đến ngày (mặc định: hôm nay)",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Tệp HTML (mặc định: bao-cao-<id>.html)"),
    ] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Ghi thêm bản PDF (khổ A4)")] = None,
) -> None:
    """Lập báo cáo tình hình thực hiện kế hoạch gửi lãnh đạo (HTML in được khổ A4, và PDF)."""
    from deployments.report import PdfUnavailable, render_report, write_pdf
    from models.calendar import default_calendar
    from models.db import unit_of_work
    from models.services.leaders_report import leaders_report
    from models.services.plans import campaign_by_slug

    day = as_of.date() if as_of else now().date()
    with unit_of_work() as session:
        try:
            found = campaign_by_slug(session, campaign)
        except ValueError as exc:
            err.print(f"[bold red]Lỗi:[/] {exc}.")
            raise typer.Exit(2) from None
        data = leaders_report(session, found, default_calendar(), as_of=day)
    html = render_report(data)
    path = output or Path(f"bao-cao-{campaign}.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    late = len(data.late_units)
    console.print(
        f"Đã lập báo cáo tính đến ngày {vn_date(day)}: {late} đơn vị chậm thực hiện. "
        f"Tệp HTML: {path}"
    )
    if pdf is not None:
        try:
            write_pdf(html, pdf)
        except PdfUnavailable as exc:
            err.print(f"[bold red]Không in được PDF:[/] {exc}.")
            raise typer.Exit(1) from None
        console.print(f"Tệp PDF: {pdf}")
