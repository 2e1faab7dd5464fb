"""Re-escalation of long-overdue items decays (issue 20): weekly for a month after the last
level, monthly up to `months` months, then never again by email (models.policy.repeat_days)."""

from __future__ import annotations

import datetime as dt

import pytest

from models.calendar import default_calendar
from models.plan import Escalation, ReminderPolicy, RepeatPolicy
from models.policy import chain, escalation_recipient, is_repeat, repeat_days, step_due
from models.vocabulary import ContactRole

D = dt.date


def test_the_default_schedule_is_weekly_for_a_month_then_monthly_for_six_months() -> None:
    calendar = default_calendar()
    steps = chain(ReminderPolicy(), D(2022, 10, 31), calendar)
    steps = [s for s in steps if s.kind == "escalation"]
    assert [(s.name, s.day) for s in steps] == [
        ("escalation-1", D(2022, 11, 1)),
        ("escalation-2", D(2022, 11, 7)),
        ("escalation-3", D(2022, 11, 14)),  # the last level: the council chair
        ("escalation-4", D(2022, 11, 21)),  # weekly, four times
        ("escalation-5", D(2022, 11, 28)),
        ("escalation-6", D(2022, 12, 5)),
        ("escalation-7", D(2022, 12, 12)),
        ("escalation-8", D(2023, 1, 16)),  # monthly: 14/01/2023 is a Saturday
        ("escalation-9", D(2023, 2, 14)),
        ("escalation-10", D(2023, 3, 14)),
        ("escalation-11", D(2023, 4, 14)),
        ("escalation-12", D(2023, 5, 15)),  # six months after the last level; then none
    ]
    assert {s.to for s in steps[3:]} == {ContactRole.STANDING_BODY}
    assert all(calendar.is_working_day(s.day) for s in steps)


def test_an_item_late_for_years_is_escalated_a_bounded_number_of_times() -> None:
    calendar = default_calendar()
    steps = chain(ReminderPolicy(), D(2022, 10, 31), calendar)
    escalated = {
        step.name
        for day in (D(2022, 10, 31) + dt.timedelta(days=n) for n in range(3 * 365))
        if (step := step_due(steps, D(2022, 10, 1), day)) and step.kind == "escalation"
    }
    assert len(escalated) == 12  # 3 levels + 4 weekly + 5 monthly, not 150 weekly listings


@pytest.mark.parametrize(
    ("weekly", "months", "expected"),
    [(0, 0, 0), (4, 0, 4), (0, 3, 3), (2, 12, 2 + 12), (8, 2, 8)],
)
def test_repeats_follow_the_plans_settings(weekly: int, months: int, expected: int) -> None:
    calendar = default_calendar()
    last = D(2024, 3, 4)
    days = repeat_days(RepeatPolicy(weekly=weekly, months=months), last, calendar)
    assert len(days) == expected
    assert days == sorted(set(days)) and all(d > last for d in days)
    gaps = [calendar.working_days_between(a, b) for a, b in zip([last, *days], days, strict=False)]
    assert all(g >= 5 for g in gaps)  # never closer than a week


def test_month_ends_and_days_off_are_respected() -> None:
    calendar = default_calendar()
    days = repeat_days(RepeatPolicy(weekly=0, months=3), D(2024, 1, 31), calendar)
    # 29/02/2024 (a leap year); 31/03 is a Sunday: 01/04; 30/04 and 01/05 are holidays,
    # so the next working day.
    assert days[0] == D(2024, 2, 29)
    assert days[1] == calendar.effective_due(D(2024, 3, 31)) == D(2024, 4, 1)
    assert days[2] == calendar.effective_due(D(2024, 4, 30))
    assert calendar.is_working_day(days[2]) and days[2] > D(2024, 5, 1)


def test_repeats_go_to_their_own_recipient_and_say_they_repeat() -> None:
    policy = ReminderPolicy(
        escalations=[Escalation(after_working_days=2, to=ContactRole.HEAD)],
        repeat=RepeatPolicy(weekly=1, months=0, to="superior"),
    )
    steps = [s for s in chain(policy, D(2024, 3, 4), default_calendar()) if s.kind == "escalation"]
    assert [(s.name, s.to, s.level) for s in steps] == [
        ("escalation-1", ContactRole.HEAD, 1),
        ("escalation-2", "superior", 2),
    ]
    assert escalation_recipient(policy, 1) == ContactRole.HEAD
    assert escalation_recipient(policy, 2) == "superior" and is_repeat(policy, 2)
    assert not is_repeat(policy, 1)


def test_a_policy_without_escalations_has_no_repeats() -> None:
    steps = chain(ReminderPolicy(escalations=[]), D(2024, 3, 4), default_calendar())
    assert [s.kind for s in steps] == ["reminder", "reminder", "due"]
