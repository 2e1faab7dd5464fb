"""What one email says, as plain data: the contract between the sweep and the templates.

The sweep (models.services) builds EmailContent from the database; notifications.render turns
it into subject, text, HTML and .ics attachments. Nothing here touches a database or a network.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Step = Literal["reminder", "due", "escalation"]
Actor = Literal["unit", "mentor", "council_member"]
"""Who must act on an item: a unit (its report, its submission), a mentor (about the exemplar
they foster), a council member (their own vote). The wording of the item follows it."""


@dataclass(frozen=True)
class PlanRef:
    """The plan a deadline comes from, as an email cites it."""

    title: str
    issuer_name: str
    number: str | None
    date: dt.date | None


@dataclass(frozen=True)
class DeadlineItem:
    """One obligation of one unit that this email is about."""

    notification_key: str
    step: Step
    level: int  # reminder: working days before the due date; escalation: 1, 2, 3
    plan: PlanRef
    clause: str | None
    phrase: str | None  # the original Vietnamese deadline words
    quote: str | None  # the sentence of the plan they come from
    milestone_title: str  # what is owed
    occurrence_label: str  # "" for a one-off, else "năm 2024", "quý I/2024"...
    unit_code: str  # the unit that owes it
    unit_name: str
    owed_to: str  # the recipient of the submission (Sở Nội vụ...)
    due: dt.date  # as the plan writes it
    effective_due: dt.date  # moved off days off (BLDS art. 148)
    working_days_left: int  # negative: working days overdue
    uid: str  # stable id of the deadline, for the .ics
    link: str | None = None  # the recipient's personal link to act on it (web intake)
    link_label: str = "Nộp văn bản trực tuyến"  # what the link lets them do
    set_by_coordinator: bool = False  # the plan writes no date: the coordinator set this one
    # What the item is about, named (issue 20, "every line names its subject"): a display
    # string such as "Điển hình: Ngô Thị Lan (Hội Chữ thập đỏ tỉnh); người giúp đỡ: Trần Văn
    # An", "Kênh: Cổng thông tin điện tử tỉnh", "Tờ trình số 12/TTr-SGDĐT ngày 03/04/2024",
    # "Lĩnh vực: Giáo dục và đào tạo"; "" when the milestone's title says it all.
    about: str = ""
    exemplar: str = ""  # "Ngô Thị Lan (Hội Chữ thập đỏ tỉnh)": a mentor's digest groups by it
    actor: Actor = "unit"


@dataclass(frozen=True)
class EmailContent:
    """One email to one recipient on one day: a digest of one or more items."""

    key: str  # the email's idempotency key; the Message-ID derives from it
    day: dt.date  # the (possibly simulated) day of sending
    recipient_name: str
    recipient_email: str
    recipient_unit: str
    sender_name: str  # the standing body that chases (Sở Nội vụ tỉnh Quảng Bình)
    items: tuple[DeadlineItem, ...]
    more_overdue: int = 0  # overdue obligations not listed (a national list is capped)
    more_newly_overdue: int = 0  # of those, how many are newly overdue (notifications.digest)
    all_overdue_link: str | None = None  # the coordinators' page that lists every one
    more_items: int = 0  # the recipient's own reminders and due-day notices not listed
    all_items_link: str | None = None  # the page that lists every one
    # How the email names its reader (models.correspondence.address): after "Kính gửi:"
    # ("" means the recipient's unit), in the request, and whether it reports upward.
    salutation: str = ""
    addressee: str = "quý cơ quan"
    upward: bool = False
    # The reader works for the writer (the standing body's own officer or department): it is
    # asked to follow up the units, never to "chỉ đạo" them as a head directs their staff.
    own_staff: bool = False
    # Who signs and answers for it (models.correspondence.signature): the body in full
    # ("" means sender_name), the officer in charge's line, and where replies go.
    signed_by: str = ""
    officer: str = ""
    reply_to: str = ""
    # The document attached, said above the signature ("Công văn số 01/SNV-TĐKT ngày ... (tệp
    # PDF)"): an escalation to a unit carries the công văn đôn đốc; "" for none.
    enclosure: str = ""

    @property
    def kind(self) -> Step:
        """The most serious step among the items: escalation > due > reminder."""
        steps = {i.step for i in self.items}
        for step in ("escalation", "due", "reminder"):
            if step in steps:
                return step
        return "reminder"
