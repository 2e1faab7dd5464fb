"""The council vote: the tally (pure), and ballots on a database, secrecy included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import DateTime, Engine, func, inspect, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from models.calendar import default_calendar
from models.clock import TIMEZONE, today
from models.db import unit_of_work
from models.lifecycle import CandidateStage, IllegalStageTransition
from models.orm import AuditEntry, Campaign, Candidate, Contact, Unit
from models.orm.ballots import Ballot, BallotParticipation, BallotVote, Council
from models.orm.base import Base
from models.sealing import PaperSeal, sealed_length
from models.services import ballots as service
from models.services.candidates import move
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.vocabulary import ContactRole
from models.voting import (
    DEFAULT_APPROVAL,
    BallotStatus,
    VotingRule,
    exact,
    percent,
    rule_for,
    share_text,
    tally,
)
from tests.candidate_helpers import eligible_individuals
from tests.conftest import SMALL_DIRECTORY, SMALL_PLAN

SEVENTY = VotingRule(quorum=2 / 3, approval=0.70)
SEAL = PaperSeal("the-server's-secret-key-for-tests")
NINETY = VotingRule(quorum=2 / 3, approval=0.90)


def selected(members: int, approve: int, rule: VotingRule = SEVENTY) -> bool:
    """Whether approve votes out of a full council select the candidate."""
    result = tally(members, members, {1: (approve, members - approve, 0)}, rule)
    return result.candidates[0].selected


# --------------------------------------------------------------------------- the tally


def test_the_threshold_counts_all_members_not_the_votes_cast() -> None:
    # 6 of the 7 votes cast approve (86%), but only 6 of the 10 members (60%).
    result = tally(10, 7, {1: (6, 1, 0)}, SEVENTY)
    row = result.candidates[0]
    assert result.quorum_met
    assert row.ratio_of_all_members == Fraction(6, 10)
    assert not row.selected
    assert row.reason.startswith("Không đạt: 6/10 thành viên đồng ý (60%)")
    assert "cần tối thiểu 7 phiếu đồng ý" in row.reason


@pytest.mark.parametrize(
    ("members", "needed"), [(10, 7), (3, 3), (30, 21), (7, 5), (13, 10), (100, 70)]
)
def test_seventy_percent_boundary_is_exact(members: int, needed: int) -> None:
    assert selected(members, needed)
    assert not selected(members, needed - 1)


@pytest.mark.parametrize(("members", "needed"), [(10, 9), (20, 18), (11, 10), (9, 9), (30, 27)])
def test_ninety_percent_boundary_is_exact(members: int, needed: int) -> None:
    assert selected(members, needed, NINETY)
    assert not selected(members, needed - 1, NINETY)


@pytest.mark.parametrize(("members", "quorum"), [(9, 6), (10, 7), (3, 2), (12, 8)])
def test_two_thirds_quorum_boundary(members: int, quorum: int) -> None:
    assert tally(members, quorum, {}, SEVENTY).quorum_met
    assert not tally(members, quorum - 1, {}, SEVENTY).quorum_met


def test_without_quorum_the_session_is_postponed_and_nothing_is_decided() -> None:
    lenient = VotingRule(quorum=2 / 3, approval=0.5)
    result = tally(10, 6, {1: (6, 0, 0), 2: (5, 1, 0)}, lenient)
    assert not result.quorum_met and result.postponed
    assert result.quorum_required == 7
    assert result.selected_ids == frozenset()
    assert result.candidates[0].reason == (
        "Hoãn: chỉ 6/10 thành viên có mặt, cần tối thiểu 7; chưa xét"
    )


def test_a_conflict_counts_as_an_abstain_and_weighs_like_a_no() -> None:
    # 7 of 10 would approve, but one of them declared a conflict and abstained.
    result = tally(10, 10, {1: (6, 3, 1)}, SEVENTY)
    assert (result.candidates[0].abstain, result.candidates[0].selected) == (1, False)


def test_selected_reason_names_the_rule() -> None:
    row = tally(10, 9, {1: (8, 1, 0)}, SEVENTY).candidates[0]
    assert row.reason == (
        "Đạt: 8/10 thành viên đồng ý (80%), đạt từ 70% tổng số thành viên Hội đồng trở lên"
    )


def test_counts_that_cannot_happen_are_refused() -> None:
    with pytest.raises(ValueError, match="không khớp"):
        tally(10, 5, {1: (4, 2, 0)})
    with pytest.raises(ValueError, match="từ 0 đến 10"):
        tally(10, 11, {})
    with pytest.raises(ValueError, match="ít nhất một thành viên"):
        tally(0, 0, {})
    with pytest.raises(ValueError, match="không quá 1"):
        VotingRule(approval=1.2)


def test_award_defaults_raise_a_council_rule_but_never_lower_it() -> None:
    council = VotingRule(quorum=2 / 3, approval=0.70)
    assert DEFAULT_APPROVAL["chien-si-thi-dua-tinh"] == 0.90
    assert rule_for("chien-si-thi-dua-tinh", council).approval == 0.90
    assert rule_for("giay-khen", council).approval == 0.70
    assert rule_for("giay-khen", VotingRule(approval=0.80)).approval == 0.80
    assert rule_for("mot-danh-hieu-khac", council) == council


def test_shares_are_written_as_people_write_them() -> None:
    assert (share_text(0.70), share_text(2 / 3), share_text(0.9)) == ("70%", "2/3", "90%")
    assert (percent(Fraction(2, 3)), percent(0.8), percent(Fraction(1, 8))) == (
        "66,7%",
        "80%",
        "12,5%",
    )
    assert VotingRule().approval_text == "đạt từ 70% tổng số thành viên Hội đồng trở lên"


@st.composite
def ballots(draw: st.DrawFn) -> tuple[int, int, tuple[int, int, int], VotingRule]:
    members = draw(st.integers(1, 60))
    participated = draw(st.integers(0, members))
    approve = draw(st.integers(0, participated))
    reject = draw(st.integers(0, participated - approve))
    abstain = participated - approve - reject
    rule = VotingRule(
        quorum=draw(st.sampled_from([0.5, 2 / 3, 0.75])),
        approval=draw(st.sampled_from([0.5, 0.7, 0.75, 0.9, 1.0])),
    )
    return members, participated, (approve, reject, abstain), rule


@given(ballots())
def test_turning_a_vote_into_an_approve_never_unselects(
    ballot: tuple[int, int, tuple[int, int, int], VotingRule],
) -> None:
    members, participated, (approve, reject, abstain), rule = ballot
    before = tally(members, participated, {1: (approve, reject, abstain)}, rule)
    if reject:
        after = tally(members, participated, {1: (approve + 1, reject - 1, abstain)}, rule)
    elif abstain:
        after = tally(members, participated, {1: (approve + 1, reject, abstain - 1)}, rule)
    else:
        return
    assert after.candidates[0].selected or not before.candidates[0].selected


@given(ballots())
def test_one_more_member_approving_never_unselects(
    ballot: tuple[int, int, tuple[int, int, int], VotingRule],
) -> None:
    members, participated, (approve, reject, abstain), rule = ballot
    if participated == members:
        return
    before = tally(members, participated, {1: (approve, reject, abstain)}, rule)
    after = tally(members, participated + 1, {1: (approve + 1, reject, abstain)}, rule)
    assert after.candidates[0].selected or not before.candidates[0].selected


@given(ballots())
def test_selected_means_quorum_and_threshold_of_all_members(
    ballot: tuple[int, int, tuple[int, int, int], VotingRule],
) -> None:
    members, participated, counts, rule = ballot
    result = tally(members, participated, {1: counts}, rule)
    row = result.candidates[0]
    needed = result.approval_required
    assert row.selected == (result.quorum_met and counts[0] >= needed)
    # approval_required is the fewest members whose share reaches the threshold
    assert Fraction(needed - 1, members) < exact(rule.approval) <= Fraction(needed, members)


# --------------------------------------------------------------------------- on a database

OPENS = dt.datetime(2024, 5, 10, 8, 0, tzinfo=TIMEZONE)
CLOSES = dt.datetime(2024, 5, 15, 23, 59, 59, tzinfo=TIMEZONE)
DURING = dt.datetime(2024, 5, 13, 9, 0, tzinfo=TIMEZONE)
AFTER = dt.datetime(2024, 5, 16, 8, 0, tzinfo=TIMEZONE)
MEMBERS = [f"tv{i}@t.example" for i in range(1, 10)]
CHAIR = "chair@t.example"


@dataclass(frozen=True)
class World:
    engine: Engine
    campaign_id: int
    unit_id: int
    candidate_ids: list[int]


def small_world(session: Session) -> tuple[int, int, list[int]]:
    """The small directory and plan; 9 council members besides the chair; 3 eligible people."""
    import_directory_file(session, SMALL_DIRECTORY, at=OPENS, actor="test")
    load_plan_file(session, SMALL_PLAN, default_calendar(), at=OPENS, actor="test")
    province = session.scalars(select(Unit).where(Unit.code == "T")).one()
    for i, email in enumerate(MEMBERS, start=1):
        province.contacts.append(
            Contact(name=f"Thành viên {i:02d}", role=ContactRole.COUNCIL_MEMBER, email=email)
        )
    # The chair is listed a second time as a member: one person, one vote.
    province.contacts.append(Contact(name="Chủ tịch", role=ContactRole.COUNCIL_MEMBER, email=CHAIR))
    campaign = session.scalars(select(Campaign)).one()
    ids = eligible_candidates(session, campaign, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
    return campaign.id, province.id, ids


def eligible_candidates(session: Session, campaign: Campaign, names: list[str]) -> list[int]:
    """Individuals registered by unit T.A and judged eligible, ready for a ballot: their ids."""
    return [c.id for c in eligible_individuals(session, campaign, names, year=2024, at=OPENS)]


def make_world(engine: Engine, **council: object) -> World:
    """The small world with council HD-T of its 10 members; council: create_council's options."""
    Base.metadata.create_all(engine, checkfirst=True)
    with unit_of_work(engine) as session:
        campaign_id, unit_id, ids = small_world(session)
        province = session.get_one(Unit, unit_id)
        service.council_from_directory(
            session,
            province,
            code="HD-T",
            name="Hội đồng TĐKT tỉnh Thử",
            at=OPENS,
            actor="test",
            **council,  # type: ignore[arg-type]
        )
    return World(engine, campaign_id, unit_id, ids)


