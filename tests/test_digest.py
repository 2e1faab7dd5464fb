"""Digests a person can act on (issue 20): grouped, counted, each line named, the right content
per reader, within MAX_EMAIL_BYTES; and one golden file per kind of email, text and HTML.

The golden files under tests/golden/emails/ are compared byte for byte. After a deliberate
change of wording or layout, regenerate them and review the diff as a Vietnamese office would
read it (Nghị định 30/2020: "Kính gửi" with the position, the verb by direction, every item
named, a signature with the officer):

    TDKT_UPDATE_GOLDEN=1 ./dev test tests/test_digest.py -q
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.calendar import default_calendar
from models.services import digests
from notifications.content import DeadlineItem, EmailContent, PlanRef
from notifications.digest import NEWLY_OVERDUE_DAYS
from notifications.mime import build_message
from notifications.render import MAX_EMAIL_BYTES, render

GOLDEN = Path(__file__).parent / "golden" / "emails"
UPDATE = os.environ.get("TDKT_UPDATE_GOLDEN") == "1"

PLAN = PlanRef(
    title="Kế hoạch xây dựng và nhân rộng điển hình tiên tiến tỉnh Quảng Bình"
    " giai đoạn 2021 - 2025",
    issuer_name="Ủy ban nhân dân tỉnh Quảng Bình",
    number="1837/KH-UBND",
    date=dt.date(2022, 10, 4),
)
DAY = dt.date(2024, 1, 18)  # a Thursday
CALENDAR = default_calendar()
SATURDAY = dt.date(2024, 1, 20)  # the plan's "trước ngày 20 tháng 01": moved to Monday 22/01
SNV = "Sở Nội vụ (Ủy ban nhân dân tỉnh Quảng Bình)"
SIGNED: dict[str, Any] = {
    "signed_by": "Sở Nội vụ tỉnh Quảng Bình",
    "officer": "Cán bộ phụ trách: Võ Quang Toàn, điện thoại: 0232 3822 000, "
    "email: thiduakhenthuong@snv.quangbinh.gov.vn",
    "reply_to": "thiduakhenthuong@snv.quangbinh.gov.vn",
}
LINK = "https://tdkt.quangbinh.gov.vn/l/"
CAMPAIGN = "https://tdkt.quangbinh.gov.vn/dieu-phoi/ke-hoach/quang-binh-2021-2025"


def item(n: int, left: int, step: str = "reminder", **changes: Any) -> DeadlineItem:
    """The n-th item of a digest, `left` working days from DAY (negative: overdue)."""
    due = CALENDAR.add_working_days(DAY, left)
    base = DeadlineItem(
        notification_key=f"k{n}",
        step="reminder",
        level=2,
        plan=PLAN,
        clause="III.2",
        phrase="trước ngày 20 tháng 01 hằng năm",
        quote="Các sở, ban, ngành, địa phương gửi báo cáo kết quả xây dựng điển hình tiên tiến về "
        "Sở Nội vụ trước ngày 20 tháng 01 hằng năm.",
        milestone_title="Báo cáo kết quả xây dựng điển hình tiên tiến",
        occurrence_label="năm 2023",
        unit_code="QB.SYT",
        unit_name="Sở Y tế",
        owed_to="Sở Nội vụ",
        due=due,
        effective_due=due,
        working_days_left=left,
        uid=f"qb/report/2023/{n}",
        link=f"{LINK}t{n}",
    )
    return replace(base, step=step, **changes)  # type: ignore[arg-type]


def email(*items: DeadlineItem, **changes: Any) -> EmailContent:
    base = EmailContent(
        key="golden",
        day=DAY,
        recipient_name="Phòng Tổ chức cán bộ",
        recipient_email="tccb@syt.quangbinh.gov.vn",
        recipient_unit="Sở Y tế",
        sender_name=SNV,
        items=items,
    )
    return replace(base, **SIGNED, **changes)


EXEMPLAR_A = "Ngô Thị Lan (Hội Chữ thập đỏ tỉnh)"
EXEMPLAR_B = "Hoàng Văn Minh (Bệnh viện Hữu nghị Việt Nam - Cu Ba Đồng Hới)"
CHAIR = {
    "recipient_name": "Trần Đình Cường",
    "recipient_email": "chutich@ubnd.quangbinh.gov.vn",
    "recipient_unit": "Ủy ban nhân dân tỉnh Quảng Bình",
    "salutation": "Đồng chí Trần Đình Cường, Chủ tịch Ủy ban nhân dân tỉnh, Chủ tịch Hội đồng Thi"
    " đua - Khen thưởng tỉnh",
    "addressee": "Đồng chí Trần Đình Cường",
    "upward": True,
}
OVERSIGHT = (
    item(1, -2, "escalation", link=None, unit_name="Sở Giáo dục và Đào tạo", unit_code="QB.SGD"),
    item(2, -3, "escalation", link=None, unit_name="Ủy ban nhân dân huyện Lệ Thủy"),
    item(
        3,
        -3,
        "escalation",
        link=None,
        unit_name="Ủy ban nhân dân huyện Lệ Thủy",
        milestone_title="Đăng ký danh sách điển hình tiên tiến",
        about="Lĩnh vực: Nông nghiệp và phát triển nông thôn",
    ),
    item(4, -12, "escalation", link=None, unit_name="Sở Tư pháp", level=3),
    item(5, -31, "escalation", link=None, unit_name="Sở Xây dựng", level=3),
)


def coordinator(i: DeadlineItem) -> DeadlineItem:
    return replace(
        i,
        link=f"https://tdkt.quangbinh.gov.vn/dieu-phoi/nghia-vu/{i.uid[-1]}",
        link_label="Xem trên trang điều phối",
        notification_key="",
    )


KINDS: dict[str, EmailContent] = {
    "reminder-unit": email(
        item(1, 2, due=SATURDAY),
        item(
            2,
            2,
            due=SATURDAY,
            milestone_title="Đăng ký danh sách điển hình tiên tiến",
            about="Lĩnh vực: Y tế dự phòng",
        ),
        item(
            3,
            2,
            due=SATURDAY,
            milestone_title="Đăng ký danh sách điển hình tiên tiến",
            about="Lĩnh vực: Khám bệnh, chữa bệnh",
        ),
    ),
    "due-unit": email(item(1, 0, "due")),
    "escalation-head": email(
        item(1, -2, "escalation", level=1),
        item(
            2,
            -7,
            "escalation",
            level=1,
            milestone_title="Đăng ký danh sách điển hình tiên tiến",
            about="Lĩnh vực: Y tế dự phòng",
        ),
        recipient_name="Nguyễn Văn Hùng",
        recipient_email="giamdoc@syt.quangbinh.gov.vn",
        salutation="Đồng chí Nguyễn Văn Hùng, Giám đốc Sở Y tế",
        addressee="Đồng chí Nguyễn Văn Hùng",
        # the công văn đôn đốc it carries (models.services.escalation_documents)
        enclosure="Công văn số 07/SNV-TĐKT của Sở Nội vụ tỉnh Quảng Bình (tệp PDF)",
    ),
    "overdue-standing-body": email(
        *map(coordinator, OVERSIGHT),
        recipient_name="Ban Thi đua - Khen thưởng",
        recipient_email="thiduakhenthuong@snv.quangbinh.gov.vn",
        recipient_unit="Sở Nội vụ",
        salutation="Ban Thi đua - Khen thưởng tỉnh (Sở Nội vụ)",
        own_staff=True,
        more_overdue=57,
        more_newly_overdue=4,
        all_overdue_link=CAMPAIGN,
    ),
    "overdue-leader": email(*map(coordinator, OVERSIGHT), **CHAIR, all_overdue_link=CAMPAIGN),
    "mentor": email(
        item(
            1,
            4,
            actor="mentor",
            exemplar=EXEMPLAR_A,
            milestone_title="Báo cáo quá trình giúp đỡ, bồi dưỡng điển hình",
            about=f"Điển hình: {EXEMPLAR_A}; người giúp đỡ: Lê Thị Hoa",
        ),
        item(
            2,
            9,
            actor="mentor",
            exemplar=EXEMPLAR_A,
            milestone_title="Đăng bài giới thiệu điển hình tiên tiến",
            about="Kênh: Cổng thông tin điện tử tỉnh",
        ),
        item(
            3,
            4,
            actor="mentor",
            exemplar=EXEMPLAR_B,
            milestone_title="Báo cáo quá trình giúp đỡ, bồi dưỡng điển hình",
            about=f"Điển hình: {EXEMPLAR_B}; người giúp đỡ: Lê Thị Hoa",
        ),
        recipient_name="Lê Thị Hoa",
        recipient_email="hoa.lt@syt.quangbinh.gov.vn",
        salutation="Đồng chí Lê Thị Hoa, Phó Giám đốc Sở Y tế",
        addressee="Đồng chí Lê Thị Hoa",
    ),
    "council-vote": email(
        item(
            1,
            2,
            actor="council_member",
            milestone_title="Bỏ phiếu bình xét điển hình tiên tiến",
            about="Phiên bỏ phiếu số 3/2024: 12 đề nghị của các sở, ngành",
            link_label="Mở phiếu và bỏ phiếu kín",
            owed_to="Hội đồng Thi đua - Khen thưởng tỉnh",
        ),
        recipient_name="Phạm Thị Thu",
        recipient_email="thu.pt@ldld.quangbinh.gov.vn",
        recipient_unit="Ủy ban nhân dân tỉnh Quảng Bình",
        salutation="Đồng chí Phạm Thị Thu, Chủ tịch Liên đoàn Lao động tỉnh, Ủy viên Hội đồng Thi"
        " đua - Khen thưởng tỉnh",
        addressee="Đồng chí Phạm Thị Thu",
    ),
}


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_of_email_reads_as_its_golden_file(name: str) -> None:
    """Byte for byte; TDKT_UPDATE_GOLDEN=1 rewrites them (see the module's docstring)."""
    rendered = render(KINDS[name])
    for ext, body in (
        ("txt", f"Tiêu đề: {rendered.subject}\n\n{rendered.text}"),
        ("html", rendered.html),
    ):
        path = GOLDEN / f"{name}.{ext}"
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
        assert path.read_text(encoding="utf-8") == body, f"{path} differs: see the docstring"


def lines_of(text: str) -> list[str]:
    """The numbered item lines of a text body."""
    return [x for x in text.splitlines() if x[:1].isdigit() and ". " in x[:5]]


@pytest.mark.parametrize("name", KINDS)
def test_no_two_lines_read_the_same_and_every_line_is_named(name: str) -> None:
    text = render(KINDS[name]).text
    lines = [x.split(". ", 1)[1] for x in lines_of(text)]
    assert lines and len(lines) == len(set(lines)), lines
    assert "(lĩnh vực" not in text


def test_identical_items_are_one_line_with_their_count_and_each_link() -> None:
    same = email(item(1, 3, about=""), item(2, 3, about=""), item(3, 3, about=""))
    text = render(same).text
    assert "1. Báo cáo kết quả xây dựng điển hình tiên tiến năm 2023 (3 việc)" in text
    assert len(lines_of(text)) == 1
    assert all(f"{LINK}t{n}" in text for n in (1, 2, 3))
    assert "Sở Y tế: 3 việc" in text


def test_groups_by_unit_most_urgent_first_and_by_exemplar_for_a_mentor() -> None:
    mixed = email(
        item(1, 9, unit_name="Sở Y tế"),
        item(2, 2, unit_name="Sở Tư pháp"),
        item(3, 5, unit_name="Sở Y tế", about="Lĩnh vực: Dược"),
    )
    text = render(mixed).text
    assert text.index("Sở Tư pháp: 1 việc") < text.index("Sở Y tế: 2 việc")
    group = text.index("Sở Y tế: 2 việc")
    assert text.index("Lĩnh vực: Dược") < text.index("năm 2023\n   Hạn:", group)  # nearer first
    mentor = render(KINDS["mentor"]).text
    assert f"Giúp đỡ điển hình tiên tiến {EXEMPLAR_A}: 2 việc" in mentor
    assert f"Giúp đỡ điển hình tiên tiến {EXEMPLAR_B}: 1 việc" in mentor
    assert "việc giúp đỡ điển hình tiên tiến" in mentor and "Nếu đồng chí đã hoàn thành" in mentor


def test_a_leader_gets_no_submission_link_and_no_skip_footer_but_the_full_list() -> None:
    for body in (render(KINDS["overdue-leader"]).text, render(KINDS["overdue-leader"]).html):
        assert "/l/" not in body and "/nghia-vu/" not in body and "bỏ qua" not in body
        assert CAMPAIGN in body and "kính báo cáo Đồng chí Trần Đình Cường" in body
    standing = render(KINDS["overdue-standing-body"])
    assert "bỏ qua" not in standing.text  # its list is other units' work
    assert "bỏ qua" in render(KINDS["reminder-unit"]).text


def test_a_council_member_is_reminded_of_their_vote() -> None:
    text = render(KINDS["council-vote"]).text
    assert "Đồng chí Phạm Thị Thu bỏ phiếu bình xét điển hình tiên tiến" in text
    assert "đề nghị Đồng chí Phạm Thị Thu bỏ phiếu đúng hạn" in text
    assert "Đơn vị thực hiện" not in text and "Gửi đến" not in text and "quý cơ quan" not in text
    assert "Nếu đồng chí đã bỏ phiếu, xin bỏ qua thư này." in text


def test_the_overdue_list_separates_newly_from_still_overdue_with_counts() -> None:
    text = render(KINDS["overdue-standing-body"]).text
    assert f"MỚI QUÁ HẠN (không quá {NEWLY_OVERDUE_DAYS} ngày làm việc): 7 việc" in text
    assert f"VẪN QUÁ HẠN (trên {NEWLY_OVERDUE_DAYS} ngày làm việc): 55 việc" in text
    assert text.index("MỚI QUÁ HẠN") < text.index("VẪN QUÁ HẠN")
    assert "Ủy ban nhân dân huyện Lệ Thủy: 2 việc" in text
    assert render(KINDS["overdue-standing-body"]).attachments == ()  # every date is past


def test_each_basis_is_cited_once() -> None:
    r = render(KINDS["reminder-unit"])
    for body in (r.text, r.html):
        assert body.count("Các sở, ban, ngành, địa phương gửi báo cáo") == 1
        assert body.count("Kế hoạch số 1837/KH-UBND") == 1


def message(c: EmailContent) -> bytes:
    return build_message(
        c, render(c), from_address="tdkt@snv.example", from_name=SNV, message_domain="t.example"
    )


def test_a_worst_case_digest_stays_under_the_limit() -> None:
    """Hundreds of items with long names, as the caps of models.services.digests leave them and
    beyond: every email stays under MAX_EMAIL_BYTES, the lines it leaves out counted."""
    long = " ".join(["Ủy ban nhân dân xã Quảng Phú Thượng huyện Quảng Trạch tỉnh Quảng Bình"] * 3)

    def heavy(n: int, left: int, step: str) -> DeadlineItem:
        return item(
            n,
            left,
            step,
            unit_name=f"{long} {n}",
            unit_code=f"U{n}",
            milestone_title=f"Báo cáo tổng kết phong trào thi đua {long} số {n}",
            about=f"Điển hình: {long} {n}",
            quote=f"Trích kế hoạch {n}: {long} " * 4,
            link=f"{LINK}{'x' * 150}{n}",
        )

    late = tuple(heavy(n, -1 - n % 40, "escalation") for n in range(600))
    others = tuple(heavy(1000 + n, 1 + n % 10, "reminder") for n in range(600))
    capped, more, more_newly = digests._capped(late + others[: digests.DIGEST_LINES], 3_000, 200)
    assert more == 3_000 - 2 * digests.OVERSIGHT_LIST and 0 < more_newly <= more
    worst = email(*capped, more_overdue=more, more_newly_overdue=more_newly, more_items=560)
    raw = message(worst)
    assert len(raw) <= MAX_EMAIL_BYTES, len(raw)
    text = render(worst).text
    assert "... và " in text and "việc quá hạn khác" in text and "việc khác" in text
    everything = email(*late, *others)  # uncapped: render trims it, counting what it drops
    raw = message(everything)
    assert len(raw) <= MAX_EMAIL_BYTES, len(raw)
    listed = len(lines_of(render(everything).text))
    assert 0 < listed < 1200


def test_the_same_item_of_two_units_says_whose_it_is() -> None:
    """Two units owing the same report by the same day: each line names its unit (what
    differs), so no two lines of the email read the same."""
    both = email(
        item(1, -2, "escalation", unit_name="Sở Công Thương"),
        item(2, -2, "escalation", unit_name="Sở Tài chính"),
        item(3, -2, "escalation", unit_name="Sở Tài chính", about="Lĩnh vực: Ngân sách"),
    )
    text = render(both).text
    assert "1. Sở Công Thương: Báo cáo kết quả xây dựng điển hình tiên tiến năm 2023 — hạn" in text
    assert "2. Sở Tài chính: Báo cáo kết quả xây dựng điển hình tiên tiến năm 2023 — hạn" in text
    assert "3. Báo cáo kết quả xây dựng điển hình tiên tiến năm 2023 — Lĩnh vực: Ngân sách" in text
    assert "Sở Công Thương: 1 việc" not in text  # its one line names it
    assert "Sở Tài chính: 2 việc\n2. Sở Tài chính: Báo cáo" in text


def test_the_same_deadline_of_many_units_is_one_event() -> None:
    """Forty decisions due the same day (the demo's largest email) are one calendar event,
    not forty; another day or another item is another event."""
    same = [item(n, 4, unit_name=f"Sở {n}", uid=f"u{n}") for n in range(40)]
    other = item(99, 6, uid="u99")
    (att,) = render(email(*same, other)).attachments
    assert att.data.count(b"BEGIN:VEVENT") == 2


def test_a_leader_keeps_the_link_to_their_own_vote() -> None:
    """The chairman of the council votes like every member: his vote's link stays in an email
    that reports to him, while the overdue list's links do not (models.services.digests gives a
    leader personal links only for their own acts)."""
    vote = item(1, 2, actor="council_member", link_label="Mở phiếu và bỏ phiếu kín")
    late = item(2, -2, "escalation", notification_key="")
    text = render(email(vote, late, **CHAIR)).text
    assert f"{LINK}t1" in text and f"{LINK}t2" not in text


@given(
    st.text(
        st.one_of(
            st.characters(exclude_categories=()),  # surrogates and controls included
            st.sampled_from(" \t\r\n\u2028\u00a0\x85\x1f"),
        )
    )
)
def test_one_line_skips_no_cleaning_it_owes(value: str) -> None:
    """one_line's shortcut for text already on one printable line gives what the full
    cleaning gives, whatever the text."""
    from notifications.render import _CONTROL, _SURROGATE, one_line

    full = " ".join(_SURROGATE.sub("\ufffd", _CONTROL.sub(" ", value)).split())
    assert one_line(value) == full
