"""The web intake in a real browser: Debian's headless Chromium against the app served by
uvicorn, personal links read out of the emails a local SMTP server captured, and a clock the
test moves day by day through 2023.

Screenshots of the main pages go to test-artifacts/screenshots/ at the project root.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from models.db import unit_of_work
from models.orm import (
    AccessLink,
    AuditEntry,
    Ballot,
    BallotParticipation,
    BallotVote,
    Notification,
    Obligation,
    SubmittedDocument,
    UsedFormToken,
)
from models.sealing import decode_paper
from models.services import obligations as obligation_service
from models.services.accounts import add_coordinator
from models.services.ballots import paper_seal_from_env
from models.voting import VoteChoice
from notifications.mailbox import LocalMailbox
from tests.browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REQUIRE_BROWSER,
    Clock,
    LiveServer,
    browser_required,
    shot,
)
from tests.chase_helpers import SMALL, days, notifications, sweep
from tests.test_chase import smtp_for
from tests.web_helpers import (
    MEMBERS,
    REMINDER_DAY,
    during,
    links_for,
    load_world,
    open_ballot_world,
    path_of,
    pdf_bytes,
    standing_body,
)

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # pragma: no cover - playwright is a dev dependency
    if browser_required():
        raise
    pytest.skip("playwright is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser

D = dt.date
OFFICER_A = "officer@a.example"
TV1 = MEMBERS[0]
COORDINATOR = ("dieu-phoi", "Lê Thị Điều Phối", "mat-khau-dai-2023")
REASON = "Thiếu phụ lục số liệu kèm theo; đề nghị bổ sung và gửi lại."

PageMaker = Callable[[], Page]


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the module: Debian's, never a downloaded one."""
    if not CHROMIUM.exists():
        reason = (
            f"no Chromium at {CHROMIUM}: apt install chromium "
            f"(with {REQUIRE_BROWSER}=1 this is a failure, not a skip)"
        )
        if browser_required():
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def live(clock: Clock, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    """The app served for real on a free port of this test's own data directory; the emails'
    links point to it (TDKT_WEB_URL is set before any sweep)."""
    with LiveServer(clock) as server:
        monkeypatch.setenv("TDKT_WEB_URL", server.base_url)
        server.start()
        yield server


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[LocalMailbox]:
    with LocalMailbox(tmp_path / "mail") as box:
        yield box


@pytest.fixture
def new_page(chromium: Browser, live: LiveServer) -> Iterator[PageMaker]:
    """Pages in fresh browser contexts (separate cookies: an agency, a coordinator)."""
    contexts = []

    def make() -> Page:
        context = chromium.new_context(
            base_url=live.base_url, locale="vi-VN", viewport={"width": 1100, "height": 800}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: PageMaker) -> Page:
    return new_page()


# --- helpers ------------------------------------------------------------------------------


def sweep_days(mailbox: LocalMailbox, start: dt.date, end: dt.date | None = None) -> None:
    """The mornings' sweeps from start to end, in a worker thread: Playwright's sync API keeps
    an event loop running in this one, and the sender needs its own (asyncio.run)."""

    def run() -> None:
        for day in days(start, end or start):
            sweep(day, smtp_for(mailbox.port))

    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(run).result()


def only_link(mailbox: LocalMailbox, recipient: str, live: LiveServer) -> str:
    found = links_for(mailbox.folder, recipient)
    assert found, f"no link captured for {recipient}"
    assert all(url.startswith(live.base_url + "/l/") for url in found), found
    return found[-1]


def form_fields(page: Page, form: str) -> dict[str, str]:
    """The hidden fields (obligation id, one-time token) of a form on the page."""
    fields = {}
    for name in ("obligation_id", "form_token"):
        value = page.locator(f"{form} input[name={name}]").get_attribute("value")
        assert value
        fields[name] = value
    return fields


def submit_report(page: Page, link: str, tmp_path: Path) -> None:
    """An agency opens its reminder's link, sees what it owes and uploads its report."""
    response = page.goto(link)
    assert response is not None and response.status == 200
    expect(page).to_have_title(re.compile("Gửi kế hoạch của đơn vị"))
    expect(page.locator("h1")).to_contain_text("Gửi kế hoạch của đơn vị")
    expect(page.locator("main")).to_contain_text("Kính gửi Cán bộ A (Sở A)")
    expect(page.locator("dl.facts")).to_contain_text("Sở A")
    expect(page.locator("dl.facts strong")).to_have_text("28/02/2023")
    expect(page.locator("#status")).to_have_text("Chưa nộp")
    expect(page.locator("#upload")).to_be_visible()
    shot(page, "01-agency-obligation")

    document = tmp_path / "Báo cáo Sở A.pdf"
    document.write_bytes(pdf_bytes("Báo cáo kết quả của Sở A"))
    page.set_input_files("#document", document)
    page.fill("#note", "Báo cáo kèm theo kế hoạch năm 2023.")
    page.click("#submit-document")
    expect(page).to_have_url(re.compile(r"\?da=nop$"))
    expect(page.locator("#status")).to_have_text("Đã nộp")
    expect(page.locator("#message")).to_contain_text("Đã nhận văn bản")
    expect(page.locator("#documents")).to_contain_text("Báo cáo Sở A.pdf")
    expect(page.locator("#upload")).to_have_count(0)
    expect(page.locator("#settled")).to_contain_text("nộp lại qua chính liên kết này")
    shot(page, "02-agency-submitted")


def report_of(unit: str) -> Obligation:
    with unit_of_work() as session:
        found = obligation_service.find_obligation(session, SMALL, "report", unit)
        assert found is not None
        return found


def steps_of(unit: str) -> list[tuple[str, dt.date, int]]:
    """(step, day, cycle) of every notification about unit's report."""
    with unit_of_work() as session:
        rows = session.scalars(select(Notification).order_by(Notification.day, Notification.id))
        return [(n.step, n.day, n.cycle) for n in rows if n.key.split("/")[2] == unit]


def add_the_coordinator() -> None:
    username, name, password = COORDINATOR
    with unit_of_work() as session:
        add_coordinator(
            session,
            username,
            name,
            password,
            unit=standing_body(session),
            at=during(REMINDER_DAY),
            actor="test",
        )


def database_state() -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    with unit_of_work() as session:
        return (
            tuple(session.execute(select(Obligation.id, Obligation.status, Obligation.cycle))),
            tuple(session.execute(select(AccessLink.id, AccessLink.last_used_at))),
            session.scalar(select(func.count()).select_from(SubmittedDocument)),
            session.scalar(select(func.count()).select_from(UsedFormToken)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
        )


def tamper(link: str) -> str:
    """The link with one character in the middle of its signature changed.

    Not the last one: the signature's last base64 character carries two unused bits, so three
    other characters there decode to the same signature and the link still opens."""
    head, signature = link.rsplit(".", 1)
    i = len(signature) // 2
    changed = "A" if signature[i] != "A" else "B"
    return f"{head}.{signature[:i]}{changed}{signature[i + 1 :]}"


# --- scenarios ----------------------------------------------------------------------------


def test_a_reminder_link_takes_an_upload_and_the_chase_stops(
    page: Page, live: LiveServer, mailbox: LocalMailbox, tmp_path: Path
) -> None:
    load_world()
    sweep_days(mailbox, REMINDER_DAY)
    link = only_link(mailbox, OFFICER_A, live)

    live.clock.set(REMINDER_DAY)
    submit_report(page, link, tmp_path)
    assert report_of("T.A").status.value == "submitted"

    sweep_days(mailbox, D(2023, 2, 24), D(2023, 3, 6))
    assert [(s, d) for u, s, _, d in notifications() if u == "T.A"] == [
        ("reminder-3", REMINDER_DAY)
    ]
    assert [(s, d) for u, s, _, d in notifications() if u == "T.B"] == [
        ("reminder-3", REMINDER_DAY),
        ("due", D(2023, 2, 28)),
        ("escalation-1", D(2023, 3, 2)),
        ("escalation-2", D(2023, 3, 6)),
    ]
    assert links_for(mailbox.folder, OFFICER_A) == [link]  # nothing more reached Sở A
    assert links_for(mailbox.folder, "head@a.example") == []
    assert report_of("T.B").status.value == "overdue"


def test_a_coordinator_returns_the_report_and_the_chase_restarts(
    new_page: PageMaker, live: LiveServer, mailbox: LocalMailbox, tmp_path: Path
) -> None:
    load_world()
    add_the_coordinator()
    sweep_days(mailbox, REMINDER_DAY)
    link = only_link(mailbox, OFFICER_A, live)
    agency = new_page()
    live.clock.set(REMINDER_DAY)
    submit_report(agency, link, tmp_path)
    sweep_days(mailbox, D(2023, 2, 24), D(2023, 2, 28))

    live.clock.set(D(2023, 3, 1))
    office = new_page()
    office.goto("/dieu-phoi")
    expect(office).to_have_url(re.compile(r"/dieu-phoi/dang-nhap$"))
    expect(office.locator("h1")).to_have_text("Đăng nhập dành cho cán bộ điều phối")
    shot(office, "03-coordinator-login")
    username, name, password = COORDINATOR
    office.fill("#username", username)
    office.fill("#password", password)
    office.locator("main form button[type=submit]").click()
    expect(office).to_have_url(live.url("/dieu-phoi"))
    expect(office.locator("header")).to_contain_text(name)
    expect(office.locator("h1")).to_have_text("Các kế hoạch đang theo dõi")
    shot(office, "04-coordinator-campaigns")

    office.locator(f"main a[href='/dieu-phoi/ke-hoach/{SMALL}']").click()
    expect(office).to_have_url(re.compile(rf"/dieu-phoi/ke-hoach/{SMALL}$"))
    row = office.locator("#obligations tbody tr", has_text="Sở A")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Đã nộp")
    expect(row).to_contain_text("28/02/2023")
    expect(office.locator("#obligations")).not_to_contain_text("Sở B")  # overdue, not submitted
    shot(office, "05-coordinator-campaign")

    row.locator("a").click()
    expect(office).to_have_url(re.compile(r"/dieu-phoi/nghia-vu/\d+$"))
    expect(office.locator("#status")).to_have_text("Đã nộp")
    expect(office.locator("main")).to_contain_text("Báo cáo Sở A.pdf")
    expect(office.locator("#accept")).to_be_visible()
    office.fill("#reason", REASON)
    shot(office, "06-coordinator-obligation")
    office.click("#return")
    expect(office).to_have_url(re.compile(r"\?da=1$"))
    expect(office.locator("#status")).to_have_text("Trả lại")
    expect(office.locator("#message")).to_have_text("Đã cập nhật.")
    expect(office.locator("#return")).to_have_count(0)
    expect(office.locator("main")).to_contain_text(REASON)
    shot(office, "07-coordinator-returned")
    returned = report_of("T.A")
    assert (returned.status.value, returned.cycle, returned.note) == ("returned", 2, REASON)

    agency.goto(link)
    expect(agency.locator("#status")).to_have_text("Trả lại")
    expect(agency.locator("#return-reason")).to_have_text(REASON)
    expect(agency.locator("#upload")).to_be_visible()
    expect(agency.locator("#documents")).to_contain_text("Báo cáo Sở A.pdf")
    shot(agency, "08-agency-returned")

    # Returned on 01/03: five working days to resubmit (08/03), a reminder three before that.
    sweep_days(mailbox, D(2023, 3, 1), D(2023, 3, 3))
    assert steps_of("T.A") == [
        ("reminder-3", REMINDER_DAY, 1),
        ("reminder-3", D(2023, 3, 3), 2),
    ]
    again = only_link(mailbox, OFFICER_A, live)
    live.clock.set(D(2023, 3, 3))
    agency.goto(again)
    expect(agency.locator("#status")).to_have_text("Trả lại")
    expect(agency.locator("#upload")).to_be_visible()


def test_a_council_member_votes_once(page: Page, live: LiveServer, mailbox: LocalMailbox) -> None:
    load_world()
    ballot_id = open_ballot_world()
    sweep_days(mailbox, D(2023, 2, 20), D(2023, 2, 28))
    link = only_link(mailbox, TV1, live)

    live.clock.set(D(2023, 2, 28))
    response = page.goto(link)
    assert response is not None and response.status == 200
    expect(page.locator("main")).to_contain_text("Kính gửi Thành viên 1")
    expect(page.locator("main h2")).to_have_text("Bình xét điển hình năm 2023")
    ballot = page.locator("#ballot")
    expect(ballot.locator("tbody tr")).to_have_count(2)
    expect(ballot).to_contain_text("Nguyễn Văn An")
    expect(ballot).to_contain_text("Trần Thị Bình")
    expect(page.get_by_label("Không biểu quyết: Nguyễn Văn An", exact=True)).to_be_checked()
    sent = form_fields(page, "#ballot")
    names = ballot.locator("input[type=radio]").evaluate_all(
        "inputs => [...new Set(inputs.map(i => i.name))]"
    )
    assert len(names) == 2 and all(re.fullmatch(r"choice_\d+", n) for n in names)
    # Two more tabs of the same member, opened before voting: each has its own form token.
    stale, again = page.context.new_page(), page.context.new_page()
    for tab in (stale, again):
        tab.goto(link)
        expect(tab.locator("#ballot")).to_be_visible()

    page.get_by_label("Đồng ý: Nguyễn Văn An", exact=True).check()
    page.get_by_label("Không đồng ý: Trần Thị Bình", exact=True).check()
    shot(page, "09-ballot")
    page.click("#submit-vote")
    expect(page).to_have_url(re.compile(r"\?da=bo-phieu$"))
    expect(page.locator("#message")).to_contain_text("Đã ghi nhận phiếu bầu")
    expect(page.locator("#voted")).to_be_visible()
    expect(page.locator("#ballot")).to_have_count(0)
    shot(page, "10-ballot-voted")

    page.goto(link)
    expect(page.locator("#voted")).to_contain_text("Đồng chí đã bỏ phiếu")
    expect(page.locator("#ballot")).to_have_count(0)
    expect(page.locator("#message")).to_have_count(0)
    shot(page, "11-already-voted")

    # The second tab still shows the ballot (with its own unspent form token): refused.
    stale.get_by_label("Đồng ý: Trần Thị Bình", exact=True).check()
    stale.click("#submit-vote")
    expect(stale.locator("h1")).to_have_text("Chưa thực hiện được")
    expect(stale.locator("#message")).to_contain_text("mỗi thành viên chỉ bỏ phiếu một lần")
    expect(stale.locator("#message")).to_contain_text("Chưa có gì được ghi.")
    shot(stale, "12-second-vote-refused")

    # The very form that was sent, sent again (the browser resubmitting it): refused, 409.
    again.locator("#ballot input[name=form_token]").evaluate(
        "(input, token) => { input.value = token; }", sent["form_token"]
    )
    with again.expect_navigation() as navigation:
        again.click("#submit-vote")
    response = navigation.value
    assert response is not None and response.status == 409
    expect(again.locator("h1")).to_have_text("Không thực hiện lại")
    expect(again.locator("#message")).to_have_text(
        "Biểu mẫu này đã được gửi một lần; thao tác không được thực hiện lại."
    )
    shot(again, "13-replayed-vote")
    # ... and the same fields posted directly, with other choices: refused just the same.
    replay = page.request.post(
        link + "/bo-phieu", form={**sent, names[0]: "reject", names[1]: "approve"}
    )
    assert replay.status == 409
    assert "Biểu mẫu này đã được gửi một lần" in replay.text()

    with unit_of_work() as session:
        roll = session.scalars(
            select(BallotParticipation).where(BallotParticipation.ballot_id == ballot_id)
        ).all()
        voted = {p.contact.email: p.voted_at for p in roll if p.voted_at is not None}
        # No choice is stored in the clear while the ballot is open: the paper is sealed.
        assert session.scalar(select(func.count()).select_from(BallotVote)) == 0
        row = session.get_one(Ballot, ballot_id)
        (mine,) = [p for p in roll if p.voted_at is not None]
        assert mine.sealed_paper is not None and row.seal_salt is not None
        paper = paper_seal_from_env().open(
            mine.sealed_paper,
            ballot_id=ballot_id,
            salt=row.seal_salt,
            contact_id=mine.contact_id,
        )
        choices = list(decode_paper(sorted(c.id for c in row.candidates), paper).values())
        cast = session.scalar(
            select(func.count()).where(
                AuditEntry.action == "ballot.voted", AuditEntry.entity_id == ballot_id
            )
        )
    assert voted == {TV1: during(D(2023, 2, 28))}
    assert sorted(choices) == sorted([VoteChoice.APPROVE, VoteChoice.REJECT])
    assert cast == 1


def test_a_tampered_link_is_refused_and_changes_nothing(
    page: Page, live: LiveServer, mailbox: LocalMailbox
) -> None:
    load_world()
    sweep_days(mailbox, REMINDER_DAY)
    link = only_link(mailbox, OFFICER_A, live)
    live.clock.set(REMINDER_DAY)
    page.goto(link)
    fields = form_fields(page, "#upload")  # a genuine form, sent below to the tampered link
    before = database_state()

    tampered = tamper(link)
    assert tampered != link and path_of(tampered) != path_of(link)
    response = page.goto(tampered)
    assert response is not None and response.status == 400
    expect(page).to_have_title(re.compile("Không thể mở trang này"))
    expect(page.locator("h1")).to_have_text("Không thể mở trang này")
    expect(page.locator("#message")).to_have_text(
        "Liên kết không hợp lệ: có thể nó đã bị sửa hoặc chép thiếu."
    )
    expect(page.locator("main")).not_to_contain_text("Sở A")
    expect(page.locator("form")).to_have_count(0)
    shot(page, "14-tampered-link")

    posted = page.request.post(
        tampered + "/nop",
        multipart={
            **fields,
            "document": {"name": "x.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
        },
    )
    assert posted.status == 400
    assert "Liên kết không hợp lệ" in posted.text()
    assert database_state() == before

    page.goto(link)  # the genuine link still works and still asks for the report
    expect(page.locator("#status")).to_have_text("Chưa nộp")
    expect(page.locator("#upload")).to_be_visible()


def test_coordinator_pages_obey_their_own_content_security_policy(
    page: Page, live: LiveServer
) -> None:
    load_world()
    add_the_coordinator()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page.goto("/dieu-phoi/dang-nhap")
    username, _, password = COORDINATOR
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Các kế hoạch đang theo dõi")
    # expect() retries: the h1 can be in the DOM before the stylesheet has applied
    expect(page.locator("header form")).to_have_css("display", "inline")
    assert refused == []
