"""Plan files on disk: read and check one, or make one for another period."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models.plan import Plan, reference_errors
from models.source import InputError, InputErrors, SourceDocument, read_yaml


def read_plan(path: str | Path) -> Plan:
    """Read and fully check a plan file; raise InputErrors listing every problem with its line."""
    return plan_from_source(read_yaml(path))


def plan_from_source(source: SourceDocument) -> Plan:
    plan = source.validate(Plan)
    problems = [source.error(loc, message) for loc, message in reference_errors(plan)]
    problems += _phrase_year_errors(plan, source)
    if problems:
        raise InputErrors(problems)
    return plan


def _phrase_year_errors(plan: Plan, source: SourceDocument) -> list[InputError]:
    """A dated phrase outside the plan's period (give or take a year) is almost surely a typo."""
    errors = []
    lo, hi = plan.period.start - 1, plan.period.end + 1
    for i, milestone in enumerate(plan.milestones):
        for key in ("phrase", "coordinator_phrase"):
            for year in _years_in(getattr(milestone, key) or ""):
                if not lo <= year <= hi:
                    errors.append(
                        source.error(
                            ("milestones", i, key),
                            f"năm {year} nằm ngoài giai đoạn {plan.period} của kế hoạch",
                        )
                    )
    return errors


def _years_in(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d{2}(?!\d)", text)]


def instantiate(path: str | Path, start: int, end: int) -> str:
    """The plan's YAML made for another period of the same length.

    Dates in a plan are relative to its period: every year written in a milestone phrase or a
    coordinator's date moves by the same number of years as the period. Years outside the
    period (the 1948 of "11/6/1948 - 11/6/2025") are history and stay as written.
    """
    plan = read_plan(path)
    length = plan.period.end - plan.period.start
    if end - start != length:
        raise InputErrors(
            [
                InputError(
                    str(path),
                    None,
                    "period",
                    f"giai đoạn mới phải dài {length + 1} năm như kế hoạch gốc",
                )
            ]
        )
    shift = start - plan.period.start
    data: dict[str, Any] = plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    lo, hi = plan.period.start - 1, plan.period.end + 1

    def move(text: str) -> str:
        return re.sub(
            r"(?<!\d)((?:19|20)\d{2})(?!\d)",
            lambda m: str(int(m[1]) + shift) if lo <= int(m[1]) <= hi else m[1],
            text,
        )

    for milestone in data["milestones"]:
        for key in ("phrase", "quote", "set_date", "coordinator_phrase"):
            if key in milestone:
                milestone[key] = move(milestone[key])
    data["id"] = re.sub(r"-?\d{4}-\d{4}$", "", data["id"]) + f"-{start}-{end}"
    data["title"] = move(data["title"])
    data["period"] = f"{start}-{end}"
    data["instantiated_from"] = f"{plan.id} ({plan.period})"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    # What we write must read back. Moving years can break a date (29/2/2024 moved to 2029)
    # or leave the format's range; say which field of the original file, as read_plan would.
    try:
        Plan.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        source = read_yaml(path)
        raise InputErrors(
            [
                replace(e, message=f"sau khi dời sang giai đoạn {start}-{end}: {e.message}")
                for e in source.errors_from(exc)
            ]
        ) from None
    return text
