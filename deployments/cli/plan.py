"""`tdkt plan`: check, load, show and instantiate plan files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.panel import Panel
from rich.table import Table

from deployments.cli.common import actor, console, err, shown
from deployments.cli.plan_draft import draft
from deployments.cli.plan_report import print_instantiation
from models.calendar import default_calendar
from models.clock import now
from models.plan import DEFAULT_CONTINUING_REPORT, Plan
from models.plan_decisions import undecided
from models.plan_files import draft_gaps, plan_from_source, read_plan
from models.plan_instantiation import Align, instantiate_plan
from models.schedule import ScheduledMilestone, schedule
from models.source import InputError, InputErrors, read_yaml
from models.text import vn_date, vn_moved, vn_weekday

app = typer.Typer(help="Kiểm tra, nạp và xem kế hoạch.", no_args_is_help=True)

PlanFile = Annotated[Path, typer.Argument(help="Tệp kế hoạch (.yaml)")]
app.command()(draft)


@app.command()
def check(files: Annotated[list[Path], typer.Argument(help="Một hoặc nhiều tệp kế hoạch")]) -> None:
    """Kiểm tra tệp kế hoạch; báo mọi lỗi kèm tệp, dòng và trường.

    Một bản nháp (chưa có cơ quan thường trực, lĩnh vực chưa có cơ quan chủ trì...) vẫn đạt,
    kèm danh sách những điều điều phối viên còn phải quyết định trước khi nạp."""
    problems: list[InputError] = []
    for file in files:
        try:
            source = read_yaml(file)
            plan = plan_from_source(source)
        except InputErrors as exc:
            problems += exc.errors
            continue
        gaps = draft_gaps(plan)
        if gaps:
            problems += [source.error(loc, message) for loc, message in gaps]
            console.print(
                f"[yellow]⚠[/] {shown(file)}: bản dự thảo {plan.id} (tạo từ "
                f"{shown(plan.instantiated_from)}): còn {len(gaps)} mục phải điền trước khi nạp"
            )
            continue
        awaiting = [m.id for m in plan.milestones if m.awaiting_date]
        note = f"; {len(awaiting)} mốc chờ ấn định thời hạn" if awaiting else ""
        pending = [source.error(loc, message) for loc, message in undecided(plan)]
        mark = "[yellow]✓ bản nháp[/]" if pending else "[green]✓[/]"
        console.print(
            f"{mark} {shown(file)}: {plan.id}, {len(plan.milestones)} mốc, "
            f"{len(plan.fields)} lĩnh vực, {len(plan.quotas)} chỉ tiêu{note}"
        )
        if pending:
            console.print(
                f"  [bold yellow]Còn {len(pending)} điều điều phối viên phải quyết định "
                "trước khi nạp (tdkt plan load từ chối bản nháp):[/]"
            )
            for item in pending:
                console.print(f"  [yellow]•[/] {shown(str(item))}")
    if problems:
        raise InputErrors(problems)


@app.command()
def load(
    file: PlanFile,
    dates: Annotated[
        Path | None,
        typer.Option(
            help="Tệp thời hạn do điều phối viên ấn định cho các mốc kế hoạch không ghi ngày"
        ),
    ] = None,
) -> None:
    """Nạp kế hoạch vào cơ sở dữ liệu trong một giao dịch (lỗi thì không ghi gì)."""
    from models.db import unit_of_work
    from models.services.plans import load_plan_file

    with unit_of_work() as session:
        result = load_plan_file(
            session, file, default_calendar(), at=now(), actor=actor(), dates=dates
        )
        slug = result.campaign.slug
    if result.created:
        console.print(
            f"[green]Đã nạp[/] kế hoạch {slug} ({result.units_added} đơn vị mới "
            "được thêm vào danh bạ từ kế hoạch)."
        )
    else:
        console.print(f"Kế hoạch {slug} đã được nạp trước đó, không có gì thay đổi.")


@app.command()
def show(plan: Annotated[str, typer.Argument(help="Tệp kế hoạch hoặc id đã nạp")]) -> None:
    """In mốc thời gian của kế hoạch dưới dạng bảng."""
    print_timeline(_plan_by_file_or_id(plan))


@app.command()
def instantiate(
    file: PlanFile,
    period: Annotated[str, typer.Option(help="Giai đoạn mới, ví dụ 2026-2030")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Ghi ra tệp")] = None,
    align: Annotated[
        str,
        typer.Option(
            help="Khi độ dài hai giai đoạn khác nhau: 'start' (năm đầu khớp năm đầu), 'end' "
            "(năm cuối khớp năm cuối: kế hoạch hướng tới đại hội thi đua cuối giai đoạn) hoặc "
            "'auto' (năm cuối nếu chỉ năm cuối cách nhau tròn chu kỳ đại hội 5 năm)"
        ),
    ] = "auto",
) -> None:
    """Tạo dự thảo kế hoạch cho giai đoạn khác (dài bao nhiêu năm cũng được): các năm dời theo
    giai đoạn, việc định kỳ theo các năm mới; in ra những gì đã dời, cần xem lại, cần ấn định."""
    match = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", period)
    if match is None or align not in ("auto", "start", "end"):
        field, message = (
            ("period", "giai đoạn phải viết dạng YYYY-YYYY")
            if match is None
            else ("align", "chỉ nhận 'auto', 'start' hoặc 'end'")
        )
        raise InputErrors([InputError(f"--{field}", None, field, message)])
    result = instantiate_plan(file, int(match[1]), int(match[2]), align=_ALIGNS[align])
    if output is None:
        print(result.text, end="")
        print_instantiation(result, err)  # the YAML alone on stdout
    else:
        output.write_text(result.text, encoding="utf-8")
        console.print(f"Đã ghi {shown(output)}")
        print_instantiation(result, console)


_ALIGNS: dict[str, Align] = {"auto": "auto", "start": "start", "end": "end"}


def _plan_by_file_or_id(ref: str) -> Plan:
    if Path(ref).is_file() or ref.endswith((".yaml", ".yml")):
        return read_plan(ref)
    from models.db import unit_of_work
    from models.services.lookup import require_campaign

    with unit_of_work() as session:
        return Plan.model_validate(require_campaign(session, ref).plan)


def print_timeline(plan: Plan) -> None:
    """The plan's header, its dated timeline, its recurring milestones and those awaiting a date."""
    cal = default_calendar()
    doc = plan.document
    # Every text of the plan is escaped: a title with "[/b]" in it is text, not markup.
    number = f"số {shown(doc.number)}" if doc.number else "(không số)"
    header = [
        f"[bold]{shown(plan.title)}[/]",
        f"Kế hoạch {number}, ngày {vn_date(doc.date)}, của {shown(doc.issuer_name)}",
        f"Giai đoạn {plan.period}; cơ quan thường trực: "
        + (_name(plan, plan.standing_body) if plan.standing_body else "[yellow]chưa chỉ định[/]"),
        f"{len(plan.fields)} lĩnh vực, {len(plan.quotas)} chỉ tiêu, {len(plan.rules)} tiêu chí "
        f"kiểm tra được, {len(plan.milestones)} mốc",
    ]
    if plan.parent:
        p = plan.parent
        header.append(
            f"Thực hiện Kế hoạch {shown(p.number or '')} ngày {vn_date(p.date)} "
            f"của {shown(p.issuer_name)}"
        )
    console.print(Panel("\n".join(header), expand=False))
    scheduled = schedule(plan, cal, quotas=False)
    once = [s for s in scheduled if s.dues and s.dues[0].occurrence == "once"]
    recurring = [s for s in scheduled if s.dues and s.dues[0].occurrence != "once"]
    awaiting = [s for s in scheduled if s.awaiting_date]

    table = Table(title="Các mốc thời hạn", title_justify="left", show_lines=True)
    table.add_column("Hạn", no_wrap=True)
    for column in ("Việc phải làm", "Ai thực hiện", "Gửi đến", "Căn cứ (nguyên văn)"):
        table.add_column(column)
    for s in sorted(once, key=lambda s: s.dues[0].effective_due):
        d = s.dues[0]
        start = "" if d.start is None else f"{vn_date(d.start)} –\n"
        if d.effective_due != d.due:
            # The weekday is already beside the date; a holiday is named.
            weekend = d.moved_because == vn_weekday(d.due)
            why = "" if weekend else f"\n(nghỉ {shown(d.moved_because)})"
            moved = vn_moved(d.due, d.effective_due).replace(" → ", "\n→ ")  # one date a line
            due = f"{start}[yellow]{moved}[/]{why}"
        else:
            due = start + vn_date(d.due)
        table.add_row(
            due,
            shown(s.milestone.title),
            shown(s.milestone.responsible.description),
            _name(plan, s.milestone.to),
            _basis(s),
        )
    console.print(table)
    if recurring:
        rec = Table(title="Các việc định kỳ", title_justify="left", show_lines=True)
        for column in ("Kỳ", "Việc phải làm", "Ai thực hiện", "Gửi đến", "Các hạn gần nhất"):
            rec.add_column(column)
        for s in recurring:
            dates = ", ".join(vn_date(d.effective_due) for d in s.dues[:4])
            more = f" … ({len(s.dues)} lần)" if len(s.dues) > 4 else ""
            rec.add_row(
                _basis(s),
                shown(s.milestone.title),
                shown(s.milestone.responsible.description),
                _name(plan, s.milestone.to),
                dates + more,
            )
        console.print(rec)
    if plan.quotas:
        print_quotas(plan)
    if awaiting:
        console.print(
            f"[bold yellow]⚠ {len(awaiting)} mốc chưa có thời hạn[/]: kế hoạch không "
            "ghi ngày; điều phối viên cần ấn định (trường set_date):"
        )
        for s in awaiting:
            console.print(f"  [yellow]•[/] {s.milestone.id}: {shown(s.milestone.title)}")


