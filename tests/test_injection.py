"""Hostile text in names and titles, and secrets that must stay secret, on the email side.

Unit and contact names, plan and milestone titles, clauses and quotes come from files people
write; whatever they hold (jinja syntax, HTML, CR/LF and other control characters, U+2028, very
long text) every email template renders it as text, never evaluates it, and no header is added.
Addresses with CR or LF are refused. The SMTP password, the link-signing key and a database
URL's password appear in no log record, command output, error message, dashboard artifact or
HTML report. (The web intake's own injection cases are in tests/test_web.py.)
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import email
import email.policy
import logging
import re
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from deployments.cli import app
from deployments.cli.common import make_console, redact
from deployments.report import render_report
from models.calendar import default_calendar
from models.clock import now
from models.db import Settings, masked_url, unit_of_work
from models.orm import Campaign, Email
from models.quotas import QuotaProgress
from models.services.dashboard import (
    DayEmails,
    FailedDelivery,
    OverdueItem,
    OverdueUnit,
    emails_of_day,
    overdue_units,
)
from models.services.directory import import_directory_file
from models.services.leaders_report import leaders_report
from models.services.plans import load_plan_file
from models.services.reporting import (
    CampaignStatus,
    FailedEmail,
    MilestoneRow,
    OverdueRow,
)
from notifications import ics
from notifications.content import DeadlineItem, EmailContent, PlanRef, Step
from notifications.mime import build_message
from notifications.render import render
from notifications.smtp import Outgoing, SmtpSettings, deliver
from tasks.artifacts import (
    Dashboard,
    emails_markdown,
    overdue_table,
    quota_markdown,
    summary_markdown,
)
from tests.chase_helpers import days, sweep
from tests.conftest import SMALL_DIRECTORY, SMALL_PLAN

pytestmark = pytest.mark.faults

MARK = "{{ 7*191 }}"  # evaluated, it would read 1337
EVIL = [
    MARK,
    "{% raw %}",
    "{% endraw %}",
    "{% if true %}x{% endif %}",
    "{# hidden #}",
    "{% include 'email.txt' %}",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '" onmouseover="alert(3)',
    "&amp; &lt;",
    "\r\nBcc: victim@evil.example",
    "\n\nX-Injected: yes",
    "\rX-Injected: yes",
    "\u2028X-Injected: yes\u2029",
    "\x85X-Injected: yes",
    "\x00\x07\x08\x0b\x0c\x1b[31m\x7f\x9b",
    "\t",
    "=?utf-8?b?QmNjOiB2aWN0aW1AZXZpbC5leGFtcGxl?=",
    "Nguyễn <victim@evil.example>, other@evil.example",
]
NASTY = " ".join(EVIL)
LONG = "Ủy ban nhân dân " * 700 + NASTY  # about 11,000 characters
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
HEADERS = {
    "Content-Type",
    "MIME-Version",
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "X-TDKT-Key",
    "X-TDKT-Kind",
}
TEMPLATE_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "body",
    "p",
    "strong",
    "br",
    "small",
    "h3",
    "h4",
    "ol",
    "li",
    "em",
    "a",
    "hr",
}
"""Every tag the HTML template writes: any other tag in an email came from data."""

PLAN = PlanRef(
    title="Kế hoạch " + NASTY,
    issuer_name="Ủy ban " + NASTY,
    number="1837/KH-UBND" + NASTY,
    date=dt.date(2022, 10, 4),
)
DAY = dt.date(2022, 10, 26)


def item(step: Step = "reminder", text: str = NASTY, **changes: Any) -> DeadlineItem:
    base = DeadlineItem(
        notification_key=f"n-{step}",
        step=step,
        level=3 if step != "escalation" else 1,
        plan=replace(PLAN, title=PLAN.title if text == NASTY else text),
        clause="IV.1" + text,
        phrase="chậm nhất trong tháng 10 năm 2022" + text,
        quote="Trích " + text,
        milestone_title="Gửi kế hoạch " + text,
        occurrence_label="năm 2022" + text,
        unit_code="T.A",
        unit_name="Sở A " + text,
        owed_to="Sở Nội vụ " + text,
        due=dt.date(2022, 10, 30),
        effective_due=dt.date(2022, 10, 31),
        working_days_left={"reminder": 3, "due": 0, "escalation": -2}[step],
        uid="u-" + step,
        link='https://tdkt.example/l/abc?x="><script>alert(4)</script>',
        link_label="Nộp " + text,
    )
    return replace(base, **changes)


def content(*items: DeadlineItem, text: str = NASTY) -> EmailContent:
    return EmailContent(
        key="email-1",
        day=DAY,
        recipient_name="Ông An " + text,
        recipient_email="an@soyte.example",
        recipient_unit="Sở Y tế " + text,
        sender_name="Sở Nội vụ " + text,
        items=items or (item(text=text),),
    )


def build(c: EmailContent, from_name: str = "Sở Nội vụ " + NASTY) -> bytes:
    return build_message(
        c, render(c), from_address="tdkt@snv.example", from_name=from_name, message_domain="t.vn"
    )


KINDS = {
    "reminder": lambda text: content(item("reminder", text), text=text),
    "due": lambda text: content(item("due", text), text=text),
    "escalation": lambda text: content(
        item("escalation", text), item("reminder", text, uid="u-2"), text=text
    ),
    "digest": lambda text: content(item("reminder", text), item("due", text, uid="u-3"), text=text),
}


class Tags(HTMLParser):
    """Every tag and attribute name in a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def assert_inert_html(html: str) -> None:
    parser = Tags()
    parser.feed(html)
    assert parser.tags <= TEMPLATE_TAGS, parser.tags - TEMPLATE_TAGS
    assert not {a for a in parser.attributes if a.startswith("on")}, parser.attributes
    assert all(h.startswith("https://tdkt.example/") for h in parser.hrefs), parser.hrefs
    assert "&lt;script&gt;" in html and "<script" not in html


