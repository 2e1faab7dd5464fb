"""Milestones the process itself adds to every plan: a council member's vote, the communication
office's publications and the authority's reward decision.

They carry no deadline phrase: each obligation gets its own due date when the act is asked for
(the ballot's deadline, the publication's due date, the decision's time limit), and the sweep
chases it like any other, escalating when it is late.
"""

from __future__ import annotations

from models.plan import Milestone, Plan
from models.vocabulary import MilestoneKind, Stage

COUNCIL_VOTE = "process-council-vote"
PUBLICATION = "process-publication"
REWARD_DECISION = "process-reward-decision"


def process_milestones(plan: Plan) -> list[Milestone]:
    def milestone(code: str, kind: MilestoneKind, stage: Stage, title: str, who: str) -> Milestone:
        return Milestone.model_validate(
            {
                "id": code,
                "kind": kind,
                "stage": stage,
                "title": title,
                "to": plan.standing_body,
                "from": {"units": [plan.standing_body], "description": who},
            }
        )

    return [
        milestone(
            COUNCIL_VOTE,
            MilestoneKind.NOMINATION,
            Stage.VOTE,
            "Bỏ phiếu bình xét điển hình tiên tiến",
            "Thành viên Hội đồng Thi đua - Khen thưởng",
        ),
        milestone(
            PUBLICATION,
            MilestoneKind.DEPLOYMENT,
            Stage.PUBLICISE,
            "Đăng bài giới thiệu điển hình tiên tiến",
            "Cơ quan phụ trách thông tin, truyền thông",
        ),
        milestone(
            REWARD_DECISION,
            MilestoneKind.REWARD_PROPOSAL,
            Stage.REWARD,
            "Quyết định khen thưởng điển hình tiên tiến đã được đề nghị",
            "Cấp có thẩm quyền khen thưởng",
        ),
    ]


# What a process obligation is about is written in its occurrence ("b12/m34": ballot 12,
# member 34; "p7": publication 7; "r3": reward proposal 3), so that the uniqueness key of
# obligations (milestone, unit, occurrence) covers it. These are the only readers and writers.


def vote_occurrence(ballot_id: int, member_id: int) -> str:
    return f"b{ballot_id}/m{member_id}"


def publication_occurrence(publication_id: int) -> str:
    return f"p{publication_id}"


def decision_occurrence(proposal_id: int) -> str:
    return f"r{proposal_id}"


def ballot_and_member(occurrence: str) -> tuple[int, int] | None:
    head, _, tail = occurrence.partition("/")
    if head[:1] == "b" and head[1:].isdigit() and tail[:1] == "m" and tail[1:].isdigit():
        return int(head[1:]), int(tail[1:])
    return None


def subject_id(occurrence: str, prefix: str) -> int | None:
    """The publication ('p') or proposal ('r') id an occurrence names, if it names one."""
    if occurrence[:1] == prefix and occurrence[1:].isdigit():
        return int(occurrence[1:])
    return None
