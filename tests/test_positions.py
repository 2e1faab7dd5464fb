"""One person, several positions (issue 18, item 3): the chair who is also the unit's head.

The directory lists a person once per position (unit and role), all under one email address.
Such a person is one member of the council, is sent one email a day whose items each carry a
link addressed to the position the item is about (the vote: their council membership), and
votes once, from the page that link opens. End to end: directory file, ballot, the daily
sweeps through the local SMTP server, the links read back out of the captured emails, the web
pages through FastAPI's TestClient.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from deployments.web.app import create_app
from models import people
from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from models.orm import (
    AccessLink,
    Ballot,
    BallotParticipation,
    Campaign,
    Contact,
    Council,
    Obligation,
    Unit,
)
from models.services import ballots
from models.services.access import IntakeSettings
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.services.process_obligations import open_process_obligations
from models.vocabulary import ContactRole
from notifications.mailbox import LocalMailbox
from tests.candidate_helpers import eligible_individuals
from tests.chase_helpers import SMALL, days, sweep
from tests.conftest import SMALL_PLAN
from tests.test_chase import smtp_for
from tests.web_helpers import captured, during, links_for, path_of

pytestmark = pytest.mark.security

D = dt.date
PERSON = "chutich@t.example"
OPENS = dt.datetime(2023, 2, 20, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
CLOSES = dt.datetime(2023, 3, 7, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SAME_DAY = D(2023, 3, 2)
"""Sở A's late report escalates to its head, and the ballot (closing Tuesday 07/03) reminds its
members three working days before: both reach the person on this day."""

DIRECTORY = f"""\
format: 1
units:
  - code: T
    name: Ủy ban nhân dân tỉnh Thử
    kind: province
    contacts:
      - {{name: Lê Văn Chủ, role: head, email: {PERSON}}}
      - {{name: Lê Văn Chủ, role: council_chair, email: {PERSON}}}
      - {{name: Lê Văn Chủ, role: council_member, email: {PERSON.upper()}}}
      - {{name: Thành viên Hai, role: council_member, email: tv2@t.example}}
      - {{name: Thành viên Ba, role: council_member, email: tv3@t.example}}
  - code: T.SNV
    name: Sở Nội vụ
    kind: department
    parent: T
    contacts:
      - {{name: Ban Thi đua, role: standing_body, email: snv@t.example}}
  - code: T.A
    name: Sở A
    kind: department
    parent: T
    contacts:
      - {{name: Cán bộ A, role: emulation_officer, email: officer@a.example}}
      - {{name: Lê Văn Chủ, role: head, email: {PERSON}}}
  - code: T.B
    name: Sở B
    kind: department
    parent: T
    contacts:
      - {{name: Cán bộ B, role: emulation_officer, email: officer@b.example}}
      - {{name: Giám đốc B, role: head, email: head@b.example}}
