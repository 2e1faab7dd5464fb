"""During a midterm (sơ kết) or final review (tổng kết): collect the units' reports.

Runs weekly while a review's window is open or just closed; outside those weeks it does nothing.
The chasing itself is the daily sweep's; this flow says, per review, who has reported.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact
from sqlalchemy import select

from flows.naming import graph_name, review_name
from models import clock
from models.db import unit_of_work
from models.orm import Campaign, Obligation
from models.text import vn_date
from models.vocabulary import MilestoneKind, ObligationStatus
from tasks.chasing import active_campaigns

KINDS = {"midterm": MilestoneKind.MIDTERM_REVIEW, "final": MilestoneKind.FINAL_REVIEW}
AFTER_WINDOW = dt.timedelta(days=30)


@task(name="review-reports", task_run_name=graph_name("báo cáo {review} {campaign}"))
def review_reports(campaign: str, review: str, as_of: dt.datetime) -> str | None:
    """Markdown of who reported for the campaign's reviews in progress, or None if none is."""
    today = as_of.date()
    with unit_of_work() as session:
        row = session.scalar(select(Campaign).where(Campaign.slug == campaign))
        if row is None:
            return None
        milestones = [
            m
            for m in row.milestones
            if m.kind == KINDS[review]
            and m.due_date is not None
            and (m.window_start or m.due_date) <= today <= m.due_date + AFTER_WINDOW
        ]
        if not milestones:
            return None
        parts = [
            f"# {'Sơ kết' if review == 'midterm' else 'Tổng kết'} — {row.title}",
            f"Ngày {vn_date(today)}",
            "",
        ]
        for m in milestones:
            obligations = session.scalars(
                select(Obligation).where(Obligation.milestone_id == m.id)
            ).all()
            done = [
                o
                for o in obligations
                if o.status in (ObligationStatus.SUBMITTED, ObligationStatus.ACCEPTED)
            ]
            missing = sorted(
                o.unit.name
                for o in obligations
                if o not in done and o.status != ObligationStatus.WAIVED
            )
            parts += [
                f"## {m.title}",
                f"Hạn: {vn_date(m.due_date)} (“{m.phrase}”)",
                "",
                f"Đã nộp **{len(done)}/{len(obligations)}** đơn vị.",
                "",
            ]
            if missing:
                parts += ["Chưa nộp:", *[f"- {name}" for name in missing], ""]
    return "\n".join(parts)


@flow(name="collect-review-reports", flow_run_name=review_name)
async def collect_review_reports(
    review: Literal["midterm", "final"],
    as_of: dt.datetime | None = None,
    campaigns: list[str] | None = None,
) -> int:
    """Publish, per campaign, who has sent its review report. Returns reviews in progress."""
    as_of = as_of or clock.now()
    in_progress = 0
    for slug in campaigns or active_campaigns(as_of):
        markdown = review_reports(slug, review, as_of)
        if markdown is None:
            continue
        in_progress += 1
        await acreate_markdown_artifact(
            key=f"tdkt-{slug}-{review}-review",
            markdown=markdown,
            description="Tình hình nộp báo cáo",
        )
    if not in_progress:
        get_run_logger().info(
            "Không có đợt %s nào đang diễn ra.", "sơ kết" if review == "midterm" else "tổng kết"
        )
    return in_progress
