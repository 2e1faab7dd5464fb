"""What an agency does behind its personal link, decided by what the obligation asks for."""

from __future__ import annotations

from enum import StrEnum

from models.process import COUNCIL_VOTE, PUBLICATION
from models.vocabulary import MilestoneKind


class IntakeAction(StrEnum):
    UPLOAD = "upload"  # send the document the plan asks for
    REGISTER = "register"  # register candidates, then confirm the registration is complete
    ASSESS = "assess"  # a mentor's periodic assessment of one exemplar
    PUBLISH = "publish"  # confirm an article about an exemplar was published
    VOTE = "vote"  # a council member's secret ballot

    @property
    def label(self) -> str:
        """The words of the button in the email and on the page."""
        return {
            "upload": "Nộp văn bản trực tuyến",
            "register": "Đăng ký điển hình trực tuyến",
            "assess": "Ghi kết quả đánh giá trực tuyến",
            "publish": "Xác nhận đã đăng bài",
            "vote": "Mở phiếu và bỏ phiếu kín",
        }[self.value]


def intake_action(
    milestone_code: str, kind: MilestoneKind, *, about_candidate: bool
) -> IntakeAction:
    if milestone_code == COUNCIL_VOTE:
        return IntakeAction.VOTE
    if milestone_code == PUBLICATION:
        return IntakeAction.PUBLISH
    if kind == MilestoneKind.ASSESSMENT and about_candidate:
        return IntakeAction.ASSESS
    if kind == MilestoneKind.REGISTRATION:
        return IntakeAction.REGISTER
    return IntakeAction.UPLOAD
