"""The honour roll as a plan's feature, award authorities as data, and seed 004's chain.

Issue 19, items 3 and 5. Each test quotes the sentence of the seed (or the law) it checks.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.authorities import AuthorityTable, check_decider, default_authorities, usual_form
from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.db import migrate, unit_of_work
from models.lifecycle import CandidateStage
from models.orm import Campaign, Candidate, Contact, Unit
from models.orm.recognition import RegistryEntry, RewardProposal
from models.plan import reference_errors
from models.plan_files import read_plan
from models.recognition import REGISTRY, RecognitionError, RewardForm, legacy_book
from models.services import recognition as service
from models.services.candidates import history, move, register
from models.services.chase_recipients import recipients
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.vocabulary import ContactRole, SubjectKind, UnitKind
from tests.conftest import PLANS, ROOT, SMALL_DIRECTORY, SMALL_PLAN
from tests.dossier_helpers import forwarded

PARTY_PLAN = ROOT / "plans" / "cong-thuong-party-2023-2025.yaml"
PARTY = "cong-thuong-party-2023-2025"
PARENT_PLAN = ROOT / "tests" / "data" / "small-parent-plan.yaml"
AT = dt.datetime(2024, 5, 10, 9, 0, tzinfo=TIMEZONE)
S = CandidateStage
TO_SELECTED = (S.FOSTERING, S.ELIGIBLE, S.NOMINATED, S.SELECTED)
QUOTE_II_5_1 = (
    "Khi có quyết định của cấp có thẩm quyền biểu dương các điển hình tiêu biểu ...: các cấp "
    "ủy, chi bộ (1) Ghi vào sổ ghi danh những tập thể, cá nhân điển hình được biểu dương ở đơn "
    "vị mình"
)


def _unit(s: Session, code: str) -> Unit:
    return s.scalars(select(Unit).where(Unit.code == code)).one()


def _campaign(s: Session, slug: str) -> Campaign:
    return s.scalars(select(Campaign).where(Campaign.slug == slug)).one()


def _party(engine: Engine) -> None:
    """Plan 004 loaded, with two party cells under the Đảng ủy Sở (the seed names none)."""
    with unit_of_work(engine) as s:
        load_plan_file(s, PARTY_PLAN, default_calendar(), at=AT, actor="test")
        du = _unit(s, "XX.SCT.DU")
        for code, name in (("XX.SCT.CB1", "Chi bộ Văn phòng"), ("XX.SCT.CB2", "Chi bộ Thanh tra")):
            s.add(Unit(code=code, name=name, kind=UnitKind.PARTY_CELL, parent=du))


def _exemplar(s: Session, slug: str, unit: str, name: str, field: str | None = None) -> Candidate:
    candidate = register(
        s,
        _campaign(s, slug),
        unit=_unit(s, unit),
        subject=SubjectKind.INDIVIDUAL,
        name=name,
        subject_ref=name,
        year=2024,
        at=AT,
        actor="test",
        field_code=field,
    )
    for stage in TO_SELECTED:
        move(s, candidate, stage, at=AT, actor="test")
    return candidate


def _propose(s: Session, candidate: Candidate, authority: str, form: str) -> RewardProposal:
    proposal = service.propose_reward(
        s,
        candidate,
        authority=_unit(s, authority),
        form=form,
        submitted_on=AT.date(),
        calendar=default_calendar(),
        at=AT,
        actor="test",
    )
    forwarded(s, proposal)
    return proposal


def _decide(s: Session, proposal: RewardProposal, form: str, signed_by: str) -> None:
    service.record_decision(
        s,
        proposal,
        number=f"{proposal.id}-QĐ/ĐU",
        decided_on=dt.date(2024, 5, 17),
        form=form,
        signed_by=signed_by,
        at=AT,
        actor="test",
    )


# --- the honour roll is a plan's feature ------------------------------------------------------


def test_only_seed_004_keeps_an_honour_roll() -> None:
    """Seed 004 II.5: "(1) Ghi vào sổ ghi danh những tập thể, cá nhân điển hình được biểu dương
    ở đơn vị mình". Plans 000-003 state no honour roll, so they keep none."""
    rolls = {read_plan(path).id: read_plan(path).honour_roll for path in PLANS}
    party = rolls.pop(PARTY)
    assert party is not None
    assert (party.forms, [k.value for k in party.ceremonies]) == ([RewardForm.BIEU_DUONG], ["19-5"])
    assert party.kept_by == "exemplar_unit"
    assert set(rolls.values()) == {None}