def assert_inert_text(text: str) -> None:
    for line in text.splitlines():
        assert not re.match(r"\s*(Bcc|X-Injected):", line), line
    assert not CONTROL.search(text), repr(CONTROL.search(text))


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", [NASTY, LONG, *EVIL], ids=["all", "long", *map(repr, EVIL)])
def test_every_template_renders_names_as_text(kind: str, text: str) -> None:
    rendered = render(KINDS[kind](text))
    parts = {"subject": rendered.subject, "text": rendered.text, "html": rendered.html}
    for name, part in parts.items():
        assert "1337" not in part, name  # {{ 7*191 }} was not evaluated
        assert not CONTROL.search(part), (name, repr(CONTROL.search(part)))
    assert "\r" not in rendered.subject and "\n" not in rendered.subject
    assert len(rendered.subject) <= 80
    assert_inert_text(rendered.text)
    parser = Tags()
    parser.feed(rendered.html)
    assert parser.tags <= TEMPLATE_TAGS and not any(a.startswith("on") for a in parser.attributes)
    if text in (NASTY, MARK):
        for name, part in parts.items():
            assert MARK in part, name  # shown as written
    if text == NASTY:
        assert_inert_html(rendered.html)
        for statement in ("{% raw %}", "{% endraw %}", "{% if true %}x{% endif %}", "{# hidden"):
            assert statement in rendered.text and statement in rendered.html


@pytest.mark.parametrize("kind", KINDS)
def test_ics_attachments_hold_their_events_whatever_the_names(kind: str) -> None:
    c = KINDS[kind](NASTY + "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:evil")
    # One file; one event per future deadline: the same item due the same day is one event.
    events = len(
        {(i.effective_due, i.milestone_title) for i in c.items if i.effective_due >= c.day}
    )
    for attachment in render(c).attachments:
        text = attachment.data.decode("utf-8").replace("\r\n ", "")  # unfolded
        lines = text.split("\r\n")
        assert lines.count("BEGIN:VEVENT") == events and lines.count("END:VEVENT") == events
        assert not any(line.startswith("SUMMARY:evil") for line in lines)
        assert "1337" not in text and not CONTROL.search(text)
        assert attachment.filename.isascii() and "/" not in attachment.filename
    assert ics.escape_text("a\x00b\x1bc") == "a b c"


# --- headers ----------------------------------------------------------------------------------


