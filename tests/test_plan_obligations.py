"""Nothing is chased that the plan does not state (issue 19, item 6).

Each test quotes the seed's own sentence: what the plan says is owed, to whom and when; what the
software adds (the quota checkpoint) is labelled as the coordinator's setting and can be turned
off; occasions are not moved as time limits; one obligation per occurrence.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.calendar import default_calendar
from models.plan import Plan
from models.plan_files import read_plan
from models.quotas import DEFAULT_QUOTA_DEADLINE, chased_milestones, quota_milestones
from models.schedule import ScheduledMilestone, schedule, schedule_milestone
from notifications.render import COORDINATOR_SETTING, view
from tests.conftest import PLANS, QB_PLAN, ROOT

D = dt.date
CAL = default_calendar()
PARTY = ROOT / "plans" / "cong-thuong-party-2023-2025.yaml"
CITY = ROOT / "plans" / "nam-dinh-city-2022-2025.yaml"
KHANH_HOA = ROOT / "plans" / "khanh-hoa-stnmt-2021-2025.yaml"


def _scheduled(plan: Plan, milestone_id: str) -> ScheduledMilestone:
    return next(s for s in schedule(plan, CAL) if s.milestone.id == milestone_id)


# --- Quảng Bình (seed 003) ---------------------------------------------------------------------


def test_quang_binh_mentors_owe_the_standing_body_nothing() -> None:
    """Seed 003, III.1.2: "Tăng cường công tác chỉ đạo, bồi dưỡng xây dựng điển hình; quan tâm
    theo dõi, kịp thời phát hiện những mô hình mới". No report, period or recipient is set: no
    mentor owes Sở Nội vụ a yearly report."""
    plan = read_plan(QB_PLAN)
    assert not [m.id for m in chased_milestones(plan) if m.responsible.mentors]


def test_quang_binh_year_end_honouring_is_not_owed_to_the_standing_body() -> None:
    """Seed 003, III.1.2: "Hằng năm, trên cơ sở đăng ký các mô hình, gương điển hình tiên tiến,
    các cơ quan, đơn vị, địa phương xem xét biểu dương, khen thưởng vào dịp tổng kết năm". Each
    unit honours its own at its year-end review: nothing falls due to Sở Nội vụ on 31/12."""
    plan = read_plan(QB_PLAN)
    assert not [m.id for m in plan.milestones if m.clause == "III.1.2"]
    year_ends = [
        (s.milestone.id, d.due)
        for s in schedule(plan, CAL, quotas=False)
        for d in s.dues
        if (d.due.month, d.due.day) == (12, 31) and s.milestone.to == plan.standing_body
    ]
    # What remains on 31/12 is IV.2, which the plan writes: "Trưởng cụm, khối thi đua, hàng năm
    # triển khai Kế hoạch này trong hoạt động chung của cụm, khối."
    assert {milestone for milestone, _ in year_ends} == {"cluster-deployment"}


# --- Đảng ủy Sở Công Thương (seed 004) ---------------------------------------------------------


def test_the_19_5_meeting_is_an_occasion_and_stays_on_its_day() -> None:
    """Seed 004, II.5: "Định kỳ hằng năm vào dịp 19/5, Đảng ủy Sở, cấp ủy chi bộ trực thuộc tổ
    chức gặp mặt, giao lưu điển hình tiên tiến". 19/5/2024 is a Sunday: the meeting is on the
    anniversary, not moved to Monday 20/05/2024 as a time limit would be (BLDS art. 148)."""
    meeting = _scheduled(read_plan(PARTY), "gap-mat-bieu-duong-19-5")
    assert meeting.rule == "occasion"
    dues = {d.due.year: d for d in meeting.dues}
    assert CAL.is_day_off(D(2024, 5, 19))
    assert (dues[2024].due, dues[2024].effective_due) == (D(2024, 5, 19), D(2024, 5, 19))
    assert dues[2024].moved_because is None
    assert all(d.effective_due == d.due for d in meeting.dues)


def test_proposals_from_the_19_5_meeting_are_not_due_on_the_ceremony_day() -> None:
    """Seed 004, II.5: "... kết hợp biểu dương tập thể, cá nhân điển hình trong học tập và làm theo
    Bác; lựa chọn, giới thiệu gương điển hình tiêu biểu đề nghị các cấp có thẩm quyền khen
    thưởng." The plan sets no time for the proposals: they await the coordinator's date."""
    plan = read_plan(PARTY)
    for milestone_id in ("de-nghi-khen-thuong-chi-bo-19-5", "de-nghi-khen-thuong-dang-uy-so-19-5"):
        proposal = _scheduled(plan, milestone_id)
        assert proposal.awaiting_date and proposal.milestone.phrase is None, milestone_id