@pytest.fixture
def world(engine: Engine) -> World:
    return make_world(engine)


def _open(
    world: World,
    *,
    title: str = "Bình xét điển hình năm 2024",
    award: str = "giay-khen",
    at: dt.datetime = OPENS,
    closes_at: dt.datetime = CLOSES,
) -> int:
    with unit_of_work(world.engine) as session:
        council = session.scalars(select(Council).where(Council.code == "HD-T")).one()
        candidates = [session.get_one(Candidate, i) for i in world.candidate_ids]
        ballot = service.open_ballot(
            session,
            council,
            session.get_one(Campaign, world.campaign_id),
            candidates,
            title=title,
            award=award,
            closes_at=closes_at,
            at=at,
            actor="test",
        )
        return ballot.id


def _member(session: Session, email: str) -> Contact:
    return session.scalars(
        select(Contact).where(Contact.email == email).order_by(Contact.role)
    ).first() or pytest.fail(email)


def _vote(
    world: World,
    ballot_id: int,
    email: str,
    choices: dict[int, str],
    conflicts: frozenset[int] = frozenset(),
    at: dt.datetime = DURING,
) -> None:
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        member = _member(session, email)
        service.cast_vote(session, ballot, member, choices, set(conflicts), at=at, seal=SEAL)


def _stages(world: World) -> list[CandidateStage]:
    with unit_of_work(world.engine) as session:
        return [session.get_one(Candidate, i).stage for i in world.candidate_ids]


