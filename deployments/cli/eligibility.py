"""`tdkt records import` and `tdkt eligibility`: yearly records in, verdicts out.

Each verdict lists every rule that applies with ✓ or ✗, the records it used and why, so that
the council can read the reason for "chưa đủ tiêu chuẩn" instead of trusting a flag.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from deployments.cli.common import actor, console
from models.clock import now
from models.source import InputError, InputErrors

if TYPE_CHECKING:
    from models.eligibility import Eligibility
    from models.orm import Candidate


def records_import(
    file: Annotated[Path, typer.Argument(help="Tệp hồ sơ hằng năm .csv hoặc .yaml")],
) -> None:
    """Nhập hồ sơ hằng năm (danh hiệu, xếp loại, vi phạm, sáng kiến); lỗi thì báo dòng và
    không ghi gì."""
    from models.db import unit_of_work
    from models.services.eligibility import import_records_file

    with unit_of_work() as session:
        added = import_records_file(session, file, at=now(), actor=actor())
    if added:
        console.print(f"[green]Đã nhập[/] {file}: {added} hồ sơ mới.")
    else:
        console.print(f"{file}: không có hồ sơ mới (các dòng đã được nhập trước đó).")


def eligibility(
    campaign: Annotated[str, typer.Argument(help="Id của kế hoạch, ví dụ quang-binh-2021-2025")],
    year: Annotated[
        int | None,
        typer.Option(help="Năm đánh giá (mặc định: năm nay); xét các năm trước đó của giai đoạn"),
    ] = None,
    candidate: Annotated[int | None, typer.Option(help="Chỉ xét một nhân tố (số hiệu)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON")] = False,
) -> None:
    """Xét tiêu chuẩn các nhân tố đang bồi dưỡng theo tiêu chí kiểm tra được của kế hoạch."""
    from sqlalchemy import select

    from models.db import unit_of_work
    from models.orm import Candidate
    from models.services.eligibility import check_candidates, evaluation_years
    from models.services.lookup import require_campaign

    as_of = year or now().year
    with unit_of_work() as session:
        found = require_campaign(session, campaign)
        query = select(Candidate.id, Candidate.stage).where(Candidate.campaign_id == found.id)
        before = {cid: stage for cid, stage in session.execute(query)}
        checked = check_candidates(
            session, found, as_of_year=as_of, at=now(), actor=actor(), candidate_id=candidate
        )
        if candidate is not None and not checked:
            raise InputErrors([InputError(f"--candidate {candidate}", None, "", _NOT_CHECKABLE)])
        years = list(evaluation_years(found, as_of))
        views = [_view(c, result, before[c.id].label) for c, result in checked]
    if as_json:
        out = {"campaign": campaign, "as_of_year": as_of, "years": years, "candidates": views}
        print(json.dumps(out, ensure_ascii=False))
        return
    _print(campaign, as_of, years, views)


_NOT_CHECKABLE = (
    "nhân tố này không thuộc kế hoạch hoặc không ở giai đoạn đang bồi dưỡng, đủ hoặc chưa đủ "
    "tiêu chuẩn"
)


def _view(candidate: Candidate, result: Eligibility, stage_before: str) -> dict[str, Any]:
    """Plain data read inside the transaction: what both outputs show of one candidate."""
    return {
        "id": candidate.id,
        "name": candidate.name,
        "subject": candidate.subject.value,
        "subject_label": candidate.subject.label,
        "subject_ref": candidate.subject_ref,
        "stage_before": stage_before,
        "stage": candidate.stage.label,
        "eligible": result.eligible,
        "summary": result.summary,
        "results": [r.as_dict() for r in result.results],
    }


def _print(campaign: str, as_of: int, years: list[int], views: list[dict[str, Any]]) -> None:
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    console.print(f"[bold]Xét tiêu chuẩn — {campaign}[/]: năm đánh giá {as_of}, xét các năm {span}")
    if not views:
        console.print("Không có nhân tố nào đang bồi dưỡng hoặc đã được xét tiêu chuẩn.")
    for view in views:
        _print_one(view)


def _print_one(view: dict[str, Any]) -> None:
    colour = "green" if view["eligible"] else "red"
    moved = (
        f"{view['stage_before']} → {view['stage']}"
        if view["stage_before"] != view["stage"]
        else view["stage"]
    )
    console.print(
        f"\n[bold]#{view['id']} {escape(view['name'])}[/] ({view['subject_label']}, "
        f"{escape(view['subject_ref'])}) — [{colour}]{escape(view['summary'])}[/] [dim]({moved})[/]"
    )
    if not view["results"]:
        return
    table = Table(show_lines=True)
    for column in ("Tiêu chí", "Đạt", "Căn cứ", "Giải thích"):
        table.add_column(column)
    for r in view["results"]:
        mark = "[green]✓[/]" if r["passed"] else "[red]✗[/]"
        table.add_row(
            f"{r['rule_id']}\n[dim]{escape(r['text'])}[/]",
            mark,
            escape("\n".join(r["evidence"])),
            escape(r["explanation"]),
        )
    console.print(table)
