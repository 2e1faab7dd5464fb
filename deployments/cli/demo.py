"""`tdkt demo`: the README's main job on embedded defaults.

Loads the synthetic Quảng Bình directory and plan, starts a local Prefect server and a local
SMTP server, replays the campaign from 04/10/2022 to 30/06/2025, and prints the summary, the
dashboard's address and the mail folder.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer

from deployments.cli.common import console
from deployments.cli.plan import print_timeline
from deployments.cli.replay import print_summary, run_replay

ROOT = Path(__file__).resolve().parents[2]
DEMO_PLAN = ROOT / "plans" / "quang-binh-2021-2025.yaml"
DEMO_DIRECTORY = ROOT / "data" / "directories" / "quang-binh.yaml"
DEMO_FROM, DEMO_TO = dt.date(2022, 10, 4), dt.date(2025, 6, 30)


def dashboard() -> None:
    """Mở bảng điều khiển Prefect cục bộ với các lượt chạy đã lưu, cho đến khi Ctrl+C."""
    from deployments.prefect_server import LocalPrefectServer
    from models.db import Settings

    server = LocalPrefectServer(Settings.from_env().data_dir)
    server.start()
    console.print(f"Bảng điều khiển Prefect: [bold]{server.url}[/]; nhấn Ctrl+C để dừng.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def demo(
    serve: Annotated[
        bool, typer.Option("--serve", help="Giữ bảng điều khiển Prefect chạy")
    ] = False,
    report: Annotated[Path | None, typer.Option(help="Ghi báo cáo HTML")] = None,
) -> None:
    """Mô phỏng kế hoạch Quảng Bình 2021-2025 qua máy chủ Prefect và máy chủ thư cục bộ."""
    from deployments.prefect_server import LocalPrefectServer
    from models.db import Settings
    from models.plan_files import read_plan

    settings = Settings.from_env()
    console.print(f"Cơ sở dữ liệu: {settings.database_url}")
    print_timeline(read_plan(DEMO_PLAN))
    server = LocalPrefectServer(settings.data_dir)
    console.print("Khởi động máy chủ Prefect cục bộ (lần đầu mất khoảng 10-20 giây)...")
    server.start()
    try:
        summary = run_replay(
            DEMO_PLAN,
            DEMO_FROM,
            DEMO_TO,
            quiet=False,
            directory=DEMO_DIRECTORY,
            mail_dir=None,
            seed=2022,
            submit_probability=0.85,
            report=report or settings.data_dir / "bao-cao-quang-binh.html",
        )
        print_summary(summary)
        if serve:
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
