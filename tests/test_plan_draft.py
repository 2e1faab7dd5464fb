"""`tdkt plan draft` (issue 24): each drafting step on short Vietnamese excerpts, the text of
.txt, .docx and .pdf files within bounds, the draft's gaps listed by `plan check` until filled,
and the five seeds compared with their hand-encoded plan files."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.plan_draft import SEEDS, measure, seeds_folder
from deployments.cli import app
from models.plan import UNDECIDED_UNIT
from models.plan_draft.deadlines import find_phrases, sentences, skipped_part
from models.plan_draft.draft import draft_plan, guess_kind
from models.plan_draft.duties import Matcher, Unit
from models.plan_draft.header import read_header
from models.plan_draft.parts import part_tree
from models.plan_draft.quotas import find_quotas
from models.plan_draft.source_text import TextRefused, document_text, read_document
from models.vocabulary import MilestoneKind, QuotaScope, SubjectKind, UnitKind

PLAN = (Path(__file__).parent / "data" / "plan_draft_excerpt.txt").read_text(encoding="utf-8")
"""A short plan in the seeds' form (Quảng Bình 1837/KH-UBND, abridged)."""

UNITS = [
    Unit("QB", "Ủy ban nhân dân tỉnh Quảng Bình", UnitKind.PROVINCE, None),
    Unit("QB.SNV", "Sở Nội vụ tỉnh Quảng Bình", UnitKind.DEPARTMENT, "QB"),
    Unit("QB.SVHTT", "Sở Văn hóa và Thể thao tỉnh Quảng Bình", UnitKind.DEPARTMENT, "QB"),
    Unit("QB.HDH", "Ủy ban nhân dân huyện Lệ Thủy", UnitKind.DISTRICT, "QB"),
]


def test_part_tree_names_clauses_as_plan_files_do() -> None:
    tree = part_tree(PLAN)
    labels = [c.label for c in tree.clauses]
    assert labels == ["I", "I.1", "II", "II.1", "II.1.a", "III", "III.1", "III.2"]
    assert tree.closing[0] == "Nơi nhận:"
    assert tree.clauses[4].ancestors == ("NỘI DUNG", "Tiêu chí cụ thể ở một số lĩnh vực")


def test_page_break_inside_a_sentence_is_joined() -> None:
    tree = part_tree("KẾ HOẠCH\nX\n\nI. NỘI DUNG\n\n1. Các phòng gửi báo cáo về\n\nVăn phòng.")
    assert tree.clauses[1].text == "Các phòng gửi báo cáo về\nVăn phòng."  # a capital: kept
    tree = part_tree("KẾ HOẠCH\nX\n\nI. NỘI DUNG\n\n1. Các phòng gửi báo cáo,\n\nđúng hạn.")
    assert tree.clauses[1].text == "Các phòng gửi báo cáo, đúng hạn."


def test_header_reads_number_date_title_period_issuer_signer() -> None:
    head = read_header(part_tree(PLAN))
    assert head.number == "1837/KH-UBND"
    assert head.date == dt.date(2022, 10, 4)
    assert head.place == "Quảng Bình"
    assert head.period == (2021, 2025)
    assert head.issuer_name == "Ủy ban nhân dân tỉnh"
    assert head.signer == "Trần Thắng (TM. ỦY BAN NHÂN DÂN, CHỦ TỊCH)"


def test_phrases_found_longest_and_citations_and_other_years_dropped() -> None:
    years = range(2020, 2027)
    sentence = (
        "Đối với cấp tỉnh: tổ chức sơ kết trong Quý III năm 2023 nhân ngày (11/6/1948 - 11/6/2025)."
    )
    found = [p.phrase for p in find_phrases(sentence, issued=None, years=years)]
    assert found == ["trong Quý III năm 2023", "11/6/2025"]
    cited = "Căn cứ Kế hoạch số 60/KH-UBND ngày 05/4/2023 của UBND tỉnh giai đoạn 2022-2025."
    assert find_phrases(cited, issued=None, years=years) == []
    recurring = "Định kỳ hằng năm vào dịp 19/5, Đảng ủy Sở tổ chức gặp mặt."
    assert [p.phrase for p in find_phrases(recurring, issued=None, years=years)] == [
        "Định kỳ hằng năm vào dịp 19/5"
    ]


def test_aims_and_criteria_parts_state_no_deadline() -> None:
    tree = part_tree(PLAN)
    assert skipped_part(tree.clauses[1].heading, tree.clauses[1].ancestors) == "MỤC ĐÍCH, YÊU CẦU"
    assert skipped_part(tree.clauses[6].heading, tree.clauses[6].ancestors) is None


