"""Issue 19, item 2: the council vote follows the decree in force.

Each test quotes the sentence it comes from. The decrees (Nghị định 91/2017/NĐ-CP, then
98/2023/NĐ-CP, then 152/2025/NĐ-CP) count approval on all members of the council and take the
written opinion of an absent member; the seeds say nothing of the vote itself; the rest is
the council's regulation (quy chế), kept as settings (docs/voting.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models.clock import TIMEZONE
from models.db import make_engine, migrate, unit_of_work
from models.lifecycle import CandidateStage
from models.orm import AuditEntry
from models.orm.ballots import Ballot, BallotParticipation, BallotVote, Council
from models.sealing import sealed_length
from models.services import ballots as service
from models.voting import (
    BallotStatus,
    ConflictCounting,
    TallyResult,
    VoteChoice,
    VotingRule,
    tally,
)
from models.voting_basis import BASES, basis_named, basis_on
from tests.conftest import Backend
from tests.test_voting import (
    AFTER,
    CHAIR,
    DURING,
    MEMBERS,
    SEAL,
    World,
    _member,
    _open,
    _stages,
    _vote,
    make_world,
)

SECRETARY = "thuky@t.example"


def _close(world: World, ballot_id: int) -> tuple[TallyResult, str]:
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        result = service.close_ballot(session, ballot, at=AFTER, actor="chair", seal=SEAL)
        return result, ballot.minutes or ""


def _written(world: World, ballot_id: int, email: str, choices: dict[int, str]) -> None:
    """The member sends their paper through their own link, as a written opinion."""
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        service.cast_vote(
            session, ballot, _member(session, email), choices, set(), at=DURING, seal=SEAL,
            written=True,
        )  # fmt: skip


def _entered(world: World, ballot_id: int, email: str, choices: dict[int, str], doc: str) -> None:
    """The secretary enters the member's written opinion with its document's reference."""
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        service.enter_written_opinion(
            session, ballot, _member(session, email), choices, set(), document=doc, at=DURING,
            actor=SECRETARY, seal=SEAL,
        )  # fmt: skip


# --------------------------------------------------------------------------- written opinions


def test_written_opinions_of_absent_members_are_counted(engine: Engine) -> None:
    """The decree counts 90% of all members and: "nếu thành viên Hội đồng vắng mặt thì lấy ý
    kiến bằng văn bản".

    10 members, 2 absent: without their written opinions nobody could reach 9 approvals.
    """
    world = make_world(engine)
    ballot_id = _open(world, award="chien-si-thi-dua-tinh")  # 90%: 9 of 10
    a, b, _ = world.candidate_ids
    for email in [CHAIR, *MEMBERS[:7]]:  # 8 present
        _vote(world, ballot_id, email, {a: "approve", b: "reject"})
    _written(world, ballot_id, MEMBERS[7], {a: "approve"})  # through their own link
    _entered(world, ballot_id, MEMBERS[8], {a: "approve", b: "approve"}, "05/YK-HĐTĐKT")

    with unit_of_work(world.engine) as session:  # sealed like any paper, no choice audited
        papers = session.scalars(select(BallotParticipation.sealed_paper)).all()
        assert {len(p or b"") for p in papers} == {sealed_length(3)}
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "ballot.written_opinion")
        ).all()
        assert [(e.actor, e.reason) for e in entries] == [
            (MEMBERS[7], "Thành viên 08 gửi ý kiến bằng văn bản (vắng mặt)"),
            (SECRETARY, "nhập ý kiến bằng văn bản của Thành viên 09 (văn bản số 05/YK-HĐTĐKT)"),
        ]

    result, minutes = _close(world, ballot_id)
    with unit_of_work(world.engine) as session:
        html = service.render_minutes(session, session.get_one(Ballot, ballot_id), html=True)
    assert "<li>Thành viên 09 (văn bản số 05/YK-HĐTĐKT; do thuky@t.example nhập)</li>" in html
    assert (result.members, result.present, result.written) == (10, 8, 2)
    assert [(r.approve, r.reject, r.abstain) for r in result.candidates][:2] == [
        (10, 0, 0),
        (1, 8, 1),
    ]
    assert result.selected_ids == {a}
    for expected in (
        "Số thành viên có mặt, bỏ phiếu tại phiên họp: 8/10",
        "Ý kiến bằng văn bản của thành viên vắng mặt: 2\n"
        "  + Thành viên 08 (gửi qua liên kết cá nhân)\n"
        f"  + Thành viên 09 (văn bản số 05/YK-HĐTĐKT; do {SECRETARY} nhập)\n",
        "Số thành viên tham gia bỏ phiếu: 10/10 (8 thành viên có mặt, 2 ý kiến bằng văn bản)",
        "ý kiến bằng văn bản của thành viên vắng mặt được tính như phiếu",
    ):
        assert expected in minutes, expected


def test_a_written_opinion_is_entered_once_with_its_document_before_the_deadline(
    engine: Engine,
) -> None:
    world = make_world(engine)
    ballot_id = _open(world)
    a = world.candidate_ids[0]
    with pytest.raises(service.BallotError, match="cần ghi số, ký hiệu văn bản"):
        _entered(world, ballot_id, MEMBERS[0], {a: "approve"}, "  ")
    with pytest.raises(service.BallotError, match="dài quá 200"):
        _entered(world, ballot_id, MEMBERS[0], {a: "approve"}, "x" * 201)
    _vote(world, ballot_id, MEMBERS[0], {a: "approve"})
    with pytest.raises(service.AlreadyVoted):
        _entered(world, ballot_id, MEMBERS[0], {a: "reject"}, "06/YK")
    with unit_of_work(world.engine) as session, pytest.raises(service.BallotClosed):
        service.enter_written_opinion(
            session, session.get_one(Ballot, ballot_id), _member(session, MEMBERS[1]), {}, set(),
            document="07/YK", at=AFTER, actor=SECRETARY, seal=SEAL,
        )  # fmt: skip


def test_written_opinions_do_not_make_a_quorum(engine: Engine) -> None:
    """Issue 19: "no quorum means the session is postponed and nothing is decided"; the quorum
    is the meeting's: written opinions are the absent members' ("nếu thành viên Hội đồng vắng
    mặt thì lấy ý kiến bằng văn bản")."""
    world = make_world(engine)
    ballot_id = _open(world)
    everyone = dict.fromkeys(world.candidate_ids, "approve")
    for email in MEMBERS[:6]:  # 6 present: a 2/3 quorum of 10 needs 7
        _vote(world, ballot_id, email, everyone)
    for email in [CHAIR, *MEMBERS[6:]]:
        _written(world, ballot_id, email, everyone)
    result, minutes = _close(world, ballot_id)
    assert (result.participated, result.present, result.postponed) == (10, 6, True)
    assert result.selected_ids == frozenset()
    assert _stages(world) == [CandidateStage.NOMINATED] * 3
    assert "Số thành viên có mặt, bỏ phiếu tại phiên họp: 6/10" in minutes
    assert "không đạt, phiên họp được hoãn" in minutes


def test_the_tally_counts_presence_for_the_quorum_and_every_paper_for_approval() -> None:
    rule = VotingRule(quorum=2 / 3, approval=0.9)
    result = tally(10, 10, {1: (9, 1, 0)}, rule, present=7)
    assert (result.quorum_met, result.written, result.selected_ids) == (True, 3, frozenset({1}))
    with pytest.raises(ValueError, match="có mặt"):
        tally(10, 5, {}, rule, present=6)


# --------------------------------------------------------------------------- conflicts


@pytest.mark.parametrize(
    ("counting", "selected", "ratio_line"),
    [
        (
            ConflictCounting.COUNTED,
            False,
            "Tỷ lệ đồng ý trên tổng số thành viên Hội đồng: 60%",
        ),
        (
            ConflictCounting.EXCLUDED,
            True,
            "Tỷ lệ đồng ý trên 8 thành viên Hội đồng (không tính 2 thành viên có xung đột lợi "
            "ích): 75%",
        ),
    ],
)
def test_how_a_conflict_counts_is_the_councils_setting(
    engine: Engine, counting: ConflictCounting, selected: bool, ratio_line: str
) -> None:
    """Issue 19: "how conflicts count is a council setting with a lawful default, shown in the
    minutes". 10 members at 70%; two declare a conflict on the third candidate, six of the
    other eight approve: 6/10 under `counted` (the default), 6/8 under `excluded`."""
    world = make_world(engine, conflict_counting=counting)
    ballot_id = _open(world)
    c = world.candidate_ids[2]
    for i, email in enumerate([CHAIR, *MEMBERS]):
        if i < 2:
            _vote(world, ballot_id, email, {c: "abstain"}, frozenset({c}))
        else:
            _vote(world, ballot_id, email, {c: "approve" if i < 8 else "reject"})
    result, minutes = _close(world, ballot_id)
    with unit_of_work(world.engine) as session:
        html = service.render_minutes(session, session.get_one(Ballot, ballot_id), html=True)
    assert f"theo quy chế của Hội đồng, {counting.label}" in html
    assert ("(trên 8 thành viên)" in html) == selected
    row = result.candidates[2]
    assert (row.counted_members, row.selected) == (10 if not selected else 8, selected)
    assert ratio_line in minutes
    assert f"theo quy chế của Hội đồng, {counting.label}" in minutes


def test_the_default_keeps_a_conflicted_member_in_the_denominator(engine: Engine) -> None:
    """The decrees write "tổng số thành viên Hội đồng" and say nothing of conflicts: the default
    is the literal count, under which a conflict can never lower the bar."""
    world = make_world(engine)
    with unit_of_work(world.engine) as session:
        council = session.scalars(select(Council)).one()
        assert council.conflict_counting == ConflictCounting.COUNTED
    assert tally(10, 10, {1: (6, 0, 4)}, excluded={}).candidates[0].counted_members == 10
    nobody = tally(3, 3, {1: (0, 0, 3)}, excluded={1: 3}).candidates[0]
    assert (nobody.selected, nobody.reason) == (
        False,
        "Không đạt: mọi thành viên Hội đồng đều có xung đột lợi ích với ứng viên này",
    )


# --------------------------------------------------------------------------- the decree in force


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (dt.date(2023, 12, 31), "nd-91-2017"),
        (dt.date(2024, 1, 1), "nd-98-2023"),
        (dt.date(2025, 6, 30), "nd-98-2023"),
        (dt.date(2025, 7, 1), "nd-152-2025"),
        (dt.date(2026, 12, 6), "nd-152-2025"),
    ],
)
def test_the_decree_in_force_on_the_opening_day(day: dt.date, key: str) -> None:
    """DOMAIN.md: "Nghị định 98/2023 was replaced by Nghị định 152/2025 (from 1/7/2025)"; NĐ
    98/2023 (31/12/2023) took effect on 01/01/2024 and replaced NĐ 91/2017."""
    assert basis_on(day).key == key


