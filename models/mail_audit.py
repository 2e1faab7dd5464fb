"""Reading an outbox as its recipients read it (issue 20): the rules every email must meet,
and the figures of a whole outbox.

Agencies judge tdkt-flow by its emails, so the checker reads what they receive, the exact MIME
bytes of the outbox, with the standard library's email package, and nothing of how the
emails were built: the templates, the grouping of digests and the naming of items may change,
the rules still hold. What the message cannot say (who holds a position, who leads the
sender, who the exemplars are) comes from a `Directory` the caller builds from the database
(models.services.mail_audit). Everything here is pure.

The rules, one per failure the issue lists (`RULES`):

- self_addressed: the email goes to its own sender (To is From or Reply-To), or its
  salutation names the sending body itself ("Kính gửi: Ban Thi đua - Khen thưởng tỉnh (Sở Nội
  vụ)" from Sở Nội vụ): no one is asked to report to themselves;
- unnamed_line: a line that does not name its subject: an item about an exemplar (an article
  to publish, a reward decision, a mentor's assessment) that names none of the campaign's
  exemplars (in its lines or the heading it is listed under: a mentor's digest groups by
  exemplar), or a field named by its code ("(lĩnh vực c)") instead of its name;
- duplicate_line: two items of one email that read the same (links aside), so that neither
  says which is which (the demo's 19 identical "Đăng bài giới thiệu điển hình tiên tiến");
- oversized: an email over 200 KB (MAX_BYTES);
- past_event: a calendar event (.ics) on a day before the email's own day;
- leader_link: a leader of the sender or of a body above it (models.correspondence.direction
  "up") is sent a personal submission link, or the footer "xin bỏ qua" meant for units; a
  leader's own ballot link (a council chair votes too) is theirs to use;
- no_position: the salutation names a person without any of the positions the directory
  records for them ("Kính gửi: Trần Đình Cường" to the Chủ tịch UBND tỉnh). A unit's mailbox
  (its officer, the standing body's address) is written to as the unit, by design.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Any, Literal

from models.clock import TIMEZONE

Rule = Literal[
    "self_addressed",
    "unnamed_line",
    "duplicate_line",
    "oversized",
    "past_event",
    "leader_link",
    "no_position",
]
RULES: tuple[Rule, ...] = (
    "self_addressed",
    "unnamed_line",
    "duplicate_line",
    "oversized",
    "past_event",
    "leader_link",
    "no_position",
)
RULE_LABELS: dict[Rule, str] = {
    "self_addressed": "thư tự gửi cho chính mình",
    "unnamed_line": "dòng không nêu tên đối tượng",
    "duplicate_line": "hai dòng giống hệt nhau",
    "oversized": "thư lớn hơn 200 KB",
    "past_event": "sự kiện lịch ở ngày đã qua",
    "leader_link": "liên kết nộp văn bản trong thư gửi lãnh đạo",
    "no_position": "kính gửi không nêu chức vụ",
}
KIND_LABELS = {
    "reminder": "Nhắc hạn",
    "due": "Đến hạn",
    "escalation": "Quá hạn",
    "invitation": "Mời bỏ phiếu",
    "ceremony_invitation": "Mời dự lễ tôn vinh",
}
"""How the report names each kind of email; an unknown kind is shown as it is stored."""

MAX_BYTES = 200_000
"""The largest email the demo may send (issue 20: "no email over 200 KB")."""

_ITEM = re.compile(r"^\s*\d+\.\s+(.*\S)")
_SALUTATION = re.compile(r"^\s*Kính gửi:\s*(.*?)[,.]?\s*$", re.MULTILINE)
_FIELD_CODE = re.compile(r"lĩnh vực ([a-zđ])(?=[)\],.;:]|\s*$)", re.MULTILINE)
_LINK = re.compile(r"^\s*([^:\n]+?):\s*https?://\S+/l/\S+", re.MULTILINE)
_URL = re.compile(r"https?://\S+")
_DTSTART = re.compile(r"^DTSTART[^:\r\n]*:(\d{8})", re.MULTILINE)
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_EXEMPLAR_WORK = re.compile(
    r"Đăng bài giới thiệu điển hình|Quyết định khen thưởng điển hình|Đánh giá\b.*điển hình"
    r"|Ghi kết quả đánh giá|Xác nhận đã đăng bài",
    re.IGNORECASE,
)
"""Work about one exemplar (a publication, a reward decision, a mentor's assessment): its line
must name who. Registering exemplars or voting on a ballot is about no single one."""
_BALLOT = "phiếu"  # a personal link whose label speaks of a ballot paper is a vote, not a filing
_UNIT_FOOTER = "xin bỏ qua"


@dataclass(frozen=True)
class Reader:
    """What the directory says of one address (one person, models.people)."""

    name: str
    positions: tuple[str, ...] = ()  # every position of a personal role: "Chủ tịch Ủy ban…"
    leader: bool = False  # heads or chairs the sender or a body above it ("up")


@dataclass(frozen=True)
class Directory:
    """What the rules need to know beyond the message itself."""

    readers: Mapping[str, Reader] = field(default_factory=dict)  # by lower-cased address
    sender_names: tuple[str, ...] = ()  # the sending body's names ("Sở Nội vụ", …)
    exemplars: tuple[str, ...] = ()  # the campaign's exemplars, by name


@dataclass(frozen=True)
class Mail:
    """One email as the checker reads it."""

    subject: str
    recipient: str  # the To address, lower-cased
    sender: str  # the From address, lower-cased
    sender_name: str  # the From display name
    reply_to: str
    day: dt.date
    kind: str
    size: int
    text: str
    events: tuple[dt.date, ...]  # the day of each calendar event attached


@dataclass(frozen=True)
class Finding:
    """One failure: which rule, which email (subject, recipient, day), which line."""

    rule: Rule
    subject: str
    recipient: str
    day: dt.date
    line: str

    def describe(self) -> str:
        """The finding in one Vietnamese line, for a report or a failing test."""
        return (
            f"{RULE_LABELS[self.rule]}: «{self.line}» — thư «{self.subject}» gửi "
            f"{self.recipient} ngày {self.day:%d/%m/%Y}"
        )


def parse(mime: bytes, kind: str = "") -> Mail:
    """The parts of one message the rules read; kind is the outbox's (else X-TDKT-Kind, else
    the subject's bracketed prefix)."""
    message = email.message_from_bytes(mime, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    subject = " ".join(str(message["Subject"] or "").split())
    sender_name, sender = parseaddr(str(message["From"] or ""))
    to = getaddresses([str(message["To"] or "")])
    reply = getaddresses([str(message["Reply-To"] or "")])
    date = message["Date"]
    day = parsedate_to_datetime(str(date)).astimezone(TIMEZONE).date() if date else dt.date.min
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    events: list[dt.date] = []
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            data = part.get_payload(decode=True)
            if isinstance(data, bytes):
                events += _event_days(data.decode("utf-8", "replace"))
    return Mail(
        subject=subject,
        recipient=(to[0][1] if to else "").strip().lower(),
        sender=sender.strip().lower(),
        sender_name=" ".join(sender_name.split()),
        reply_to=(reply[0][1] if reply else "").strip().lower(),
        day=day,
        kind=kind or str(message["X-TDKT-Kind"] or "") or _subject_kind(subject),
        size=len(mime),
        text=text,
        events=tuple(events),
    )


def _event_days(ics: str) -> list[dt.date]:
    """The start day of each event of a calendar file (folded lines unfolded first)."""
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    return [dt.datetime.strptime(d, "%Y%m%d").date() for d in _DTSTART.findall(unfolded)]


def _subject_kind(subject: str) -> str:
    """ "Nhắc hạn" from "[Nhắc hạn 31/10/2022] …"; "" without a bracketed prefix."""
    found = re.match(r"\[([^\]\d]*)", subject)
    return found.group(1).strip() if found else ""


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def salutation(mail: Mail) -> str:
    """Who the email says it is written to, after "Kính gửi:"; "" if it says none."""
    found = _SALUTATION.search(mail.text)
    return found.group(1).strip() if found else ""


@dataclass(frozen=True)
class Item:
    """One numbered line of a digest with the indented lines under it and the heading it is
    listed under (a unit, an exemplar, "CÁC VIỆC KHÁC")."""

    heading: str
    title: str
    lines: tuple[str, ...]

    def reads(self) -> tuple[str, ...]:
        """What the item says, its personal links left out (each item's token differs)."""
        return (
            _norm(self.heading),
            _norm(self.title),
            *(_norm(x) for x in self.lines if not _URL.search(x)),
        )


def items(text: str) -> list[Item]:
    """The digest's items, in order: a numbered line starts one, the indented lines below
    belong to it, any other line is a heading for the items after it."""
    found: list[Item] = []
    heading = ""
    title: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        numbered = _ITEM.match(line)
        if title is not None and (numbered or not line[:1].isspace() or not line.strip()):
            found.append(Item(heading, title, tuple(lines)))
            title, lines = None, []
        if numbered:
            title = numbered.group(1)
        elif title is not None:
            lines.append(line.strip())
        elif line.strip() and not line[:1].isspace():
            heading = line.strip()
    if title is not None:
        found.append(Item(heading, title, tuple(lines)))
    return found


def check(mail: Mail, directory: Directory) -> list[Finding]:
    """Every failure of one email, rule by rule (RULES' order)."""
    found: list[tuple[Rule, str]] = []
    found += [("self_addressed", line) for line in _self_addressed(mail, directory)]
    found += [("unnamed_line", line) for line in _unnamed(mail, directory)]
    found += [("duplicate_line", line) for line in _duplicates(mail)]
    if mail.size > MAX_BYTES:
        found.append(("oversized", f"{mail.size:,} byte".replace(",", ".")))
    found += [("past_event", f"DTSTART {d:%d/%m/%Y}") for d in mail.events if d < mail.day]
    found += [("leader_link", line) for line in _leader_links(mail, directory)]
    found += [("no_position", line) for line in _no_position(mail, directory)]
    return [Finding(rule, mail.subject, mail.recipient, mail.day, line) for rule, line in found]


def _self_addressed(mail: Mail, directory: Directory) -> list[str]:
    if mail.recipient and mail.recipient in {mail.sender, mail.reply_to}:
        return [f"To: {mail.recipient}"]
    said = salutation(mail)
    if not said or _norm(said).startswith("đồng chí"):
        return []  # a person, by name and position: the sender's own head may have tasks
    own = {_norm(n) for n in (*directory.sender_names, *_names_in(mail.sender_name)) if n}
    named = {_norm(said), *(_norm(n) for n in _names_in(said))}
    return [f"Kính gửi: {said}"] if own & named else []


def _names_in(value: str) -> list[str]:
    """A name, the same without its parenthesised parts, and each parenthesised part:
    "Ban Thi đua - Khen thưởng tỉnh (Sở Nội vụ)" gives the Ban's name and "Sở Nội vụ"."""
    return [value, _PARENTHESES.sub("", value).strip(), *_PARENTHESES.findall(value)]


def _unnamed(mail: Mail, directory: Directory) -> list[str]:
    lines = [line.strip() for line in mail.text.splitlines() if _FIELD_CODE.search(line)]
    names = [_norm(n) for n in directory.exemplars if n.strip()]
    for item in items(mail.text):
        block = _norm(" ".join((item.heading, item.title, *item.lines)))  # a mentor's group
        if _EXEMPLAR_WORK.search(block) and not any(n in block for n in names):
            lines.append(item.title)
    return lines


def _duplicates(mail: Mail) -> list[str]:
    seen: set[tuple[str, ...]] = set()
    again: list[str] = []
    for item in items(mail.text):
        reads = item.reads()
        if reads in seen:
            again.append(item.title)
        seen.add(reads)
    return again


def _leader_links(mail: Mail, directory: Directory) -> list[str]:
    reader = directory.readers.get(mail.recipient)
    if reader is None or not reader.leader:
        return []
    found = [
        m.group(0).strip() for m in _LINK.finditer(mail.text) if _BALLOT not in m.group(1).lower()
    ]
    found += [line.strip() for line in mail.text.splitlines() if _UNIT_FOOTER in line.lower()]
    return found


def _no_position(mail: Mail, directory: Directory) -> list[str]:
    reader = directory.readers.get(mail.recipient)
    if reader is None or not reader.positions:
        return []
    said = salutation(mail)
    if any(_norm(p) in _norm(said) for p in reader.positions):
        return []
    return [f"Kính gửi: {said}" if said else "(không có dòng Kính gửi)"]


def positions(written: Iterable[str | None]) -> tuple[str, ...]:
    """Each position said once, as models.correspondence.positions_of splits them ("Giám đốc
    Sở Nội vụ, Phó Chủ tịch Thường trực Hội đồng…" is two)."""
    said: list[str] = []
    for value in written:
        for part in (value or "").split(", "):
            part = " ".join(part.split())
            if part and part not in said:
                said.append(part)
    return tuple(said)


@dataclass
class Figures:
    """What the note says of an outbox: how many emails of each kind, the largest one, the
    longest digest, the busiest inbox in one calendar week, and the findings per rule."""

    emails: int = 0
    per_kind: Counter[str] = field(default_factory=Counter)
    largest: tuple[int, str, str, str] = (0, "", "", "")  # bytes, subject, recipient, day
    longest: tuple[int, str, str, str] = (0, "", "", "")  # item lines, subject, recipient, day
    weekly: dict[tuple[str, dt.date], int] = field(default_factory=lambda: defaultdict(int))
    findings: Counter[str] = field(default_factory=Counter)  # per rule
    failing: Counter[str] = field(default_factory=Counter)  # emails with a finding, per rule

    def add(self, mail: Mail, found: Sequence[Finding]) -> None:
        """Count one email and its findings."""
        self.emails += 1
        self.per_kind[mail.kind] += 1
        day = mail.day.strftime("%d/%m/%Y")
        if mail.size > self.largest[0]:
            self.largest = (mail.size, mail.subject, mail.recipient, day)
        lines = len(items(mail.text))
        if lines > self.longest[0]:
            self.longest = (lines, mail.subject, mail.recipient, day)
        monday = mail.day - dt.timedelta(days=mail.day.weekday())
        self.weekly[mail.recipient, monday] += 1
        self.findings.update(f.rule for f in found)
        self.failing.update({f.rule for f in found})

    def busiest(self) -> tuple[int, str, str]:
        """The most emails one address received in a calendar week (Monday to Sunday):
        (count, address, the week's Monday dd/mm/yyyy)."""
        if not self.weekly:
            return (0, "", "")
        (address, monday), n = max(self.weekly.items(), key=lambda kv: (kv[1], kv[0][1]))
        return (n, address, monday.strftime("%d/%m/%Y"))

    def as_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        busiest = self.busiest()
        return {
            "emails": self.emails,
            "per_kind": dict(sorted(self.per_kind.items())),
            "largest": dict(
                zip(("bytes", "subject", "recipient", "day"), self.largest, strict=True)
            ),
            "most_item_lines": dict(
                zip(("lines", "subject", "recipient", "day"), self.longest, strict=True)
            ),
            "most_in_a_week": dict(zip(("emails", "recipient", "week_of"), busiest, strict=True)),
            "findings": {rule: self.findings.get(rule, 0) for rule in RULES},
            "emails_failing": {rule: self.failing.get(rule, 0) for rule in RULES},
        }


def report_lines(figures: Mapping[str, Any]) -> list[str]:
    """Figures.as_dict()'s data as a Vietnamese report, one line each."""
    largest, longest = figures["largest"], figures["most_item_lines"]
    week, found, failing = figures["most_in_a_week"], figures["findings"], figures["emails_failing"]
    kinds = ", ".join(
        f"{KIND_LABELS.get(k, k or '(không rõ)')} {n}" for k, n in figures["per_kind"].items()
    )
    return [
        f"Tổng số thư: {figures['emails']} ({kinds})",
        f"Thư lớn nhất: {largest['bytes'] / 1000:.1f} KB — «{largest['subject']}» gửi "
        f"{largest['recipient']} ngày {largest['day']}",
        f"Thư tổng hợp dài nhất: {longest['lines']} dòng việc — «{longest['subject']}» gửi "
        f"{longest['recipient']} ngày {longest['day']}",
        f"Nhiều thư nhất một người nhận trong một tuần: {week['emails']} thư — "
        f"{week['recipient']}, tuần bắt đầu {week['week_of']}",
        "Lỗi theo quy tắc (số lỗi trong số thư): "
        + ", ".join(f"{RULE_LABELS[r]} {found.get(r, 0)}/{failing.get(r, 0)}" for r in RULES),
    ]
