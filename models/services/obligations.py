"""Opening obligations, and moving them through their statuses with an audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, or_, select, tuple_
from sqlalchemy.orm import Session, selectinload

from models.addressing import owes
from models.calendar import WorkingCalendar
from models.lengths import check_length
from models.orm import (
    Campaign,
    Candidate,
    Cluster,
    ClusterMember,
    Contact,
    Milestone,
    Obligation,
    Unit,
)
from models.partitions import WHOLE, Partition
from models.plan import Milestone as PlanMilestone
from models.plan import Plan, Responsible
from models.policy import CHASED, ChainStep, chase_due_after_return, check_transition
from models.quotas import chased_milestones
from models.schedule import Due, schedule_milestone
from models.services.audit import record
from models.services.due_steps import NEVER, UNKNOWN, chain_of, first_step_from
from models.services.openings import opened_until, opening_stamp, remember_opened
from models.services.partitions import in_id_partition
from models.services.rows import insert_rows, update_rows
from models.vocabulary import MilestoneKind, ObligationStatus


def plan_of(campaign: Campaign) -> Plan:
    """The campaign's plan as loaded (validated again: the JSON column is only storage)."""
    return Plan.model_validate(campaign.plan)


class Directory:
    """The units as one campaign's selectors see them, loaded once per sweep, on first use.

    A national sweep asks it about 20,000 units for each of some thirty milestones: who took
    over a merged unit and which units lie under the issuer are worked out once per unit and
    root (the directory does not change within a sweep), and what makes a unit owe a
    milestone once per milestone (`owing`)."""

    def __init__(self, session: Session):
        self.session = session
        self._acting: dict[int, Unit] = {}
        self._under: dict[int, tuple[Unit, ...]] = {}
        self._selected: dict[tuple[int, str], list[Unit]] = {}

    # The units are loaded as objects on first use, not when the directory is made: a morning
    # with nothing new to open needs only its digest, from plain columns.

    @cached_property
    def units(self) -> dict[int, Unit]:
        return {u.id: u for u in self.session.scalars(select(Unit))}

    @cached_property
    def by_code(self) -> dict[str, Unit]:
        return {u.code: u for u in self.units.values()}

    @cached_property
    def children(self) -> dict[int, list[Unit]]:
        found: dict[int, list[Unit]] = defaultdict(list)
        for unit in self.units.values():
            if unit.parent_id is not None:
                found[unit.parent_id].append(unit)
        return found

    @cached_property
    def clusters(self) -> list[Cluster]:
        return list(self.session.scalars(select(Cluster).options(selectinload(Cluster.members))))

    @cached_property
    def digest(self) -> str:
        """A digest of what the selectors read (units, their kinds, parents and successors,
        clusters and their members): equal digests, the same units owe the same milestones
        (models.services.openings). Each table's rows are joined into one string by the
        database (read every morning: twenty thousand units as rows cost 27 s of a national
        replay); should it ever join them in another order, the digest differs and the next
        opening checks everything once, which is what it does after a change."""
        found = hashlib.sha256()
        for columns in (
            (Unit.id, Unit.code, Unit.kind, Unit.parent_id, Unit.successor_id),
            (Cluster.id, Cluster.leader_id),
            (ClusterMember.cluster_id, ClusterMember.unit_id),
        ):
            first, *rest = (func.coalesce(cast(c, String), "-") for c in columns)
            line: ColumnElement[str] = first
            for part in rest:
                line = line + "|" + part
            rows = select(line.label("line")).order_by(*columns).subquery()
            joined = self.session.scalar(select(func.aggregate_strings(rows.c.line, ";")))
            found.update(f"{joined or ''}#".encode())
        return found.hexdigest()

    def current(self, unit: Unit) -> Unit:
        """The unit, or whoever took over its work after a merger (every unit is loaded, so
        following the successors reads no row)."""
        found = self._acting.get(unit.id)
        if found is None:
            found = self._acting[unit.id] = unit.acting()
        return found

    def owes(self, unit: Unit, milestone: PlanMilestone, standing_body: Unit | None = None) -> bool:
        """Whether a unit the milestone's selector reached owes it (models.addressing.owes):
        not when it is the recipient itself and the plan did not name it, and never a
        registration when it is the standing body, which collects them (whatever the
        selector says: it would owe itself and be escalated to itself)."""
        return self._owes_test(milestone, standing_body)(unit)

    def owing(
        self, units: Iterable[Unit], milestone: PlanMilestone, standing_body: Unit | None = None
    ) -> list[Unit]:
        """The units among `units` that owe the milestone (`owes`, decided once for all)."""
        test = self._owes_test(milestone, standing_body)
        return [u for u in units if test(u)]

    def _owes_test(
        self, milestone: PlanMilestone, standing_body: Unit | None
    ) -> Callable[[Unit], bool]:
        collector = (
            self.current(standing_body).id
            if standing_body is not None and milestone.kind == MilestoneKind.REGISTRATION
            else None
        )
        recipient = self.by_code.get(milestone.to)
        if recipient is None:
            return lambda unit: unit.id != collector
        recipient_code = self.current(recipient).code
        named = {
            self.current(self.by_code[c]).code
            for c in milestone.responsible.units
            if c in self.by_code
        }
        return lambda unit: unit.id != collector and owes(unit.code, recipient_code, named)

    def under(self, root: Unit) -> tuple[Unit, ...]:
        """Every unit below root, at any depth."""
        found = self._under.get(root.id)
        if found is None:
            out, stack = [], list(self.children[root.id])
            while stack:
                unit = stack.pop()
                out.append(unit)
                stack.extend(self.children[unit.id])
            found = self._under[root.id] = tuple(out)
        return found

    def select(self, campaign: Campaign, who: Responsible) -> list[Unit]:
        """The units a selector names, merged units replaced by their successors (worked out
        once per campaign and selector: a plan's milestones share a few selectors)."""
        key = (campaign.id, who.model_dump_json())
        found = self._selected.get(key)
        if found is None:
            found = self._selected[key] = self._select(campaign, who)
        return list(found)

    def _select(self, campaign: Campaign, who: Responsible) -> list[Unit]:
        found: dict[int, Unit] = {}

        def add(units: Iterable[Unit]) -> None:
            for unit in units:
                current = self.current(unit)
                found[current.id] = current

        add(self.by_code[c] for c in who.units if c in self.by_code)
        if who.kinds:
            kinds = set(who.kinds)
            # A dissolved unit of the kind is followed to its successor, whatever that one's
            # kind: a district's duties pass to the commune that took over its work.
            add(u for u in self.under(campaign.issuer) if u.kind in kinds)
        if who.lead_agencies:
            add(u for f in campaign.fields for u in f.lead_agencies)
        if who.cluster_leaders:
            scope = {u.id for u in self.under(campaign.issuer)} | {campaign.issuer_id}
            add(c.leader for c in self.clusters if any(m.id in scope for m in c.members))
        left_out = {
            self.current(self.by_code[c]).id for c in who.exclude.units if c in self.by_code
        }
        kinds_out = set(who.exclude.kinds)
        kept = (u for u in found.values() if u.id not in left_out and u.kind not in kinds_out)
        return sorted(kept, key=lambda u: u.code)


