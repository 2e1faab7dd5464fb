"""Keyed Prefect artifacts per campaign: what a coordinator reads on the dashboard."""

from __future__ import annotations

import datetime as dt

from prefect import task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact

from models.calendar import default_calendar
from models.db import unit_of_work
from models.lifecycle import FUNNEL
from models.quotas import QuotaProgress
from models.services.lifecycle_report import funnel
from models.services.plans import campaign_by_slug
from models.services.quota_tracking import quota_progress
from models.services.reporting import CampaignStatus, campaign_status
from models.text import vn_date
from models.vocabulary import ObligationStatus
from notifications.render import one_line

STATUS_COLUMNS = [s for s in ObligationStatus]


@task(name="publish-artifacts", task_run_name="báo cáo {campaign} {as_of:%d/%m/%Y}")
async def publish_artifacts(campaign: str, as_of: dt.datetime) -> CampaignStatus:
    """Table of milestones by status, markdown of overdue units and of email delivery."""
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        status = campaign_status(session, row, default_calendar(), as_of=as_of.date())
        rows_funnel = funnel(session, row)
        quotas = quota_progress(session, row, years=range(row.period_start, as_of.year + 1))
    key = "tdkt-" + campaign
    await acreate_table_artifact(
        key=f"{key}-obligations",
        table=[
            {
                "Mốc": one_line(r.title)[:80],
                "Kỳ": one_line(r.occurrence or "—"),
                "Hạn": vn_date(r.due),
                **{s.label: r.counts.get(s.value, 0) for s in STATUS_COLUMNS},
            }
            for r in status.milestones
        ],
        description=f"Nghĩa vụ theo mốc — {_cell(status.title)} — ngày {vn_date(as_of.date())}",
    )
    if rows_funnel:
        await acreate_table_artifact(
            key=f"{key}-funnel",
            table=[
                {
                    "Lĩnh vực": one_line(field),
                    "Năm": year,
                    **{s.label: n for s, n in zip(FUNNEL, counts, strict=True)},
                }
                for (field, year), counts in rows_funnel.items()
            ],
            description="Phễu điển hình theo lĩnh vực và năm",
        )
    if quotas:
        await acreate_markdown_artifact(
            key=f"{key}-quotas", markdown=quota_markdown(quotas), description="Tiến độ chỉ tiêu"
        )
    await acreate_markdown_artifact(
        key=f"{key}-overdue", markdown=overdue_markdown(status), description="Đơn vị quá hạn"
    )
    await acreate_markdown_artifact(
        key=f"{key}-emails", markdown=emails_markdown(status), description="Thư đã gửi và thư lỗi"
    )
    return status


def quota_markdown(rows: list[QuotaProgress]) -> str:
    lines = [
        "# Tiến độ chỉ tiêu",
        "",
        "| Chỉ tiêu | Đơn vị | Năm | Đã có | Tối thiểu | Đạt |",
        "|---|---|---|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {_cell(r.quota)} | {_cell(r.unit)} | {r.year or 'cả giai đoạn'} | {r.count} "
            f"| {r.minimum} | {'✓' if r.met else '✗'} |"
        )
    return "\n".join(lines)


def overdue_markdown(status: CampaignStatus) -> str:
    lines = [
        f"# Đơn vị quá hạn — {vn_date(status.as_of)}",
        "",
        f"**{status.overdue_count}** nghĩa vụ đang quá hạn.",
        "",
    ]
    if status.overdue:
        lines += [
            "| Đơn vị | Việc | Kỳ | Hạn | Quá hạn (ngày làm việc) |",
            "|---|---|---|---|---:|",
        ]
        for r in status.overdue:
            what = f"{r.milestone} — {r.about}" if r.about else r.milestone  # named (issue 20)
            lines.append(
                f"| {_cell(r.unit_name)} | {_cell(what)} | {_cell(r.occurrence) or '—'} "
                f"| {vn_date(r.due)} | {r.working_days_overdue} |"
            )
        if status.overdue_count > len(status.overdue):
            lines.append(f"\n… và {status.overdue_count - len(status.overdue)} nghĩa vụ khác.")
    return "\n".join(lines)


def emails_markdown(status: CampaignStatus) -> str:
    e = status.emails
    lines = [
        f"# Thư điện tử — {vn_date(status.as_of)}",
        "",
        f"- Đã gửi: **{e.get('sent', 0)}**",
        f"- Chờ gửi / đang gửi: {e.get('pending', 0) + e.get('sending', 0)}",
        f"- Lỗi vĩnh viễn (cần xử lý): **{e.get('failed', 0)}**",
        "",
    ]
    if status.failed:
        lines += ["| Người nhận | Tiêu đề | Mã SMTP | Lỗi |", "|---|---|---|---|"]
        lines += [
            f"| {_cell(f.recipient)} | {_cell(f.subject)} | {f.code or ''} | {_cell(f.error)} |"
            for f in status.failed
        ]
    return "\n".join(lines)


_MARKUP = str.maketrans(
    {c: f"\\{c}" for c in "\\|[]`*_"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
)


def _cell(text: str | None) -> str:
    """Free text (unit names, plan titles, SMTP errors) as inert markdown on one line: the
    dashboard renders artifacts as markdown, so "|" would split a table cell, "[x](url)" make
    a link and "<script>" reach the page as HTML; line breaks would end the table row."""
    return one_line(text or "").translate(_MARKUP)