def test_a_coordinator_sets_the_proposals_date_as_their_own_setting() -> None:
    """The lead time a coordinator gives the 19/5 proposals is labelled as theirs, and is a time
    limit (moved off days off), unlike the meeting."""
    plan = read_plan(PARTY)
    milestone = next(m for m in plan.milestones if m.id == "de-nghi-khen-thuong-chi-bo-19-5")
    set_one = milestone.model_copy(update={"coordinator_phrase": "ngày 9/6 hằng năm"})
    scheduled = schedule_milestone(plan, set_one, CAL)
    assert scheduled.rule == "set_by_coordinator" and set_one.set_by_coordinator
    by_year = {d.due.year: d for d in scheduled.dues}
    assert by_year[2024].effective_due == D(2024, 6, 10)  # 9/6/2024 is a Sunday


def test_monthly_quarterly_yearly_assessment_is_one_obligation_a_day() -> None:
    """Seed 004, II.4: "Định kỳ hằng tháng, quý, năm đánh giá tiến độ, tính hiệu quả, khả năng
    phát triển của từng điển hình". On 31/12 a mentor owes one assessment, the year's."""
    assessment = _scheduled(read_plan(PARTY), "danh-gia-dinh-ky")
    days = [d.due for d in assessment.dues]
    assert len(days) == len(set(days))
    year_end = [d for d in assessment.dues if d.due == D(2024, 12, 31)]
    assert [(d.occurrence, d.label) for d in year_end] == [("2024", "năm 2024")]
    quarter_end = [d.occurrence for d in assessment.dues if d.due == D(2024, 9, 30)]
    assert quarter_end == ["2024-Q3"]


# --- TP Nam Định (seed 001) and Sở TN&MT Khánh Hòa (seed 002) -----------------------------------


def test_nam_dinh_budget_estimate_awaits_a_date_and_goes_to_the_city() -> None:
    """Seed 001, V: "Hàng năm, ... các cơ quan, đơn vị, địa phương có trách nhiệm lập dự toán kinh
    phí thực hiện Kế hoạch và tổng hợp chung vào dự toán của cơ quan, đơn vị, địa phương mình để
    trình cấp có thẩm quyền bố trí kinh phí"; VI.5: Phòng Tài chính - Kế hoạch "Hướng dẫn các cơ
    quan, đơn vị, địa phương dự toán kinh phí" (it guides; it is not owed the estimate)."""
    plan = read_plan(CITY)
    budget = _scheduled(plan, "du-toan-kinh-phi-hang-nam")
    assert budget.awaiting_date and budget.dues == ()
    assert budget.milestone.to == "ND.TPND"  # the city, not Phòng Tài chính - Kế hoạch


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_no_recipient_of_the_document_becomes_a_milestone(path: Path) -> None:
    """Seed 002, "Nơi nhận: - Bộ TNMT (B/cáo); - Sở Nội vụ (B/cáo); - Sở TNMT Phú Yên (Cụm trưởng
    Cụm Thi đua số V – Bộ TNMT); - Các Sở Khối thi đua QLNN 2; ...": the list of who receives the
    document, not obligations to send it (seed 004's list is read the same way)."""
    plan = read_plan(path)
    assert not [m.id for m in plan.milestones if (m.clause or "").startswith("Nơi nhận")]


def test_khanh_hoa_keeps_what_section_iii_assigns() -> None:
    """Seed 002, III.2: "Đăng ký xây dựng điển hình tiên tiến giai đoạn 2021-2025, gửi về Văn phòng
    Sở tổng hợp báo cáo Bộ Tài nguyên và Môi trường." Section III's duties stay, undated."""
    plan = read_plan(KHANH_HOA)
    ids = [m.id for m in plan.milestones]
    assert "dang-ky-dien-hinh-2021-2025" in ids and not any("gui-ke-hoach" in i for i in ids)
    assert all(m.awaiting_date for m in plan.milestones)


