"""`tdkt directory`: the directory of units, contacts and clusters."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deployments.cli.common import actor, console
from models.clock import now

app = typer.Typer(
    help="Danh bạ cơ quan, đơn vị, liên hệ và cụm, khối thi đua.", no_args_is_help=True
)


@app.command("import")
def import_(file: Annotated[Path, typer.Argument(help="Tệp danh bạ .yaml hoặc .csv")]) -> None:
    """Nhập danh bạ trong một giao dịch; lỗi thì báo dòng và không ghi gì."""
    from models.db import unit_of_work
    from models.services.directory import import_directory_file

    with unit_of_work() as session:
        summary = import_directory_file(session, file, at=now(), actor=actor())
    console.print(
        f"[green]Đã nhập[/] {file}: {summary.units_added} đơn vị mới, "
        f"{summary.units_updated} đơn vị cập nhật, {summary.contacts} liên hệ, "
        f"{summary.clusters} cụm/khối thi đua."
    )
