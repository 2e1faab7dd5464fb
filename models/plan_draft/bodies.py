"""Who owes each duty of a sentence and to whom: the sentence cut into its duties, and the
standing body where the text makes it the one reports go to.

A sentence may hold more than one duty: "báo cáo … về UBND thành phố (qua phòng Nội vụ) để tổng
hợp báo cáo Ban Thi đua - Khen thưởng tỉnh" is the units' report and the relay of the one that
gathers them; "… biểu dương và đề nghị cấp trên khen thưởng" is the review and a proposal upward
whose sender and receiver the words leave open (the seeds' encoders read it both ways: the same
units, or the issuing body). A part after ";" with a subject of its own ("; đồng chí Đảng ủy
viên … báo cáo kết quả về …") is read alone.

Where the text names no recipient, the standing body is taken, with a note saying so: the body
called "cơ quan thường trực", or the one "Giao … theo dõi, đôn đốc, tổng hợp" / "Giao … tham
mưu" in the part "Tổ chức thực hiện", or the body heading a sub-part there whose first duty is
"Tham mưu … triển khai" (it gathers what the plan asks for); the standing body
itself answers to the issuer. A duty the text gives to the issuer itself ("Ủy ban nhân dân tỉnh
biểu dương …") is prepared by its standing body (no one owes a duty to itself). Every such guess
carries its note; where none applies, nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.plan_draft.deadlines import sentences
from models.plan_draft.duties import Matcher, Party, fold, original_words
from models.plan_draft.parts import Clause, PartTree

_STANDING = re.compile(r"\(?\s*cơ quan thường trực", re.IGNORECASE)
_DUTY_PART = re.compile(r"^\W*tổ chức thực hiện", re.IGNORECASE)
_GIVEN = re.compile(r"^\W*giao\b")
_GATHERS = re.compile(r"\b(?:tong hop|tham muu)\b")
_ADVISES = re.compile(r"^tham muu\b.*\btrien khai\b")
""""1. Văn phòng Sở — Tham mưu Giám đốc Sở tổ chức triển khai thực hiện kế hoạch": the body
heading the part that advises on carrying the plan out is its standing body."""
_RELAY = re.compile(r"\bđể\s+tổng\s+hợp,?\s+(?:và\s+)?(?:báo\s+cáo|gửi)\b", re.IGNORECASE)
_UPWARD = re.compile(r"\bđề\s+nghị\s+cấp\s+trên\b", re.IGNORECASE)
_OWN_SUBJECT = re.compile(r"^\W*(?:đồng\s+chí|giao)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Duty:
    """One duty of a sentence: its words, who owes it and to whom, and what each rests on."""

    words: str
    owner: Party | None
    owner_from: str
    """"sentence", "heading" or "" (not found)."""
    owner_note: str
    recipient: Party | None
    recipient_note: str
    upward: bool = False
    """A proposal "đề nghị cấp trên": sender and receiver left to the coordinator."""


@dataclass(frozen=True)
class Standing:
    """The standing body and the words that make it so."""

    code: str
    words: str


def standing_body(tree: PartTree, matcher: Matcher) -> Standing | None:
    """The body the text calls "cơ quan thường trực", else the one given the gathering in the
    part "Tổ chức thực hiện" ("Giao Văn phòng tham mưu …", "Giao Sở Nội vụ … tổng hợp")."""
    for clause in tree.clauses:
        for sentence in sentences(clause.text):
            m = _STANDING.search(sentence)
            if m is None:
                continue
            before = [p for p in matcher.parties(sentence[: m.start()]) if p.units]
            if before:
                return Standing(before[-1].units[0], "“cơ quan thường trực”")
    for clause in duty_clauses(tree):
        for sentence in sentences(clause.text):
            first = sentence.split(";")[0]
            if not (_GIVEN.match(fold(first)) and _GATHERS.search(fold(first))):
                continue
            named = [p for p in matcher.parties(first) if p.units]
            if named and named[0].at <= len("giao "):
                return Standing(named[0].units[0], f"“{_cut(first)}”")
        titled = matcher.owner(clause.heading) if len(clause.heading.split()) <= 12 else None
        said = [x for x in sentences(clause.text) if x.strip() != clause.heading.strip()]
        alone = titled is not None and len(titled.units) == 1 and not titled.kinds
        if titled and alone and said and _ADVISES.match(fold(said[0].lstrip("-+* "))):
            return Standing(titled.units[0], f"“{clause.heading}: {_cut(said[0])}”")
    return _reports_go_to(tree, matcher)


def duty_clauses(tree: PartTree) -> list[Clause]:
    """The clauses of the part that assigns duties ("Tổ chức thực hiện")."""
    parts = {c.label: c for c in tree.clauses if "." not in c.label}
    return [
        c
        for c in tree.clauses
        if (part := parts.get(c.label.split(".")[0])) is not None and _DUTY_PART.match(part.heading)
    ]


def _reports_go_to(tree: PartTree, matcher: Matcher) -> Standing | None:
    """Where the part "Tổ chức thực hiện" has reports sent within the issuer's own bodies
    ("… báo cáo kết quả thực hiện về Đảng ủy Sở"): the one body they all go to, if one."""
    own = {matcher.issuer} | matcher.under_issuer() if matcher.issuer else set()
    found: dict[str, str] = {}
    for clause in duty_clauses(tree):
        for sentence in sentences(clause.text):
            to = matcher.recipient(sentence)
            if to is not None and to.units[0] in own:
                found.setdefault(to.units[0], f"báo cáo về {to.words}: “{_cut(sentence)}”")
    if len(found) != 1:
        return None
    ((code, words),) = found.items()
    return Standing(code, words)


@dataclass
class Bodies:
    """Reads the duties of sentences against a directory, an issuer and a standing body."""

    matcher: Matcher
    issuer: str | None
    standing: Standing | None

    def duties(self, clause: Clause, sentence: str, phrase: str | None) -> list[Duty]:
        """The duties of a sentence (the first is the one the phrase or duty words belong to)."""
        piece, own = self._piece(sentence, phrase)
        main, upward = _cut_at(piece, _UPWARD, before=";")
        main, relay = _cut_at(main, _RELAY)
        first = self._duty(clause, sentence, main, own)
        out = [first]
        if relay and first.recipient is not None:
            to = self.matcher.recipient(relay)
            out.append(
                Duty(
                    relay,
                    first.recipient,
                    "sentence",
                    f"“{first.recipient.words}” nhận báo cáo trên rồi “{_cut(relay)}”",
                    to,
                    "",
                )
            )
        if upward:
            note = "“đề nghị cấp trên”: văn bản không ghi ai trình, cấp nào nhận"
            out.append(Duty(upward, None, "", note, None, note, upward=True))
        return out

    def items(self, clause: Clause, sentence: str) -> list[tuple[str, Duty]]:
        """Inline items "các cấp ủy, chi bộ (1) Ghi vào sổ …; (2) Lựa chọn, đề nghị …": each a
        duty of the bodies named before "(1)", its clause "II.5 (1)"; one proposing upward
        ("đề nghị … ở cấp … trở lên") is left to the coordinator, as "đề nghị cấp trên"."""
        marks = list(_ITEM.finditer(sentence))
        if [m[1] for m in marks] != [str(n) for n in range(1, len(marks) + 1)] or len(marks) < 2:
            return []
        lead = sentence[: marks[0].start()]
        owner = self.matcher.owner(lead.rsplit(":", 1)[-1])
        out = []
        for m, end in zip(marks, [*(x.start() for x in marks[1:]), len(sentence)], strict=True):
            words = sentence[m.end() : end].strip(" ;.")
            label = f"{clause.label} ({m[1]})"
            if _UPWARD_ITEM.search(fold(words)):
                note = "đề nghị lên cấp trên: văn bản không ghi ai trình, cấp nào nhận"
                out.append((label, Duty(words, None, "", note, None, note, upward=True)))
                continue
            recipient, recipient_note = self.matcher.recipient(words), ""
            if recipient is None and owner is not None and self._gathers(words):
                recipient, recipient_note = self._standing_recipient(owner)
            out.append((label, Duty(words, owner, "sentence", "", recipient, recipient_note)))
        return out

    def _piece(self, sentence: str, phrase: str | None) -> tuple[str, bool]:
        """The part after ";" that holds the phrase (or the duty words) when it has a subject
        of its own; else the sentence."""
        parts = sentence.split(";")
        for i, part in enumerate(parts[1:], start=1):
            holds = phrase in part if phrase else bool(DUTY_WORDS.search(fold(part)))
            if holds and phrase is None and any(DUTY_WORDS.search(fold(p)) for p in parts[:i]):
                break
            if holds:
                return (
                    (part.strip(), True) if _OWN_SUBJECT.match(part.strip()) else (sentence, False)
                )
        return sentence, False

    def _duty(self, clause: Clause, sentence: str, words: str, own: bool) -> Duty:
        owner, owner_from = self.matcher.owner(words), "sentence"
        if not own:
            owner, owner_from = self._heading_owner(clause, sentence, owner)
        owner_note = ""
        if owner is None and not own and self.issuer and (level := self._own_level(words)):
            owner = Party(level, units=(self.issuer,))
            owner_from = "sentence"
        if (
            owner is not None
            and self.standing
            and owner.units == (self.issuer,)
            and not (owner.kinds or owner.lead_agencies or owner.cluster_leaders)
            and self.standing.code != self.issuer
        ):
            owner_note = (
                f"“{owner.words}” là cơ quan ban hành: việc do cơ quan thường trực tham mưu,"
                f" theo {self.standing.words}"
            )
            words = f"{owner.words} (cơ quan thường trực tham mưu)"
            owner = Party(words, units=(self.standing.code,), at=owner.at)
        recipient, recipient_note = self.matcher.recipient(words), ""
        if recipient is None and owner is not None and self._gathers(words):
            recipient, recipient_note = self._standing_recipient(owner)
        return Duty(words, owner, owner_from, owner_note, recipient, recipient_note)

    def _own_level(self, words: str) -> str:
        """ "… của thành phố", "Đối với cấp tỉnh: …", "… của cơ quan": a duty with no subject
        that the words place at the issuer's own level (its name says which: "Ủy ban nhân dân
        thành phố …" → "thành phố", a Sở → "cơ quan")."""
        issuer = next((u for u in self.matcher.units if u.code == self.issuer), None)
        if issuer is None:
            return ""
        name = fold(issuer.name)
        head = re.match(r"uy ban nhan dan (tinh|thanh pho|huyen|thi xa|quan)\b", name)
        level = head[1] if head else "co quan" if re.match(r"(?:so|ban|cuc|vien) ", name) else ""
        if not level:
            return ""
        m = re.search(
            rf"\b(?:cua|doi voi) (?:cap )?{level}\b(?!,? (?:don vi|dia phuong|cac))", fold(words)
        )
        return original_words(words, fold(words), m.start(), m.end()) if m else ""

    def _heading_owner(
        self, clause: Clause, sentence: str, owner: Party | None
    ) -> tuple[Party | None, str]:
        titled = self.matcher.owner(clause.heading) if len(clause.heading.split()) <= 12 else None
        if titled is not None and sentence != clause.heading and (owner is None or owner.at > 25):
            return titled, "heading"  # "1. Văn phòng Sở" over its bullets
        if owner is not None:
            return owner, "sentence"
        for heading in (clause.heading, *reversed(clause.ancestors)):
            if heading != sentence and (found := self.matcher.owner(heading)) is not None:
                return found, "heading"
        return None, ""

    def _gathers(self, words: str) -> bool:
        """The standing body receives a duty that names no recipient, unless it publicises
        ("tuyên truyền": that goes to the public, where the words say)."""
        return self.standing is not None and not _PUBLICITY.search(fold(words))

    def _standing_recipient(self, owner: Party) -> tuple[Party | None, str]:
        assert self.standing is not None
        alone = owner.units == (self.standing.code,) and not (
            owner.kinds or owner.lead_agencies or owner.cluster_leaders
        )
        if alone:
            if self.issuer is None or self.issuer == self.standing.code:
                return None, ""
            note = "câu không ghi nơi nhận: cơ quan thường trực báo cáo cơ quan ban hành"
            return Party("cơ quan ban hành", units=(self.issuer,)), note
        note = (
            "câu không ghi nơi nhận: cơ quan thường trực, nơi theo dõi, tổng hợp"
            f" (theo {self.standing.words})"
        )
        return Party("cơ quan thường trực", units=(self.standing.code,)), note