def test_an_unverified_article_says_so_rather_than_inventing_one() -> None:
    assert [b.valid_from for b in BASES] == sorted(b.valid_from for b in BASES)
    for basis in BASES:
        assert "cần đối chiếu" in basis.citation  # none checked against the official text yet
        assert basis.approval["chien-si-thi-dua-tinh"] == 0.9
    assert basis_named(None) is None


def test_a_ballot_records_the_decree_it_used_and_the_minutes_cite_it(engine: Engine) -> None:
    world = make_world(engine)
    opens = dt.datetime(2025, 7, 2, 8, 0, tzinfo=TIMEZONE)
    closes = dt.datetime(2025, 7, 9, 23, 59, 59, tzinfo=TIMEZONE)
    ballot_id = _open(world, at=opens, closes_at=closes)
    later = dt.datetime(2025, 7, 3, 9, 0, tzinfo=TIMEZONE)
    for email in [CHAIR, *MEMBERS]:
        _vote(world, ballot_id, email, {}, at=later)
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        assert ballot.basis == "nd-152-2025"
        service.close_ballot(session, ballot, at=later, actor="chair", seal=SEAL)
        minutes = ballot.minutes or ""
    assert (
        "Căn cứ: Nghị định 152/2025/NĐ-CP (điều, khoản: cần đối chiếu văn bản gốc), hiệu lực từ "
        "01/07/2025; quy chế hoạt động của Hội đồng." in minutes
    )


