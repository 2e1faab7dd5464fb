"""The council vote (bình xét, bỏ phiếu kín), counted without a database.

A council's rule has two numbers, both shares of ALL members of the council, not of the votes
cast: the quorum (how many members must take part for the vote to count) and the approval
threshold (how many members must approve a candidate). Counting against every member is what
the regulations say ("tính trên tổng số thành viên Hội đồng"): an absent or abstaining member
weighs like a "no", so a half-empty meeting cannot select anyone on a few votes.

Shares are compared as exact fractions: "70%" means 7/10 and "2/3" means two thirds, so 7 of
10 members meet a 70% threshold exactly, and 6 of 9 meet a 2/3 quorum, with no float rounding.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class BallotStatus(StrEnum):
    """Open, then closed (counted) or postponed (no quorum: nothing decided, no count)."""

    OPEN = "open"
    CLOSED = "closed"
    POSTPONED = "postponed"

    @property
    def label(self) -> str:
        return {
            "open": "Đang bỏ phiếu",
            "closed": "Đã kết thúc",
            "postponed": "Hoãn (không đủ số thành viên có mặt)",
        }[self.value]


class ConflictCounting(StrEnum):
    """How a member who declared a conflict of interest on a candidate counts for that candidate.

    The decrees count the threshold on all members of the council and say nothing of
    conflicts, so this is the council's regulation (quy chế hoạt động), kept as a setting:
    `counted` (the default) keeps the member in the denominator with an abstain, as the
    decree's words "tổng số thành viên Hội đồng" read, so a conflict can never lower the bar;
    `excluded` takes the member out of the denominator for that candidate only, for a council
    whose quy chế says so. (The value is not "abstain": no stored word may look like a choice,
    tests/test_ballot_secrecy.py.)
    """

    COUNTED = "counted"
    EXCLUDED = "excluded"

    @property
    def label(self) -> str:
        if self is ConflictCounting.COUNTED:
            return (
                "phiếu của thành viên đó đối với ứng viên này được tính là không biểu quyết "
                "và vẫn tính trong tổng số thành viên Hội đồng"
            )
        return "thành viên đó không được tính vào tổng số thành viên Hội đồng khi xét ứng viên này"


DEFAULT_CONFLICT_COUNTING = ConflictCounting.COUNTED


class VoteChoice(StrEnum):
    """One member's choice on one candidate; a declared conflict of interest is an abstain."""

    APPROVE = "approve"
    REJECT = "reject"
    ABSTAIN = "abstain"

    @property
    def label(self) -> str:
        return {"approve": "Đồng ý", "reject": "Không đồng ý", "abstain": "Không biểu quyết"}[
            self.value
        ]


COMMON_APPROVAL = 0.70
HIGHEST_APPROVAL = 0.90

DEFAULT_APPROVAL: dict[str, float] = {
    "dien-hinh-tien-tien": COMMON_APPROVAL,
    "giay-khen": COMMON_APPROVAL,
    "bang-khen": COMMON_APPROVAL,
    "tap-the-lao-dong-xuat-sac": COMMON_APPROVAL,
    "chien-si-thi-dua-co-so": COMMON_APPROVAL,
    "chien-si-thi-dua-tinh": HIGHEST_APPROVAL,
    "chien-si-thi-dua-toan-quoc": HIGHEST_APPROVAL,
    "anh-hung": HIGHEST_APPROVAL,
}
"""Approval thresholds by award, as shares of all members of the council.

70% of all members is a common provincial rule for exemplars, certificates of merit (Giấy
khen), diplomas of merit (Bằng khen) and the base-level titles. The highest titles (Chiến sĩ
thi đua cấp bộ, ngành, tỉnh; Chiến sĩ thi đua toàn quốc; Anh hùng) need 90% of all members by
secret ballot, as Nghị định 91/2017/NĐ-CP wrote it; the same numbers stand as defaults under
NĐ 98/2023 and NĐ 152/2025 until their text is checked (models/voting_basis.py). These are
defaults only: check the regulation in force and the council's own rules (quy chế hoạt động); a
council sets its own threshold and a ballot may override it (see `rule_for`).
"""

