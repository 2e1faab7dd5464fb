"""Candidates ready for a council's ballot, as several test modules need them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.lifecycle import CandidateStage
from models.orm import Campaign, Candidate, Unit
from models.services.candidates import move, register
from models.vocabulary import SubjectKind


def eligible_individuals(
    session: Session, campaign: Campaign, names: list[str], *, year: int, at: dt.datetime
) -> list[Candidate]:
    """Individuals registered by unit T.A (the small directory) and judged eligible."""
    unit_a = session.scalars(select(Unit).where(Unit.code == "T.A")).one()
    found = []
    for name in names:
        candidate = register(
            session,
            campaign,
            unit=unit_a,
            subject=SubjectKind.INDIVIDUAL,
            name=name,
            subject_ref=name,
            year=year,
            at=at,
            actor="test",
        )
        for stage in (CandidateStage.FOSTERING, CandidateStage.ELIGIBLE):
            move(session, candidate, stage, at=at, actor="test")
        found.append(candidate)
    session.flush()
    return found
