"""Who issues and signs a document, derived from the directory (models.issuers)."""

from __future__ import annotations

import pytest

from models.administrative import Signer
from models.issuers import abbreviation, issuing_body, place_of, signer_of
from models.orm import Contact, Unit
from models.vocabulary import ContactRole, UnitKind


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sở Nội vụ", "SNV"),
        ("Sở Giáo dục và Đào tạo", "SGDĐT"),
        ("Sở Lao động - Thương binh và Xã hội", "SLĐTBXH"),
        ("Ủy ban nhân dân tỉnh Quảng Bình", "UBND"),
        ("Hội đồng Thi đua - Khen thưởng tỉnh", "HĐTĐKT"),
        ("Công an tỉnh", "CAT"),
        ("Sở Nội vụ tỉnh Quảng Bình", "SNV"),
    ],
)
def test_abbreviations(name: str, expected: str) -> None:
    assert abbreviation(name) == expected


def _tree() -> tuple[Unit, Unit, Unit]:
    province = Unit(code="QB", name="Ủy ban nhân dân tỉnh Quảng Bình", kind=UnitKind.PROVINCE)
    snv = Unit(code="QB.SNV", name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=province)
    district = Unit(code="QB.BT", name="Huyện Bố Trạch", kind=UnitKind.DISTRICT, parent=province)
    return province, snv, district


def _contact(unit: Unit, role: ContactRole, name: str, position: str | None) -> Contact:
    return Contact(unit=unit, role=role, name=name, email=f"{role}@x.example", position=position)


def test_a_department_prints_under_its_province_and_writes_from_it() -> None:
    province, snv, district = _tree()
    body = issuing_body(snv)
    assert (body.parent, body.name, body.symbol, body.place) == (
        "UBND TỈNH QUẢNG BÌNH",
        "SỞ NỘI VỤ",
        "SNV",
        "Quảng Bình",
    )
    assert issuing_body(province).parent is None
    assert issuing_body(province).name == "ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH"
    assert issuing_body(district).name == "ỦY BAN NHÂN DÂN HUYỆN BỐ TRẠCH"
    assert place_of(district) == "Bố Trạch"


def test_the_head_signs_a_deputy_for_the_head_an_officer_by_order() -> None:
    province, snv, _ = _tree()
    _contact(province, ContactRole.HEAD, "Trần Đình Cường", "Chủ tịch Ủy ban nhân dân tỉnh")
    assert signer_of(province) == Signer("", "Chủ tịch", "Trần Đình Cường")
    _contact(snv, ContactRole.EMULATION_OFFICER, "Võ Quang Toàn", "Cán bộ phụ trách")
    assert signer_of(snv) == Signer("TL. Giám đốc", "Cán bộ phụ trách", "Võ Quang Toàn")
    _contact(snv, ContactRole.HEAD, "Lê  Thị B", "Phó Giám đốc Sở Nội vụ, Ủy viên Hội đồng")
    assert signer_of(snv) == Signer("KT. Giám đốc", "Phó Giám đốc", "Lê Thị B")
