"""Applying simulated units' behaviour to the database during a replay."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from models.calendar import WorkingCalendar
from models.clock import TIMEZONE
from models.orm import Campaign, Obligation
from models.policy import CHASED
from models.services.candidates import record_assessment
from models.services.obligations import accept, submit
from models.simulation import UnitBehaviour
from models.vocabulary import ObligationStatus

SUBMISSION_TIME = dt.time(16, 0)


def simulate_units(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    behaviour: UnitBehaviour,
    *,
    before: dt.date,
) -> tuple[int, int]:
    """Submit what the simulated units would have submitted before a day; accept after a delay.

    Returns (submitted, accepted).
    """
    # A unit submits at the earliest behaviour.earliest working days before its due date, so
    # obligations due later than this cannot have been submitted yet: not worth loading.
    horizon = before + dt.timedelta(days=-behaviour.earliest * 3 + 14)
    obligations = session.scalars(
        select(Obligation)
        .where(
            Obligation.campaign_id == campaign.id,
            or_(
                and_(Obligation.status.in_(CHASED), Obligation.chase_due <= horizon),
                Obligation.status == ObligationStatus.SUBMITTED,
            ),
        )
        .options(selectinload(Obligation.unit), selectinload(Obligation.milestone))
    ).all()
    submitted = accepted = 0
    for o in obligations:
        if o.status == ObligationStatus.SUBMITTED:
            assert o.submitted_at is not None
            if (
                calendar.add_working_days(o.submitted_at.date(), behaviour.acceptance_delay)
                < before
            ):
                accept(
                    session,
                    o,
                    at=_at(
                        calendar.add_working_days(o.submitted_at.date(), behaviour.acceptance_delay)
                    ),
                    actor="mô phỏng: cơ quan thường trực",
                )
                accepted += 1
            continue
        key = f"{campaign.slug}/{o.milestone.code}/{o.unit.code}/{o.occurrence}/c{o.cycle}"
        day = behaviour.submission_day(key, o.chase_due, calendar)
        if day is not None and max(day, o.opened_on) < before:
            when, who = _at(max(day, o.opened_on)), f"mô phỏng: {o.unit.code}"
            if o.candidate is not None:  # a mentor's assessment settles its own obligation
                record_assessment(
                    session,
                    o.candidate,
                    period=o.occurrence.split("/")[0],
                    progress="Duy trì và phát huy tốt mô hình",
                    difficulties=None,
                    support="Tập huấn, hướng dẫn hồ sơ",
                    at=when,
                    actor=who,
                )
            else:
                submit(session, o, at=when, actor=who)
            submitted += 1
    return submitted, accepted


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, SUBMISSION_TIME, TIMEZONE)
