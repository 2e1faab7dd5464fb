"""Applying simulated units' behaviour to the database during a replay."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from models.calendar import WorkingCalendar
from models.clock import TIMEZONE
from models.orm import Campaign, Milestone, Obligation, Unit
from models.policy import CHASED
from models.services.candidates import record_assessment
from models.services.obligations import accept, submit
from models.services.rows import loaded
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
    # Who acts is decided from plain columns; only the obligations that do are loaded as
    # objects. (The ones a unit never submits stay in this query every simulated day: in a
    # national replay, loading them all with their units each day was the simulation's cost.)
    rows = session.execute(
        select(
            Obligation.id,
            Obligation.status,
            Obligation.submitted_at,
            Obligation.chase_due,
            Obligation.opened_on,
            Obligation.occurrence,
            Obligation.cycle,
            Milestone.code,
            Unit.code,
        )
        .join(Obligation.milestone)
        .join(Obligation.unit)
        .where(
            Obligation.campaign_id == campaign.id,
            or_(
                and_(Obligation.status.in_(CHASED), Obligation.chase_due <= horizon),
                Obligation.status == ObligationStatus.SUBMITTED,
            ),
        )
        .order_by(Obligation.id)
    ).all()
    accepting: dict[int, dt.date] = {}
    submitting: dict[int, tuple[dt.date, str]] = {}
    for oid, status, submitted_at, due, opened_on, occurrence, cycle, milestone, unit in rows:
        if status == ObligationStatus.SUBMITTED:
            assert submitted_at is not None
            day = calendar.add_working_days(submitted_at.date(), behaviour.acceptance_delay)
            if day < before:
                accepting[oid] = day
            continue
        key = f"{campaign.slug}/{milestone}/{unit}/{occurrence}/c{cycle}"
        submits = behaviour.submission_day(key, due, calendar)
        if submits is not None and max(submits, opened_on) < before:
            submitting[oid] = (max(submits, opened_on), unit)
    acting = {
        o.id: o
        for o in loaded(
            session,
            Obligation,
            accepting.keys() | submitting.keys(),
            selectinload(Obligation.candidate),
        )
    }
    submitted = accepted = 0
    for oid in sorted(accepting.keys() | submitting.keys()):  # in id order, as they were read
        o = acting[oid]
        if oid in accepting:
            accept(session, o, at=_at(accepting[oid]), actor="mô phỏng: cơ quan thường trực")
            accepted += 1
            continue
        day, unit = submitting[oid]
        when, who = _at(day), f"mô phỏng: {unit}"
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
