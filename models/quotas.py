"""Quotas: how many exemplars each lead agency, locality or unit must introduce, and progress.

The plans set minimums "per lead agency per year" (Quảng Bình: Sở LĐTB&XH 10 households a year),
"per locality per year" (3 cultural residential areas), "per unit per year" (1-2, seed 001) and
"per unit over the period" (at least 10 per district; 1 collective and 1 individual, seed 004).

A yearly quota becomes a milestone of its own, chased like any other: each unit it names owes,
every year, enough registrations by the quota checkpoint (default 30/11, before the year-end
review; a plan may set `quota_deadline`). No plan sets such a date: the checkpoint is the
coordinator's setting, so the milestone carries it as `coordinator_phrase`, never as the plan's
words, and a plan file turns it off with `settings: {quota_checkpoint: false}` (or one quota
with `checkpoint: false`). The sweep settles the obligation by itself once the count is
reached.

Other spans a plan writes (docs/plan-format.md): a quota owed in one year only (`year: 2014`,
"trong năm 2014 ... mỗi xã lựa chọn 05"), each month or quarter (`every: monthly`, "hàng tháng
... tối thiểu 01 gương"; chased at the end of each month or quarter), and a quota over the
period chased each year for its share so far (`checkpoints: yearly`: by the end of year k of n,
ceil(minimum × k / n), the whole minimum in the last year). Other quotas over the whole period
are reported, not chased.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from models.phrases import parse_phrase
from models.plan import Milestone, Period, Plan, Quota, Responsible
from models.vocabulary import MilestoneKind, QuotaScope, Stage, SubjectKind

DEFAULT_QUOTA_DEADLINE = "ngày 30/11 hằng năm"
EVERY_DEADLINE = {"monthly": "hằng tháng", "quarterly": "hằng quý"}
"""When a monthly or quarterly quota is checked: the last day of each month or quarter (the
coordinator's setting, like the yearly checkpoint)."""
YEARLY = (QuotaScope.LEAD_AGENCY_YEAR, QuotaScope.LOCALITY_YEAR, QuotaScope.UNIT_YEAR)


def quota_milestone_id(index: int, quota: Quota) -> str:
    """A slug: 'quota-7-dd-collective' (field codes such as 'đ' are written in ASCII)."""
    field = (quota.field or "all").replace("đ", "dd")
    return f"quota-{index + 1}-{field}-{quota.subject or 'any'}"


def describe(quota: Quota, field: str | None = None) -> str:
    """'tối thiểu 10 hộ gia đình điển hình, mỗi cơ quan chủ trì, mỗi năm (lĩnh vực Văn hóa)'.

    `field` is the field's name: readers never see its code ("lĩnh vực c"). A quota
    milestone's title leaves it out, since every line names the field beside the title
    (models.subjects)."""
    subject = f"{quota.subject.label.lower()} " if quota.subject else ""
    bounds = f"{quota.minimum}-{quota.maximum}" if quota.maximum else f"tối thiểu {quota.minimum}"
    named = f" (lĩnh vực {' '.join(field.split())})" if field else ""
    scope = quota.scope.label
    if quota.every is not None:
        scope = scope.replace(
            "mỗi năm", {"monthly": "mỗi tháng", "quarterly": "mỗi quý"}[quota.every]
        )
    elif quota.year is not None:
        scope = scope.replace("mỗi năm", f"trong năm {quota.year}")
    elif quota.checkpoints is not None:
        scope += ", kiểm tra tiến độ hằng năm"
    return f"{bounds} {subject}điển hình, {scope}{named}"


def quota_milestones(plan: Plan) -> list[tuple[Milestone, Quota]]:
    """The milestone each yearly quota adds to the plan, with its quota."""
    fields = {f.code: f for f in plan.fields}
    out: list[tuple[Milestone, Quota]] = []
    if plan.standing_body is None:  # a draft: nobody yet to report to (see plan check)
        return out
    for index, quota in enumerate(plan.quotas):
        if not is_chased(plan, quota):
            continue
        if quota.scope == QuotaScope.LEAD_AGENCY_YEAR and quota.field in fields:
            if not fields[quota.field].lead_agencies:
                continue
            who = Responsible(
                units=fields[quota.field].lead_agencies, description="Cơ quan chủ trì lĩnh vực"
            )
        elif quota.applies_to is not None:
            who = quota.applies_to
        else:
            continue
        milestone = Milestone.model_validate(
            {
                "id": quota_milestone_id(index, quota),
                "kind": MilestoneKind.REGISTRATION,
                "stage": Stage.DISCOVER,
                "title": f"Lựa chọn, giới thiệu {describe(quota)}",
                "clause": quota.clause,
                **checkpoint_of(plan, quota),
                "quote": quota.quote,
                "to": plan.standing_body,
                "from": who,
            }
        )
        out.append((milestone, quota))
    return out


def checkpoint_of(plan: Plan, quota: Quota) -> dict[str, str | dt.date]:
    """When a chased quota is checked: each month or quarter for `every`, the yearly
    checkpoint of its one year for `year`, else the yearly checkpoint (all the coordinator's
    settings: no plan writes them)."""
    if quota.every is not None:
        return {"coordinator_phrase": EVERY_DEADLINE[quota.every]}
    deadline = plan.quota_deadline or DEFAULT_QUOTA_DEADLINE
    if quota.year is None:
        return {"coordinator_phrase": deadline}
    occurrences = parse_phrase(deadline).occurrences(quota.year)
    return {"set_date": occurrences[-1].due}


def is_chased(plan: Plan, quota: Quota) -> bool:
    """Whether a quota is chased at the checkpoint (else its progress is only reported)."""
    spans = quota.scope in YEARLY or quota.checkpoints is not None
    return spans and quota.checkpoint and plan.settings.quota_checkpoint


def chased_milestones(plan: Plan) -> list[Milestone]:
    """Every milestone the sweep chases: the plan's own, those its yearly quotas add, and the
    process's own (votes, publications, reward decisions)."""
    from models.process import process_milestones

    process = process_milestones(plan) if plan.standing_body is not None else []  # a draft's
    return [*plan.milestones, *(m for m, _ in quota_milestones(plan)), *process]


@dataclass(frozen=True)
class Registration:
    """What a quota counts about one candidate."""

    field: str | None
    subject: SubjectKind
    year: int
    registered_by: str  # unit code
    lead_agency: str | None  # unit code
    localities: tuple[str, ...]  # the registering unit and every unit above it
    on: dt.date | None = None  # the day it was registered: monthly and quarterly quotas


Counted = Callable[[Registration], bool]


def counts_for(
    quota: Quota,
    unit: str,
    year: int | None,
    registrations: Iterable[Registration],
    *,
    counted: Counted | None = None,
) -> int:
    """How many registrations count toward quota for unit (in year, or over the period; or
    those `counted` accepts, see `span_of`)."""

    def matches(r: Registration) -> bool:
        if quota.field is not None and r.field != quota.field:
            return False
        if quota.subject is not None and r.subject != quota.subject:
            return False
        if counted is not None:
            if not counted(r):
                return False
        elif year is not None and r.year != year:
            return False
        if quota.scope == QuotaScope.LEAD_AGENCY_YEAR:
            return r.lead_agency == unit
        if quota.scope == QuotaScope.LOCALITY_YEAR:
            return unit in r.localities
        return r.registered_by == unit

    return sum(1 for r in registrations if matches(r))


@dataclass(frozen=True)
class QuotaProgress:
    quota: str
    field: str | None
    unit: str
    year: int | None
    minimum: int
    maximum: int | None
    count: int

    @property
    def met(self) -> bool:
        return self.count >= self.minimum


Target = tuple[int | None, int, Counted | None]
"""(year or None for the period, minimum, what counts or None for that year's registrations)."""


def progress(
    quota: Quota,
    label: str,
    units: Sequence[str],
    targets: Iterable[Target],
    registrations: Sequence[Registration],
) -> list[QuotaProgress]:
    """Progress of one quota for each unit and target (see `yearly_targets`)."""
    rows = list(targets)
    return [
        QuotaProgress(
            label,
            quota.field,
            unit,
            year,
            minimum,
            quota.maximum,
            counts_for(quota, unit, year, registrations, counted=counted),
        )
        for unit in units
        for year, minimum, counted in rows
    ]


def span_of(quota: Quota, occurrence: str, period: Period) -> tuple[Counted, int]:
    """What one quota obligation counts and how many it needs, from its occurrence key.

    "2024": the year's registrations (a `checkpoints` quota: all up to that year, needing its
    share so far); "once": those of the quota's one year; "2024-05", "2024-Q2": those
    registered in that month or quarter."""
    if occurrence == "once":
        year = quota.year or period.start
        return (lambda r: r.year == year), quota.minimum
    year = int(occurrence[:4])
    if quota.checkpoints is not None:
        share = math.ceil(quota.minimum * (year - period.start + 1) / len(period.years))
        return (lambda r: r.year <= year), min(share, quota.minimum)
    rest = occurrence[5:]
    if not rest:
        return (lambda r: r.year == year), quota.minimum
    months = (
        range(int(rest[1]) * 3 - 2, int(rest[1]) * 3 + 1) if rest.startswith("Q") else [int(rest)]
    )

    def within(r: Registration) -> bool:
        return r.on is not None and r.on.year == year and r.on.month in months

    return within, quota.minimum


def yearly_targets(quota: Quota, period: Period) -> list[Target]:
    """(year, minimum, counted) rows for a quota's progress report: yearly quotas each year
    (a monthly or quarterly one needs its minimum each period of the year), a one-year quota
    its year, a quota with checkpoints its share so far each year, others the period."""
    if quota.year is not None:
        return [(quota.year, quota.minimum, None)]
    if quota.checkpoints is not None:
        shares = {y: span_of(quota, str(y), period) for y in period.years}
        return [(y, share, counted) for y, (counted, share) in shares.items()]
    if quota.scope not in YEARLY:
        return [(None, quota.minimum, None)]
    per_year = {"monthly": 12, "quarterly": 4}.get(quota.every or "", 1)
    return [(y, quota.minimum * per_year, None) for y in period.years]
