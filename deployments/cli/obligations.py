"""`tdkt submit | accept | return | waive | obligations`: obligations by hand.

A unit marks what it owes as submitted (a web form comes later); the standing body accepts it
or returns it with a reason, which reopens it and restarts its reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from deployments.cli.common import Choice, actor, choices_help, console, shown
from models.calendar import default_calendar
from models.clock import now
from models.phrases import occurrence_label
from models.source import InputError, InputErrors
from models.text import vn_date
from models.vocabulary import ObligationStatus

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.orm import Obligation

Campaign_ = Annotated[str, typer.Argument(help="Id của kế hoạch, ví dụ quang-binh-2021-2025")]
Milestone_ = Annotated[str, typer.Argument(help="Id của mốc, ví dụ unit-plan")]
Unit_ = Annotated[str, typer.Argument(help="Mã đơn vị, ví dụ QB.SYT")]
Occurrence_ = Annotated[str, typer.Option(help="Kỳ: once, 2024, 2024-Q1, 2024-03")]


def _change(
    campaign: str,
    milestone: str,
    unit: str,
    occurrence: str,
    change: Callable[[Session, Obligation], None],
) -> Obligation:
    """Find one obligation and change it, in one transaction with its audit entry."""
    from models.db import unit_of_work
    from models.services.lookup import require_campaign, require_milestone, require_unit
    from models.services.obligations import find_obligation

    with unit_of_work() as session:
        require_milestone(session, require_campaign(session, campaign), milestone)
        require_unit(session, unit)
        found = find_obligation(session, campaign, milestone, unit, occurrence)
        if found is None:
            raise InputErrors(
                [
                    InputError(
                        f"{campaign}/{milestone}/{unit}/{occurrence}",
                        None,
                        "",
                        "không có nghĩa vụ này (kiểm tra bằng tdkt obligations)",
                    )
                ]
            )
        change(session, found)
        return found


def submit(
    campaign: Campaign_,
    milestone: Milestone_,
    unit: Unit_,
    occurrence: Occurrence_ = "once",
    note: Annotated[str | None, typer.Option(help="Ghi chú")] = None,
) -> None:
    """Đơn vị đánh dấu đã nộp: chuỗi nhắc hạn dừng ngay."""
    from models.services import obligations as service

    _change(
        campaign,
        milestone,
        unit,
        occurrence,
        lambda s, o: service.submit(s, o, at=now(), actor=actor(), note=note),
    )
    console.print(f"[green]Đã ghi nhận[/] {unit} đã nộp '{milestone}'.")


def accept(
    campaign: Campaign_, milestone: Milestone_, unit: Unit_, occurrence: Occurrence_ = "once"
) -> None:
    """Cơ quan thường trực tiếp nhận hồ sơ đã nộp."""
    from models.services import obligations as service

    _change(
        campaign,
        milestone,
        unit,
        occurrence,
        lambda s, o: service.accept(s, o, at=now(), actor=actor()),
    )
    console.print(f"[green]Đã tiếp nhận[/] hồ sơ của {unit}.")


def return_(
    campaign: Campaign_,
    milestone: Milestone_,
    unit: Unit_,
    reason: Annotated[str, typer.Option(help="Lý do trả lại")],
    occurrence: Occurrence_ = "once",
) -> None:
    """Trả lại hồ sơ kèm lý do: nghĩa vụ mở lại và chuỗi nhắc hạn bắt đầu lại."""
    from models.services import obligations as service

    found = _change(
        campaign,
        milestone,
        unit,
        occurrence,
        lambda s, o: service.return_(
            s, o, default_calendar(), at=now(), actor=actor(), reason=reason
        ),
    )
    console.print(
        f"[yellow]Đã trả lại[/] hồ sơ của {unit}; hạn nộp lại {vn_date(found.chase_due)}."
    )


def waive(
    campaign: Campaign_,
    milestone: Milestone_,
    unit: Unit_,
    reason: Annotated[str, typer.Option(help="Lý do miễn")],
    occurrence: Occurrence_ = "once",
) -> None:
    """Miễn nghĩa vụ cho đơn vị (ví dụ đơn vị đã sáp nhập): không nhắc nữa."""
    from models.services import obligations as service

    _change(
        campaign,
        milestone,
        unit,
        occurrence,
        lambda s, o: service.waive(s, o, at=now(), actor=actor(), reason=reason),
    )
    console.print(f"Đã miễn nghĩa vụ '{milestone}' cho {unit}.")


STATUS = Choice(ObligationStatus, "trạng thái")
DEFAULT_LIMIT = 50


def list_(
    campaign: Campaign_,
    status: Annotated[
        ObligationStatus | None,
        typer.Option(
            parser=STATUS, metavar="TRẠNG_THÁI", help=choices_help("Lọc theo trạng thái", STATUS)
        ),
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Lọc theo mã đơn vị")] = None,
    limit: Annotated[
        int, typer.Option(min=0, help="In tối đa bấy nhiêu dòng (0: in hết)")
    ] = DEFAULT_LIMIT,
) -> None:
    """Liệt kê nghĩa vụ của một kế hoạch, kèm tên đơn vị và số nghĩa vụ theo trạng thái."""
    from models.db import unit_of_work
    from models.services.obligation_list import count_by_status, list_obligations

    with unit_of_work() as session:
        lines = list_obligations(session, campaign, status=status, unit_code=unit)
    if not lines:
        console.print("Không có nghĩa vụ nào (chạy tdkt sweep để mở nghĩa vụ).")
        return
    table = Table(title=f"Nghĩa vụ — {shown(campaign)}", title_justify="left")
    for column in ("Mốc", "Kỳ", "Đơn vị", "Hạn", "Trạng thái"):
        table.add_column(column)
    shown_lines = lines[:limit] if limit else lines
    for line in shown_lines:
        table.add_row(
            shown(line.milestone),
            occurrence_label(line.occurrence) or "—",
            f"{shown(line.unit_name)} ({shown(line.unit_code)})",
            vn_date(line.due),
            line.status.label,
        )
    console.print(table)
    if len(lines) > len(shown_lines):
        console.print(
            f"… còn {len(lines) - len(shown_lines)} nghĩa vụ nữa "
            "(dùng --limit 0 để in hết, hoặc lọc bằng --status, --unit)."
        )
    counts = ", ".join(f"{s.label} {n}" for s, n in count_by_status(lines).items())
    console.print(f"Tổng cộng {len(lines)} nghĩa vụ: {counts}.")
