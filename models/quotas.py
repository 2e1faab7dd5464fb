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
reached. Quotas over the whole period are reported, not chased.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models.plan import Milestone, Plan, Quota, Responsible
from models.vocabulary import MilestoneKind, QuotaScope, Stage, SubjectKind

DEFAULT_QUOTA_DEADLINE = "ngày 30/11 hằng năm"
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
    return f"{bounds} {subject}điển hình, {quota.scope.label}{named}"


def quota_milestones(plan: Plan) -> list[tuple[Milestone, Quota]]:
    """The milestone each yearly quota adds to the plan, with its quota."""
    fields = {f.code: f for f in plan.fields}
    deadline = plan.quota_deadline or DEFAULT_QUOTA_DEADLINE
    out = []
    for index, quota in enumerate(plan.quotas):
        if not is_chased(plan, quota):
            continue
        if quota.scope == QuotaScope.LEAD_AGENCY_YEAR and quota.field in fields:
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
                "coordinator_phrase": deadline,
                "quote": quota.quote,
                "to": plan.standing_body,
                "from": who,
            }
        )
        out.append((milestone, quota))
    return out


def is_chased(plan: Plan, quota: Quota) -> bool:
    """Whether a quota is chased at the checkpoint (else its progress is only reported)."""
    return quota.scope in YEARLY and quota.checkpoint and plan.settings.quota_checkpoint


def chased_milestones(plan: Plan) -> list[Milestone]:
    """Every milestone the sweep chases: the plan's own, those its yearly quotas add, and the
    process's own (votes, publications, reward decisions)."""
    from models.process import process_milestones

    return [*plan.milestones, *(m for m, _ in quota_milestones(plan)), *process_milestones(plan)]


@dataclass(frozen=True)
class Registration:
    """What a quota counts about one candidate."""

    field: str | None
    subject: SubjectKind
    year: int
    registered_by: str  # unit code
    lead_agency: str | None  # unit code
    localities: tuple[str, ...]  # the registering unit and every unit above it


def counts_for(
    quota: Quota, unit: str, year: int | None, registrations: Iterable[Registration]
) -> int:
    """How many registrations count toward quota for unit (in year, or over the period)."""

    def matches(r: Registration) -> bool:
        if quota.field is not None and r.field != quota.field:
            return False
        if quota.subject is not None and r.subject != quota.subject:
            return False
        if year is not None and r.year != year:
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


def progress(
    quota: Quota,
    label: str,
    units: Sequence[str],
    years: Iterable[int] | None,
    registrations: Sequence[Registration],
) -> list[QuotaProgress]:
    """Progress of one quota for each unit (and year, for a yearly quota)."""
    spans: list[int | None] = list(years) if years is not None else [None]
    return [
        QuotaProgress(
            label,
            quota.field,
            unit,
            year,
            quota.minimum,
            quota.maximum,
            counts_for(quota, unit, year, registrations),
        )
        for unit in units
        for year in spans
    ]
