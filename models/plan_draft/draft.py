"""A draft plan from a plan's text: the found parts assembled into the plan format.

Pure: text in, a Draft (the YAML, and what was found with where it stands) out. The steps are
in their own modules (parts, header, deadlines, duties, quotas, fields); this one decides what
becomes a milestone, guesses each milestone's kind from its words (saying which), and leaves
UNDECIDED_UNIT wherever the text names no body, for the coordinator (models.plan_decisions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.plan_draft.bodies import (
    DUTY_WORDS,
    Bodies,
    Duty,
    duty_clauses,
    joined_items,
    standing_body,
)
from models.plan_draft.deadlines import FoundPhrase, find_phrases, sentences, skipped_part
from models.plan_draft.duties import Matcher, Party, Unit, fold
from models.plan_draft.fields import FoundField, find_fields
from models.plan_draft.header import Header, read_header
from models.plan_draft.parts import Clause, PartTree, part_tree
from models.plan_draft.quotas import FoundQuota, find_quotas
from models.vocabulary import MilestoneKind, Stage

_KINDS: tuple[tuple[str, MilestoneKind], ...] = (
    (r"\bso ket\b", MilestoneKind.MIDTERM_REVIEW),
    (r"(?<!dip )\btong ket\b", MilestoneKind.FINAL_REVIEW),
    (r"\bdang ky\b", MilestoneKind.REGISTRATION),
    (r"\b(?:gui|xay dung)\b.*\bke hoach\b|\bke hoach\b.*\bgui\b", MilestoneKind.PLAN_SUBMISSION),
    (r"\b(?:de nghi|de xuat|trinh)\b.*\bkhen thuong|\bgiay khen\b", MilestoneKind.REWARD_PROPOSAL),
    (r"\b(?:tuyen duong|bieu duong|ton vinh|gap mat)\b", MilestoneKind.CEREMONY),
    (r"\b(?:gioi thieu|lua chon)\b", MilestoneKind.NOMINATION),
)
_WEAK_KINDS: tuple[tuple[str, MilestoneKind], ...] = (
    (r"\bbao cao\b", MilestoneKind.ANNUAL_REPORT),
    (r"\b(?:danh gia|binh xet)\b", MilestoneKind.ASSESSMENT),
    (r"\btrien khai\b", MilestoneKind.DEPLOYMENT),
)
"""The words of the strong kinds decide, the first written first ("tổ chức tuyên dương ... vào
dịp tổng kết": a ceremony); else the weak ones in this order; none found: deployment, and the
comment says the kind rests on no word."""

STAGE_WORDS: dict[Stage, tuple[str, ...]] = {
    Stage.DISCOVER: ("phát hiện",),
    Stage.FOSTER: ("bồi dưỡng", "nuôi dưỡng"),
    Stage.VOTE: ("bình xét", "bình chọn", "lựa chọn"),
    Stage.PUBLICISE: ("tuyên truyền", "nhân rộng"),
    Stage.HONOUR: ("tuyên dương", "biểu dương", "tôn vinh"),
    Stage.REWARD: ("khen thưởng",),
}


@dataclass(frozen=True)
class DraftMilestone:
    """A milestone found: its clause, phrase (None: undated duty), sentence and parties."""

    clause: str
    phrase: str | None
    quote: str
    kind: MilestoneKind
    kind_words: str
    owner: Party | None
    owner_from: str
    """Where the owner was read: "sentence", "heading" or ""."""
    recipient: Party | None
    owner_note: str = ""
    """What a guessed owner rests on (models.plan_draft.bodies), else empty."""
    recipient_note: str = ""


@dataclass
class Draft:
    """The draft YAML and what it rests on (for the CLI summary, the bench and the web page)."""

    yaml: str
    header: Header
    milestones: list[DraftMilestone]
    quotas: list[tuple[str, str | None, FoundQuota]]
    """(clause, field code, quota)."""
    fields: list[FoundField]
    standing_body: str | None
    gaps: list[str] = field(default_factory=list)
    """What the coordinator must still fill, in Vietnamese (also marked in the YAML)."""
    standing_words: str = ""
    """What the standing body rests on ("cơ quan thường trực", "Giao … tổng hợp", …)."""


def draft_plan(text: str, *, source: str, units: Sequence[Unit] = ()) -> Draft:
    """Draft a plan file from its text; units are the directory's (empty: none given)."""
    from models.plan_draft.render import render

    tree = part_tree(text)
    head = read_header(tree)
    matcher = Matcher(units)
    issuer = matcher.unit(head.issuer_name) if head.issuer_name else None
    matcher = Matcher(units, issuer=issuer)
    standing = standing_body(tree, matcher)
    bodies = Bodies(matcher, issuer, standing)
    years = range(head.period[0] - 1, head.period[1] + 2) if head.period else None
    fields = find_fields(tree.clauses, matcher)
    field_of = {f.clause: f.code for f in fields}
    quotas: list[tuple[str, str | None, FoundQuota]] = []
    milestones: list[DraftMilestone] = []
    for clause in tree.clauses:
        in_field = clause.label in field_of
        quota_sentences: set[str] = set()
        for paragraph in clause.paragraphs:
            for sentence in sentences(paragraph):
                found = find_quotas(sentence, in_field=in_field, paragraph=paragraph)
                if found:
                    quota_sentences.add(sentence)
                quotas += [(clause.label, field_of.get(clause.label), q) for q in found]
        if skipped_part(clause.heading, clause.ancestors):
            continue
        for sentence in joined_items(sentences(clause.text)):
            if sentence in quota_sentences:
                continue  # "Hàng năm ... xây dựng từ 1-2 điển hình": a quota, not a deadline
            phrases = find_phrases(sentence, issued=head.date, years=years)
            for phrase in phrases:
                milestones += _milestones(clause, sentence, phrase, bodies)
            if not phrases and (items := bodies.items(clause, sentence)):
                milestones += [_milestone(label, sentence, None, duty) for label, duty in items]
            elif not phrases and _undated_duty(clause, tree, sentence):
                milestones += _milestones(clause, sentence, None, bodies)
    draft = Draft("", head, milestones, quotas, fields, standing.code if standing else None)
    draft.standing_words = standing.words if standing else ""
    draft.yaml = render(draft, source=source, issuer=issuer, units=units)
    return draft


def _milestones(
    clause: Clause, sentence: str, found: FoundPhrase | None, bodies: Bodies
) -> list[DraftMilestone]:
    """One milestone per duty of the sentence (models.plan_draft.bodies), all with its quote."""
    phrase = found.phrase if found else None
    duties = bodies.duties(clause, sentence, phrase)
    return [
        _milestone(clause.label, sentence, phrase, duty, alone=len(duties) == 1) for duty in duties
    ]


def _milestone(
    label: str, sentence: str, phrase: str | None, duty: Duty, *, alone: bool = False
) -> DraftMilestone:
    """The milestone of one duty; its kind guessed from the duty's words (alone: the sentence's)."""
    if duty.upward:
        kind, words = MilestoneKind.REWARD_PROPOSAL, "đề nghị"
    else:
        kind, words = guess_kind(sentence if alone else duty.words)
    return DraftMilestone(
        label,
        phrase,
        " ".join(sentence.lstrip("-+* ").split()),
        kind,
        words,
        duty.owner,
        duty.owner_from,
        duty.recipient,
        duty.owner_note,
        duty.recipient_note,
    )


def guess_kind(sentence: str) -> tuple[MilestoneKind, str]:
    """The milestone kind the sentence's words suggest, and those words (empty: none found)."""
    folded = fold(sentence)
    strong = [(m.start(), kind, m.group(0)) for p, kind in _KINDS if (m := re.search(p, folded))]
    if strong:
        _, kind, words = min(strong, key=lambda s: s[0])
        return kind, words
    for pattern, kind in _WEAK_KINDS:
        if m := re.search(pattern, folded):
            return kind, m.group(0)
    return MilestoneKind.DEPLOYMENT, ""


def _undated_duty(clause: Clause, tree: PartTree, sentence: str) -> bool:
    """A duty with no date in the part that assigns duties ("Tổ chức thực hiện"); not one
    that arises only "nếu có vướng mắc" (if a problem arises)."""
    if clause not in duty_clauses(tree) or len(sentence.split()) <= 8:
        return False  # a short heading ("1. Văn phòng Sở") names who, not what
    folded = fold(sentence)
    return bool(DUTY_WORDS.search(folded)) and not re.search(r"\bneu\b", folded)


def stage_words(text: str) -> list[tuple[Stage, str]]:
    """Each stage whose words the text uses, with the words found."""
    lowered = text.lower()
    out = []
    for stage, words in STAGE_WORDS.items():
        found = [w for w in words if w in lowered]
        if found:
            out.append((stage, ", ".join(found)))
    return out