def _vote_the_usual_way(world: World, ballot_id: int) -> None:
    """9 of 10 members vote (tv9 does not).

    First candidate: 7 approve (70%, selected); second: 6 approve (not); third: 8 approve,
    tv1 declares a conflict and abstains (selected).
    """
    a, b, c = world.candidate_ids
    for i, email in enumerate([CHAIR, *MEMBERS[:8]]):
        first = "approve" if i <= 6 else ("reject" if i == 7 else "abstain")
        second = "approve" if i <= 5 else "reject"
        choices = {a: first, c: "approve"}
        if i != 8:  # tv8 leaves the second candidate unmarked: an abstain
            choices[b] = second
        conflicts = frozenset({c}) if email == MEMBERS[0] else frozenset()
        if conflicts:
            choices[c] = "abstain"
        _vote(world, ballot_id, email, choices, conflicts)


def test_a_council_is_built_from_the_directory_one_vote_per_person(world: World) -> None:
    with unit_of_work(world.engine) as session:
        council = session.scalars(select(Council).where(Council.code == "HD-T")).one()
        emails = sorted(m.email for m in council.members)
        chair = next(m for m in council.members if m.email == CHAIR)
        assert council.quorum == pytest.approx(2 / 3)
        assert council.approval == 0.70
    assert emails == sorted([CHAIR, *MEMBERS])
    assert chair.role == ContactRole.COUNCIL_CHAIR