def test_a_plan_without_a_roll_writes_no_registry_entry(engine: Engine) -> None:
    """Seed 004 alone keeps a sổ ghi danh; a plan that states none (as plans 000-003) gets no
    line when a reward is decided: the exemplar is rewarded, not written in a book."""
    with unit_of_work(engine) as s:
        import_directory_file(s, SMALL_DIRECTORY, at=AT, actor="test")
        load_plan_file(s, PARENT_PLAN, default_calendar(), at=AT, actor="test")
        candidate = _exemplar(s, "small-parent-2023-2025", "T.A", "Không Sổ")
        _decide(s, _propose(s, candidate, "T", "bang_khen"), "bang_khen", "Chủ tịch UBND tỉnh")
        assert s.scalars(select(RegistryEntry)).all() == []
        assert candidate.stage == S.REWARDED
        assert "honoured" not in [a.to_status for a in history(s, candidate)]


def test_the_19_5_commendation_is_written_in_each_units_book(engine: Engine) -> None:
    """Seed 004 II.5: "Định kỳ hằng năm vào dịp 19/5, Đảng ủy Sở, cấp ủy chi bộ trực thuộc tổ
    chức gặp mặt, giao lưu điển hình tiên tiến, kết hợp biểu dương tập thể, cá nhân điển hình",
    and then "(1) Ghi vào sổ ghi danh những tập thể, cá nhân điển hình được biểu dương ở đơn vị
    mình": one book per unit, numbered per year, written once however often it is recorded."""
    _party(engine)
    with unit_of_work(engine) as s:
        a1 = _exemplar(s, PARTY, "XX.SCT.CB1", "Nguyễn Văn An", "hcm")
        a2 = _exemplar(s, PARTY, "XX.SCT.CB1", "Trần Thị Bình", "hcm")
        b1 = _exemplar(s, PARTY, "XX.SCT.CB2", "Lê Văn Cường", "hcm")
        ceremony = service.compile_honour_list(
            s, _campaign(s, PARTY), kind="19-5", held_on=dt.date(2024, 5, 17), at=AT, actor="t"
        )
        service.hold_ceremony(s, ceremony, at=AT, actor="test")
        service.hold_ceremony(s, ceremony, at=AT, actor="test")  # recorded twice: one line each
        entries = s.scalars(select(RegistryEntry).order_by(RegistryEntry.id)).all()
        books = {(e.candidate.name, e.unit.code, e.year, e.entry_no) for e in entries}
        assert books == {
            (a1.name, "XX.SCT.CB1", 2024, 1),
            (a2.name, "XX.SCT.CB1", 2024, 2),
            (b1.name, "XX.SCT.CB2", 2024, 1),
        }
        assert all(e.ceremony is ceremony and e.decision is None for e in entries)
        assert {a1.stage, a2.stage, b1.stage} == {S.HONOURED}
        # the log names the stage each left (the batch's one UPDATE once made it read the new)
        moved = [(a.from_status, a.to_status) for a in history(s, a1) if a.to_status == "honoured"]
        assert moved == [(S.SELECTED.value, "honoured")]
        text = service.export_registry(s, _unit(s, "XX.SCT.CB2"), fmt="csv")
        assert "Lê Văn Cường" in text and "Nguyễn Văn An" not in text
        assert "Biểu dương tại Lễ biểu dương điển hình tiên tiến nhân kỷ niệm 134 năm" in text
        html = service.export_registry(s, _unit(s, "XX.SCT.CB1"), fmt="html", year=2024)
        assert "Chi bộ Văn phòng" in html and "Năm 2024" in html
        # An occasion the roll does not name (a year-end review) writes nothing.
        later = _exemplar(s, PARTY, "XX.SCT.CB1", "Hồ Văn Dũng", "hcm")
        year_end = service.compile_honour_list(
            s, _campaign(s, PARTY), kind="year_end", held_on=dt.date(2024, 12, 20), at=AT, actor="t"
        )
        service.hold_ceremony(s, year_end, at=AT, actor="test")
        assert later.stage == S.HONOURED
        assert (
            s.scalars(select(RegistryEntry).where(RegistryEntry.candidate_id == later.id)).all()
            == []
        )