def parse(message: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def header_block(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", [NASTY, LONG, *EVIL], ids=["all", "long", *map(repr, EVIL)])
def test_no_data_adds_a_header(kind: str, text: str) -> None:
    message = build(KINDS[kind](text), from_name="Sở Nội vụ " + text)
    raw = message
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line break is a CRLF the builder made
    for line in header_block(raw):
        assert not re.match(rb"(Bcc|X-Injected|Cc|Reply-To):", line, re.I), line
        assert line.isascii() and len(line) <= 998, line[:80]
    parsed = parse(message)
    assert set(parsed.keys()) == HEADERS
    assert len(parsed.get_all("To") or []) == 1 and len(parsed.get_all("From") or []) == 1
    assert [a.addr_spec for a in parsed["To"].addresses] == ["an@soyte.example"]
    assert [a.addr_spec for a in parsed["From"].addresses] == ["tdkt@snv.example"]
    assert "\n" not in str(parsed["Subject"]) and "1337" not in str(parsed["Subject"])
    for part in parsed.walk():
        names = {k.lower() for k in part}
        assert names <= {k.lower() for k in HEADERS} | {
            "content-transfer-encoding",
            "content-disposition",
        }, names


def test_a_key_with_crlf_stays_one_header() -> None:
    c = replace(content(text="x"), key="k\r\nBcc: victim@evil.example")
    parsed = parse(build(c))
    assert set(parsed.keys()) == HEADERS and parsed["Bcc"] is None


BAD_ADDRESSES = [
    "an@soyte.example\r\nBcc: victim@evil.example",
    "an@soyte.example\nBcc: victim@evil.example",
    "an@soyte.example\rBcc: victim@evil.example",
    "an@soyte.example\r\n",
    "\r\nan@soyte.example",
    "an@soyte.example\x00",
    "an@soyte.example\u2028Bcc: victim@evil.example",
    "an@soyte.example\x85Bcc: victim@evil.example",
    "an@soyte.example, victim@evil.example",
    "Ông An <an@soyte.example>",
    "ánh@soyte.example",  # SMTPUTF8, which the sender does not speak
]
BREAKS = re.compile(r"[\s\x00-\x1f\x85]")


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        *((field, bad) for field in ("recipient", "sender") for bad in BAD_ADDRESSES),
        # The Message-ID's domain is configuration: what would break its line is refused.
        *(("domain", bad.replace("an@", "")) for bad in BAD_ADDRESSES if BREAKS.search(bad)),
    ],
)
def test_addresses_with_line_breaks_or_more_than_one_address_are_refused(
    field: str, bad: str
) -> None:
    c = content(text="x")
    if field == "recipient":
        c = replace(c, recipient_email=bad)
    with pytest.raises(ValueError):
        build_message(
            c,
            render(c),
            from_address=bad if field == "sender" else "tdkt@snv.example",
            from_name="Sở Nội vụ",
            message_domain=bad if field == "domain" else "t.vn",
        )


# --- the real chase, end to end ---------------------------------------------------------------

PASSWORD = "hunter2-An-mat-khau-7f3a"
SECRET_KEY = "k3y-for-signing-links-0123456789abcdef"
DB_PASSWORD = "pg-PASSWORD-s3cr3t"
DB_URL = f"postgresql+psycopg://tdkt:{DB_PASSWORD}@127.0.0.1:1/tdkt"


def secret_forms(*secrets: str) -> list[str]:
    """The secrets and what an SMTP AUTH exchange would make of them (base64)."""
    forms = list(secrets)
    for s in secrets:
        raw = s.encode()
        forms += [base64.b64encode(raw).decode(), base64.b64encode(b"\0snv\0" + raw).decode()]
    return forms


def assert_nowhere(texts: dict[str, str], *secrets: str) -> None:
    for where, text in texts.items():
        for secret in secret_forms(*secrets):
            assert secret not in text, f"{where} shows a secret"


