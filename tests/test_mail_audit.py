"""The mail audit (issue 20): each rule on a small message that must fail it and one that must
pass, the figures of an outbox, and a short replay of the Quảng Bình demo whose every email
the checker reads and must find nothing in.

The replay's rules that fail on this branch until the rest of issue 20 is merged are marked
xfail per rule (strict=False), each naming the part that makes it pass: flip them after the
merge.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest

from models.clock import TIMEZONE
from models.mail_audit import (
    MAX_BYTES,
    RULES,
    Directory,
    Figures,
    Finding,
    Reader,
    Rule,
    check,
    items,
    parse,
    report_lines,
)
from notifications.mailbox import LocalMailbox
from tests.conftest import QB_DIRECTORY, QB_PLAN

D = dt.date
DAY = D(2022, 11, 14)
SENDER = "Sở Nội vụ (Ủy ban nhân dân tỉnh Quảng Bình)"
CHAIR = "chutich@ubnd.quangbinh.example"
OFFICER = "thiduakhenthuong@snv.quangbinh.example"
UNIT = "thiduakhenthuong@syt.quangbinh.example"
DIRECTORY = Directory(
    readers={
        CHAIR: Reader(
            "Trần Đình Cường",
            ("Chủ tịch Ủy ban nhân dân tỉnh", "Chủ tịch Hội đồng Thi đua - Khen thưởng tỉnh"),
            leader=True,
        ),
        UNIT: Reader("Văn thư Sở Y tế"),  # a unit's mailbox: addressed as the unit
    },
    sender_names=("Sở Nội vụ", "Sở Nội vụ tỉnh Quảng Bình"),
    exemplars=("Ngô Thị Lan",),
)
GOOD = """Kính gửi: Sở Y tế,

Sở Nội vụ trân trọng nhắc các việc sắp đến hạn dưới đây và đề nghị quý cơ quan hoàn thành.

1. Đăng bài giới thiệu điển hình tiên tiến
   Điển hình: Ngô Thị Lan (Hội Chữ thập đỏ tỉnh); kênh: Cổng thông tin điện tử tỉnh
   Hạn: 21/11/2022 (Thứ Hai) — còn 5 ngày làm việc
   Xác nhận đã đăng bài: http://127.0.0.1:8765/l/AAA
2. Lựa chọn, giới thiệu tối thiểu 3 điển hình (lĩnh vực Y tế) năm 2022
   Hạn: 30/11/2022 (Thứ Tư) — còn 12 ngày làm việc
   Nộp văn bản trực tuyến: http://127.0.0.1:8765/l/BBB

Trân trọng,
Sở Nội vụ tỉnh Quảng Bình
"""


def mime(
    text: str = GOOD,
    *,
    to: str = UNIT,
    reply_to: str = OFFICER,
    day: dt.date = DAY,
    events: tuple[dt.date, ...] = (),
    padding: int = 0,
) -> bytes:
    """A message shaped as the sweep's: From the standing body, a text part, .ics files."""
    message = EmailMessage()
    message["From"] = f'"{SENDER}" <tdkt-flow@localhost>'
    message["To"] = to
    message["Reply-To"] = reply_to
    message["Subject"] = "[Nhắc hạn 21/11/2022] 2 việc đến hạn — Sở Nội vụ"
    message["Date"] = format_datetime(dt.datetime.combine(day, dt.time(7), TIMEZONE))
    message["X-TDKT-Kind"] = "reminder"
    message.set_content(text + "x" * padding)
    for n, on in enumerate(events):
        ics = f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:{on:%Y%m%d}\r\n"
        ics += "END:VEVENT\r\nEND:VCALENDAR\r\n"
        message.add_attachment(
            ics.encode(), maintype="text", subtype="calendar", filename=f"han-{n}.ics"
        )
    return message.as_bytes()


def rules_of(data: bytes, directory: Directory = DIRECTORY) -> list[Rule]:
    return [f.rule for f in check(parse(data), directory)]


def test_a_good_email_passes_every_rule() -> None:
    assert rules_of(mime(events=(D(2022, 11, 21), D(2022, 11, 30)))) == []


