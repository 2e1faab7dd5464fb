"""Issue 20, first step: no one writes to themselves, subjects that survive an inbox list,
display names every reader decodes exactly, and "năm" written once.

Each test quotes the sentence of the issue it answers.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from dataclasses import replace
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from models.addressing import escalation_to, owes, own_task
from models.calendar import default_calendar
from models.clock import TIMEZONE, now
from models.db import unit_of_work
from models.orm import Campaign, Contact, Email, Notification, Obligation, Unit
from models.phrases import with_occurrence
from models.policy import Recipient
from models.services.chase_recipients import levels_above, recipients, supervisor_of
from models.services.directory import import_directory_file
from models.services.obligations import open_obligations, plan_of
from models.services.plans import load_plan_file
from models.vocabulary import ContactRole
from notifications.mime import _address, _header
from notifications.render import SUBJECT_MAX, render, shorten_words
from tasks.chasing import prepare_day
from tests.conftest import QB_DIRECTORY, QB_PLAN, ROOT
from tests.test_notifications import content, item

MORNING = dt.time(7, 30)
CHAIR, HEAD, SB = ContactRole.COUNCIL_CHAIR, ContactRole.HEAD, ContactRole.STANDING_BODY


# --- who owes, whom an escalation reaches (pure) ------------------------------------------------


def test_a_unit_selected_by_kind_never_owes_itself() -> None:
    """Issue 20: "In a plan from another province, the standing body owed a registration to
    itself and was escalated about it to itself." Sở Nội vụ is a department, and "every
    department sends its plan to Sở Nội vụ" must not make it owe its plan to itself."""
    assert not owes("QB.SNV", "QB.SNV", named=())
    assert owes("QB.SYT", "QB.SNV", named=())
    # Seed 004 names the Đảng ủy Sở itself ("Đảng ủy Sở, cấp ủy chi bộ trực thuộc tổ chức gặp
    # mặt"): its own task, owed and reminded as such.
    assert owes("XX.SCT.DU", "XX.SCT.DU", named=("XX.SCT.DU",))
    assert own_task("XX.SCT.DU", "XX.SCT.DU") and not own_task("QB.SNV", "QB")


def test_an_escalation_never_reaches_the_unit_that_owes() -> None:
    """Issue 20: "Sở Nội vụ… kính báo cáo để Ban Thi đua - Khen thưởng tỉnh (Sở Nội vụ) chỉ
    đạo": the standing body's own late work escalated to itself. It goes to the next level
    up: the unit's superior, then the council chair, never to itself."""
    levels: dict[Recipient, str | None] = {
        SB: "QB.SNV",
        "superior": "QB",
        CHAIR: "QB",
        "supervisor": None,
    }
    assert escalation_to(SB, "QB.SNV", levels) == "superior"  # to the Chủ tịch UBND tỉnh
    assert escalation_to(SB, "QB.SYT", levels) == SB  # another unit's: the standing body
    assert escalation_to(HEAD, "QB.SNV", levels) == HEAD  # its own head: that is the purpose
    assert escalation_to(CHAIR, "QB.SNV", levels) == CHAIR
    # The issuer is also the standing body (seed 004): its superior is itself, so the chair.
    own: dict[Recipient, str | None] = {
        SB: "XX.SCT.DU",
        "superior": "XX.SCT.DU",
        CHAIR: "XX.SCT.DU",
    }
    assert escalation_to(SB, "XX.SCT.DU", own) == CHAIR
    assert escalation_to("superior", "XX.SCT.DU", own) == CHAIR
    assert escalation_to("supervisor", "XX.SCT.UBKT", {"supervisor": "XX.SCT.UBKT"}) == ("superior")


# --- the same, in Quảng Bình's campaign ---------------------------------------------------------


def test_quang_binh_standing_body_owes_itself_nothing_and_escalates_upward() -> None:
    """Issue 20: "Kính gửi: Ban Thi đua - Khen thưởng tỉnh (Sở Nội vụ) (Sở Nội vụ)". Sở Nội
    vụ no longer owes its own unit plan (IV.1, "gửi về Sở Nội vụ") to itself; its own duty
    "Tham mưu Ủy ban nhân dân tỉnh tổ chức sơ kết cấp tỉnh" (owed to UBND tỉnh) stays, and its
    escalation to the standing body reaches the Chủ tịch UBND tỉnh instead."""
    at = dt.datetime(2022, 10, 5, 8, 0, tzinfo=TIMEZONE)
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        open_obligations(session, campaign, default_calendar(), until=dt.date(2025, 12, 31), at=at)
        owed = {(o.milestone.code, o.unit.code) for o in session.scalars(select(Obligation)).all()}
        assert ("unit-plan", "QB.SYT") in owed
        assert ("unit-plan", "QB.SNV") not in owed
        assert not {m for m, u in owed if u == "QB.SNV" and m.startswith("unit-")}
        assert ("province-midterm", "QB.SNV") in owed  # owed to UBND tỉnh: not to itself
        snv = session.scalars(select(Unit).where(Unit.code == "QB.SNV")).one()
        supervisor = supervisor_of(session, plan_of(campaign))
        to = escalation_to(SB, snv.code, levels_above(campaign, snv, supervisor))
        reached: list[Contact] = recipients(campaign, snv, to, supervisor)
        assert reached and {c.unit.code for c in reached} == {"QB"}
        assert {c.email for c in reached} == {"chutich@ubnd.quangbinh.example"}