def app_records(caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """Log records of the application and its libraries, not of the test's SMTP server
    (aiosmtpd logs every line it receives at DEBUG, as a server may)."""
    return {
        f"{r.name}#{i}": f"{r.getMessage()} {r.args!r} {r.exc_text or ''}"
        for i, r in enumerate(caplog.records)
        if not r.name.startswith("mail.")
    }


class AuthServer:
    """An SMTP server that requires a login; a wrong password is refused with a reply that
    quotes it back, as careless servers do, to prove the sender never records it."""

    def __init__(self) -> None:
        self.accepted: list[bytes] = []
        self.lock = threading.Lock()

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        if data.password.decode() == PASSWORD:
            return AuthResult(success=True)
        return AuthResult(
            success=False, handled=False, message=f"535 5.7.8 bad password {data.password.decode()}"
        )

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.accepted.append(envelope.original_content or envelope.content)
        return "250 OK"


@contextlib.contextmanager
def auth_server() -> Iterator[tuple[AuthServer, int]]:
    handler = AuthServer()
    with socket.socket() as probe:  # aiosmtpd checks its port by connecting: not 0
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        auth_require_tls=False,
        authenticator=handler.authenticate,
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


IN_FILES = (
    f"{MARK} {{% raw %}} <script>alert(1)</script>\r\nBcc: victim@evil.example "
    "\u2028X-Injected: yes <img src=x onerror=alert(2)> {% if true %}x{% endif %}"
)
"""What a directory or plan file may hold (the readers refuse control characters)."""


def evil_files(tmp_path: Path) -> tuple[Path, Path]:
    """The small directory and plan with hostile names, titles and quotes."""
    directory = yaml.safe_load(SMALL_DIRECTORY.read_text(encoding="utf-8"))
    for unit in directory["units"]:
        unit["name"] += " " + IN_FILES
        for contact in unit["contacts"]:
            contact["name"] += " " + IN_FILES
    plan = yaml.safe_load(SMALL_PLAN.read_text(encoding="utf-8"))
    text = IN_FILES
    plan["title"] += " " + text
    plan["document"]["issuer_name"] += " " + text
    for agency in plan["agencies"].values():
        agency["name"] += " " + text
    for milestone in plan["milestones"]:
        milestone["title"] += " " + text
        milestone["quote"] = "Trích " + text
        milestone["clause"] = "IV.1 <b>{{x}}</b>"
    dir_path, plan_path = tmp_path / "evil-directory.yaml", tmp_path / "evil-plan.yaml"
    dir_path.write_text(yaml.safe_dump(directory, allow_unicode=True), encoding="utf-8")
    plan_path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    return dir_path, plan_path


@pytest.fixture
def secrets_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """The secrets a production machine holds, in the environment."""
    monkeypatch.setenv("TDKT_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("TDKT_SMTP_USERNAME", "snv")
    monkeypatch.setenv("TDKT_SECRET_KEY", SECRET_KEY)


def test_the_chase_with_hostile_names_and_a_secret_password(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, secrets_set: None
) -> None:
    caplog.set_level(logging.DEBUG)
    dir_path, plan_path = evil_files(tmp_path)
    with unit_of_work() as session:
        import_directory_file(session, dir_path, at=now(), actor="test")
        load_plan_file(session, plan_path, default_calendar(), at=now(), actor="test")
    assert SmtpSettings.from_env().password is not None
    with auth_server() as (server, port):
        smtp = replace_settings(port, PASSWORD)
        wrong = replace_settings(port, PASSWORD + "-wrong", max_attempts=1)
        for day in days(dt.date(2023, 2, 20), dt.date(2023, 3, 5)):
            sweep(day, smtp)
        # The last escalation goes out with a wrong password: the server refuses the login
        # with a reply that quotes it, and the outbox records that reply.
        sweep(dt.date(2023, 3, 6), wrong)
    assert len(server.accepted) >= 6
    kinds = set()
    for raw in server.accepted:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        assert set(parsed.keys()) == HEADERS, parsed.keys()
        assert len(parsed["To"].addresses) == 1
        kinds.add(str(parsed["X-TDKT-Kind"]))
        text = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        assert text is not None and html is not None
        for part in (str(parsed["Subject"]), text.get_content(), html.get_content()):
            assert "1337" not in part and MARK in part
        assert_inert_text(text.get_content())
        html_parser = Tags()
        html_parser.feed(html.get_content())
        assert html_parser.tags <= TEMPLATE_TAGS
        assert not any(a.startswith("on") for a in html_parser.attributes)
    assert kinds == {"reminder", "due", "escalation"}

    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        late = overdue_units(session, campaign, default_calendar(), as_of=dt.date(2023, 3, 8))
        today = emails_of_day(session, campaign, dt.date(2023, 3, 8))
        errors = [e.last_error or "" for e in session.scalars(select(Email))]
        stored = b"".join(e.mime for e in session.scalars(select(Email)))
        report = leaders_report(session, campaign, default_calendar(), as_of=dt.date(2023, 3, 8))
    assert any("535" in e for e in errors)  # the refused login was recorded...
    texts = {
        "recorded errors": "\n".join(errors),
        "stored messages": stored.decode("utf-8", "replace"),
        "overdue artifact": str(overdue_table(late)),
        "emails artifact": emails_markdown(today),
        "report": render_report(report),
        **app_records(caplog),
    }
    assert "1337" not in texts["report"] and "<script>" not in texts["report"]
    assert_nowhere(texts, PASSWORD, PASSWORD + "-wrong", SECRET_KEY)  # ...without its password


def replace_settings(port: int, password: str, **extra: Any) -> SmtpSettings:
    return SmtpSettings.from_env().model_copy(
        update={
            "host": "127.0.0.1",
            "port": port,
            "password": SmtpSettings(password=password).password,
            "backoff_seconds": 0.01,
            "connections": 1,
            **extra,
        }
    )


# --- secrets in settings, errors and output ---------------------------------------------------


def test_smtp_settings_errors_do_not_quote_the_password() -> None:
    bad = {"TDKT_SMTP_PASSWORD": PASSWORD, "TDKT_SMTP_TLS": "true", "TDKT_SMTP_STARTTLS": "true"}
    with pytest.raises(ValueError) as info:  # pydantic quoted the whole mapping
        SmtpSettings.from_env(bad)
    with pytest.raises(ValueError) as port:
        SmtpSettings.from_env({"TDKT_SMTP_PASSWORD": PASSWORD, "TDKT_SMTP_PORT": "x"})
    settings = SmtpSettings(password=PASSWORD)
    texts = {
        "error": str(info.value),
        "port error": str(port.value),
        "repr": repr(settings),
        "dump": str(settings.model_dump(mode="json")),
    }
    assert_nowhere(texts, PASSWORD)


def test_a_refused_login_is_recorded_without_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    message = b"Subject: x\r\n\r\nx\r\n"
    with auth_server() as (_, port):
        settings = SmtpSettings(
            port=port, username="snv", password=PASSWORD + "-wrong", max_attempts=2
        )
        settings = settings.model_copy(update={"backoff_seconds": 0.01})
        (result,) = asyncio.run(
            deliver([Outgoing(1, "a@b.example", ("c@d.example",), message)], settings)
        )
    assert result.status == "transient" and result.code == 535 and result.error
    assert "***" in result.error  # the server quoted it; the record masks it
    assert_nowhere({"error": result.error, **app_records(caplog)}, PASSWORD + "-wrong")


def test_database_url_passwords_are_masked() -> None:
    assert masked_url(DB_URL) == "postgresql+psycopg://tdkt:***@127.0.0.1:1/tdkt"
    assert DB_PASSWORD not in masked_url(DB_URL.replace("postgresql+psycopg", "garbage:"))
    settings = Settings(Path("/tmp/x"), DB_URL)
    assert DB_PASSWORD not in repr(settings) and DB_PASSWORD not in settings.safe_url
    assert settings.database_url == DB_URL  # still what the engine connects with


def test_the_console_masks_every_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], secrets_set: None
) -> None:
    monkeypatch.setenv("TDKT_DATABASE_URL", DB_URL)
    console = make_console(highlight=False)
    console.print(f"Cơ sở dữ liệu: {DB_URL}; mật khẩu {PASSWORD}; khóa {SECRET_KEY}")
    console.print(f"bare password: {DB_PASSWORD}")
    console.print("another URL: redis://:other-pass@cache.example:6379/0")
    make_console(width=24).print(f"wrapped over lines: {DB_URL}")  # rich folds long words
    out = capsys.readouterr().out
    assert_nowhere({"console": out}, PASSWORD, SECRET_KEY, DB_PASSWORD, "other-pass")
    assert "tdkt:***@127.0.0.1" in out and "redis://:***@cache.example" in out
    assert redact("no secret here") == "no secret here"


