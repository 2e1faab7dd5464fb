"""Turn EmailContent into what a reader sees: subject, plain text, HTML and .ics attachments.

The wording lives in templates/; this module computes everything a template would otherwise
have to reason about (dates as dd/mm/yyyy, "còn N ngày làm việc", sort orders), so templates
only lay text out. Data is only ever passed as template variables, never compiled, so "{{ }}"
in a unit name stays literal; the HTML template autoescapes, so "<script>" stays text.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2

from models.correspondence import Address, request
from models.intake import IntakeAction
from models.phrases import with_occurrence
from models.text import vn_date, vn_weekday
from notifications import ics
from notifications.content import Actor, DeadlineItem, EmailContent, PlanRef, Step
from notifications.digest import (
    NEWLY_OVERDUE_DAYS,
    Section,
    bases,
    distinguished,
    grouped,
    overdue_sections,
)

SUBJECT_MAX = 80
"""Characters in a subject: what an inbox list shows before it cuts the line."""
SUBJECT_SENDER = 30
"""Characters of the subject given to the sender's name at most."""
ICS_CONTENT_TYPE = "text/calendar; method=PUBLISH; charset=UTF-8"
MAX_EMAIL_BYTES = 200_000
"""The most one message may weigh (issue 20: "no email over 200 KB"): office mailboxes are
small and slow. The digest caps (models.services.digests.DIGEST_LINES, OVERSIGHT_LIST) keep the
demo's emails far below it; render() trims the least urgent lines of an email that would still
be heavier (very long names), counting them with the rest left out."""
HEADERS_BYTES = 4_096
"""What a message's headers and MIME framing weigh at most, beside its base64 parts."""
PREFIX: dict[Step, str] = {
    "reminder": "Nhắc hạn",
    "due": "Đến hạn",
    "escalation": "Quá hạn",
}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True)
class ItemView:
    """One DeadlineItem as the templates print it: every field already a display string."""

    step: Step
    what: str
    title: str  # the line's words: what, about what ("— Điển hình: …"), by whom for a vote
    about: str
    actor: Actor
    exemplar: str
    unit_name: str
    owed_to: str
    sent_to: str  # owed_to when a unit submits it; "" for a vote or a mentor's duty
    due: str
    due_weekday: str
    effective_due: str
    effective_weekday: str
    effective_due_iso: str  # for sorting
    moved: bool  # the plan's date is a day off, so the deadline moved (BLDS 2015 art. 148)
    status: str
    overdue_days: int
    plan: str  # "Kế hoạch số 1837/KH-UBND ngày 04/10/2022 của Ủy ban nhân dân tỉnh Quảng Bình"
    plan_title: str
    clause: str  # "Mục IV.1" or ""
    phrase: str
    quote: str
    link: str  # "" when the recipient has no personal link for it
    link_label: str
    setting: str  # "" when the plan writes the date; else says the coordinator set it


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


COORDINATOR_SETTING = (
    "Thời hạn này do cơ quan thường trực ấn định để theo dõi; kế hoạch không quy định thời hạn."
)
"""Said beside a deadline the plan does not write (the quota checkpoint, a set date), so that
no reader takes it for the plan's words."""


def one_line(value: str) -> str:
    """Collapse every run of whitespace (CR, LF, U+2028 included) into one space, control
    characters too: data shown in a header or a line of the email has neither line breaks
    nor bytes a mail client would act on. Half a surrogate pair, which no encoding writes
    (the message could not be built at all), becomes U+FFFD."""
    if value.isprintable():
        # No control character, line break or surrogate (none is printable) and no space but
        # U+0020: most data is already one line, and two regex passes a value were a tenth
        # of rendering.
        if "  " not in value and value[:1] != " " and value[-1:] != " ":
            return value
        return " ".join(value.split())
    value = _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", value))
    return " ".join(value.split())


def shorten_words(value: str, limit: int) -> str:
    """value in at most `limit` characters, cut after a whole word and ended with "…" (never
    mid-word: "Kế hoạch xây dựng điển hình…", not "Kế hoạch xây dựng điển hì…"); a single word
    longer than the limit is the only one cut inside."""
    if len(value) <= limit:
        return value
    room = value[: max(limit - 1, 0)]
    if value[len(room)] != " " and " " in room:
        room = room.rsplit(" ", 1)[0]
    return room.rstrip(" ,;:-—–") + "…"


