"""The document engine (issue 23): the parts of Phụ lục I as text, the register of numbers,
rendering templates an office may override, and PDF through LibreOffice."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.administrative import (
    DocumentKind,
    IssuingBody,
    Signer,
    TableSpec,
    header_context,
    number_line,
    place_date_line,
    recipients_list,
)
from models.clock import TIMEZONE
from models.db import unit_of_work
from models.orm import IssuedDocument
from models.services.document_register import register_entries
from notifications.documents import (
    TEMPLATES_ENV,
    TemplateError,
    render_docx,
    template_path,
    to_pdf,
)
from notifications.documents.make_templates import TEMPLATES, TEMPLATES_DIR, docx_bytes
from tests.documents_support import (
    docx_parts,
    docx_text,
    need_office,
    pdf_pages,
    pdf_text,
    register_letter,
    render_png,
)

SNV = IssuingBody("UBND TỈNH QUẢNG BÌNH", "SỞ NỘI VỤ", "SNV", "Quảng Bình")
SIGNER = Signer("KT. GIÁM ĐỐC", "Phó Giám đốc", "Nguyễn  Văn A")
AT = dt.datetime(2024, 2, 5, 9, 0, tzinfo=TIMEZONE)


def test_number_lines_follow_the_decree() -> None:
    assert number_line(DocumentKind.TO_TRINH, 12, SNV) == "Số: 12/TTr-SNV"
    assert number_line(DocumentKind.CONG_VAN, 12, SNV, "TĐKT") == "Số: 12/SNV-TĐKT"
    assert number_line(DocumentKind.QUYET_DINH, 5, SNV) == "Số: 05/QĐ-SNV"
    assert number_line(DocumentKind.QUYET_DINH, None, SNV) == "Số:      /QĐ-SNV"
    assert number_line(DocumentKind.DANH_SACH, 3, SNV) == ""


def test_dates_take_a_leading_zero_below_10_and_in_january_and_february() -> None:
    assert place_date_line("Quảng Bình", dt.date(2024, 2, 5)) == (
        "Quảng Bình, ngày 05 tháng 02 năm 2024"
    )
    assert place_date_line("Quảng  Bình", dt.date(2024, 3, 15)) == (
        "Quảng Bình, ngày 15 tháng 3 năm 2024"
    )
    assert place_date_line("Huế", dt.date(2024, 12, 1)).endswith("ngày 01 tháng 12 năm 2024")


def test_recipients_end_with_the_copy_kept() -> None:
    assert recipients_list(["Như trên", "Như trên;", "Giám đốc Sở"]) == [
        "- Như trên;",
        "- Giám đốc Sở;",
        "- Lưu: VT.",
    ]


def test_the_header_context_names_every_part() -> None:
    context = header_context(
        SNV, DocumentKind.CONG_VAN, 7, dt.date(2024, 2, 5), "đôn đốc  nộp hồ sơ", SIGNER, []
    )
    assert context["parent"] == "UBND TỈNH QUẢNG BÌNH"
    assert context["national_motto"] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert context["kind_name"] == ""  # a công văn prints no kind, its V/v under the number
    assert context["subject_line"] == "V/v đôn đốc nộp hồ sơ"
    assert context["signer_position"] == "PHÓ GIÁM ĐỐC"
    assert context["signer_name"] == "Nguyễn Văn A"
    assert context["recipients"] == ["- Lưu: VT."]
    decision = header_context(
        SNV, DocumentKind.QUYET_DINH, None, dt.date(2024, 2, 5), "tặng Bằng khen", SIGNER, []
    )
    assert decision["kind_name"] == "QUYẾT ĐỊNH" and decision["draft"]


def _register(
    session: Session, key: str, on: dt.date = dt.date(2024, 2, 5), issuer: str = "SNV"
) -> IssuedDocument:
    return register_letter(session, key, on=on, issuer=issuer)


def test_the_register_numbers_per_issuer_and_year_and_never_twice_per_key(
    engine: Engine,
) -> None:
    with unit_of_work(engine) as session:
        first = _register(session, "a")
        again = _register(session, "a")
        second = _register(session, "b")
        other = _register(session, "c", issuer="HĐTĐKT")
        next_year = _register(session, "d", on=dt.date(2025, 1, 1))
        assert (first.id, first.number) == (again.id, 1)
        assert second.number == 2 and second.reference == "02/SNV-TĐKT"
        assert other.number == 1 and next_year.number == 1
    with unit_of_work(engine) as session:
        assert _register(session, "a").number == 1
        assert [e.key for e in register_entries(session, issuer="SNV")] == ["a", "b", "d"]


def test_a_rolled_back_number_is_given_again(engine: Engine) -> None:
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        assert _register(session, "lost").number == 1
        raise RuntimeError("the sweep failed after numbering")
    with unit_of_work(engine) as session:
        assert _register(session, "kept").number == 1


def test_concurrent_callers_take_consecutive_numbers(engine: Engine) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker(index: int) -> None:
        try:
            start.wait()
            for round_ in range(3):
                with unit_of_work(engine) as session:
                    _register(session, f"w{index}-{round_}")
                    _register(session, f"shared-{round_}")  # every worker asks for these
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with unit_of_work(engine) as session:
        numbers = [e.number for e in register_entries(session, issuer="SNV")]
    assert sorted(numbers) == list(range(1, 6 * 3 + 3 + 1))


def _letter_context() -> dict[str, object]:
    context = header_context(
        SNV,
        DocumentKind.CONG_VAN,
        7,
        dt.date(2024, 2, 5),
        "đôn đốc nộp hồ sơ <thi đua> & khen thưởng\x01\ud800",
        SIGNER,
        ["Như trên"],
        unit_symbol="TĐKT",
        addressees=["Sở Y tế", "Sở Giáo dục và Đào tạo"],
    )
    context["paragraphs"] = [  # text and tables with what XML cannot hold print as spaces
        {"style": "body", "lead": "", "text": "Sở Nội vụ đề nghị quý cơ quan gửi:"},
        {
            "style": "table",
            "table": TableSpec(("TT", "Nội dung"), (("1", "Báo cáo\x0b"),), (15, 150)),
        },
        {"style": "body", "lead": "Điều 1.", "text": "Hết./."},
    ]
    return context


def test_a_document_has_every_part_in_place() -> None:
    parts = docx_parts(render_docx("cong_van_don_doc", _letter_context()))
    body, motto = parts.header[0]
    assert body.splitlines() == ["UBND TỈNH QUẢNG BÌNH", "SỞ NỘI VỤ"]
    assert motto.splitlines() == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    number, date = parts.header[1]
    assert number.splitlines() == [
        "Số: 07/SNV-TĐKT",
        "V/v đôn đốc nộp hồ sơ <thi đua> & khen thưởng",
    ]
    assert date == "Quảng Bình, ngày 05 tháng 02 năm 2024"
    assert parts.paragraphs[:3] == ["Kính gửi:", "- Sở Y tế;", "- Sở Giáo dục và Đào tạo."]
    assert parts.paragraphs[-1] == "Điều 1. Hết./."
    assert parts.tables == [[["TT", "Nội dung"], ["1", "Báo cáo"]]]
    recipients, signer = parts.signature
    assert recipients.splitlines() == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    assert [s for s in signer.splitlines() if s] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]
    section = parts.document.sections[0]
    sizes = (section.page_width, section.page_height, section.left_margin, section.right_margin)
    assert [round(length.mm) for length in sizes if length is not None] == [210, 297, 30, 15]
    assert parts.document.styles["Normal"].font.name == "Times New Roman"


def test_an_office_overrides_a_template_by_name_or_the_shared_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TEMPLATES_ENV, str(tmp_path))
    assert template_path("cong_van_don_doc") == TEMPLATES_DIR / "cong_van_don_doc.docx"
    assert template_path("bien_ban_hop") == TEMPLATES_DIR / "van_ban.docx"
    from docx import Document

    edited = Document(str(TEMPLATES_DIR / "van_ban.docx"))
    edited.add_paragraph("Mẫu riêng của Sở {{ body }}")
    (tmp_path / "van_ban.docx").write_bytes(docx_bytes(edited))
    assert template_path("bien_ban_hop") == tmp_path / "van_ban.docx"
    assert "Mẫu riêng của Sở SỞ NỘI VỤ" in docx_text(render_docx("bien_ban_hop", _letter_context()))
    with pytest.raises(TemplateError):
        template_path("../secret")


def test_the_committed_templates_are_what_make_templates_writes() -> None:
    for name, build in TEMPLATES.items():
        assert (TEMPLATES_DIR / f"{name}.docx").read_bytes() == docx_bytes(build()), name


def test_a_batch_converts_to_pdf_in_one_process() -> None:
    need_office()
    letter = render_docx("cong_van_don_doc", _letter_context())
    pdfs = to_pdf([letter, letter], timeout=180)
    assert len(pdfs) == 2 and all(pdf_pages(p) == 1 for p in pdfs)
    text = pdf_text(pdfs[0])
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 07/SNV-TĐKT", "Nơi nhận:"):
        assert part in text
    assert render_png(pdfs[0], Path("engine-cong-van.png")).stat().st_size > 1000


def test_a_party_body_writes_in_the_partys_form() -> None:
    """Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM" where the quốc hiệu stands, no motto,
    "Số 185-KH/ĐU"; a place the directory does not know is left for the văn thư."""
    from models.administrative import (
        PARTY_NAME,
        DocumentKind,
        IssuingBody,
        Signer,
        header_context,
    )

    party = IssuingBody("ĐẢNG BỘ KHỐI", "ĐẢNG ỦY SỞ CÔNG THƯƠNG", "ĐU", "", party=True)
    context = header_context(
        party,
        DocumentKind.GIAY_MOI,
        7,
        dt.date(2024, 5, 10),
        "Mời dự lễ",
        Signer("T/M ĐẢNG ỦY", "BÍ THƯ", "Nguyễn Văn A"),
        [],
    )
    assert (context["national_name"], context["motto"], context["party"]) == (
        PARTY_NAME,
        "",
        True,
    )
    assert context["number_line"] == "Số 07-GM/ĐU"
    assert context["place_date"] == "………, ngày 10 tháng 5 năm 2024"