def test_a_standing_body_under_a_council_escalates_to_its_chair() -> None:
    """The national bench logged "không có địa chỉ nhận cho QG.BTDKT (escalation-N)" every
    month: the standing body's own late items go to its superior, and its superior there is
    the Hội đồng Thi đua - Khen thưởng Trung ương, which lists a chair and no head. A unit's
    head is its head, else (a council) its chair."""
    council = Unit(code="QG", name="Hội đồng Thi đua - Khen thưởng Trung ương")
    chair = Contact(name="Chủ tịch Hội đồng", role=CHAIR, email="chu-tich@qg.example")
    officer = Contact(
        name="Cán bộ thi đua", role=ContactRole.EMULATION_OFFICER, email="t@qg.example"
    )
    council.contacts = [chair, officer]
    body = Unit(code="QG.BTDKT", name="Ban Thi đua - Khen thưởng Trung ương", parent=council)
    campaign = Campaign(slug="qg", issuer=council, standing_body=body)
    to = escalation_to(SB, body.code, levels_above(campaign, council, None))
    assert to == "superior"
    assert recipients(campaign, body, to) == [chair]
    assert recipients(campaign, council, HEAD) == [chair]  # the council's own late decisions
    head = Contact(name="Thủ trưởng", role=HEAD, email="head@qg.example")
    council.contacts = [chair, officer, head]  # where a head is listed, the head reads it
    assert recipients(campaign, body, to) == [head]


# --- subjects --------------------------------------------------------------------------------


def test_subject_puts_kind_and_date_first_within_80_characters() -> None:
    """Issue 20: "Subjects run to about 200 characters with the due date last, so inbox lists
    cut it off." Wanted: "[Nhắc hạn 31/10/2022] Kế hoạch xây dựng điển hình tiên tiến — Sở
    Nội vụ"."""
    one = content(
        item(milestone_title="Kế hoạch xây dựng điển hình tiên tiến"),
        sender_name="Sở Nội vụ (Ủy ban nhân dân tỉnh Quảng Bình)",
    )
    assert render(one).subject == (
        "[Nhắc hạn 31/10/2022] Kế hoạch xây dựng điển hình tiên tiến — Sở Nội vụ"
    )
    long_title = (
        "Tổng kết tại Hội nghị điển hình tiên tiến 05 năm; lựa chọn, giới thiệu điển hình "
        "tiên tiến tiêu biểu tham dự Đại hội Thi đua yêu nước tỉnh lần thứ VI"
    )
    subject = render(replace(one, items=(item(milestone_title=long_title),))).subject
    assert len(subject) <= SUBJECT_MAX
    assert subject.startswith("[Nhắc hạn 31/10/2022] Tổng kết tại Hội nghị")
    head = subject.removeprefix("[Nhắc hạn 31/10/2022] ").split("…")[0]
    assert long_title.startswith(head) and long_title[len(head)] == " "  # a whole word


@pytest.mark.parametrize("limit", range(1, 40))
def test_shortening_never_cuts_a_word(limit: int) -> None:
    """Issue 20: "truncate the title at a word boundary with '…', never mid-word"."""
    text = "Gửi kế hoạch xây dựng, nhân rộng điển hình tiên tiến"
    short = shorten_words(text, limit)
    assert len(short) <= limit
    kept = short.removesuffix("…")
    assert text.startswith(kept)
    if short != text and " " in text[:limit]:
        assert kept and text[len(kept)] in " ,"  # it ends where a word ends


# --- the From display name -------------------------------------------------------------------

NAMES = [
    "Sở Nội vụ (Ủy ban nhân dân tỉnh Quảng Bình)",
    "Ban Thi đua - Khen thưởng tỉnh (Sở Nội vụ)",
    "Sở Lao động - Thương binh và Xã hội tỉnh Quảng Bình",
    "Ủy ban nhân dân tỉnh Quảng Bình",
    "Nguyễn Thị Hồng Nhung",
    "Trung tâm Công nghệ thông tin Tài nguyên và Môi trường",
]


@pytest.mark.parametrize("name", NAMES)
def test_display_name_decodes_to_the_name_exactly(name: str) -> None:
    """Issue 20: "the From display name decodes as 'Ủy ban nhân dân   tỉnh' (three spaces: a
    folding bug)". Both Python's parser and an RFC 2047 decoder read the name back exactly,
    and no header line passes 78 columns."""
    raw = _header("From", _address(name, "tdkt@snv.quangbinh.gov.vn", "from address"))
    parsed = email.message_from_bytes(raw + b"\r\n\r\n", policy=email.policy.default)
    assert parsed["From"].addresses[0].display_name == name
    rfc = str(make_header(decode_header(raw.decode("ascii").removeprefix("From: "))))
    assert rfc == f"{name} <tdkt@snv.quangbinh.gov.vn>"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78


