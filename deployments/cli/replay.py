"""`tdkt replay`, `tdkt sweep`, `tdkt serve`: running the flows, over a simulated or real clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from deployments.cli.common import actor, console
from models.calendar import default_calendar
from models.clock import now
from models.text import vn_date


def replay(
    plan: Annotated[Path, typer.Argument(help="Tệp kế hoạch (.yaml)")],
    from_: Annotated[
        dt.datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="Ngày bắt đầu")
    ],
    to: Annotated[dt.datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Ngày kết thúc")],
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON")] = False,
    report: Annotated[Path | None, typer.Option(help="Ghi báo cáo HTML")] = None,
    directory: Annotated[Path | None, typer.Option(help="Nhập danh bạ trước khi chạy")] = None,
    dates: Annotated[
        Path | None,
        typer.Option(
            help="Tệp thời hạn do điều phối viên ấn định cho các mốc kế hoạch không ghi ngày"
        ),
    ] = None,
    mail_dir: Annotated[Path | None, typer.Option(help="Thư mục lưu thư .eml")] = None,
    seed: Annotated[int, typer.Option(help="Hạt giống mô phỏng")] = 2022,
    submit_probability: Annotated[float, typer.Option(help="Xác suất đơn vị nộp")] = 0.85,
) -> None:
    """Chạy lại kế hoạch trên đồng hồ mô phỏng, với máy chủ thư cục bộ thật."""
    summary = run_replay(
        plan,
        from_.date(),
        to.date(),
        quiet=as_json,
        directory=directory,
        mail_dir=mail_dir,
        seed=seed,
        submit_probability=submit_probability,
        report=report,
        dates=dates,
    )
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print_summary(summary)


def run_replay(
    plan_file: Path,
    start: dt.date,
    end: dt.date,
    *,
    quiet: bool,
    directory: Path | None,
    mail_dir: Path | None,
    seed: int,
    submit_probability: float,
    report: Path | None,
    dates: Path | None = None,
) -> dict[str, Any]:
    from sqlalchemy import select

    from flows.replay import replay as replay_campaign
    from models.db import Settings, unit_of_work
    from models.orm import Campaign
    from models.services.directory import import_directory_file
    from models.services.lifecycle_report import lifecycle_summary
    from models.services.plans import load_plan_file
    from models.services.reporting import replay_summary
    from models.simulation import UnitBehaviour
    from notifications.mailbox import LocalMailbox

    if end < start:
        raise typer.BadParameter("--to phải sau --from")
    settings = Settings.from_env()
    with unit_of_work() as session:
        if directory is not None:
            import_directory_file(session, directory, at=now(), actor=actor())
        slug = load_plan_file(
            session, plan_file, default_calendar(), at=now(), actor=actor(), dates=dates
        ).campaign.slug
    folder = mail_dir or settings.data_dir / "mail" / slug
    behaviour = UnitBehaviour(seed=seed, submit_probability=submit_probability)
    with LocalMailbox(folder) as mailbox:
        os.environ["TDKT_SMTP_HOST"], os.environ["TDKT_SMTP_PORT"] = mailbox.host, str(mailbox.port)
        if quiet:
            run = asyncio.run(replay_campaign(slug, start, end, behaviour))
        else:
            with Progress(
                TextColumn("[bold]Mô phỏng[/] {task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            ) as progress:
                task = progress.add_task(vn_date(start), total=None)

                def on_day(day: dt.date, index: int, total: int) -> None:
                    progress.update(task, total=total, completed=index, description=vn_date(day))

                run = asyncio.run(replay_campaign(slug, start, end, behaviour, on_day))
        received = mailbox.received
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        summary = replay_summary(session, campaign, default_calendar(), start=start, end=end)
        summary["lifecycle"] = lifecycle_summary(
            session, campaign, years=range(start.year, end.year + 1)
        )
    summary |= {
        "days_visited": run.days_visited,
        "flow_runs": run.flow_runs,
        "mail_folder": str(folder),
        "messages_received": received,
    }
    if report is not None:
        write_replay_report(report, slug, start, end, run.series)
        summary["report"] = str(report)
    return summary


def write_replay_report(path: Path, slug: str, start: dt.date, end: dt.date, series: Any) -> None:
    """The leaders' report of a replay, written by the same code as `tdkt report`, marked as a
    simulation, with the replay's day-by-day series."""
    from deployments.report import write_report
    from models.db import unit_of_work
    from models.services.leaders_report import leaders_report
    from models.services.plans import campaign_by_slug

    with unit_of_work() as session:
        campaign = campaign_by_slug(session, slug)
        data = leaders_report(
            session, campaign, default_calendar(), as_of=end, simulated=True, since=start
        )
    write_report(path, data, series)