def plan_citation(plan: PlanRef) -> str:
    number = f"số {one_line(plan.number)}" if plan.number else "(không số)"
    date = f" ngày {vn_date(plan.date)}" if plan.date else ""
    return f"Kế hoạch {number}{date} của {one_line(plan.issuer_name)}"


def status_phrase(item: DeadlineItem, day: dt.date) -> str:
    """Where the deadline stands on `day`, counted in working days."""
    left = item.working_days_left
    if left > 0:
        return f"còn {left} ngày làm việc"
    if left < 0:
        return f"đã quá hạn {-left} ngày làm việc"
    if day > item.effective_due:
        return "đã hết hạn"
    if day == item.effective_due:
        return "hạn là hôm nay"
    return "hạn là ngày làm việc kế tiếp"


def view(item: DeadlineItem, day: dt.date, voter: str = "") -> ItemView:
    """An item as display strings. `voter` names the reader in a council member's line
    ("Đồng chí Lê Văn Bình bỏ phiếu bình xét …"): a vote is the member's own act."""
    what = one_line(with_occurrence(item.milestone_title, item.occurrence_label))
    about = one_line(item.about)
    return ItemView(
        step=item.step,
        what=what,
        title=_title(item.actor, what, about, one_line(voter)),
        about=about,
        actor=item.actor,
        exemplar=one_line(item.exemplar),
        unit_name=one_line(item.unit_name),
        owed_to=one_line(item.owed_to),
        sent_to=one_line(item.owed_to) if item.actor == "unit" else "",
        due=vn_date(item.due),
        due_weekday=vn_weekday(item.due),
        effective_due=vn_date(item.effective_due),
        effective_weekday=vn_weekday(item.effective_due),
        effective_due_iso=item.effective_due.isoformat(),
        moved=item.effective_due != item.due,
        status=status_phrase(item, day),
        overdue_days=max(-item.working_days_left, 0),
        plan=plan_citation(item.plan),
        plan_title=one_line(item.plan.title),
        clause=f"Mục {one_line(item.clause)}" if item.clause else "",
        phrase=one_line(item.phrase or ""),
        quote=one_line(item.quote or ""),
        link=one_line(item.link or ""),
        link_label=one_line(item.link_label),
        setting=COORDINATOR_SETTING if item.set_by_coordinator else "",
    )


_VOTE = "bỏ phiếu "


def _title(actor: Actor, what: str, about: str, voter: str) -> str:
    """The words of an item's line: what, then what it is about; a council member's line
    says that the member votes ("Đồng chí … bỏ phiếu bình xét …"), not that a unit reports."""
    named = f"{what} — {about}" if about else what
    if actor != "council_member":
        return named
    who = voter if voter.startswith("Đồng chí ") else "Thành viên Hội đồng"
    if named.lower().startswith(_VOTE):
        return f"{who} {_VOTE}{named[len(_VOTE) :]}"
    return f"{who} {_VOTE.strip()}: {named}"


def subject(content: EmailContent) -> str:
    """One header line that survives an inbox list: the kind and the date first, then what
    and who, at most SUBJECT_MAX characters, cut at a word ("[Nhắc hạn 31/10/2022] Kế hoạch
    xây dựng điển hình tiên tiến — Sở Nội vụ"). The date is the earliest deadline of the
    email's kind (for an escalation, the most overdue one)."""
    kind = content.kind
    items = content.items
    first = min((i.effective_due for i in items if i.step == kind), default=content.day)
    prefix = f"[{PREFIX[kind]} {vn_date(first)}]"
    tail = shorten_words(_without_parent(one_line(content.sender_name)), SUBJECT_SENDER)
    if len(items) == 1 and not (content.more_items or content.more_overdue):
        v = view(items[0], content.day)
        head = f"{v.unit_name}: {v.what}" if kind == "escalation" else v.what
    elif kind == "escalation":
        overdue = [i for i in items if i.step == "escalation"]
        units = len({i.unit_code for i in overdue})
        head = (
            f"{len(overdue)} việc quá hạn của {units} đơn vị"
            if not content.more_overdue
            else f"{len(overdue) + content.more_overdue} việc quá hạn"
        )
        if len(overdue) < len(items) or content.more_items:
            head += f", {len(items) - len(overdue) + content.more_items} việc khác"
    else:
        head = f"{len(items) + content.more_items} việc đến hạn"
    head = shorten_words(head, SUBJECT_MAX - len(prefix) - len(tail) - 4)
    return f"{prefix} {head} — {tail}"