@pytest.mark.parametrize(
    "name",
    [
        "Chủ tịch Ủy ban nhân dân tỉnh Quảng Bình, Chủ tịch Hội đồng Thi đua - Khen thưởng tỉnh",
        "Sở Nông nghiệp và Phát triển nông thôn tỉnh Quảng Bình",
    ],
)
def test_a_very_long_display_name_still_reads_exactly_in_mail_clients(name: str) -> None:
    """A run of non-ASCII words longer than one encoded word holds is split at a space that
    RFC 2047 readers (mail clients) keep exactly; never a lone encoded space (the three
    spaces of the issue). Python's parser, which keeps the folding between two encoded words
    against RFC 2047 6.2, reads that one space doubled."""
    raw = _header("From", _address(name, "a@b.vn", "from address"))
    assert b"=?utf-8?b?IA==?=" not in raw
    rfc = str(make_header(decode_header(raw.decode("ascii").removeprefix("From: "))))
    assert rfc == f"{name} <a@b.vn>"
    parsed = email.message_from_bytes(raw + b"\r\n\r\n", policy=email.policy.default)
    assert " ".join(parsed["From"].addresses[0].display_name.split()) == name
    assert "   " not in parsed["From"].addresses[0].display_name


# --- wording ---------------------------------------------------------------------------------


def test_the_year_is_written_once() -> None:
    """Issue 20: "vào dịp tổng kết năm năm 2022"."""
    title = (
        "Xem xét biểu dương, khen thưởng các mô hình, gương điển hình tiên tiến đã đăng ký vào "
        "dịp tổng kết năm"
    )
    assert with_occurrence(title, "năm 2022").endswith("vào dịp tổng kết năm 2022")
    assert with_occurrence("Báo cáo kết quả", "năm 2022") == "Báo cáo kết quả năm 2022"
    assert with_occurrence("Báo cáo kết quả", "") == "Báo cáo kết quả"
    text = render(content(item(milestone_title=title, occurrence_label="năm 2022"))).text
    assert "tổng kết năm 2022" in text and "năm năm" not in text


# --- the standing body's own task (seed 004) ---------------------------------------------------

PARTY_PLAN = ROOT / "plans" / "cong-thuong-party-2023-2025.yaml"


def test_the_standing_bodys_own_task_is_reminded_to_its_officer_and_head() -> None:
    """Seed 004, II.5: "Định kỳ hằng năm vào dịp 19/5, Đảng ủy Sở, cấp ủy chi bộ trực thuộc tổ
    chức gặp mặt, giao lưu điển hình tiên tiến". The plan names the Đảng ủy Sở, its standing
    body, among those who hold the meeting: its own task. Issue 20: "its own duties ... are
    reminded to its head and officer as its tasks" (no "Gửi đến: Đảng ủy Sở Công Thương"), and
    its escalation to the standing body, itself, goes up to the Đảng ủy Khối."""
    with unit_of_work() as s:
        load_plan_file(s, PARTY_PLAN, default_calendar(), at=now(), actor="test")
        units = {u.code: u for u in s.scalars(select(Unit))}
        people = [
            ("XX.SCT.DU", "Lê Văn Bí", ContactRole.HEAD, "bithu@du.example"),
            ("XX.SCT.DU", "Phạm Thị Văn", ContactRole.EMULATION_OFFICER, "vanphong@du.example"),
            ("XX.DUK", "Hoàng Văn Khối", ContactRole.HEAD, "bithu@duk.example"),
        ]
        for code, name, role, address in people:
            s.add(Contact(unit=units[code], name=name, role=role, email=address))
    day = dt.date(2024, 5, 6)
    while day <= dt.date(2024, 6, 7):
        prepare_day.fn("cong-thuong-party-2023-2025", dt.datetime.combine(day, MORNING, TIMEZONE))
        day += dt.timedelta(days=1)
    with unit_of_work() as s:
        notes = s.scalars(select(Notification)).all()
        meeting = [
            n
            for n in notes
            if n.obligation.milestone.code == "gap-mat-bieu-duong-19-5"
            and n.obligation.unit.code == "XX.SCT.DU"
        ]
        by_step: dict[str, set[str]] = {}
        for n in meeting:
            by_step.setdefault(n.step.split("-")[0], set()).add(n.recipient_email)
        assert by_step["reminder"] == {"bithu@du.example", "vanphong@du.example"}
        escalated = {n.recipient_email for n in meeting if n.step == "escalation-2"}
        assert escalated == {"bithu@duk.example"}  # not the Đảng ủy Sở itself
        email_of = {n.email_id for n in meeting if n.step.startswith("reminder")}
        for sent in s.scalars(select(Email).where(Email.id.in_(email_of))):
            text = message_from_bytes(sent.mime, policy=policy.default).get_body(("plain",))
            body = text.get_content()  # type: ignore[union-attr]
            assert "Gặp mặt, giao lưu điển hình tiên tiến" in body
            assert "Gửi đến: Đảng ủy Sở Công Thương" not in body
