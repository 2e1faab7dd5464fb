"""The closed sets of words the domain uses, each with its Vietnamese label.

One English name per concept (see DOMAIN.md's glossary); people see the Vietnamese.
Everything here is plain Python so that plans, the database and the CLI agree.
"""

from __future__ import annotations

from enum import StrEnum


class UnitKind(StrEnum):
    """Where an organisation unit sits in the hierarchy that sends things upward."""

    MINISTRY = "ministry"
    PROVINCE = "province"
    DEPARTMENT = "department"
    DISTRICT = "district"
    COMMUNE = "commune"
    BASE_UNIT = "base_unit"
    PARTY_COMMITTEE = "party_committee"
    PARTY_CELL = "party_cell"
    ENTERPRISE = "enterprise"
    MASS_ORGANISATION = "mass_organisation"
    CENTRAL_AGENCY = "central_agency"

    @property
    def label(self) -> str:
        return _UNIT_KIND_LABELS[self]


_UNIT_KIND_LABELS = {
    UnitKind.MINISTRY: "Bộ, ban, ngành Trung ương",
    UnitKind.PROVINCE: "Tỉnh, thành phố trực thuộc Trung ương",
    UnitKind.DEPARTMENT: "Sở, ban, ngành",
    UnitKind.DISTRICT: "Huyện, thị xã, thành phố",
    UnitKind.COMMUNE: "Xã, phường, thị trấn",
    UnitKind.BASE_UNIT: "Cơ quan, đơn vị, phòng",
    UnitKind.PARTY_COMMITTEE: "Đảng ủy",
    UnitKind.PARTY_CELL: "Chi bộ",
    UnitKind.ENTERPRISE: "Doanh nghiệp",
    UnitKind.MASS_ORGANISATION: "Tổ chức chính trị - xã hội, đoàn thể",
    UnitKind.CENTRAL_AGENCY: "Cơ quan Trung ương đóng trên địa bàn",
}


class ContactRole(StrEnum):
    """What a contact does for a unit; reminders and escalations pick contacts by role."""

    HEAD = "head"
    EMULATION_OFFICER = "emulation_officer"
    STANDING_BODY = "standing_body"
    COUNCIL_MEMBER = "council_member"
    COUNCIL_CHAIR = "council_chair"

    @property
    def label(self) -> str:
        return _CONTACT_ROLE_LABELS[self]


_CONTACT_ROLE_LABELS = {
    ContactRole.HEAD: "Thủ trưởng",
    ContactRole.EMULATION_OFFICER: "Cán bộ làm công tác thi đua, khen thưởng",
    ContactRole.STANDING_BODY: "Cơ quan thường trực Hội đồng TĐKT",
    ContactRole.COUNCIL_MEMBER: "Thành viên Hội đồng TĐKT",
    ContactRole.COUNCIL_CHAIR: "Chủ tịch Hội đồng TĐKT",
}


class SubjectKind(StrEnum):
    """Who an exemplar is: a collective, an individual or a household."""

    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"
    HOUSEHOLD = "household"

    @property
    def label(self) -> str:
        return {"collective": "Tập thể", "individual": "Cá nhân", "household": "Hộ gia đình"}[
            self.value
        ]


class Stage(StrEnum):
    """The lifecycle of one exemplar, in the plans' order."""

    DISCOVER = "discover"
    FOSTER = "foster"
    VOTE = "vote"
    PUBLICISE = "publicise"
    HONOUR = "honour"
    REWARD = "reward"

    @property
    def label(self) -> str:
        return {
            "discover": "Phát hiện",
            "foster": "Xây dựng, bồi dưỡng",
            "vote": "Bình chọn, bình xét",
            "publicise": "Tuyên truyền, nhân rộng",
            "honour": "Biểu dương, tôn vinh",
            "reward": "Khen thưởng",
        }[self.value]


class ClusterKind(StrEnum):
    """An emulation cluster (cụm) groups localities; a block (khối) groups agencies."""

    CLUSTER = "cluster"
    BLOCK = "block"

    @property
    def label(self) -> str:
        return "Cụm thi đua" if self is ClusterKind.CLUSTER else "Khối thi đua"


