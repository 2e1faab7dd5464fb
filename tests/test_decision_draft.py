"""The draft quyết định khen thưởng (issue 23): from a proposal or a whole tờ trình, in the
form of Nghị định 30/2020, unnumbered for the authority's văn thư, signed by its leader."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.db import unit_of_work
from models.services.decision_documents import draft_decision
from models.services.lookup import UnknownId
from notifications.documents import to_pdf
from tests.document_fixtures import AT, TO_TRINH, proposed_exemplars
from tests.documents_support import docx_parts, need_office, pdf_text, render_png


def test_a_tờ_trình_makes_one_draft_with_its_danh_sách() -> None:
    proposed_exemplars()
    with unit_of_work() as session:
        draft = draft_decision(session, on=AT.date(), number=TO_TRINH)
    assert draft.number is None and draft.filename.endswith(".docx")
    parts = docx_parts(draft.docx)
    body, motto = parts.header[0]
    assert body.splitlines() == ["ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH"]
    assert motto.splitlines()[1] == "Độc lập - Tự do - Hạnh phúc"
    number, date = parts.header[1]
    assert number == "Số:      /QĐ-UBND"
    assert date == "Quảng Bình, ngày     tháng     năm 2024"
    kind, subject, leader, law, decree, plan, proposer, decides, *articles = parts.paragraphs
    assert kind == "QUYẾT ĐỊNH"
    assert subject == "Về việc tặng Bằng khen cho 1 tập thể và 2 cá nhân"
    assert leader == "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG BÌNH"
    assert law == "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
    assert decree.startswith("Căn cứ Nghị định số 98/2023/NĐ-CP")
    assert plan.startswith("Căn cứ Kế hoạch số 1837/KH-UBND ngày 04/10/2022")
    assert " về xây dựng và nhân rộng điển hình tiên tiến" in plan  # "Kế hoạch" said once
    assert proposer == (
        f"Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số {TO_TRINH} ngày 03/04/2024."
    )
    assert decides == "QUYẾT ĐỊNH:"
    assert [a.split(" ", 2)[:2] for a in articles] == [
        ["Điều", "1."],
        ["Điều", "2."],
        ["Điều", "3."],
    ]
    assert "(có danh sách kèm theo)" in articles[0]
    recipients, signer = parts.signature
    assert recipients.splitlines() == ["Nơi nhận:", "- Như Điều 3;", "- Lưu: VT."]
    assert [s for s in signer.splitlines() if s] == ["CHỦ TỊCH", "Trần Đình Cường"]
    assert parts.annex[0] == "DANH SÁCH"
    assert parts.annex[1].startswith("(Kèm theo Quyết định số     /QĐ-UBND ngày")
    (annex,) = [t for t in parts.document.tables if t.rows[0].cells[0].text == "TT"]
    rows = [[c.text for c in r.cells] for r in annex.rows]
    assert rows[1][:2] == ["I", "Tập thể"] and rows[3][:2] == ["II", "Cá nhân"]
    assert rows[4] == ["1", "Nguyễn Thị Hồng Nhung", "Sở Y tế"]


def test_one_proposal_names_its_exemplar() -> None:
    first, *_ = proposed_exemplars()
    with unit_of_work() as session:
        draft = draft_decision(session, on=AT.date(), proposal_id=first)
    parts = docx_parts(draft.docx)
    assert "Về việc tặng Bằng khen cho Nguyễn Thị Hồng Nhung, Sở Y tế" in parts.paragraphs
    assert parts.annex == []  # one exemplar: named in Điều 1, no list


def test_an_unknown_proposal_is_refused_by_name() -> None:
    proposed_exemplars()
    with unit_of_work() as session, pytest.raises(UnknownId, match="tờ trình số 99/TTr-SNV"):
        draft_decision(session, on=AT.date(), number="99/TTr-SNV")


def test_the_draft_prints_to_pdf() -> None:
    need_office()
    proposed_exemplars()
    with unit_of_work() as session:
        draft = draft_decision(session, on=AT.date(), number=TO_TRINH)
    (pdf,) = to_pdf([draft.docx], timeout=180)
    text = pdf_text(pdf)
    for part in ("QUYẾT ĐỊNH", "Điều 1.", "DANH SÁCH", "Trần Đình Cường"):
        assert part in text
    render_png(pdf, Path("quyet-dinh-khen-thuong.png"))