# --- award authorities as data ----------------------------------------------------------------


def test_the_party_committee_decides_as_a_body(engine: Engine) -> None:
    """Seed 004 is signed "T/M ĐẢNG ỦY" (on behalf of the committee): a decision of biểu dương
    by the Đảng ủy is the committee's, not its secretary's alone. It is written in the book of
    the exemplar's own unit (the chi bộ), "ở đơn vị mình"."""
    _party(engine)
    with unit_of_work(engine) as s:
        candidate = _exemplar(s, PARTY, "XX.SCT.CB1", "Phạm Thu", "hcm")
        proposal = _propose(s, candidate, "XX.SCT.DU", "bieu_duong")
        with pytest.raises(RecognitionError, match="T/M Đảng ủy Sở Công Thương"):
            _decide(s, proposal, "bieu_duong", "Bí thư Đảng ủy Nguyễn Văn X")
        _decide(s, proposal, "bieu_duong", "T/M Đảng ủy, Phó Bí thư Lê Xuân Tiến")
        (entry,) = s.scalars(select(RegistryEntry)).all()
        assert (entry.unit.code, entry.book, entry.entry_no) == ("XX.SCT.CB1", REGISTRY, 1)
        assert candidate.stage == S.REWARDED


def test_a_form_the_roll_does_not_name_is_not_written(engine: Engine) -> None:
    """Seed 004 writes in the book what is "được biểu dương"; a Giấy khen of the Đảng ủy is a
    reward, not a line of its honour roll."""
    _party(engine)
    with unit_of_work(engine) as s:
        candidate = _exemplar(s, PARTY, "XX.SCT.CB2", "Đỗ Hải", "hcm")
        _decide(s, _propose(s, candidate, "XX.SCT.DU", "giay_khen"), "giay_khen", "T/M Đảng ủy")
        assert s.scalars(select(RegistryEntry)).all() == []


def test_a_decision_by_a_unit_without_authority_is_refused_naming_who_may(engine: Engine) -> None:
    """Luật Thi đua, khen thưởng 2022, Điều 80 khoản 1: "Thủ trưởng cơ quan chuyên môn thuộc Ủy
    ban nhân dân cấp tỉnh ... quyết định tặng ... giấy khen"; the provincial chair decides the
    Bằng khen. A Sở granting a Bằng khen is refused, and the message names who may."""
    with unit_of_work(engine) as s:
        import_directory_file(s, SMALL_DIRECTORY, at=AT, actor="test")
        load_plan_file(s, SMALL_PLAN, default_calendar(), at=AT, actor="test")
        candidate = _exemplar(s, "small-2023-2024", "T.A", "Vũ Minh")
        proposal = _propose(s, candidate, "T.SNV", "bang_khen")
        with pytest.raises(RecognitionError) as refused:
            _decide(s, proposal, "bang_khen", "Giám đốc Sở Nội vụ")
        message = str(refused.value)
        assert "Sở Nội vụ không có thẩm quyền quyết định tặng Bằng khen" in message
        assert "Chủ tịch Ủy ban nhân dân tỉnh" in message
        assert (proposal.status.value, candidate.stage.value) == ("submitted", "selected")
        _decide(s, proposal, "giay_khen", "Giám đốc Sở Nội vụ")  # a lower form it may grant
        assert candidate.stage == S.REWARDED


