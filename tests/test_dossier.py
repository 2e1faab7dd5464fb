"""The dossier of a proposal (Luật Thi đua, khen thưởng 2022, Điều 84): its composition per form,
forwarding refused while a piece is missing, uploads joining it, its zip, and its documents
opened with python-docx (and printed to PNG under test-artifacts/documents/)."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from deployments.cli import app
from models.calendar import default_calendar
from models.db import engine_for, unit_of_work
from models.documents import DocumentRefused, check_upload
from models.dossier import (
    BAO_CAO,
    BIEN_BAN,
    COMPOSITION,
    GEN_MINUTES,
    HIEP_Y,
    KET_QUA_PHIEU,
    SANG_KIEN,
    TO_TRINH,
    checklist,
    missing,
)
from models.orm import AuditEntry, Obligation, YearRecord
from models.orm.recognition import RewardProposal
from models.recognition import ProposalStatus, RecognitionError, RewardForm
from models.services import recognition as service
from models.services.dossier import (
    attach_submitted,
    attach_upload,
    forward_proposal,
    mark_generated,
)
from models.services.dossier_documents import achievement_report, dossier_archive, proposal_letter
from models.services.dossier_simulation import complete_dossiers, report_pdf
from models.services.dossier_view import view
from models.services.dossier_zip import Entry, pack
from models.services.submissions import document_path, submit_document
from notifications.documents import to_pdf
from tests.documents_support import docx_parts, docx_text, need_office, open_docx, render_png
from tests.test_recognition import AT, SMALL, _campaign, _unit, exemplar, prepare

CAL = default_calendar()
OPENED = dt.date(2024, 3, 1)


@pytest.fixture
def db(engine: Engine) -> Engine:
    prepare(engine)
    return engine


def _propose(s: Session, name: str, form: str = "chien_si_thi_dua_co_so") -> RewardProposal:
    return service.propose_reward(
        s,
        exemplar(s, name),
        authority=_unit(s, "T.SNV"),
        form=form,
        submitted_on=OPENED,
        calendar=CAL,
        at=AT,
        actor="test",
        number="5/TTr-SNV",
    )


def _attach(s: Session, store: Path, proposal: RewardProposal, code: str) -> None:
    data = report_pdf(f"{code} của {proposal.candidate.name}")
    accepted = check_upload(f"{code}.pdf", data)
    attach_upload(s, store, proposal, code, accepted=accepted, data=data, at=AT, actor="T.A")


# --- composition ------------------------------------------------------------------------------


def test_composition_per_form_follows_article_84() -> None:
    every = {TO_TRINH, BAO_CAO}
    for form, codes in COMPOSITION.items():
        assert every <= set(codes), form
    soldier = set(COMPOSITION[RewardForm.CHIEN_SI_THI_DUA_CO_SO])
    assert {BIEN_BAN, KET_QUA_PHIEU, SANG_KIEN} <= soldier  # voted, and rests on initiatives
    assert KET_QUA_PHIEU in COMPOSITION[RewardForm.CO_THI_DUA]
    assert SANG_KIEN not in COMPOSITION[RewardForm.BANG_KHEN]
    assert KET_QUA_PHIEU not in COMPOSITION[RewardForm.GIAY_KHEN]
    assert HIEP_Y in COMPOSITION[RewardForm.BANG_KHEN_THU_TUONG]
    assert COMPOSITION[RewardForm.BIEU_DUONG] == (TO_TRINH, BAO_CAO)
    items = checklist(RewardForm.CHIEN_SI_THI_DUA_CO_SO)
    assert {i["code"]: i["source"] for i in items}[BAO_CAO] == "uploaded"
    assert {i["code"]: i["source"] for i in items}[BIEN_BAN] == "generated"
    # a plan's own list wins, the tờ trình always first; free text is a piece a unit sends
    own = checklist(RewardForm.GIAY_KHEN, [BAO_CAO, "Bản sao bằng tốt nghiệp"])
    assert [i["code"] for i in own] == [TO_TRINH, BAO_CAO, "Bản sao bằng tốt nghiệp"]
    assert own[2]["source"] == "uploaded" and missing(own)[0] == "Tờ trình đề nghị khen thưởng"


# --- forwarding -------------------------------------------------------------------------------


def test_forwarding_is_refused_naming_each_missing_piece(db: Engine, tmp_path: Path) -> None:
    with unit_of_work(db) as s:
        proposal = _propose(s, "Lê Văn Chiến")
        assert proposal.status == ProposalStatus.PREPARING
        assert view(proposal).blocked and view(proposal).decision_due_on is None
        with pytest.raises(RecognitionError) as refused:
            forward_proposal(s, proposal, forwarded_on=OPENED, calendar=CAL, at=AT, actor="t")
        message = str(refused.value)
        assert message.startswith(
            f"chưa thể trình tờ trình số {proposal.id} ('Lê Văn Chiến') lên cấp có thẩm quyền: "
            "hồ sơ còn thiếu 4 thành phần: (1) Biên bản họp xét của Hội đồng Thi đua - Khen "
            "thưởng; (2) Báo cáo thành tích của tập thể, cá nhân có xác nhận của cấp trình "
            "khen thưởng;"
        )
        assert (
            "(3) Kết quả bỏ phiếu kín" in message and "(4) Văn bản công nhận sáng kiến" in message
        )
        with pytest.raises(RecognitionError, match="chưa được trình lên cấp có thẩm quyền"):
            service.record_decision(
                s,
                proposal,
                number="1/QĐ",
                decided_on=OPENED,
                form="chien_si_thi_dua_co_so",
                signed_by="Giám đốc Sở",
                at=AT,
                actor="t",
            )
        assert service.overdue_proposals(s, today=dt.date(2025, 1, 1), calendar=CAL) == []

        _attach(s, tmp_path, proposal, BAO_CAO)
        _attach(s, tmp_path, proposal, SANG_KIEN)
        assert mark_generated(s, [proposal], GEN_MINUTES, number=None, at=AT, actor="t") == 2
        forwarded_on = dt.date(2024, 3, 15)
        forward_proposal(s, proposal, forwarded_on=forwarded_on, calendar=CAL, at=AT, actor="t")
        assert view(proposal).status == ProposalStatus.SUBMITTED  # (mypy narrowed the row's)
        assert proposal.submitted_on == forwarded_on
        assert proposal.decision_due_on == CAL.add_working_days(forwarded_on, 20)  # clock restarts
        with pytest.raises(RecognitionError, match="đã trình ngày 15/03/2024"):
            forward_proposal(s, proposal, forwarded_on=forwarded_on, calendar=CAL, at=AT, actor="t")
        with pytest.raises(RecognitionError, match="không thể bổ sung hồ sơ"):
            _attach(s, tmp_path, proposal, BAO_CAO)
        actions = s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.entity == "reward_proposal", AuditEntry.entity_id == proposal.id)
            .order_by(AuditEntry.id)
        ).all()
        assert actions[0] == "reward_proposal.prepared"
        assert actions[-1] == "reward_proposal.submitted"


def test_uploads_join_their_piece_through_the_intake_checks(db: Engine, tmp_path: Path) -> None:
    with pytest.raises(DocumentRefused, match="chỉ nhận tệp PDF, DOCX hoặc ODT"):
        check_upload("bao-cao.pdf", b"MZ\x90\x00 an executable renamed")
    with unit_of_work(db) as s:
        proposal = _propose(s, "Phan Thị Đơn", form="bang_khen")
        with pytest.raises(RecognitionError, match="không cần thành phần 'xac_nhan_sang_kien'"):
            _attach(s, tmp_path, proposal, SANG_KIEN)
        # a file the unit sent through the web intake joins the dossier by its stored row
        obligation = s.scalars(select(Obligation).order_by(Obligation.id)).first()
        data = report_pdf("Báo cáo thành tích — Phan Thị Đơn")
        if obligation is not None:
            sent = submit_document(
                s,
                tmp_path,
                obligation,
                accepted=check_upload("bc.pdf", data),
                data=data,
                note=None,
                at=AT,
                actor="T.A",
                verdict=None,
            )
            item = attach_submitted(s, tmp_path, proposal, BAO_CAO, sent, at=AT, actor="coord")
            assert item["file"]["document_id"] == sent.id
        else:
            item = attach_upload(
                s,
                tmp_path,
                proposal,
                BAO_CAO,
                accepted=check_upload("bc.pdf", data),
                data=data,
                at=AT,
                actor="T.A",
            )
        assert item["received"] and item["file"]["media_type"] == "application/pdf"
        assert document_path(tmp_path, item["file"]["sha256"]).read_bytes() == data
        assert view(proposal).pieces[2].state == "Đã có (đơn vị gửi: bc.pdf)"


# --- the simulation ---------------------------------------------------------------------------


def test_the_simulated_unit_sends_its_report_and_the_dossier_goes_up(
    db: Engine, tmp_path: Path
) -> None:
    with unit_of_work(db) as s:
        proposal = _propose(s, "Mô Phỏng", form="bang_khen")
        mark_generated(s, [proposal], GEN_MINUTES, number=None, at=AT, actor="t")
        due = proposal.decision_due_on
        assert complete_dossiers(s, _campaign(s, SMALL), CAL, OPENED, tmp_path) == []  # not yet
        forwarded = complete_dossiers(
            s, _campaign(s, SMALL), CAL, OPENED + dt.timedelta(1), tmp_path
        )
        assert forwarded == [proposal] and proposal.status == ProposalStatus.SUBMITTED
        assert proposal.submitted_on == OPENED and proposal.decision_due_on == due
        assert report_pdf("x") == report_pdf("x")  # a replay stores the same file


# --- the zip ----------------------------------------------------------------------------------


def test_the_dossier_zip_lists_every_piece_and_is_deterministic(
    db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with unit_of_work(db) as s:
        proposal = _propose(s, "Vũ Hồ Sơ")
        _attach(s, tmp_path, proposal, BAO_CAO)
        # python-docx stamps a saved file's members with the clock: two exports hours apart
        monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)
        first = dossier_archive(s, proposal, tmp_path, pdf=False, at=AT, actor="t")
        monkeypatch.setattr(time, "time", lambda: 1_700_010_000.0)
        again = dossier_archive(s, proposal, tmp_path, pdf=False, at=AT, actor="t")
        monkeypatch.undo()
        assert first == again
        archive = zipfile.ZipFile(io.BytesIO(first))
        names = archive.namelist()
        assert names == sorted(names)
        assert names == ["00-muc-luc-ho-so.docx", "01-to_trinh.docx", "03-bao_cao_thanh_tich.pdf"]
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        stored = proposal.dossier[2]["file"]["sha256"]
        assert (
            archive.read("03-bao_cao_thanh_tich.pdf")
            == document_path(tmp_path, stored).read_bytes()
        )
        index = docx_parts(archive.read("00-muc-luc-ho-so.docx"))
        assert "MỤC LỤC HỒ SƠ" in index.paragraphs
        rows = index.tables[0]
        assert rows[0] == ["STT", "Thành phần hồ sơ", "Có/Thiếu", "Tình trạng", "Tệp trong hồ sơ"]
        by_piece = {row[1]: row for row in rows[1:]}
        assert by_piece["Tờ trình đề nghị khen thưởng"][2:] == [
            "Có",
            "Đã lập (số 5/TTr-SNV)",
            "01-to_trinh.docx",
        ]
        danh_sach = "Danh sách tập thể, cá nhân đề nghị khen thưởng (kèm theo tờ trình)"
        assert by_piece[danh_sach][4] == "01-to_trinh.docx"  # one file for both pieces
        assert by_piece["Kết quả bỏ phiếu kín của Hội đồng Thi đua - Khen thưởng"][2] == "Còn thiếu"
        assert len(rows) == 1 + len(proposal.dossier)
    with pytest.raises(RecognitionError, match="hồ sơ quá lớn"):
        pack([Entry("a.pdf", b"x" * 2048)], max_bytes=1024)


# --- the documents ----------------------------------------------------------------------------


def _records(s: Session, ref: str) -> None:
    for year, kind, value, note in (
        (2022, "title", "Lao động tiên tiến", "QĐ 10/QĐ-SA"),
        (2023, "title", "Chiến sĩ thi đua cơ sở", "QĐ 21/QĐ-SA"),
        (2023, "initiative", "Số hóa hồ sơ một cửa", None),
        (2023, "breach", "không tính", None),
    ):
        s.add(
            YearRecord(
                subject_ref=ref,
                year=year,
                kind=kind,
                rating_kind="",
                value=value,
                note=note,
                source="test",
                imported_at=AT,
            )
        )


def test_the_proposal_letter_has_its_parts_and_its_list(db: Engine) -> None:
    with unit_of_work(db) as s:
        proposal = _propose(s, "Ngô Trình")
        other = service.propose_reward(
            s,
            exemplar(s, "Đinh Cùng"),
            authority=_unit(s, "T.SNV"),
            form="chien_si_thi_dua_co_so",
            submitted_on=OPENED,
            calendar=CAL,
            at=AT,
            actor="test",
            number="5/TTr-SNV",
        )
        _records(s, "Ngô Trình")
        letter = proposal_letter(s, proposal, at=AT, actor="t")
        assert letter.number == "5/TTr-SNV" and letter.filename.endswith(".docx")
        parts = docx_parts(letter.docx)
        assert parts.header[0][0].splitlines()[:2] == ["UBND TỈNH THỬ", "SỞ NỘI VỤ"]
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in parts.header[0][1]
        assert "Số: 5/TTr-SNV" in parts.header[1][0]
        assert parts.header[1][1].startswith("Thử, ngày 01 tháng 3 năm 2024")
        assert "TỜ TRÌNH" in parts.paragraphs
        assert any(
            "đề nghị tặng Danh hiệu Chiến sĩ thi đua cơ sở cho 02 cá nhân" in p
            for p in parts.paragraphs
        )
        assert any(p.startswith("Căn cứ Luật Thi đua, khen thưởng") for p in parts.paragraphs)
        assert "Kính gửi: Giám đốc Sở Nội vụ" in parts.paragraphs  # not to itself
        assert parts.signature[0].startswith("Nơi nhận:")
        assert "DANH SÁCH ĐỀ NGHỊ TẶNG DANH HIỆU CHIẾN SĨ THI ĐUA CƠ SỞ" in parts.annex
        listed = open_docx(letter.docx).tables[-1]
        names = [row.cells[1].text for row in listed.rows[1:]]
        assert names == ["Ngô Trình", "Đinh Cùng"] and other.number == proposal.number
        assert (
            "2022: Lao động tiên tiến; 2023: Chiến sĩ thi đua cơ sở" in listed.rows[1].cells[5].text
        )


def test_the_achievement_report_is_prefilled_for_the_nominee(db: Engine) -> None:
    with unit_of_work(db) as s:
        proposal = _propose(s, "Trịnh Báo Cáo")
        _records(s, "Trịnh Báo Cáo")
        report = achievement_report(s, proposal.candidate, proposal.form, on=OPENED)
        text = docx_text(report.docx)
        for expected in (
            "BÁO CÁO",
            "Thành tích của cá nhân đề nghị tặng Danh hiệu Chiến sĩ thi đua cơ sở",
            "I. SƠ LƯỢC LÝ LỊCH",
            "Họ và tên: Trịnh Báo Cáo",
            "Đơn vị công tác: Sở A",
            "Lĩnh vực: Cải cách hành chính",
            "II. THÀNH TÍCH ĐẠT ĐƯỢC",
            "1. Quyền hạn, nhiệm vụ được giao:",
            "Sáng kiến, đề tài đã ghi nhận: 2023: Số hóa hồ sơ một cửa.",
            "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
            "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG",
            "NGƯỜI BÁO CÁO THÀNH TÍCH",
        ):
            assert expected in text, expected
        assert "không tính" not in text  # a breach is not an achievement
        tables = open_docx(report.docx).tables
        titles = [[c.text for c in row.cells] for row in tables[1].rows]
        assert titles[1:] == [
            ["2022", "Lao động tiên tiến", "QĐ 10/QĐ-SA"],
            ["2023", "Chiến sĩ thi đua cơ sở", "QĐ 21/QĐ-SA"],
        ]
        signatures = [c.text for c in tables[-1].rows[0].cells]
        assert signatures[0].startswith("XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG")
        assert "Trịnh Báo Cáo" in signatures[1]


def test_each_dossier_document_prints_to_png(db: Engine, tmp_path: Path) -> None:
    need_office()
    with unit_of_work(db) as s:
        proposal = _propose(s, "Hà In Thử")
        _records(s, "Hà In Thử")
        _attach(s, tmp_path, proposal, BAO_CAO)
        letter = proposal_letter(s, proposal, at=AT, actor="t").docx
        report = achievement_report(s, proposal.candidate, proposal.form, on=OPENED).docx
        archive = zipfile.ZipFile(
            io.BytesIO(dossier_archive(s, proposal, tmp_path, pdf=True, at=AT, actor="t"))
        )
    assert "00-muc-luc-ho-so.pdf" in archive.namelist() and "01-to_trinh.pdf" in archive.namelist()
    printed = to_pdf([letter, report], timeout=120)
    for name, pdf in (
        ("dossier-to-trinh", printed[0]),
        ("dossier-bao-cao-thanh-tich", printed[1]),
        ("dossier-muc-luc-ho-so", archive.read("00-muc-luc-ho-so.pdf")),
    ):
        assert render_png(pdf, Path(name)).stat().st_size > 0


# --- the coordinator's commands ---------------------------------------------------------------


def test_commands_show_why_and_forward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    engine = engine_for()
    prepare(engine)
    with unit_of_work(engine) as s:
        proposal_id = _propose(s, "Lý Dòng Lệnh", form="bang_khen").id
    runner = CliRunner()
    shown = runner.invoke(app, ["reward", "show", str(proposal_id)])
    assert shown.exit_code == 0, shown.output
    assert "Đang hoàn thiện hồ sơ" in shown.output and "Chưa trình được" in shown.output
    refused = runner.invoke(app, ["reward", "forward", str(proposal_id)])
    assert refused.exit_code == 2
    assert "hồ sơ còn thiếu 2 thành phần" in " ".join(refused.output.split())
    renamed = tmp_path / "bao-cao.pdf"
    renamed.write_bytes(b"MZ not a pdf")
    bad = runner.invoke(
        app, ["reward", "attach", "--proposal", str(proposal_id), "--piece", BAO_CAO, str(renamed)]
    )
    assert bad.exit_code == 2 and "chỉ nhận tệp PDF, DOCX hoặc ODT" in bad.output
    good = tmp_path / "bc.pdf"
    good.write_bytes(report_pdf("Báo cáo"))
    for piece in (BAO_CAO,):
        run = runner.invoke(
            app, ["reward", "attach", "-p", str(proposal_id), "--piece", piece, str(good)]
        )
        assert run.exit_code == 0, run.output
    with unit_of_work(engine) as s:
        found = s.get_one(RewardProposal, proposal_id)
        mark_generated(s, [found], GEN_MINUTES, number=None, at=AT, actor="t")
    run = runner.invoke(app, ["reward", "forward", str(proposal_id), "--on", "04/03/2024"])
    assert run.exit_code == 0, run.output
    assert "hạn quyết định 01/04/2024" in run.output
    listed = runner.invoke(app, ["reward", "list", SMALL, "--status", "submitted"])
    assert "Lý Dòng Lệnh" in listed.output and "đủ" in listed.output
    out = tmp_path / "hs.zip"
    run = runner.invoke(
        app, ["reward", "dossier", "--proposal", str(proposal_id), "--out", str(out), "--no-pdf"]
    )
    assert run.exit_code == 0, run.output
    assert "00-muc-luc-ho-so.docx" in zipfile.ZipFile(out).namelist()
    template = tmp_path / "mau.docx"
    run = runner.invoke(
        app, ["reward", "report-template", "-p", str(proposal_id), "--out", str(template)]
    )
    assert run.exit_code == 0 and "Họ và tên: Lý Dòng Lệnh" in docx_text(template.read_bytes())
