"""Every line names its subject (issue 20): models.subjects, from plain values."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from deployments.web.app import create_app
from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.db import unit_of_work
from models.lifecycle import CandidateStage as S
from models.orm import Campaign, Candidate, Milestone, Obligation, Publication, Unit
from models.orm.recognition import RewardProposal
from models.plan import Quota
from models.process import COUNCIL_VOTE, PUBLICATION, REWARD_DECISION, publication_occurrence
from models.quotas import describe
from models.recognition import Channel, RewardForm
from models.services import digests
from models.services.access import IntakeSettings, issue_links
from models.services.candidates import move, register
from models.services.recognition import draft_all_publications, propose_rewards
from models.services.rows import loaded
from models.subjects import Exemplar, Facts, subject_of
from models.vocabulary import ContactRole, QuotaScope, SubjectKind
from notifications.content import EmailContent
from notifications.render import Rendered, render
from tasks.chasing import prepare_day
from tests.chase_helpers import SMALL, days, load_small, morning
from tests.dossier_helpers import forwarded
from tests.test_web import SECRET_KEY, add_the_coordinator, sign_in
from tests.web_helpers import during

LAN = Exemplar("Ngô Thị Lan", "Hội Chữ thập đỏ tỉnh")


def test_a_units_own_report_needs_no_more_than_its_title() -> None:
    named = subject_of(Facts("report-year", "Báo cáo kết quả", "năm 2023"))
    assert (named.title, named.about, named.exemplar, named.actor) == (
        "Báo cáo kết quả năm 2023",
        "",
        "",
        "unit",
    )
    assert named.line == "Báo cáo kết quả năm 2023"


def test_a_title_ending_in_the_occurrences_word_writes_it_once() -> None:
    named = subject_of(Facts("review", "Tôn vinh điển hình vào dịp tổng kết năm", "năm 2022"))
    assert named.title == "Tôn vinh điển hình vào dịp tổng kết năm 2022"


def test_a_quota_names_its_field_by_name_never_by_code() -> None:
    named = subject_of(
        Facts(
            "quota-3-c-any",
            "Lựa chọn, giới thiệu tối thiểu 3 điển hình, mỗi địa phương, mỗi năm",
            "năm 2024",
            field="Văn hóa, thể thao và du lịch",
        )
    )
    assert named.about == "Lĩnh vực: Văn hóa, thể thao và du lịch"
    assert named.actor == "unit"
    assert "lĩnh vực c" not in named.line


def test_a_quota_title_leaves_the_field_to_the_line_and_a_table_names_it() -> None:
    quota = Quota(field="c", scope=QuotaScope.LOCALITY_YEAR, minimum=3)
    assert "lĩnh vực" not in describe(quota)
    assert describe(quota, "Văn hóa").endswith("(lĩnh vực Văn hóa)")
    with_subject = Quota(
        field="b", scope=QuotaScope.LEAD_AGENCY_YEAR, minimum=5, subject=SubjectKind.COLLECTIVE
    )
    assert describe(with_subject) == "tối thiểu 5 tập thể điển hình, mỗi cơ quan chủ trì, mỗi năm"


def test_a_mentors_assessment_says_who_is_the_exemplar_and_who_the_mentor() -> None:
    named = subject_of(
        Facts(
            "assessment",
            "Đánh giá tiến độ điển hình",
            "quý I/2024",
            exemplar=LAN,
            mentor="Trần Văn An",
        )
    )
    assert named.about == (
        "Điển hình: Ngô Thị Lan (Hội Chữ thập đỏ tỉnh); người giúp đỡ: Trần Văn An"
    )
    assert named.exemplar == "Ngô Thị Lan (Hội Chữ thập đỏ tỉnh)"
    assert named.actor == "mentor"


def test_a_publication_names_its_exemplar_and_its_channel() -> None:
    titles = "Đăng bài giới thiệu điển hình tiên tiến"
    lines = {
        subject_of(Facts(PUBLICATION, titles, exemplar=LAN, channel=c.label)).line for c in Channel
    }
    assert len(lines) == 3  # one obligation per exemplar and channel: three lines, told apart
    named = subject_of(Facts(PUBLICATION, titles, exemplar=LAN, channel=Channel.PRESS.label))
    assert named.about == "Điển hình: Ngô Thị Lan (Hội Chữ thập đỏ tỉnh); kênh: Báo chí"
    assert (named.exemplar, named.actor) == ("Ngô Thị Lan (Hội Chữ thập đỏ tỉnh)", "unit")


def test_a_reward_decision_cites_the_proposal_by_number_and_date() -> None:
    facts = Facts(
        REWARD_DECISION,
        "Quyết định khen thưởng điển hình tiên tiến đã được đề nghị",
        exemplar=LAN,
        proposal_number="12/TTr-SNV",
        proposal_date=dt.date(2024, 4, 3),
        reward_form=RewardForm.BANG_KHEN.label,
    )
    assert subject_of(facts).about == (
        "Tờ trình số 12/TTr-SNV ngày 03/04/2024 đề nghị tặng Bằng khen cho Ngô Thị Lan "
        "(Hội Chữ thập đỏ tỉnh)"
    )
    unnumbered = Facts(
        REWARD_DECISION, "Quyết định", exemplar=LAN, proposal_date=dt.date(2024, 4, 3)
    )
    assert subject_of(unnumbered).about == (
        "Tờ trình ngày 03/04/2024 cho Ngô Thị Lan (Hội Chữ thập đỏ tỉnh)"
    )


def test_a_council_vote_is_the_members_own_about_its_ballot() -> None:
    named = subject_of(
        Facts(
            COUNCIL_VOTE,
            "Bỏ phiếu bình xét điển hình tiên tiến",
            ballot="Bình xét điển hình năm 2023",
            ballot_candidates=12,
        )
    )
    assert named.about == "Cuộc bình xét: Bình xét điển hình năm 2023 (12 ứng viên)"
    assert named.actor == "council_member"


def test_names_are_written_on_one_line() -> None:
    named = subject_of(
        Facts(PUBLICATION, "Đăng bài", exemplar=Exemplar("Ngô\nThị  Lan", "Hội\tChữ thập đỏ"))
    )
    assert named.about == "Điển hình: Ngô Thị Lan (Hội Chữ thập đỏ)"


# --- a day's digests, on the small world ---------------------------------------------------------

SUBMITTED = dt.datetime(2024, 3, 1, 9, 0, tzinfo=TIMEZONE)
PUBLISH_BY = dt.date(2024, 3, 15)
NAMES = (("Nguyễn Văn An", "T.A"), ("Nguyễn Văn An", "T.B"), ("Trần Thị Bình", "T.A"))
"""Two exemplars share a name (one of each unit), as in a province's real lists."""
EXEMPLARS = (("Nguyễn Văn An", "Sở A"), ("Nguyễn Văn An", "Sở B"), ("Trần Thị Bình", "Sở A"))