def test_a_file_name_that_looks_like_markup_is_printed_not_raised(
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_console(highlight=False).print("[green]Đã nhập[/] /tmp/[/x].yaml: 3 đơn vị")
    assert "/tmp/[/x].yaml: 3 đơn vị" in capsys.readouterr().out  # was a MarkupError


def tdkt(*args: str) -> Any:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


def test_db_upgrade_prints_the_url_without_its_password(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, secrets_set: None
) -> None:
    import models.db

    caplog.set_level(logging.DEBUG)
    migrated: list[str] = []
    monkeypatch.setenv("TDKT_DATABASE_URL", DB_URL)
    monkeypatch.setattr(models.db, "make_engine", lambda url: url)
    monkeypatch.setattr(models.db, "migrate", lambda engine, revision: migrated.append(engine))
    run = tdkt("db", "upgrade")
    assert run.exit_code == 0, run.output
    assert migrated == [DB_URL]  # the real URL was used...
    assert "postgresql+psycopg://tdkt:***@127.0.0.1:1/tdkt" in run.output  # ...and masked
    assert_nowhere({"output": run.output, **app_records(caplog)}, DB_PASSWORD)


def test_an_unreachable_database_is_one_line_without_its_password(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, secrets_set: None
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TDKT_DATABASE_URL", DB_URL)  # port 1: nothing listens
    run = tdkt("plan", "load", str(SMALL_PLAN))
    assert run.exit_code == 1, run.output
    assert run.output.startswith("Lỗi cơ sở dữ liệu") and "Traceback" not in run.output
    assert "tdkt:***@127.0.0.1:1/tdkt" in run.output
    assert_nowhere({"output": run.output, **app_records(caplog)}, DB_PASSWORD, PASSWORD, SECRET_KEY)


def test_input_errors_show_no_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, secrets_set: None
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"id: x\ntitle: {PASSWORD}\nfoo: {SECRET_KEY}\n", encoding="utf-8")
    run = tdkt("plan", "check", str(bad))
    assert run.exit_code == 2 and str(bad) in run.output
    assert_nowhere({"output": run.output, **app_records(caplog)}, PASSWORD, SECRET_KEY)


# --- dashboard artifacts ----------------------------------------------------------------------


def test_artifacts_show_names_as_plain_text_in_one_table_row() -> None:
    evil = NASTY + " | x | [link](javascript:alert(5)) `code`"
    status = CampaignStatus(
        slug="s",
        title="Kế hoạch " + evil,
        as_of=dt.date(2023, 3, 1),
        milestones=[MilestoneRow("m", evil, "2023", dt.date(2023, 3, 1), {"open": 1})],
        overdue=[OverdueRow("T.A", evil, evil, evil, dt.date(2023, 2, 28), 3)],
        overdue_count=1,
        emails={"failed": 1},
        failed=[FailedEmail("a@b.example", evil, 550, "550 " + evil)],
    )
    quotas = [QuotaProgress(evil, None, "T.A", 2023, 1, None, 0)]
    unit = OverdueUnit(
        "T.A", evil, evil, evil, evil, [OverdueItem(evil, evil, dt.date(2023, 2, 28), 3)]
    )
    emails = DayEmails(
        dt.date(2023, 3, 1),
        {evil: Counter(failed=1)},
        [FailedDelivery(evil, evil, evil, 550, "550 " + evil)],
        1,
    )
    board = Dashboard(
        status, [unit], emails, quotas, {"T.A": evil}, {}, {}, "http://127.0.0.1:8765/x"
    )
    summary = summary_markdown(board).replace("](http://127.0.0.1:8765/x)", "")  # our own link
    markdowns = (summary, emails_markdown(emails), quota_markdown(quotas, {"T.A": evil}, D1))
    for markdown in markdowns:
        header_cells = None
        for line in markdown.splitlines():
            if not line.startswith("| "):
                header_cells = None  # a table ended: the next row is another's header
                continue
            cells = re.sub(r"\\\|", "", line).count(" | ")
            header_cells = cells if header_cells is None else header_cells
            assert cells == header_cells, line  # no cell added
        assert "<script" not in markdown and "<img" not in markdown
        assert not re.search(r"(?<!\\)\]\(", markdown) and "1337" not in markdown  # no link
        assert not CONTROL.search(markdown)
    for row in overdue_table([unit]):  # a table artifact: plain text cells, on one line each
        assert not any(CONTROL.search(str(v)) or "\n" in str(v) for v in row.values())


D1 = dt.date(2023, 3, 1)


# --- any text at all --------------------------------------------------------------------------

ANY_TEXT = st.text(
    st.characters(exclude_categories=())
    | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)  # a lone surrogate crashed
    | st.sampled_from("\r\n\x85\u2028\u2029\x00\x1b"),
    max_size=200,
) | st.sampled_from(EVIL)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=ANY_TEXT, title=ANY_TEXT, kind=st.sampled_from(sorted(KINDS)))
def test_any_text_in_names_and_titles_adds_no_header(name: str, title: str, kind: str) -> None:
    c = KINDS[kind](name)
    c = replace(c, items=tuple(replace(i, milestone_title=title) for i in c.items))
    message = build(c, from_name=name)
    parsed = parse(message)
    assert set(parsed.keys()) == HEADERS
    assert [a.addr_spec for a in parsed["To"].addresses] == ["an@soyte.example"]
    rendered = render(c)
    for part in (rendered.subject, rendered.text, rendered.html):
        assert not CONTROL.search(part)
    assert "\n" not in rendered.subject
