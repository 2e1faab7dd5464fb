"""`tdkt demo`: the README's main job on embedded defaults."""

from __future__ import annotations

from pathlib import Path

from deployments.cli.common import actor, console
from deployments.cli.plan import print_timeline
from models.calendar import default_calendar
from models.clock import now

ROOT = Path(__file__).resolve().parents[2]
DEMO_PLAN = ROOT / "plans" / "quang-binh-2021-2025.yaml"
DEMO_DIRECTORY = ROOT / "data" / "directories" / "quang-binh.yaml"


def demo() -> None:
    """Nạp danh bạ mẫu và kế hoạch Quảng Bình vào cơ sở dữ liệu cục bộ, rồi in mốc thời gian."""
    from models.db import Settings, unit_of_work
    from models.plan import Plan
    from models.services.directory import import_directory_file
    from models.services.plans import load_plan_file

    settings = Settings.from_env()
    console.print(f"Cơ sở dữ liệu: {settings.database_url}")
    with unit_of_work() as session:
        summary = import_directory_file(session, DEMO_DIRECTORY, at=now(), actor=actor())
        result = load_plan_file(session, DEMO_PLAN, default_calendar(), at=now(), actor=actor())
        plan = Plan.model_validate(result.campaign.plan)
    console.print(
        f"Danh bạ mẫu Quảng Bình: {summary.units_added + summary.units_updated} đơn vị, "
        f"{summary.contacts} liên hệ, {summary.clusters} cụm/khối thi đua."
    )
    console.print(f"Kế hoạch {plan.id}: {'đã nạp' if result.created else 'đã có sẵn'}.\n")
    print_timeline(plan)
