"""Keyed Prefect artifacts per campaign: what a coordinator reads on the dashboard.

Each sweep rewrites the same keys ("tdkt-<campaign>-summary", "-overdue", "-emails",
"-quotas", "-obligations", "-funnel"), so the Artifacts page always shows where the campaign
stands today, in the order a coordinator asks: how far along are we, who is late and whom to
call, what went out this morning and what bounced, which quotas are short. The builders below
are pure (tests read their text); the task only gathers the data and publishes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact

from flows.naming import graph_name
from models.calendar import default_calendar
from models.db import unit_of_work
from models.lifecycle import FUNNEL
from models.quotas import QuotaProgress
from models.services.access import IntakeSettings
from models.services.dashboard import (
    DayEmails,
    OverdueUnit,
    emails_of_day,
    overdue_units,
    quota_verdict,
    quota_years,
    unit_names,
)
from models.services.lifecycle_report import funnel
from models.services.obligations import plan_of
from models.services.plans import campaign_by_slug
from models.services.quota_tracking import quota_progress
from models.services.reporting import CampaignStatus, MilestoneRow, campaign_status
from models.text import vn_date, vn_number
from models.vocabulary import ObligationStatus
from notifications.render import one_line, shorten_words

STATUS_COLUMNS = [s for s in ObligationStatus]
DONE = {ObligationStatus.SUBMITTED, ObligationStatus.ACCEPTED, ObligationStatus.WAIVED}
TITLE_WIDTH = 110  # characters of a milestone's title in a table cell, cut between words
EMAIL_KINDS = {
    "reminder": "Nhắc hạn",
    "due": "Đến hạn",
    "escalation": "Quá hạn, báo cấp trên",
    "invitation": "Mời bỏ phiếu",
    "ceremony_invitation": "Mời dự lễ tôn vinh",
}


@dataclass(frozen=True)
class Dashboard:
    """Everything the artifacts show for one campaign on one day."""

    status: CampaignStatus
    overdue: list[OverdueUnit]
    emails: DayEmails
    quotas: list[QuotaProgress]
    quota_units: dict[str, str]  # unit code -> name
    fields: dict[str, str]  # field code -> name
    funnel: dict[tuple[str, int], list[int]]
    link: str  # the coordinators' page of the campaign


@task(name="publish-artifacts", task_run_name=graph_name("báo cáo {campaign} {as_of:%d/%m/%Y}"))
async def publish_artifacts(campaign: str, as_of: dt.datetime) -> CampaignStatus:
    """Gather the campaign's day and publish its keyed artifacts (see the module's doc)."""
    board = gather(campaign, as_of)
    key = "tdkt-" + campaign
    day = vn_date(as_of.date())
    uploads = [
        acreate_markdown_artifact(
            key=f"{key}-summary",
            markdown=bounded_markdown(summary_markdown(board), board.link),
            description=f"Tổng quan — {day}",
        ),
        acreate_table_artifact(
            key=f"{key}-overdue",
            table=bounded_table(
                overdue_table(board.overdue) or [{"Đơn vị": "Không có đơn vị nào quá hạn"}],
                board.link,
            ),
            description=overdue_description(board),
        ),
        acreate_markdown_artifact(
            key=f"{key}-emails",
            markdown=bounded_markdown(emails_markdown(board.emails), board.link),
            description=f"Thư — {day}",
        ),
        acreate_table_artifact(
            key=f"{key}-obligations",
            table=bounded_table(milestone_table(board.status.milestones), board.link),
            description=f"Nghĩa vụ theo mốc — {_cell(board.status.title)} — {day}",
        ),
    ]
    if board.quotas:
        uploads.append(
            acreate_markdown_artifact(
                key=f"{key}-quotas",
                markdown=bounded_markdown(
                    quota_markdown(board.quotas, board.quota_units, as_of.date()), board.link
                ),
                description=f"Chỉ tiêu điển hình — {day}",
            )
        )
    if board.funnel:
        uploads.append(
            acreate_table_artifact(
                key=f"{key}-funnel",
                table=bounded_table(funnel_table(board.funnel, board.fields), board.link),
                description="Điển hình theo lĩnh vực và năm",
            )
        )
    # Each artifact is one request to Prefect's server: sent together, a morning waits for
    # the slowest of them rather than for their sum (a fixed cost of every day swept).
    await asyncio.gather(*uploads)
    logger = get_run_logger()
    logger.info(
        "%s: %d đơn vị quá hạn (%d nghĩa vụ); thư hôm nay: %d, lỗi %d",
        campaign,
        len(board.overdue),
        board.status.overdue_count,
        sum(board.emails.totals.values()),
        len(board.emails.failed),
    )
    if board.emails.failed:
        logger.warning(
            "%s: thư lỗi hôm nay tới %s",
            campaign,
            ", ".join(sorted({f.recipient for f in board.emails.failed})[:20]),
        )
    return board.status


def gather(campaign: str, as_of: dt.datetime) -> Dashboard:
    """One transaction's reading of everything the artifacts show."""
    calendar = default_calendar()
    today = as_of.date()
    with unit_of_work() as session:
        row = campaign_by_slug(session, campaign)
        status = campaign_status(session, row, calendar, as_of=today, overdue_limit=0)
        quotas = quota_progress(session, row, years=quota_years(row, today))
        plan = plan_of(row)
        return Dashboard(
            status,
            overdue_units(session, row, calendar, as_of=today),
            emails_of_day(session, row, today),
            quotas,
            unit_names(session, {q.unit for q in quotas}),
            {f.code: one_line(f.name) for f in plan.fields},
            funnel(session, row),
            IntakeSettings.from_env().campaign_url(campaign),
        )


