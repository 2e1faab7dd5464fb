"""Publicise, honour, reward, promote: the last stages of an exemplar, on a temporary database."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import models.orm.recognition  # noqa: F401  (registers the tables before create_all)
from deployments.cli import recognition as cli
from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.db import engine_for, unit_of_work
from models.lifecycle import CandidateStage, IllegalStageTransition
from models.orm import AuditEntry, Base, Campaign, CampaignField, Candidate, Unit
from models.orm.recognition import Publication, RegistryEntry, RewardProposal
from models.recognition import (
    CeremonyKind,
    Channel,
    ProposalStatus,
    PublicationStatus,
    RecognitionError,
    RewardForm,
    ceremony_year,
    dossier,
    is_decision_overdue,
    next_entry_number,
)
from models.services import recognition as service
from models.services.candidates import history, move, register
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.vocabulary import SubjectKind
from tests.conftest import ROOT, SMALL_DIRECTORY, SMALL_PLAN
from tests.dossier_helpers import forwarded

PARENT_PLAN = ROOT / "tests" / "data" / "small-parent-plan.yaml"
SMALL, PARENT = "small-2023-2024", "small-parent-2023-2025"
AT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=TIMEZONE)
EVIL = "<script>alert(1)</script>"
S = CandidateStage
TO_SELECTED = (S.FOSTERING, S.ELIGIBLE, S.NOMINATED, S.SELECTED)


def prepare(engine: Engine) -> None:
    """The small directory and plan (with two fields added), and the ministry's plan above it."""
    Base.metadata.create_all(engine, checkfirst=True)
    with unit_of_work(engine) as s:
        import_directory_file(s, SMALL_DIRECTORY, at=AT, actor="test")
        load_plan_file(s, SMALL_PLAN, default_calendar(), at=AT, actor="test")
        load_plan_file(s, PARENT_PLAN, default_calendar(), at=AT, actor="test")
        campaign = _campaign(s, SMALL)
        snv = _unit(s, "T.SNV")
        campaign.fields = [
            CampaignField(position=0, code="a", name="Cải cách hành chính", lead_agencies=[snv]),
            CampaignField(position=1, code="b", name="Giáo dục và đào tạo", lead_agencies=[snv]),
        ]


@pytest.fixture
def db(engine: Engine) -> Engine:
    prepare(engine)
    return engine


def _campaign(s: Session, slug: str) -> Campaign:
    return s.scalars(select(Campaign).where(Campaign.slug == slug)).one()


def _unit(s: Session, code: str) -> Unit:
    return s.scalars(select(Unit).where(Unit.code == code)).one()


def exemplar(
    s: Session,
    name: str,
    *,
    unit: str = "T.A",
    field: str | None = "a",
    subject: SubjectKind = SubjectKind.INDIVIDUAL,
    stages: tuple[CandidateStage, ...] = TO_SELECTED,
    description: str | None = None,
) -> Candidate:
    """A candidate registered in the small campaign and moved through the given stages."""
    candidate = register(
        s,
        _campaign(s, SMALL),
        unit=_unit(s, unit),
        subject=subject,
        name=name,
        subject_ref=name,
        year=2023,
        at=AT,
        actor="test",
        field_code=field,
        description=description,
    )
    for stage in stages:
        move(s, candidate, stage, at=AT, actor="test")
    return candidate


def stages_of(s: Session, candidate: Candidate) -> list[str]:
    return [a.to_status for a in history(s, candidate) if a.to_status is not None]


def decide(s: Session, candidate: Candidate, number: str, on: dt.date) -> RewardProposal:
    proposal = service.propose_reward(
        s,
        candidate,
        authority=_unit(s, "T"),
        form="bang_khen",
        submitted_on=on,
        calendar=default_calendar(),
        at=AT,
        actor="test",
    )
    forwarded(s, proposal)
    service.record_decision(
        s,
        proposal,
        number=number,
        decided_on=on,
        form=RewardForm.BANG_KHEN,
        signed_by="Chủ tịch UBND tỉnh",
        at=AT,
        actor="test",
    )
    return proposal


# --- pure rules -------------------------------------------------------------------------------


