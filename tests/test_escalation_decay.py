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
    """Weekly on Mondays, monthly on the 1st: the same days for every item, so a standing
    body's many late items are repeated together, in one digest."""
    calendar = default_calendar()
    steps = chain(ReminderPolicy(), D(2022, 10, 31), calendar)
    steps = [s for s in steps if s.kind == "escalation"]
    assert [(s.name, s.day) for s in steps] == [
        ("escalation-1", D(2022, 11, 1)),
        ("escalation-2", D(2022, 11, 7)),
        ("escalation-3", D(2022, 11, 14)),  # the last level: the council chair
        ("escalation-4", D(2022, 11, 21)),  # weekly on Mondays, four times
        ("escalation-5", D(2022, 11, 28)),
        ("escalation-6", D(2022, 12, 5)),
        ("escalation-7", D(2022, 12, 12)),
        ("escalation-8", D(2023, 1, 3)),  # monthly, on the 1st: 01/01 and 02/01 are days off
        ("escalation-9", D(2023, 2, 1)),
        ("escalation-10", D(2023, 3, 1)),
        ("escalation-11", D(2023, 4, 3)),  # 01/04/2023 is a Saturday
        ("escalation-12", D(2023, 5, 4)),  # 01/05 is a holiday, and so on; then none
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
    # (8, 2): months 1 and 2 fall within the weekly repeats, which stand for them.
    assert len(days) == expected
    assert days == sorted(set(days)) and all(d > last for d in days)
    assert all(calendar.is_working_day(d) for d in days)


def test_repeats_fall_on_mondays_and_first_days_moved_off_days_off() -> None:
    calendar = default_calendar()
    last = D(2024, 1, 31)  # a Wednesday
    days = repeat_days(RepeatPolicy(weekly=2, months=4), last, calendar)
    # Mondays: 12/02/2024 falls in Tết (08-14/02), so Thursday 15/02; then 19/02.
    assert days[:2] == [D(2024, 2, 15), D(2024, 2, 19)]
    assert days[2:] == [D(2024, 3, 1), D(2024, 4, 1), D(2024, 5, 2)]  # 30/04, 01/05 off
    assert all(calendar.is_working_day(d) for d in days)
    same = repeat_days(RepeatPolicy(), D(2024, 2, 1), calendar)
    assert {D(2024, 4, 1), D(2024, 5, 2)} <= set(same)  # items late since other days: together


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


def test_a_year_overdue_item_is_escalated_on_a_decaying_schedule_day_after_day(
    data_dir: object,
) -> None:
    """Sở A never sends its plan, due 28/02/2023; Sở B is late every week, so the standing
    body hears of an overdue unit every week. Swept every morning for a year (the tasks the
    daily flow runs, without a server), Sở A's item is listed on at most 5 + 12 days (the
    levels, weekly for a month, then monthly), not every week; a second pass writes nothing."""
    from email import message_from_bytes, policy

    from sqlalchemy import func, select

    from models.clock import now
    from models.db import unit_of_work
    from models.orm import Email
    from models.services.directory import import_directory_file
    from models.services.plans import load_plan_file
    from tasks.chasing import prepare_day
    from tests.chase_helpers import days, morning
    from tests.conftest import ROOT, SMALL_DIRECTORY

    with unit_of_work() as session:
        import_directory_file(session, SMALL_DIRECTORY, at=now(), actor="test")
        load_plan_file(
            session, ROOT / "tests/data/decay-plan.yaml", default_calendar(), at=now(), actor="test"
        )
    for day in days(D(2023, 2, 1), D(2024, 2, 29)):
        prepare_day.fn("decay-2023-2024", morning(day))
    with unit_of_work() as session:
        emails = session.scalars(select(Email).where(Email.kind == "escalation")).all()
        texts = [
            (e.day, e.recipient_email, message_from_bytes(e.mime, policy=policy.default))
            for e in emails
        ]
    listed = {
        day
        for day, _, message in texts
        if "Sở A" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    }
    to_standing_body = {day for day, to, _ in texts if to == "snv@t.example"}
    assert len(to_standing_body) > 40  # the standing body heard of Sở B every week
    assert 10 <= len(listed) <= 5 + 12, sorted(listed)
    # The last level was on 14/03/2023; the last repeat six months after it at most (the 1st
    # of September, moved off the National Day holiday); then never again.
    assert D(2023, 8, 1) <= max(listed) <= D(2023, 9, 14)
    for day in days(D(2024, 1, 2), D(2024, 2, 29)):
        prepare_day.fn("decay-2023-2024", morning(day))
    with unit_of_work() as session:  # idempotent: a second pass writes no email
        assert session.scalar(
            select(func.count()).select_from(Email).where(Email.kind == "escalation")
        ) == len(emails)