def test_duties_read_from_and_to_against_the_directory() -> None:
    matcher = Matcher(UNITS, issuer="QB")
    sentence = sentences(part_tree(PLAN).clauses[6].text)[0]
    owner, to = matcher.owner(sentence), matcher.recipient(sentence)
    assert owner is not None and owner.words == "các cơ quan, đơn vị, địa phương"
    assert owner.kinds == (UnitKind.DEPARTMENT, UnitKind.DISTRICT)  # the issuer's children
    assert to is not None and to.units == ("QB.SNV",) and to.words == "Sở Nội vụ"
    assert Matcher(UNITS).owner("Trưởng các phòng, đơn vị thuộc Sở có trách nhiệm").kinds == (  # type: ignore[union-attr]
        UnitKind.BASE_UNIT,
    )
    assert Matcher().recipient("Các chi bộ báo cáo kết quả về Đảng ủy Sở") is None


CITY = [
    Unit("TP", "Ủy ban nhân dân thành phố Nam Định", UnitKind.DISTRICT, None),
    Unit("TP.PNV", "Phòng Nội vụ thành phố Nam Định", UnitKind.BASE_UNIT, "TP"),
    Unit("TP.HD", "Hội đồng Thi đua, Khen thưởng thành phố Nam Định", UnitKind.BASE_UNIT, "TP"),
    Unit("TP.P1", "Phường Lộc Hạ", UnitKind.COMMUNE, "TP"),
    Unit(
        "T.BTDKT", "Ban Thi đua - Khen thưởng tỉnh Nam Định (Sở Nội vụ)", UnitKind.DEPARTMENT, None
    ),
    Unit("PY.STNMT", "Sở Tài nguyên và Môi trường tỉnh Phú Yên", UnitKind.DEPARTMENT, None),
]


def test_bodies_of_each_duty_in_a_sentence() -> None:
    from models.plan_draft.bodies import Bodies, Standing
    from models.plan_draft.parts import Clause

    matcher = Matcher(CITY, issuer="TP")
    bodies = Bodies(matcher, "TP", Standing("TP.PNV", "“cơ quan thường trực”"))
    clause = Clause("VI.1", "Các cơ quan")
    report, relay = bodies.duties(
        clause,
        "Các cơ quan, đơn vị, địa phương định kỳ hàng năm báo cáo về UBND thành phố (qua phòng Nội"
        " vụ) để tổng hợp báo cáo Ban Thi đua - Khen thưởng tỉnh, Ủy ban nhân dân tỉnh.",
        "hàng năm",
    )
    # the council judges, it owes no report; "(qua X)" sends to X; X relays to the province
    assert report.owner is not None and report.owner.exclude == ("TP.HD",)
    assert report.recipient is not None and report.recipient.units == ("TP.PNV",)
    assert relay.owner is not None and relay.owner.units == ("TP.PNV",)
    assert relay.recipient is not None and relay.recipient.units == ("T.BTDKT",)
    review, upward = bodies.duties(
        clause,
        "Hàng năm, các xã, phường, thị trấn biểu dương và đề nghị cấp trên khen thưởng.",
        None,
    )
    assert review.recipient is not None and "cơ quan thường trực" in review.recipient_note
    assert upward.upward and upward.owner is None and upward.recipient is None
    (own,) = bodies.duties(
        clause, "Hàng năm, tổ chức tuyên dương vào dịp tổng kết của thành phố.", None
    )
    assert own.owner is not None and own.owner.units == ("TP.PNV",) and "ban hành" in own.owner_note
    assert own.recipient is not None and own.recipient.units == ("TP",)
    (alone,) = bodies.duties(
        clause,
        "Giao Phòng Nội vụ theo dõi; đồng chí được phân công báo cáo kết quả về UBND thành phố.",
        None,
    )
    assert alone.owner is None and alone.recipient is not None and alone.recipient.units == ("TP",)
    items = bodies.items(
        clause,
        "Khi có quyết định: các xã, phường, thị trấn (1) Ghi vào sổ; (2) Đề nghị ghi danh ở cấp"
        " tỉnh trở lên; (3) Tuyên truyền.",
    )
    assert [label for label, _ in items] == ["VI.1 (1)", "VI.1 (2)", "VI.1 (3)"]
    assert [d.upward for _, d in items] == [False, True, False]
    # a short name fitting several units is the plan's own
    other = [
        *CITY,
        Unit("KH.STNMT", "Sở Tài nguyên và Môi trường tỉnh Khánh Hòa", UnitKind.DEPARTMENT, "KH"),
        Unit(
            "KH.STNMT.VP",
            "Văn phòng Sở Tài nguyên và Môi trường tỉnh Khánh Hòa",
            UnitKind.BASE_UNIT,
            "KH.STNMT",
        ),
    ]
    assert Matcher(other).unit("Sở Tài nguyên và Môi trường") == "KH.STNMT"