AWARD_LABELS: dict[str, str] = {
    "dien-hinh-tien-tien": "Điển hình tiên tiến",
    "giay-khen": "Giấy khen",
    "bang-khen": "Bằng khen",
    "tap-the-lao-dong-xuat-sac": "Tập thể lao động xuất sắc",
    "chien-si-thi-dua-co-so": "Chiến sĩ thi đua cơ sở",
    "chien-si-thi-dua-tinh": "Chiến sĩ thi đua cấp tỉnh",
    "chien-si-thi-dua-toan-quoc": "Chiến sĩ thi đua toàn quốc",
    "anh-hung": "Danh hiệu Anh hùng",
}


def award_label(award: str) -> str:
    """The award as people read it; an award outside the table keeps its own words."""
    return AWARD_LABELS.get(award, award)


def exact(share: float) -> Fraction:
    """The simple fraction a share stands for: 0.7 → 7/10, 0.666… → 2/3.

    A float cannot hold 7/10 or 2/3; reading it back to the nearest fraction with a
    denominator up to 1000 (percentages to one decimal) makes the boundaries exact.
    """
    return Fraction(share).limit_denominator(1000)


def share_text(share: float) -> str:
    """'70%', '2/3' or '66,7%': how a threshold is written in minutes."""
    fraction = exact(share)
    if 100 % fraction.denominator == 0:
        return f"{fraction * 100}%"
    if fraction.denominator <= 12:
        return f"{fraction.numerator}/{fraction.denominator}"
    return percent(fraction)


def percent(value: Fraction | float) -> str:
    """A ratio as a Vietnamese percentage, decimal comma: 0.8 → '80%', 2/3 → '66,7%'."""
    scaled = round(float(value) * 100, 1)
    return f"{scaled:.0f}%" if scaled.is_integer() else f"{scaled:.1f}%".replace(".", ",")


@dataclass(frozen=True)
class VotingRule:
    """Quorum and approval threshold, each a share of all members of the council."""

    quorum: float = 2 / 3
    approval: float = COMMON_APPROVAL

    def __post_init__(self) -> None:
        for name, value in (("quorum", self.quorum), ("approval", self.approval)):
            if not 0 < value <= 1:
                raise ValueError(f"tỷ lệ {name} phải lớn hơn 0 và không quá 1 (nhận {value})")

    def required(self, share: float, members: int) -> int:
        """The fewest members that reach share of members (ceil of an exact product)."""
        return math.ceil(exact(share) * members)

    @property
    def approval_text(self) -> str:
        return f"đạt từ {share_text(self.approval)} tổng số thành viên Hội đồng trở lên"

    @property
    def quorum_text(self) -> str:
        return f"có ít nhất {share_text(self.quorum)} tổng số thành viên Hội đồng có mặt"


def rule_for(
    award: str, council: VotingRule, floors: Mapping[str, float] = DEFAULT_APPROVAL
) -> VotingRule:
    """The rule a ballot for award uses by default: the council's, raised to the award's floor.

    A council that selects exemplars at 70% still needs 90% for the highest titles: the
    award's threshold is a floor set above the council, which the council cannot lower.
    `floors` are the thresholds of the decree in force (models.voting_basis).
    """
    floor = floors.get(award, council.approval)
    return VotingRule(quorum=council.quorum, approval=max(council.approval, floor))


@dataclass(frozen=True)
class CandidateTally:
    candidate_id: int
    approve: int
    reject: int
    abstain: int
    ratio_of_all_members: Fraction
    selected: bool
    reason: str
    counted_members: int = 0
    """The denominator for this candidate: all members, less those excluded by a conflict."""
    approval_required: int = 0


@dataclass(frozen=True)
class TallyResult:
    members: int
    participated: int
    quorum_required: int
    approval_required: int
    quorum_met: bool
    rule: VotingRule
    candidates: tuple[CandidateTally, ...]
    present: int = -1
    """Members who voted at the meeting; the others who took part sent a written opinion."""

    @property
    def selected_ids(self) -> frozenset[int]:
        return frozenset(c.candidate_id for c in self.candidates if c.selected)

    @property
    def written(self) -> int:
        """Written opinions of absent members (ý kiến bằng văn bản), counted like votes."""
        return self.participated - self.present

    @property
    def postponed(self) -> bool:
        """Too few members present: the session is postponed and nothing is decided."""
        return not self.quorum_met