@dataclass(frozen=True)
class Opened:
    obligations: int
    milestones_awaiting_date: int


def open_obligations(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    *,
    until: dt.date,
    at: dt.datetime,
    directory: Directory | None = None,
    partition: Partition = WHOLE,
) -> Opened:
    """Open one obligation per responsible unit and occurrence whose chain starts by `until`,
    for the units in `partition` (models.partitions: by the owing unit's id).

    Idempotent: what exists is left alone (the unique key is milestone, unit, occurrence).
    """
    plan = plan_of(campaign)
    directory = directory or Directory(session)
    stamp = opening_stamp(campaign, calendar, directory.digest)
    since = opened_until(session, campaign, partition, stamp)
    by_code = {m.code: m for m in campaign.milestones}
    steps_for = chain_of(plan.reminders, calendar)
    # The occurrences to check: those whose reminders begin by `until`, but not those an
    # earlier sweep under the same stamp already opened (up to `since`), save the mentors'.
    considered: list[tuple[PlanMilestone, Milestone, list[tuple[Due, list[ChainStep]]]]] = []
    awaiting = 0
    for milestone in chased_milestones(plan):
        scheduled = schedule_milestone(plan, milestone, calendar)
        if scheduled.awaiting_date:
            awaiting += 1
            continue
        dues = []
        for due in scheduled.dues:
            steps = steps_for(due.effective_due)
            first = steps[0].day
            if first <= until and (since is None or first > since or milestone.responsible.mentors):
                dues.append((due, steps))
        if dues:
            considered.append((milestone, by_code[milestone.id], dues))
    existing = _existing(session, campaign, partition, considered, full=since is None)
    fostered: list[Candidate] | None = None  # loaded when a milestone is the mentors'
    new: list[dict[str, Any]] = []
    for milestone, row, dues in considered:
        owers: list[tuple[Unit, Candidate | None]] = [
            (u, None)
            for u in directory.owing(
                directory.select(campaign, milestone.responsible),
                milestone,
                campaign.standing_body,
            )
            if partition.holds_id(u.id)
        ]
        if milestone.responsible.mentors:
            fostered = _fostered(session, campaign) if fostered is None else fostered
            owers += [
                (c.mentor.unit, c)
                for c in fostered
                if c.mentor is not None and partition.holds_id(c.mentor.unit_id)
            ]
        for due, steps in dues:
            for unit, candidate in owers:
                if candidate is not None and (
                    candidate.fostering_since is None or due.due < candidate.fostering_since
                ):
                    continue  # assessments fall due only once fostering has started
                occurrence = (
                    due.occurrence if candidate is None else (f"{due.occurrence}/c{candidate.id}")
                )
                if (row.id, unit.id, occurrence) in existing:
                    continue
                new.append(
                    {
                        "campaign_id": campaign.id,
                        "milestone_id": row.id,
                        "unit_id": unit.id,
                        "candidate_id": None if candidate is None else candidate.id,
                        "occurrence": occurrence,
                        "due": due.due,
                        "effective_due": due.effective_due,
                        "chase_due": due.effective_due,
                        "next_step_on": first_step_from(steps, at.date()),
                        "status": ObligationStatus.OPEN,
                        "status_changed_at": at,
                        "opened_on": at.date(),
                        "cycle": 1,
                    }
                )
                existing.add((row.id, unit.id, occurrence))
    if new:
        # One multi-row INSERT: a new national occurrence opens some 20,000 obligations at once.
        insert_rows(session, Obligation, new)
    remember_opened(session, campaign, partition, stamp, until, since)
    return Opened(len(new), awaiting)


