"""The Prefect deployments of tdkt-flow and their schedules, in Asia/Ho_Chi_Minh.

- daily-sweep: every morning at 07:30 (it sends nothing on days off; the flow checks);
- yearly-cycle: 2 January at 07:00, opening the year's recurring obligations;
- midterm-review / final-review: every Monday at 09:00, active only during a review.

`tdkt serve` serves them from one process; prefect.yaml deploys the same flows to a process
work pool for several workers.
"""

from __future__ import annotations

from typing import Any

from prefect.schedules import Cron

from flows.daily_sweep import daily_sweep
from flows.review_collection import collect_review_reports
from flows.yearly_cycle import yearly_cycle

TIMEZONE = "Asia/Ho_Chi_Minh"

SCHEDULES: dict[str, str] = {
    "daily-sweep": "30 7 * * *",
    "yearly-cycle": "0 7 2 1 *",
    "midterm-review": "0 9 * * 1",
    "final-review": "0 9 * * 1",
}


def build_deployments() -> list[Any]:
    """RunnerDeployments for `serve`; each says when it runs and why."""
    return [
        daily_sweep.to_deployment(
            name="daily-sweep",
            schedule=Cron(SCHEDULES["daily-sweep"], timezone=TIMEZONE),
            description="Nhắc hạn, đôn đốc và báo cáo hằng ngày",
            tags=["tdkt"],
            concurrency_limit=1,
        ),
        yearly_cycle.to_deployment(
            name="yearly-cycle",
            schedule=Cron(SCHEDULES["yearly-cycle"], timezone=TIMEZONE),
            description="Mở nghĩa vụ của năm mới",
            tags=["tdkt"],
        ),
        collect_review_reports.to_deployment(
            name="midterm-review",
            parameters={"review": "midterm"},
            schedule=Cron(SCHEDULES["midterm-review"], timezone=TIMEZONE),
            description="Thu báo cáo sơ kết",
            tags=["tdkt"],
        ),
        collect_review_reports.to_deployment(
            name="final-review",
            parameters={"review": "final"},
            schedule=Cron(SCHEDULES["final-review"], timezone=TIMEZONE),
            description="Thu báo cáo tổng kết",
            tags=["tdkt"],
        ),
    ]