DUTY_WORDS = re.compile(
    r"\b(?:gui|bao cao|dang ky|tong hop|so ket|tong ket|hoi nghi"
    r"|co trach nhiem (?:kiem tra,? )?don doc)\b"
)
"""The words of a duty that sends, reports, registers, reviews or is charged with following
the others up ("có trách nhiệm kiểm tra, đôn đốc"): the undated duties a draft keeps."""
_PUBLICITY = re.compile(r"\btuyen truyen\b")
_ITEM = re.compile(r"\((\d{1,2})\)\s*")
_UPWARD_ITEM = re.compile(r"\bde nghi\b.*\btro len\b")


def joined_items(said: list[str]) -> list[str]:
    """Sentences with the inline items cut apart at their ";" joined again: "… chi bộ (1) Ghi
    …;" + "(2) Lựa chọn …;" + "(3) …" is one sentence of four items."""
    out: list[str] = []
    for sentence in said:
        m = re.match(r"\s*\((\d{1,2})\)", sentence)
        if m and out and int(m[1]) > 1 and f"({int(m[1]) - 1})" in out[-1]:
            out[-1] = f"{out[-1]} {sentence.strip()}"
        else:
            out.append(sentence)
    return out


def _cut_at(text: str, pattern: re.Pattern[str], *, before: str = "") -> tuple[str, str]:
    """text split where pattern starts (or at the last `before` mark ahead of it)."""
    m = pattern.search(text)
    if m is None or m.start() == 0:
        return text, ""
    at = m.start()
    if before and before in text[:at]:
        at = text[:at].rindex(before) + 1
    return text[:at].rstrip(" ,;"), text[at:].strip()


def _cut(text: str, size: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size].rsplit(" ", 1)[0] + " …"