def _existing(
    session: Session,
    campaign: Campaign,
    partition: Partition,
    considered: Sequence[tuple[PlanMilestone, Milestone, Sequence[tuple[Due, object]]]],
    *,
    full: bool,
) -> set[tuple[int, int, str]]:
    """The (milestone, unit, occurrence) already opened among those considered: all of the
    partition's when checking in full, else only the considered occurrences' (and the
    mentors' milestones', whose occurrences carry the candidate)."""
    if not considered:
        return set()
    query = select(Obligation.milestone_id, Obligation.unit_id, Obligation.occurrence).where(
        Obligation.campaign_id == campaign.id, in_id_partition(Obligation.unit_id, partition)
    )
    if not full:
        mentors = [row.id for m, row, _ in considered if m.responsible.mentors]
        pairs = [
            (row.id, due.occurrence)
            for m, row, dues in considered
            if not m.responsible.mentors
            for due, _ in dues
        ]
        query = query.where(
            or_(
                Obligation.milestone_id.in_(mentors),
                tuple_(Obligation.milestone_id, Obligation.occurrence).in_(pairs),
            )
        )
    return {(m, u, o) for m, u, o in session.execute(query)}


def _fostered(session: Session, campaign: Campaign) -> list[Candidate]:
    """Candidates with a mentor whose fostering is still going on."""
    from models.lifecycle import CandidateStage

    active = [
        CandidateStage.FOSTERING,
        CandidateStage.ELIGIBLE,
        CandidateStage.INELIGIBLE,
        CandidateStage.NOMINATED,
    ]
    return list(
        session.scalars(
            select(Candidate)
            .where(
                Candidate.campaign_id == campaign.id,
                Candidate.mentor_id.is_not(None),
                Candidate.stage.in_(active),
            )
            .options(selectinload(Candidate.mentor).selectinload(Contact.unit))
        )
    )


def mark_overdue(
    session: Session, campaign: Campaign, *, at: dt.datetime, partition: Partition = WHOLE
) -> int:
    """Open or returned obligations whose chase date has passed become overdue (audited),
    those of the units in `partition`."""
    late = session.execute(
        select(Obligation.id, Obligation.status, Obligation.chase_due).where(
            Obligation.campaign_id == campaign.id,
            in_id_partition(Obligation.unit_id, partition),
            Obligation.status.in_([ObligationStatus.OPEN, ObligationStatus.RETURNED]),
            Obligation.chase_due < at.date(),
        )
    ).all()
    change_statuses(
        session,
        [
            StatusChange(
                oid,
                status,
                ObligationStatus.OVERDUE,
                at=at,
                actor="system:sweep",
                reason=f"quá hạn {chase_due:%d/%m/%Y}",
                keep_note=True,
            )
            for oid, status, chase_due in late
        ],
    )
    return len(late)