def _selected(session: Session, campaign: Campaign, name: str, unit: str) -> Candidate:
    candidate = register(
        session,
        campaign,
        unit=session.scalars(select(Unit).where(Unit.code == unit)).one(),
        subject=SubjectKind.INDIVIDUAL,
        name=name,
        subject_ref=f"{unit}:{name}",
        year=2023,
        at=SUBMITTED,
        actor="test",
    )
    for stage in (S.FOSTERING, S.ELIGIBLE, S.NOMINATED, S.SELECTED):
        move(session, candidate, stage, at=SUBMITTED, actor="test")
    return candidate


def _demo_like() -> None:
    """Three exemplars, each owed on three channels by Sở A's office (nine publications due
    15/03/2024, as the demo's communication office owed nineteen) and each proposed to Sở B
    for a Giấy khen in one tờ trình, 5/TTr-SNV of 01/03/2024."""
    load_small()
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        people = [_selected(session, campaign, name, unit) for name, unit in NAMES]
        units = {u.code: u for u in session.scalars(select(Unit))}
        draft_all_publications(
            session,
            people,
            responsible_unit=units["T.A"],
            due_on=PUBLISH_BY,
            at=SUBMITTED,
            actor="test",
        )
        proposal_ids = propose_rewards(
            session,
            people,
            authority=units["T.B"],
            form="giay_khen",
            submitted_on=SUBMITTED.date(),
            calendar=default_calendar(),
            at=SUBMITTED,
            actor="test",
            number="5/TTr-SNV",
        )
        forwarded(session, loaded(session, RewardProposal, proposal_ids))


