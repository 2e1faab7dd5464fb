"""The web app's smaller holes (issue 18, item 6), tried as an attacker would, through HTTP.

Unexpected form and path values (a superscript digit, Arabic-Indic digits, a 30-digit id, an
id past PostgreSQL's INTEGER) and failures nobody planned for: each answer is the app's
Vietnamese page with the security headers, never a plain-text 500, and a failure is logged
without the request's secrets. Text longer than its column is refused, naming the field and
its maximum, with nothing stored (on SQLite, which would store it whole, and on PostgreSQL,
which would fail). `tdkt web` refuses to serve plain HTTP to the network unless told; HSTS
when the public address is https; no server banner.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from deployments.cli import app as cli
from deployments.cli.web import bind_refusal, web_config
from deployments.web.app import create_app
from deployments.web.guard import FORM_BYTES, HSTS, SECURITY_HEADERS
from deployments.web.inputs import MAX_ID
from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from models.lengths import TEXT_LIMIT, TooLong
from models.orm import Campaign, Candidate, Obligation, Publication, Unit
from models.services import candidates as candidate_service
from models.services import obligations as obligation_service
from models.services import recognition
from models.services.access import IntakeSettings
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.vocabulary import SubjectKind
from notifications.mailbox import LocalMailbox
from tests.chase_helpers import SMALL, load_small, morning, sweep
from tests.conftest import ROOT, SMALL_DIRECTORY, SMALL_PLAN
from tests.test_chase import smtp_for
from tests.web_helpers import REMINDER_DAY, during, links_for, path_of

pytestmark = pytest.mark.security

FORM = re.compile(r'name="(obligation_id|form_token)" value="([^"]*)"')
MESSAGE = re.compile(r'id="message">([^<]*)<')
NAME_FIELD = "Tên tập thể, cá nhân hoặc hộ gia đình"


# --- a world where Sở A registers candidates through its link -------------------------------


@pytest.fixture
def mailbox(tmp_path: Path) -> Iterator[LocalMailbox]:
    with LocalMailbox(tmp_path / "mail") as box:
        yield box


@pytest.fixture
def link(tmp_path: Path, mailbox: LocalMailbox) -> str:
    """The small plan, its milestone made a registration: the path of Sở A's officer's link,
    from the reminder of 23/02/2023."""
    plan = tmp_path / "registration-plan.yaml"
    text = SMALL_PLAN.read_text(encoding="utf-8").replace("plan_submission", "registration")
    plan.write_text(text, encoding="utf-8")
    with unit_of_work() as session:
        import_directory_file(session, SMALL_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, plan, default_calendar(), at=now(), actor="test")
    sweep(REMINDER_DAY, smtp_for(mailbox.port))
    (url,) = links_for(mailbox.folder, "officer@a.example")
    return path_of(url)


def make_app(public_url: str = "http://127.0.0.1:8765") -> FastAPI:
    settings = dataclasses.replace(IntakeSettings.from_env(), base_url=public_url)
    return create_app(settings, now=lambda: during(REMINDER_DAY))


@pytest.fixture
def client() -> TestClient:
    return TestClient(make_app())


def form_of(client: TestClient, path: str) -> dict[str, str]:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return {name: unescape(value) for name, value in FORM.findall(page.text)}


def register(client: TestClient, path: str, **fields: str) -> httpx.Response:
    data = {"name": "Trường Tiểu học Thử", "subject": "collective", "year": "2023"} | fields
    response: httpx.Response = client.post(
        f"{path}/dang-ky", data=form_of(client, path) | data, follow_redirects=False
    )
    return response


def candidates() -> int:
    with unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Candidate)) or 0


def assert_page(response: httpx.Response, status: int, *words: str) -> str:
    """The app's Vietnamese page with every security header; its notice, which says words."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in response.text
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    assert "server" not in response.headers
    found = MESSAGE.search(response.text)
    said = unescape(found.group(1)) if found else ""
    for word in words:
        assert word.lower() in said.lower(), said
    assert "Traceback" not in response.text
    return said


# --- unexpected values in forms and paths ---------------------------------------------------


@pytest.mark.parametrize("year", ["²", "١٢", "2023²", "1" * 30, "2023.0", " 2023", "-2023", ""])
def test_an_unexpected_year_is_a_form_error(client: TestClient, link: str, year: str) -> None:
    """`year=²` passed str.isdigit() and failed int(): a plain-text 500."""
    assert_page(register(client, link, year=year), 400, "năm đăng ký phải là một số")
    assert candidates() == 0


