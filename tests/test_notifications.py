"""Email notifications: wording, .ics, MIME and delivery against a real local SMTP server."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email
import email.policy
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from hypothesis import given
from hypothesis import strategies as st

from notifications.content import DeadlineItem, EmailContent, PlanRef, Step
from notifications.ics import escape_text, fold
from notifications.mime import build_message, message_id_for
from notifications.render import render
from notifications.smtp import (
    Delivery,
    Outgoing,
    SmtpSettings,
    deliver,
    settings_from_secret_block,
)

PLAN = PlanRef(
    title="Kế hoạch xây dựng và nhân rộng điển hình tiên tiến tỉnh Quảng Bình"
    " giai đoạn 2021 - 2025",
    issuer_name="Ủy ban nhân dân tỉnh Quảng Bình",
    number="1837/KH-UBND",
    date=dt.date(2022, 10, 4),
)
SNV = "Sở Nội vụ tỉnh Quảng Bình"
DAY = dt.date(2022, 10, 26)


def item(
    unit: str = "Sở Y tế", left: int = 3, step: Step = "reminder", **changes: Any
) -> DeadlineItem:
    base = DeadlineItem(
        notification_key=f"n-{unit}-{step}",
        step="reminder",
        level=3,
        plan=PLAN,
        clause="IV.1",
        phrase="chậm nhất trong tháng 10 năm 2022",
        quote="Các cơ quan, đơn vị gửi kế hoạch về Sở Nội vụ chậm nhất trong tháng 10 năm 2022.",
        milestone_title="Gửi kế hoạch xây dựng, nhân rộng điển hình tiên tiến",
        occurrence_label="",
        unit_code=unit,
        unit_name=unit,
        owed_to=SNV,
        due=dt.date(2022, 10, 31),
        effective_due=dt.date(2022, 10, 31),
        working_days_left=left,
        uid=f"qb-unit-plan-{unit}",
    )
    return replace(base, step=step, **changes)


def content(*items: DeadlineItem, key: str = "email-1", **changes: Any) -> EmailContent:
    base = EmailContent(
        key=key,
        day=DAY,
        recipient_name="Nguyễn Văn An",
        recipient_email="an@soyte.quangbinh.gov.vn",
        recipient_unit="Sở Y tế",
        sender_name=SNV,
        items=items or (item(),),
    )
    return replace(base, **changes)


def message(c: EmailContent) -> bytes:
    return build_message(
        c,
        render(c),
        from_address="tdkt@snv.quangbinh.gov.vn",
        from_name=SNV,
        message_domain="tdkt.quangbinh.gov.vn",
    )


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


# --- render -----------------------------------------------------------------------------


def test_reminder_subject_and_body_cite_the_plan() -> None:
    r = render(content())
    assert r.subject == f"[Nhắc hạn 31/10/2022] Gửi kế hoạch xây dựng, nhân… — {SNV}"
    for body in (r.text, r.html):
        # To a unit's officer: the unit by its name, and "đề nghị" (issue 20).
        assert "Kính gửi: <strong>Sở Y tế</strong>," in body or "Kính gửi: Sở Y tế," in body
        assert "dưới đây và đề nghị quý cơ quan hoàn thành và gửi đúng hạn" in body
        assert "Nguyễn Văn An" not in body
        assert "Kế hoạch số 1837/KH-UBND ngày 04/10/2022" in body
        assert "Ủy ban nhân dân tỉnh Quảng Bình" in body
        assert "Mục IV.1" in body
        assert "“chậm nhất trong tháng 10 năm 2022”" in body
        assert "gửi kế hoạch về Sở Nội vụ chậm nhất" in body
        assert "còn 3 ngày làm việc" in body
        assert "31/10/2022" in body
        assert "tdkt-flow" in body
    assert "Trân trọng,\nSở Nội vụ tỉnh Quảng Bình" in r.text


def test_digest_due_day_and_unnumbered_plan() -> None:
    three = content(item("A"), item("B", left=5), item("C", left=7))
    assert three.items and render(three).subject == f"[Nhắc hạn 31/10/2022] 3 việc đến hạn — {SNV}"

    unnumbered = item(left=0, step="due", plan=replace(PLAN, number=None))
    due = render(content(unnumbered, day=dt.date(2022, 10, 31)))
    assert due.subject.startswith("[Đến hạn 31/10/2022] ")
    assert "Kế hoạch (không số) ngày 04/10/2022" in due.text


def test_moved_due_date_is_explained() -> None:
    moved = item(due=dt.date(2022, 10, 30), effective_due=dt.date(2022, 10, 31))
    r = render(content(moved))
    assert r.subject.startswith("[Nhắc hạn 31/10/2022]")
    assert "30/10/2022 (Chủ nhật); hạn thực tế: 31/10/2022 (Thứ Hai)" in r.text
    for body in (r.text, r.html):
        assert "Chủ nhật" in body and "là ngày nghỉ" in body
        assert "Điều 148 Bộ luật Dân sự 2015" in body


def test_escalation_lists_overdue_units_most_overdue_first() -> None:
    c = content(
        item("Sở Tư pháp", left=-2, step="escalation"),
        item("UBND huyện Lệ Thủy", left=-9, step="escalation"),
        item("Sở Xây dựng", left=-5, step="escalation"),
        recipient_name="Chủ tịch UBND tỉnh",
        recipient_unit="UBND tỉnh Quảng Bình",
    )
    r = render(c)
    assert r.subject == f"[Quá hạn 31/10/2022] 3 việc quá hạn của 3 đơn vị — {SNV}"
    for body in (r.text, r.html):
        # Newly overdue (at most 5 working days) first, then still overdue; the most overdue
        # first in each, under a heading per unit with its count.
        positions = [
            body.lower().index(u.lower())
            for u in ("Mới quá hạn", "Sở Xây dựng: 1 việc", "Sở Tư pháp", "Vẫn quá hạn", "Lệ Thủy")
        ]
        assert positions == sorted(positions)
    assert "MỚI QUÁ HẠN (không quá 5 ngày làm việc): 2 việc" in r.text
    assert "VẪN QUÁ HẠN (trên 5 ngày làm việc): 1 việc" in r.text
    assert "UBND huyện Lệ Thủy: 1 việc\n3. Gửi kế hoạch" in r.text
    assert "quá hạn 9 ngày làm việc" in r.text and "quá hạn <strong>9</strong>" in r.html

    one = render(content(item("Sở Tư pháp", left=-2, step="escalation")))
    assert one.subject.startswith("[Quá hạn 31/10/2022] Sở Tư pháp: Gửi kế hoạch")
    assert "dù đã được nhắc hạn (báo cáo quá hạn lần 3)." in one.text


def test_a_list_of_other_units_escalations_gives_no_rank() -> None:
    """The national bench's standing body read "(báo cáo quá hạn lần 0)": the overdue list it
    receives about other units (models.services.digests._overdue_items) ranks its lines 0,
    and where the cap kept only those, the rank said 0. It says none then."""
    listed = render(
        content(
            item("Sở Tư pháp", left=-9, step="escalation", level=0),
            item("Sở Xây dựng", left=-7, step="escalation", level=0),
        )
    )
    for body in (listed.text, listed.html):
        assert "lần 0" not in body
        assert "chưa hoàn thành việc được giao" in body
    assert "dù đã được nhắc hạn. " in listed.text


def test_a_national_overdue_list_is_capped_and_counted() -> None:
    link = "https://tdkt.example/dieu-phoi/ke-hoach/quoc-gia"
    c = content(
        item("Sở Tư pháp", left=-2, step="escalation"),
        item("Sở Xây dựng", left=-5, step="escalation"),
        more_overdue=2_998,
        all_overdue_link=link,
    )
    r = render(c)
    assert r.subject == f"[Quá hạn 31/10/2022] 3000 việc quá hạn — {SNV}"
    assert f"... và 2998 việc quá hạn khác, xem đầy đủ trên trang điều phối: {link}" in r.text
    assert f'… và 2998 việc quá hạn khác: <a href="{link}">' in r.html


def test_names_render_inert() -> None:
    evil = "<script>alert(1)</script> {{ 7*7 }} {% if true %}x{% endif %}"
    c = content(item(evil, left=-3, step="escalation"), recipient_name="Ông {{ 7*7 }}")
    r = render(c)
    assert "<script>" not in r.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.html
    assert "<script>alert(1)</script>" in r.text
    for part in (r.subject, r.text, r.html):
        assert "49" not in part
        assert "{{ 7*7 }}" in part or part == r.subject  # the subject cuts the name short
    assert "{% if true %}x{% endif %}" in r.text


def test_crlf_in_names_creates_no_header() -> None:
    c = content(
        item("Sở Y tế\r\nBcc: victim@example.com"),
        recipient_name="An\r\nBcc: victim@example.com",
    )
    r = render(c)
    assert "\r" not in r.subject and "\n" not in r.subject
    parsed = email.message_from_bytes(message(c), policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert "Bcc" in str(parsed["To"])  # kept as (encoded) display-name text, on one line


def test_subject_is_bounded_and_keeps_the_deadline() -> None:
    r = render(content(item(milestone_title="Báo cáo " * 60)))
    assert len(r.subject) <= 80
    assert r.subject.startswith("[Nhắc hạn 31/10/2022] Báo cáo ")
    assert r.subject.endswith(f" Báo… — {SNV}")  # cut after a whole word


# --- ics --------------------------------------------------------------------------------


def unfold(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n ", "")


def test_ics_is_crlf_folded_and_dated() -> None:
    long_unit = "Ủy ban nhân dân huyện Quảng Trạch, tỉnh Quảng Bình; phòng Nội vụ \\ tổ TĐKT\nB"
    moved = item(long_unit, due=dt.date(2022, 10, 30), effective_due=dt.date(2022, 10, 31))
    (att,) = render(content(moved)).attachments
    assert att.content_type == "text/calendar; method=PUBLISH; charset=UTF-8"
    assert att.filename.startswith("han-") and att.filename.endswith(".ics")
    assert att.filename.isascii()
    assert att.data.endswith(b"\r\n") and b"\n" not in att.data.replace(b"\r\n", b"")
    lines = att.data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    text = unfold(att.data)
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tdkt-flow//VI\r\n")
    assert "DTSTART;VALUE=DATE:20221031\r\n" in text
    assert "DTEND;VALUE=DATE:20221101\r\n" in text
    assert "DTSTAMP:20221026T000000Z\r\n" in text  # 07:00 in Vietnam on the email's day
    assert f"UID:qb-unit-plan-{escape_text(long_unit)}@tdkt-flow\r\n" in text
    assert "SUMMARY:Hạn: Gửi kế hoạch xây dựng\\, nhân rộng" in text
    assert "Quảng Trạch\\, tỉnh Quảng Bình\\; phòng Nội vụ \\\\ tổ TĐKT\\nB" in text
    assert "“chậm nhất trong tháng 10 năm 2022”" in text
    assert render(content(moved)).attachments == (att,)  # deterministic


def test_ics_escaping_and_folding_units() -> None:
    assert escape_text("a,b;c\\d\r\ne\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    folded = fold("DESCRIPTION:" + "ễ" * 60)  # 3 octets each: never split a character
    physical = [p.encode() for p in folded.split("\r\n")]
    assert all(len(p) <= 75 for p in physical)
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "ễ" * 60


@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_folding_any_line_keeps_it_whole_within_75_octets(line: str) -> None:
    folded = fold(line)
    assert all(len(p.encode()) <= 75 for p in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_one_ics_per_email_with_an_event_per_future_deadline() -> None:
    """Issue 20: one calendar file per email, one VEVENT per distinct deadline (by uid), none
    for a deadline already past, and no file at all when every deadline is past."""
    same = content(
        item("A", uid="u1"),
        item("B", uid="u1"),
        item("C", uid="u2", effective_due=dt.date(2022, 11, 2), due=dt.date(2022, 11, 2)),
        item("D", uid="u3", left=-3, effective_due=dt.date(2022, 10, 21), step="escalation"),
    )
    (att,) = render(same).attachments
    assert att.filename == "han-2-viec-tu-20221031.ics"
    lines = unfold(att.data).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VCALENDAR") == 1 and lines.count("BEGIN:VEVENT") == 2
    assert [x for x in lines if x.startswith("UID:")] == ["UID:u1@tdkt-flow", "UID:u2@tdkt-flow"]
    assert "DTSTART;VALUE=DATE:20221021" not in lines
    past = content(item("D", left=-3, effective_due=dt.date(2022, 10, 21), step="escalation"))
    assert render(past).attachments == ()


# --- mime -------------------------------------------------------------------------------


def test_message_id_is_derived_from_the_key() -> None:
    a = message_id_for("email-1", "tdkt.vn")
    assert a == message_id_for("email-1", "tdkt.vn")
    assert a != message_id_for("email-2", "tdkt.vn")
    assert a.startswith("<") and a.endswith("@tdkt.vn>") and len(a) == 32 + len("<@tdkt.vn>")
    m1, m2 = message(content()), message(content(key="email-2"))
    assert parsed(m1)["Message-ID"] == message_id_for("email-1", "tdkt.quangbinh.gov.vn")
    assert parsed(m1)["Message-ID"] != parsed(m2)["Message-ID"]
    assert message(content()) == m1  # a rebuild is byte-identical


def test_message_structure_and_headers() -> None:
    raw = message(content())
    assert raw.count(b"\n") == raw.count(b"\r\n")
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["X-TDKT-Key"] == "email-1"
    assert parsed["Date"] == "Wed, 26 Oct 2022 07:00:00 +0700"
    assert parsed["From"].addresses[0].display_name == SNV
    assert parsed["To"] == "Nguyễn Văn An <an@soyte.quangbinh.gov.vn>"
    assert parsed["Subject"].startswith("[Nhắc hạn 31/10/2022] Gửi kế hoạch")
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, *attached = parsed.iter_parts()
    assert isinstance(alternative, EmailMessage)
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    text = alternative.get_body(("plain",))
    assert text is not None and "còn 3 ngày làm việc" in text.get_content()
    assert len(attached) == 1
    ics_part = attached[0]
    assert ics_part.get_content_type() == "text/calendar"
    assert ics_part.get_param("method") == "PUBLISH"
    assert ics_part.get_filename().endswith(".ics")  # type: ignore[union-attr]


@pytest.mark.parametrize("field", ["recipient_email", "from_address"], ids=["recipient", "sender"])
def test_addresses_with_crlf_are_refused(field: str) -> None:
    bad = "an@soyte.vn\r\nBcc: victim@example.com"
    c = content(recipient_email=bad) if field == "recipient_email" else content()
    with pytest.raises(ValueError):
        build_message(
            c,
            render(c),
            from_address=bad if field == "from_address" else "tdkt@snv.vn",
            from_name=SNV,
            message_domain="tdkt.vn",
        )


# --- smtp -------------------------------------------------------------------------------


def test_settings_hide_the_password_and_read_the_environment() -> None:
    s = SmtpSettings(username="snv", password="hunter2-secret")
    assert "hunter2-secret" not in repr(s) and "hunter2-secret" not in str(s)
    env = {
        "TDKT_SMTP_HOST": "mail.quangbinh.gov.vn",
        "TDKT_SMTP_PORT": "587",
        "TDKT_SMTP_STARTTLS": "true",
        "TDKT_SMTP_PASSWORD": "p@ss",
        "TDKT_SMTP_CONNECTIONS": "8",
        "TDKT_SMTP_RATE": "2.5",
        "TDKT_SMTP_USERNAME": "",
    }
    e = SmtpSettings.from_env(env)
    assert (e.host, e.port, e.start_tls, e.connections, e.rate_per_second) == (
        "mail.quangbinh.gov.vn",
        587,
        True,
        8,
        2.5,
    )
    assert e.username is None and e.password is not None
    assert e.password.get_secret_value() == "p@ss" and "p@ss" not in repr(e)


class Recorder:
    """An aiosmtpd handler: refuses some recipients, tempfails the first DATA commands."""

    def __init__(self, tempfail_first: int = 0, reject: str = "", busy: str = "") -> None:
        self.lock = threading.Lock()
        self.tempfail_first = tempfail_first
        self.reject, self.busy = reject, busy
        self.data_calls = 0
        self.accepted: list[bytes] = []
        self.peers: set[Any] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == self.reject:
            return "550 5.1.1 no such user"
        if address == self.busy:
            return "450 4.2.1 mailbox busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.peers.add(session.peer)
            self.data_calls += 1
            if self.data_calls <= self.tempfail_first:
                return "451 4.3.0 try later"
            self.accepted.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def smtp_server(handler: Recorder) -> Iterator[int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def outgoing(n: int, to: str = "unit@example.vn") -> Outgoing:
    body = f"Subject: test {n}\r\nX-N: {n}\r\n\r\nbody {n}\r\n".encode()
    return Outgoing(email_id=n, sender="tdkt@example.vn", recipients=(to,), message=body)


def run(batch: list[Outgoing], port: int, **settings: Any) -> list[Delivery]:
    s = SmtpSettings(port=port, backoff_seconds=0.01, timeout=5, **settings)
    return asyncio.run(deliver(batch, s))


def test_fifty_messages_over_a_few_connections() -> None:
    handler = Recorder()
    batch = []
    for n in range(50):
        c = content(key=f"email-{n}")
        raw = message(c)
        batch.append(Outgoing(n, "tdkt@snv.vn", (c.recipient_email,), raw))
    with smtp_server(handler) as port:
        result = run(batch, port, connections=3)
    assert [d.email_id for d in result] == list(range(50))
    assert {d.status for d in result} == {"sent"} and {d.attempts for d in result} == {1}
    assert len(handler.accepted) == 50 and 1 <= len(handler.peers) <= 3
    ids = {
        email.message_from_bytes(raw, policy=email.policy.default)["Message-ID"]
        for raw in handler.accepted
    }
    assert ids == {message_id_for(f"email-{n}", "tdkt.quangbinh.gov.vn") for n in range(50)}


def test_temporary_failures_are_retried_and_delivered_once() -> None:
    handler = Recorder(tempfail_first=3)
    with smtp_server(handler) as port:
        result = run([outgoing(n) for n in range(6)], port, connections=2)
    assert [d.status for d in result] == ["sent"] * 6
    assert sum(d.attempts for d in result) == 9 == handler.data_calls
    bodies = Counter(raw.split(b"X-N: ")[1].split(b"\r\n")[0] for raw in handler.accepted)
    assert bodies == Counter(str(n).encode() for n in range(6))


def test_permanent_and_persistent_recipient_failures() -> None:
    handler = Recorder(reject="nobody@example.vn", busy="busy@example.vn")
    batch = [outgoing(0), outgoing(1, "nobody@example.vn"), outgoing(2, "busy@example.vn")]
    with smtp_server(handler) as port:
        sent, refused, busy = run(batch, port, connections=1, max_attempts=3)
    assert (sent.status, sent.attempts) == ("sent", 1)
    assert (refused.status, refused.code, refused.attempts) == ("permanent", 550, 1)
    assert (busy.status, busy.code, busy.attempts) == ("transient", 450, 3)
    assert len(handler.accepted) == 1


def test_unreachable_server_is_transient() -> None:
    port = free_port()  # nothing listens there
    result = run([outgoing(n) for n in range(3)], port, connections=2, max_attempts=3)
    assert {d.status for d in result} == {"transient"}
    assert [d.attempts for d in result] == [3, 3, 0]  # two workers gave up; one never tried
    assert all(d.code is None and d.error for d in result)


def test_rate_limit_spaces_transactions() -> None:
    handler = Recorder()
    with smtp_server(handler) as port:
        start = time.monotonic()
        result = run([outgoing(n) for n in range(9)], port, connections=3, rate_per_second=40)
        elapsed = time.monotonic() - start
    assert [d.status for d in result] == ["sent"] * 9
    assert elapsed >= 8 / 40 * 0.9  # nine transactions, eight intervals of 25 ms


def test_settings_from_a_prefect_secret_block(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.blocks.system import Secret

    class Stored:
        def get(self) -> str:
            return '{"host": "mail.snv.vn", "port": 465, "use_tls": true, "password": "pw"}'

    async def aload(name: str) -> Stored:
        assert name == "tdkt-smtp"
        return Stored()

    monkeypatch.setattr(Secret, "aload", aload)
    s = asyncio.run(settings_from_secret_block("tdkt-smtp"))
    assert (s.host, s.port, s.use_tls) == ("mail.snv.vn", 465, True)
    assert s.password is not None and "pw" not in repr(s)
