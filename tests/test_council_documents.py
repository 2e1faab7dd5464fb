"""The council's minutes, the ballot count, the ceremony's giấy mời and the honour roll's
extract as .docx in the form of Nghị định 30/2020, read back with python-docx (issue 23):
each part in its place, the council's own register numbers, no member beside a vote; one PNG
of each under test-artifacts/documents/."""

from __future__ import annotations

import datetime as dt
import email
from email.message import Message
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from models.clock import TIMEZONE, today
from models.db import unit_of_work
from models.orm import Candidate, Contact, Email
from models.orm.ballots import Ballot
from models.orm.base import Base
from models.orm.recognition import Ceremony, HonourListEntry
from models.services import ballots as service
from models.services import ceremony_invitations
from models.services import honour_documents as honour
from models.services import minutes_documents as minutes
from models.vocabulary import ContactRole
from notifications.documents import to_pdf
from notifications.smtp import SmtpSettings
from tests.documents_support import (
    docx_parts,
    docx_text,
    need_office,
    open_docx,
    pdf_text,
    render_png,
)
from tests.test_honour_documents import honoured
from tests.test_honour_roll import _unit
from tests.test_minutes_documents import closed
from tests.test_minutes_documents import world as world  # the fixture
from tests.test_voting import AFTER, CHAIR, MEMBERS, SEAL, World, _open
from tests.test_voting import cli_world as cli_world  # the fixture

AT = dt.datetime(2024, 5, 20, 9, 0, tzinfo=TIMEZONE)
NAMES = ["Chủ tịch", *(f"Thành viên {i:02d}" for i in range(1, 10))]


def cells(data: bytes) -> list[list[list[str]]]:
    """Every table's cells' text: header first, the signatures last."""
    return [
        [[c.text.strip() for c in row.cells] for row in table.rows]
        for table in open_docx(data).tables
    ]


def body_paragraphs(data: bytes) -> list[str]:
    return [p.text.strip() for p in open_docx(data).paragraphs if p.text.strip()]


def assert_header(data: bytes, body: str, number: str, place_date: str) -> None:
    """The two-column header: body under its parent, quốc hiệu and tiêu ngữ, number, date."""
    (left, right), (number_cell, date_cell) = cells(data)[0][:2]
    assert body in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right
    assert "Độc lập - Tự do - Hạnh phúc" in right
    assert number_cell.startswith(number)
    assert date_cell == place_date


def test_the_meeting_minutes_in_form(world: World) -> None:
    ballot_id = closed(world)
    with unit_of_work(world.engine) as s:
        document = minutes.council_minutes(s, s.get_one(Ballot, ballot_id), at=AT, actor="t")
        again = minutes.council_minutes(s, s.get_one(Ballot, ballot_id), at=AT, actor="t")
        count = minutes.ballot_count(s, s.get_one(Ballot, ballot_id), at=AT, actor="t")
    assert document.number == again.number == "Số: 01/BB-HĐTĐKT"  # printed again: same number
    assert count.number == "Số: 02/BB-HĐTĐKT"  # the council's own register, one sequence
    data = document.docx
    assert_header(
        data, "HỘI ĐỒNG TĐKT TỈNH THỬ", "Số: 01/BB-HĐTĐKT", "Thử, ngày 16 tháng 5 năm 2024"
    )
    paragraphs = body_paragraphs(data)
    kind = paragraphs.index("BIÊN BẢN")
    assert paragraphs[kind + 1].startswith("Họp Hội đồng TĐKT tỉnh Thử xét đề nghị Giấy khen")
    order = [
        "Thời gian:",
        "Địa điểm:",
        "Chủ tọa:",
        "Thư ký:",
        "I. THÀNH PHẦN",
        "II. NỘI DUNG",
        "III. KẾT QUẢ BIỂU QUYẾT",
        "IV. KẾT LUẬN",
    ]
    at = [next(i for i, p in enumerate(paragraphs) if p.startswith(o)) for o in order]
    assert at == sorted(at) and at[0] > kind
    assert "Thư ký: Thành viên 02" in paragraphs
    assert "- Thành viên 09, Ủy viên Hội đồng" in paragraphs  # absent, named
    result = cells(data)[1]
    assert result[0][0] == "STT" and [r[-1] for r in result[1:]] == ["Đạt", "Không đạt", "Đạt"]
    assert [r[3] for r in result[1:]] == ["7", "6", "8"]
    (secretary, chair) = cells(data)[-1][0]
    assert secretary.startswith("THƯ KÝ") and secretary.endswith("Thành viên 02")
    assert chair.startswith("CHỦ TỌA") and chair.endswith("Chủ tịch")