def test_dossier_defaults_and_plan_override() -> None:
    default = dossier(RewardForm.CHIEN_SI_THI_DUA)
    assert [i["code"] for i in default][:3] == [
        "to_trinh",
        "bien_ban_binh_xet",
        "bao_cao_thanh_tich",
    ]
    assert not any(i["received"] for i in default)  # generated pieces join when generated
    override = dossier(RewardForm.GIAY_KHEN, ["bao_cao_thanh_tich", "Bản sao bằng tốt nghiệp"])
    assert [i["document"] for i in override] == [
        "Tờ trình đề nghị khen thưởng",
        "Báo cáo thành tích của tập thể, cá nhân có xác nhận của cấp trình khen thưởng",
        "Bản sao bằng tốt nghiệp",
    ]


def test_numbers_years_and_deadlines() -> None:
    assert next_entry_number([]) == 1
    assert next_entry_number([1, 2, 5]) == 6
    assert ceremony_year(CeremonyKind.YEAR_END, dt.date(2024, 1, 15)) == 2023
    assert ceremony_year(CeremonyKind.YEAR_END, dt.date(2024, 12, 27)) == 2024
    assert ceremony_year(CeremonyKind.BIRTHDAY_19_5, dt.date(2024, 5, 17)) == 2024

    class Waiting:
        status = ProposalStatus.SUBMITTED
        decision_due_on = dt.date(2024, 2, 8)  # 29 Tết: the limit ends on 15/02/2024

    cal = default_calendar()
    assert not is_decision_overdue(Waiting(), dt.date(2024, 2, 15), cal)
    assert is_decision_overdue(Waiting(), dt.date(2024, 2, 16), cal)


# --- publicise --------------------------------------------------------------------------------


def test_drafts_are_due_publications_that_name_the_exemplar(db: Engine) -> None:
    with unit_of_work(db) as s:
        c = exemplar(s, "Nguyễn Thị Hoa", description="Sáng kiến số hóa hồ sơ một cửa.")
        office = _unit(s, "T.SNV")
        due = dt.date(2024, 3, 15)
        pubs = service.draft_publications(
            s, c, responsible_unit=office, due_on=due, at=AT, actor="test"
        )
        assert [p.channel for p in pubs] == [Channel.PORTAL, Channel.PRESS, Channel.SOCIAL]
        assert {(p.status, p.due_on, p.responsible_unit_id) for p in pubs} == {
            (PublicationStatus.DUE, due, office.id)
        }
        article, press, social = (p.body for p in pubs)
        assert article.startswith("# Gương điển hình tiên tiến: Nguyễn Thị Hoa\n")
        assert "Cải cách hành chính" in article and "Sáng kiến số hóa hồ sơ một cửa." in article
        assert "Kế hoạch số 1/KH-TEST ngày 02/01/2023" in article
        assert "THÔNG CÁO BÁO CHÍ" in press and "Ngày 01/03/2024" in press
        assert "Nguyễn Thị Hoa" in social and "#ĐiểnHìnhTiênTiến" in social
        again = service.draft_publications(
            s, c, responsible_unit=office, due_on=due, at=AT, actor="test"
        )
        assert [p.id for p in again] == [p.id for p in pubs]


def test_the_markdown_article_keeps_a_script_name_as_text(db: Engine) -> None:
    with unit_of_work(db) as s:
        c = exemplar(s, f"{EVIL} *Tổ* [x](javascript:y)")
        portal = service.draft_publications(
            s, c, responsible_unit=_unit(s, "T.SNV"), due_on=AT.date(), at=AT, actor="test"
        )[0]
        assert "<script>" not in portal.body
        assert r"\<script\>alert(1)\</script\> \*Tổ\* \[x\](javascript:y)" in portal.body


def test_only_selected_exemplars_are_publicised(db: Engine) -> None:
    with unit_of_work(db) as s:
        c = exemplar(s, "Chưa bình chọn", stages=(S.FOSTERING, S.ELIGIBLE))
        with pytest.raises(RecognitionError, match="chỉ điển hình đã được bình chọn"):
            service.draft_publications(
                s, c, responsible_unit=_unit(s, "T.SNV"), due_on=AT.date(), at=AT, actor="test"
            )


