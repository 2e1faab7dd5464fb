"""The công văn đôn đốc (issue 23): escalation emails to units carry a numbered letter in
administrative form; the number is registered once per email, however often a sweep runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from models.calendar import default_calendar
from models.db import unit_of_work
from models.orm import Campaign, Email, IssuedDocument, Unit
from models.services.document_register import register_entries
from models.services.escalation_documents import (
    LETTERS_ENV,
    escalation_letter,
    letter_key,
    preview_content,
)
from notifications.mailbox import LocalMailbox
from notifications.render import MAX_EMAIL_BYTES
from notifications.smtp import SmtpSettings
from tests.chase_helpers import SMALL, days, load_small, morning, sweep
from tests.documents_support import docx_parts, need_office, pdf_text, render_png

D = dt.date
ESCALATION_DAY = D(2023, 3, 2)  # escalation-1 to each unit's head (tests/test_chase.py)


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[LocalMailbox]:
    with LocalMailbox(tmp_path / "mail") as box:
        yield box


def _smtp(mailbox: LocalMailbox) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=mailbox.port, backoff_seconds=0.01)


def _attachments(email: Email) -> list[EmailMessage]:
    message = message_from_bytes(email.mime, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return [part for part in message.iter_attachments() if isinstance(part, EmailMessage)]


def _text(email: Email) -> str:
    message = message_from_bytes(email.mime, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _payload(part: EmailMessage) -> bytes:
    data = part.get_content()
    assert isinstance(data, bytes)
    return data


def _letters(day: dt.date) -> dict[str, list[EmailMessage]]:
    with unit_of_work() as session:
        emails = session.scalars(select(Email).where(Email.day == day).order_by(Email.id))
        return {
            e.recipient_email: [
                a for a in _attachments(e) if a.get_filename("").startswith("cong-van")
            ]
            for e in emails
        }


def _run_until(day: dt.date, mailbox: LocalMailbox) -> None:
    load_small()
    for each in days(D(2023, 2, 20), day):
        sweep(each, _smtp(mailbox))


def test_an_escalation_to_a_unit_carries_a_numbered_letter(mailbox: LocalMailbox) -> None:
    _run_until(ESCALATION_DAY, mailbox)
    letters = _letters(ESCALATION_DAY)
    assert set(letters) == {"head@a.example", "head@b.example"}
    numbers = []
    for address, unit in (("head@a.example", "Sở A"), ("head@b.example", "Sở B")):
        (letter,) = letters[address]
        parts = docx_parts(_payload(letter))
        body, motto = parts.header[0]
        assert body.splitlines() == ["UBND TỈNH THỬ", "SỞ NỘI VỤ"]
        assert motto.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        number, date = parts.header[1]
        numbers.append(number.splitlines()[0])
        assert "V/v đôn đốc thực hiện các nội dung quá hạn theo Kế hoạch" in number
        assert date == "Thử, ngày 02 tháng 3 năm 2023"
        assert parts.paragraphs[0] == f"Kính gửi: {unit}"
        assert "đề nghị quý cơ quan khẩn trương hoàn thành và gửi về Sở Nội vụ trước ngày" in (
            "\n".join(parts.paragraphs)
        )
        (table,) = parts.tables
        assert table[0][:3] == ["TT", "Cơ quan, đơn vị", "Nội dung chưa hoàn thành"]
        assert table[1][1] == unit and table[1][4] == "28/02/2023"
        recipients, signer = parts.signature
        assert recipients.splitlines() == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, TĐKT."]
        assert "GIÁM ĐỐC" in signer
    assert sorted(numbers) == ["Số: 01/SNV-TĐKT", "Số: 02/SNV-TĐKT"]
    with unit_of_work() as session:
        emails = session.scalars(select(Email).where(Email.day == ESCALATION_DAY)).all()
        assert all(len(e.mime) <= MAX_EMAIL_BYTES for e in emails)
        texts = [_text(e) for e in emails]
    assert all("Kèm theo thư này: Công văn số 0" in t for t in texts)
    assert all("/SNV-TĐKT của Sở Nội vụ tỉnh Thử (tệp Word)." in t for t in texts)


def test_no_letter_to_the_standing_body_itself(mailbox: LocalMailbox) -> None:
    _run_until(D(2023, 3, 6), mailbox)  # escalation-2 goes to the standing body
    assert _letters(D(2023, 3, 6)) == {"snv@t.example": []}


def test_a_letter_asked_again_keeps_its_number(mailbox: LocalMailbox) -> None:
    _run_until(ESCALATION_DAY, mailbox)
    sweep(ESCALATION_DAY, _smtp(mailbox))  # the same morning again: nothing new
    with unit_of_work() as session:
        entries = register_entries(session)
        assert [e.number for e in entries] == [1, 2]
        email = session.scalars(select(Email).where(Email.day == ESCALATION_DAY)).first()
        assert email is not None
        assert {e.key for e in entries} >= {letter_key(email.key)}
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        unit = session.scalars(select(Unit).where(Unit.code == "T.A")).one()
        content = preview_content(session, campaign, unit, ESCALATION_DAY, default_calendar())
        again = escalation_letter(
            session,
            campaign.standing_body,
            content,
            default_calendar(),
            at=morning(ESCALATION_DAY),
            actor="test",
            register=False,
        )
        assert again.number is None  # a preview takes no number
        assert "Số:      /SNV-TĐKT" in docx_parts(again.docx).header[1][0]
        assert session.scalars(select(IssuedDocument)).all() == entries


def test_the_letter_is_printed_to_pdf_in_one_batch(
    mailbox: LocalMailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_office()
    monkeypatch.setenv(LETTERS_ENV, "pdf")
    _run_until(ESCALATION_DAY, mailbox)
    (letter,) = _letters(ESCALATION_DAY)["head@a.example"]
    assert letter.get_content_type() == "application/pdf"
    pdf = _payload(letter)
    text = pdf_text(pdf)
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kính gửi: Sở A", "Nơi nhận:"):
        assert part in text
    render_png(pdf, Path("cong-van-don-doc.png"))


def test_without_libreoffice_the_letter_goes_as_docx_with_one_warning(
    mailbox: LocalMailbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(LETTERS_ENV, "pdf")
    monkeypatch.setenv("TDKT_SOFFICE", "/nonexistent/soffice")
    _run_until(ESCALATION_DAY, mailbox)
    letters = _letters(ESCALATION_DAY)
    assert all(a.get_filename("").endswith(".docx") for v in letters.values() for a in v)
    warnings = [r for r in caplog.records if "LibreOffice" in r.getMessage()]
    assert len(warnings) == 1
