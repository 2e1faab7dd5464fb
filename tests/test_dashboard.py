"""The dashboard's artifacts answer a coordinator's questions (issue 22): who is late, ranked,
with whom to call and what they owe (all of them); what went out today and what bounced;
quotas by name for the years the plan covers; task-run names the run graph can draw."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from deployments.schedules import SCHEDULES
from flows.naming import ascii_fold
from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from models.orm import Campaign, Obligation, Unit
from models.services.dashboard import (
    DayEmails,
    FailedDelivery,
    OverdueItem,
    OverdueUnit,
    emails_of_day,
    overdue_units,
    quota_verdict,
    quota_years,
    unit_names,
)
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.services.quota_tracking import quota_progress
from models.services.reporting import CampaignStatus, MilestoneRow
from models.text import vn_number
from notifications.mailbox import LocalMailbox
from tasks.artifacts import (
    ARTIFACT_BYTES,
    Dashboard,
    bounded_markdown,
    bounded_table,
    emails_markdown,
    milestone_table,
    overdue_description,
    overdue_table,
    progress_bar,
    quota_markdown,
    summary_markdown,
)
from tests.chase_helpers import days, load_small, morning, sweep
from tests.conftest import QB_DIRECTORY, QB_PLAN, ROOT
from tests.test_chase import smtp_for

D = dt.date
LONG_TITLE = (
    "Tổ chức sơ kết, đánh giá kết quả thực hiện phong trào thi đua và đề xuất khen thưởng "
    "cho các tập thể, cá nhân có thành tích xuất sắc của các cơ quan, đơn vị"
)


def unit(name: str, days_late: int, *items: str) -> OverdueUnit:
    return OverdueUnit(
        "X." + name,
        name,
        f"Cán bộ {name}",
        "0232 3822 000",
        f"{name.lower()}@x.example",
        [OverdueItem(i, "2023", D(2023, 2, 28), days_late) for i in items],
    )


def board(overdue: list[OverdueUnit]) -> Dashboard:
    status = CampaignStatus(
        "qb",
        "Kế hoạch phát động phong trào thi đua",
        D(2024, 1, 9),
        [
            MilestoneRow("m1", LONG_TITLE, "2023", D(2023, 3, 1), {"open": 1, "submitted": 3}),
            MilestoneRow("m2", "Báo cáo năm", "2024", D(2024, 12, 1), {"overdue": 2}),
        ],
        [],
        sum(u.obligations for u in overdue),
        {},
        [],
    )
    emails = DayEmails(D(2024, 1, 9), {}, [], 0)
    return Dashboard(status, overdue, emails, [], {}, {}, {}, "http://x.example/dieu-phoi/qb")


def test_summary_shows_progress_per_year_and_per_milestone_with_whole_words() -> None:
    text = summary_markdown(board([unit("Sở A", 3, "Báo cáo năm")]))
    assert text.index("Tiến độ theo năm") < text.index("Tiến độ theo mốc")
    assert "| 2023 | 4 | 3 | 0 | ▓▓▓▓▓▓▓▓░░ 75% |" in text
    assert "| 2024 | 2 | 0 | 2 | ░░░░░░░░░░ 0% |" in text
    row = next(line for line in text.splitlines() if line.startswith("| Tổ chức"))
    title = row.split(" | ")[0].removeprefix("| ")
    assert title.endswith("…") and LONG_TITLE.startswith(title[:-1])
    assert LONG_TITLE[len(title) - 1] == " "  # cut between words
    assert "[trang điều phối](http://x.example/dieu-phoi/qb)" in text
    assert all(len(r["Mốc"]) <= 110 for r in milestone_table(board([]).status.milestones))
    assert progress_bar(0, 0) == "░░░░░░░░░░ 0%"


def test_overdue_table_lists_every_unit_ranked_with_contact_and_items() -> None:
    units = [unit(f"Đơn vị {i:03}", 200 - i, f"Việc {i}", "Báo cáo năm") for i in range(118)]
    rows = overdue_table(units)
    assert len(rows) == 118  # all of them: no "… và 68 nghĩa vụ khác"
    assert [r["Hạng"] for r in rows] == list(range(1, 119))
    first = rows[0]
    assert first["Đơn vị"] == "Đơn vị 000" and first["Quá hạn (ngày làm việc)"] == 200
    assert (first["Cán bộ theo dõi"], first["Điện thoại"]) == ("Cán bộ Đơn vị 000", "0232 3822 000")
    assert first["Thư điện tử"] == "đơn vị 000@x.example"
    assert (
        first["Việc còn nợ"] == "Việc 0 (2023), hạn 28/02/2023; Báo cáo năm (2023), hạn 28/02/2023"
    )
    assert first["Số nghĩa vụ"] == 2


def test_the_overdue_description_says_when_the_table_holds_only_the_longest_overdue() -> None:
    whole = board([unit("Sở A", 30, "Việc 1", "Việc 2"), unit("Sở B", 3, "Việc 3")])
    assert "2 đơn vị, 3 nghĩa vụ, xếp theo số ngày quá hạn" in overdue_description(whole)
    # The dashboard read only the OVERDUE_CAP longest overdue of 4,321 (a national day).
    status = replace(whole.status, overdue_count=4_321)
    capped = overdue_description(replace(whole, status=status))
    assert "2 đơn vị của 3 nghĩa vụ quá hạn lâu nhất (trong tổng số 4.321 nghĩa vụ)" in capped
    assert "[trang điều phối](http://x.example/dieu-phoi/qb)" in capped
    many = [unit(f"Đơn vị {i:04}", 9, "Việc") for i in range(1_200)]
    listed = replace(board(many), status=replace(whole.status, overdue_count=1_200))
    assert "1.200 đơn vị, 1.200 nghĩa vụ," in overdue_description(listed)  # thousands dotted


def test_emails_artifact_counts_the_day_by_kind_and_names_failed_recipients() -> None:
    day = DayEmails(
        D(2024, 1, 9),
        {"reminder": Counter(sent=12, failed=1), "escalation": Counter(sent=3, pending=2)},
        [FailedDelivery("reminder", "Cán bộ B <b@x.example>", "Nhắc hạn", 550, "no such user")],
        4,
        recipients=15,
        totals=Counter(sent=15, failed=1, pending=2),
    )
    text = emails_markdown(day)
    assert "# Thư điện tử ngày 09/01/2024" in text and "**18** thư tới 15 người nhận" in text
    assert "| Nhắc hạn | 13 | 12 | 0 | 1 |" in text
    assert "| Quá hạn, báo cấp trên | 5 | 3 | 2 | 0 |" in text
    assert "Cán bộ B &lt;b@x.example&gt;" in text and "550" in text
    assert "Còn 3 thư lỗi của những ngày trước" in text
    assert "Hôm nay không có thư nào." in emails_markdown(DayEmails(D(2024, 1, 10), {}, [], 0))


def test_task_names_fold_to_ascii_for_the_run_graph() -> None:
    assert ascii_fold("báo cáo quang-binh 09/01/2024") == "bao cao quang-binh 09/01/2024"
    assert ascii_fold("đề nghị khen thưởng Đồng Hới") == "de nghi khen thuong Dong Hoi"
    assert ascii_fold("chuẩn bị, gửi thư, tôn vinh, kết thúc bình xét").isascii()


def test_overdue_units_from_the_database_are_all_named_and_ranked(mailbox: LocalMailbox) -> None:
    load_small()
    for day in days(D(2023, 2, 20), D(2023, 3, 8)):
        sweep(day, smtp_for(mailbox.port))
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        b = session.scalar(select(Unit.id).where(Unit.code == "T.B"))
        session.execute(  # T.B's obligation fell due a week earlier: it ranks first
            update(Obligation).where(Obligation.unit_id == b).values(chase_due=D(2023, 2, 21))
        )
        session.flush()
        late = overdue_units(session, campaign, default_calendar(), as_of=D(2023, 3, 8))
        today = emails_of_day(session, campaign, D(2023, 3, 6))
    assert [u.name for u in late] == ["Sở B", "Sở A"]
    assert late[0].working_days_overdue > late[1].working_days_overdue
    assert (late[1].officer, late[1].email) == ("Cán bộ A", "officer@a.example")
    assert [i.what for i in late[1].items] == ["Gửi kế hoạch của đơn vị"]
    # 06/03: one digest to the standing body for both units (the day's, not the total of 7)
    assert {k: dict(c) for k, c in today.by_kind.items()} == {"escalation": {"sent": 1}}
    assert today.recipients == 1 and not today.failed


def test_quotas_are_named_and_judged_for_the_years_the_plan_covers() -> None:
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
        campaign = session.scalars(select(Campaign)).one()
        years = quota_years(campaign, D(2024, 1, 9))
        rows = quota_progress(session, campaign, years=years)
        names = unit_names(session, {r.unit for r in rows})
    assert years == range(2022, 2025)  # the plan is dated 04/10/2022: nothing owed for 2021
    assert {r.year for r in rows} <= {2022, 2023, 2024, None}
    text = quota_markdown(rows, names, D(2024, 1, 9))
    assert "QB.SLDTBXH" not in text and "lĩnh vực a)" not in text
    assert (
        "### Tối thiểu 10 hộ gia đình điển hình, mỗi cơ quan chủ trì, mỗi năm (lĩnh vực "
        "Phát triển kinh tế hộ gia đình" in text
    )
    assert "| Đơn vị | 2022 | 2023 | 2024 |" in text
    labour = next(line for line in text.splitlines() if line.startswith("| Sở Lao động"))
    # 2022 and 2023 are past their checkpoint (30/11): missed; 2024 is in progress on 09/01
    assert labour.endswith("| 0/10 ✗ | 0/10 ✗ | 0/10 … |"), labour
    assert quota_verdict(rows[0], D(2024, 12, 1)) in {"Đạt", "Chưa đạt", "Đang thực hiện"}


@pytest.mark.prefect
def test_a_sweep_publishes_the_artifacts_and_logs_what_it_did(
    prefect_server: None, mailbox: LocalMailbox
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactCollectionFilter,
        ArtifactCollectionFilterKey,
        FlowRunFilter,
        FlowRunFilterName,
        LogFilter,
        LogFilterFlowRunId,
        TaskRunFilter,
        TaskRunFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    from flows.daily_sweep import daily_sweep

    load_small()
    for day in days(D(2023, 2, 20), D(2023, 3, 5)):
        sweep(day, smtp_for(mailbox.port))
    asyncio.run(daily_sweep(as_of=morning(D(2023, 3, 6))))
    APILogHandler().flush()  # the run's logs go in batches: send what is queued before reading

    async def read_back() -> tuple[dict[str, object], list[str], list[str]]:
        async with get_client() as client:
            keys = [f"tdkt-small-2023-2024-{k}" for k in ("summary", "overdue", "emails")]
            found = await client.read_latest_artifacts(
                artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=keys))
            )
            (run,) = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    name=FlowRunFilterName(any_=["quét hằng ngày 06/03/2023 · mọi kế hoạch"])
                )
            )
            logs = await client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id]))
            )
            tasks = await client.read_task_runs(
                task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[run.id]))
            )
        return (
            {a.key: a.data for a in found if a.key},
            [log.message for log in logs],
            [t.name for t in tasks],
        )

    data, logs, task_names = asyncio.run(read_back())
    summary, emails = str(data["tdkt-small-2023-2024-summary"]), data["tdkt-small-2023-2024-emails"]
    overdue = json.loads(str(data["tdkt-small-2023-2024-overdue"]))
    assert "Tiến độ theo năm" in summary and "**2** nghĩa vụ quá hạn" in summary
    assert [(r["Đơn vị"], r["Thư điện tử"]) for r in overdue] == [
        ("Sở A", "officer@a.example"),
        ("Sở B", "officer@b.example"),
    ]
    assert "| Quá hạn, báo cấp trên | 1 | 1 | 0 | 0 |" in str(emails)
    assert any(re.search(r"báo cấp trên về 2 đơn vị quá hạn: Sở A, Sở B", m) for m in logs), logs
    assert any("Đã gửi 1 thư" in m for m in logs)
    assert task_names and all(name.isascii() for name in task_names), task_names
    assert "bao cao small-2023-2024 06/03/2023" in task_names


@pytest.mark.prefect  # one backend: it starts its own Prefect server, in a child process
def test_sigterm_stops_the_dashboard_and_its_prefect_server(tmp_path: Path) -> None:
    """`tdkt dashboard` shows the deployments with their schedules; SIGTERM (a service
    manager, `kill`) stops it and the Prefect server it started: the port is free again."""
    env = {
        **os.environ,
        "TDKT_DATA_DIR": str(tmp_path / "data"),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "COLUMNS": "200",
    }
    env.pop("PREFECT_API_URL", None)
    child = subprocess.Popen(
        [sys.executable, "-m", "deployments.cli", "dashboard"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:  # bounded by the server's own start timeout (120 s)
            lines.append(line)
            if "Bảng điều khiển Prefect:" in line:
                break
        found = re.search(r"http://127\.0\.0\.1:(\d+)", "".join(lines))
        assert found, "".join(lines)
        port = int(found[1])
        assert any("Đã đăng ký 6 deployment" in line for line in lines), lines
        api = f"http://127.0.0.1:{port}/api"
        deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=30).json()
        assert {d["name"] for d in deployments} == set(SCHEDULES)
        assert all(d["schedules"] and d["paused"] for d in deployments)
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 0
    finally:
        if child.poll() is None:
            child.kill()
    with socket.socket() as probe:
        # SO_REUSEADDR: a connection the server closed may linger in TIME_WAIT on its port
        # (that is TCP, not a leak); only a socket still listening makes the bind fail.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))  # raises if the Prefect server still holds the port


def test_an_artifact_past_prefects_event_limit_keeps_its_leading_rows_and_counts_the_rest() -> None:
    units = [unit(f"Ủy ban nhân dân xã {i:05}", 900 - i // 10, "Báo cáo năm") for i in range(9000)]
    rows = overdue_table(units)
    assert len(json.dumps(rows)) > 1_500_000  # a national day: Prefect would refuse the event
    bounded = bounded_table(rows, "http://x.example/dieu-phoi/qb")
    assert len(json.dumps(bounded)) <= ARTIFACT_BYTES
    assert bounded[:-1] == rows[: len(bounded) - 1]  # the most overdue, unchanged
    left = len(rows) - (len(bounded) - 1)
    assert bounded[-1] == {
        "Hạng": f"… và {vn_number(left)} dòng khác: xem trang điều phối http://x.example/dieu-phoi/qb"
    }
    small = overdue_table(units[:3])
    assert bounded_table(small, "x") == small
    text = "\n".join(f"| Xã {i:05} | Báo cáo năm | 12/03/2024 |" for i in range(40_000))
    cut = bounded_markdown(text, "http://x.example/dieu-phoi/qb")
    assert len(json.dumps(cut)) <= ARTIFACT_BYTES and text.startswith(cut.split("\n\n…")[0])
    assert cut.endswith("dòng khác: xem [trang điều phối](http://x.example/dieu-phoi/qb)")
    assert bounded_markdown("ngắn", "x") == "ngắn"