def test_the_first_confirmed_publication_publicises_the_exemplar(db: Engine) -> None:
    with unit_of_work(db) as s:
        c = exemplar(s, "Trần Văn Nam")
        portal, press, _ = service.draft_publications(
            s, c, responsible_unit=_unit(s, "T.SNV"), due_on=AT.date(), at=AT, actor="test"
        )
        url = "https://snv.t.example/diem-hinh/tran-van-nam"
        service.confirm_publication(
            s, portal, url=url, published_on=dt.date(2024, 3, 4), at=AT, actor="test"
        )
        assert (portal.status, portal.url, c.stage) == (
            PublicationStatus.PUBLISHED,
            url,
            S.PUBLICISED,
        )
        service.confirm_publication(  # a retried command: nothing changes
            s, portal, url=url, published_on=dt.date(2024, 3, 4), at=AT, actor="test"
        )
        service.confirm_publication(
            s, press, url="https://bao.example/a", published_on=AT.date(), at=AT, actor="test"
        )
        assert stages_of(s, c).count("publicised") == 1
        with pytest.raises(RecognitionError, match="đã được xác nhận đăng ngày 04/03/2024"):
            service.confirm_publication(
                s, portal, url="https://other.example", published_on=AT.date(), at=AT, actor="t"
            )
        with pytest.raises(RecognitionError, match="http"):
            service.confirm_publication(
                s, press, url="javascript:alert(1)", published_on=AT.date(), at=AT, actor="t"
            )


def test_a_batch_of_confirmations_publicises_each_exemplar_once(db: Engine) -> None:
    """confirm_publications asks the database once, then keeps count of what it published."""
    with unit_of_work(db) as s:
        office = _unit(s, "T.SNV")
        one, two = exemplar(s, "Hồ Văn Một"), exemplar(s, "Hồ Thị Hai")
        texts = [
            p
            for c in (one, two)
            for p in service.draft_publications(
                s, c, responsible_unit=office, due_on=AT.date(), at=AT, actor="t"
            )
        ]
        service.confirm_publication(  # one of the first exemplar's texts went out earlier
            s, texts[0], url="https://a.example/0", published_on=AT.date(), at=AT, actor="t"
        )
        move(s, one, S.HONOURED, at=AT, actor="t")  # honoured since: not publicised again
        service.confirm_publications(
            s,
            [
                service.Confirmation(p, f"https://a.example/{n}", AT.date(), AT, "t")
                for n, p in enumerate(texts)
            ],
        )
        assert {p.status for p in texts} == {PublicationStatus.PUBLISHED}
        assert stages_of(s, one).count("publicised") == 1
        assert (stages_of(s, two).count("publicised"), two.stage) == (1, S.PUBLICISED)


def test_a_batch_of_decisions_numbers_the_book_and_honours_once(db: Engine) -> None:
    """record_decisions reads each year's last number once and counts on from it."""
    with unit_of_work(db) as s:
        decide(s, exemplar(s, "Sổ trước"), "1/QĐ", dt.date(2024, 2, 1))
        honoured = exemplar(s, "Đã tôn vinh", stages=(*TO_SELECTED, S.HONOURED))
        others = [exemplar(s, name) for name in ("Mới Một", "Mới Hai")]
        proposals = [
            service.propose_reward(
                s,
                c,
                authority=_unit(s, "T.SNV"),  # Giấy khen: Giám đốc Sở
                form="giay_khen",
                submitted_on=dt.date(2023, 12, 1),
                calendar=default_calendar(),
                at=AT,
                actor="test",
            )
            for c in (honoured, *others)
        ]
        forwarded(s, proposals)
        days = (dt.date(2024, 2, 5), dt.date(2023, 12, 20), dt.date(2024, 2, 6))
        service.record_decisions(
            s,
            [
                service.Decision(p, f"{n}/QĐ", day, "giay_khen", "Chủ tịch", AT, "test")
                for n, (p, day) in enumerate(zip(proposals, days, strict=True), start=2)
            ],
        )
        entries = s.scalars(select(RegistryEntry).order_by(RegistryEntry.id)).all()
        # One book per unit (all four were registered by Sở A), numbered per year.
        assert {e.unit.code for e in entries} == {"T.A"}
        assert [(e.year, e.entry_no) for e in entries] == [
            (2024, 1),
            (2024, 2),
            (2023, 1),
            (2024, 3),
        ]
        assert {p.status for p in proposals} == {ProposalStatus.DECIDED}
        assert stages_of(s, honoured).count("honoured") == 1
        assert [stages_of(s, c)[-2:] for c in others] == [["honoured", "rewarded"]] * 2


