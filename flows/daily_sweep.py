"""Every morning: open what falls due, remind and escalate, send, and show where things stand."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from prefect import flow, get_run_logger

from flows.naming import sweep_name
from models import clock
from tasks.artifacts import publish_artifacts
from tasks.chasing import DayResult, active_campaigns, prepare_day
from tasks.partitions import partition_count, prepare_partitioned, send_partitioned
from tasks.sending import SendResult, send_outbox


@flow(name="daily-sweep", flow_run_name=sweep_name, retries=1, retry_delay_seconds=60)
async def daily_sweep(
    as_of: dt.datetime | None = None, campaigns: list[str] | None = None
) -> tuple[list[DayResult], SendResult]:
    """The plan's chase for one day. Idempotent: running it twice sends nothing twice."""
    as_of = as_of or clock.now()
    logger = get_run_logger()
    slugs = campaigns or active_campaigns(as_of)
    partitions = partition_count()
    days = [
        prepare_day(slug, as_of)
        if partitions == 1
        else await prepare_partitioned(slug, as_of, partitions)
        for slug in slugs
    ]
    sent = (
        await send_outbox(as_of) if partitions == 1 else await send_partitioned(as_of, partitions)
    )
    for slug in slugs:
        await publish_artifacts(slug, as_of)
    for day in days:
        logger.info(
            "%s: mở %d nghĩa vụ, %d nghĩa vụ mới quá hạn, %d thông báo, soạn %d thư",
            day.campaign,
            day.opened,
            day.overdue,
            day.notifications,
            day.emails,
        )
        if day.escalated:
            logger.info(
                "%s: báo cấp trên về %d đơn vị quá hạn: %s",
                day.campaign,
                len(day.escalated),
                counted(day.escalated, shown=50),
            )
        if day.without_recipient:
            logger.warning(
                "%s: không có địa chỉ nhận cho %s",
                day.campaign,
                counted(day.without_recipient, shown=20),
            )
    logger.info(
        "Đã gửi %d thư, %d lỗi vĩnh viễn, %d chờ gửi lại (người nhận thư lỗi: mục Thư "
        "điện tử trong Artifacts)",
        sent.sent,
        sent.failed,
        sent.deferred,
    )
    return days, sent


def counted(labels: Iterable[str], *, shown: int) -> str:
    """'QG (due) ×20, QG.P01 (reminder-1)': a day with a thousand unreachable units stays one
    readable log line."""
    counts = Counter(labels).most_common()
    text = ", ".join(f"{label} ×{n}" if n > 1 else label for label, n in counts[:shown])
    return text + (f" (và {len(counts) - shown} mục khác)" if len(counts) > shown else "")