def _done(row: MilestoneRow) -> int:
    return sum(row.counts.get(s.value, 0) for s in DONE)


def _late(row: MilestoneRow) -> int:
    return row.counts.get(ObligationStatus.OVERDUE.value, 0)


def progress_bar(done: int, total: int, width: int = 10) -> str:
    """'▓▓▓▓▓▓░░░░ 60%': a percentage a glance reads, in plain text every browser draws."""
    share = done / total if total else 0.0
    filled = round(share * width)
    return f"{'▓' * filled}{'░' * (width - filled)} {round(share * 100)}%"


def summary_markdown(board: Dashboard) -> str:
    """The first artifact: the campaign's progress per year and per milestone."""
    s = board.status
    rows = s.milestones
    total = sum(sum(r.counts.values()) for r in rows)
    done = sum(_done(r) for r in rows)
    lines = [
        f"# {_cell(s.title)}",
        "",
        f"Tình hình đến ngày **{vn_date(s.as_of)}**: {done}/{total} nghĩa vụ đã hoàn thành "
        f"({progress_bar(done, total)}); **{s.overdue_count}** nghĩa vụ quá hạn của "
        f"**{len(board.overdue)}** đơn vị (xem «Đơn vị quá hạn» hoặc [trang điều phối]"
        f"({board.link})).",
        "",
        "## Tiến độ theo năm",
        "",
        "| Năm | Nghĩa vụ | Hoàn thành | Quá hạn | Tiến độ |",
        "|---|---:|---:|---:|---|",
    ]
    per_year: dict[int, Counter[str]] = {}
    for r in rows:  # by the year the obligations fall due: a one-off task counts in its year
        tally = per_year.setdefault(r.due.year, Counter())
        tally.update(total=sum(r.counts.values()), done=_done(r), late=_late(r))
    for year, t in sorted(per_year.items()):
        lines.append(
            f"| {year} | {t['total']} | {t['done']} | {t['late']} "
            f"| {progress_bar(t['done'], t['total'])} |"
        )
    lines += [
        "",
        "## Tiến độ theo mốc",
        "",
        "| Mốc | Hạn | Hoàn thành | Quá hạn | Tiến độ |",
        "|---|---|---:|---:|---|",
    ]
    for r in rows:
        n = sum(r.counts.values())
        lines.append(
            f"| {_cell(shorten_words(one_line(r.title), TITLE_WIDTH))} | {vn_date(r.due)} "
            f"| {_done(r)}/{n} | {_late(r)} | {progress_bar(_done(r), n)} |"
        )
    return "\n".join(lines)


