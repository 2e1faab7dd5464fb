"""Opening obligations remembers how far it went, and looks again in full when the plan, the
directory or the calendar changes (models.services.openings)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select

from models.calendar import default_calendar
from models.db import unit_of_work
from models.orm import Obligation, Opening, Unit
from models.partitions import SHARDS, WHOLE, Partition
from models.services.obligations import open_obligations
from models.services.plans import campaign_by_slug
from models.vocabulary import UnitKind
from tests.chase_helpers import SMALL, load_small, morning

D = dt.date


def _open(day: dt.date, partition: Partition | None = None) -> int:
    with unit_of_work() as session:
        campaign = campaign_by_slug(session, SMALL)
        return open_obligations(
            session,
            campaign,
            default_calendar(),
            until=day + dt.timedelta(days=45),
            at=morning(day),
            partition=partition or WHOLE,
        ).obligations


def _obligations() -> set[tuple[int, int, str]]:
    with unit_of_work() as session:
        return {
            (m, u, o)
            for m, u, o in session.execute(
                select(Obligation.milestone_id, Obligation.unit_id, Obligation.occurrence)
            )
        }


def _memo() -> dict[int, tuple[dt.date, str]]:
    with unit_of_work() as session:
        return {o.shard: (o.opened_until, o.stamp) for o in session.scalars(select(Opening))}


def test_every_bucket_remembers_how_far_it_was_opened() -> None:
    load_small()
    assert _open(D(2023, 2, 1)) > 0
    memo = _memo()
    assert sorted(memo) == list(range(SHARDS))
    assert {until for until, _ in memo.values()} == {D(2023, 3, 18)}
    assert _open(D(2023, 2, 2)) == 0  # nothing new falls due: nothing to open
    assert {until for until, _ in _memo().values()} == {D(2023, 3, 19)}
    assert _open(D(2023, 1, 1)) == 0  # a replay of an earlier morning keeps the later day
    assert {until for until, _ in _memo().values()} == {D(2023, 3, 19)}


def test_a_unit_taking_over_owes_what_fell_due_before_it_came() -> None:
    """The directory changes (Sở B merged into a new Sở C): the stamp changes, and the next
    morning checks every occurrence again, so Sở C owes the past occurrences the plan charged
    Sở B with, as it would have on a first sweep."""
    load_small()
    _open(D(2023, 6, 1))
    before = _memo()
    with unit_of_work() as session:
        province = session.scalars(select(Unit).where(Unit.code == "T")).one()
        merged = Unit(code="T.C", name="Sở C", kind=UnitKind.DEPARTMENT, parent=province)
        session.add(merged)
        session.scalars(select(Unit).where(Unit.code == "T.B")).one().successor = merged
    opened = _open(D(2023, 6, 2))
    with unit_of_work() as session:
        new_id = session.scalars(select(Unit.id).where(Unit.code == "T.C")).one()
        theirs = session.scalar(
            select(func.count()).select_from(Obligation).where(Obligation.unit_id == new_id)
        )
    assert opened == theirs == 1  # the plan's one occurrence, due 01/03/2023, long past
    assert {stamp for _, stamp in _memo().values()} != {stamp for _, stamp in before.values()}


def test_remembering_skips_nothing_a_full_check_would_open() -> None:
    """Morning after morning with the memo, then a full check (the memo forgotten): the full
    check finds nothing missing. In two partitions, each bucket remembers its own."""
    load_small()
    day = D(2023, 1, 2)
    while day < D(2023, 12, 31):
        for index in (1, 0):
            _open(day, Partition(index, 2))
        day += dt.timedelta(days=9)
    opened = _obligations()
    assert opened
    with unit_of_work() as session:
        session.execute(delete(Opening))
    assert _open(day - dt.timedelta(days=9)) == 0
    assert _obligations() == opened
