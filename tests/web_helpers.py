"""What web intake tests share: a small world with a reminder and a ballot, links read back out
of the emails the local SMTP server captured, tiny valid documents, and a clock to pass the app.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.db import unit_of_work
from models.orm import Campaign, Contact, Council, Unit
from models.services import ballots
from models.services.process_obligations import open_process_obligations
from models.vocabulary import ContactRole
from tests.candidate_helpers import eligible_individuals
from tests.chase_helpers import SMALL, load_small, morning

D = dt.date
REMINDER_DAY = D(2023, 2, 23)  # the small plan's first reminder (report due 28/02/2023)
BALLOT_OPENS = dt.datetime(2023, 2, 20, 8, 0, tzinfo=TIMEZONE)
BALLOT_CLOSES = dt.datetime(2023, 3, 3, 17, 0, tzinfo=TIMEZONE)
MEMBERS = ("tv1@t.example", "tv2@t.example", "tv3@t.example")
LINK = re.compile(r"https?://[^\s<>\"]+/l/[A-Za-z0-9_.\-]+")


def clock_at(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


def during(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), TIMEZONE)


def load_world() -> None:
    """The small plan and directory (units T.A, T.B owe a report due 28/02/2023)."""
    load_small()


def standing_body(session: Session) -> Unit:
    """The small plan's standing body (T.SNV): its coordinators see the small campaign."""
    campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
    return campaign.standing_body


def open_ballot_world() -> int:
    """Three council members of province T and two eligible candidates of Sở A, put to a
    ballot open 20/02–03/03/2023; each member owes a vote (a process obligation). Returns the
    ballot's id."""
    with unit_of_work() as session:
        province = session.scalars(select(Unit).where(Unit.code == "T")).one()
        for i, email in enumerate(MEMBERS, start=1):
            province.contacts.append(
                Contact(name=f"Thành viên {i}", role=ContactRole.COUNCIL_MEMBER, email=email)
            )
        session.flush()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        names = ["Nguyễn Văn An", "Trần Thị Bình"]
        people = eligible_individuals(session, campaign, names, year=2023, at=BALLOT_OPENS)
        council = ballots.council_from_directory(
            session,
            province,
            code="HD-T",
            name="Hội đồng TĐKT tỉnh Thử",
            at=BALLOT_OPENS,
            actor="test",
        )
        assert isinstance(council, Council)
        ballot = ballots.open_ballot(
            session,
            council,
            campaign,
            people,
            title="Bình xét điển hình năm 2023",
            award="giay-khen",
            closes_at=BALLOT_CLOSES,
            at=BALLOT_OPENS,
            actor="test",
        )
        open_process_obligations(session, campaign, default_calendar(), at=BALLOT_OPENS)
        return ballot.id


def captured(folder: Path) -> list[tuple[str, str, str]]:
    """(recipient, subject, plain text) of every .eml the LocalMailbox wrote, in order."""
    out = []
    for path in sorted(folder.rglob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        out.append((str(message["To"]), str(message["Subject"]), text))
    return out


def links_for(folder: Path, recipient: str) -> list[str]:
    """The personal links in the emails captured for recipient (an address), in order."""
    found: list[str] = []
    for to, _, text in captured(folder):
        if recipient in to:
            found += LINK.findall(text)
    return found


def path_of(url: str) -> str:
    """'/l/<token>' of a link, for a test client or a server on another port."""
    return url[url.index("/l/") :]


def pdf_bytes(text: str = "Báo cáo") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% "
        + text.encode()
        + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def docx_bytes(*, macro: bool = False) -> bytes:
    kind = "ms-word.document.macroEnabled" if macro else "openxmlformats-officedocument"
    types = (
        '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
        f'ContentType="application/vnd.{kind}.wordprocessingml.document.main+xml"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", types)
        package.writestr("word/document.xml", "<w:document/>")
        if macro:
            package.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


__all__ = ["SMALL", "morning"]
