"""The web intake against misuse and attack, through its HTTP interface (FastAPI TestClient).

Expired, edited, revoked, unknown and foreign links; replayed, stale and cross-site forms;
another unit's obligation; a second vote and a vote by a non-member; hostile uploads and
hostile text. Every refusal must be a clear Vietnamese page that changes nothing, and each test
checks that in the database (statuses, audit log, documents, spent tokens, the ballot roll), not
only in the HTML. Also the coordinator's review (sign-in, accept, return, the chase restarting)
and the emails' own defences (escaped names, no injected header, long Vietnamese subjects).

The world: the small plan (Sở A and Sở B owe a report due 28/02/2023) swept on its first
reminder day; links are read out of the emails a local SMTP server captured.
"""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.policy
import hashlib
import io
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from email.message import EmailMessage
from html import unescape
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import ColumnElement, func, select

from deployments.web.app import create_app
from models.db import Settings, unit_of_work
from models.orm import (
    AccessLink,
    AuditEntry,
    Ballot,
    BallotParticipation,
    Candidate,
    Contact,
    Obligation,
    SubmittedDocument,
    Unit,
    UsedFormToken,
)
from models.services import obligations as obligation_service
from models.services.access import IntakeSettings
from models.services.accounts import add_coordinator
from models.signing import FORM_TOKEN_MAX_AGE, Signer
from models.vocabulary import ObligationStatus
from notifications.mailbox import LocalMailbox
from tests.chase_helpers import SMALL, days, notifications, sweep
from tests.conftest import Backend
from tests.test_chase import smtp_for
from tests.test_notifications import content, item, message
from tests.web_helpers import (
    MEMBERS,
    REMINDER_DAY,
    docx_bytes,
    during,
    links_for,
    load_world,
    odt_bytes,
    open_ballot_world,
    path_of,
    pdf_bytes,
    standing_body,
)

D = dt.date
VOTE_DAY = D(2023, 2, 28)  # the ballot's members got their first reminder that morning
ESCALATION_DAY = D(2023, 3, 9)  # the standing body is told of the members' late votes
SECRET_KEY = "test-web-secret-key-0123456789"
USERNAME = "dieuphoi"
PASSWORD = "mat-khau-du-dai-2023"
LOGIN = "/dieu-phoi/dang-nhap"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HIDDEN = re.compile(r'name="(obligation_id|form_token|csrf)" value="([^"]*)"')
MESSAGE = re.compile(r'id="message">([^<]*)<')


# --- the world, the app and its clients ------------------------------------------------------


class Clock:
    """The app's clock; a test moves it (`clock.at = ...`)."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@dataclass(frozen=True)
class World:
    mail: Path
    a: str  # path (/l/<token>) of Sở A's officer's personal link
    b: str  # the same for Sở B
    a_id: int  # their report obligations
    b_id: int


@dataclass(frozen=True)
class BallotWorld:
    mail: Path
    ballot_id: int
    member: str  # path of the first council member's link to vote


@dataclass(frozen=True)
class State:
    """What a refused request must leave exactly as it was."""

    obligations: tuple[tuple[int, str, int, str | None], ...]  # id, status, cycle, note
    audit_rows: int
    documents: int
    files: tuple[str, ...]
    spent_tokens: int
    voted: int
    votes: int  # sealed ballot papers (choices are written only at the close)
    revoked: int


def state() -> State:
    with unit_of_work() as session:

        def count(table: type[object], *where: ColumnElement[bool]) -> int:
            return session.scalar(select(func.count()).select_from(table).where(*where)) or 0

        rows = session.execute(
            select(Obligation.id, Obligation.status, Obligation.cycle, Obligation.note).order_by(
                Obligation.id
            )
        ).all()
        return State(
            obligations=tuple((i, s.value, c, n) for i, s, c, n in rows),
            audit_rows=count(AuditEntry),
            documents=count(SubmittedDocument),
            files=stored_files(),
            spent_tokens=count(UsedFormToken),
            voted=count(BallotParticipation, BallotParticipation.voted_at.is_not(None)),
            votes=count(BallotParticipation, BallotParticipation.sealed_paper.is_not(None)),
            revoked=count(AccessLink, AccessLink.revoked_at.is_not(None)),
        )


def documents_dir() -> Path:
    return Settings.from_env().data_dir / "documents"


def stored_files() -> tuple[str, ...]:
    root = documents_dir()
    if not root.exists():
        return ()
    return tuple(sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()))


def status_of(obligation_id: int) -> ObligationStatus:
    with unit_of_work() as session:
        found = session.get(Obligation, obligation_id)
        assert found is not None
        return found.status


def signer() -> Signer:
    return IntakeSettings.from_env().signer


def link_row(path: str) -> AccessLink:
    link_id, _ = signer().read_link_token(path.rsplit("/", 1)[-1])
    with unit_of_work() as session:
        found = session.get(AccessLink, link_id)
        assert found is not None
        return found


# Building a world (migrations, directory, plan, sweeps) takes about a second; each is built
# once per session into a template folder and copied into every test's own data directory.


def build_template(folder: Path, build: Callable[[LocalMailbox], None], backend: Backend) -> Path:
    """Run build with folder/data as the data directory and a mailbox writing to folder/mail."""
    with pytest.MonkeyPatch.context() as patch:
        backend.use(patch, folder / "data")
        patch.setenv("TDKT_SECRET_KEY", SECRET_KEY)
        with LocalMailbox(folder / "mail") as box:
            build(box)
    return folder


def restore(backend: Backend, template: Path, data_dir: Path, mail: Path) -> None:
    """A copy of a template: its database (on either backend) and its emails."""
    backend.copy(template / "data", data_dir)
    shutil.copytree(template / "mail", mail, dirs_exist_ok=True)


def add_the_coordinator() -> None:
    with unit_of_work() as session:
        add_coordinator(
            session,
            USERNAME,
            "Cán bộ điều phối",
            PASSWORD,
            unit=standing_body(session),
            at=during(REMINDER_DAY, 8),
            actor="test",
        )


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """One signing key for the templates and every app (as TDKT_SECRET_KEY in production)."""
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET_KEY)


@pytest.fixture(scope="session")
def small_template(tmp_path_factory: pytest.TempPathFactory, backend: Backend) -> Path:
    """The small plan on its first reminder day (23/02/2023), and a coordinator account."""

    def build(box: LocalMailbox) -> None:
        load_world()
        sweep(REMINDER_DAY, smtp_for(box.port))
        add_the_coordinator()

    return build_template(tmp_path_factory.mktemp("small"), build, backend)


@pytest.fixture(scope="session")
def ballot_template(tmp_path_factory: pytest.TempPathFactory, backend: Backend) -> Path:
    """The small plan with a council ballot, swept until its members' first reminder."""

    def build(box: LocalMailbox) -> None:
        load_world()
        open_ballot_world()
        for day in days(D(2023, 2, 20), VOTE_DAY):
            sweep(day, smtp_for(box.port))

    return build_template(tmp_path_factory.mktemp("ballot"), build, backend)


