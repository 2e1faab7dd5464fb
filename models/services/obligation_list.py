"""The obligations of one campaign as `tdkt obligations` lists them: with unit names, and the
count per status over everything that matched (the listing itself may be cut short)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Milestone, Obligation, Unit
from models.services.lookup import require_campaign, require_unit
from models.vocabulary import ObligationStatus


@dataclass(frozen=True)
class ObligationLine:
    """One obligation, ready to print."""

    milestone: str
    occurrence: str
    unit_code: str
    unit_name: str
    due: dt.date
    status: ObligationStatus


def list_obligations(
    session: Session,
    campaign_slug: str,
    *,
    status: ObligationStatus | None = None,
    unit_code: str | None = None,
) -> list[ObligationLine]:
    """The campaign's obligations by due date then unit; an unknown campaign or unit raises
    UnknownId (with the nearest id) rather than reading as "nothing owed"."""
    campaign = require_campaign(session, campaign_slug)
    query = (
        select(Obligation, Milestone.code, Unit.code, Unit.name)
        .join(Obligation.milestone)
        .join(Obligation.unit)
        .where(Milestone.campaign_id == campaign.id)
        .order_by(Obligation.due, Unit.code)
    )
    if unit_code is not None:
        query = query.where(Unit.id == require_unit(session, unit_code).id)
    if status is not None:
        query = query.where(Obligation.status == status)
    return [
        ObligationLine(m_code, o.occurrence, u_code, u_name, o.chase_due, o.status)
        for o, m_code, u_code, u_name in session.execute(query)
    ]


def count_by_status(lines: list[ObligationLine]) -> dict[ObligationStatus, int]:
    """How many lines are in each status, in the vocabulary's order (zeros left out)."""
    counts = Counter(line.status for line in lines)
    return {s: counts[s] for s in ObligationStatus if counts[s]}