def print_quotas(plan: Plan) -> None:
    """The plan's quotas. A yearly quota is chased at a checkpoint no plan states: it is the
    coordinator's setting, so the column says so and never quotes it as the plan's words."""
    from models.quotas import checkpoint_of, describe, is_chased

    table = Table(title="Chỉ tiêu xây dựng điển hình", title_justify="left")
    for column in ("Chỉ tiêu", "Áp dụng cho", "Căn cứ", "Đôn đốc (điều phối viên đặt)"):
        table.add_column(column)
    fields = {f.code: f for f in plan.fields}
    for quota in plan.quotas:
        if quota.applies_to is not None:
            who = shown(quota.applies_to.description)
        elif quota.field in fields:
            who = ", ".join(_name(plan, c) for c in fields[quota.field].lead_agencies)
        else:
            who = "—"
        when = next(iter(checkpoint_of(plan, quota).values()))
        when_text = vn_date(when) if isinstance(when, dt.date) else shown(when)
        chased = (
            f"{when_text} (điều phối viên đặt; kế hoạch không ghi)"
            if is_chased(plan, quota)
            else "không đôn đốc; chỉ báo cáo tiến độ"
        )
        clause = f"Mục {shown(quota.clause)}" if quota.clause else "—"
        field = fields[quota.field].name if quota.field in fields else None
        table.add_row(shown(describe(quota, field)), who, clause, chased)
    console.print(table)


def _name(plan: Plan, code: str) -> str:
    agency = plan.agencies.get(code)
    return shown(
        agency.name
        if agency
        else (plan.document.issuer_name if code == plan.document.issuer else code)
    )


def _basis(s: ScheduledMilestone) -> str:
    m = s.milestone
    clause = f"Mục {shown(m.clause)}: " if m.clause else ""
    if m.set_date is not None:
        return f"{clause}ngày do điều phối viên ấn định"
    if m.coordinator_phrase is not None:
        return f"{clause}{shown(m.coordinator_phrase)} (điều phối viên ấn định; kế hoạch không ghi)"
    occasion = " (dịp, không phải thời hạn)" if s.deadline and s.deadline.occasion else ""
    if m.continuing:
        every = {"monthly": "tháng", "quarterly": "quý", "half_yearly": "6 tháng", "yearly": "năm"}
        setting = "" if m.report_every else ", điều phối viên đặt"
        period = every[m.report_every or DEFAULT_CONTINUING_REPORT]
        occasion = f" (việc thường xuyên: báo cáo mỗi {period}{setting})"
    return f"{clause}“{shown(m.phrase)}”{occasion}"