def _without_parent(name: str) -> str:
    """A sender's name without the parent body written after it in parentheses ("Sở Nội vụ
    (Ủy ban nhân dân tỉnh Quảng Bình)" → "Sở Nội vụ"): the subject has no room for both."""
    bare = re.sub(r"\s*\([^()]*\)$", "", name)
    return bare or name


@functools.cache
def environment() -> jinja2.Environment:
    """The one template environment, built on first use."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates ship with the code: no stat() of them an email
    )


def attachments(
    content: EmailContent, views: Sequence[ItemView] | None = None
) -> tuple[Attachment, ...]:
    """One .ics holding one event per distinct future deadline the email lists (by uid, and
    one for the same thing due the same day, whichever units owe it), so a reader puts them
    in a calendar at once; none when every deadline is past (an overdue list is no
    appointment). `views` are the items' views when the caller has them (render)."""
    shown = views if views is not None else [view(i, content.day) for i in content.items]
    firsts: dict[tuple[dt.date, str], tuple[DeadlineItem, ItemView]] = {}
    units: dict[tuple[dt.date, str], set[str]] = {}
    uids: set[str] = set()
    for item, v in zip(content.items, shown, strict=True):
        key = (item.effective_due, v.what)
        if item.effective_due >= content.day and item.uid not in uids:
            uids.add(item.uid)
            firsts.setdefault(key, (item, v))
        units.setdefault(key, set()).add(v.unit_name)
    if not firsts:
        return ()
    events: list[ics.Event] = []
    names: list[str] = []
    for key, (item, v) in sorted(firsts.items(), key=lambda k: (k[0][0], k[1][0].uid)):
        names.append(v.what)
        others = len(units[key]) - 1
        lines = [v.plan, v.plan_title]
        if v.clause or v.phrase:
            lines.append(" ".join(filter(None, [v.clause, f"“{v.phrase}”" if v.phrase else ""])))
        if v.about:
            lines.append(v.about)
        sent = f"; gửi đến: {v.sent_to}" if v.sent_to else ""
        more = f" và {others} đơn vị khác" if others else ""
        lines.append(f"Đơn vị thực hiện: {v.unit_name}{more}{sent}")
        if v.moved:
            lines.append(
                f"Hạn ghi trong kế hoạch: {v.due} (ngày nghỉ, lùi theo Điều 148 BLDS 2015)"
            )
        events.append(ics.Event(item.uid, item.effective_due, f"Hạn: {v.what}", "\n".join(lines)))
    first = events[0]
    name = (
        f"han-{ics.slugify(names[0])}-{first.on:%Y%m%d}"
        if len(events) == 1
        else f"han-{len(events)}-viec-tu-{first.on:%Y%m%d}"
    )
    return (Attachment(f"{name}.ics", ICS_CONTENT_TYPE, ics.calendar(content.day, events)),)


ASKS: dict[Actor, dict[Step, tuple[str, str]]] = {
    "unit": {
        "escalation": ("chỉ đạo, đôn đốc", "chỉ đạo, đôn đốc"),
        "due": ("hoàn thành và gửi trong ngày hôm nay", "chỉ đạo hoàn thành trong ngày hôm nay"),
        "reminder": ("hoàn thành và gửi đúng hạn", "chỉ đạo hoàn thành đúng hạn"),
    },
    "council_member": {
        "escalation": ("bỏ phiếu sớm", "bỏ phiếu sớm"),
        "due": ("bỏ phiếu trong ngày hôm nay", "bỏ phiếu trong ngày hôm nay"),
        "reminder": ("bỏ phiếu đúng hạn", "bỏ phiếu đúng hạn"),
    },
    "mentor": {
        "escalation": ("hoàn thành sớm", "chỉ đạo, đôn đốc"),
        "due": ("hoàn thành trong ngày hôm nay", "chỉ đạo hoàn thành trong ngày hôm nay"),
        "reminder": ("hoàn thành đúng hạn", "chỉ đạo hoàn thành đúng hạn"),
    },
}
"""What each kind of email asks, by who acts: of a unit ("đề nghị quý cơ quan …"), of a
council member (their vote), of a mentor (their duty to the exemplar); the second phrase is
said to a leader above the sender ("kính báo cáo Đồng chí … để …")."""

OWN_STAFF_FOLLOW_UP = "theo dõi, đôn đốc các đơn vị hoàn thành"
"""What the standing body asks of its own officer or department about other units' late work:
to follow them up. Directing ("chỉ đạo") belongs to a head over their own staff."""