# --- The quota checkpoint: the coordinator's setting -------------------------------------------


def test_the_quota_checkpoint_is_the_coordinators_setting_not_the_plans_words() -> None:
    """Seed 003, II.3.2.a: "Sở Lao động - Thương binh và Xã hội chủ trì, ... mỗi năm lựa chọn ít
    nhất 10 hộ gia đình". The plan sets a number a year, no date: the 30/11 checkpoint is the
    software's default, carried as the coordinator's phrase, never as the plan's."""
    plan = read_plan(QB_PLAN)
    added = quota_milestones(plan)
    assert added
    for milestone, quota in added:
        assert milestone.phrase is None
        assert milestone.coordinator_phrase == DEFAULT_QUOTA_DEADLINE
        assert milestone.quote == quota.quote
        assert schedule_milestone(plan, milestone, CAL).rule == "set_by_coordinator"


def test_the_quota_checkpoint_can_be_turned_off_per_plan_and_per_quota() -> None:
    """A plan file says `settings: {quota_checkpoint: false}`, or `checkpoint: false` on one
    quota: its quotas are then only reported."""
    plan = read_plan(QB_PLAN)
    off = Plan.model_validate(
        {**plan.model_dump(by_alias=True), "settings": {"quota_checkpoint": "off"}}
    )
    assert quota_milestones(off) == []
    assert not [m for m in chased_milestones(off) if m.id.startswith("quota-")]
    data = plan.model_dump(by_alias=True)
    data["quotas"][0]["checkpoint"] = False
    one_off = Plan.model_validate(data)
    assert len(quota_milestones(one_off)) == len(quota_milestones(plan)) - 1


def test_plan_show_labels_the_checkpoint_as_the_coordinators(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from deployments.cli.common import console
    from deployments.cli.plan import print_quotas

    # The shared console reads COLUMNS on every print; setting its width would pin it for the
    # tests that follow.
    monkeypatch.setenv("COLUMNS", "400")
    with console.capture() as captured:
        print_quotas(read_plan(QB_PLAN))
    text = captured.get()
    assert "điều phối viên đặt; kế hoạch không ghi" in text
    assert "“ngày 30/11" not in text


def test_an_email_says_the_coordinator_set_the_date() -> None:
    from notifications.render import render
    from tests.test_notifications import DAY, content, item

    plan_words = view(item(), DAY)
    assert plan_words.setting == "" and plan_words.phrase
    checkpoint = view(item(phrase=None, set_by_coordinator=True), DAY)
    assert checkpoint.setting == COORDINATOR_SETTING and checkpoint.phrase == ""
    email = render(content(item(phrase=None, set_by_coordinator=True)))
    assert f"Lưu ý: {COORDINATOR_SETTING}" in email.text and COORDINATOR_SETTING in email.html
    assert COORDINATOR_SETTING not in render(content(item())).text


def test_a_plan_file_sets_a_coordinators_phrase_and_refuses_two_deadlines(tmp_path: Path) -> None:
    """A coordinator writes the date the plan leaves open in the plan file; one deadline each."""
    from models.plan_files import instantiate
    from models.source import InputErrors

    text = PARTY.read_text(encoding="utf-8")
    anchor = "  - id: de-nghi-khen-thuong-chi-bo-19-5\n"
    assert anchor in text
    path = tmp_path / "set.yaml"
    path.write_text(
        text.replace(anchor, anchor + "    coordinator_phrase: ngày 9/6 hằng năm\n"),
        encoding="utf-8",
    )
    proposal = _scheduled(read_plan(path), "de-nghi-khen-thuong-chi-bo-19-5")
    assert proposal.rule == "set_by_coordinator" and not proposal.awaiting_date
    assert "coordinator_phrase: ngày 9/6 hằng năm" in instantiate(path, 2026, 2028)
    both = tmp_path / "both.yaml"
    both.write_text(
        text.replace(
            anchor,
            anchor + "    coordinator_phrase: ngày 9/6 hằng năm\n    phrase: ngày 10/6 hằng năm\n",
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputErrors, match="coordinator_phrase"):
        read_plan(both)
