"""What a coordinator asks of the dashboard, as plain data: who is late (every unit, with whom
to call and what they owe), what today's sweep sent, and how far each quota has come.

models.services.reporting counts milestones by status; this module adds the questions the
coordinators asked on the demo (issue 22): the late units ranked by days overdue, all of them,
each with its emulation officer's name, phone and email; the day's emails (not the campaign's
running total) by kind with the failed ones' recipients; quotas named and judged only for the
years the plan runs and only after their checkpoint.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.clock import at_start_of
from models.orm import (
    Campaign,
    Contact,
    Email,
    EmailStatus,
    Milestone,
    Notification,
    Obligation,
    Unit,
)
from models.partitions import WHOLE, Partition
from models.phrases import occurrence_label
from models.quotas import QuotaProgress
from models.services.due_rows import milestones_by_id
from models.services.obligations import plan_of
from models.services.partitions import in_id_partition
from models.services.rows import rows_in
from models.services.subjects import subjects
from models.vocabulary import ContactRole, ObligationStatus

OVERDUE_CAP = 1000
"""At most this many overdue obligations, the longest overdue, are read for the dashboard's
table; the count above it is still exact, and the coordinators' page lists every one. Prefect
refuses to publish an event over 1.5 MB, and an artifact's update is one: the national replay's
worst days (5,000 obligations) made a 1.8 MB table whose event was refused, and a thousand-row
table is already past what a coordinator scrolls (tasks.artifacts.ARTIFACT_BYTES bounds it)."""


@dataclass(frozen=True)
class OverdueItem:
    what: str  # the milestone, and what it is about by name
    occurrence: str
    due: dt.date
    working_days_overdue: int
    count: int = 1  # identical items (same milestone, period and subject) merged


@dataclass(frozen=True)
class OverdueUnit:
    code: str
    name: str
    officer: str  # the emulation officer's name (else the head's), or ""
    phone: str
    email: str
    items: list[OverdueItem]

    @property
    def working_days_overdue(self) -> int:
        return max(i.working_days_overdue for i in self.items)

    @property
    def obligations(self) -> int:
        return sum(i.count for i in self.items)


def overdue_units(
    session: Session, campaign: Campaign, calendar: WorkingCalendar, *, as_of: dt.date
) -> list[OverdueUnit]:
    """Every unit with an overdue obligation, the longest overdue first (then by name), each
    with its contact and its items; identical items (five candidates' same assessment) merged
    into one line with a count, so a table row says something new. Read as plain rows: the
    dashboard is drawn every morning, and a national campaign's list is a thousand lines."""
    rows = session.execute(
        select(
            Obligation.id,
            Obligation.occurrence,
            Obligation.chase_due,
            Obligation.candidate_id,
            Obligation.milestone_id,
            Obligation.unit_id,
            Unit.code,
            Unit.name,
        )
        .join(Unit, Obligation.unit_id == Unit.id)
        .where(
            Obligation.campaign_id == campaign.id,
            Obligation.status == ObligationStatus.OVERDUE,
        )
        .order_by(Obligation.chase_due, Unit.code, Obligation.id)
        .limit(OVERDUE_CAP)
    ).all()
    milestones = milestones_by_id(session, {row.milestone_id for row in rows})
    late: list[_Late] = []
    units: dict[int, tuple[str, str]] = {}  # the unit's code and name, by id
    for oid, occurrence, chase_due, candidate_id, milestone_id, unit_id, code, name in rows:
        late.append(
            _Late(oid, occurrence, chase_due, candidate_id, milestones[milestone_id], unit_id)
        )
        units[unit_id] = (code, name)
    named = subjects(session, late, plan_of(campaign))
    per_unit: dict[int, Counter[tuple[str, str, dt.date]]] = defaultdict(Counter)
    for o in late:
        about = named[o.id].about
        what = f"{o.milestone.title} — {about}" if about else o.milestone.title
        per_unit[o.unit_id][(what, occurrence_label(o.occurrence), o.chase_due)] += 1
    officers = _officers(session, per_unit)
    found = []
    for unit_id, items in per_unit.items():
        code, name = units[unit_id]
        officer = officers.get(unit_id)
        found.append(
            OverdueUnit(
                code,
                name,
                officer[0] if officer else "",
                officer[1] if officer else "",
                officer[2] if officer else "",
                sorted(
                    (
                        OverdueItem(what, label, due, calendar.working_days_between(due, as_of), n)
                        for (what, label, due), n in items.items()
                    ),
                    key=lambda i: (i.due, i.what),
                ),
            )
        )
    return sorted(found, key=lambda u: (-u.working_days_overdue, u.name, u.code))


@dataclass(frozen=True, slots=True)
class _Late:
    """An overdue obligation as the dashboard lists it (and models.services.subjects reads)."""

    id: int
    occurrence: str
    chase_due: dt.date
    candidate_id: int | None
    milestone: Milestone
    unit_id: int


def _officers(session: Session, unit_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """Each unit's (name, phone, email) to call about its late work: its first emulation
    officer, else its first head (as contact_of reads Unit.contacts)."""
    found: dict[int, dict[ContactRole, tuple[str, str, str]]] = defaultdict(dict)
    query = select(Contact.unit_id, Contact.role, Contact.name, Contact.phone, Contact.email)
    # A unit's contacts come in one chunk, in id order.
    for unit_id, role, name, phone, email in rows_in(
        session, query.order_by(Contact.id), Contact.unit_id, unit_ids
    ):
        found[unit_id].setdefault(role, (name, phone or "", email))
    return {
        unit_id: by_role.get(ContactRole.EMULATION_OFFICER) or by_role[ContactRole.HEAD]
        for unit_id, by_role in found.items()
        if ContactRole.EMULATION_OFFICER in by_role or ContactRole.HEAD in by_role
    }


@dataclass(frozen=True)
class FailedDelivery:
    kind: str
    recipient: str  # "Name <email>"
    subject: str
    code: int | None
    error: str


@dataclass(frozen=True)
class DayEmails:
    day: dt.date
    by_kind: dict[str, Counter[str]]  # kind -> status -> count, the emails written for `day`
    failed: list[FailedDelivery]  # failed today, or written today and failed since
    failed_total: int  # every permanently failed email of the campaign, still to handle
    recipients: int = 0
    totals: Counter[str] = field(default_factory=Counter)


def emails_of_day(session: Session, campaign: Campaign, day: dt.date) -> DayEmails:
    """The emails the sweep wrote for `day`, counted by kind and status: the day's work, not
    the campaign's running total; the failed ones with their recipients, so someone can call
    them; and how many failures of earlier days still wait."""
    mine = Email.campaign_id == campaign.id
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    for kind, status, n in session.execute(
        select(Email.kind, Email.status, func.count())
        .where(mine, Email.day == day)
        .group_by(Email.kind, Email.status)
    ):
        counts[kind][status] += n
        totals[status] += n
    recipients = session.scalar(
        select(func.count(func.distinct(Email.recipient_email))).where(mine, Email.day == day)
    )
    failed = [
        FailedDelivery(
            e.kind,
            f"{e.recipient_name} <{e.recipient_email}>",
            e.subject,
            e.smtp_code,
            e.last_error or "",
        )
        for e in session.scalars(
            select(Email)
            .where(
                mine,
                Email.status == EmailStatus.FAILED,
                # written today, or an earlier email's last attempt (its claim) today
                (Email.day == day)
                | (
                    (Email.claimed_at >= at_start_of(day))
                    & (Email.claimed_at < at_start_of(day + dt.timedelta(days=1)))
                ),
            )
            .order_by(Email.recipient_email, Email.id)
            .limit(1000)
        )
    ]
    failed_total = session.scalar(
        select(func.count()).select_from(Email).where(mine, Email.status == EmailStatus.FAILED)
    )
    return DayEmails(day, dict(counts), failed, failed_total or 0, recipients or 0, totals)


QUOTA_CHECKPOINT = (11, 30)
"""Month and day of the default quota checkpoint (models.quotas.DEFAULT_QUOTA_DEADLINE)."""


def quota_years(campaign: Campaign, as_of: dt.date) -> range:
    """The years a quota is reported for: from the year the plan takes effect (a plan dated
    October 2022 owes nothing for 2021) to the current one."""
    doc = plan_of(campaign).document
    first = doc.effective_from or doc.date
    start = max(campaign.period_start, first.year if first else campaign.period_start)
    return range(start, min(as_of.year, campaign.period_end) + 1)


def quota_verdict(row: QuotaProgress, as_of: dt.date) -> str:
    """'Đạt', 'Chưa đạt' or 'Đang thực hiện': a year before its checkpoint (the default 30/11,
    models.quotas) is in progress, never missed; a period-wide quota is in progress until met
    (the final review judges it)."""
    if row.met:
        return "Đạt"
    if row.year is None:
        return "Đang thực hiện"
    month, day = QUOTA_CHECKPOINT
    return "Chưa đạt" if as_of > dt.date(row.year, month, day) else "Đang thực hiện"


def unit_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Directory names of unit codes, so no reader sees 'QB.SLDTBXH'."""
    if not codes:
        return {}
    return dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all())


def escalated_units(
    session: Session, campaign: Campaign, day: dt.date, partition: Partition = WHOLE
) -> list[str]:
    """Names of the units whose overdue obligations were escalated on `day`, for the run's
    log: what a coordinator wants to know a sweep did, by name (of the units in partition)."""
    return list(
        session.scalars(
            select(Unit.name)
            .distinct()
            .join(Obligation, Obligation.unit_id == Unit.id)
            .join(Notification, Notification.obligation_id == Obligation.id)
            .where(
                Obligation.campaign_id == campaign.id,
                in_id_partition(Obligation.unit_id, partition),
                Notification.day == day,
                Notification.step.startswith("escalation"),
            )
            .order_by(Unit.name)
        )
    )