def test_a_unit_without_council_contacts_has_no_council(world: World) -> None:
    with unit_of_work(world.engine) as session:
        unit_b = session.scalars(select(Unit).where(Unit.code == "T.B")).one()
        with pytest.raises(service.BallotError, match="chưa có liên hệ nào"):
            service.council_from_directory(
                session, unit_b, code="HD-B", name="Hội đồng B", at=OPENS, actor="test"
            )


def test_opening_nominates_eligible_candidates_and_fixes_the_roll(world: World) -> None:
    ballot_id = _open(world)
    assert _stages(world) == [CandidateStage.NOMINATED] * 3
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        assert (ballot.approval, ballot.status) == (0.70, "open")
        assert len(service.members_not_voted(session, ballot)) == 10


def test_only_eligible_candidates_can_be_put_to_the_vote(world: World) -> None:
    with unit_of_work(world.engine) as session:
        first = session.get_one(Candidate, world.candidate_ids[0])
        move(session, first, CandidateStage.INELIGIBLE, at=OPENS, actor="test")
    with pytest.raises(IllegalStageTransition, match="Nguyễn Văn An \\('Chưa đủ tiêu chuẩn'\\)"):
        _open(world)
    assert _stages(world) == [
        CandidateStage.INELIGIBLE,
        CandidateStage.ELIGIBLE,
        CandidateStage.ELIGIBLE,
    ]


def test_the_highest_titles_need_ninety_percent(world: World) -> None:
    with unit_of_work(world.engine) as session:
        council = session.scalars(select(Council)).one()
        ballot = service.open_ballot(
            session,
            council,
            session.get_one(Campaign, world.campaign_id),
            [session.get_one(Candidate, world.candidate_ids[0])],
            title="Xét Chiến sĩ thi đua cấp tỉnh",
            award="chien-si-thi-dua-tinh",
            closes_at=CLOSES,
            at=OPENS,
            actor="test",
        )
        assert ballot.approval == 0.90


