"""The invitation a council member receives when a ballot opens (issue 20: "no invitation is
sent when a ballot opens, only two reminders three days apart").

Plain data in (BallotInvitation), subject, text and HTML out, through the templates
ballot_invitation.txt and ballot_invitation.html in the one template environment of
notifications.render (data passed as variables only, HTML autoescaped). No .ics: the ballot's
deadline is a time of day, said in the body; the vote reminders that follow carry the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.correspondence import request
from models.text import vn_date, vn_weekday
from notifications.content import EmailContent
from notifications.render import Rendered, environment, one_line, reader, shorten_words

SUBJECT_MAX = 80
LISTED = 100
"""At most this many candidates are listed in the email when it carries a vote link: the vote
page lists every one (a national ballot puts thousands to the council, a megabyte an email)."""


@dataclass(frozen=True)
class BallotCandidate:
    name: str
    unit: str  # the unit that proposed them (or the collective itself)
    title: str  # the title proposed: "Điển hình tiên tiến", "Giấy khen"


@dataclass(frozen=True)
class BallotInvitation:
    """One member's invitation: the email's envelope (EmailContent: key, reader, signature)
    and what the ballot is."""

    content: EmailContent
    council: str  # "Hội đồng Thi đua - Khen thưởng (Ủy ban nhân dân tỉnh Quảng Bình)"
    ballot_title: str  # "Bình xét điển hình tiên tiến năm 2024"
    candidates: tuple[BallotCandidate, ...]
    closes_at: dt.datetime
    link: str  # the member's personal vote link; "" if none could be issued


def subject(invitation: BallotInvitation) -> str:
    """ "[Mời bỏ phiếu, hạn 15/05/2024] Bình xét điển hình tiên tiến năm 2024", ≤ 80 chars."""
    prefix = f"[Mời bỏ phiếu, hạn {vn_date(invitation.closes_at.date())}]"
    title = shorten_words(one_line(invitation.ballot_title), SUBJECT_MAX - len(prefix) - 1)
    return f"{prefix} {title}"


def render_invitation(invitation: BallotInvitation) -> Rendered:
    content = invitation.content
    addressed = reader(content)
    closes = invitation.closes_at
    # Without a link the email is the member's only list: then every candidate is in it.
    listed = invitation.candidates[:LISTED] if invitation.link else invitation.candidates
    context = {
        "salutation": addressed.salutation,
        "ask": request(
            addressed,
            "cho ý kiến bằng phiếu kín về các trường hợp dưới đây",
            "chỉ đạo và cho ý kiến bằng phiếu kín về các trường hợp dưới đây",
        ),
        "sender_name": one_line(content.sender_name),
        "signed_by": one_line(content.signed_by or content.sender_name),
        "officer": one_line(content.officer),
        "council": one_line(invitation.council),
        "ballot_title": one_line(invitation.ballot_title),
        "today": vn_date(content.day),
        "today_weekday": vn_weekday(content.day),
        "closes_time": f"{closes:%H} giờ {closes:%M}",
        "closes_date": vn_date(closes.date()),
        "closes_weekday": vn_weekday(closes.date()),
        "count": len(invitation.candidates),
        "candidates": [
            {
                "name": one_line(c.name),
                "unit": _unit_unless_named(c.name, c.unit),
                "title": one_line(c.title),
            }
            for c in listed
        ],
        "unlisted": len(invitation.candidates) - len(listed),
        "link": one_line(invitation.link),
    }
    env = environment()
    return Rendered(
        subject=subject(invitation),
        text=env.get_template("ballot_invitation.txt").render(context),
        html=env.get_template("ballot_invitation.html").render(context),
        attachments=(),
    )


def _unit_unless_named(name: str, unit: str) -> str:
    """The candidate's unit, or "" when their name already says it ("Bùi Văn Hải (Sở Y tế)",
    "Tập thể tiêu biểu số 1 — Sở Y tế"): a line does not name the unit twice."""
    unit = one_line(unit)
    return "" if unit and unit in one_line(name) else unit