def test_quotas_with_their_numbers_subjects_and_scopes() -> None:
    both = find_quotas(
        "Giao Liên đoàn Lao động chủ trì xây dựng tối thiểu 05 tập thể và 10 cá nhân điển hình"
        " tiên tiến/năm.",
        in_field=True,
    )
    assert [(q.minimum, q.subject, q.scope) for q in both] == [
        (5, SubjectKind.COLLECTIVE, QuotaScope.LEAD_AGENCY_YEAR),
        (10, SubjectKind.INDIVIDUAL, QuotaScope.LEAD_AGENCY_YEAR),
    ]
    (local,) = find_quotas(
        "mỗi một địa phương giới thiệu tối thiểu 03 điển hình tiên tiến/năm", in_field=True
    )
    assert (local.minimum, local.scope) == (3, QuotaScope.LOCALITY_YEAR)
    (span,) = find_quotas("Hàng năm các phòng xây dựng từ 1-2 điển hình tiên tiến", in_field=False)
    assert (span.minimum, span.maximum, span.scope) == (1, 2, QuotaScope.UNIT_YEAR)
    (each,) = find_quotas(
        "Phân đấu mỗi đơn vị có ít nhất 01 điển hình tiêu biểu.",
        in_field=False,
        paragraph="- Đối với tập thể: Là các chi bộ. Phân đấu mỗi đơn vị có ít nhất 01 điển hình.",
    )
    assert (each.minimum, each.subject, each.scope) == (
        1,
        SubjectKind.COLLECTIVE,
        QuotaScope.UNIT_PERIOD,
    )
    assert find_quotas("từ 3 tập thể trở lên", in_field=False) == []


def test_milestone_kind_rests_on_the_first_strong_words() -> None:
    assert (
        guess_kind("Hàng năm, tổ chức tuyên dương ... vào dịp tổng kết")[0]
        == MilestoneKind.CEREMONY
    )
    assert (
        guess_kind("Quý II năm 2025, tổ chức đánh giá, tổng kết công tác")[0]
        == MilestoneKind.FINAL_REVIEW
    )
    assert guess_kind("Khối trưởng hàng năm triển khai Kế hoạch này") == (
        MilestoneKind.DEPLOYMENT,
        "trien khai",
    )


