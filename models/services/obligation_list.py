"""A campaign's obligations as a coordinator filters and sorts them: the coordinator page lists
the first few hundred, the export (models/services/exports.py) streams all of them, and both
read the same filter, so the spreadsheet is what the page showed, in full.

Filters are by unit, field, milestone and status; sorting is by a whitelisted column name.
Counts per status (the tabs) follow the other filters. A national campaign's hundreds of
thousands of obligations are read in chunks: only their ids are held at once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from models.calendar import WorkingCalendar
from models.orm import (
    Campaign,
    CampaignField,
    Candidate,
    Milestone,
    Obligation,
    SubmittedDocument,
    Unit,
)
from models.quotas import quota_milestones
from models.services.lookup import require_campaign, require_unit
from models.services.obligations import plan_of
from models.services.subjects import subjects
from models.vocabulary import ObligationStatus

CHUNK = 1000
"""Obligations loaded at once (the session's identity map holds them weakly: a chunk read is
freed once written)."""
STILL_OWED = frozenset({ObligationStatus.OPEN, ObligationStatus.OVERDUE, ObligationStatus.RETURNED})

SORTS: dict[str, tuple[tuple[Any, ...], bool]] = {
    # name: (columns, whether the name's natural order is the columns' descending order)
    "don-vi": ((Unit.name, Unit.code), False),
    "viec": ((Milestone.position, Obligation.occurrence), False),
    "han": ((Obligation.chase_due,), False),
    "qua-han": ((Obligation.chase_due,), True),  # more days overdue = an earlier due date
    "trang-thai": ((Obligation.status,), False),
    "cap-nhat": ((Obligation.status_changed_at,), False),
}
"""The columns a list sorts by; '-name' sorts the other way."""
DEFAULT_SORT = "-cap-nhat"


@dataclass(frozen=True)
class ObligationFilter:
    """What a coordinator asked to see: every value a code already checked (FilterChoices)."""

    status: ObligationStatus | None = None
    unit: str | None = None  # unit code
    field: str | None = None  # campaign field code
    milestone: str | None = None  # milestone code
    sort: str = DEFAULT_SORT

    def without_status(self) -> ObligationFilter:
        return replace(self, status=None)


@dataclass(frozen=True)
class FilterChoices:
    """The values each filter accepts for one campaign, (code, name) in display order."""

    units: list[tuple[str, str]]
    fields: list[tuple[str, str]]
    milestones: list[tuple[str, str]]

    @property
    def sorts(self) -> list[str]:
        return [*SORTS, *(f"-{name}" for name in SORTS)]


@dataclass(frozen=True)
class Listed:
    """One obligation as a list shows it."""

    obligation: Obligation
    line: str  # what it is, by name (models.subjects)
    days_overdue: int | None  # working days past its due date, while still owed
    documents: int


def filter_choices(session: Session, campaign: Campaign) -> FilterChoices:
    """The units that owe something in the campaign, its fields and its milestones."""
    units = session.execute(
        select(Unit.code, Unit.name)
        .where(Unit.id.in_(select(Obligation.unit_id).where(Obligation.campaign_id == campaign.id)))
        .order_by(Unit.name, Unit.code)
    ).all()
    milestones = session.execute(
        select(Milestone.code, Milestone.title)
        .where(Milestone.campaign_id == campaign.id)
        .order_by(Milestone.position)
    ).all()
    return FilterChoices(
        [(c, n) for c, n in units],
        [(f.code, f.name) for f in campaign.fields],
        [(c, t) for c, t in milestones],
    )


def _conditions(session: Session, campaign: Campaign, chosen: ObligationFilter) -> list[Any]:
    where: list[Any] = [Obligation.campaign_id == campaign.id]
    if chosen.status is not None:
        where.append(Obligation.status == chosen.status)
    if chosen.unit is not None:
        where.append(Unit.code == chosen.unit)
    if chosen.milestone is not None:
        where.append(Milestone.code == chosen.milestone)
    if chosen.field is not None:
        field_id = session.scalar(
            select(CampaignField.id).where(
                CampaignField.campaign_id == campaign.id, CampaignField.code == chosen.field
            )
        )
        quotas = [m.id for m, q in quota_milestones(plan_of(campaign)) if q.field == chosen.field]
        where.append(
            or_(
                Obligation.candidate_id.in_(
                    select(Candidate.id).where(Candidate.field_id == field_id)
                ),
                Milestone.code.in_(quotas),
            )
        )
    return where


def _joined(query: Any) -> Any:
    return query.join(Unit, Obligation.unit_id == Unit.id).join(
        Milestone, Obligation.milestone_id == Milestone.id
    )


def status_counts(
    session: Session, campaign: Campaign, chosen: ObligationFilter
) -> dict[ObligationStatus, int]:
    """How many obligations each status tab holds, under the other filters (one query)."""
    where = _conditions(session, campaign, chosen.without_status())
    counted = session.execute(
        _joined(select(Obligation.status, func.count()).select_from(Obligation))
        .where(*where)
        .group_by(Obligation.status)
    )
    found = {ObligationStatus(status): n for status, n in counted}
    return {status: found.get(status, 0) for status in ObligationStatus}


def days_overdue(obligation: Obligation, calendar: WorkingCalendar, as_of: dt.date) -> int | None:
    """Working days past the (chase) due date while the obligation is still owed, else None."""
    if obligation.status not in STILL_OWED or as_of <= obligation.chase_due:
        return None
    return calendar.working_days_between(obligation.chase_due, as_of)


def _ordered_ids(
    session: Session,
    campaign: Campaign,
    chosen: ObligationFilter,
    limit: int | None,
    offset: int = 0,
) -> list[int]:
    name = chosen.sort.removeprefix("-")
    columns, flipped = SORTS.get(name, SORTS[DEFAULT_SORT.removeprefix("-")])
    descending = chosen.sort.startswith("-") != flipped
    order = [c.desc() if descending else c.asc() for c in columns]
    return list(
        session.scalars(
            _joined(select(Obligation.id))
            .where(*_conditions(session, campaign, chosen))
            .order_by(*order, Obligation.id)
            .limit(limit)
            .offset(offset or None)
        )
    )


def listed(
    session: Session,
    campaign: Campaign,
    chosen: ObligationFilter,
    calendar: WorkingCalendar,
    *,
    as_of: dt.date,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[Listed]:
    """The obligations chosen, in the order asked, CHUNK at a time (an export reads them all,
    a page `limit` of them from `offset`)."""
    ids = _ordered_ids(session, campaign, chosen, limit, offset)
    plan = plan_of(campaign)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        loaded = {
            o.id: o
            for o in session.scalars(
                select(Obligation)
                .where(Obligation.id.in_(chunk))
                .options(selectinload(Obligation.unit), selectinload(Obligation.milestone))
            )
        }
        found = [loaded[i] for i in chunk]
        named = subjects(session, found, plan)
        documents = dict(
            session.execute(
                select(SubmittedDocument.obligation_id, func.count())
                .where(SubmittedDocument.obligation_id.in_(chunk))
                .group_by(SubmittedDocument.obligation_id)
            ).all()
        )
        for o in found:
            yield Listed(
                o, named[o.id].line, days_overdue(o, calendar, as_of), documents.get(o.id, 0)
            )


# What `tdkt obligations` prints: every match, with unit names and a count per status.


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