"""
"""The small world, but the province's head is also its council's chair and a member, listed
head first (so the head's record has the lowest id), and the head of Sở A as well."""

FORM = re.compile(r'name="(obligation_id|form_token)" value="([^"]*)"')


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[LocalMailbox]:
    with LocalMailbox(tmp_path / "mail") as box:
        yield box


def build(tmp_path: Path) -> int:
    """Directory and plan, two eligible candidates of Sở A, the council from the directory and
    its ballot (open 20/02-07/03/2023); returns the ballot's id."""
    directory = tmp_path / "directory.yaml"
    directory.write_text(DIRECTORY, encoding="utf-8")
    with unit_of_work() as session:
        import_directory_file(session, directory, at=now(), actor="test")
        load_plan_file(session, SMALL_PLAN, default_calendar(), at=now(), actor="test")
    with unit_of_work() as session:
        province = session.scalars(select(Unit).where(Unit.code == "T")).one()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        names = ["Nguyễn Văn An", "Trần Thị Bình"]
        candidates = eligible_individuals(session, campaign, names, year=2023, at=OPENS)
        council = ballots.council_from_directory(
            session, province, code="HD-T", name="Hội đồng TĐKT tỉnh Thử", at=OPENS, actor="test"
        )
        ballot = ballots.open_ballot(
            session,
            council,
            campaign,
            candidates,
            title="Bình xét điển hình năm 2023",
            award="giay-khen",
            closes_at=CLOSES,
            at=OPENS,
            actor="test",
        )
        open_process_obligations(session, campaign, default_calendar(), at=OPENS)
        return ballot.id


def contact_of(url: str) -> tuple[Contact, Obligation]:
    """The contact a link is addressed to, and its obligation."""
    signer = IntakeSettings.from_env().signer
    link_id, _ = signer.read_link_token(url.rsplit("/", 1)[-1])
    with unit_of_work() as session:
        link = session.get(AccessLink, link_id)
        assert link is not None
        found = link.contact, link.obligation
        session.expunge_all()
        return found


def council_roll() -> list[Contact]:
    with unit_of_work() as session:
        council = session.scalars(select(Council)).one()
        members = list(council.members)
        session.expunge_all()
        return members


def papers_and_voters(ballot_id: int) -> tuple[int, int]:
    """Sealed papers and members marked as voted: while the ballot is open a vote is one
    sealed paper on the member's roll row (models/sealing.py), opened only at the close."""
    with unit_of_work() as session:
        votes = session.scalar(
            select(func.count())
            .select_from(BallotParticipation)
            .where(
                BallotParticipation.ballot_id == ballot_id,
                BallotParticipation.sealed_paper.is_not(None),
            )
        )
        voters = session.scalar(
            select(func.count())
            .select_from(BallotParticipation)
            .where(
                BallotParticipation.ballot_id == ballot_id,
                BallotParticipation.voted_at.is_not(None),
            )
        )
        return votes or 0, voters or 0


def vote(client: TestClient, path: str) -> int:
    """Open the page, fill the ballot (approve all) and send it; the response's status."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert 'id="ballot"' in page.text, "the page shows no ballot form"
    fields = {name: unescape(value) for name, value in FORM.findall(page.text)}
    choices = {f"choice_{c}": "approve" for c in set(re.findall(r'name="choice_(\d+)"', page.text))}
    response = client.post(f"{path}/bo-phieu", data=fields | choices, follow_redirects=False)
    status: int = response.status_code
    return status


def test_head_chair_and_member_is_one_member_of_the_council(tmp_path: Path) -> None:
    build(tmp_path)
    roll = council_roll()
    assert sorted(c.email for c in roll) == sorted([PERSON, "tv2@t.example", "tv3@t.example"])
    (chair,) = [c for c in roll if c.email == PERSON]
    assert chair.role == ContactRole.COUNCIL_CHAIR  # the chair's position, for the minutes


def test_the_head_who_chairs_the_council_votes_once_from_the_email(
    tmp_path: Path, mailbox: LocalMailbox
) -> None:
    """The ballot opens, the morning sweeps write the reminder, its link opens the ballot form,
    the vote is counted once; a second form from the same email is refused."""
    ballot_id = build(tmp_path)
    for day in days(D(2023, 2, 20), SAME_DAY):
        sweep(day, smtp_for(mailbox.port))
    links = links_for(mailbox.folder, PERSON)
    vote_links = [u for u in links if contact_of(u)[1].contact_id is not None]
    assert vote_links, "no vote link reached the chair"
    for url in vote_links:
        contact, obligation = contact_of(url)
        assert contact.id == obligation.contact_id  # addressed to the council membership
        assert contact.role == ContactRole.COUNCIL_CHAIR

    client = TestClient(create_app(now=lambda: during(SAME_DAY)))
    assert vote(client, path_of(vote_links[-1])) == 303
    assert papers_and_voters(ballot_id) == (1, 1)
    page = client.get(path_of(vote_links[0])).text
    assert 'id="voted"' in page and 'id="ballot"' not in page
    assert papers_and_voters(ballot_id) == (1, 1)


def test_one_email_a_day_whose_items_link_to_each_position(
    tmp_path: Path, mailbox: LocalMailbox
) -> None:
    """On 02/03/2023 the person is reminded of their vote (as a council member) and told of Sở
    A's late report (as its head): one email, and each item's link is addressed to the position
    the item is about; the report's link acts for Sở A, the vote's link votes."""
    build(tmp_path)
    for day in days(D(2023, 2, 20), SAME_DAY):
        sweep(day, smtp_for(mailbox.port))
    today = [
        (to, text) for to, _, text in captured(mailbox.folder) if PERSON in to and "02/03" in text
    ]
    assert len(today) == 1, [to for to, _ in today]
    urls = re.findall(r"https?://[^\s<>\"]+/l/[A-Za-z0-9_.\-]+", today[0][1])
    addressed = {}
    for url in urls:
        contact, obligation = contact_of(url)
        addressed[obligation.occurrence] = (contact.role, contact.unit_id, obligation)
    kinds = {role for role, _, _ in addressed.values()}
    assert kinds == {ContactRole.HEAD, ContactRole.COUNCIL_CHAIR}, addressed
    for role, unit_id, obligation in addressed.values():
        assert unit_id == obligation.unit_id  # the position is in the unit that owes the item
        if obligation.contact_id is not None:
            assert role == ContactRole.COUNCIL_CHAIR

    client = TestClient(create_app(now=lambda: during(SAME_DAY)))
    vote_url = next(u for u in urls if contact_of(u)[1].contact_id is not None)
    assert vote(client, path_of(vote_url)) == 303


def test_a_link_to_another_position_of_the_same_person_votes_for_the_membership(
    tmp_path: Path,
) -> None:
    """A link issued before this fix to the head's record (the same person, the same mailbox)
    opens the ballot form, and the vote is the membership's: counted once."""
    from models.services.access import issue_link

    ballot_id = build(tmp_path)
    signer = IntakeSettings.from_env().signer
    with unit_of_work() as session:
        ballot = session.get(Ballot, ballot_id)
        assert ballot is not None
        obligation = session.scalars(
            select(Obligation)
            .join(Contact, Obligation.contact_id == Contact.id)
            .where(Contact.email == PERSON)
        ).one()
        head = session.scalars(
            select(Contact).where(
                Contact.email == PERSON,
                Contact.role == ContactRole.HEAD,
                Contact.unit_id == obligation.unit_id,
            )
        ).one()
        assert people.same_person(head, obligation.contact)
        token = issue_link(session, signer, head, obligation, at=OPENS)
    client = TestClient(create_app(now=lambda: during(D(2023, 2, 21))))
    assert vote(client, f"/l/{token}") == 303
    assert papers_and_voters(ballot_id) == (1, 1)
    with unit_of_work() as session:
        (voter,) = session.scalars(
            select(BallotParticipation.contact_id).where(BallotParticipation.voted_at.is_not(None))
        ).all()
        assert voter == obligation.contact_id
