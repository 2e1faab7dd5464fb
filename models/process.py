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
