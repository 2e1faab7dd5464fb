"""Issue 20: "the sender is tdkt-flow@localhost ... no department, officer, phone or
Reply-To". The From address and name, the officer in charge and the Reply-To come from the
plan's `correspondence`, else the standing body's directory entry, else the environment."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from models.calendar import default_calendar
from models.clock import TIMEZONE, now
from models.db import unit_of_work
from models.letterhead import letterhead
from models.orm import Contact, Email, Unit
from models.plan import Correspondence, Plan
from models.plan_files import read_plan
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.vocabulary import ContactRole, UnitKind
from tasks.chasing import prepare_day
from tests.chase_helpers import SMALL, load_small
from tests.conftest import QB_DIRECTORY, QB_PLAN, SMALL_PLAN


def _standing_body(officer: bool) -> Unit:
    qb = Unit(code="QB", name="Ủy ban nhân dân tỉnh Quảng Bình", kind=UnitKind.PROVINCE)
    snv = Unit(code="QB.SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=qb)
    Contact(
        unit=snv,
        name="Ban Thi đua - Khen thưởng tỉnh (Sở Nội vụ)",
        role=ContactRole.STANDING_BODY,
        email="bantdkt@snv.example",
    )
    if officer:
        Contact(
            unit=snv,
            name="Võ Quang Toàn",
            role=ContactRole.EMULATION_OFFICER,
            email="toan@snv.example",
            phone="0232.3822.000",
        )
    return snv


def _plan(correspondence: dict[str, object] | None) -> Plan:
    plan = read_plan(SMALL_PLAN)
    if correspondence is None:
        return plan
    return plan.model_copy(update={"correspondence": Correspondence.model_validate(correspondence)})


def test_without_a_plan_block_the_standing_body_signs_and_the_environment_sends() -> None:
    head = letterhead(_plan(None), _standing_body(officer=True), "tdkt-flow@localhost")
    assert head.from_address == "tdkt-flow@localhost"
    assert head.from_name == "Sở Nội vụ tỉnh Quảng Bình"  # not "Ban Thi đua … (Sở Nội vụ)"
    assert head.signature.officer.startswith("Cán bộ phụ trách: Võ Quang Toàn")
    assert head.signature.reply_to == "toan@snv.example"
    alone = letterhead(_plan(None), _standing_body(officer=False), "tdkt-flow@localhost")
    assert (alone.signature.officer, alone.signature.reply_to) == ("", "")


def test_the_plan_sets_from_officer_and_reply_to_key_by_key() -> None:
    officer = {
        "name": "Nguyễn Thị Thu Hà",
        "position": "Chuyên viên Ban Thi đua - Khen thưởng",
        "phone": "0232.3822.514",
        "email": "thuha@snv.quangbinh.gov.vn",
    }
    head = letterhead(
        _plan({"from_address": "tdkt@snv.quangbinh.gov.vn", "officer": officer}),
        _standing_body(officer=True),
        "tdkt-flow@localhost",
    )
    assert head.from_address == "tdkt@snv.quangbinh.gov.vn"
    assert head.from_name == "Sở Nội vụ tỉnh Quảng Bình"
    assert head.signature.body == "Sở Nội vụ tỉnh Quảng Bình"
    assert head.signature.officer == (
        "Cán bộ phụ trách: Nguyễn Thị Thu Hà, Chuyên viên Ban Thi đua - Khen thưởng, "
        "điện thoại: 0232.3822.514, email: thuha@snv.quangbinh.gov.vn"
    )
    assert head.signature.reply_to == "thuha@snv.quangbinh.gov.vn"
    named = letterhead(
        _plan({"from_name": "Văn phòng  Sở Nội vụ", "reply_to": "vanthu@snv.quangbinh.gov.vn"}),
        _standing_body(officer=True),
        "tdkt-flow@localhost",
    )
    assert named.from_address == "tdkt-flow@localhost"
    assert named.from_name == "Văn phòng Sở Nội vụ"
    assert named.signature.officer.startswith("Cán bộ phụ trách: Võ Quang Toàn")
    assert named.signature.reply_to == "vanthu@snv.quangbinh.gov.vn"


@pytest.mark.parametrize(
    "block",
    [
        {"from_address": "tdkt@snv\r\nBcc: x@y.vn"},
        {"reply_to": "no-at-sign"},
        {"officer": {"name": "A", "email": "a b@c.vn"}},
        {"sender": "typo@snv.vn"},
    ],
)
def test_bad_addresses_and_unknown_keys_are_refused_when_the_plan_is_read(
    block: dict[str, object],
) -> None:
    with pytest.raises(ValidationError):
        Correspondence.model_validate(block)


def test_quang_binh_emails_come_from_the_plans_address_and_name_its_officer() -> None:
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
    prepare_day.fn("quang-binh-2021-2025", dt.datetime(2022, 10, 17, 7, 30, tzinfo=TIMEZONE))
    with unit_of_work() as session:
        emails = session.scalars(select(Email)).all()
    assert emails
    for sent in emails:
        message = message_from_bytes(sent.mime, policy=policy.default)
        (sender,) = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (
            "Sở Nội vụ tỉnh Quảng Bình",
            "thiduakhenthuong@snv.quangbinh.gov.vn",
        )
        assert message["Reply-To"].addresses[0].addr_spec == "thuha.tdkt@snv.quangbinh.gov.vn"
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "Nguyễn Thị Thu Hà" in text and "0232.3822.514" in text


def test_a_plan_without_the_block_sends_as_the_environment_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TDKT_SMTP_FROM", "tdkt@t.example")
    load_small()
    prepare_day.fn(SMALL, dt.datetime(2023, 2, 23, 7, 30, tzinfo=TIMEZONE))
    with unit_of_work() as session:
        emails = session.scalars(select(Email)).all()
    assert emails
    for sent in emails:
        (sender,) = message_from_bytes(sent.mime, policy=policy.default)["From"].addresses
        assert (sender.display_name, sender.addr_spec) == ("Sở Nội vụ tỉnh Thử", "tdkt@t.example")
