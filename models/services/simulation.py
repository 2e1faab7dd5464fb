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
from models.services.obligations import StatusChange, change_statuses
from models.services.rows import loaded
from models.simulation import UnitBehaviour
from models.vocabulary import ObligationStatus

SUBMISSION_TIME = dt.time(16, 0)
ACCEPTED_BY = "mô phỏng: cơ quan thường trực"


def simulate_units(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    behaviour: UnitBehaviour,
    *,
    before: dt.date,
    since: dt.date | None = None,
) -> tuple[int, int]:
    """Submit what the simulated units would have submitted before a day; accept after a delay.

    `since` is the `before` of the previous call in the same replay (None on its first day).
    Returns (submitted, accepted).
    """
    # A unit submits at the earliest behaviour.earliest working days before its due date, so
    # obligations due later than this cannot have been submitted yet: not worth loading.
    horizon = calendar.latest_start(behaviour.earliest, before)
    # Who acts is decided from plain columns; only the obligations that do are loaded as
    # objects. (The ones a unit never submits stay in this query every simulated day: in a
    # national replay, loading them all with their units each day was the simulation's cost.)
    chased = and_(Obligation.status.in_(CHASED), Obligation.chase_due <= horizon)
    if since is not None:
        # An obligation still chased whose latest submission day fell before `since`, and
        # that was open then, was looked at on the previous call: its unit never submits.
        # Those are a sixth of all obligations by the campaign's end; not worth reading daily.
        chased = and_(
            chased,
            or_(
                Obligation.chase_due > calendar.latest_start(behaviour.latest, since),
                Obligation.opened_on >= since,
            ),
        )
    # The standing body accepts behaviour.acceptance_delay working days after the submission:
    # what was submitted later than this waits for a later day.
    last_accepted = calendar.latest_start(behaviour.acceptance_delay, before)
    acceptable = Obligation.submitted_at < _at(last_accepted + dt.timedelta(days=1), dt.time())
    rows = session.execute(
        select(
            Obligation.id,
            Obligation.status,
            Obligation.submitted_at,
            Obligation.chase_due,
            Obligation.opened_on,
            Obligation.occurrence,
            Obligation.cycle,
            Obligation.candidate_id,
            Milestone.code,
            Unit.code,
        )
        .join(Obligation.milestone)
        .join(Obligation.unit)
        .where(
            Obligation.campaign_id == campaign.id,
            or_(chased, and_(Obligation.status == ObligationStatus.SUBMITTED, acceptable)),
        )
        .order_by(Obligation.id)
    ).all()
    changes: list[StatusChange] = []  # in id order, as they were read
    assessments: dict[int, tuple[dt.datetime, str]] = {}  # a mentor's: settled by the report
    for oid, status, submitted_at, due, opened_on, occurrence, cycle, candidate, *codes in rows:
        milestone, unit = codes
        if status == ObligationStatus.SUBMITTED:
            assert submitted_at is not None
            day = calendar.add_working_days(submitted_at.date(), behaviour.acceptance_delay)
            if day < before:
                changes.append(
                    StatusChange(oid, status, ObligationStatus.ACCEPTED, _at(day), ACCEPTED_BY)
                )
            continue
        key = f"{campaign.slug}/{milestone}/{unit}/{occurrence}/c{cycle}"
        submits = behaviour.submission_day(key, due, calendar)
        if submits is None or (day := max(submits, opened_on)) >= before:
            continue
        if candidate is not None:
            assessments[oid] = (_at(day), f"mô phỏng: {unit}")
        else:
            changes.append(
                StatusChange(oid, status, ObligationStatus.SUBMITTED, _at(day), f"mô phỏng: {unit}")
            )
    # The units' submissions and the standing body's acceptances in one UPDATE, from the
    # columns read above; only the mentors' assessments need their candidate as an object.
    change_statuses(session, changes)
    for o in loaded(session, Obligation, assessments, selectinload(Obligation.candidate)):
        when, who = assessments[o.id]
        assert o.candidate is not None
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
    accepted = sum(c.target == ObligationStatus.ACCEPTED for c in changes)
    return len(changes) - accepted + len(assessments), accepted


def _at(day: dt.date, time: dt.time = SUBMISSION_TIME) -> dt.datetime:
    return dt.datetime.combine(day, time, TIMEZONE)
