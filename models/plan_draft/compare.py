"""A draft measured against a hand-encoded plan file (issue 24: the five seeds).

A hand milestone is found when the draft has one in the same clause with the same phrase: the
same words once normalized (models.phrases.normalize), or words that contain one another and
read the same deadline ("trong Quý II năm 2023" and "Quý II năm 2023"; "Định kỳ hàng năm" and
"hàng năm"). Its responsible body is right when the draft's `from` selects the same units,
kinds and roles and its `to` is the same unit. A quota is found when the draft has one in the
same clause with the same minimum, maximum and subject. What the draft found that the file
lacks is listed, for a person to judge (a duty the encoder left out, or a false find).

Bodies (`from`, `to`) of each milestone found are one of: right (the same units selected: with
the directory, the units each selector picks there, so "các cơ quan, đơn vị, địa phương" read as
the kinds under the issuer and the file's kinds and lead agencies compare by whom they reach);
empty (the draft left CAN-DIEN for the coordinator: honest); short (`from` only: every unit the
draft names is the file's, but the file names more); wrong (the draft names a body the file does
not have: false, a coordinator would have to delete it). Each wrong one is listed with its
clause and both values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.phrases import PhraseError, normalize, parse_phrase
from models.plan import UNDECIDED_UNIT, Milestone, Plan, Quota, Responsible
from models.plan_draft.duties import Unit

RIGHT, EMPTY, SHORT, WRONG = "right", "empty", "short", "wrong"


@dataclass
class Comparison:
    """The figures of one seed."""

    dated: int = 0
    dated_found: int = 0
    undated: int = 0
    undated_found: int = 0
    from_right: int = 0
    from_empty: int = 0
    from_short: int = 0
    from_wrong: int = 0
    to_right: int = 0
    to_empty: int = 0
    to_wrong: int = 0
    compared: int = 0
    """Found milestones whose bodies were compared (dated and undated)."""
    wrong: list[str] = field(default_factory=list)
    """Each false body: 'clause [id] from|to: draft … ≠ file …'."""
    quotas: int = 0
    quotas_found: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    """Draft milestones and quotas the hand file lacks: 'clause: phrase'."""

    def as_dict(self) -> dict[str, object]:
        return {
            "dated_milestones": self.dated,
            "dated_found": self.dated_found,
            "undated_milestones": self.undated,
            "undated_found": self.undated_found,
            "bodies_compared": self.compared,
            "from_right": self.from_right,
            "from_empty": self.from_empty,
            "from_short": self.from_short,
            "from_wrong": self.from_wrong,
            "to_right": self.to_right,
            "to_empty": self.to_empty,
            "to_wrong": self.to_wrong,
            "wrong": self.wrong,
            "quotas": self.quotas,
            "quotas_found": self.quotas_found,
            "missed": self.missed,
            "extra": self.extra,
        }


def same_phrase(a: str | None, b: str | None, issued: dt.date | None) -> bool:
    """Two deadline phrases are the same words, or one within the other reading the same."""
    if a is None or b is None:
        return a is b
    na, nb = normalize(a), normalize(b)
    if na == nb:
        return True
    if na not in nb and nb not in na:
        return False
    try:
        return _reading(a, issued) == _reading(b, issued)
    except PhraseError:
        return False


def _reading(phrase: str, issued: dt.date | None) -> tuple[object, ...]:
    d = parse_phrase(phrase, issued=issued or dt.date(2000, 1, 1))
    return (d.kind, d.due, d.start, d.recurrences, d.occasion)


def compare(hand: Plan, draft: Plan, units: Sequence[Unit] = ()) -> Comparison:
    """The figures of a draft against the hand-encoded plan of the same text; units: the
    directory both are read against (empty: selectors compared as written)."""
    out = Comparison()
    bodies = _Bodies(hand, units)
    issued = hand.document.date
    used: set[int] = set()
    for m in hand.milestones:
        matches = [
            (i, d)
            for i, d in enumerate(draft.milestones)
            if d.clause == m.clause and same_phrase(d.phrase, m.phrase, issued)
        ]
        if m.phrase is not None:
            out.dated += 1
        else:
            out.undated += 1
        if not matches:
            out.missed.append(f"{m.clause}: {m.phrase or '(không thời hạn)'} [{m.id}]")
            continue
        if m.phrase is not None:
            out.dated_found += 1
        else:
            out.undated_found += 1
        used.update(i for i, _ in matches)
        out.compared += 1
        judged = [bodies.judge(m, d) for _, d in matches]
        verdict_from, verdict_to = max(judged, key=lambda v: _RANK[v[0]] + _RANK[v[1]])
        setattr(out, f"from_{verdict_from}", getattr(out, f"from_{verdict_from}") + 1)
        setattr(out, f"to_{verdict_to}", getattr(out, f"to_{verdict_to}") + 1)
        best = next(
            d for (_, d), v in zip(matches, judged, strict=True) if v == (verdict_from, verdict_to)
        )
        if verdict_from == WRONG:
            out.wrong.append(
                f"{m.clause} [{m.id}] from: nháp {_who(best.responsible)}"
                f" ≠ tệp {_who(m.responsible)}"
            )
        if verdict_to == WRONG:
            out.wrong.append(f"{m.clause} [{m.id}] to: nháp {best.to} ≠ tệp {m.to}")
    for i, d in enumerate(draft.milestones):
        if i not in used:
            out.extra.append(f"{d.clause}: {d.phrase or '(không thời hạn)'} [{d.kind.value}]")
    quota_used: set[int] = set()
    for q in hand.quotas:
        out.quotas += 1
        match = next(
            (i for i, d in enumerate(draft.quotas) if i not in quota_used and _same_quota(q, d)),
            None,
        )
        if match is None:
            out.missed.append(f"{q.clause}: chỉ tiêu {q.minimum} {q.subject or ''}".rstrip())
            continue
        quota_used.add(match)
        out.quotas_found += 1
    for i, extra in enumerate(draft.quotas):
        if i not in quota_used:
            out.extra.append(
                f"{extra.clause}: chỉ tiêu {extra.minimum} {extra.subject or ''}".rstrip()
            )
    return out


_RANK = {RIGHT: 3, SHORT: 2, EMPTY: 1, WRONG: 0}
"""Of several draft milestones matching one of the file, the best judged is compared."""


class _Bodies:
    """Judges a draft's bodies against the file's, by the units each selects in the directory."""

    def __init__(self, hand: Plan, units: Sequence[Unit]) -> None:
        self.units = list(units)
        self.issuer = hand.document.issuer
        self.leads = {c for f in hand.fields for c in f.lead_agencies}
        children: dict[str | None, list[Unit]] = {}
        for unit in self.units:
            children.setdefault(unit.parent, []).append(unit)
        self.under: list[Unit] = []
        stack = list(children.get(self.issuer, []))
        while stack:
            unit = stack.pop()
            self.under.append(unit)
            stack += children.get(unit.code, [])

    def select(self, who: Responsible) -> frozenset[str]:
        """The codes a selector picks (as models.services.obligations selects, without merges)."""
        if not self.units:
            picked = set(who.units) | {f"kind:{k.value}" for k in who.kinds}
            if who.lead_agencies:
                picked.add("lead_agencies")
        else:
            picked = set(who.units)
            picked |= {u.code for u in self.under if u.kind in who.kinds}
            if who.lead_agencies:
                picked |= self.leads
            out_kinds = set(who.exclude.kinds)
            picked -= set(who.exclude.units)
            picked -= {u.code for u in self.units if u.kind in out_kinds}
        if who.cluster_leaders:
            picked.add("cluster_leaders")
        if who.mentors:
            picked.add("mentors")
        return frozenset(picked)

    def judge(self, hand: Milestone, draft: Milestone) -> tuple[str, str]:
        """(from, to) each right, empty, short (from only) or wrong."""
        if draft.responsible.units == [UNDECIDED_UNIT] and not self._roles(draft.responsible):
            who = EMPTY
        else:
            mine, theirs = self.select(draft.responsible), self.select(hand.responsible)
            who = RIGHT if mine == theirs else SHORT if mine < theirs else WRONG
        to = EMPTY if draft.to == UNDECIDED_UNIT else RIGHT if draft.to == hand.to else WRONG
        return who, to

    @staticmethod
    def _roles(who: Responsible) -> bool:
        return bool(who.kinds or who.lead_agencies or who.cluster_leaders or who.mentors)


def _who(who: Responsible) -> str:
    parts = [*who.units, *(k.value for k in who.kinds)]
    parts += [r for r in ("lead_agencies", "cluster_leaders", "mentors") if getattr(who, r)]
    parts += [f"-{c}" for c in who.exclude.units]
    return "{" + ", ".join(parts) + "}"


def _same_quota(hand: Quota, draft: Quota) -> bool:
    return (
        hand.clause == draft.clause
        and hand.minimum == draft.minimum
        and hand.maximum == draft.maximum
        and hand.subject == draft.subject
    )