@pytest.fixture(scope="session")
def escalated_template(
    tmp_path_factory: pytest.TempPathFactory, ballot_template: Path, backend: Backend
) -> Path:
    """The ballot world swept on to 09/03/2023, when the standing body hears of late votes."""
    folder = tmp_path_factory.mktemp("escalated")
    restore(backend, ballot_template, folder / "data", folder / "mail")

    def build(box: LocalMailbox) -> None:
        for day in days(VOTE_DAY + dt.timedelta(days=1), ESCALATION_DAY):
            sweep(day, smtp_for(box.port))

    return build_template(folder, build, backend)


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[LocalMailbox]:
    with LocalMailbox(tmp_path / "mail") as box:
        yield box


@pytest.fixture
def world(small_template: Path, data_dir: Path, mailbox: LocalMailbox, backend: Backend) -> World:
    restore(backend, small_template, data_dir, mailbox.folder)
    with unit_of_work() as session:
        a = obligation_service.find_obligation(session, SMALL, "report", "T.A")
        b = obligation_service.find_obligation(session, SMALL, "report", "T.B")
        assert a is not None and b is not None
        a_id, b_id = a.id, b.id
    (a_link,) = links_for(mailbox.folder, "officer@a.example")
    (b_link,) = links_for(mailbox.folder, "officer@b.example")
    return World(mailbox.folder, path_of(a_link), path_of(b_link), a_id, b_id)


def ballot_world(
    template: Path, data_dir: Path, mailbox: LocalMailbox, backend: Backend
) -> BallotWorld:
    restore(backend, template, data_dir, mailbox.folder)
    with unit_of_work() as session:
        (ballot_id,) = session.scalars(select(Ballot.id)).all()
    member = links_for(mailbox.folder, MEMBERS[0])[0]
    return BallotWorld(mailbox.folder, ballot_id, path_of(member))


@pytest.fixture
def ballot(
    ballot_template: Path, data_dir: Path, mailbox: LocalMailbox, backend: Backend
) -> BallotWorld:
    return ballot_world(ballot_template, data_dir, mailbox, backend)


@pytest.fixture
def clock() -> Clock:
    return Clock(during(REMINDER_DAY))


@pytest.fixture
def app(clock: Clock) -> FastAPI:
    return create_app(now=clock)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    """An agency's browser: no session, only personal links."""
    return TestClient(app)


@pytest.fixture
def coordinator(world: World) -> str:
    """The coordinator account of the small world (built with it)."""
    return USERNAME


@pytest.fixture
def staff(app: FastAPI, coordinator: str) -> TestClient:
    """A coordinator's browser, signed in."""
    browser = TestClient(app)
    assert sign_in(browser).status_code == 303
    return browser


# --- helpers ---------------------------------------------------------------------------------


def hidden(html: str) -> dict[str, str]:
    """The hidden fields of a page's first form (obligation_id, form_token or csrf)."""
    found: dict[str, str] = {}
    for name, value in HIDDEN.findall(html):
        found.setdefault(name, unescape(value))
    return found


def open_form(client: TestClient, path: str) -> dict[str, str]:
    """Open a link's page, as the agency does, and keep its form's hidden fields."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    fields = hidden(page.text)
    assert set(fields) == {"obligation_id", "form_token"}
    return fields


def upload(
    client: TestClient,
    path: str,
    fields: dict[str, str],
    *,
    name: str = "bao-cao.pdf",
    data: bytes | None = None,
    note: str = "",
) -> httpx.Response:
    response: httpx.Response = client.post(
        f"{path}/nop",
        data={**fields, "note": note},
        files={"document": (name, pdf_bytes() if data is None else data, "application/pdf")},
        follow_redirects=False,
    )
    return response


def raw_upload(
    client: TestClient, path: str, fields: dict[str, str], filename: bytes, data: bytes
) -> httpx.Response:
    """A multipart body written by hand, for filenames no well-behaved client would send."""
    boundary = "tdkt-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="'.encode()
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
    )
    body = b"".join(parts) + head + data + f"\r\n--{boundary}--\r\n".encode()
    response: httpx.Response = client.post(
        f"{path}/nop",
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        follow_redirects=False,
    )
    return response


def message_of(response: httpx.Response) -> str:
    """The text of the page's notice (id="message"), unescaped."""
    found = MESSAGE.search(response.text)
    assert found is not None, response.text
    return unescape(found.group(1))


