"""A draft measured against a hand-encoded plan file (issue 24: the five seeds).

A hand milestone is found when the draft has one in the same clause with the same phrase: the
same words once normalized (models.phrases.normalize), or words that contain one another and
read the same deadline ("trong Quý II năm 2023" and "Quý II năm 2023"; "Định kỳ hàng năm" and
"hàng năm"). Its responsible body is right when the draft's `from` selects the same units,
kinds and roles and its `to` is the same unit. A quota is found when the draft has one in the
same clause with the same minimum, maximum and subject. What the draft found that the file
lacks is listed, for a person to judge (a duty the encoder left out, or a false find).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.phrases import PhraseError, normalize, parse_phrase
from models.plan import Milestone, Plan, Quota


@dataclass
class Comparison:
    """The figures of one seed."""

    dated: int = 0
    dated_found: int = 0
    undated: int = 0
    undated_found: int = 0
    from_right: int = 0
    to_right: int = 0
    compared: int = 0
    """Found milestones whose bodies were compared (dated and undated)."""
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
            "to_right": self.to_right,
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


def compare(hand: Plan, draft: Plan) -> Comparison:
    """The figures of a draft against the hand-encoded plan of the same text."""
    out = Comparison()
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
        best = max(matches, key=lambda pair: _bodies(m, pair[1]))
        right_from, right_to = _bodies(m, best[1])
        out.from_right += right_from
        out.to_right += right_to
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


def _bodies(hand: Milestone, draft: Milestone) -> tuple[int, int]:
    a, b = hand.responsible, draft.responsible
    same_from = (
        set(a.units) == set(b.units)
        and set(a.kinds) == set(b.kinds)
        and a.lead_agencies == b.lead_agencies
        and a.cluster_leaders == b.cluster_leaders
    )
    return int(same_from), int(hand.to == draft.to)


def _same_quota(hand: Quota, draft: Quota) -> bool:
    return (
        hand.clause == draft.clause
        and hand.minimum == draft.minimum
        and hand.maximum == draft.maximum
        and hand.subject == draft.subject
    )