@pytest.mark.parametrize("key", ["choice_²", "choice_١", "conflict_²", "choice_" + "9" * 30])
def test_an_unexpected_ballot_field_is_a_form_error(
    client: TestClient, link: str, key: str
) -> None:
    """`choice_²` behind any link: the form is refused as a form, before the ballot is asked
    for (this link is not a vote's: the field is read first, and so refused first)."""
    response = client.post(
        f"{link}/bo-phieu", data=form_of(client, link) | {key: "approve"}, follow_redirects=False
    )
    assert_page(response, 400, "ô không hợp lệ")


@pytest.mark.parametrize(
    "path",
    [
        "/dieu-phoi/nghia-vu/" + "9" * 30,
        f"/dieu-phoi/nghia-vu/{MAX_ID + 1}",  # past PostgreSQL's INTEGER
        f"/dieu-phoi/nghia-vu/{2**63}",  # past SQLite's INTEGER
        "/dieu-phoi/nghia-vu/0",
        "/dieu-phoi/nghia-vu/-1",
        "/dieu-phoi/nghia-vu/²",
        "/dieu-phoi/tai-lieu/" + "9" * 30,
    ],
)
def test_an_id_out_of_range_in_a_path_is_not_found(client: TestClient, path: str) -> None:
    assert_page(client.get(path), 404)


@pytest.mark.parametrize("action", ["tiep-nhan", "tra-lai"])
def test_a_post_to_an_id_out_of_range_is_not_found(client: TestClient, action: str) -> None:
    response = client.post(f"/dieu-phoi/nghia-vu/{'9' * 30}/{action}", data={"csrf": "x"})
    assert_page(response, 404)
    response = client.post(f"/dieu-phoi/lien-ket/{2**63}/thu-hoi", data={"csrf": "x"})
    assert_page(response, 404)


# --- failures nobody planned for ------------------------------------------------------------


SECRET = "khong-ai-duoc-biet-0123456789"


def failing_app(public_url: str = "http://127.0.0.1:8765") -> FastAPI:
    """The app with two routes that fail as a bug would: an integer overflow in the database
    (on either backend) and an exception whose message quotes what the request carried."""
    app = make_app(public_url)

    @app.get("/l/{token}/tran-so")
    def overflow(token: str) -> None:
        with unit_of_work() as session:
            session.execute(update(Obligation).values(cycle=10**30))

    @app.post("/l/{token}/hong")
    def broken(token: str) -> None:
        raise RuntimeError(f"{token} {SECRET}")

    return app


def test_a_database_overflow_is_the_page_with_headers(link: str) -> None:
    """An integer past the column's range fails in the driver (SQLite: OverflowError;
    PostgreSQL: integer out of range): the Vietnamese 500 page, headers and all."""
    client = TestClient(failing_app())
    assert_page(client.get(f"{link}/tran-so"), 500, "lỗi ngoài dự kiến")
    with unit_of_work() as session:
        assert session.scalars(select(Obligation.cycle)).all() == [1, 1]  # rolled back