def test_publications_overdue_after_their_working_day(db: Engine) -> None:
    with unit_of_work(db) as s:
        c = exemplar(s, "Lê Thị Mai")
        pubs = service.draft_publications(  # Saturday 16/03/2024: due Monday 18/03
            s, c, responsible_unit=_unit(s, "T.SNV"), due_on=dt.date(2024, 3, 16), at=AT, actor="t"
        )
        cal = default_calendar()
        assert service.overdue_publications(s, today=dt.date(2024, 3, 18), calendar=cal) == []
        late = service.overdue_publications(s, today=dt.date(2024, 3, 19), calendar=cal)
        assert late == pubs


# --- honour -----------------------------------------------------------------------------------


def test_honour_list_invitations_and_the_ceremony(db: Engine) -> None:
    with unit_of_work(db) as s:
        campaign = _campaign(s, SMALL)
        teacher = exemplar(s, "Phạm Thu", field="b")
        school = exemplar(s, "Trường Thử", unit="T.B", subject=SubjectKind.COLLECTIVE, field="b")
        clerk = exemplar(s, "Đỗ Minh", stages=(*TO_SELECTED, S.PUBLICISED))
        exemplar(s, "Mới đủ tiêu chuẩn", stages=(S.FOSTERING, S.ELIGIBLE))
        held = dt.date(2024, 1, 15)
        ceremony = service.compile_honour_list(
            s, campaign, kind="year_end", held_on=held, at=AT, actor="test"
        )
        assert (ceremony.year, ceremony.title) == (
            2023,
            "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2023",
        )
        assert [e.candidate for e in ceremony.entries] == [clerk, school, teacher]

        late = exemplar(s, "Vũ Lan")
        again = service.compile_honour_list(
            s, campaign, kind=CeremonyKind.YEAR_END, held_on=held, at=AT, actor="test"
        )
        assert again.id == ceremony.id
        assert [e.candidate for e in again.entries] == [clerk, school, teacher, late]

        invites = service.invitations(s, ceremony)
        first, text = invites[0]
        assert first is clerk
        assert "GIẤY MỜI" in text and "Kính gửi: Giám đốc A, Sở A" in text
        assert "Thứ Hai, ngày 15/01/2024" in text and "cá nhân Đỗ Minh" in text
        assert [i.recipient.email if i.recipient else None for i in invites] == [
            "head@a.example",
            "head@b.example",
            "head@a.example",
            "head@a.example",
        ]
        service.mark_invited(s, ceremony, [clerk], at=AT, actor="test")
        assert ceremony.entries[0].invited_at == AT

        honoured = service.hold_ceremony(s, ceremony, at=AT, actor="test")
        assert honoured == [clerk, school, teacher, late]
        assert {c.stage for c in honoured} == {S.HONOURED}


def test_anniversary_titles_and_unknown_kinds(db: Engine) -> None:
    with unit_of_work(db) as s:
        campaign = _campaign(s, SMALL)
        may = service.compile_honour_list(
            s, campaign, kind="19-5", held_on=dt.date(2024, 5, 17), at=AT, actor="test"
        )
        june = service.compile_honour_list(
            s, campaign, kind="11-6", held_on=dt.date(2024, 6, 11), at=AT, actor="test"
        )
        assert "134 năm Ngày sinh Chủ tịch Hồ Chí Minh (19/05/1890 - 19/05/2024)" in may.title
        assert "76 năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua ái quốc" in june.title
        with pytest.raises(RecognitionError, match="loại buổi lễ 'tet' không hợp lệ"):
            service.compile_honour_list(
                s, campaign, kind="tet", held_on=dt.date(2024, 2, 1), at=AT, actor="test"
            )
        with pytest.raises(RecognitionError, match="ngoài giai đoạn 2023-2024"):
            service.compile_honour_list(
                s, campaign, kind="final_review", held_on=dt.date(2025, 4, 1), at=AT, actor="t"
            )


# --- reward -----------------------------------------------------------------------------------