def test_parse_reads_the_headers_the_text_and_the_calendar_days() -> None:
    mail = parse(mime(events=(D(2022, 11, 21),)))
    assert (mail.recipient, mail.reply_to, mail.sender) == (UNIT, OFFICER, "tdkt-flow@localhost")
    assert (mail.day, mail.kind, mail.events) == (DAY, "reminder", (D(2022, 11, 21),))
    assert mail.sender_name == SENDER
    titles = [i.title for i in items(mail.text)]
    assert titles == [
        "Đăng bài giới thiệu điển hình tiên tiến",
        "Lựa chọn, giới thiệu tối thiểu 3 điển hình (lĩnh vực Y tế) năm 2022",
    ]


# --- one message per rule that must fail it ---------------------------------------------------

FAILING: dict[Rule, dict[str, Any]] = {
    "self_addressed": {"to": OFFICER},
    "unnamed_line": {"text": GOOD.replace("Ngô Thị Lan (Hội Chữ thập đỏ tỉnh); kênh", "Kênh")},
    "duplicate_line": {
        "text": GOOD.replace(
            "2. Lựa chọn",
            "2. Đăng bài giới thiệu điển hình tiên tiến\n"
            "   Điển hình: Ngô Thị Lan (Hội Chữ thập đỏ tỉnh); kênh: Cổng thông tin điện tử tỉnh\n"
            "   Hạn: 21/11/2022 (Thứ Hai) — còn 5 ngày làm việc\n"
            "   Xác nhận đã đăng bài: http://127.0.0.1:8765/l/CCC\n3. Lựa chọn",
        )
    },
    "oversized": {"padding": MAX_BYTES},
    "past_event": {"events": (D(2022, 10, 31),)},
    "leader_link": {
        "to": CHAIR,
        "text": GOOD.replace(
            "Kính gửi: Sở Y tế",
            "Kính gửi: Đồng chí Trần Đình Cường, Chủ tịch Ủy ban nhân dân tỉnh",
        ),
    },
    "no_position": {"to": CHAIR, "text": GOOD.replace("Sở Y tế,", "Trần Đình Cường,")},
}


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_fails_its_message(rule: Rule) -> None:
    found = check(parse(mime(**FAILING[rule])), DIRECTORY)
    assert rule in [f.rule for f in found]
    finding = next(f for f in found if f.rule == rule)
    assert (finding.recipient, finding.day) == (FAILING[rule].get("to", UNIT), DAY)
    assert finding.subject.startswith("[Nhắc hạn 21/11/2022]") and finding.line
    assert "ngày 14/11/2022" in finding.describe()


def test_self_addressed_by_salutation_naming_the_sending_body() -> None:
    own = GOOD.replace("Kính gửi: Sở Y tế", "Kính gửi: Ban Thi đua - Khen thưởng tỉnh (Sở Nội vụ)")
    assert rules_of(mime(own)) == ["self_addressed"]
    # Its own head, by name and position, may be reminded of the body's own tasks.
    head = GOOD.replace("Kính gửi: Sở Y tế", "Kính gửi: Đồng chí Bùi Hữu Hùng, Giám đốc Sở Nội vụ")
    assert rules_of(mime(head)) == []
    # A body elsewhere whose name contains the sender's is not the sender.
    other = GOOD.replace("Kính gửi: Sở Y tế", "Kính gửi: Sở Nội vụ tỉnh Hà Tĩnh")
    assert rules_of(mime(other)) == []


def test_a_field_named_by_its_code_is_an_unnamed_line() -> None:
    coded = GOOD.replace("(lĩnh vực Y tế)", "(lĩnh vực c)")
    (finding,) = check(parse(mime(coded)), DIRECTORY)
    assert finding.rule == "unnamed_line" and "(lĩnh vực c)" in finding.line


def test_the_same_title_for_two_units_is_not_a_duplicate() -> None:
    two = """Kính gửi: Sở Y tế,

Sở Y tế
1. Báo cáo tổng kết năm 2022
   Hạn: 30/11/2022
Sở Giáo dục và Đào tạo
1. Báo cáo tổng kết năm 2022
   Hạn: 30/11/2022
"""
    assert rules_of(mime(two)) == []


def test_an_exemplar_named_by_the_heading_of_its_group_is_named() -> None:
    grouped = """Kính gửi: Đồng chí Trần Văn An, người giúp đỡ điển hình,

Ngô Thị Lan (Hội Chữ thập đỏ tỉnh): 1 việc
1. Đánh giá tiến độ của điển hình năm 2022
   Hạn: 30/11/2022
"""
    assert rules_of(mime(grouped)) == []
    assert rules_of(mime(grouped.replace("Ngô Thị Lan (", "Hội ("))) == ["unnamed_line"]