def test_a_full_ballot(world: World) -> None:
    ballot_id = _open(world)
    a, _, c = world.candidate_ids
    _vote_the_usual_way(world, ballot_id)

    with pytest.raises(service.AlreadyVoted, match="chỉ bỏ phiếu một lần"):
        _vote(world, ballot_id, MEMBERS[2], {a: "reject"})
    with pytest.raises(service.NotAMember, match="không có tên trong danh sách"):
        _vote(world, ballot_id, "officer@a.example", {a: "approve"})
    with pytest.raises(service.BallotError, match="không biểu quyết với ứng viên"):
        _vote(world, ballot_id, MEMBERS[8], {c: "approve"}, frozenset({c}))
    with pytest.raises(service.BallotError, match="không hợp lệ"):
        _vote(world, ballot_id, MEMBERS[8], {c: "yes"})
    with pytest.raises(service.BallotClosed, match="đã hết hạn bỏ phiếu"):
        _vote(world, ballot_id, MEMBERS[8], {a: "approve"}, at=AFTER)

    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        assert [m.email for m in service.members_not_voted(session, ballot)] == [MEMBERS[8]]
        with pytest.raises(service.BallotError, match="chưa có kết quả"):
            service.ballot_result(session, ballot)
        with pytest.raises(service.BallotError, match="còn 1 thành viên chưa bỏ phiếu"):
            service.close_ballot(session, ballot, at=DURING, actor="test", seal=SEAL)

    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        result = service.close_ballot(session, ballot, at=AFTER, actor="chair", seal=SEAL)
        minutes = ballot.minutes or ""
    assert (result.members, result.participated, result.quorum_met) == (10, 9, True)
    assert [(r.approve, r.reject, r.abstain) for r in result.candidates] == [
        (7, 1, 1),
        (6, 2, 1),
        (8, 0, 1),
    ]
    assert result.selected_ids == {a, c}
    assert _stages(world) == [
        CandidateStage.SELECTED,
        CandidateStage.NOT_SELECTED,
        CandidateStage.SELECTED,
    ]
    for expected in (
        "BIÊN BẢN BÌNH XÉT",
        "Ngày 16/05/2024",
        "Tổng số thành viên Hội đồng: 10",
        "Số thành viên tham gia bỏ phiếu: 9/10",
        "Thành viên không tham gia: Thành viên 09",
        "(tối thiểu 7 thành viên; ý kiến bằng văn bản không tính vào số có mặt): đạt",
        "Số thành viên có mặt, bỏ phiếu tại phiên họp: 9/10",
        "Ý kiến bằng văn bản của thành viên vắng mặt: 0",
        "Căn cứ: Nghị định 98/2023/NĐ-CP (điều, khoản: cần đối chiếu văn bản gốc), hiệu lực "
        "từ 01/01/2024",
        "theo quy chế của Hội đồng, phiếu của thành viên đó đối với ứng viên này được tính là "
        "không biểu quyết và vẫn tính trong tổng số thành viên Hội đồng",
        "đạt từ 70% tổng số thành viên Hội đồng trở lên, tức tối thiểu 7 phiếu đồng ý trên 10",
        "Thành viên 01: Lê Văn Cường",
        "1. Nguyễn Văn An (Cá nhân; Sở A)\n   Đồng ý: 7; Không đồng ý: 1; Không biểu quyết: 1\n"
        "   Tỷ lệ đồng ý trên tổng số thành viên Hội đồng: 70%\n   Kết quả: ĐẠT",
        "Đồng ý: 6; Không đồng ý: 2; Không biểu quyết: 1\n",
        "Tỷ lệ đồng ý trên tổng số thành viên Hội đồng: 60%\n   Kết quả: KHÔNG ĐẠT",
        "Không biểu quyết: 1 (trong đó 1 do xung đột lợi ích)",
        "Tổng hợp: 2/3 ứng viên đạt.",
        "THƯ KÝ",
        "CHỦ TỊCH HỘI ĐỒNG",
    ):
        assert expected in minutes, expected


def test_a_closed_ballot_takes_no_more_votes_or_closing(world: World) -> None:
    ballot_id = _open(world)
    _vote_the_usual_way(world, ballot_id)
    with unit_of_work(world.engine) as session:
        service.close_ballot(
            session, session.get_one(Ballot, ballot_id), at=AFTER, actor="t", seal=SEAL
        )
    with pytest.raises(service.BallotClosed, match="đã kết thúc"):
        _vote(world, ballot_id, MEMBERS[8], {}, at=DURING)
    with unit_of_work(world.engine) as session, pytest.raises(service.BallotClosed):
        service.close_ballot(
            session, session.get_one(Ballot, ballot_id), at=AFTER, actor="t", seal=SEAL
        )