NOUNS: dict[Actor, tuple[str, str]] = {
    "unit": ("việc", "theo kế hoạch thi đua, khen thưởng"),
    "council_member": ("việc bỏ phiếu", "của Hội đồng Thi đua - Khen thưởng"),
    "mentor": ("việc giúp đỡ điển hình tiên tiến", "theo kế hoạch thi đua, khen thưởng"),
}
"""What the items are called in the opening sentence, by who acts, and whose they are."""

SKIP_IF_DONE: dict[Actor, str] = {
    "unit": "Nếu đơn vị đã gửi, xin bỏ qua thư này.",
    "council_member": "Nếu đồng chí đã bỏ phiếu, xin bỏ qua thư này.",
    "mentor": "Nếu đồng chí đã hoàn thành, xin bỏ qua thư này.",
}
"""The footer's "xin bỏ qua", said only to whoever could have done it already."""


def reader(content: EmailContent) -> Address:
    """How the email names its reader; without a salutation, the recipient's unit."""
    salutation = one_line(content.salutation) or one_line(
        content.recipient_unit or content.recipient_name
    )
    addressee = one_line(content.addressee)
    if content.own_staff and addressee == EmailContent.addressee:
        addressee = salutation  # its own department is not "quý cơ quan" to the writer
    return Address(salutation, addressee, content.upward)


def _own_vote(v: ItemView) -> bool:
    """The item is the reader's own vote as a council member: its link is theirs to use."""
    return v.actor == "council_member" or v.link_label == IntakeAction.VOTE.label


def actor_of(content: EmailContent) -> Actor:
    """Who acts on the whole email: the items' one actor, or a unit when they are mixed."""
    actors = {i.actor for i in content.items}
    return actors.pop() if len(actors) == 1 else "unit"


def opening(content: EmailContent, listed: int) -> str:
    """The email's first sentence: what it is about, on which day, and what it asks. The
    sender is named as it signs (the body in full, "Sở Nội vụ tỉnh Quảng Bình")."""
    kind, actor = content.kind, actor_of(content)
    sender = one_line(content.signed_by or content.sender_name)
    ask = request(reader(content), *ASKS[actor][kind])
    if content.own_staff and kind == "escalation":
        ask = request(reader(content), OWN_STAFF_FOLLOW_UP, OWN_STAFF_FOLLOW_UP)
    noun, whose = NOUNS[actor]
    some = "các " if listed > 1 else ""
    on = f"{vn_weekday(content.day)} ngày {vn_date(content.day)}"
    if kind == "escalation":
        late = [i for i in content.items if i.step == "escalation"]
        # The standing body's list of other units' escalations has no rank of its own (0): an
        # email of those lines only, or whose own were left out by the cap, says no "lần 0".
        level = max(i.level for i in late)
        rank = f" (báo cáo quá hạn lần {level})" if level else ""
        units = {one_line(i.unit_name) for i in late}
        late_ones = (
            f"{units.pop()} chưa hoàn thành {some}{noun} dưới đây được giao {whose}"
            if len(units) == 1 and not content.more_overdue
            else f"các đơn vị dưới đây chưa hoàn thành {noun} được giao {whose}"
        )
        return f"Tính đến {on}, {late_ones} dù đã được nhắc hạn{rank}. {sender} {ask}."
    if kind == "due":
        return f"Hôm nay, {on}, là hạn của {some}{noun} dưới đây. {sender} {ask}."
    return f"{sender} trân trọng nhắc {some}{noun} sắp đến hạn {whose} dưới đây và {ask}."


def footer(content: EmailContent, personal_links: bool) -> str:
    """Who sent the email, "xin bỏ qua" only to whoever could have acted already (never to a
    leader, nor to the standing body about other units' work), and the links' warning."""
    actor = actor_of(content)
    own = one_line(content.recipient_unit)
    could_have = not content.upward and (
        actor != "unit" or any(one_line(i.unit_name) == own for i in content.items)
    )
    sender = one_line(content.signed_by or content.sender_name)
    said = [f"Thư này được gửi tự động bởi hệ thống tdkt-flow thay mặt {sender}."]
    if could_have:
        said.append(SKIP_IF_DONE[actor])
    if personal_links:
        said.append("Liên kết trong thư là liên kết cá nhân, có thời hạn: xin không chuyển tiếp.")
    return " ".join(said)