def print_summary(summary: dict[str, Any]) -> None:
    e, o = summary["emails"], summary["obligations"]
    console.print(
        f"[bold]Kết quả mô phỏng {summary['campaign']}[/] "
        f"({_vn(summary['from'])} → {_vn(summary['to'])}): {summary['days_visited']} ngày có việc, "
        f"{summary['flow_runs']} lượt chạy flow."
    )
    kinds = {
        "reminder": "nhắc hạn",
        "due": "đến hạn",
        "escalation": "quá hạn (báo cáo cấp trên)",
        "invitation": "mời bỏ phiếu",
    }
    console.print(
        f"Thư: [bold]{e['total']}[/] ("
        + ", ".join(f"{kinds.get(k, k)}: {v}" for k, v in sorted(e["by_kind"].items()))
        + ")"
        + f"; máy chủ thư nhận {summary['messages_received']} thư mới."
    )
    if e["on_days_off"]:
        console.print(f"[red]Có thư gửi vào ngày nghỉ: {e['on_days_off']}[/]")
    console.print(
        f"Nghĩa vụ: {o['total']}, đã nộp {o['submitted']}, từng quá hạn "
        f"{o['ever_overdue']}, đang quá hạn {o['overdue_now']}."
    )
    months = Table(title="Thư theo tháng", title_justify="left")
    months.add_column("Tháng")
    months.add_column("Số thư", justify="right")
    for month, count in e["by_month"].items():
        year, number = month.split("-")
        months.add_row(f"{number}/{year}", str(count))
    console.print(months)
    timeline = Table(title="Dòng thời gian", title_justify="left")
    for column in ("Hạn", "Mốc", "Kỳ", "Đúng hạn", "Muộn", "Chưa nộp", "Nhắc", "Báo cấp trên"):
        timeline.add_column(column)
    for row in summary["timeline"]:
        timeline.add_row(
            vn_date(dt.date.fromisoformat(row["effective_due"])),
            row["title"][:60],
            row["occurrence"] if row["occurrence"] != "once" else "—",
            str(row["submitted_on_time"]),
            str(row["submitted_late"]),
            str(row["not_submitted"]),
            str(row["reminders"]),
            str(row["escalations"]),
        )
    console.print(timeline)
    if summary.get("lifecycle"):
        print_lifecycle(summary["lifecycle"])
    console.print(f"Thư (.eml) lưu tại: {summary['mail_folder']}")
    if "report" in summary:
        console.print(f"Báo cáo HTML: {summary['report']}")


def print_lifecycle(years: dict[str, Any]) -> None:
    """One row per year: from registrations against quota to reward decisions."""
    table = Table(title="Vòng đời điển hình theo năm", title_justify="left")
    console.print(
        "Đăng ký: số nhân tố; Chỉ tiêu: đạt/tổng; Đánh giá: đã làm (quá hạn); "
        "Tiêu chuẩn: đủ/chưa đủ; Bình xét: đưa ra/được chọn; Bài viết: phải đăng "
        "(đã đăng); QĐ: quyết định khen thưởng."
    )
    for column in (
        "Năm",
        "Đăng ký",
        "Chỉ tiêu",
        "Đánh giá",
        "Tiêu chuẩn",
        "Bình xét",
        "Bài viết",
        "Tôn vinh",
        "QĐ",
    ):
        table.add_column(column, justify="right")
    for year, y in years.items():
        e = y["eligibility"]
        table.add_row(
            year,
            str(y["registrations"]),
            f"{y['quotas']['met']}/{y['quotas']['total']}",
            f"{y['assessments']['done']} ({y['assessments']['overdue']})",
            f"{e.get('eligible', 0)}/{e.get('ineligible', 0)}",
            f"{y['ballots']['candidates']}/{y['ballots']['selected']}",
            f"{y['articles']['owed']} ({y['articles']['published']})",
            str(y["honour_roll"]),
            str(y["reward_decisions"]),
        )
    console.print(table)


def _vn(iso: str) -> str:
    return vn_date(dt.date.fromisoformat(iso))


def sweep(
    as_of: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Ngày quét (mặc định: hôm nay)")
    ] = None,
) -> None:
    """Chạy quét hằng ngày một lần (mở nghĩa vụ, nhắc hạn, gửi thư)."""
    from flows.daily_sweep import daily_sweep
    from models.clock import TIMEZONE

    when = dt.datetime.combine(as_of.date(), dt.time(7, 30), TIMEZONE) if as_of else now()
    days, sent = asyncio.run(daily_sweep(as_of=when))
    for day in days:
        console.print(
            f"{day.campaign}: {day.opened} nghĩa vụ mới, {day.overdue} quá hạn, "
            f"{day.notifications} thông báo, {day.emails} thư."
        )
    console.print(f"Đã gửi {sent.sent} thư, {sent.failed} lỗi, {sent.deferred} chờ gửi lại.")


def serve() -> None:
    """Phục vụ các deployment theo lịch (giờ Việt Nam) cho đến khi dừng (Ctrl+C)."""
    from prefect import serve as prefect_serve

    from deployments.schedules import SCHEDULES, build_deployments

    for name, cron in SCHEDULES.items():
        console.print(f"  {name}: cron '{cron}' (Asia/Ho_Chi_Minh)")
    prefect_serve(*build_deployments())