def find_obligation(
    session: Session,
    campaign_slug: str,
    milestone_code: str,
    unit_code: str,
    occurrence: str = "once",
) -> Obligation | None:
    return session.scalar(
        select(Obligation)
        .join(Obligation.milestone)
        .join(Milestone.campaign)
        .join(Obligation.unit)
        .where(
            Campaign.slug == campaign_slug,
            Milestone.code == milestone_code,
            Unit.code == unit_code,
            Obligation.occurrence == occurrence,
        )
    )


def submit(
    session: Session,
    obligation: Obligation,
    *,
    at: dt.datetime,
    actor: str,
    note: str | None = None,
) -> None:
    """The unit has sent what it owes: its chain stops at once."""
    _set_status(session, obligation, ObligationStatus.SUBMITTED, at=at, actor=actor, reason=note)


def accept(session: Session, obligation: Obligation, *, at: dt.datetime, actor: str) -> None:
    _set_status(session, obligation, ObligationStatus.ACCEPTED, at=at, actor=actor, reason=None)


def return_(
    session: Session,
    obligation: Obligation,
    calendar: WorkingCalendar,
    *,
    at: dt.datetime,
    actor: str,
    reason: str,
) -> None:
    """The standing body sends it back with a reason: it reopens and its chain restarts."""
    if not reason.strip():
        raise ValueError("cần nêu lý do trả lại")
    check_length(Obligation.note, reason, "Lý do trả lại")
    _set_status(session, obligation, ObligationStatus.RETURNED, at=at, actor=actor, reason=reason)
    obligation.cycle += 1
    obligation.opened_on = at.date()
    obligation.chase_due = chase_due_after_return(obligation.effective_due, at.date(), calendar)


def waive(
    session: Session, obligation: Obligation, *, at: dt.datetime, actor: str, reason: str
) -> None:
    if not reason.strip():
        raise ValueError("cần nêu lý do miễn")
    check_length(Obligation.note, reason, "Lý do miễn")
    _set_status(session, obligation, ObligationStatus.WAIVED, at=at, actor=actor, reason=reason)


def _set_status(
    session: Session,
    obligation: Obligation,
    target: ObligationStatus,
    *,
    at: dt.datetime,
    actor: str,
    reason: str | None,
    keep_note: bool = False,
) -> None:
    """Change status if the process allows it; the reason goes to the audit log, and, when a
    person gave it, onto the obligation as its note."""
    check_length(Obligation.note, reason, "Ghi chú")
    change = StatusChange(obligation.id, obligation.status, target, at, actor, reason, keep_note)
    for column, value in change.columns().items():
        setattr(obligation, column, value)
    change.record(session)


@dataclass(frozen=True)
class StatusChange:
    """One obligation's move from the status it has to another, by whom, when and why."""

    obligation_id: int
    current: ObligationStatus
    target: ObligationStatus
    at: dt.datetime
    actor: str
    reason: str | None = None
    keep_note: bool = False  # the reason is the system's: the person's note stays

    def columns(self) -> dict[str, Any]:
        """What the move writes on the obligation (refused if the process does not allow it)."""
        check_transition(self.current, self.target)
        values: dict[str, Any] = {"status": self.target, "status_changed_at": self.at}
        if self.target not in CHASED:
            values["next_step_on"] = NEVER  # settled: the sweep no longer reads it
        elif self.target != ObligationStatus.OVERDUE:
            values["next_step_on"] = UNKNOWN  # reopened: its chain is worked out again
        if self.target == ObligationStatus.SUBMITTED:
            values["submitted_at"] = self.at
        if self.reason and not self.keep_note:
            values["note"] = self.reason
        return values

    def record(self, session: Session) -> None:
        record(
            session,
            at=self.at,
            actor=self.actor,
            action=f"obligation.{self.target.value}",
            entity="obligation",
            entity_id=self.obligation_id,
            from_status=self.current.value,
            to_status=self.target.value,
            reason=self.reason,
        )


def change_statuses(session: Session, changes: Sequence[StatusChange]) -> None:
    """Many obligations known by id and status (read as plain columns) moved at once: one
    executemany UPDATE by primary key and their audit entries, instead of an ORM object each
    through the unit of work (a national day submits, accepts or marks late thousands).

    An obligation already loaded in the session is given its new values (update_rows).
    """
    if not changes:
        return
    rows = [{"id": c.obligation_id, **c.columns()} for c in changes]
    update_rows(session, Obligation, rows)
    for change in changes:
        change.record(session)
