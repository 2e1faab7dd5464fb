"""Plan files on disk: read and check one, or make one for another period."""

from __future__ import annotations

import re
from pathlib import Path

from models.plan import Location, Plan, reference_errors
from models.plan_decisions import undecided
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


DRAFT_FIELDS = ("number", "date", "signer")
"""What a plan made by `tdkt plan instantiate` leaves empty: the new document's own header."""


def draft_gaps(plan: Plan) -> list[tuple[Location, str]]:
    """What a coordinator must still fill before a drafted plan is loaded, with where.

    A plan made for a new period (instantiated_from set) is a new document: emails cite its
    number and date, so loading it with none (or with the old ones, which instantiate empties)
    would send letters citing nothing. Its parent plan, if it names one, is the new period's.
    """
    if plan.instantiated_from is None:
        return []
    doc = plan.document
    gaps: list[tuple[Location, str]] = [
        (("document", key), "bản dự thảo: điền trước khi nạp (văn bản mới)")
        for key in DRAFT_FIELDS
        if getattr(doc, key) is None
    ]
    if plan.parent is not None:
        gaps += [
            (
                ("parent", key),
                "bản dự thảo: điền kế hoạch cấp trên của giai đoạn mới (hoặc bỏ khóa parent)",
            )
            for key in ("number", "date")
            if getattr(plan.parent, key) is None
        ]
    return gaps


def read_loadable_plan(path: str | Path) -> Plan:
    """read_plan, and refuse a draft that still lacks what draft_gaps names (the new document's
    header) or what a coordinator must still decide (models.plan_decisions): file, line, field."""
    source = read_yaml(path)
    plan = plan_from_source(source)
    pending = draft_gaps(plan) + undecided(plan)
    gaps = [source.error(loc, f"chưa nạp được bản nháp: {message}") for loc, message in pending]
    if gaps:
        raise InputErrors(gaps)
    return plan


def instantiate(path: str | Path, start: int, end: int) -> str:
    """The plan's YAML made for another period (see models.plan_instantiation)."""
    from models.plan_instantiation import instantiate_plan

    return instantiate_plan(path, start, end).text