def test_proposal_decision_registry_and_reward(db: Engine) -> None:
    with unit_of_work(db) as s:
        first = exemplar(s, "Hoàng Anh")
        proposal = service.propose_reward(
            s,
            first,
            authority=_unit(s, "T"),
            form="bang_khen",
            submitted_on=dt.date(2024, 1, 25),
            calendar=default_calendar(),
            at=AT,
            actor="test",
        )
        assert proposal.decision_due_on == dt.date(2024, 2, 29)  # 20 working days, Tết skipped
        assert proposal.status == ProposalStatus.PREPARING
        assert proposal.dossier[0] | {"generated": None} == {
            "code": "to_trinh",
            "document": "Tờ trình đề nghị khen thưởng",
            "source": "generated",
            "received": True,  # written from the proposal itself: present once generated
            "generated": None,
        }
        with pytest.raises(RecognitionError, match="đã có tờ trình đang chờ quyết định"):
            service.propose_reward(
                s,
                first,
                authority=_unit(s, "T"),
                form="giay_khen",
                submitted_on=dt.date(2024, 1, 26),
                calendar=default_calendar(),
                at=AT,
                actor="test",
            )
        service.receive_document(s, proposal, "bien_ban_binh_xet", at=AT, actor="test")
        assert proposal.dossier[1]["received"] is True
        forwarded(s, proposal)

        decision = service.record_decision(
            s,
            proposal,
            number="123/QĐ-UBND",
            decided_on=dt.date(2024, 2, 20),
            form="chien_si_thi_dua_tinh",  # the authority may grant another form
            signed_by="Chủ tịch UBND tỉnh",
            at=AT,
            actor="test",
        )
        assert (proposal.status, decision.form, first.stage) == (
            ProposalStatus.DECIDED,
            RewardForm.CHIEN_SI_THI_DUA_TINH,
            S.REWARDED,
        )
        assert stages_of(s, first)[-2:] == ["honoured", "rewarded"]
        with pytest.raises(RecognitionError, match="đã có quyết định"):
            service.record_decision(
                s,
                proposal,
                number="124",
                decided_on=AT.date(),
                form="bang_khen",
                signed_by="x",
                at=AT,
                actor="test",
            )

        second = decide(s, exemplar(s, "Bùi Hà"), "5/QĐ-UBND", dt.date(2024, 3, 1))
        older = decide(s, exemplar(s, "Ngô Tâm"), "9/QĐ-UBND", dt.date(2023, 12, 1))
        entries = s.scalars(select(RegistryEntry).order_by(RegistryEntry.id)).all()
        assert [(e.year, e.entry_no) for e in entries] == [(2024, 1), (2024, 2), (2023, 1)]
        assert [e.candidate for e in entries] == [first, second.candidate, older.candidate]


def test_an_honoured_exemplar_is_only_rewarded(db: Engine) -> None:
    with unit_of_work(db) as s:
        c = exemplar(s, "Đinh Quang", stages=(*TO_SELECTED, S.HONOURED))
        decide(s, c, "7/QĐ-UBND", AT.date())
        assert stages_of(s, c)[-2:] == ["honoured", "rewarded"]
        assert stages_of(s, c).count("honoured") == 1


def test_proposals_without_a_decision_escalate_on_working_days(db: Engine) -> None:
    cal = default_calendar()
    with unit_of_work(db) as s:
        waiting = service.propose_reward(
            s,
            exemplar(s, "Tạ Vy"),
            authority=_unit(s, "T.SNV"),
            form=RewardForm.GIAY_KHEN,
            submitted_on=dt.date(2024, 1, 25),
            calendar=cal,
            at=AT,
            actor="test",
        )
        forwarded(s, waiting)
        decide(s, exemplar(s, "Đã quyết"), "1/QĐ", dt.date(2024, 1, 25))
        assert service.overdue_proposals(s, today=dt.date(2024, 2, 29), calendar=cal) == []
        assert service.overdue_proposals(s, today=dt.date(2024, 3, 1), calendar=cal) == [waiting]
        assert waiting.status == ProposalStatus.OVERDUE
        again = service.overdue_proposals(s, today=dt.date(2024, 3, 4), calendar=cal)
        assert again == [waiting]
        marks = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "reward_proposal.overdue")
        ).all()
        assert [(m.entity_id, m.at) for m in marks] == [
            (waiting.id, dt.datetime(2024, 3, 1, tzinfo=TIMEZONE))
        ]
        service.record_decision(
            s,
            waiting,
            number="2/QĐ",
            decided_on=dt.date(2024, 3, 5),
            form="giay_khen",
            signed_by="Chủ tịch",
            at=AT,
            actor="test",
        )
        assert service.overdue_proposals(s, today=dt.date(2024, 3, 6), calendar=cal) == []