def test_a_leaders_own_ballot_link_is_theirs() -> None:
    vote = GOOD.replace(
        "Kính gửi: Sở Y tế",
        "Kính gửi: Đồng chí Trần Đình Cường, Chủ tịch Ủy ban nhân dân tỉnh",
    )
    vote = vote.replace("Xác nhận đã đăng bài:", "Mở phiếu và bỏ phiếu kín:")
    vote = vote.replace("   Nộp văn bản trực tuyến: http://127.0.0.1:8765/l/BBB\n", "")
    assert rules_of(mime(vote, to=CHAIR)) == []


def test_figures_count_kinds_sizes_lines_and_the_busiest_week() -> None:
    figures = Figures()
    monday = D(2022, 11, 14)
    for day in (monday, monday + dt.timedelta(days=2), monday + dt.timedelta(days=7)):
        mail = parse(mime(day=day, events=(D(2022, 10, 31),)))
        figures.add(mail, check(mail, DIRECTORY))
    figures.add(parse(mime(to=CHAIR, padding=1000), kind="escalation"), [])
    data = figures.as_dict()
    assert data["emails"] == 4 and data["per_kind"] == {"escalation": 1, "reminder": 3}
    assert data["largest"]["recipient"] == CHAIR and data["largest"]["bytes"] > 1000
    assert data["most_item_lines"]["lines"] == 2
    assert data["most_in_a_week"] == {"emails": 2, "recipient": UNIT, "week_of": "14/11/2022"}
    assert data["findings"]["past_event"] == 3 and data["findings"]["oversized"] == 0
    lines = report_lines(data)
    assert lines[0] == "Tổng số thư: 4 (Quá hạn 1, Nhắc hạn 3)"
    assert data["emails_failing"]["past_event"] == 3
    assert "sự kiện lịch ở ngày đã qua 3/3" in lines[-1]


# --- a short replay of the demo, every email read -----------------------------------------------

REPLAY_FROM, REPLAY_TO = D(2022, 10, 4), D(2023, 1, 6)
"""The demo's first three months: the first deadline (31/10/2022) with its reminders and
escalations, the year-end's eligibility review, recognition, publications and reward
decisions, and their first reminders (04/01/2023). About half a minute."""

LANDS_WITH: dict[Rule, str] = {}
"""The rules a replay still fails on the branch that brought the checker (main before the
rest of issue 20), and the part of issue 20 that fixes them: remove each after its merge.
(oversized passes in this window: the demo's largest emails come at the 2023 year-end.)"""

_replayed: dict[str, list[Finding]] = {}


def _findings(mailbox: LocalMailbox) -> list[Finding]:
    """The replay's findings, replayed once for every rule's test (each test has a database
    of its own, so the first of them to run replays and keeps what the checker found)."""
    if "findings" in _replayed:
        return _replayed["findings"]
    from flows.replay import replay
    from models.calendar import default_calendar
    from models.clock import now
    from models.db import read_only, unit_of_work
    from models.services.directory import import_directory_file
    from models.services.mail_audit import audit
    from models.services.plans import load_plan_file
    from models.simulation import UnitBehaviour

    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        plan = load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
        slug = plan.campaign.slug
    behaviour = UnitBehaviour(seed=2022, submit_probability=0.85)  # the demo's
    asyncio.run(replay(slug, REPLAY_FROM, REPLAY_TO, behaviour))
    with read_only() as session:
        result = audit(session)
    assert result.figures.emails == mailbox.received > 100
    _replayed["findings"] = result.findings
    return result.findings


@pytest.mark.prefect
@pytest.mark.parametrize(
    "rule",
    [
        pytest.param(rule, marks=pytest.mark.xfail(strict=False, reason=LANDS_WITH[rule]))
        if rule in LANDS_WITH
        else rule
        for rule in RULES
    ],
)
def test_a_replay_of_the_demo_has_no_finding(
    rule: Rule, prefect_server: None, mailbox: LocalMailbox
) -> None:
    found = [f for f in _findings(mailbox) if f.rule == rule]
    assert not found, "\n".join(f.describe() for f in found[:5])
