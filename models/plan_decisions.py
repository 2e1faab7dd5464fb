"""What a coordinator must still decide before a draft plan is loaded.

A plan may be encoded before everything in it is settled (Na Rì 37/KH-UBND, 2014, names no
standing body; a field may name no lead agency; a phrase counted from the document's date
needs that date). Such a file passes `tdkt plan check` as a draft, which lists what remains;
`tdkt plan load` refuses it, naming file, line and field. Nothing is invented for the
coordinator.
"""

from __future__ import annotations

from typing import Any

from models.phrases import AnchorMissing, PhraseError, parse_phrase
from models.plan import UNDECIDED_UNIT, Location, Plan


def undecided(plan: Plan) -> list[tuple[Location, str]]:
    """What a coordinator must still decide before the plan is loaded, with where it stands
    in the file (an empty list: nothing; the plan is no draft)."""
    out: list[tuple[Location, str]] = []
    if plan.standing_body is None:
        out.append(
            (
                ("standing_body",),
                "kế hoạch chưa ghi cơ quan thường trực (nơi tổng hợp, đôn đốc): cần chỉ định",
            )
        )
    for i, fld in enumerate(plan.fields):
        if not fld.lead_agencies:
            out.append(
                (
                    ("fields", i, "lead_agencies"),
                    f"lĩnh vực {fld.code} ({fld.name}) chưa có cơ quan chủ trì: cần chỉ định",
                )
            )
    out += [
        (loc, f"bản nháp chưa chỉ định cơ quan ({UNDECIDED_UNIT}): văn bản không ghi, cần điền")
        for loc in _undecided_units(plan.model_dump(by_alias=True, mode="json"), ())
    ]
    doc = plan.document
    if doc.date is None and doc.effective_from is None:
        for i, milestone in enumerate(plan.milestones):
            for key in ("phrase", "coordinator_phrase"):
                phrase = getattr(milestone, key)
                if phrase is not None and _needs_document_date(phrase):
                    out.append(
                        (
                            ("milestones", i, key),
                            f"'{phrase}' tính theo ngày của văn bản, nhưng document.date "
                            "chưa ghi: cần ghi ngày ban hành (hoặc effective_from)",
                        )
                    )
    return out


def _needs_document_date(phrase: str) -> bool:
    try:
        parse_phrase(phrase)
    except AnchorMissing:
        return True
    except PhraseError:
        return False
    return False


def _undecided_units(value: Any, at: Location) -> list[Location]:
    """Where a draft left UNDECIDED_UNIT (`tdkt plan draft`: the text names no body there)."""
    if value == UNDECIDED_UNIT:
        return [at]
    if isinstance(value, dict):
        return [loc for k, v in value.items() for loc in _undecided_units(v, (*at, k))]
    if isinstance(value, list):
        return [loc for i, v in enumerate(value) for loc in _undecided_units(v, (*at, i))]
    return []