def item_views(content: EmailContent) -> list[ItemView]:
    """The email's items as display strings, each line worded for its reader."""
    voter = reader(content).addressee
    return [view(i, content.day, voter) for i in content.items]


def layout(content: EmailContent, views: Sequence[ItemView] | None = None) -> dict[str, Any]:
    """Everything the templates print, computed: the opening, the sections of grouped lines,
    the bases cited once, what is left out and where to see it, the signature and footer.
    `views` are item_views(content) when the caller has them (render)."""
    views = list(views) if views is not None else item_views(content)
    if content.upward:  # a leader directs: no link but to their own acts (chase gives those)
        views = [
            v if item.notification_key or _own_vote(v) else replace(v, link="")
            for item, v in zip(content.items, views, strict=True)
        ]
    overdue = [v for v in views if v.step == "escalation"]
    others = [v for v in views if v.step != "escalation"]
    sections = overdue_sections(overdue, content.more_overdue, content.more_newly_overdue)
    if others:
        groups = grouped(others, lambda v: (v.effective_due_iso, v.unit_name, v.title))
        title = "Các việc khác" if overdue else ""
        sections += (Section(title, len(others) + content.more_items, groups),)
    sections = distinguished(sections)
    personal = not content.upward and any(i.link and i.notification_key for i in content.items)
    return {
        "salutation": reader(content).salutation,
        "opening": opening(content, len(views)),
        "overdue": sections[: len(sections) - 1] if others else sections,
        "others": sections[-1] if others else None,
        "bases": bases(views),
        "more_overdue": content.more_overdue,
        "all_overdue_link": one_line(content.all_overdue_link or ""),
        "more_items": content.more_items,
        "all_items_link": one_line(content.all_items_link or ""),
        "signed_by": one_line(content.signed_by or content.sender_name),
        "officer": one_line(content.officer),
        "enclosure": one_line(content.enclosure),
        "footer": footer(content, personal),
    }


def render(content: EmailContent, reserve: int = 0) -> Rendered:
    """The email's subject, text, HTML and calendar file, within MAX_EMAIL_BYTES: while it
    would weigh more, a fifth of its least urgent lines of each kind are left out (and
    counted, like the lines the digest caps leave out). `reserve` bytes are kept free for an
    attachment added afterwards (the công văn đôn đốc, models.services.escalation_documents)."""
    while True:
        views = item_views(content)  # once for the layout and the calendar file
        context = layout(content, views)
        env = environment()
        rendered = Rendered(
            subject=subject(content),
            text=env.get_template("email.txt").render(context),
            html=env.get_template("email.html").render(context),
            attachments=attachments(content, views),
        )
        if weight(rendered) + reserve <= MAX_EMAIL_BYTES or len(content.items) <= 1:
            return rendered
        content = _lighter(content)


def weight(rendered: Rendered) -> int:
    """What the message notifications.mime builds from `rendered` weighs at most, in bytes:
    every part base64 in 76-column lines (57 bytes to 78 with CRLF), and the headers."""
    parts = [
        rendered.text.encode(),
        rendered.html.encode(),
        *(a.data for a in rendered.attachments),
    ]
    return HEADERS_BYTES + sum((len(p) + 56) // 57 * 78 + 512 for p in parts)


def _lighter(content: EmailContent) -> EmailContent:
    """content without the least urgent fifth of its overdue lines and of its other lines
    (at least one line), each counted in more_overdue (more_newly_overdue) or more_items."""
    late = sorted(
        (i for i in content.items if i.step == "escalation"),
        key=lambda i: (i.working_days_left, i.effective_due, i.unit_name),
    )
    others = sorted(
        (i for i in content.items if i.step != "escalation"),
        key=lambda i: (i.effective_due, i.unit_name),
    )
    cut_late, cut_others = -(-len(late) // 5), -(-len(others) // 5)
    if len(late) + len(others) > 1 and len(late) <= cut_late and len(others) <= cut_others:
        cut_late, cut_others = (cut_late, 0) if len(late) > len(others) else (0, cut_others)
    dropped = late[len(late) - cut_late :]
    newly = sum(-i.working_days_left <= NEWLY_OVERDUE_DAYS for i in dropped)
    return replace(
        content,
        items=tuple(late[: len(late) - cut_late] + others[: len(others) - cut_others]),
        more_overdue=content.more_overdue + cut_late,
        more_newly_overdue=content.more_newly_overdue + newly,
        more_items=content.more_items + cut_others,
    )
