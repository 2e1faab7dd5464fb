"""Form by direction (issue 20): who is addressed how, and with which verb.

Examples from the Quảng Bình directory (/work/shared/DOMAIN.md, "Writing as an office
writes"): the standing body, Sở Nội vụ, reports to the Chủ tịch UBND tỉnh ("Kính gửi: Đồng
chí Trần Đình Cường, Chủ tịch Ủy ban nhân dân tỉnh, Chủ tịch Hội đồng Thi đua - Khen thưởng
tỉnh" … "kính báo cáo Đồng chí …") and asks a department ("Kính gửi: Sở Giáo dục và Đào tạo"
… "đề nghị").
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from dataclasses import replace

from sqlalchemy import Engine, select

from models.clock import now
from models.correspondence import (
    Signature,
    address,
    body_in_full,
    council_name,
    direction,
    positions_of,
    request,
    signature,
)
from models.db import unit_of_work
from models.directory import read_directory
from models.orm import Contact, Unit
from models.services.addressing import readers
from models.services.directory import import_directory_file
from models.vocabulary import ContactRole, UnitKind
from notifications.content import DeadlineItem, EmailContent, PlanRef
from notifications.mime import build_message
from notifications.render import render
from tests.conftest import QB_DIRECTORY, ROOT

CHAIR = "Chủ tịch Ủy ban nhân dân tỉnh"
COUNCIL_CHAIR = "Chủ tịch Hội đồng Thi đua - Khen thưởng tỉnh"


def _tree() -> dict[str, Unit]:
    """Province QB; Sở Nội vụ and Sở GD&ĐT under it; Đồng Hới under it, a phòng under that."""
    qb = Unit(code="QB", name="Ủy ban nhân dân tỉnh Quảng Bình", kind=UnitKind.PROVINCE)
    snv = Unit(code="QB.SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=qb)
    sgd = Unit(code="QB.SGDDT", name="Sở Giáo dục và Đào tạo", kind=UnitKind.DEPARTMENT, parent=qb)
    dh = Unit(code="QB.DH", name="Thành phố Đồng Hới", kind=UnitKind.DISTRICT, parent=qb)
    pnv = Unit(code="QB.DH.PNV", name="Phòng Nội vụ", kind=UnitKind.BASE_UNIT, parent=dh)
    return {"QB": qb, "SNV": snv, "SGD": sgd, "DH": dh, "PNV": pnv}


def _contact(unit: Unit, name: str, role: ContactRole, email: str, position: str | None) -> Contact:
    return Contact(unit=unit, name=name, role=role, email=email, position=position)


def test_direction_follows_the_unit_tree() -> None:
    u = _tree()
    chair = _contact(u["QB"], "Trần Đình Cường", ContactRole.HEAD, "ct@qb.example", CHAIR)
    own_head = _contact(u["SNV"], "Bùi Hữu Hùng", ContactRole.HEAD, "gd@snv.example", None)
    own_officer = _contact(u["SNV"], "Võ Quang Toàn", ContactRole.EMULATION_OFFICER, "o@s", None)
    peer = _contact(u["SGD"], "Đỗ Thị Lan", ContactRole.EMULATION_OFFICER, "o@sgd.example", None)
    below = _contact(u["PNV"], "Lê Minh", ContactRole.HEAD, "tp@pnv.example", None)
    assert direction(u["SNV"], chair) == "up"
    assert direction(u["SNV"], own_head) == "up"
    assert direction(u["SNV"], own_officer) == "peer"
    assert direction(u["SNV"], peer) == "peer"
    assert direction(u["QB"], peer) == "down"
    assert direction(u["QB"], below) == "down"  # two levels down
    assert direction(u["PNV"], chair) == "up"  # two levels up


def test_a_leader_above_is_addressed_by_name_and_every_position_and_reported_to() -> None:
    u = _tree()
    head = _contact(u["QB"], "Trần Đình Cường", ContactRole.HEAD, "ct@qb.example", CHAIR)
    chair = _contact(
        u["QB"], "Trần Đình Cường", ContactRole.COUNCIL_CHAIR, "ct@qb.example", COUNCIL_CHAIR
    )
    reader = address(u["SNV"], chair, [head, chair])
    assert reader.salutation == f"Đồng chí Trần Đình Cường, {CHAIR}, {COUNCIL_CHAIR}"
    assert reader.upward
    assert request(reader, "hoàn thành", "chỉ đạo, đôn đốc") == (
        "kính báo cáo Đồng chí Trần Đình Cường để chỉ đạo, đôn đốc"
    )
    # Without a recorded position a leader is still never named bare.
    bare = address(u["SNV"], _contact(u["QB"], "Trần Đình Cường", ContactRole.HEAD, "x@y", None))
    assert bare.salutation == "Đồng chí Trần Đình Cường, Thủ trưởng Ủy ban nhân dân tỉnh Quảng Bình"


def test_a_unit_is_addressed_by_its_name_and_asked() -> None:
    u = _tree()
    officer = _contact(
        u["SGD"], "Đỗ Thị Lan", ContactRole.EMULATION_OFFICER, "o@sgd.example", "Cán bộ"
    )
    reader = address(u["SNV"], officer)
    assert (reader.salutation, reader.upward) == ("Sở Giáo dục và Đào tạo", False)
    assert request(reader, "hoàn thành và gửi đúng hạn", "chỉ đạo") == (
        "đề nghị quý cơ quan hoàn thành và gửi đúng hạn"
    )
    # A superior body's mailbox is a body too: named, asked; its leader is reported to.
    mailbox = _contact(u["QB"], "Văn thư", ContactRole.EMULATION_OFFICER, "vt@qb.example", None)
    assert address(u["SNV"], mailbox).salutation == "Ủy ban nhân dân tỉnh Quảng Bình"
    # A locality is written to as its People's Committee.
    district = _contact(u["DH"], "Phạm Thị Thủy", ContactRole.EMULATION_OFFICER, "o@dh", None)
    assert address(u["SNV"], district).salutation == "Ủy ban nhân dân thành phố Đồng Hới"


def test_a_council_member_or_a_head_below_by_name_and_position_and_asked() -> None:
    u = _tree()
    member = _contact(
        u["QB"],
        "Hồ Anh Phúc",
        ContactRole.COUNCIL_MEMBER,
        "ct@ldld.example",
        "Chủ tịch Liên đoàn Lao động tỉnh, Phó Chủ tịch Hội đồng Thi đua - Khen thưởng tỉnh",
    )
    reader = address(u["SNV"], member)
    assert reader.salutation.startswith("Đồng chí Hồ Anh Phúc, Chủ tịch Liên đoàn Lao động tỉnh")
    assert not reader.upward
    head = _contact(u["PNV"], "Lê Minh", ContactRole.HEAD, "tp@pnv.example", "Trưởng phòng Nội vụ")
    reader = address(u["DH"], head)
    assert (reader.salutation, reader.upward) == ("Đồng chí Lê Minh, Trưởng phòng Nội vụ", False)
    assert request(reader, "hoàn thành", "x") == "đề nghị Đồng chí Lê Minh hoàn thành"


def test_positions_are_said_once_each() -> None:
    u = _tree()
    rows = [
        _contact(u["SNV"], "B", ContactRole.HEAD, "b@x", "Giám đốc Sở Nội vụ, Phó Chủ tịch HĐ"),
        _contact(u["QB"], "B", ContactRole.COUNCIL_MEMBER, "b@x", "Giám đốc Sở Nội vụ"),
        _contact(u["QB"], "B", ContactRole.COUNCIL_CHAIR, "b@x", None),
    ]
    assert positions_of(rows) == "Giám đốc Sở Nội vụ, Phó Chủ tịch HĐ"


def _email(reader_fields: dict[str, object], kind: str) -> EmailContent:
    item = DeadlineItem(
        notification_key="n-1",
        step=kind,  # type: ignore[arg-type]
        level=1,
        plan=PlanRef("Kế hoạch", "Ủy ban nhân dân tỉnh Quảng Bình", "1837/KH-UBND", None),
        clause="",
        phrase=None,
        quote=None,
        milestone_title="Quyết định khen thưởng",
        occurrence_label="",
        unit_code="QB",
        unit_name="Ủy ban nhân dân tỉnh Quảng Bình",
        owed_to="Sở Nội vụ",
        due=dt.date(2022, 10, 31),
        effective_due=dt.date(2022, 10, 31),
        working_days_left=-2 if kind == "escalation" else 3,
        uid="u-1",
    )
    return EmailContent(
        key="k",
        day=dt.date(2022, 10, 26),
        recipient_name="Trần Đình Cường",
        recipient_email="chutich@ubnd.quangbinh.example",
        recipient_unit="Ủy ban nhân dân tỉnh Quảng Bình",
        sender_name="Sở Nội vụ tỉnh Quảng Bình",
        items=(item,),
        **reader_fields,  # type: ignore[arg-type]
    )


def test_the_quang_binh_directory_carries_positions_and_emails_follow_them(
    engine: Engine,
) -> None:
    """Imported from YAML and CSV, positions are stored; a sweep's emails to the Chủ tịch
    UBND tỉnh report to him by name and positions, to Sở GD&ĐT ask the department."""
    with unit_of_work(engine) as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        import_directory_file(
            session, ROOT / "data/directories/example-units.csv", at=now(), actor="test"
        )
    with unit_of_work(engine) as session:
        positions = {
            (c.unit.code, c.role, c.email): c.position for c in session.scalars(select(Contact))
        }
        assert positions[("QB", ContactRole.HEAD, "chutich@ubnd.quangbinh.example")] == CHAIR
        assert positions[
            ("QB.DH.PGDDT", ContactRole.HEAD, "truongphong@pgddt.donghoi.quangbinh.example")
        ] == ("Trưởng phòng Giáo dục và Đào tạo thành phố Đồng Hới")
        snv = session.scalars(select(Unit).where(Unit.code == "QB.SNV")).one()
        sgd = session.scalars(select(Unit).where(Unit.code == "QB.SGDDT")).one()
        qb = session.scalars(select(Unit).where(Unit.code == "QB")).one()
        found = readers(
            session,
            snv,
            [
                ("chutich@ubnd.quangbinh.example", qb.id),
                ("thiduakhenthuong@sgddt.quangbinh.example", sgd.id),
            ],
        )
        signed = signature(snv)
    assert signed == Signature(
        "Sở Nội vụ tỉnh Quảng Bình",
        "Cán bộ phụ trách: Võ Quang Toàn, email: thiduakhenthuong@snv.quangbinh.example",
        "thiduakhenthuong@snv.quangbinh.example",
    )
    chair = found["chutich@ubnd.quangbinh.example"]
    fields = {"salutation": chair.salutation, "addressee": chair.addressee, "upward": chair.upward}
    for kind in ("reminder", "due", "escalation"):
        r = render(_email(fields, kind))
        for body in (r.text, r.html):
            assert f"Kính gửi: Đồng chí Trần Đình Cường, {CHAIR}, {COUNCIL_CHAIR}" in body.replace(
                "<strong>", ""
            )
            assert "kính báo cáo Đồng chí Trần Đình Cường để chỉ đạo" in body
            assert "đề nghị" not in body.lower().replace("đã được đề nghị", "")
    dept = found["thiduakhenthuong@sgddt.quangbinh.example"]
    fields = {"salutation": dept.salutation, "addressee": dept.addressee, "upward": dept.upward}
    r = render(_email(fields, "due"))
    for body in (r.text, r.html):
        assert "Kính gửi: Sở Giáo dục và Đào tạo," in body.replace("<strong>", "").replace(
            "</strong>", ""
        )
        assert "Sở Nội vụ tỉnh Quảng Bình đề nghị quý cơ quan hoàn thành" in body
        assert "kính báo cáo" not in body


def test_the_signature_names_the_body_in_full_and_its_officer() -> None:
    u = _tree()
    assert body_in_full(u["SNV"]) == "Sở Nội vụ tỉnh Quảng Bình"
    assert body_in_full(u["PNV"]) == "Phòng Nội vụ thành phố Đồng Hới"
    assert body_in_full(u["QB"]) == "Ủy ban nhân dân tỉnh Quảng Bình"
    assert body_in_full(u["DH"]) == "Ủy ban nhân dân thành phố Đồng Hới"
    named = Unit(code="X", name="Sở Y tế tỉnh Quảng Bình", kind=UnitKind.DEPARTMENT, parent=u["QB"])
    assert body_in_full(named) == "Sở Y tế tỉnh Quảng Bình"
    assert signature(u["SNV"]) == Signature("Sở Nội vụ tỉnh Quảng Bình", "", "")
    officer = _contact(
        u["SNV"], "Võ Quang Toàn", ContactRole.EMULATION_OFFICER, "tdkt@snv.example", None
    )
    officer.phone = "0232 000 000"
    signed = signature(u["SNV"])
    assert signed.officer == (
        "Cán bộ phụ trách: Võ Quang Toàn, điện thoại: 0232 000 000, email: tdkt@snv.example"
    )
    assert signed.reply_to == "tdkt@snv.example"
    c = replace(
        _email({}, "reminder"),
        signed_by=signed.body,
        officer=signed.officer,
        reply_to=signed.reply_to,
    )
    r = render(c)
    for body in (r.text, r.html):
        assert (
            "Trân trọng,<br>Sở Nội vụ tỉnh Quảng Bình<br>Cán bộ phụ trách: Võ Quang Toàn" in body
            or ("Trân trọng,\nSở Nội vụ tỉnh Quảng Bình\nCán bộ phụ trách: Võ Quang Toàn" in body)
        )
    raw = build_message(
        c, r, from_address="tdkt@snv.example", from_name="Sở Nội vụ", message_domain="t.example"
    )
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Reply-To"] == "tdkt@snv.example"
    unsigned = build_message(
        _email({}, "reminder"),
        render(_email({}, "reminder")),
        from_address="tdkt@snv.example",
        from_name="Sở Nội vụ",
        message_domain="t.example",
    )
    assert email.message_from_bytes(unsigned, policy=email.policy.default)["Reply-To"] is None


def test_the_shipped_directory_says_each_persons_positions_once() -> None:
    """Every leader has a position, and one person's positions do not repeat one another
    under two spellings ("… tỉnh" and "… tỉnh Quảng Bình")."""
    directory = read_directory(QB_DIRECTORY)
    held: dict[str, list[str]] = {}
    for unit in directory.units:
        for c in unit.contacts:
            if c.role in (ContactRole.HEAD, ContactRole.COUNCIL_CHAIR):
                assert c.position, (unit.code, c.name)
            for part in (c.position or "").split(", "):
                if part and part not in held.setdefault(str(c.email), []):
                    held[str(c.email)].append(part)
    for email_address, parts in held.items():
        for a in parts:
            assert not any(b != a and b.startswith(a) for b in parts), (email_address, parts)


def test_a_council_is_named_after_its_unit_and_a_council_once() -> None:
    """The national bench's invitations read "Hội đồng Thi đua - Khen thưởng (Hội đồng Thi đua
    - Khen thưởng Trung ương) tổ chức bình xét": its issuer is itself the council."""
    assert council_name("Ủy ban nhân dân tỉnh  Quảng Bình") == (
        "Hội đồng Thi đua - Khen thưởng (Ủy ban nhân dân tỉnh Quảng Bình)"
    )
    national = "Hội đồng Thi đua - Khen thưởng Trung ương"
    assert council_name(national) == national