# --- promote ----------------------------------------------------------------------------------


def test_promotion_links_the_higher_campaign_and_keeps_history(db: Engine) -> None:
    with unit_of_work(db) as s:
        original = exemplar(s, "Lý Thành", description="Mô hình một cửa điện tử.")
        before = stages_of(s, original)
        higher = _campaign(s, PARENT)
        promoted = service.promote(s, original, higher, at=AT, actor="test")
        assert promoted.campaign is higher and promoted.promoted_from is original
        assert (promoted.stage, promoted.year, promoted.name) == (S.REGISTERED, 2024, "Lý Thành")
        assert promoted.registered_by.code == "T"  # the province introduces it to the ministry
        assert promoted.field is not None and promoted.field.code == "a"
        assert promoted.description == "Mô hình một cửa điện tử."
        assert original.stage == S.PROMOTED
        assert stages_of(s, original) == [*before, "promoted"]
        assert [a.action for a in history(s, promoted)] == [
            "candidate.registered",
            "candidate.promoted_from",
        ]
        with pytest.raises(RecognitionError, match="giới thiệu lên cấp trên"):
            service.promote(s, original, higher, at=AT, actor="test")
        with pytest.raises(RecognitionError, match="phải khác"):
            service.promote(s, exemplar(s, "Khác"), _campaign(s, SMALL), at=AT, actor="test")


def test_promotion_follows_the_parent_plan_when_one_is_named(db: Engine) -> None:
    with unit_of_work(db) as s:
        small, higher = _campaign(s, SMALL), _campaign(s, PARENT)
        other = Campaign(
            slug="other-2023-2025",
            title="Kế hoạch khác",
            issuer=higher.issuer,
            standing_body=higher.standing_body,
            period_start=2023,
            period_end=2025,
            plan_sha256="0" * 64,
            plan={},
            loaded_at=AT,
        )
        small.parent = higher
        c = exemplar(s, "Cao Sơn")
        with pytest.raises(RecognitionError, match="thực hiện kế hoạch cấp trên small-parent"):
            service.promote(s, c, other, at=AT, actor="test")
        assert service.promote(s, c, higher, at=AT, actor="test").promoted_from is c


def test_a_withdrawn_candidate_cannot_be_promoted(db: Engine) -> None:
    with unit_of_work(db) as s:
        c = exemplar(s, "Rút", stages=(S.WITHDRAWN,))
        with pytest.raises(RecognitionError):
            service.promote(s, c, _campaign(s, PARENT), at=AT, actor="test")
        with pytest.raises(IllegalStageTransition):
            move(s, c, S.PROMOTED, at=AT, actor="test")


# --- the registry book and the honour page ----------------------------------------------------


def test_registry_exports_as_csv_and_escaped_html(db: Engine) -> None:
    with unit_of_work(db) as s:
        decide(s, exemplar(s, '=HYPERLINK("http://x")'), "3/QĐ-UBND", dt.date(2024, 4, 2))
        decide(s, exemplar(s, EVIL, field=None), "4/QĐ-UBND", dt.date(2024, 4, 3))
        text = service.export_registry(s, _unit(s, "T.A"), fmt="csv")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:4] == [
            "Số thứ tự",
            "Năm",
            "Ngày ghi danh",
            "Tên tập thể, cá nhân, hộ gia đình",
        ]
        assert rows[1][:2] == ["1", "2024"] and rows[1][3] == '\'=HYPERLINK("http://x")'
        assert rows[2][3] == EVIL and rows[2][7:10] == ["Bằng khen", "4/QĐ-UBND", "03/04/2024"]
        html = service.export_registry(s, _unit(s, "T.A"), fmt="html")
        assert "SỔ GHI DANH" in html and "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        with pytest.raises(RecognitionError, match="định dạng 'pdf'"):
            service.export_registry(s, _unit(s, "T.A"), fmt="pdf")