def test_the_count_in_form_with_no_member_beside_a_vote(world: World) -> None:
    ballot_id = closed(world)
    with unit_of_work(world.engine) as s:
        ballot = s.get_one(Ballot, ballot_id)
        document = minutes.ballot_count(s, ballot, tellers=["Thành viên 03"], at=AT, actor="t")
    data = document.docx
    assert document.number == "Số: 01/BB-HĐTĐKT"
    paragraphs = body_paragraphs(data)
    assert "Số phiếu phát ra: 10 (bằng tổng số thành viên Hội đồng)." in paragraphs
    assert "Số phiếu hợp lệ: 9; số phiếu không hợp lệ: 0." in paragraphs
    table = cells(data)[1]
    assert table[1][2:] == ["7", "70%", "1", "10%", "1", "Đạt"]
    teller = cells(data)[-1][0][0]
    assert teller.startswith("TRƯỞNG BAN KIỂM PHIẾU") and teller.endswith("Thành viên 03")
    # Counts only: no member's name stands in the count's table or beside a choice.
    text = docx_text(data)
    for row in table[1:]:
        assert not any(name in cell for name in NAMES for cell in row)
    assert not any(
        name in line and ("Đồng ý" in line or "Không đồng ý" in line)
        for line in text.splitlines()
        for name in NAMES
    )