def test_without_quorum_the_session_is_postponed_and_the_candidates_await_a_new_ballot(
    world: World,
) -> None:
    """Issue 19: "no quorum means the session is postponed and nothing is decided"."""
    ballot_id = _open(world)
    for email in MEMBERS[:6]:  # 6 of 10: a 2/3 quorum needs 7
        _vote(world, ballot_id, email, dict.fromkeys(world.candidate_ids, "approve"))
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        result = service.close_ballot(session, ballot, at=AFTER, actor="test", seal=SEAL)
        minutes = ballot.minutes or ""
        html = service.render_minutes(session, ballot, html=True)
        assert "<h2>III. Ứng viên chờ bình xét lại</h2>" in html and "<table>" not in html
        assert ballot.status == BallotStatus.POSTPONED
        # nothing counted or kept: the papers are erased unread
        assert session.scalar(select(func.count()).select_from(BallotVote)) == 0
        assert session.scalars(select(BallotParticipation.sealed_paper)).all() == [None] * 10
        assert ballot.seal_salt is None
    assert (result.postponed, result.selected_ids) == (True, frozenset())
    assert _stages(world) == [CandidateStage.NOMINATED] * 3
    for expected in (
        "phiên họp được HOÃN, không kiểm phiếu và không quyết định đối với ứng viên nào",
        "không đạt, phiên họp được hoãn",
        "III. ỨNG VIÊN CHỜ BÌNH XÉT LẠI",
        "1. Nguyễn Văn An (Cá nhân; Sở A): HOÃN, CHƯA XÉT",
    ):
        assert expected in minutes, expected
    assert "Đồng ý:" not in minutes and "KẾT QUẢ KIỂM PHIẾU" not in minutes

    # A new ballot takes the nominated candidates; the second session decides.
    with unit_of_work(world.engine) as session:
        campaign = session.get_one(Campaign, world.campaign_id)
        assert [c.id for c in service.awaiting_vote(session, campaign)] == world.candidate_ids
    second = _open(world, title="Bình xét điển hình năm 2024 (họp lại)")
    with unit_of_work(world.engine) as session:
        campaign = session.get_one(Campaign, world.campaign_id)
        assert service.awaiting_vote(session, campaign) == []
    with pytest.raises(IllegalStageTransition, match="phiếu chưa kết thúc"):
        _open(world, title="Một phiếu thứ ba")
    for email in [CHAIR, *MEMBERS]:
        _vote(world, second, email, dict.fromkeys(world.candidate_ids, "approve"))
    with unit_of_work(world.engine) as session:
        service.close_ballot(
            session, session.get_one(Ballot, second), at=AFTER, actor="test", seal=SEAL
        )
    assert _stages(world) == [CandidateStage.SELECTED] * 3


def test_everyone_voted_so_the_chair_may_close_early(world: World) -> None:
    ballot_id = _open(world)
    for email in [CHAIR, *MEMBERS]:
        _vote(world, ballot_id, email, dict.fromkeys(world.candidate_ids, "approve"))
    with unit_of_work(world.engine) as session:
        result = service.close_ballot(
            session, session.get_one(Ballot, ballot_id), at=DURING, actor="test", seal=SEAL
        )
    assert result.selected_ids == set(world.candidate_ids)


def test_a_candidate_withdrawn_during_the_vote_keeps_its_stage(world: World) -> None:
    ballot_id = _open(world)
    with unit_of_work(world.engine) as session:
        first = session.get_one(Candidate, world.candidate_ids[0])
        move(session, first, CandidateStage.WITHDRAWN, at=DURING, actor="test")
    for email in [CHAIR, *MEMBERS]:
        _vote(world, ballot_id, email, dict.fromkeys(world.candidate_ids, "approve"))
    with unit_of_work(world.engine) as session:
        service.close_ballot(
            session, session.get_one(Ballot, ballot_id), at=AFTER, actor="t", seal=SEAL
        )
    assert _stages(world) == [
        CandidateStage.WITHDRAWN,
        CandidateStage.SELECTED,
        CandidateStage.SELECTED,
    ]


