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
from dataclasses import dataclass
from pathlib import Path

import jinja2

from models.correspondence import Address, request
from models.phrases import with_occurrence
from models.text import vn_date, vn_weekday
from notifications import ics
from notifications.content import DeadlineItem, EmailContent, PlanRef, Step

SUBJECT_MAX = 80
"""Characters in a subject: what an inbox list shows before it cuts the line."""
SUBJECT_SENDER = 30
"""Characters of the subject given to the sender's name at most."""
ICS_CONTENT_TYPE = "text/calendar; method=PUBLISH; charset=UTF-8"
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
    unit_name: str
    owed_to: str
    due: str
    due_weekday: str
    effective_due: str
    effective_weekday: str
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


def view(item: DeadlineItem, day: dt.date) -> ItemView:
    what = one_line(with_occurrence(item.milestone_title, item.occurrence_label))
    return ItemView(
        step=item.step,
        what=what,
        unit_name=one_line(item.unit_name),
        owed_to=one_line(item.owed_to),
        due=vn_date(item.due),
        due_weekday=vn_weekday(item.due),
        effective_due=vn_date(item.effective_due),
        effective_weekday=vn_weekday(item.effective_due),
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


def _basis(views: list[ItemView]) -> list[ItemView]:
    """The distinct deadlines behind an escalation table, each cited once."""
    seen: dict[tuple[str, ...], ItemView] = {}
    for v in views:
        key = (v.plan, v.plan_title, v.clause, v.phrase, v.quote, v.what, v.owed_to, v.due)
        seen.setdefault(key, v)
    return list(seen.values())


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
    )


def attachments(content: EmailContent) -> tuple[Attachment, ...]:
    """One .ics per distinct deadline uid, so a reader can put each deadline in a calendar."""
    firsts: dict[str, DeadlineItem] = {}
    for item in content.items:
        firsts.setdefault(item.uid, item)
    result: list[Attachment] = []
    names: set[str] = set()
    for item in sorted(firsts.values(), key=lambda i: (i.effective_due, i.uid)):
        v = view(item, content.day)
        lines = [v.plan, v.plan_title]
        if v.clause or v.phrase:
            lines.append(" ".join(filter(None, [v.clause, f"“{v.phrase}”" if v.phrase else ""])))
        sent = f"; gửi đến: {v.owed_to}" if v.owed_to else ""
        lines.append(f"Đơn vị thực hiện: {v.unit_name}{sent}")
        if v.moved:
            lines.append(
                f"Hạn ghi trong kế hoạch: {v.due} (ngày nghỉ, lùi theo Điều 148 BLDS 2015)"
            )
        data = ics.all_day_event(
            uid=item.uid,
            day=content.day,
            on=item.effective_due,
            summary=f"Hạn: {v.what}",
            description="\n".join(lines),
        )
        base = f"han-{ics.slugify(v.what)}-{item.effective_due:%Y%m%d}"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.add(name)
        result.append(Attachment(f"{name}.ics", ICS_CONTENT_TYPE, data))
    return tuple(result)


ASKS: dict[Step, tuple[str, str]] = {
    "escalation": ("chỉ đạo, đôn đốc", "chỉ đạo, đôn đốc"),
    "due": ("hoàn thành và gửi trong ngày hôm nay", "chỉ đạo hoàn thành trong ngày hôm nay"),
    "reminder": ("hoàn thành và gửi đúng hạn", "chỉ đạo hoàn thành đúng hạn"),
}
"""What each kind of email asks: of a unit ("đề nghị quý cơ quan …") and of a leader above
the sender ("kính báo cáo Đồng chí … để …")."""


def reader(content: EmailContent) -> Address:
    """How the email names its reader; without a salutation, the recipient's unit."""
    salutation = one_line(content.salutation) or one_line(
        content.recipient_unit or content.recipient_name
    )
    return Address(salutation, one_line(content.addressee), content.upward)


def render(content: EmailContent) -> Rendered:
    views = [view(i, content.day) for i in content.items]
    order = sorted(
        range(len(views)), key=lambda k: (content.items[k].effective_due, views[k].unit_name)
    )
    overdue = sorted(
        (v for v in views if v.step == "escalation"),
        key=lambda v: (-v.overdue_days, v.effective_due, v.unit_name),
    )
    context = {
        "kind": content.kind,
        "today": vn_date(content.day),
        "today_weekday": vn_weekday(content.day),
        "salutation": reader(content).salutation,
        "ask": request(reader(content), *ASKS[content.kind]),
        "signed_by": one_line(content.signed_by or content.sender_name),
        "officer": one_line(content.officer),
        "sender_name": one_line(content.sender_name),
        "overdue": overdue,
        "more_overdue": content.more_overdue,
        "all_overdue_link": content.all_overdue_link,
        "more_items": content.more_items,
        "all_items_link": content.all_items_link,
        "basis": _basis(overdue),
        "items": [views[k] for k in order if views[k].step != "escalation"],
        "level": max((i.level for i in content.items if i.step == "escalation"), default=0),
    }
    env = environment()
    return Rendered(
        subject=subject(content),
        text=env.get_template("email.txt").render(context),
        html=env.get_template("email.html").render(context),
        attachments=attachments(content),
    )