# --------------------------------------------------------------------------- storage


def test_a_vote_row_forged_into_a_session_without_quorum_stops_the_postponement(
    engine: Engine,
) -> None:
    """Postponing erases the papers unread, but tampering is reported, not wiped."""
    world = make_world(engine)
    ballot_id = _open(world)
    a = world.candidate_ids[0]
    _vote(world, ballot_id, MEMBERS[0], {a: "reject"})
    with unit_of_work(world.engine) as session:
        session.add(BallotVote(ballot_id=ballot_id, candidate_id=a, choice=VoteChoice.APPROVE))
    with pytest.raises(service.BallotError, match="không khớp với danh sách bỏ phiếu"):
        _close(world, ballot_id)
    with unit_of_work(world.engine) as session:
        assert session.get_one(Ballot, ballot_id).status == BallotStatus.OPEN


def test_migration_0016_refuses_to_go_down_under_a_postponed_ballot(
    tmp_path: Path, backend: Backend
) -> None:
    """The older code cannot read `postponed`, and calling it closed would claim a decision."""
    engine = make_engine(backend.create(tmp_path / "m"))
    try:
        migrate(engine)
        world = make_world(engine)
        ballot_id = _open(world)
        _vote(world, ballot_id, MEMBERS[0], {})
        assert _close(world, ballot_id)[0].postponed
        with pytest.raises(RuntimeError, match="ballots were postponed"):
            migrate(engine, "0014")
        with unit_of_work(engine) as session:
            session.get_one(Ballot, ballot_id).status = BallotStatus.CLOSED
        migrate(engine, "0014")
        migrate(engine)
    finally:
        engine.dispose()
        backend.drop(tmp_path / "m")