def test_the_ballot_is_secret(world: World) -> None:
    ballot_id = _open(world)
    _vote_the_usual_way(world, ballot_id)
    votes = BallotVote.__table__
    roll = BallotParticipation.__table__
    # No member, no time, nothing but the ballot shared with the roll.
    assert set(votes.columns.keys()) == {"id", "ballot_id", "candidate_id", "choice"}
    assert {fk.column.table.name for fk in votes.foreign_keys} == {"ballots", "candidates"}
    assert not any(isinstance(col.type, DateTime) for col in votes.columns)
    assert set(votes.columns.keys()) & set(roll.columns.keys()) == {"ballot_id"}
    postgres = world.engine.dialect.name == "postgresql"
    with world.engine.connect() as conn:
        # Random keys, and no hidden rowid that would keep the order rows were written in.
        with pytest.raises(ProgrammingError if postgres else OperationalError):
            conn.execute(text("SELECT rowid FROM ballot_votes"))
        conn.rollback()  # PostgreSQL refuses anything more in a failed transaction
        # While the ballot is open no choice is stored: only sealed papers, all one length.
        assert conn.execute(select(func.count()).select_from(votes)).scalar() == 0
        papers = conn.execute(
            select(roll.c.sealed_paper).where(roll.c.sealed_paper.is_not(None))
        ).scalars()
        assert {len(p) for p in papers} == {sealed_length(3)}
    assert inspect(world.engine).get_pk_constraint("ballot_votes")["constrained_columns"] == ["id"]
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        voted = session.scalars(
            select(BallotParticipation.contact_id).where(BallotParticipation.voted_at.is_not(None))
        ).all()
        assert len(voted) == 9  # who voted is kept
        service.close_ballot(session, ballot, at=AFTER, actor="test", seal=SEAL)
    with world.engine.connect() as conn:
        after = set(conn.execute(select(votes.c.id)).scalars())
        if postgres:  # each row's writing transaction, which would tell votes apart by time
            writers = conn.execute(text("SELECT DISTINCT xmin::text FROM ballot_votes")).all()
            assert len(writers) == 1
        # The papers and the salt are erased: the key cannot be derived again from the database.
        assert conn.execute(select(roll.c.sealed_paper).distinct()).scalars().all() == [None]
        salts = conn.execute(select(Ballot.__table__.c.seal_salt)).scalars().all()
        assert salts == [None]
    # Closing writes every choice, 9 papers of 3 candidates, with random keys.
    assert len(after) == 27 and all(len(key) == 36 for key in after)
    with unit_of_work(world.engine) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "ballot")).all()
    for entry in entries:
        said = f"{entry.reason} {entry.to_status} {entry.action}"
        assert not any(word in said for word in ("approve", "reject", "đồng ý", "Đồng ý"))
    assert sum(e.action == "ballot.voted" for e in entries) == 9


def test_a_paper_that_does_not_open_stops_the_close(world: World) -> None:
    """Another secret key (changed while the ballot was open): nothing is counted or erased."""
    ballot_id = _open(world)
    _vote_the_usual_way(world, ballot_id)
    other_key = PaperSeal("another-secret-key-0000")
    with (
        pytest.raises(service.BallotError, match="không mở được phiếu đã niêm phong"),
        unit_of_work(world.engine) as session,
    ):
        ballot = session.get_one(Ballot, ballot_id)
        service.close_ballot(session, ballot, at=AFTER, actor="t", seal=other_key)
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        assert ballot.status == "open" and ballot.seal_salt is not None
        result = service.close_ballot(session, ballot, at=AFTER, actor="t", seal=SEAL)
    assert result.participated == 9