def test_authorities_change_with_the_two_level_government() -> None:
    """From 01/7/2025 there is no district level (NĐ 129/2025 moves its powers to the commune,
    marked 'verify' in the table): a district chair's Giấy khen stands until 30/6/2025, and the
    commune chair decides "Chiến sĩ thi đua cơ sở" from 01/7/2025, not before."""
    table = default_authorities()

    def allowed(form: RewardForm, kind: UnitKind, day: dt.date) -> bool:
        return table.allowing(form, kind, "X", day) is not None

    giay, cstdcs = RewardForm.GIAY_KHEN, RewardForm.CHIEN_SI_THI_DUA_CO_SO
    assert allowed(giay, UnitKind.DISTRICT, dt.date(2025, 6, 30))
    assert not allowed(giay, UnitKind.DISTRICT, dt.date(2025, 7, 1))
    assert not allowed(cstdcs, UnitKind.COMMUNE, dt.date(2025, 6, 30))
    assert allowed(cstdcs, UnitKind.COMMUNE, dt.date(2025, 7, 1))
    assert not allowed(giay, UnitKind.PROVINCE, dt.date(2024, 5, 1))
    for form in (RewardForm.BANG_KHEN, RewardForm.CHIEN_SI_THI_DUA_TINH, RewardForm.CO_THI_DUA):
        assert allowed(form, UnitKind.PROVINCE, dt.date(2024, 5, 1))
        assert not allowed(form, UnitKind.DEPARTMENT, dt.date(2024, 5, 1))
    # Bằng khen của Thủ tướng: no unit of the directory may record it as its own decision.
    with pytest.raises(RecognitionError, match="Thủ tướng Chính phủ"):
        check_decider(
            table,
            RewardForm.BANG_KHEN_THU_TUONG,
            unit_kind=UnitKind.PROVINCE,
            unit_code="T",
            unit_name="Ủy ban nhân dân tỉnh",
            signed_by="Chủ tịch",
            decided_on=dt.date(2024, 5, 1),
        )
    assert usual_form(table, UnitKind.PROVINCE, "T", dt.date(2024, 5, 1)) == RewardForm.BANG_KHEN
    assert usual_form(table, UnitKind.DEPARTMENT, "S", dt.date(2024, 5, 1)) == RewardForm.GIAY_KHEN


def test_the_table_names_every_form_and_refuses_a_gap() -> None:
    """Every form a proposal may ask for has someone who decides it in the table."""
    assert {a.form for a in default_authorities().authorities} == set(RewardForm)
    with pytest.raises(ValueError, match="thiếu hình thức"):
        AuthorityTable.model_validate(
            {
                "authorities": [
                    {
                        "form": "giay_khen",
                        "decider": "Giám đốc Sở",
                        "unit_kinds": ["department"],
                        "valid_from": "2024-01-01",
                        "basis": "Điều 80",
                    }
                ]
            }
        )


# --- seed 004's chain and its supervising committee -------------------------------------------


def test_seed_004_chain_goes_through_the_dang_uy_so() -> None:
    """Seed 004 III.1: "Các chi bộ trực thuộc ... báo cáo kết quả thực hiện về Đảng ủy Sở";
    III.2: "đồng chí Đảng ủy viên được phân công phụ trách tổng hợp tham mưu Đảng ủy Sở báo cáo
    kết quả về Ban Thường vụ Đảng ủy Khôi". A chi bộ proposes to the Đảng ủy Sở, which
    proposes to the Đảng ủy Khối: no party cell sends straight to the Khối."""
    plan = read_plan(PARTY_PLAN)
    for m in plan.milestones:
        if "party_cell" in m.responsible.kinds:
            assert m.to not in ("XX.DUK", "XX.DUK.BTV"), m.id
    upward = [m for m in plan.milestones if m.to in ("XX.DUK", "XX.DUK.BTV")]
    assert upward and all(m.responsible.units == ["XX.SCT.DU"] for m in upward)
    proposals = {
        ((m.responsible.kinds and "cells") or "so", m.to)
        for m in plan.milestones
        if (m.kind.value == "reward_proposal" and m.clause == "II.5 (2)")
    }
    assert proposals == {("cells", "XX.SCT.DU"), ("so", "XX.DUK")}


