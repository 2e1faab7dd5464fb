"""`tdkt demo`: the README's main job on embedded defaults.

Loads the synthetic Quảng Bình directory and plan, starts a local Prefect server and a local
SMTP server, replays the campaign from 04/10/2022 to 30/06/2025, and prints the summary, the
dashboard's address and the mail folder. `--plan quang-tri-2026-2030` replays instead the
merged Quảng Trị's 2026-2030 plan (derived, synthetic) from its launch into 2027.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deployments.cli.common import console
from deployments.cli.plan import print_timeline
from deployments.cli.replay import print_summary, run_replay

if TYPE_CHECKING:
    from deployments.prefect_server import LocalPrefectServer

ROOT = Path(__file__).resolve().parents[2]
DEMO_PLAN = ROOT / "plans" / "quang-binh-2021-2025.yaml"
DEMO_DIRECTORY = ROOT / "data" / "directories" / "quang-binh.yaml"
DEMO_FROM, DEMO_TO = dt.date(2022, 10, 4), dt.date(2025, 6, 30)
DEMOS = {  # plan id -> (plan, directory, from, to): what `--plan` offers
    "quang-binh-2021-2025": (DEMO_PLAN, DEMO_DIRECTORY, DEMO_FROM, DEMO_TO),
    "quang-tri-2026-2030": (
        ROOT / "plans" / "quang-tri-2026-2030.yaml",
        ROOT / "data" / "directories" / "quang-tri.yaml",
        dt.date(2026, 1, 20),
        dt.date(2027, 6, 30),
    ),
}


def dashboard() -> None:
    """Mở bảng điều khiển Prefect cục bộ với các lượt chạy đã lưu, cho đến khi Ctrl+C."""
    from deployments.prefect_server import LocalPrefectServer, stopped_by_signals
    from models.db import Settings

    server = LocalPrefectServer(Settings.from_env().data_dir)
    with stopped_by_signals():  # SIGTERM, SIGHUP as Ctrl+C: the server stops with us
        try:
            server.start(die_with_parent=True)
            _show_deployments()
            console.print(f"Bảng điều khiển Prefect: [bold]{server.url}[/]; nhấn Ctrl+C để dừng.")
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()


def _show_deployments() -> None:
    """Register the deployments (paused) so the Deployments page shows them and their
    schedules; a failure here is a warning, not the end of the dashboard."""
    from deployments.schedules import register_deployments

    try:
        count = register_deployments()
    except Exception as error:
        console.print(f"[yellow]Không đăng ký được các deployment: {error}[/]")
    else:
        console.print(f"Đã đăng ký {count} deployment và lịch chạy (tạm dừng, giờ Việt Nam).")


def serve_web_intake(as_of: dt.date, port: int = 8765) -> None:
    """Start `tdkt web` in the background on the replay's last day, with a demo coordinator
    account (a new random password each time) and one live link to try."""
    import secrets
    import threading

    import uvicorn
    from sqlalchemy import select

    from deployments.cli.web import web_config
    from models.clock import at_start_of
    from models.db import unit_of_work
    from models.orm import AccessLink, Coordinator, Obligation
    from models.policy import CHASED
    from models.services.access import IntakeSettings
    from models.services.accounts import add_coordinator, end_sessions

    password = secrets.token_urlsafe(12)
    moment = at_start_of(as_of)
    intake = IntakeSettings.from_env()
    with unit_of_work() as session:
        old = session.scalar(select(Coordinator).where(Coordinator.username == "demo"))
        if old is not None:
            end_sessions(session, old)
            session.delete(old)
            session.flush()
        add_coordinator(
            session,
            "demo",
            "Cán bộ điều phối (demo)",
            password,
            unit=None,
            at=moment,
            actor="tdkt demo",
            admin=True,
        )
        link = session.scalar(
            select(AccessLink)
            .join(AccessLink.obligation)
            .where(Obligation.status.in_(CHASED), AccessLink.expires_at > moment)
            .order_by(AccessLink.id.desc())
            .limit(1)
        )
        sample = intake.link_url(intake.signer.link_token(link.id, link.nonce)) if link else None
    server = uvicorn.Server(web_config("127.0.0.1", port, as_of))
    threading.Thread(target=server.run, name="tdkt-web", daemon=True).start()
    console.print(
        f"Trang web tiếp nhận (đồng hồ mô phỏng {as_of:%d/%m/%Y}): [bold]http://127.0.0.1:{port}[/]"
    )
    console.print(f"  Cán bộ điều phối: /dieu-phoi — đăng nhập [bold]demo[/] / [bold]{password}[/]")
    if sample:
        console.print(f"  Một liên kết cá nhân trong thư nhắc: {sample}")


def demo(
    serve: Annotated[
        bool,
        typer.Option("--serve", help="Giữ bảng điều khiển Prefect và trang web tiếp nhận chạy"),
    ] = False,
    report: Annotated[Path | None, typer.Option(help="Ghi báo cáo HTML")] = None,
    plan: Annotated[
        str,
        typer.Option("--plan", help="Kế hoạch mô phỏng: " + ", ".join(DEMOS)),
    ] = "quang-binh-2021-2025",
) -> None:
    """Mô phỏng kế hoạch Quảng Bình 2021-2025 (hoặc Quảng Trị 2026-2030 với --plan) qua máy
    chủ Prefect và máy chủ thư cục bộ."""
    from deployments.prefect_server import LocalPrefectServer, stopped_by_signals
    from models.db import Settings
    from models.plan_files import read_plan

    settings = Settings.from_env()
    console.print(f"Cơ sở dữ liệu: {settings.database_url}")
    if plan not in DEMOS:
        raise typer.BadParameter(f"chỉ nhận: {', '.join(DEMOS)}", param_hint="--plan")
    plan_file, directory, start, end = DEMOS[plan]
    print_timeline(read_plan(plan_file))
    server = LocalPrefectServer(settings.data_dir)
    console.print("Khởi động máy chủ Prefect cục bộ (lần đầu mất khoảng 10-20 giây)...")
    with stopped_by_signals():  # SIGTERM, SIGHUP as Ctrl+C: the server stops with us
        _replay_and_serve(server, plan, plan_file, directory, start, end, report, serve)


def _replay_and_serve(
    server: LocalPrefectServer,
    plan: str,
    plan_file: Path,
    directory: Path,
    start: dt.date,
    end: dt.date,
    report: Path | None,
    serve: bool,
) -> None:
    """The demo's body, between the server's start and its stop (whatever ends it)."""
    from models.db import Settings

    settings = Settings.from_env()
    try:
        server.start(die_with_parent=True)
        summary = run_replay(
            plan_file,
            start,
            end,
            quiet=False,
            directory=directory,
            mail_dir=None,
            seed=2022,
            submit_probability=0.85,
            report=report or settings.data_dir / f"bao-cao-{plan.rsplit('-', 2)[0]}.html",
        )
        print_summary(summary)
        if serve:
            _show_deployments()
            serve_web_intake(end)
            console.print(
                f"Bảng điều khiển Prefect: [bold]{server.url}[/] (flow runs, "
                "artifacts); nhấn Ctrl+C để dừng."
            )
            while True:
                time.sleep(3600)
        console.print(
            "Xem các flow run và artifact trên bảng điều khiển Prefect: "
            "[bold]./dev tdkt dashboard[/] (hoặc chạy demo với --serve)."
        )
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