def test_reminders_go_to_members_who_have_not_voted_in_the_last_three_days(
    world: World,
) -> None:
    ballot_id = _open(world)
    _vote_the_usual_way(world, ballot_id)
    with unit_of_work(world.engine) as session:
        early = service.ballot_reminders(session, as_of=dt.date(2024, 5, 11))
        due = service.ballot_reminders(session, as_of=dt.date(2024, 5, 12))
        last_day = service.ballot_reminders(session, as_of=dt.date(2024, 5, 15))
        late = service.ballot_reminders(session, as_of=dt.date(2024, 5, 16))
        assert [(m.email, b.id) for m, b in due] == [(MEMBERS[8], ballot_id)]
        assert [(m.email, b.id) for m, b in last_day] == [(MEMBERS[8], ballot_id)]
    assert (early, late) == ([], [])


def test_html_minutes_escape_what_people_typed(world: World) -> None:
    ballot_id = _open(world, title="Bình xét <b>2024</b>")
    for email in [CHAIR, *MEMBERS]:
        _vote(world, ballot_id, email, {world.candidate_ids[0]: "approve"})
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        service.close_ballot(session, ballot, at=AFTER, actor="test", seal=SEAL)
        html = service.render_minutes(session, ballot, html=True)
        plain = ballot.minutes or ""
    assert "Bình xét &lt;b&gt;2024&lt;/b&gt;" in html
    assert "<h1>BIÊN BẢN BÌNH XÉT</h1>" in html
    assert "Bình xét <b>2024</b>" in plain


# --------------------------------------------------------------------------- the commands


@pytest.fixture
def cli_world() -> Iterator[None]:
    from models.db import engine_for

    engine = engine_for()
    Base.metadata.create_all(engine, checkfirst=True)
    with unit_of_work(engine) as session:
        small_world(session)
    yield


def test_the_commands(cli_world: None) -> None:
    from deployments.cli import ballots as cli

    app = typer.Typer()
    for name in (
        "council_create",
        "ballot_open",
        "ballot_vote",
        "ballot_opinion",
        "ballot_close",
        "ballot_minutes",
    ):
        app.command(name.replace("_", "-"))(getattr(cli, name))
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
        assert result.exit_code == 0, (result.output, result.exception)
        return result.output

    out = run("council-create", "HD-T", "Hội đồng TĐKT tỉnh Thử", "T")
    assert "Đã lập Hội đồng TĐKT tỉnh Thử (HD-T), 10 thành viên" in out
    closes = (today() + dt.timedelta(days=5)).isoformat()
    out = run(
        "ballot-open", "small-2023-2024", "HD-T", "--title", "Bình xét 2024",
        "--award", "giay-khen", "--closes", closes,
    )  # fmt: skip
    assert "Đã mở phiếu #1 (Giấy khen): 3 ứng viên, 10 thành viên" in out
    for email in [CHAIR, *MEMBERS[:-1]]:
        out = run("ballot-vote", "1", email, "--approve", "1", "--reject", "2", "--conflict", "3")
        assert "Đã ghi nhận phiếu" in out and "approve" not in out
    refused = runner.invoke(app, ["ballot-vote", "1", CHAIR, "--approve", "1"])
    assert "đã bỏ phiếu" in str(refused.exception)
    malformed = runner.invoke(app, ["ballot-opinion", "1", MEMBERS[-1], "--document", "5/YK",
                                    "--choice", "1=yes"])  # fmt: skip
    assert "ID=lựa chọn" in str(malformed.exception)
    out = run("ballot-opinion", "1", MEMBERS[-1], "--document", "5/YK", "--choice", "1=approve")
    assert "Đã nhập ý kiến bằng văn bản của Thành viên 09" in out and "approve" not in out
    out = run("ballot-close", "1")
    assert "10/10 thành viên tham gia (9 có mặt, 1 ý kiến bằng văn bản" in out and "Đạt" in out
    assert "BIÊN BẢN BÌNH XÉT" in run("ballot-minutes", "1")
    assert "<html" in run("ballot-minutes", "1", "--html")
