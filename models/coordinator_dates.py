"""A coordinator's dates for the steps a plan leaves undated, kept in a file beside the plan.

Seed 002 (Sở Tài nguyên và Môi trường Khánh Hòa) writes no date at all, and seed 004 (185-KH/ĐU)
ties half its steps to "khi có quyết định" or "theo quy định". The plan file keeps the
document's own words; the dates the coordinator decides (the Văn phòng's timetable, the higher
level's call for proposals) are a separate record with its own author and basis, so a replay or
a load applies them on top of the plan without editing it, and a reader never mistakes them
for the plan's words: each milestone so dated says `set_by_coordinator` (models.schedule).

Only a milestone awaiting a date can be dated here: a date the plan writes is the plan's, and
a coordinator's file that contradicts it is refused rather than silently preferred.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models.plan import Plan, Slug, readable_phrase
from models.source import InputErrors, SourceDocument, read_yaml

MAX_DATED = 1000
"""More milestones than any plan has: a bound on what one file may set."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class CoordinatorDate(_Strict):
    """When one milestone falls due, as the coordinator decided: a day or a recurring phrase."""

    set_date: dt.date | None = None
    coordinator_phrase: str | None = Field(
        None, max_length=200, description="A recurring deadline, e.g. 'ngày 05/12 hằng năm'"
    )
    basis: str | None = Field(
        None, max_length=500, description="Why this date: the document or decision it follows"
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> CoordinatorDate:
        if (self.set_date is None) == (self.coordinator_phrase is None):
            raise ValueError("ghi đúng một trong set_date hoặc coordinator_phrase")
        readable_phrase(self.coordinator_phrase)
        return self


class CoordinatorDates(_Strict):
    """The file: which plan, who set the dates, and one entry per milestone id."""

    format: Literal[1] = 1
    plan: Slug = Field(description="The id of the plan the dates belong to")
    set_by: str = Field(min_length=1, max_length=300, description="Who decided the dates")
    milestones: dict[Slug, CoordinatorDate] = Field(min_length=1, max_length=MAX_DATED)


def read_coordinator_dates(path: str | Path) -> tuple[CoordinatorDates, SourceDocument]:
    """Read and check a dates file (bounded like every input file: models.source)."""
    source = read_yaml(path)
    return source.validate(CoordinatorDates), source


def apply_coordinator_dates(plan: Plan, path: str | Path) -> Plan:
    """The plan with the file's dates set on its undated milestones.

    Refused, with the file's line: a file for another plan, an id the plan does not have, and
    a milestone the plan already dates (its words stand). The result is validated as a whole
    plan again, so a coordinator's phrase is read exactly as the plan's would be.
    """
    dates, source = read_coordinator_dates(path)
    problems = []
    if dates.plan != plan.id:
        problems.append(
            source.error(
                ("plan",), f"tệp ghi ngày cho kế hoạch '{dates.plan}', không phải '{plan.id}'"
            )
        )
    by_id = {m.id: m for m in plan.milestones}
    for milestone_id in dates.milestones:
        milestone = by_id.get(milestone_id)
        if milestone is None:
            problems.append(
                source.error(
                    ("milestones", milestone_id), f"kế hoạch {plan.id} không có mốc {milestone_id}"
                )
            )
        elif not milestone.awaiting_date:
            problems.append(
                source.error(
                    ("milestones", milestone_id),
                    "kế hoạch đã ghi thời hạn cho mốc này; điều phối viên chỉ ấn định mốc "
                    "kế hoạch không ghi ngày",
                )
            )
    lo, hi = plan.period.start - 1, plan.period.end + 1
    for milestone_id, setting in dates.milestones.items():
        if setting.set_date is not None and not lo <= setting.set_date.year <= hi:
            problems.append(
                source.error(
                    ("milestones", milestone_id, "set_date"),
                    f"năm {setting.set_date.year} nằm ngoài giai đoạn {plan.period} của kế hoạch",
                )
            )
    if problems:
        raise InputErrors(problems)
    data = plan.model_dump(mode="json", by_alias=True, exclude_unset=True)
    for milestone in data["milestones"]:
        given = dates.milestones.get(milestone["id"])
        if given is not None:
            milestone.pop("phrase", None)
            milestone |= given.model_dump(
                mode="json", include={"set_date", "coordinator_phrase"}, exclude_none=True
            )
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:  # e.g. a set_date the plan's own checks refuse
        raise InputErrors(source.errors_from(exc)) from None