class MilestoneKind(StrEnum):
    """What a milestone asks of the units responsible for it."""

    PLAN_SUBMISSION = "plan_submission"
    REGISTRATION = "registration"
    ASSESSMENT = "assessment"
    ANNUAL_REPORT = "annual_report"
    MIDTERM_REVIEW = "midterm_review"
    FINAL_REVIEW = "final_review"
    NOMINATION = "nomination"
    CEREMONY = "ceremony"
    DEPLOYMENT = "deployment"
    REWARD_PROPOSAL = "reward_proposal"

    @property
    def label(self) -> str:
        return _MILESTONE_KIND_LABELS[self]


_MILESTONE_KIND_LABELS = {
    MilestoneKind.PLAN_SUBMISSION: "Gửi kế hoạch",
    MilestoneKind.REGISTRATION: "Đăng ký xây dựng điển hình",
    MilestoneKind.ASSESSMENT: "Đánh giá định kỳ",
    MilestoneKind.ANNUAL_REPORT: "Báo cáo hằng năm",
    MilestoneKind.MIDTERM_REVIEW: "Sơ kết",
    MilestoneKind.FINAL_REVIEW: "Tổng kết",
    MilestoneKind.NOMINATION: "Giới thiệu, đề nghị điển hình",
    MilestoneKind.CEREMONY: "Biểu dương, tôn vinh",
    MilestoneKind.DEPLOYMENT: "Triển khai kế hoạch",
    MilestoneKind.REWARD_PROPOSAL: "Đề nghị khen thưởng",
}


class ObligationStatus(StrEnum):
    """Where one unit stands on one occurrence of one milestone."""

    OPEN = "open"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    WAIVED = "waived"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            "open": "Chưa nộp",
            "submitted": "Đã nộp",
            "accepted": "Đã tiếp nhận",
            "returned": "Trả lại",
            "waived": "Miễn",
            "overdue": "Quá hạn",
        }[self.value]


class QuotaScope(StrEnum):
    """Whom a quota counts against and over what span of time."""

    LEAD_AGENCY_YEAR = "lead_agency_year"
    LOCALITY_YEAR = "locality_year"
    UNIT_YEAR = "unit_year"
    UNIT_PERIOD = "unit_period"

    @property
    def label(self) -> str:
        return {
            "lead_agency_year": "mỗi cơ quan chủ trì, mỗi năm",
            "locality_year": "mỗi địa phương, mỗi năm",
            "unit_year": "mỗi cơ quan, đơn vị, mỗi năm",
            "unit_period": "mỗi cơ quan, đơn vị, cả giai đoạn",
        }[self.value]


class RuleCheck(StrEnum):
    """The kinds of checkable criteria the plans write; parameters come from the plan."""

    TITLE_EVERY_YEAR = "title_every_year"
    RATING_EVERY_YEAR = "rating_every_year"
    TITLE_HELD_YEARS = "title_held_years"
    TITLE_HELD_ONCE = "title_held_once"
    LEADER_UNIT_IS_EXEMPLAR = "leader_unit_is_exemplar"
    NO_FAMILY_BREACH = "no_family_breach"


class RatingKind(StrEnum):
    """Who rated: a person has one yearly rating per kind (xếp loại theo từng loại đánh giá).

    A party member who is also a civil servant is rated twice a year, by the party cell as a
    party member and by the agency as a civil servant, and the two can differ; seed 004 asks
    "hoàn thành tốt nhiệm vụ" of every individual and "hoàn thành xuất sắc" of a party member.
    """

    CIVIL_SERVICE = "civil_service"
    PARTY = "party"
    UNION = "union"

    @property
    def label(self) -> str:
        return {
            "civil_service": "cán bộ, công chức, viên chức, người lao động",
            "party": "đảng viên, tổ chức đảng",
            "union": "đoàn viên, tổ chức đoàn thể",
        }[self.value]

    @property
    def short_label(self) -> str:
        """As it reads after "xếp loại": "xếp loại đảng viên", "xếp loại công chức"."""
        return {"civil_service": "công chức", "party": "đảng viên", "union": "đoàn viên"}[
            self.value
        ]


DEFAULT_RATING_KIND = RatingKind.CIVIL_SERVICE
"""The kind of a rating imported without one, and of every rating stored before kinds existed:
the agency's yearly rating of its staff is the one every office keeps."""
