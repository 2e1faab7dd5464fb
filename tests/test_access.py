"""Links, form tokens, uploads and accounts as plain domain code (no web server)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from models.clock import TIMEZONE
from models.db import read_only, unit_of_work
from models.documents import DOCX, ODT, PDF, DocumentRefused, check_upload, clean_filename
from models.orm import AccessLink, Contact, Obligation
from models.services.access import (
    AccessRefused,
    Refusal,
    issue_link,
    open_link,
    revoke_link,
    spend_form_token,
)
from models.services.accounts import AccountError, add_coordinator
from models.services.signin import check_password, read_attempt
from models.signing import BadToken, Signer, StaleToken
from tests.web_helpers import docx_bytes, load_world, odt_bytes, pdf_bytes

KEY = "k" * 32
NOW = dt.datetime(2023, 2, 23, 9, 0, tzinfo=TIMEZONE)


def test_a_link_token_reads_back_and_any_change_breaks_it() -> None:
    signer = Signer(KEY)
    token = signer.link_token(7, "abc")
    assert signer.read_link_token(token) == (7, "abc")
    for broken in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" + token, token[:10]):
        with pytest.raises(BadToken):
            signer.read_link_token(broken)
    with pytest.raises(BadToken):
        Signer("another key of 32 characters....").read_link_token(token)


@given(st.text(max_size=200))
def test_no_made_up_token_is_accepted(token: str) -> None:
    with pytest.raises(BadToken):
        Signer(KEY).read_link_token(token)


def test_a_form_token_belongs_to_its_page_and_goes_stale() -> None:
    signer = Signer(KEY)
    token = signer.form_token("link:1", NOW)
    assert signer.read_form_token(token, scope="link:1", at=NOW).scope == "link:1"
    with pytest.raises(BadToken):
        signer.read_form_token(token, scope="link:2", at=NOW)
    with pytest.raises(StaleToken):
        signer.read_form_token(token, scope="link:1", at=NOW + dt.timedelta(hours=5))
    with pytest.raises(BadToken):  # links and forms are signed under different salts
        signer.read_link_token(token)


@pytest.mark.parametrize(
    ("data", "media_type"), [(pdf_bytes(), PDF), (docx_bytes(), DOCX), (odt_bytes(), ODT)]
)
def test_accepted_documents_are_recognised_by_content(data: bytes, media_type: str) -> None:
    assert check_upload("anything.bin", data).media_type == media_type


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "rỗng"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "chỉ nhận"),
        (b"<html><script>alert(1)</script></html>", "chỉ nhận"),
        (docx_bytes(macro=True), "macro"),
        (b"PK\x03\x04 not really a zip", "hỏng"),
        (b"%PDF-" + b"x" * 2000, "quá lớn"),
    ],
)
def test_other_files_are_refused_with_a_reason(data: bytes, why: str) -> None:
    with pytest.raises(DocumentRefused, match=why):
        check_upload("bao-cao.pdf", data, max_bytes=1000)


def test_a_displayed_filename_has_no_folders_controls_or_false_extension() -> None:
    assert clean_filename("../../etc/passwd.pdf", PDF) == "passwd.pdf"
    assert clean_filename("Báo cáo\r\nBcc: x.exe", DOCX) == "Báo cáoBcc: x.docx"
    assert clean_filename("...", ODT) == "tai-lieu.odt"


def _report_link(signer: Signer, at: dt.datetime = NOW) -> tuple[str, int]:
    with unit_of_work() as session:
        obligation = session.scalars(select(Obligation).order_by(Obligation.id)).first()
        assert obligation is not None
        contact = session.scalars(
            select(Contact).where(Contact.unit_id == obligation.unit_id)
        ).first()
        assert contact is not None
        return issue_link(session, signer, contact, obligation, at=at), obligation.id


@pytest.fixture
def world() -> None:
    from models.calendar import default_calendar
    from models.orm import Campaign
    from models.services.obligations import open_obligations

    load_world()
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        open_obligations(session, campaign, default_calendar(), until=NOW.date(), at=NOW)


def test_a_link_lives_until_a_month_after_the_due_date_then_expires(world: None) -> None:
    signer = Signer(KEY)
    token, _ = _report_link(signer)
    with unit_of_work() as session:
        link = open_link(session, signer, token, at=NOW)
        assert link.expires_at.date() == dt.date(2023, 3, 30)  # due 28/02 + 30 days
        assert link.last_used_at == NOW
    with unit_of_work() as session, pytest.raises(AccessRefused) as refused:
        open_link(session, signer, token, at=NOW + dt.timedelta(days=60))
    assert refused.value.refusal is Refusal.EXPIRED


def test_later_reminders_reuse_the_live_link_and_a_revoked_one_is_replaced(world: None) -> None:
    signer = Signer(KEY)
    first, _ = _report_link(signer)
    again, _ = _report_link(signer, NOW + dt.timedelta(days=3))
    assert again == first
    with unit_of_work() as session:
        link = open_link(session, signer, first, at=NOW)
        assert revoke_link(session, link, at=NOW, actor="test")
        assert not revoke_link(session, link, at=NOW, actor="test")
    with unit_of_work() as session, pytest.raises(AccessRefused) as refused:
        open_link(session, signer, first, at=NOW)
    assert refused.value.refusal is Refusal.REVOKED
    fresh, _ = _report_link(signer)
    assert fresh != first
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(AccessLink)) == 2


def test_a_form_token_is_spent_once(world: None) -> None:
    signer = Signer(KEY)
    token = signer.form_token("link:1", NOW)
    with unit_of_work() as session:
        spend_form_token(session, signer, token, scope="link:1", at=NOW)
    with unit_of_work() as session, pytest.raises(AccessRefused) as refused:
        spend_form_token(session, signer, token, scope="link:1", at=NOW)
    assert refused.value.refusal is Refusal.REPLAYED


def test_a_token_spent_in_a_rolled_back_action_can_be_used_again(world: None) -> None:
    """A refused act (wrong file type...) changes nothing, its form token included."""
    signer = Signer(KEY)
    token = signer.form_token("link:1", NOW)
    with pytest.raises(RuntimeError), unit_of_work() as session:
        spend_form_token(session, signer, token, scope="link:1", at=NOW)
        raise RuntimeError("the act failed")
    with unit_of_work() as session:
        spend_form_token(session, signer, token, scope="link:1", at=NOW)


def test_coordinators_sign_in_with_an_argon2_hashed_password(world: None) -> None:
    with unit_of_work() as session:
        who = add_coordinator(
            session, "Lan.Nguyen", "Nguyễn Thị Lan", "mật khẩu đủ dài", unit=None, at=NOW, actor="t"
        )
        assert who.username == "lan.nguyen"
        assert who.password_hash.startswith("$argon2id$")
        assert "mật khẩu" not in who.password_hash
    with read_only() as session:
        known = read_attempt(session, "lan.nguyen", "127.0.0.1", NOW)
        unknown = read_attempt(session, "không có", "127.0.0.1", NOW)
    assert check_password(known, "mật khẩu đủ dài")
    assert not check_password(known, "sai mật khẩu")
    assert not check_password(unknown, "mật khẩu đủ dài")
    with unit_of_work() as session, pytest.raises(AccountError, match="ít nhất"):
        add_coordinator(session, "binh", "Bình", "ngắn", unit=None, at=NOW, actor="t")
