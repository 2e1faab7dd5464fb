"""The council's minutes and the ballot count as filed documents (issue 23, item 1): what they
say, from the closed ballot's tally, with no paper linked to a member."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from models.db import unit_of_work
from models.orm import Contact
from models.orm.ballots import Ballot
from models.services import ballots as service
from models.services import minutes_documents as minutes
from tests.test_voting import (
    AFTER,
    DURING,
    MEMBERS,
    SEAL,
    World,
    _open,
    _vote_the_usual_way,
    make_world,
)


@pytest.fixture
def world(engine: Engine) -> World:
    """The voting tests' world; member 02 is the council's secretary in the directory."""
    made = make_world(engine)
    with unit_of_work(engine) as session:
        for contact in session.scalars(select(Contact).where(Contact.email == MEMBERS[1])):
            contact.position = "Ủy viên, Thư ký Hội đồng"
    return made


def closed(world: World) -> int:
    """A ballot voted the voting tests' usual way (9 of 10, 2 of 3 selected), closed."""
    ballot_id = _open(world)
    _vote_the_usual_way(world, ballot_id)
    with unit_of_work(world.engine) as session:
        service.close_ballot(
            session, session.get_one(Ballot, ballot_id), at=AFTER, actor="chair", seal=SEAL
        )
    return ballot_id


def test_the_meeting_minutes_say_who_met_what_for_and_what_was_decided(world: World) -> None:
    ballot_id = closed(world)
    with unit_of_work(world.engine) as session:
        body = minutes.meeting_context(session, session.get_one(Ballot, ballot_id))
    assert body["council_name"] == "Hội đồng TĐKT tỉnh Thử"
    assert body["place"].startswith("Trụ sở ")
    assert body["closed_at"] == "08 giờ 00, ngày 16/05/2024"
    assert body["secretary"] == "Thành viên 02"
    assert len(body["present_members"]) == 9 and body["written_members"] == []
    assert body["absent_members"] == [{"name": "Thành viên 09", "position": "Ủy viên Hội đồng"}]
    assert {"name": "Thành viên 02", "position": "Ủy viên, Thư ký Hội đồng"} in body[
        "present_members"
    ]
    assert len(body["agenda"]) == 3
    assert [c["result"] for c in body["candidates"]] == ["Đạt", "Không đạt", "Đạt"]
    assert body["conclusion"].startswith("Hội đồng thống nhất đề nghị xét tặng Giấy khen cho 2/3")
    assert "Nguyễn Văn An (Sở A)" in body["conclusion"]


def test_the_count_has_papers_and_shares_of_all_members(world: World) -> None:
    ballot_id = closed(world)
    with unit_of_work(world.engine) as session:
        body = minutes.count_context(session, session.get_one(Ballot, ballot_id))
    papers = (body["issued"], body["returned"], body["valid"], body["invalid"])
    assert papers == (10, 9, 9, 0)
    first, second, third = body["candidates"]
    assert (first["approve"], first["reject"], first["ratio"], first["reject_ratio"]) == (
        7,
        1,
        "70%",
        "10%",
    )
    assert (second["approve"], second["ratio"], second["result"]) == (6, "60%", "Không đạt")
    assert [c["name"] for c in body["passed"]] == [first["name"], third["name"]]
    assert body["tellers"] == ["Thành viên 02"]


def test_no_document_before_the_close_and_no_count_of_a_postponed_session(
    world: World,
) -> None:
    """The papers are sealed while the ballot is open (docs/voting.md): no minutes, no count;
    a postponed session's papers were erased unread: minutes say so, no count exists."""
    ballot_id = _open(world)
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        with pytest.raises(service.BallotError, match="chưa kết thúc"):
            minutes.meeting_context(session, ballot)
        with pytest.raises(service.BallotError, match="chưa kết thúc"):
            minutes.count_context(session, ballot)
        service.close_ballot(session, ballot, at=AFTER, actor="chair", seal=SEAL)
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        body = minutes.meeting_context(session, ballot)
        assert body["conclusion"].startswith("Phiên họp không đủ số thành viên có mặt")
        assert len(body["absent_members"]) == 10
        with pytest.raises(service.BallotError, match="không có biên bản kiểm phiếu"):
            minutes.count_context(session, ballot)


def test_a_written_opinion_is_listed_with_its_document_not_its_choice(world: World) -> None:
    """Member 09, absent, sends a paper opinion the secretary enters: the minutes list them
    apart with the document's number; the count counts their paper like any other."""
    ballot_id = _open(world)
    _vote_the_usual_way(world, ballot_id)
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        member = session.scalars(select(Contact).where(Contact.email == MEMBERS[8])).one()
        a = world.candidate_ids[0]
        service.enter_written_opinion(
            session, ballot, member, {a: "approve"}, set(), document="05/YK-HĐTĐKT",
            at=DURING, actor="thuky@t.example", seal=SEAL,
        )  # fmt: skip
        service.close_ballot(session, ballot, at=AFTER, actor="chair", seal=SEAL)
    with unit_of_work(world.engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        meeting = minutes.meeting_context(session, ballot)
        count = minutes.count_context(session, ballot)
    assert meeting["written_members"] == [
        {"name": "Thành viên 09", "position": "Ủy viên Hội đồng", "document": "05/YK-HĐTĐKT"}
    ]
    assert meeting["absent_members"] == []
    assert (count["returned"], count["not_returned"]) == (10, 0)
    assert count["candidates"][0]["approve"] == 8