def test_the_invitation_in_form_and_its_email(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    honoured(engine)
    with unit_of_work(engine) as s:
        ceremony = s.scalars(select(Ceremony)).one()
        for entry in s.scalars(select(HonourListEntry)):
            entry.invited_at = None  # the ceremony was held in the fixture; invite again
        documents = honour.ceremony_invitations(
            s,
            ceremony,
            at=AT,
            actor="t",
            arrangements=honour.Arrangements(place="Hội trường tầng 3"),
        )
        an = s.scalars(select(Candidate).where(Candidate.name == "Nguyễn Văn An")).one()
        key = honour.invitation_document_key(ceremony, an)
    assert [d.number for d in documents] == [f"Số 0{n}-GM/ĐUSCT" for n in (1, 2, 3)]
    first = next(d for d in documents if f"-dien-hinh-{an.id}-" in d.filename)
    parts = docx_parts(first.docx)
    assert "GIẤY MỜI" in parts.paragraphs
    assert "Kính gửi: Đồng chí Nguyễn Văn An, Chi bộ Văn phòng" in parts.paragraphs
    for lead in ("Thời gian:", "Địa điểm: Hội trường tầng 3", "Đề nghị mang theo:"):
        assert any(p.startswith(lead) for p in parts.paragraphs), lead
    assert parts.signature[0].startswith("Nơi nhận:")
    assert key.endswith("/giay-moi")


def test_the_extract_in_form(engine: Engine) -> None:
    honoured(engine)
    with unit_of_work(engine) as s:
        cell = _unit(s, "XX.SCT.CB1")
        document = honour.registry_extract(s, cell, year=2024, at=AT, actor="t")
        again = honour.registry_extract(s, cell, year=2024, at=AT, actor="t")
    assert document.number == again.number
    parts = docx_parts(document.docx)
    assert "TRÍCH LỤC" in parts.paragraphs
    rows = parts.tables[0]
    assert rows[0][0] == "Số thứ tự" and [r[0] for r in rows[1:]] == ["1", "2"]
    assert "Nguyễn Văn An (Cá nhân)" in rows[1][3]
    assert any("xác nhận" in p for p in parts.paragraphs)


def with_heads(engine: Engine) -> None:
    """The 19/5 ceremony held, and a head (who receives the invitation) in each cell."""
    honoured(engine)
    with unit_of_work(engine) as s:
        for code, name in (("XX.SCT.CB1", "Hồ Thị Lan"), ("XX.SCT.CB2", "Phan Văn Hải")):
            head = Contact(
                name=name,
                role=ContactRole.HEAD,
                email=f"{code.lower()}@t.example",
                position="Bí thư Chi bộ",
                unit=_unit(s, code),
            )
            s.add(head)


def test_the_invitation_email_carries_its_numbered_giay_moi(engine: Engine) -> None:
    """Written once per exemplar whatever the number of writes; the attachment's number is
    the one the giấy mời printed alone gets (its key derives from the email's)."""
    with_heads(engine)
    smtp = SmtpSettings.from_env()
    with unit_of_work(engine) as s:
        ceremony = s.scalars(select(Ceremony)).one()
        first = ceremony_invitations.invite_to_ceremony(
            s, ceremony, at=AT, actor="t", smtp=smtp, pdf=False
        )
        again = ceremony_invitations.invite_to_ceremony(
            s, ceremony, at=AT, actor="t", smtp=smtp, pdf=False
        )
        rows = s.scalars(select(Email).where(Email.kind == "ceremony_invitation")).all()
        numbers = [d.number for d in honour.ceremony_invitations(s, ceremony, at=AT, actor="t")]
        invited = [e.invited_at for e in ceremony.entries]
    assert (first, again, len(rows)) == (3, 0, 3)
    assert all(i is not None for i in invited)
    assert all(r.subject.startswith("[Giấy mời] Lễ biểu dương") for r in rows)
    assert {r.recipient_email for r in rows} == {"xx.sct.cb1@t.example", "xx.sct.cb2@t.example"}
    message: Message = email.message_from_bytes(rows[0].mime)
    attached = [p for p in message.walk() if p.get_filename()]
    assert len(attached) == 1 and str(attached[0].get_filename()).endswith(".docx")
    payload = attached[0].get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert docx_parts(payload).paragraphs.count("GIẤY MỜI") == 1
    assert sorted(str(n) for n in numbers) == [
        "Số 01-GM/ĐUSCT",
        "Số 02-GM/ĐUSCT",
        "Số 03-GM/ĐUSCT",
    ]


def test_each_document_prints_to_pdf_and_png(world: World, engine: Engine) -> None:
    """One LibreOffice run for the four documents; a PNG of each first page for a person."""
    need_office()
    ballot_id = closed(world)
    honoured(engine)
    with unit_of_work(engine) as s:
        ballot = s.get_one(Ballot, ballot_id)
        ceremony = s.scalars(select(Ceremony)).one()
        documents = [
            minutes.council_minutes(s, ballot, at=AT, actor="t"),
            minutes.ballot_count(s, ballot, at=AT, actor="t"),
            honour.ceremony_invitations(s, ceremony, at=AT, actor="t")[0],
            honour.registry_extract(s, _unit(s, "XX.SCT.CB1"), year=2024, at=AT, actor="t"),
        ]
    pdfs = to_pdf([d.docx for d in documents], timeout=180)
    names = ("bien-ban-hop", "bien-ban-kiem-phieu", "giay-moi", "trich-luc-so-ghi-danh")
    for name, document, pdf in zip(names, documents, pdfs, strict=True):
        assert document.number is not None and document.number in pdf_text(pdf)
        png = render_png(pdf, Path(f"council-{name}.png"))
        assert png.stat().st_size > 1000
        png.with_suffix(".pdf").write_bytes(pdf)  # every page, for a person to read


def test_the_commands_write_docx_and_refuse_in_vietnamese(
    cli_world: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`tdkt document minutes|count` write the .docx into --out; an open ballot is refused
    with a line and exit code 2 (no count before the close)."""
    from deployments.cli import app

    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, (result.output, result.exception)
        return result.output

    run("council", "create", "HD-T", "Hội đồng TĐKT tỉnh Thử", "T")
    closes = (today() + dt.timedelta(days=5)).isoformat()
    run("ballot", "open", "small-2023-2024", "HD-T", "--title", "Bình xét 2024",
        "--award", "giay-khen", "--closes", closes)  # fmt: skip
    refused = run("document", "minutes", "1", "--out", str(tmp_path / "out"), code=2)
    assert "chưa kết thúc" in refused
    for member in [CHAIR, *MEMBERS]:
        run("ballot", "vote", "1", member, "--approve", "1", "--approve", "2", "--reject", "3")
    run("ballot", "close", "1")
    out = run(
        "document", "minutes", "1", "--out", str(tmp_path / "out"), "--place", "Phòng họp số 1"
    )
    assert "Số: 01/BB-HĐTĐKT" in out
    out = run("document", "count", "1", "--out", str(tmp_path / "out"), "--teller", "Thành viên 03")
    assert "Số: 02/BB-HĐTĐKT" in out
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [
        "bien-ban-hop-phieu-1-so-01.docx",
        "bien-ban-kiem-phieu-phieu-1-so-02.docx",
    ]
    text = docx_text((tmp_path / "out" / written[0]).read_bytes())
    assert "Phòng họp số 1" in text
    assert "không có phiếu bình xét số 9" in run("document", "count", "9", code=2)


def test_the_honour_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`tdkt document invitation` writes one giấy mời per exemplar (or writes the emails with
    --send); `tdkt document extract` one trích lục; an empty extract is refused."""
    from deployments.cli import app
    from models.db import engine_for

    engine = engine_for()
    Base.metadata.create_all(engine, checkfirst=True)
    honoured(engine)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    out = tmp_path / "out"

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, (result.output, result.exception)
        return result.output

    printed = run("document", "invitation", "1", "--out", str(out), "--time", "14:30")
    assert printed.count("Đã ghi") == 3 and "Số 03-GM/ĐUSCT" in printed
    assert "14 giờ 30" in docx_text(next(out.glob("giay-moi-*.docx")).read_bytes())
    assert "Đã ghi 0 thư mời" in run("document", "invitation", "1", "--send")  # no unit head
    assert "Số 01-TL/CBVP" in run(
        "document", "extract", "XX.SCT.CB1", "--year", "2024", "--out", str(out)
    )
    assert "không có dòng nào" in run("document", "extract", "XX.SCT.CB1", "--year", "2020", code=2)


def test_a_postponed_session_has_minutes_without_a_count(world: World) -> None:
    """Nobody voted: the minutes say the session was postponed, print no count table (its
    papers were erased unread), and no biên bản kiểm phiếu exists."""
    ballot_id = _open(world)
    with unit_of_work(world.engine) as s:
        service.close_ballot(s, s.get_one(Ballot, ballot_id), at=AFTER, actor="t", seal=SEAL)
    with unit_of_work(world.engine) as s:
        document = minutes.council_minutes(s, s.get_one(Ballot, ballot_id), at=AT, actor="t")
        with pytest.raises(service.BallotError, match="không có biên bản kiểm phiếu"):
            minutes.ballot_count(s, s.get_one(Ballot, ballot_id), at=AT, actor="t")
    paragraphs = body_paragraphs(document.docx)
    assert any(p.startswith("Không kiểm phiếu: phiên họp bị hoãn") for p in paragraphs)
    assert len(cells(document.docx)) == 2  # the header and the signatures: no count table


def test_the_invitation_email_carries_a_pdf_where_libreoffice_is(engine: Engine) -> None:
    need_office()
    with_heads(engine)
    with unit_of_work(engine) as s:
        ceremony = s.scalars(select(Ceremony)).one()
        ceremony_invitations.invite_to_ceremony(
            s, ceremony, at=AT, actor="t", smtp=SmtpSettings.from_env()
        )
        mime = s.scalars(select(Email.mime).order_by(Email.key)).first()
    assert mime is not None
    attached = [p for p in email.message_from_bytes(mime).walk() if p.get_filename()]
    assert [p.get_content_type() for p in attached] == ["application/pdf"]
    payload = attached[0].get_payload(decode=True)
    assert isinstance(payload, bytes) and "GIẤY MỜI" in pdf_text(payload)