def test_a_failure_is_logged_once_without_the_requests_secrets(
    link: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(failing_app(), cookies={"tdkt_session": SECRET})
    token = link.rsplit("/", 1)[-1]
    with caplog.at_level(logging.INFO, logger="tdkt.web"):
        response = client.post(f"{link}/hong?ma={SECRET}", data={"password": SECRET})
    assert_page(response, 500)
    (record,) = [r for r in caplog.records if r.name == "tdkt.web"]
    logged = record.getMessage()
    assert record.levelno == logging.ERROR and record.exc_info is None
    assert logged.startswith(
        "POST /l/…/hong: builtins.RuntimeError at tests/test_web_hardening.py:"
    )
    assert " in broken < deployments/web/guard.py:" in logged  # the project's frames, by path
    assert str(ROOT) not in logged and "site-packages" not in logged
    assert token not in logged and SECRET not in logged


@pytest.mark.parametrize("https", [False, True])
def test_every_error_page_has_the_headers(link: str, https: bool) -> None:
    """500, 404 (a page, an id out of range), 405, 411, 413 (a form, an upload): the app's
    page, every header; HSTS exactly when the public address is https."""
    url = "https://tdkt.example.gov.vn" if https else "http://127.0.0.1:8765"
    client = TestClient(failing_app(url))
    chunked = {"transfer-encoding": "chunked"}
    upload = {"document": ("a.pdf", b"%PDF" + b"0" * (20 * 2**20), "application/pdf")}
    answers = [
        (500, "", client.post(f"{link}/hong", data={"a": "b"})),
        (404, "", client.get("/khong-co")),
        (404, "", client.get(f"/dieu-phoi/nghia-vu/{2**63}")),
        (405, "", client.put(link)),
        (411, "Content-Length", client.post(f"{link}/dang-ky", headers=chunked, content=[b"a"])),
        (413, "Nội dung quá lớn", client.post(f"{link}/dang-ky", data={"n": "a" * FORM_BYTES})),
        (413, "Tệp quá lớn", client.post(f"{link}/nop", files=upload)),
    ]
    for status, words, response in answers:
        assert_page(response, status)
        assert words in response.text
        if https:
            for name, value in HSTS.items():
                assert response.headers[name] == value
        else:
            assert "strict-transport-security" not in response.headers


# --- lengths against the columns ------------------------------------------------------------


def test_a_200000_character_name_is_refused_naming_the_field(client: TestClient, link: str) -> None:
    """It was stored whole (the column says 300) on SQLite, and a 500 on PostgreSQL."""
    response = register(client, link, name="A" * 200_000)
    said = assert_page(response, 400, NAME_FIELD, "300", "200.000")
    assert "Chưa có gì được ghi" in said
    assert candidates() == 0


def test_a_name_at_its_limit_is_stored_whole(client: TestClient, link: str) -> None:
    """300 characters fit; the candidate's web reference (which is cut to fit its own column,
    told apart by a digest) does not stop it."""
    name = "Hợp tác xã " + "ạ" * 289
    assert len(name) == 300
    assert register(client, link, name=name).status_code == 303
    with unit_of_work() as session:
        stored = session.scalars(select(Candidate)).one()
        assert stored.name == name
        assert len(stored.subject_ref) <= 120 and stored.subject_ref.startswith("web:T.A:")


def test_a_form_longer_than_any_field_allows_is_refused_before_it_is_read(
    client: TestClient, link: str
) -> None:
    response = register(client, link, description="ế" * (FORM_BYTES // 3))
    assert_page(response, 413, "rút gọn")
    assert candidates() == 0


def small_world() -> None:
    """The small plan with its obligations open (the morning of 23/02/2023, nothing sent)."""
    from tasks.chasing import prepare_day

    load_small()
    prepare_day.fn(SMALL, morning(REMINDER_DAY))


def a_candidate(
    session: Session, name: str = "Nguyễn Văn An", description: str | None = None
) -> Candidate:
    """A candidate Sở A registers in the small plan."""
    return candidate_service.register(
        session,
        session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one(),
        unit=session.scalars(select(Unit).where(Unit.code == "T.A")).one(),
        subject=SubjectKind.INDIVIDUAL,
        name=name,
        subject_ref=name,
        year=2023,
        at=now(),
        actor="test",
        description=description,
    )


TOO_LONG = "x" * (TEXT_LIMIT + 1)


@pytest.mark.parametrize("what", ["return", "waive", "assessment", "description", "url"])
def test_every_service_taking_text_checks_its_length(what: str) -> None:
    """The return reason, a waiver, an assessment, a description, a publication's address:
    each refused past its column's length (TEXT_LIMIT for a Text column), naming its field."""
    small_world()
    labels = {
        "return": "Lý do trả lại",
        "waive": "Lý do miễn",
        "assessment": "Tiến độ, kết quả",
        "description": "Mô tả",
        "url": "Địa chỉ bài đăng",
    }
    at = during(REMINDER_DAY)
    with pytest.raises(TooLong, match=labels[what]) as refused, unit_of_work() as session:
        obligation = obligation_service.find_obligation(session, SMALL, "report", "T.A")
        assert obligation is not None
        if what == "return":
            obligation_service.submit(session, obligation, at=at, actor="test")
            obligation_service.return_(
                session, obligation, default_calendar(), at=at, actor="test", reason=TOO_LONG
            )
        elif what == "waive":
            obligation_service.waive(session, obligation, at=at, actor="test", reason=TOO_LONG)
        elif what == "assessment":
            candidate_service.record_assessment(
                session,
                a_candidate(session),
                period="2023",
                progress=TOO_LONG,
                difficulties=None,
                support=None,
                at=at,
                actor="test",
            )
        elif what == "description":
            a_candidate(session, "Tổ dân phố 1", description=TOO_LONG)
        else:
            publication = Publication(candidate=a_candidate(session))
            recognition.confirm_publication(
                session,
                publication,
                url="https://bao.example/" + TOO_LONG,
                published_on=at.date(),
                at=at,
                actor="test",
            )
    assert f"{TEXT_LIMIT:,}".replace(",", ".") in str(refused.value)
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Candidate)) == 0


def test_any_flush_of_a_string_past_its_column_is_refused() -> None:
    """Whatever path a value comes by, a String(n) column never receives more than n
    characters: refused at the flush, naming the table and column, on both backends."""
    small_world()
    with pytest.raises(TooLong, match=r"candidates\.name") as refused, unit_of_work() as session:
        candidate = a_candidate(session)
        candidate.name = "B" * 301
        session.flush()
    assert refused.value.limit == 300
    with unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Candidate)) == 0