def test_no_digest_repeats_a_line(monkeypatch: pytest.MonkeyPatch) -> None:
    _demo_like()
    sent: list[EmailContent] = []

    def kept(content: EmailContent) -> Rendered:
        sent.append(content)
        return render(content)

    monkeypatch.setattr(digests, "render", kept)  # every email the sweeps write, as content
    for day in days(dt.date(2024, 3, 4), dt.date(2024, 4, 30)):
        prepare_day.fn(SMALL, morning(day))
    for content in sent:
        lines = [(i.milestone_title, i.about, i.unit_code) for i in content.items]
        assert len(lines) == len(set(lines)), content.recipient_email
    published = [i for c in sent for i in c.items if i.milestone_title.startswith("Đăng bài")]
    assert max(Counter(c.key for c in sent for i in c.items if i in published).values()) >= 9
    assert {i.about for i in published} == {
        f"Điển hình: {name} ({unit}); kênh: {channel.label}"
        for name, unit in (
            ("Nguyễn Văn An", "Sở A"),
            ("Nguyễn Văn An", "Sở B"),
            ("Trần Thị Bình", "Sở A"),
        )
        for channel in Channel
    }
    decided = [i for c in sent for i in c.items if i.milestone_title.startswith("Quyết định")]
    assert decided and all(
        i.about.startswith("Tờ trình số 5/TTr-SNV ngày 01/03/2024 đề nghị tặng Giấy khen cho ")
        for i in decided
    )
    assert {i.exemplar for i in decided} == {
        "Nguyễn Văn An (Sở A)",
        "Nguyễn Văn An (Sở B)",
        "Trần Thị Bình (Sở A)",
    }
    assert {i.actor for c in sent for i in c.items} == {"unit"}


def test_the_pages_behind_a_line_name_its_exemplar(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coordinators' obligation and campaign pages and the page behind a personal link
    say what the email line says: the exemplar and their unit, the channel, the tờ trình."""
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET_KEY)
    _demo_like()
    day = dt.date(2024, 3, 15)
    prepare_day.fn(SMALL, morning(day))
    add_the_coordinator()
    with unit_of_work() as session:
        owed = session.scalars(
            select(Obligation).join(Obligation.milestone).where(Milestone.code == PUBLICATION)
        ).all()
        press = next(o for o in owed if o.occurrence == _press_of(session, "T.B"))
        officer = press.unit.contacts_with(ContactRole.EMULATION_OFFICER)[0]
        signer = IntakeSettings.from_env().signer
        token = issue_links(session, signer, [(officer, press)], at=morning(day))[
            officer.id, press.id
        ]
        press_id = press.id
    app = create_app(now=lambda: during(day))
    staff = TestClient(app)
    assert sign_in(staff).status_code == 303
    about = "Điển hình: Nguyễn Văn An (Sở B); kênh: Báo chí"
    coordinator_page = staff.get(f"/dieu-phoi/nghia-vu/{press_id}").text
    assert about in coordinator_page
    campaign_page = staff.get(f"/dieu-phoi/ke-hoach/{SMALL}?trang_thai=open").text
    assert f"Đăng bài giới thiệu điển hình tiên tiến — {about}" in campaign_page
    assert "Tờ trình số 5/TTr-SNV ngày 01/03/2024" in campaign_page
    linked = TestClient(app).get(f"/l/{token}").text
    assert about in linked


def _press_of(session: Session, unit: str) -> str:
    """The occurrence of the press release owed about the exemplar of that unit."""
    publication = session.scalars(
        select(Publication)
        .join(Publication.candidate)
        .join(Candidate.registered_by)
        .where(Unit.code == unit, Publication.channel == Channel.PRESS)
    ).one()
    return publication_occurrence(publication.id)


def test_how_often_is_not_which_year() -> None:
    title = "Lựa chọn, giới thiệu tối thiểu 3 điển hình, mỗi địa phương, mỗi năm"
    assert subject_of(Facts("quota-4-c-any", title, "năm 2022")).title == f"{title} (năm 2022)"


def test_a_name_that_says_its_unit_is_not_told_it_twice() -> None:
    unit = "Liên đoàn Lao động tỉnh Quảng Bình"
    assert Exemplar(f"Tập thể tiêu biểu số 4 — {unit}", unit).named == (
        f"Tập thể tiêu biểu số 4 — {unit}"
    )
