"""The ceremony's invitation (giấy mời) and the honour roll's extract (trích lục sổ ghi danh)
as filed documents (issue 23)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from models.db import unit_of_work
from models.orm import Candidate
from models.orm.recognition import Ceremony
from models.recognition import RecognitionError
from models.services import honour_documents as honour
from models.services import recognition as service
from tests.test_honour_roll import AT, PARTY, _campaign, _exemplar, _party, _unit

HELD_ON = dt.date(2024, 5, 17)


def honoured(engine: Engine) -> None:
    """Seed 004's 19/5 commendation: two exemplars of one cell, one of another, in the books."""
    _party(engine)
    with unit_of_work(engine) as s:
        _exemplar(s, PARTY, "XX.SCT.CB1", "Nguyễn Văn An", "hcm")
        _exemplar(s, PARTY, "XX.SCT.CB1", "Trần Thị Bình", "hcm")
        _exemplar(s, PARTY, "XX.SCT.CB2", "Lê Văn Cường", "hcm")
        ceremony = service.compile_honour_list(
            s, _campaign(s, PARTY), kind="19-5", held_on=HELD_ON, at=AT, actor="t"
        )
        service.hold_ceremony(s, ceremony, at=AT, actor="test")


def test_the_invitation_names_the_exemplar_the_occasion_time_place_and_what_to_bring(
    engine: Engine,
) -> None:
    honoured(engine)
    with unit_of_work(engine) as s:
        ceremony = s.query(Ceremony).one()
        an = s.query(Candidate).filter_by(name="Nguyễn Văn An").one()
        body = honour.invitation_context(
            ceremony, an, honour.Arrangements(place="Hội trường tầng 3")
        )
        assert body["addressee"] == "Đồng chí Nguyễn Văn An, Chi bộ Văn phòng"
        assert body["occasion"].startswith("Lễ biểu dương điển hình tiên tiến nhân kỷ niệm 134")
        assert body["time"] == "08 giờ 00, Thứ Sáu ngày 17/05/2024"
        assert body["place"] == "Hội trường tầng 3"
        assert "Giấy mời này" in body["bring"]
        assert "trân trọng kính mời Đồng chí Nguyễn Văn An" in body["invitation"]
        key = honour.invitation_document_key(ceremony, an)
        assert key == f"{PARTY}/ceremony-{ceremony.id}/invitation/{an.id}/giay-moi"


def test_the_extract_copies_a_years_lines_or_one_persons(engine: Engine) -> None:
    honoured(engine)
    with unit_of_work(engine) as s:
        cell = _unit(s, "XX.SCT.CB1")
        year = honour.extract_context(s, cell, year=2024)
        assert [(r["entry_no"], r["name"]) for r in year["rows"]] == [
            (1, "Nguyễn Văn An"),
            (2, "Trần Thị Bình"),
        ]
        assert year["holder"] == "Chi bộ Văn phòng" and "xác nhận" in year["certify"]
        binh = s.query(Candidate).filter_by(name="Trần Thị Bình").one()
        one = honour.extract_context(s, cell, candidate=binh)
        assert [r["name"] for r in one["rows"]] == ["Trần Thị Bình"]
        with pytest.raises(RecognitionError, match="không có dòng nào"):
            honour.extract_context(s, cell, year=2023)
        with pytest.raises(RecognitionError, match="cần chọn năm"):
            honour.extract_context(s, cell)
