"""`tdkt directory`: the directory of units, contacts and clusters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from deployments.cli.common import actor, console, err
from models.clock import now
from models.policy import CHASED
from models.text import vn_date

if TYPE_CHECKING:
    from models.services.reorganisation import MergeResult, UnitMerge
    from models.services.reorganise import Reorganised

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


@app.command("merge")
def merge(
    predecessors: Annotated[
        list[str],
        typer.Argument(
            metavar="PREDECESSOR", help="Mã các đơn vị bị sáp nhập, giải thể", show_default=False
        ),
    ],
    into: Annotated[
        str,
        typer.Option("--into", metavar="SUCCESSOR", help="Mã đơn vị kế thừa", show_default=False),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Lý do, ví dụ số quyết định sáp nhập")
    ] = None,
) -> None:
    """Sáp nhập đơn vị vào đơn vị kế thừa, trong một giao dịch: nghĩa vụ, nhân tố, liên hệ và
    các việc đơn vị đang phụ trách chuyển sang đơn vị kế thừa; từ nay không gửi gì cho đơn vị
    đã giải thể. Chạy lại lần nữa không chuyển thêm gì."""
    from models.db import unit_of_work
    from models.services.reorganisation import MergeError, merge_units

    try:
        with unit_of_work() as session:
            result = merge_units(
                session, predecessors, into, at=now(), actor=actor(), reason=reason
            )
    except MergeError as exc:
        err.print(f"[bold red]Không thể sáp nhập ({len(exc.problems)} lỗi), chưa ghi gì:[/]")
        for problem in exc.problems:
            err.print(f"[red]  • [/]{escape(problem)}")
        raise typer.Exit(2) from None
    _print_merge(result, reason)


def _print_merge(result: MergeResult, reason: str | None) -> None:
    """What moved, per predecessor: the obligations one by one, the rest counted."""
    successor = f"{result.successor_code} ({escape(result.successor_name)})"
    if not result.changed:
        codes = ", ".join(u.code for u in result.units)
        console.print(f"{codes} đã được sáp nhập vào {successor} từ trước; không còn gì để chuyển.")
        return
    why = f" — lý do: {escape(reason.strip())}" if reason and reason.strip() else ""
    console.print(f"[green]Đã sáp nhập[/] vào {successor} ngày {vn_date(result.at.date())}{why}.")
    for unit in result.units:
        _print_unit(unit, result.successor_code)


def _print_unit(unit: UnitMerge, successor: str) -> None:
    name = f"{unit.code} ({escape(unit.name)})"
    if not unit.changed:
        console.print(f"\n{name}: đã sáp nhập từ trước, không còn gì để chuyển.")
        return
    console.print(
        f"\n[bold]{name}[/] → {successor}: {len(unit.obligations)} nghĩa vụ chuyển sang, "
        f"{len(unit.duplicates)} nghĩa vụ trùng, {unit.candidates} nhân tố, "
        f"{unit.contacts_moved} liên hệ chuyển sang"
        + (f", {unit.contacts_kept} liên hệ trùng giữ lại" if unit.contacts_kept else "")
        + "."
    )
    if unit.obligations:
        table = Table("Số", "Kế hoạch", "Việc", "Kỳ", "Hạn", "Trạng thái")
        for o in unit.obligations:
            table.add_row(
                f"#{o.id}",
                o.campaign,
                escape(o.title),
                o.period or "—",
                vn_date(o.due),
                o.status.label,
            )
        console.print(table)
    for d in unit.duplicates:
        period = f", {d.obligation.period}" if d.obligation.period else ""
        console.print(
            f"  • Trùng: #{d.obligation.id} {escape(d.obligation.title)}{period} "
            f"(hạn {vn_date(d.obligation.due)}, {d.obligation.status.label}) với "
            f"#{d.successor_obligation_id}: {escape(d.outcome)}."
        )
    if unit.others:
        console.print(f"  • Cũng chuyển sang {successor}: {', '.join(unit.others)}.")


class _DryRun(Exception):
    """Raised inside the transaction to roll back a dry run once its figures are known."""

    def __init__(self, result: Reorganised):
        self.result = result


@app.command("reorganise")
def reorganise(
    mapping: Annotated[Path, typer.Argument(help="Tệp sắp xếp .yaml hoặc .csv")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Chỉ in những gì sẽ chuyển, không ghi gì")
    ] = False,
) -> None:
    """Áp dụng cả một đợt sắp xếp (sáp nhập tỉnh, bỏ cấp huyện, hợp nhất sở, sáp nhập xã) từ
    một tệp, trong một giao dịch: mọi việc của đơn vị cũ chuyển sang đơn vị kế thừa; tệp làm
    mất việc của một đơn vị (không có đơn vị kế thừa, vòng lặp, mã không có) bị từ chối."""
    from models.db import unit_of_work
    from models.reorganisation_file import read_mapping
    from models.services.reorganise import reorganise as apply
    from models.source import InputErrors

    try:
        spec = read_mapping(mapping)
        with unit_of_work() as session:
            result = apply(session, spec, at=now(), actor=actor())
            if dry_run:
                raise _DryRun(result)
    except InputErrors as exc:
        err.print(f"[bold red]Không thể sắp xếp ({len(exc.errors)} lỗi), chưa ghi gì:[/]")
        for problem in exc.errors:
            err.print(f"[red]  • [/]{escape(str(problem))}")
        raise typer.Exit(2) from None
    except _DryRun as run:
        result = run.result
    _print_reorganised(result, dry_run, spec.spec.effective)


def _print_reorganised(result: Reorganised, dry_run: bool, effective: dt.date | None) -> None:
    """One line per successor, one per predecessor under it, then the totals."""
    when = f", hiệu lực từ {vn_date(effective)}" if effective else ""
    head = "[yellow]Chạy thử, chưa ghi gì[/]" if dry_run else "[green]Đã sắp xếp[/]"
    console.print(f"{head}: {escape(result.title)}{when}.")
    if result.units_added:
        console.print(f"Thêm {result.units_added} đơn vị mới vào danh bạ.")
    for merge in result.merges:
        quotas = result.quotas.get(merge.successor_code, 0)
        console.print(
            f"\n[bold]{merge.successor_code} ({escape(merge.successor_name)})[/] nhận từ "
            f"{len(merge.units)} đơn vị"
            + (f"; {quotas} chỉ tiêu từ nay tính cho đơn vị này" if quotas else "")
            + ":"
        )
        for unit in merge.units:
            open_ = sum(1 for o in unit.obligations if o.status in CHASED)
            kept = result.registry.get(unit.code, 0)
            parts = [
                f"{len(unit.obligations)} nghĩa vụ ({open_} đang theo dõi)",
                *([f"{len(unit.duplicates)} nghĩa vụ trùng"] if unit.duplicates else []),
                f"{unit.candidates} nhân tố",
                f"{unit.contacts_moved} liên hệ",
                *unit.others,
                *([f"sổ ghi danh giữ {kept} dòng với số cũ"] if kept else []),
            ]
            state = "" if unit.changed else " (đã sáp nhập từ trước)"
            console.print(f"  • {unit.code} ({escape(unit.name)}){state}: {', '.join(parts)}")
    console.print(
        f"\nTổng cộng: {result.predecessors} đơn vị vào {len(result.merges)} đơn vị kế thừa, "
        f"{result.rows_moved} dòng chuyển (nghĩa vụ, nhân tố, liên hệ)."
    )