class Page(HTMLParser):
    """Collects tags, attributes and text; complains about unbalanced tags."""

    VOID = frozenset({"meta", "br", "img", "link", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())


def test_the_honour_page_is_static_grouped_and_escaped(db: Engine) -> None:
    with unit_of_work(db) as s:
        campaign = _campaign(s, SMALL)
        school = exemplar(s, "Trường Thử", subject=SubjectKind.COLLECTIVE, field="b")
        decide(s, school, "8/QĐ", dt.date(2024, 5, 6))
        exemplar(s, "Kiều Oanh", field="a")
        exemplar(s, EVIL, field=None, unit="T.B")
        exemplar(s, "Chưa chọn", stages=(S.FOSTERING,))
        page_html = service.honour_page(s, campaign, as_of=dt.date(2024, 5, 7))
    page = Page()
    page.feed(page_html)
    page.close()
    assert page.open == [] and "script" not in page.tags
    assert not {"link", "img", "iframe", "object", "embed"} & set(page.tags)
    assert not [v for k, v in page.attrs if k in {"src", "href"} or (v and "url(" in v)]
    assert "<script" not in page_html.lower() and "url(" not in page_html
    headings = [t for t in page.text if t in {"Cải cách hành chính", "Giáo dục và đào tạo"}]
    assert headings == ["Cải cách hành chính", "Giáo dục và đào tạo"]
    assert page.text.index("Lĩnh vực khác") > page.text.index("Giáo dục và đào tạo")
    assert EVIL in page.text  # shown as text, never run
    assert "Chưa chọn" not in page.text
    assert "Bằng khen — Quyết định số 8/QĐ ngày 06/05/2024" in page.text
    assert "Tập thể" in page.text and "Sở B" in page.text
    assert any("Cập nhật ngày 07/05/2024" in t for t in page.text)


# --- the commands -----------------------------------------------------------------------------


def test_commands_propose_decide_and_export(tmp_path: Path) -> None:
    engine = engine_for()  # the configured database of this test's data directory
    prepare(engine)
    with unit_of_work(engine) as s:
        candidate_id = exemplar(s, "Mạc Linh").id
    app = typer.Typer()
    for command in (cli.reward_propose, cli.reward_decide, cli.registry_export, cli.honour_page):
        app.command()(command)
    runner = CliRunner()

    propose = [
        "reward-propose",
        str(candidate_id),
        "T",
        "bang_khen",
        "--submitted-on",
        "01/03/2024",
    ]
    run = runner.invoke(app, propose)
    assert run.exit_code == 0, run.output
    assert "Hồ sơ còn thiếu" in run.output
    with unit_of_work(engine) as s:
        proposal_id = s.scalars(select(RewardProposal.id)).one()
        forwarded(s, s.get_one(RewardProposal, proposal_id))
    args = [str(proposal_id), "12/QĐ-UBND", "2024-03-20", "bang_khen", "Chủ tịch UBND tỉnh"]
    run = runner.invoke(app, ["reward-decide", *args])
    assert run.exit_code == 0, run.output
    assert "ghi danh vào sổ của Sở A năm 2024, số 1" in run.output
    run = runner.invoke(app, ["reward-decide", *args])
    assert run.exit_code == 2 and "đã có quyết định" in run.output

    out = tmp_path / "so-ghi-danh.csv"
    run = runner.invoke(app, ["registry-export", "T.A", "--output", str(out)])
    assert run.exit_code == 0, run.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel's UTF-8 mark
    page = tmp_path / "vinh-danh.html"
    assert runner.invoke(app, ["honour-page", SMALL, str(page)]).exit_code == 0
    assert "Mạc Linh" in page.read_text(encoding="utf-8")
    run = runner.invoke(app, ["registry-export", "KHONG.CO"])
    assert run.exit_code == 2 and "Không có đơn vị 'KHONG.CO'" in run.output


def test_publication_and_candidate_rows_survive_a_new_session(db: Engine) -> None:
    with unit_of_work(db) as s:
        c = exemplar(s, "Lưu Trữ")
        service.draft_publications(
            s, c, responsible_unit=_unit(s, "T.SNV"), due_on=AT.date(), at=AT, actor="test"
        )
    with unit_of_work(db) as s:
        stored = s.scalars(select(Publication).order_by(Publication.id)).all()
        assert [p.channel for p in stored] == list(Channel)
        assert stored[0].created_at == AT and stored[0].candidate.name == "Lưu Trữ"


def test_commands_publish_honour_and_promote(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "now", lambda: AT)  # inside the campaigns' periods
    engine = engine_for()
    prepare(engine)
    with unit_of_work(engine) as s:
        c = exemplar(s, "Tôn Thất [bold]An[/]")
        office = _unit(s, "T.SNV")
        pubs = service.draft_publications(
            s, c, responsible_unit=office, due_on=AT.date(), at=AT, actor="test"
        )
        candidate_id, portal_id = c.id, pubs[0].id
    app = typer.Typer()
    for command in (cli.publish_confirm, cli.honour_list, cli.promote):
        app.command()(command)
    runner = CliRunner(env={"COLUMNS": "200"})

    url = "https://snv.t.example/bai/1"
    run = runner.invoke(
        app, ["publish-confirm", str(portal_id), url, "--published-on", "04/03/2024"]
    )
    assert run.exit_code == 0, run.output
    assert "ngày 04/03/2024" in run.output and "Tôn Thất [bold]An[/]" in run.output
    assert "(Đã tuyên truyền)" in run.output
    run = runner.invoke(app, ["honour-list", SMALL, "year_end", "15/01/2024"])
    assert run.exit_code == 0, run.output
    assert "năm 2023" in run.output and "head@a.example" in run.output
    run = runner.invoke(app, ["honour-list", SMALL, "tet", "15/01/2024"])
    assert run.exit_code == 2 and "không hợp lệ" in run.output
    run = runner.invoke(app, ["promote", str(candidate_id), PARENT])
    assert run.exit_code == 0, run.output
    assert f"lên {PARENT}" in run.output and "Đã đăng ký" in run.output
    run = runner.invoke(app, ["promote", str(candidate_id), PARENT])
    assert run.exit_code == 2 and "Lỗi:" in run.output


def test_a_batch_of_decisions_costs_the_same_statements_however_many(db: Engine) -> None:
    """record_decisions asks and writes per batch, not per decision: twice the decisions, over
    more units' books, take no more statements (a national authority decides hundreds a day)."""
    from sqlalchemy import event
    from sqlalchemy.orm import selectinload

    from models.services.rows import loaded

    DAY = dt.date(2024, 2, 5)

    def statements(names: list[str], units: tuple[str, ...]) -> int:
        with unit_of_work(db) as s:
            made = [exemplar(s, n, unit=units[i % len(units)]) for i, n in enumerate(names)]
            proposals = [
                service.propose_reward(
                    s,
                    c,
                    authority=_unit(s, "T.SNV"),
                    form="giay_khen",
                    submitted_on=dt.date(2023, 12, 1),
                    calendar=default_calendar(),
                    at=AT,
                    actor="test",
                )
                for c in made
            ]
            forwarded(s, proposals)
            ids = [p.id for p in proposals]
            s.flush()
            s.expunge_all()  # as the simulated authority finds them: a new session's rows
            fresh = loaded(
                s,
                RewardProposal,
                ids,
                selectinload(RewardProposal.candidate),
                selectinload(RewardProposal.authority),
            )
            seen: list[str] = []

            def count(*args: object) -> None:
                seen.append(str(args[2]))

            event.listen(db, "before_cursor_execute", count)
            service.record_decisions(
                s,
                [
                    service.Decision(p, f"{p.id}/QĐ", DAY, "giay_khen", "Chủ tịch", AT, "t")
                    for p in fresh
                ],
            )
            s.flush()
            event.remove(db, "before_cursor_execute", count)
            return len(seen)

    few = statements([f"Ít {n}" for n in range(2)], ("T.A",))
    many = statements([f"Nhiều {n}" for n in range(6)], ("T.A", "T.B"))
    assert many == few
    with unit_of_work(db) as s:  # and each got its decision, its line and its stages
        decided = s.scalars(select(RewardProposal).order_by(RewardProposal.id)).all()
        assert {p.status for p in decided} == {ProposalStatus.DECIDED}
        assert all(p.decision is not None and p.decision.decided_on == DAY for p in decided)
        lines = s.scalars(select(RegistryEntry).order_by(RegistryEntry.id)).all()
        assert [(e.unit.code, e.entry_no) for e in lines] == [
            ("T.A", 1),
            ("T.A", 2),
            ("T.A", 3),
            ("T.B", 1),
            ("T.A", 4),
            ("T.B", 2),
            ("T.A", 5),
            ("T.B", 3),
        ]
        assert [e.decision and e.decision.proposal_id for e in lines] == [p.id for p in decided]
        assert all(stages_of(s, p.candidate)[-2:] == ["honoured", "rewarded"] for p in decided)
