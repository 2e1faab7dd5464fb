"""Issue 20: "no invitation is sent when a ballot opens, only two reminders three days apart".
Opening a ballot writes one invitation per member (one per person, as their council
membership) with the candidates, the deadline and their personal vote link; a second sweep
writes none; the next send step delivers them (models.services.ballot_invitations)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from models.clock import TIMEZONE
from models.db import unit_of_work
from models.orm import Campaign, Contact, Email, Notification, Obligation, Unit
from models.orm.ballots import Ballot
from models.vocabulary import ContactRole
from notifications.mailbox import LocalMailbox
from tasks.chasing import prepare_day
from tasks.lifecycle import open_ballot
from tasks.sending import send_outbox
from tests.candidate_helpers import eligible_individuals
from tests.chase_helpers import SMALL, load_small
from tests.test_chase import smtp_for

OPENS = dt.datetime(2024, 5, 10, 8, 0, tzinfo=TIMEZONE)
MEMBERS = [("Trương Tiến Bình", f"tv{i}@t.example") for i in range(1, 4)]


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[LocalMailbox]:
    with LocalMailbox(tmp_path / "mail") as box:
        yield box


def _council_and_candidates() -> None:
    load_small()
    with unit_of_work() as session:
        province = session.scalars(select(Unit).where(Unit.code == "T")).one()
        for i, (name, email) in enumerate(MEMBERS, start=1):
            province.contacts.append(
                Contact(
                    name=f"{name} {i}",
                    role=ContactRole.COUNCIL_MEMBER,
                    email=email,
                    position="Ủy viên Hội đồng Thi đua - Khen thưởng tỉnh",
                )
            )
        # The chair is listed a second time as a member: one person, one invitation.
        province.contacts.append(
            Contact(name="Chủ tịch", role=ContactRole.COUNCIL_MEMBER, email="chair@t.example")
        )
        campaign = session.scalars(select(Campaign)).one()
        eligible_individuals(
            session, campaign, ["Nguyễn Văn An", "Trần Thị Bình"], year=2024, at=OPENS
        )


def _invitations() -> list[Email]:
    with unit_of_work() as session:
        return list(session.scalars(select(Email).where(Email.kind == "invitation")))


def test_opening_a_ballot_invites_each_member_once_with_their_link(
    mailbox: LocalMailbox,
) -> None:
    _council_and_candidates()
    ballot_id = open_ballot.fn(SMALL, OPENS)
    assert ballot_id is not None
    invited = _invitations()
    addresses = sorted(e.recipient_email for e in invited)
    assert addresses == sorted(["chair@t.example", *(email for _, email in MEMBERS)])
    with unit_of_work() as session:
        ballot = session.get_one(Ballot, ballot_id)
        closes = ballot.closes_at
    links = set()
    for email in invited:
        message = message_from_bytes(email.mime, policy=policy.default)
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert message["X-TDKT-Kind"] == "invitation"
        assert email.subject.startswith(f"[Mời bỏ phiếu, hạn {closes:%d/%m/%Y}]")
        assert len(email.subject) <= 80
        for name in ("Nguyễn Văn An", "Trần Thị Bình"):
            assert f"{name} — Sở A — đề nghị: Điển hình tiên tiến" in text
            assert name in html
        assert "trước 17 giờ 00 Thứ" in text and f"ngày {closes:%d/%m/%Y}" in text
        (link,) = re.findall(r"Bỏ phiếu trực tuyến: (\S+)", text)
        links.add(link)
        assert "Trân trọng,\nSở Nội vụ tỉnh Thử" in text
        if email.recipient_email == "tv1@t.example":
            assert text.startswith(
                "Kính gửi: Đồng chí Trương Tiến Bình 1, "
                "Ủy viên Hội đồng Thi đua - Khen thưởng tỉnh,"
            )
            assert "Sở Nội vụ tỉnh Thử đề nghị Đồng chí Trương Tiến Bình 1 cho ý kiến" in text
        if email.recipient_email == "chair@t.example":
            assert "Kính gửi: Đồng chí Chủ tịch, " in text and "kính báo cáo" in text
    assert len(links) == len(invited)  # each their own link

    prepare_day.fn(SMALL, OPENS + dt.timedelta(hours=1))  # the next sweep: none again
    prepare_day.fn(SMALL, OPENS + dt.timedelta(days=1))
    assert len(_invitations()) == len(invited)
    with unit_of_work() as session:  # the invitation stands for the vote's first reminder
        votes = session.scalars(
            select(Notification)
            .join(Notification.obligation)
            .where(Obligation.contact_id.is_not(None))
        ).all()
        assert votes == []
    sent = asyncio.run(
        send_outbox.fn(OPENS + dt.timedelta(days=1), settings=smtp_for(mailbox.port))
    )
    assert sent.sent >= len(invited)
    assert {e.status for e in _invitations()} == {"sent"}


def test_a_ballot_opened_elsewhere_is_invited_to_by_the_next_sweep() -> None:
    """A ballot opened through the CLI: the sweep opens the votes and writes the invitations."""
    from models.orm.ballots import Council
    from models.services import ballots

    _council_and_candidates()
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        province = session.scalars(select(Unit).where(Unit.code == "T")).one()
        council = ballots.council_from_directory(
            session, province, code="HD-T", name="Hội đồng TĐKT tỉnh Thử", at=OPENS, actor="t"
        )
        ballots.open_ballot(
            session,
            session.get_one(Council, council.id),
            campaign,
            list(ballots.awaiting_vote(session, campaign)),
            title="Bình xét điển hình năm 2024",
            award="giay-khen",
            closes_at=OPENS + dt.timedelta(days=5),
            at=OPENS,
            actor="t",
        )
    assert _invitations() == []
    prepare_day.fn(SMALL, OPENS + dt.timedelta(hours=1))
    assert len(_invitations()) == len(MEMBERS) + 1
    prepare_day.fn(SMALL, OPENS + dt.timedelta(hours=2))
    assert len(_invitations()) == len(MEMBERS) + 1


@pytest.mark.parametrize("link", ["https://tdkt.example/l/abc", ""])
def test_a_national_ballot_lists_a_hundred_and_points_to_the_vote_page(link: str) -> None:
    """The national bench's council invitation listed all 800 candidates (275 KB; 8,000 at
    the full shape). With a vote link the email lists the first hundred and says how many
    more are on the vote page, which lists them all; without one, the email is the member's
    only list and keeps every candidate."""
    from notifications.invitation import (
        LISTED,
        BallotCandidate,
        BallotInvitation,
        render_invitation,
    )
    from tests.test_notifications import content

    candidates = tuple(
        BallotCandidate(f"Điển hình số {n}", "Sở Y tế", "Điển hình tiên tiến")
        for n in range(1, 801)
    )
    invitation = BallotInvitation(
        content(recipient_name="Trương Tiến Bình"),
        council="Hội đồng Thi đua - Khen thưởng tỉnh",
        ballot_title="Bình xét điển hình tiên tiến năm 2024",
        candidates=candidates,
        closes_at=OPENS + dt.timedelta(days=14),
        link=link,
    )
    rendered = render_invitation(invitation)
    for part in (rendered.text, rendered.html):
        assert "(800 trường hợp)" in part
        assert "Điển hình số 100 " in part or "Điển hình số 100<" in part
        assert ("Điển hình số 101 " in part or "Điển hình số 101<" in part) == (not link)
        assert ("… và 700 trường hợp khác: danh sách đầy đủ ở trang bỏ phiếu" in part) == bool(link)
    assert rendered.text.count("— đề nghị: Điển hình tiên tiến") == (LISTED if link else 800)
    if link:
        assert len(rendered.text.encode()) + len(rendered.html.encode()) < 40_000