Counts = tuple[int, int, int]


def tally(
    members: int,
    participated: int,
    votes: Mapping[int, Counts],
    rule: VotingRule | None = None,
    *,
    present: int | None = None,
    excluded: Mapping[int, int] | None = None,
) -> TallyResult:
    """Count a closed ballot: votes maps candidate id → (approve, reject, abstain).

    `participated` is every member who gave an opinion: `present` of them at the meeting (by
    default all), the rest in writing. The quorum is a matter of the meeting, so it counts
    only the members present: written opinions of absent members ("nếu thành viên Hội đồng
    vắng mặt thì lấy ý kiến bằng văn bản") are counted toward a candidate's approvals, which
    are a share of all members, but cannot make a meeting that did not take place. Without a
    quorum the session is postponed: nobody is selected or rejected.

    Abstain includes declared conflicts of interest; `excluded` maps a candidate to the
    members taken out of its denominator by a conflict (a council whose conflict counting is
    `excluded`); by default every candidate is counted on all members.
    """
    rule = rule or VotingRule()
    present = participated if present is None else present
    excluded = excluded or {}
    _check_counts(members, participated, votes)
    if not 0 <= present <= participated:
        raise ValueError(f"số thành viên có mặt ({present}) vượt số thành viên tham gia")
    quorum_required = rule.required(rule.quorum, members)
    quorum_met = present >= quorum_required
    approval_required = rule.required(rule.approval, members)
    rows = tuple(
        _candidate(
            cid,
            counts,
            members - excluded.get(cid, 0),
            (present, members, quorum_met, quorum_required),
            rule,
        )
        for cid, counts in sorted(votes.items())
    )
    return TallyResult(
        members,
        participated,
        quorum_required,
        approval_required,
        quorum_met,
        rule,
        rows,
        present,
    )


def _check_counts(members: int, participated: int, votes: Mapping[int, Counts]) -> None:
    if members <= 0:
        raise ValueError("Hội đồng phải có ít nhất một thành viên")
    if not 0 <= participated <= members:
        raise ValueError(
            f"số thành viên tham gia ({participated}) phải từ 0 đến {members} thành viên"
        )
    for cid, counts in votes.items():
        if min(counts) < 0 or sum(counts) > participated:
            raise ValueError(
                f"ứng viên {cid}: số phiếu {counts} không khớp với {participated} "
                "thành viên tham gia"
            )


def _candidate(
    cid: int,
    counts: Counts,
    counted: int,
    meeting: tuple[int, int, bool, int],
    rule: VotingRule,
) -> CandidateTally:
    """One candidate's verdict; counted is its denominator (all members, less exclusions)."""
    present, members, quorum_met, quorum_required = meeting
    approve, reject, abstain = counts
    ratio = Fraction(approve, counted) if counted else Fraction(0)
    needed = rule.required(rule.approval, counted)
    share = f"{approve}/{counted} thành viên đồng ý ({percent(ratio)})"
    selected = quorum_met and counted > 0 and ratio >= exact(rule.approval)
    if not quorum_met:
        reason = (
            f"Hoãn: chỉ {present}/{members} thành viên có mặt, cần tối thiểu "
            f"{quorum_required}; chưa xét"
        )
    elif counted == 0:
        reason = "Không đạt: mọi thành viên Hội đồng đều có xung đột lợi ích với ứng viên này"
    elif selected:
        reason = f"Đạt: {share}, {rule.approval_text}"
    else:
        reason = (
            f"Không đạt: {share}, cần tối thiểu {needed} phiếu đồng ý "
            f"({share_text(rule.approval)} tổng số thành viên Hội đồng)"
        )
    return CandidateTally(cid, approve, reject, abstain, ratio, selected, reason, counted, needed)
