"""The Prefect deployments of tdkt-flow and their schedules, in Asia/Ho_Chi_Minh.

- daily-sweep: every morning at 07:30 (it sends nothing on days off; the flow checks);
- yearly-cycle: 2 January at 07:00, opening the year's recurring obligations;
- midterm-review / final-review: every Monday at 09:00, active only during a review;
- eligibility-review: 1 December (criteria, then the council's ballot);
- recognition: 20 December (close the ballot; publicise, honour, reward).

`tdkt serve` serves them from one process; prefect.yaml deploys the same flows to a process
work pool for several workers.
"""

from __future__ import annotations

from typing import Any

from prefect.schedules import Cron

from flows.daily_sweep import daily_sweep
from flows.lifecycle import eligibility_review, recognition
from flows.review_collection import collect_review_reports
from flows.yearly_cycle import yearly_cycle

TIMEZONE = "Asia/Ho_Chi_Minh"

SCHEDULES: dict[str, str] = {
    "daily-sweep": "30 7 * * *",
    "yearly-cycle": "0 7 2 1 *",
    "midterm-review": "0 9 * * 1",
    "final-review": "0 9 * * 1",
    "eligibility-review": "0 8 1 12 *",
    "recognition": "0 8 20 12 *",
}


DEPLOYMENTS: list[tuple[Any, str, dict[str, Any], str]] = [
    (daily_sweep, "daily-sweep", {}, "Nhắc hạn, đôn đốc và báo cáo hằng ngày"),
    (yearly_cycle, "yearly-cycle", {}, "Mở nghĩa vụ của năm mới"),
    (collect_review_reports, "midterm-review", {"review": "midterm"}, "Thu báo cáo sơ kết"),
    (collect_review_reports, "final-review", {"review": "final"}, "Thu báo cáo tổng kết"),
    (eligibility_review, "eligibility-review", {}, "Xét tiêu chuẩn và mở bình xét cuối năm"),
    (recognition, "recognition", {}, "Kết thúc bình xét; tuyên truyền, tôn vinh, khen thưởng"),
]


def build_deployments(*, paused: bool = False) -> list[Any]:
    """RunnerDeployments for `serve`; at most one run of each at a time."""
    return [
        flow.to_deployment(
            name=name,
            parameters=parameters,
            schedule=Cron(SCHEDULES[name], timezone=TIMEZONE),
            description=description,
            tags=["tdkt"],
            concurrency_limit=1,
            paused=paused or None,
        )
        for flow, name, parameters, description in DEPLOYMENTS
    ]


def register_deployments() -> int:
    """Show the deployments and their schedules on the dashboard's Deployments page, paused:
    the demo's data runs on a simulated clock, and nothing serves these runs (`tdkt serve`
    does, in production). Returns how many were registered."""
    import asyncio

    deployments = build_deployments(paused=True)

    async def apply_all() -> None:
        for deployment in deployments:
            await deployment.apply()

    asyncio.run(apply_all())
    return len(deployments)