def test_the_ubkt_follows_and_urges_the_plan() -> None:
    """Seed 004 III.2: "Giao Ủy ban kiểm tra Đảng ủy Sở theo dõi, đôn đốc, kiểm tra, giám sát
    việc thực hiện Kế hoạch này": it is the plan's supervisor and the last escalation (đôn đốc)
    of a late obligation goes to it, not to a body the plan never names."""
    plan = read_plan(PARTY_PLAN)
    assert plan.supervisor is not None and plan.supervisor.unit == "XX.SCT.DU.UBKT"
    assert "đôn đốc" in plan.supervisor.duties
    assert [e.to for e in plan.reminders.escalations][-1] == "supervisor"
    assert reference_errors(plan) == []
    unsupervised = plan.model_copy(update={"supervisor": None})
    assert [loc for loc, _ in reference_errors(unsupervised)] == [
        ("reminders", "escalations", 2, "to")
    ]
    ubkt = Unit(code="XX.SCT.DU.UBKT", name="Ủy ban kiểm tra", kind=UnitKind.PARTY_COMMITTEE)
    ubkt.contacts = [Contact(name="Chủ nhiệm UBKT", role=ContactRole.HEAD, email="ubkt@x.vn")]
    cell = Unit(code="XX.SCT.CB1", name="Chi bộ", kind=UnitKind.PARTY_CELL)
    got = recipients(Campaign(), cell, "supervisor", ubkt)
    assert [c.email for c in got] == ["ubkt@x.vn"]


# --- existing data ----------------------------------------------------------------------------


def test_migration_keeps_old_entries_in_a_book_of_their_campaign(engine: Engine) -> None:
    """Entries written before 0017 (one book per campaign) are kept with their numbers; the
    unit's new book starts at 1 beside them."""
    with unit_of_work(engine) as s:
        import_directory_file(s, SMALL_DIRECTORY, at=AT, actor="test")
        load_plan_file(s, SMALL_PLAN, default_calendar(), at=AT, actor="test")
        c = _exemplar(s, "small-2023-2024", "T.A", "Cũ Một")
        _decide(s, _propose(s, c, "T", "bang_khen"), "bang_khen", "Chủ tịch UBND tỉnh")
    migrate(engine, "0014")
    migrate(engine)
    with unit_of_work(engine) as s:
        (old,) = s.scalars(select(RegistryEntry)).all()
        campaign = _campaign(s, "small-2023-2024")
        assert (old.book, old.entry_no, old.unit.code) == (legacy_book(campaign.id), 1, "T.A")
        assert old.decision is not None and old.decision.number.endswith("-QĐ/ĐU")
        new = _exemplar(s, "small-2023-2024", "T.A", "Mới Một")
        _decide(s, _propose(s, new, "T", "bang_khen"), "bang_khen", "Chủ tịch UBND tỉnh")
        entry = s.scalars(select(RegistryEntry).where(RegistryEntry.candidate_id == new.id)).one()
        assert (entry.book, entry.entry_no) == (REGISTRY, 1)
        rows = service.registry_rows(s, _unit(s, "T.A"), book=legacy_book(campaign.id))
        assert [r.name for r in rows] == ["Cũ Một"]


def test_plan_files_are_unchanged_by_reading() -> None:
    """The honour_roll and supervisor keys round-trip through the plan model."""
    plan = read_plan(PARTY_PLAN)
    dumped = plan.model_dump(mode="json", by_alias=True)
    assert dumped["honour_roll"]["forms"] == ["bieu_duong"]
    assert dumped["supervisor"]["unit"] == "XX.SCT.DU.UBKT"