def test_draft_of_an_excerpt_marks_every_gap_and_comments_every_guess() -> None:
    result = draft_plan(PLAN, source="excerpt.txt", units=UNITS)
    assert [(m.clause, m.phrase) for m in result.milestones] == [
        ("III.1", "chậm nhất trong tháng 10 năm 2022"),
        ("III.2", "trong Quý III năm 2023"),
        ("III.2", "11/6/2025"),
    ]
    assert result.standing_body == "QB.SNV"
    assert [(f.code, f.lead_agencies) for f in result.fields] == [("a", ("QB.SVHTT",))]
    text = result.yaml
    assert "# mục III.1: thời hạn “chậm nhất trong tháng 10 năm 2022”" in text
    assert "gửi đến: “Sở Nội vụ”" in text
    # III.2 "Đối với cấp tỉnh": the issuer's own duty, prepared by its standing body, which
    # answers to the issuer; both guesses say what they rest on
    assert "là cơ quan ban hành: việc do cơ quan thường trực tham mưu" in text
    assert "gửi đến: câu không ghi nơi nhận: cơ quan thường trực báo cáo cơ quan ban hành" in text
    third = text.split("milestones:")[1].split("- id: ")[2]
    assert "- QB.SNV" in third and "to: QB\n" in third
    assert "Hằng năm hoàn thành" not in text.split("milestones:")[1]


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(text: str) -> bytes:
    """A one-page PDF whose text layer holds text (ASCII), written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_text_of_txt_docx_and_pdf() -> None:
    assert document_text("a.txt", "Quý II năm 2025".encode()) == "Quý II năm 2025"
    docx_text = document_text("a.docx", _docx(["KẾ HOẠCH", "Quý II năm 2025, tổ chức tổng kết."]))
    assert "KẾ HOẠCH\n\nQuý II năm 2025, tổ chức tổng kết." in docx_text
    assert "Quy II nam 2025" in document_text("a.pdf", _pdf("Quy II nam 2025"))


def test_inputs_refused_before_they_cost(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(TextRefused, match="quá lớn"):
        read_document(big, max_bytes=1024)
    with pytest.raises(TextRefused, match="UTF-8"):
        document_text("a.txt", b"\xff\xfe\x00bad")
    with pytest.raises(TextRefused, match="hỏng"):
        document_text("a.pdf", b"%PDF-1.4 not a pdf")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>")
    with pytest.raises(TextRefused, match="DTD"):
        document_text("a.docx", bomb.getvalue())
    zeros = io.BytesIO()
    with zipfile.ZipFile(zeros, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"\0" * 50_000_000)
    with pytest.raises(TextRefused):
        document_text("a.docx", zeros.getvalue())


def test_plan_check_lists_the_gaps_until_they_are_filled(tmp_path: Path) -> None:
    runner = CliRunner()
    text = tmp_path / "kh.txt"
    # III.2 without its "Đối với cấp tỉnh": who organises it, and for whom, is left open
    text.write_text(PLAN.replace("Đối với cấp tỉnh: tổ chức", "Tổ chức"), encoding="utf-8")
    directory = tmp_path / "dir.yaml"
    directory.write_text(
        "format: 1\nunits:\n"
        + "".join(
            f"  - {{code: {u.code}, name: {u.name}, kind: {u.kind.value}"
            + (f", parent: {u.parent}}}\n" if u.parent else "}\n")
            for u in UNITS
        ),
        encoding="utf-8",
    )
    out = tmp_path / "kh.yaml"
    result = runner.invoke(
        app, ["plan", "draft", str(text), "--directory", str(directory), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Bản nháp: 3 mốc" in result.output
    checked = runner.invoke(app, ["plan", "check", str(out)], env={"COLUMNS": "300"})
    assert checked.exit_code == 0, checked.output
    assert "bản nháp" in checked.output and "CAN-DIEN" in checked.output
    filled = out.read_text(encoding="utf-8").replace(UNDECIDED_UNIT, "QB.SNV")
    out.write_text(filled, encoding="utf-8")
    checked = runner.invoke(app, ["plan", "check", str(out)], env={"COLUMNS": "300"})
    assert checked.exit_code == 0 and "✓" in checked.output and "bản nháp" not in checked.output
    assert "điều phối viên phải quyết định" not in checked.output


def test_plan_draft_refuses_a_missing_document_in_vietnamese(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plan", "draft", str(tmp_path / "khong-co.docx")])
    assert result.exit_code == 2
    assert "không đọc được tệp" in result.output


EXPECTED_EXTRA = {
    "003": ["III.1.2: Hằng năm [registration]", "IV.6: (không thời hạn) [midterm_review]"],
}
"""What the drafts find that the hand-encoded files lack, judged by reading the seeds: seed 003
III.1.2 "Hằng năm, ... xem xét biểu dương, khen thưởng vào dịp tổng kết năm" and IV.6 "Tham mưu
Ủy ban nhân dân tỉnh tổ chức sơ kết, tổng kết" are duties of the text the file does not encode;
seed 001 VI.4 (Phòng Nội vụ's duties) likewise."""


REACHED = {
    "000": {"from_right": 4, "to_right": 4, "undated_found": 1},
    "001": {"from_right": 12, "to_right": 13, "undated_found": 1},
    "002": {"from_right": 7, "to_right": 7, "undated_found": 7},
    "003": {"from_right": 7, "to_right": 7, "undated_found": 0},
    "004": {"from_right": 6, "to_right": 5, "undated_found": 8},
}
"""Bodies right and undated duties found (docs/plan-draft.md): at least these. The rest of the
milestones found leave the body empty (CAN-DIEN) where the text does not say who, or (seed 001
VI.4) name fewer than the file, never a body the file does not have."""


@pytest.mark.skipif(not seeds_folder().is_dir(), reason="the seed texts are not on this machine")
@pytest.mark.parametrize("seed", SEEDS, ids=[s.text[:3] for s in SEEDS])
def test_seed_drafts_find_every_dated_milestone_and_quota_and_no_false_body(seed: object) -> None:
    from bench.plan_draft import Seed

    assert isinstance(seed, Seed)
    figures = measure(seed, seeds_folder())
    print(figures)
    assert figures["dated_found"] == figures["dated_milestones"]
    assert figures["quotas_found"] == figures["quotas"]
    dated_extra = [
        e for e in figures["extra"] if "(không thời hạn)" not in e and "chỉ tiêu" not in e
    ]
    expected = [e for e in EXPECTED_EXTRA.get(figures["seed"], []) if "(không thời hạn)" not in e]
    assert dated_extra == expected
    # nothing false: no body the hand-encoded file does not have
    assert figures["wrong"] == []
    assert figures["from_wrong"] == figures["to_wrong"] == 0
    compared = figures["bodies_compared"]
    assert figures["from_right"] + figures["from_empty"] + figures["from_short"] == compared
    assert figures["to_right"] + figures["to_empty"] == compared
    for key, least in REACHED[figures["seed"]].items():
        assert figures[key] >= least, key