def assert_refused(response: httpx.Response, status: int, *words: str) -> None:
    """A refusal: the status, a Vietnamese page, a notice with these words."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in response.text
    said = message_of(response)
    for word in words:
        assert word.lower() in said.lower(), said


def assert_escaped(html: str, hostile: str) -> None:
    """Hostile text appears only escaped; no page ever carries a script or an image tag."""
    assert hostile not in html
    assert str(escape(hostile)) in html
    assert "<script" not in html.lower() and "<img" not in html.lower()


def sign_in(browser: TestClient, password: str = PASSWORD) -> httpx.Response:
    csrf = hidden(browser.get(LOGIN).text)["csrf"]
    response: httpx.Response = browser.post(
        LOGIN,
        data={"username": USERNAME, "password": password, "csrf": csrf},
        follow_redirects=False,
    )
    return response


def csrf_on(browser: TestClient, obligation_id: int) -> str:
    page = browser.get(f"/dieu-phoi/nghia-vu/{obligation_id}")
    assert page.status_code == 200, page.text
    return hidden(page.text)["csrf"]


def submit_a(
    client: TestClient, world: World, *, data: bytes | None = None, note: str = ""
) -> httpx.Response:
    """Sở A sends its report through its link (a valid upload)."""
    response = upload(client, world.a, open_form(client, world.a), data=data, note=note)
    assert response.status_code == 303, response.text
    return response


def edit(token: str, part: int, at: int) -> str:
    """The token with one character of its payload (part 0) or signature (part 1) changed."""
    pieces = token.split(".")
    text = pieces[part]
    changed = "B" if text[at] == "A" else "A"
    pieces[part] = text[:at] + changed + text[at + 1 :]
    return ".".join(pieces)


# --- links: expired, edited, replayed, revoked, unknown, foreign -----------------------------


def test_an_expired_link_is_gone(client: TestClient, clock: Clock, world: World) -> None:
    """A link works until its expiry (30 days after the due date), not one second more."""
    fields = open_form(client, world.a)
    expires = link_row(world.a).expires_at
    before = state()

    clock.at = expires
    assert client.get(world.a).status_code == 200
    clock.at = expires + dt.timedelta(seconds=1)
    assert_refused(client.get(world.a), 410, "hết hạn")
    assert_refused(upload(client, world.a, fields), 410, "hết hạn")
    assert state() == before


@pytest.mark.parametrize("part", [0, 1], ids=["payload", "signature"])
def test_an_edited_link_is_refused(client: TestClient, world: World, part: int) -> None:
    """Changing one character of the token's payload or of its signature breaks it."""
    fields = open_form(client, world.a)
    token = world.a.rsplit("/", 1)[-1]
    edited = "/l/" + edit(token, part, len(token.split(".")[part]) // 2)
    before = state()

    assert_refused(client.get(edited), 400, "không hợp lệ")
    assert_refused(upload(client, edited, fields), 400, "không hợp lệ")
    assert state() == before


def test_a_replayed_form_is_done_once(client: TestClient, world: World) -> None:
    """The same form sent twice: the second gets 409 and only one document is recorded."""
    fields = open_form(client, world.a)
    before = state()

    assert upload(client, world.a, fields).status_code == 303
    after_first = state()
    assert_refused(upload(client, world.a, fields, name="lan-hai.pdf"), 409, "đã được gửi")

    assert state() == after_first
    assert after_first.documents == before.documents + 1 == 1
    assert len(after_first.files) == 1
    # one status change and one upload record, from the first form only
    assert after_first.audit_rows == before.audit_rows + 2


def test_a_replayed_form_stays_refused_after_a_return(
    client: TestClient, staff: TestClient, world: World
) -> None:
    """Once returned, the obligation could take a new upload, but not from the old form."""
    fields = open_form(client, world.a)
    assert upload(client, world.a, fields).status_code == 303
    returned = staff.post(
        f"/dieu-phoi/nghia-vu/{world.a_id}/tra-lai",
        data={"reason": "Thiếu chữ ký", "csrf": csrf_on(staff, world.a_id)},
        follow_redirects=False,
    )
    assert returned.status_code == 303
    before = state()

    assert_refused(upload(client, world.a, fields, data=pdf_bytes("khác")), 409, "đã được gửi")
    assert state() == before
    assert status_of(world.a_id) == ObligationStatus.RETURNED


def test_a_revoked_link_is_gone(client: TestClient, staff: TestClient, world: World) -> None:
    """A coordinator revokes the link on the web; it then opens nothing and does nothing."""
    fields = open_form(client, world.a)
    link_id = link_row(world.a).id
    revoked = staff.post(
        f"/dieu-phoi/lien-ket/{link_id}/thu-hoi",
        data={"csrf": csrf_on(staff, world.a_id)},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert revoked.headers["location"] == f"/dieu-phoi/nghia-vu/{world.a_id}?da=1"
    before = state()
    assert before.revoked == 1

    assert_refused(client.get(world.a), 410, "thu hồi")
    assert_refused(upload(client, world.a, fields), 410, "thu hồi")
    assert state() == before
    assert status_of(world.a_id) == ObligationStatus.OPEN
    assert client.get(world.b).status_code == 200  # the other unit's link still works


def test_an_unknown_link_is_not_found(client: TestClient, world: World) -> None:
    """Signed with the right key but naming no live link (wrong nonce, unknown id): 404."""
    row = link_row(world.a)
    before = state()
    for token in (signer().link_token(row.id, "0" * 16), signer().link_token(9999, row.nonce)):
        assert_refused(client.get(f"/l/{token}"), 404, "không còn tồn tại")
    assert state() == before


def test_a_link_signed_with_another_key_is_refused(client: TestClient, world: World) -> None:
    """A well-formed token for a real link id and nonce, signed by another secret: 400."""
    row = link_row(world.a)
    forged = Signer("another-secret-key-of-an-attacker").link_token(row.id, row.nonce)
    fields = open_form(client, world.a)
    before = state()

    assert_refused(client.get(f"/l/{forged}"), 400, "không hợp lệ")
    assert_refused(upload(client, f"/l/{forged}", fields), 400, "không hợp lệ")
    assert state() == before


def test_a_stale_form_must_be_opened_again(client: TestClient, clock: Clock, world: World) -> None:
    """A form kept open longer than its token lives is refused; opening the page again works."""
    fields = open_form(client, world.a)
    clock.at += FORM_TOKEN_MAX_AGE + dt.timedelta(minutes=1)
    before = state()

    assert_refused(upload(client, world.a, fields), 400, "quá hạn", "mở lại trang")
    assert state() == before
    assert upload(client, world.a, open_form(client, world.a)).status_code == 303


# --- one unit, one obligation ----------------------------------------------------------------


def test_another_units_obligation_is_forbidden(client: TestClient, world: World) -> None:
    """Sở A's link with Sở B's obligation id in the form: 403, and B stays as it was."""
    fields = {**open_form(client, world.a), "obligation_id": str(world.b_id)}
    before = state()

    assert_refused(upload(client, world.a, fields), 403, "không dành cho")
    assert state() == before
    assert status_of(world.b_id) == ObligationStatus.OPEN


def test_a_links_page_never_shows_another_unit(client: TestClient, world: World) -> None:
    """Sở A's page names Sở A's obligation only: no Sở B, no B's id, no B's contacts."""
    page = client.get(world.a)
    assert page.status_code == 200
    assert "Sở A" in page.text and "Cán bộ A" in page.text
    assert "Sở B" not in page.text and "officer@b.example" not in page.text
    assert re.findall(r'name="obligation_id" value="(\d+)"', page.text) == [str(world.a_id)]


def test_a_form_of_one_link_is_refused_on_another(client: TestClient, world: World) -> None:
    """Sở A's form token sent through Sở B's link (with B's own obligation id): refused."""
    a_fields = open_form(client, world.a)
    fields = {"obligation_id": str(world.b_id), "form_token": a_fields["form_token"]}
    before = state()

    assert_refused(upload(client, world.b, fields), 400)
    assert state() == before
    assert status_of(world.b_id) == ObligationStatus.OPEN


# --- votes -----------------------------------------------------------------------------------


def ballot_choices(page: str, choice: str) -> dict[str, str]:
    candidates = sorted(set(re.findall(r'name="choice_(\d+)"', page)))
    assert len(candidates) == 2
    return {f"choice_{cid}": choice for cid in candidates}


def test_a_member_votes_once(client: TestClient, clock: Clock, ballot: BallotWorld) -> None:
    """A member votes from their link; a second form (another tab) is refused, one vote kept."""
    clock.at = during(VOTE_DAY)
    first, second = client.get(ballot.member), client.get(ballot.member)
    choices = ballot_choices(first.text, "approve")
    before = state()

    voted = client.post(
        f"{ballot.member}/bo-phieu", data={**hidden(first.text), **choices}, follow_redirects=False
    )
    assert voted.status_code == 303, voted.text
    after_vote = state()
    assert (after_vote.voted, after_vote.votes) == (before.voted + 1, before.votes + 1)

    again = client.post(
        f"{ballot.member}/bo-phieu",
        data={**hidden(second.text), **ballot_choices(second.text, "reject")},
        follow_redirects=False,
    )
    assert_refused(again, 400, "đã bỏ phiếu", "Chưa có gì được ghi")
    assert state() == after_vote

    page = client.get(ballot.member)
    assert 'id="voted"' in page.text and "đã bỏ phiếu" in page.text
    assert 'id="ballot"' not in page.text  # no second ballot is shown
    with unit_of_work() as session:
        roll = session.scalars(
            select(BallotParticipation).where(BallotParticipation.ballot_id == ballot.ballot_id)
        ).all()
        assert sorted(p.contact.email for p in roll if p.voted_at) == [MEMBERS[0]]


def test_an_absent_member_sends_a_written_opinion_through_their_link(
    client: TestClient, clock: Clock, ballot: BallotWorld
) -> None:
    """Issue 19: "nếu thành viên Hội đồng vắng mặt thì lấy ý kiến bằng văn bản": the member's
    own link marks their paper as a written opinion, sealed like any vote."""
    clock.at = during(VOTE_DAY)
    page = client.get(ballot.member).text
    assert 'name="written"' in page and "ý kiến bằng văn bản của tôi" in page
    fields = {**hidden(page), **ballot_choices(page, "approve"), "written": "1"}
    sent = client.post(f"{ballot.member}/bo-phieu", data=fields, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    with unit_of_work() as session:
        row = session.scalars(
            select(BallotParticipation).where(
                BallotParticipation.ballot_id == ballot.ballot_id,
                BallotParticipation.voted_at.is_not(None),
            )
        ).one()
        assert (row.contact.email, row.written, row.entered_by) == (MEMBERS[0], True, None)
        assert row.sealed_paper is not None


def test_a_vote_for_someone_not_on_the_ballot_is_refused(
    client: TestClient, clock: Clock, ballot: BallotWorld
) -> None:
    """A forged candidate id in the ballot form: refused whole, nothing recorded."""
    clock.at = during(VOTE_DAY)
    page = client.get(ballot.member).text
    before = state()

    forged = {**hidden(page), **ballot_choices(page, "approve"), "choice_9999": "approve"}
    response = client.post(f"{ballot.member}/bo-phieu", data=forged, follow_redirects=False)
    assert_refused(response, 400, "#9999")
    assert state() == before


def non_member_vote_link(mail: Path) -> tuple[str, AccessLink]:
    """A personal link the standing body got by escalation for a member's overdue vote."""
    for url in links_for(mail, "snv@t.example"):
        row = link_row(path_of(url))
        with unit_of_work() as session:
            obligation = session.get(Obligation, row.obligation_id)
            contact = session.get(Contact, row.contact_id)
            assert obligation is not None and contact is not None
            if obligation.contact_id is not None and obligation.contact_id != contact.id:
                return path_of(url), row
    raise AssertionError("the standing body got no link for a vote obligation")


@pytest.fixture
def escalated(
    escalated_template: Path,
    data_dir: Path,
    mailbox: LocalMailbox,
    clock: Clock,
    backend: Backend,
) -> tuple[str, AccessLink]:
    ballot_world(escalated_template, data_dir, mailbox, backend)
    clock.at = during(ESCALATION_DAY)
    return non_member_vote_link(mailbox.folder)


def test_a_non_member_cannot_vote(client: TestClient, escalated: tuple[str, AccessLink]) -> None:
    """The standing body's escalation link to a member's vote cannot cast that vote, even with
    a valid form token (minted with the server's key: the page itself shows no ballot form)."""
    path, row = escalated
    page = client.get(path)
    assert page.status_code == 200
    assert 'id="ballot"' not in page.text
    with unit_of_work() as session:
        candidates = session.scalars(select(Candidate.id)).all()
    fields = {
        "obligation_id": str(row.obligation_id),
        "form_token": signer().form_token(f"link:{row.id}", during(ESCALATION_DAY)),
        **{f"choice_{cid}": "approve" for cid in candidates},
    }
    before = state()

    response = client.post(f"{path}/bo-phieu", data=fields, follow_redirects=False)
    assert_refused(response, 400, "chỉ thành viên Hội đồng")
    assert state() == before
    assert before.voted == 0 and before.votes == 0


def test_a_non_member_is_not_told_they_voted(
    client: TestClient, escalated: tuple[str, AccessLink]
) -> None:
    """The standing body's page for a member's vote says it only follows the vote."""
    path, _ = escalated
    page = client.get(path).text
    assert "đã bỏ phiếu" not in page.lower()
    assert "Liên kết này để theo dõi" in page


# --- forms without their token ---------------------------------------------------------------


@pytest.mark.parametrize("csrf", [None, "", "wrong-token"])
def test_a_coordinator_post_without_the_csrf_token_is_forbidden(
    staff: TestClient, client: TestClient, world: World, csrf: str | None
) -> None:
    """A signed-in coordinator's browser made to post by another site: 403, nothing changed."""
    submit_a(client, world)
    before = state()
    data = {} if csrf is None else {"csrf": csrf}

    for action in ("tiep-nhan", "tra-lai"):
        response = staff.post(
            f"/dieu-phoi/nghia-vu/{world.a_id}/{action}",
            data={**data, "reason": "lý do"},
            follow_redirects=False,
        )
        assert_refused(response, 403, "CSRF")
    response = staff.post(
        f"/dieu-phoi/lien-ket/{link_row(world.a).id}/thu-hoi", data=data, follow_redirects=False
    )
    assert_refused(response, 403, "CSRF")
    assert state() == before
    assert status_of(world.a_id) == ObligationStatus.SUBMITTED


def test_a_login_without_the_csrf_token_is_forbidden(client: TestClient, coordinator: str) -> None:
    """Login CSRF: a right password posted without the page's token signs nobody in."""
    response = client.post(
        LOGIN, data={"username": USERNAME, "password": PASSWORD}, follow_redirects=False
    )
    assert_refused(response, 403, "đăng nhập")
    follow = client.get("/dieu-phoi", follow_redirects=False)
    assert follow.status_code == 303 and follow.headers["location"] == LOGIN


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_an_agency_post_without_its_form_token_is_refused(
    client: TestClient, world: World, token: str | None
) -> None:
    """A cross-site or scripted POST to a link has no valid form token: refused."""
    fields = open_form(client, world.a)
    if token is None:
        del fields["form_token"]
    else:
        fields["form_token"] = token
    before = state()

    assert_refused(upload(client, world.a, fields), 400)
    assert state() == before


def test_a_refused_form_token_is_named_as_the_form(client: TestClient, world: World) -> None:
    """The page says the form is at fault (open the page again), not the email's link."""
    fields = {**open_form(client, world.a), "form_token": ""}
    said = message_of(upload(client, world.a, fields))
    assert "biểu mẫu" in said.lower()
    assert "Liên kết không hợp lệ" not in said


# --- uploads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "media_type", "stored_as"),
    [
        ("Báo cáo năm 2023.pdf", pdf_bytes(), "application/pdf", "Báo cáo năm 2023.pdf"),
        (
            "bao-cao.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "bao-cao.docx",
        ),
        ("bao-cao.odt", odt_bytes(), "application/vnd.oasis.opendocument.text", "bao-cao.odt"),
        # the real type decides the extension, whatever the name says
        ("bao-cao.exe", pdf_bytes(), "application/pdf", "bao-cao.pdf"),
    ],
)
def test_a_valid_document_is_accepted_and_stored_by_hash(
    client: TestClient,
    world: World,
    name: str,
    data: bytes,
    media_type: str,
    stored_as: str,
) -> None:
    """PDF, DOCX and ODT are taken; the bytes land at documents/<sha[:2]>/<sha>."""
    response = upload(client, world.a, open_form(client, world.a), name=name, data=data)
    assert response.status_code == 303
    assert response.headers["location"].endswith("?da=nop")

    digest = hashlib.sha256(data).hexdigest()
    assert stored_files() == (f"{digest[:2]}/{digest}",)
    assert (documents_dir() / digest[:2] / digest).read_bytes() == data
    with unit_of_work() as session:
        (document,) = session.scalars(select(SubmittedDocument)).all()
        assert (document.obligation_id, document.sha256) == (world.a_id, digest)
        assert (document.filename, document.media_type) == (stored_as, media_type)
    assert status_of(world.a_id) == ObligationStatus.SUBMITTED
    done = client.get(response.headers["location"])
    assert "Đã nhận văn bản" in done.text and stored_as in done.text
    assert 'id="upload"' not in done.text  # nothing more to send


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "không phải văn bản")
    return buffer.getvalue()


WRONG_FILES = {
    "an executable renamed .pdf": ("bao-cao.pdf", b"\x7fELF\x02\x01\x01" + bytes(200)),
    "a Windows program renamed .pdf": ("bao-cao.pdf", b"MZ\x90\x00" + bytes(200)),
    "an HTML page": ("bao-cao.html", f"<!DOCTYPE html><html>{SCRIPT}</html>".encode()),
    "an HTML page renamed .pdf": ("bao-cao.pdf", f"<html>{SCRIPT}</html>".encode()),
    "a macro-enabled Word file": ("bao-cao.docx", docx_bytes(macro=True)),
    "a zip that is not a document": ("bao-cao.docx", plain_zip()),
    "a broken zip": ("bao-cao.docx", b"PK\x03\x04 not really a zip"),
    "an empty file": ("bao-cao.pdf", b""),
}


@pytest.mark.parametrize("kind", sorted(WRONG_FILES))
def test_a_wrong_file_type_is_refused(client: TestClient, world: World, kind: str) -> None:
    """Types are read from the bytes: anything but PDF, DOCX or ODT is refused, not stored."""
    name, data = WRONG_FILES[kind]
    before = state()

    response = upload(client, world.a, open_form(client, world.a), name=name, data=data)
    assert_refused(response, 400, "Chưa có gì được ghi")
    said = message_of(response)
    assert any(word in said for word in ("PDF, DOCX hoặc ODT", "macro", "hỏng", "rỗng")), said
    # nothing recorded but the form's token, spent so that the refusal cannot be hammered
    assert state() == replace(before, spent_tokens=before.spent_tokens + 1)
    assert stored_files() == ()


@pytest.fixture
def small_limit(clock: Clock) -> TestClient:
    """An app that takes uploads of at most 10 000 bytes."""
    settings = replace(IntakeSettings.from_env(), max_upload_bytes=10_000)
    return TestClient(create_app(settings, now=clock))


@pytest.mark.parametrize(("size", "status"), [(20_000, 400), (400_000, 413)])
def test_an_oversize_upload_is_refused_and_nothing_stored(
    small_limit: TestClient, world: World, size: int, status: int
) -> None:
    """Over the limit: refused by the document check, or before reading the body at all."""
    fields = open_form(small_limit, world.a)
    before = state()

    response = upload(small_limit, world.a, fields, data=pdf_bytes("x" * size))
    assert_refused(response, status, "quá lớn" if status == 400 else "tối đa")
    # refused by the document check, the form's token is spent (a refusal cannot be hammered);
    # refused before the body is read, nothing is
    spent = 1 if status == 400 else 0
    assert state() == replace(before, spent_tokens=before.spent_tokens + spent)
    assert stored_files() == ()
    # a fresh page's form takes a file of the right size
    assert upload(small_limit, world.a, open_form(small_limit, world.a)).status_code == 303


def test_an_upload_of_unknown_length_is_refused(client: TestClient, world: World) -> None:
    """A chunked body (no Content-Length) could be spooled to disk whole: refused at once."""
    body = b"--x\r\n" + b"0" * 100_000

    def chunks() -> Iterator[bytes]:
        yield from (body[i : i + 4096] for i in range(0, len(body), 4096))

    before = state()
    response = client.post(
        f"{world.a}/nop",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=x"},
        follow_redirects=False,
    )
    assert_refused(response, 411, "Content-Length")
    assert state() == before


def test_a_limit_under_one_megabyte_is_stated_truly(small_limit: TestClient, world: World) -> None:
    """The page and the 413 refusal state the real limit, never '0 MB'."""
    page = small_limit.get(world.a).text
    fields = hidden(page)
    refused = upload(small_limit, world.a, fields, data=pdf_bytes("x" * 400_000))
    assert refused.status_code == 413
    assert " 0 MB" not in page
    assert " 0 MB" not in message_of(refused)


@pytest.mark.parametrize(
    ("filename", "stored_as"),
    [
        (b"../../etc/passwd.pdf", "passwd.pdf"),
        (b"..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("Báo cáo\nBcc: evil@x.example.pdf".encode(), "Báo cáoBcc: evil@x.example.pdf"),
        (b"a\x0bb\x1bc\x7f.pdf", "abc.pdf"),
        (b"...", "tai-lieu.pdf"),
    ],
)
def test_an_uploaded_filename_is_stored_cleaned(
    client: TestClient, staff: TestClient, world: World, filename: bytes, stored_as: str
) -> None:
    """No folders, no control characters, the real type's extension; the download header
    carries the clean name, percent-encoded, on one line."""
    response = raw_upload(client, world.a, open_form(client, world.a), filename, pdf_bytes())
    assert response.status_code == 303, response.text
    with unit_of_work() as session:
        (document,) = session.scalars(select(SubmittedDocument)).all()
        assert document.filename == stored_as
        document_id = document.id
    download = staff.get(f"/dieu-phoi/tai-lieu/{document_id}")
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition


def test_a_download_needs_login_and_is_an_attachment(
    client: TestClient, staff: TestClient, world: World
) -> None:
    """Only a signed-in coordinator gets the bytes, never rendered inline by the browser."""
    data = pdf_bytes("tài liệu")
    submit_a(client, world, data=data)
    with unit_of_work() as session:
        (document_id,) = session.scalars(select(SubmittedDocument.id)).all()
    url = f"/dieu-phoi/tai-lieu/{document_id}"

    anonymous = client.get(url, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == LOGIN
    assert data not in anonymous.content

    download = staff.get(url)
    assert download.status_code == 200
    assert download.content == data
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["content-disposition"] == ("attachment; filename*=UTF-8''bao-cao.pdf")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert staff.get("/dieu-phoi/tai-lieu/9999").status_code == 404


@pytest.mark.parametrize("body", ["bare CR in a filename", "two files"])
def test_a_malformed_form_gets_a_vietnamese_message(
    client: TestClient, world: World, body: str
) -> None:
    """Even a broken request body gets a Vietnamese explanation, and changes nothing."""
    fields = open_form(client, world.a)
    before = state()
    if body == "two files":
        response = client.post(
            f"{world.a}/nop",
            data=fields,
            files=[
                ("document", ("a.pdf", pdf_bytes(), "application/pdf")),
                ("document", ("b.pdf", pdf_bytes("b"), "application/pdf")),
            ],
            follow_redirects=False,
        )
    else:
        response = raw_upload(client, world.a, fields, b"a\rb.pdf", pdf_bytes())
    assert response.status_code == 400
    assert state() == before
    said = message_of(response)
    assert "Invalid" not in said and "Too many" not in said


# --- hostile text is shown as text -----------------------------------------------------------


def test_an_upload_note_is_escaped_for_the_coordinator(
    client: TestClient, staff: TestClient, world: World
) -> None:
    """A note with a script is stored as typed and shown as text on the coordinator's page."""
    submit_a(client, world, note=SCRIPT)
    page = staff.get(f"/dieu-phoi/nghia-vu/{world.a_id}").text
    assert_escaped(page, SCRIPT)
    with unit_of_work() as session:
        obligation = session.get(Obligation, world.a_id)
        assert obligation is not None and obligation.note is not None
        assert obligation.note.endswith(SCRIPT)


def test_a_candidate_name_is_escaped_on_the_ballot(
    client: TestClient, clock: Clock, ballot: BallotWorld
) -> None:
    """A registered name with markup appears as text, in the cell and in the aria-labels."""
    with unit_of_work() as session:
        first = session.scalars(select(Candidate).order_by(Candidate.id)).first()
        assert first is not None
        first.name = IMG
    clock.at = during(VOTE_DAY)
    page = client.get(ballot.member)
    assert page.status_code == 200
    assert_escaped(page.text, IMG)
    assert page.text.count(str(escape(IMG))) == 5  # its row and the four controls' labels


def test_a_return_reason_is_escaped_on_both_sides(
    client: TestClient, staff: TestClient, world: World
) -> None:
    """The reason a coordinator types is shown as text to the agency and to coordinators."""
    submit_a(client, world)
    reason = f"Thiếu chữ ký {SCRIPT} và {IMG}"
    returned = staff.post(
        f"/dieu-phoi/nghia-vu/{world.a_id}/tra-lai",
        data={"reason": reason, "csrf": csrf_on(staff, world.a_id)},
        follow_redirects=False,
    )
    assert returned.status_code == 303

    agency = client.get(world.a).text
    assert 'id="return-reason"' in agency
    coordinator = staff.get(f"/dieu-phoi/nghia-vu/{world.a_id}").text
    for html in (agency, coordinator):
        assert_escaped(html, SCRIPT)
        assert_escaped(html, IMG)


def test_a_return_reason_stays_visible_when_overdue(
    client: TestClient, staff: TestClient, clock: Clock, world: World, mailbox: LocalMailbox
) -> None:
    """A unit chased as overdue after a return still sees why it was returned."""
    submit_a(client, world)
    staff.post(
        f"/dieu-phoi/nghia-vu/{world.a_id}/tra-lai",
        data={"reason": "Thiếu chữ ký của Giám đốc", "csrf": csrf_on(staff, world.a_id)},
        follow_redirects=False,
    )
    for day in days(D(2023, 2, 24), D(2023, 3, 6)):
        sweep(day, smtp_for(mailbox.port))
    assert status_of(world.a_id) == ObligationStatus.OVERDUE
    clock.at = during(D(2023, 3, 6))
    assert "Thiếu chữ ký của Giám đốc" in client.get(world.a).text


HOSTILE_UNIT = "Sở A <b>đậm</b>\r\nBcc: evil@x.example {{ 7*7 }}"
HOSTILE_CONTACT = "X\r\nBcc: evil@x.example"


def test_names_in_emails_are_inert(client: TestClient, mailbox: LocalMailbox) -> None:
    """Directory names with markup, template syntax and CR/LF: escaped in HTML, literal in
    text, and no header (no Bcc, no second recipient) comes out of them."""
    load_world()
    with unit_of_work() as session:
        unit = session.scalars(select(Unit).where(Unit.code == "T.A")).one()
        unit.name = HOSTILE_UNIT
        officer = session.scalars(select(Contact).where(Contact.email == "officer@a.example"))
        officer.one().name = HOSTILE_CONTACT
    sweep(REMINDER_DAY, smtp_for(mailbox.port))

    (path,) = [p for p in mailbox.folder.rglob("*.eml") if "officer@a.example" in p.name]
    raw = path.read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert not re.search(rb"(?im)^bcc:", head)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Bcc"] is None
    to = parsed["To"]
    assert "\r" not in str(to) and "\n" not in str(to)
    assert [a.addr_spec for a in to.addresses] == ["officer@a.example"]
    assert mailbox.received == 2  # Sở A's and Sở B's officers, nobody else
    assert not [p for p in mailbox.folder.rglob("*.eml") if "evil" in p.name]
    for eml in mailbox.folder.rglob("*.eml"):
        sent = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        addresses = [a.addr_spec for a in sent["To"].addresses]
        assert len(addresses) == 1 and "evil@x.example" not in addresses

    html_part, text_part = parsed.get_body(("html",)), parsed.get_body(("plain",))
    assert html_part is not None and text_part is not None
    html, text = html_part.get_content(), text_part.get_content()
    assert "<b>đậm</b>" not in html and "&lt;b&gt;đậm&lt;/b&gt;" in html
    assert "{{ 7*7 }}" in html and "{{ 7*7 }}" in text

    (link,) = links_for(mailbox.folder, "officer@a.example")
    page = client.get(path_of(link)).text
    assert_escaped(page, "<b>đậm</b>")
    assert "{{ 7*7 }}" in page


# --- email subjects --------------------------------------------------------------------------


def test_a_long_vietnamese_subject_folds_and_keeps_its_spaces() -> None:
    """Folded into encoded words of at most 78 octets a line, it decodes to the same text."""
    title = (
        "Gửi kế hoạch xây dựng, nhân rộng điển hình tiên tiến của các sở, ban, ngành, đoàn thể "
        "và Ủy ban nhân dân các huyện, thị xã, thành phố"
    )
    c = content(item(milestone_title=title))
    raw = message(c)
    subject = str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"])
    # Issue 20: kind and date first, the title cut after a whole word, every space kept.
    assert subject.startswith("[Nhắc hạn 31/10/2022] Gửi kế hoạch xây dựng,")
    assert "  " not in subject and len(subject) <= 80

    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    lines = head.split("\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Subject:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith((" ", "\t")))
    assert end - start > 1  # folded over several lines
    assert all(len(line) <= 78 for line in lines)

    modern = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(modern["Subject"]) == subject
    legacy = email.message_from_bytes(raw)
    decoded = str(email.header.make_header(email.header.decode_header(legacy["Subject"])))
    assert decoded == subject


# --- the coordinator's review ----------------------------------------------------------------


def test_a_wrong_password_gets_401_and_no_session(client: TestClient, coordinator: str) -> None:
    """A wrong password says so in Vietnamese, with 401, and opens no session."""
    response = sign_in(client, password="sai-mat-khau-roi")
    assert response.status_code == 401
    assert "không đúng" in message_of(response)
    follow = client.get("/dieu-phoi", follow_redirects=False)
    assert follow.status_code == 303 and follow.headers["location"] == LOGIN


@pytest.mark.parametrize(
    "path",
    [
        "/dieu-phoi",
        f"/dieu-phoi/ke-hoach/{SMALL}",
        "/dieu-phoi/nghia-vu/1",
        "/dieu-phoi/tai-lieu/1",
    ],
)
def test_coordinator_pages_need_login(client: TestClient, world: World, path: str) -> None:
    """Every coordinator page, documents included, sends a stranger to the login page."""
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == LOGIN


def test_a_post_with_csrf_but_no_login_changes_nothing(client: TestClient, world: World) -> None:
    """The login page's token alone does not let anyone accept or revoke."""
    submit_a(client, world)
    csrf = hidden(client.get(LOGIN).text)["csrf"]
    before = state()
    for url in (
        f"/dieu-phoi/nghia-vu/{world.a_id}/tiep-nhan",
        f"/dieu-phoi/lien-ket/{link_row(world.a).id}/thu-hoi",
    ):
        response = client.post(url, data={"csrf": csrf}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == LOGIN
    assert state() == before


def test_the_session_cookie_is_httponly_and_strict(client: TestClient, coordinator: str) -> None:
    """No script can read the session, and no other site's request carries it."""
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/dieu-phoi"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("tdkt_session=")
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_a_coordinator_sees_and_accepts_a_submission(
    client: TestClient, staff: TestClient, world: World
) -> None:
    """The campaign page lists what was submitted; accepting closes it, audited by name."""
    submit_a(client, world)
    listing = staff.get(f"/dieu-phoi/ke-hoach/{SMALL}")
    assert listing.status_code == 200
    assert f'href="/dieu-phoi/nghia-vu/{world.a_id}"' in listing.text
    assert f'href="/dieu-phoi/nghia-vu/{world.b_id}"' not in listing.text  # B has not sent

    accepted = staff.post(
        f"/dieu-phoi/nghia-vu/{world.a_id}/tiep-nhan",
        data={"csrf": csrf_on(staff, world.a_id)},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert status_of(world.a_id) == ObligationStatus.ACCEPTED
    with unit_of_work() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None
        assert (last.action, last.actor) == ("obligation.accepted", f"điều phối: {USERNAME}")
    assert 'id="settled"' in client.get(world.a).text


@pytest.mark.parametrize("reason", ["", "   \r\n  "])
def test_a_return_needs_a_reason(
    client: TestClient, staff: TestClient, world: World, reason: str
) -> None:
    """A return without a reason (or only blanks) is refused: the unit must know what to fix."""
    submit_a(client, world)
    before = state()
    response = staff.post(
        f"/dieu-phoi/nghia-vu/{world.a_id}/tra-lai",
        data={"reason": reason, "csrf": csrf_on(staff, world.a_id)},
        follow_redirects=False,
    )
    assert_refused(response, 400, "lý do")
    assert state() == before


def test_a_returned_obligation_is_chased_again(
    client: TestClient,
    staff: TestClient,
    clock: Clock,
    world: World,
    mailbox: LocalMailbox,
) -> None:
    """Returned on 24/02 with a reason: cycle 2, the unit may send again, and the reminder
    chain restarts for it (due at least 5 working days later: 03/03/2023)."""
    clock.at = during(D(2023, 2, 24))
    assert sign_in(staff).status_code == 303  # yesterday's session ended after 8 hours
    submit_a(client, world)
    returned = staff.post(
        f"/dieu-phoi/nghia-vu/{world.a_id}/tra-lai",
        data={"reason": "Thiếu chữ ký", "csrf": csrf_on(staff, world.a_id)},
        follow_redirects=False,
    )
    assert returned.status_code == 303
    with unit_of_work() as session:
        obligation = session.get(Obligation, world.a_id)
        assert obligation is not None
        assert (obligation.status, obligation.cycle) == (ObligationStatus.RETURNED, 2)
        assert (obligation.chase_due, obligation.note) == (D(2023, 3, 3), "Thiếu chữ ký")
    assert 'id="upload"' in client.get(world.a).text

    for day in days(D(2023, 2, 24), D(2023, 3, 3)):
        sweep(day, smtp_for(mailbox.port))
    chased = [(step, to, day) for unit, step, to, day in notifications() if unit == "T.A"]
    assert chased == [
        ("reminder-3", "officer@a.example", REMINDER_DAY),
        ("reminder-3", "officer@a.example", D(2023, 2, 28)),
        ("due", "officer@a.example", D(2023, 3, 3)),
    ]
    # the new reminders carry the same live link
    assert set(links_for(mailbox.folder, "officer@a.example")) == {
        f"http://127.0.0.1:8765{world.a}"
    }


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["home", "link", "refusal", "login", "not found", "stylesheet"])
def test_every_response_has_the_security_headers(
    client: TestClient, world: World, kind: str
) -> None:
    """No referrer (links carry tokens), no framing, a strict CSP, no sniffing, no caching."""
    path = {
        "home": "/",
        "link": world.a,
        "refusal": "/l/" + edit(world.a.rsplit("/", 1)[-1], 1, 3),
        "login": LOGIN,
        "not found": "/khong-co",
        "stylesheet": "/site.css",
    }[kind]
    headers = client.get(path).headers
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # no script is ever allowed
    assert headers["cache-control"] == "no-store"