# --- tdkt web: the bind, HSTS, the banner ---------------------------------------------------


@pytest.mark.parametrize(
    ("host", "public_url", "insecure", "refused"),
    [
        ("127.0.0.1", "", False, False),
        ("127.0.0.2", "", False, False),
        ("::1", "", False, False),
        ("[::1]", "", False, False),
        ("localhost", "", False, False),
        ("0.0.0.0", "", False, True),
        ("::", "", False, True),
        ("192.168.1.10", "http://192.168.1.10:8765", False, True),
        ("tdkt.local", "", False, True),
        ("0.0.0.0", "https://tdkt.example.gov.vn", False, False),
        ("0.0.0.0", "", True, False),
    ],
)
def test_a_network_bind_needs_https_or_an_explicit_flag(
    host: str, public_url: str, insecure: bool, refused: bool
) -> None:
    reason = bind_refusal(host, public_url, insecure)
    assert (reason is not None) == refused
    if reason is not None:
        assert "HTTPS" in reason and "--insecure-http" in reason and host in reason


def test_tdkt_web_refuses_a_network_bind_and_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    served: list[object] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **k: served.append(self))
    monkeypatch.delenv("TDKT_WEB_URL", raising=False)
    runner = CliRunner()
    refused = runner.invoke(cli, ["web", "--host", "0.0.0.0"])
    assert refused.exit_code == 2, refused.output
    assert "không phục vụ HTTP không mã hóa" in refused.output and not served
    allowed = runner.invoke(cli, ["web", "--host", "0.0.0.0", "--insecure-http"])
    assert allowed.exit_code == 0, allowed.output
    monkeypatch.setenv("TDKT_WEB_URL", "https://tdkt.example.gov.vn")
    behind_proxy = runner.invoke(cli, ["web", "--host", "0.0.0.0"])
    assert behind_proxy.exit_code == 0, behind_proxy.output
    assert len(served) == 2


@pytest.mark.parametrize("https", [False, True])
def test_the_server_sends_no_banner_and_hsts_behind_https(
    monkeypatch: pytest.MonkeyPatch, https: bool
) -> None:
    """The real server (uvicorn, as `tdkt web` configures it) on loopback."""
    import uvicorn

    if https:
        monkeypatch.setenv("TDKT_WEB_URL", "https://tdkt.example.gov.vn")
    config = web_config("127.0.0.1", 0, None)
    assert config.server_header is False
    config.lifespan = "off"
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)
        port = sock.getsockname()[1]
        for path in ("/", "/khong-co", "/dieu-phoi/nghia-vu/" + "9" * 30):
            response = httpx.get(f"http://127.0.0.1:{port}{path}")
            assert "server" not in response.headers
            assert ("strict-transport-security" in response.headers) == https
            assert response.headers["x-frame-options"] == "DENY"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_a_command_refuses_a_long_value_without_a_traceback() -> None:
    """The same check behind `tdkt`: a message naming the field, exit code 2."""
    load_small()
    args = ["register", SMALL, "--unit", "T.A", "--subject", "collective", "--year", "2023"]
    result = CliRunner().invoke(cli, [*args, "--name", "C" * 301])
    assert result.exit_code == 2, result.output
    assert NAME_FIELD in result.output and "300" in result.output
    assert "Traceback" not in result.output
