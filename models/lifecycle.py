"""An exemplar's path through the process, as one state machine.

discover (registered) → foster (fostering) → eligibility (eligible | ineligible) → vote
(nominated → selected | not_selected; a session without quorum is postponed and the
candidate stays nominated for a new ballot) → publicise (publicised) → honour (honoured) → reward
(rewarded); a selected exemplar may also be promoted into the higher level's campaign, and any
candidate may be withdrawn. Every change is checked here and written to the audit log by the
service layer; an illegal one is refused with a message a coordinator understands.
"""

from __future__ import annotations

from enum import StrEnum


class CandidateStage(StrEnum):
    REGISTERED = "registered"
    FOSTERING = "fostering"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NOMINATED = "nominated"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"
    PUBLICISED = "publicised"
    HONOURED = "honoured"
    REWARDED = "rewarded"
    PROMOTED = "promoted"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    CandidateStage.REGISTERED: "Đã đăng ký",
    CandidateStage.FOSTERING: "Đang bồi dưỡng",
    CandidateStage.ELIGIBLE: "Đủ tiêu chuẩn",
    CandidateStage.INELIGIBLE: "Chưa đủ tiêu chuẩn",
    CandidateStage.NOMINATED: "Đưa ra bình xét",
    CandidateStage.SELECTED: "Được bình chọn",
    CandidateStage.NOT_SELECTED: "Không được bình chọn",
    CandidateStage.PUBLICISED: "Đã tuyên truyền",
    CandidateStage.HONOURED: "Đã tôn vinh",
    CandidateStage.REWARDED: "Đã khen thưởng",
    CandidateStage.PROMOTED: "Đã giới thiệu lên cấp trên",
    CandidateStage.WITHDRAWN: "Rút khỏi danh sách",
}

S = CandidateStage
TRANSITIONS: dict[CandidateStage, frozenset[CandidateStage]] = {
    S.REGISTERED: frozenset({S.FOSTERING, S.WITHDRAWN}),
    S.FOSTERING: frozenset({S.ELIGIBLE, S.INELIGIBLE, S.WITHDRAWN}),
    S.INELIGIBLE: frozenset({S.ELIGIBLE, S.FOSTERING, S.WITHDRAWN}),  # a new year's records
    S.ELIGIBLE: frozenset({S.INELIGIBLE, S.NOMINATED, S.WITHDRAWN}),
    # nominated → nominated: the session was postponed (no quorum), a new ballot takes it
    S.NOMINATED: frozenset({S.NOMINATED, S.SELECTED, S.NOT_SELECTED, S.WITHDRAWN}),
    S.NOT_SELECTED: frozenset({S.FOSTERING, S.WITHDRAWN}),
    S.SELECTED: frozenset({S.PUBLICISED, S.HONOURED, S.REWARDED, S.PROMOTED, S.WITHDRAWN}),
    S.PUBLICISED: frozenset({S.HONOURED, S.REWARDED, S.PROMOTED}),
    S.HONOURED: frozenset({S.PUBLICISED, S.REWARDED, S.PROMOTED}),
    S.REWARDED: frozenset({S.PUBLICISED, S.HONOURED, S.PROMOTED}),
    S.PROMOTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

BALLOT_STAGES = frozenset({S.ELIGIBLE, S.NOMINATED})
"""Stages a ballot may take a candidate from: eligible, or nominated on a postponed session
(no quorum of members present: nothing was decided, so the candidate awaits a new ballot)."""

FUNNEL = (
    S.REGISTERED,
    S.FOSTERING,
    S.ELIGIBLE,
    S.NOMINATED,
    S.SELECTED,
    S.PUBLICISED,
    S.HONOURED,
    S.REWARDED,
)
"""The funnel the dashboard shows: a candidate counts in every stage it has reached."""


class IllegalStageTransition(ValueError):
    """A change the process does not allow (voting on someone never found eligible...)."""


def check_stage(current: CandidateStage, target: CandidateStage) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(f"'{s.label}'" for s in sorted(TRANSITIONS[current])) or "không có"
        raise IllegalStageTransition(
            f"không thể chuyển từ '{current.label}' sang '{target.label}' "
            f"(chỉ có thể sang: {allowed})"
        )


def reached(history: list[CandidateStage]) -> set[CandidateStage]:
    """The funnel stages a candidate has reached, given the stages it has passed through."""
    order = {stage: i for i, stage in enumerate(FUNNEL)}
    furthest = max((order[s] for s in history if s in order), default=-1)
    return set(FUNNEL[: furthest + 1])