def overdue_table(units: list[OverdueUnit]) -> list[dict[str, Any]]:
    """Every late unit, the longest overdue first: whom to call and about what. A table
    artifact holds all of them (the dashboard pages it), one row per unit."""
    return [
        {
            "Hạng": rank,
            "Đơn vị": one_line(u.name),
            "Quá hạn (ngày làm việc)": u.working_days_overdue,
            "Cán bộ theo dõi": one_line(u.officer) or "—",
            "Điện thoại": one_line(u.phone) or "—",
            "Thư điện tử": one_line(u.email) or "—",
            "Số nghĩa vụ": u.obligations,
            "Việc còn nợ": "; ".join(
                one_line(
                    f"{i.what}{f' ({i.occurrence})' if i.occurrence else ''}, hạn {vn_date(i.due)}"
                    f"{f' ×{i.count}' if i.count > 1 else ''}"
                )
                for i in u.items
            ),
        }
        for rank, u in enumerate(units, 1)
    ]


def overdue_description(board: Dashboard) -> str:
    count = board.status.overdue_count
    listed = sum(u.obligations for u in board.overdue)
    shown = (
        f"{vn_number(len(board.overdue))} đơn vị, {vn_number(count)} nghĩa vụ"
        if listed >= count
        else f"{vn_number(len(board.overdue))} đơn vị của {vn_number(listed)} nghĩa vụ quá hạn "
        f"lâu nhất (trong tổng số {vn_number(count)} nghĩa vụ)"
    )
    return (
        f"Đơn vị quá hạn — {vn_date(board.status.as_of)}: {shown}, xếp theo số ngày quá hạn; "
        f"chi tiết và lọc trên [trang điều phối]({board.link})"
    )


def emails_markdown(e: DayEmails) -> str:
    """The day's emails by kind (this sweep's, not the campaign's total), the failed ones
    with their recipients, and how many failures of earlier days still wait."""
    lines = [f"# Thư điện tử ngày {vn_date(e.day)}", ""]
    if not e.by_kind:
        lines.append("Hôm nay không có thư nào.")
    else:
        lines += [
            f"**{vn_number(sum(e.totals.values()))}** thư tới "
            f"{vn_number(e.recipients)} người nhận.",
            "",
            "| Loại thư | Tổng | Đã gửi | Chờ gửi | Lỗi |",
            "|---|---:|---:|---:|---:|",
        ]
        for kind, c in sorted(e.by_kind.items()):
            lines.append(
                f"| {EMAIL_KINDS.get(kind, _cell(kind))} | {sum(c.values())} | {c['sent']} "
                f"| {c['pending'] + c['sending']} | {c['failed']} |"
            )
    if e.failed:
        lines += [
            "",
            f"## Thư lỗi hôm nay ({len(e.failed)}): cần liên hệ người nhận",
            "",
            "| Người nhận | Loại thư | Tiêu đề | Mã SMTP | Lỗi |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {_cell(f.recipient)} | {EMAIL_KINDS.get(f.kind, _cell(f.kind))} "
            f"| {_cell(f.subject)} | {f.code or ''} | {_cell(f.error)} |"
            for f in e.failed
        ]
    earlier = e.failed_total - len(e.failed)
    if earlier > 0:
        lines += ["", f"Còn {earlier} thư lỗi của những ngày trước chưa xử lý."]
    return "\n".join(lines)


def quota_markdown(rows: list[QuotaProgress], units: dict[str, str], as_of: dt.date) -> str:
    """Quotas by name, one table each: a unit per row, a year per column (the years the plan
    covers); a year before its checkpoint is in progress, not missed
    (models.services.dashboard.quota_verdict)."""
    lines = [
        f"# Chỉ tiêu điển hình — {vn_date(as_of)}",
        "",
        "Mỗi ô: số điển hình đã có / tối thiểu; ✓ đạt, ✗ chưa đạt sau kỳ kiểm tra, "
        "… đang thực hiện.",
    ]
    quotas: dict[str, dict[str, dict[int | None, QuotaProgress]]] = {}
    for r in rows:
        quotas.setdefault(r.quota, {}).setdefault(r.unit, {})[r.year] = r
    marks = {"Đạt": "✓", "Chưa đạt": "✗", "Đang thực hiện": "…"}
    for quota, per_unit in quotas.items():
        years = sorted({y for cells in per_unit.values() for y in cells}, key=lambda y: y or 0)
        heads = [str(y) if y else "Cả giai đoạn" for y in years]
        lines += [
            "",
            f"### {_cell(quota[:1].upper() + quota[1:])}",
            "",
            "| Đơn vị | " + " | ".join(heads) + " |",
            "|---|" + "---:|" * len(heads),
        ]
        for unit, cells in per_unit.items():
            shown = [
                f"{c.count}/{c.minimum} {marks[quota_verdict(c, as_of)]}" if c else "—"
                for c in (cells.get(y) for y in years)
            ]
            lines.append(f"| {_cell(units.get(unit, unit))} | " + " | ".join(shown) + " |")
    return "\n".join(lines)


def milestone_table(rows: list[MilestoneRow]) -> list[dict[str, Any]]:
    return [
        {
            "Mốc": shorten_words(one_line(r.title), TITLE_WIDTH),
            "Kỳ": one_line(r.occurrence or "—"),
            "Hạn": vn_date(r.due),
            **{s.label: r.counts.get(s.value, 0) for s in STATUS_COLUMNS},
        }
        for r in rows
    ]


def funnel_table(
    rows: dict[tuple[str, int], list[int]], fields: dict[str, str]
) -> list[dict[str, Any]]:
    return [
        {
            "Lĩnh vực": fields.get(field, one_line(field)) or "—",
            "Năm": year,
            **{s.label: n for s, n in zip(FUNNEL, counts, strict=True)},
        }
        for (field, year), counts in rows.items()
    ]


_MARKUP = str.maketrans(
    {c: f"\\{c}" for c in "\\|[]`*_"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
)


ARTIFACT_BYTES = 900_000
"""The most an artifact's content may weigh, as JSON with every Vietnamese letter escaped (how
Prefect stores a table; markdown is counted the same way). Prefect's server refuses to publish
an event over 1.5 MB, and an artifact's update is one: past that the event feed and any
automation miss it, and the server warns at every sweep. The national replay's overdue table
reached 2.9 MB, far past what a coordinator reads on one page."""


def _weight(value: Any) -> int:
    return len(json.dumps(value))


def bounded_table(rows: list[dict[str, Any]], link: str) -> list[dict[str, Any]]:
    """The table's leading rows (they come most urgent first) that fit ARTIFACT_BYTES, and a
    last row counting the rest, with the coordinators' page where every row is."""
    if _weight(rows) <= ARTIFACT_BYTES or not rows:
        return rows
    kept, used = [], 2
    for row in rows:
        used += _weight(row) + 2
        if used > ARTIFACT_BYTES - 1_000:  # room for the closing row
            break
        kept.append(row)
    first = next(iter(rows[0]))
    rest = f"… và {vn_number(len(rows) - len(kept))} dòng khác: xem trang điều phối {link}"
    return [*kept, {first: rest}]


def bounded_markdown(text: str, link: str) -> str:
    """The text's leading lines that fit ARTIFACT_BYTES, and a line saying where the rest is."""
    if _weight(text) <= ARTIFACT_BYTES:
        return text
    lines, kept, used = text.splitlines(), [], 2
    for line in lines:
        used += _weight(line)
        if used > ARTIFACT_BYTES - 1_000:
            break
        kept.append(line)
    rest = vn_number(len(lines) - len(kept))
    return "\n".join([*kept, "", f"… và {rest} dòng khác: xem [trang điều phối]({link})"])


def _cell(text: str | None) -> str:
    """Free text (unit names, plan titles, SMTP errors) as inert markdown on one line: the
    dashboard renders artifacts as markdown, so "|" would split a table cell, "[x](url)" make
    a link and "<script>" reach the page as HTML; line breaks would end the table row."""
    return one_line(text or "").translate(_MARKUP)
