"""A whole reorganisation applied from a mapping file, in the caller's one transaction.

`tdkt directory merge` moves one group of units; the 2025 reorganisation is hundreds of such
groups at once (models.reorganisation_file). Here the file is checked against the database
(every code known, no unit left with work and nowhere to go, no merge refused by
models.services.reorganisation's own checks), each problem named by the file's line and field,
and then every group is merged (merge_groups) with one audit entry for the whole file.

What is counted besides what merge_groups moves, for people to see before they apply it:
- **quotas**: a plan's quotas counted for a predecessor (it leads the quota's field, or the
  quota's selector names it or its kind) are counted for the successor from now on;
- **registry numbers**: the predecessor's honour-roll lines keep their book and numbers (what
  was decided keeps the old names); new lines for its exemplars go in the successor's book,
  numbered after the successor's own.
A dry run is the same work rolled back, so its figures are exactly what applying would do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.orm import (
    Campaign,
    Candidate,
    Cluster,
    FieldLeadAgency,
    Obligation,
    Quota,
    RegistryEntry,
    Unit,
)
from models.policy import CHASED
from models.reorganisation_file import Mapping, Row
from models.services.audit import record
from models.services.directory import import_directory_file
from models.services.reorganisation import MergeError, MergeResult, merge_groups
from models.source import InputError, InputErrors
from models.vocabulary import QuotaScope

LEAD_SCOPES = frozenset(s for s in QuotaScope if s.value.startswith("lead_agency"))


@dataclass(frozen=True)
class Reorganised:
    """What a mapping did (or, in a dry run, would do)."""

    title: str
    at: dt.datetime
    merges: list[MergeResult]
    quotas: dict[str, int]  # successor code -> quotas now counted for it
    registry: dict[str, int]  # predecessor code -> honour-roll lines kept in its book
    units_added: int

    @property
    def predecessors(self) -> int:
        return sum(len(m.units) for m in self.merges)

    @property
    def rows_moved(self) -> int:
        """Obligations, candidates and contacts moved (each one a row rewritten)."""
        return sum(
            len(u.obligations) + len(u.duplicates) + u.candidates + u.contacts_moved
            for m in self.merges
            for u in m.units
        )


def reorganise(session: Session, mapping: Mapping, *, at: dt.datetime, actor: str) -> Reorganised:
    """Apply a mapping whole, or raise InputErrors naming every problem before anything is
    written that the caller's transaction would keep."""
    added = 0
    if mapping.directory_path is not None:
        before = session.scalar(select(func.count(Unit.id))) or 0
        import_directory_file(session, mapping.directory_path, at=at, actor=actor)
        added = (session.scalar(select(func.count(Unit.id))) or 0) - before
    units = {u.code: u for u in session.scalars(select(Unit))}
    groups, first_rows = _groups(session, mapping, units)
    quotas = _quotas(session, units, groups)
    registry = _registry(session, units, groups)
    title = mapping.spec.title or mapping.path
    reason = "; ".join(x for x in (mapping.spec.title, mapping.spec.basis) if x) or None
    try:
        merges = merge_groups(session, groups, at=at, actor=actor, reason=reason)
    except MergeError as exc:
        raise InputErrors(
            [
                mapping.error(first_rows[group], problem, to=True)
                for problem, group in zip(exc.problems, exc.groups, strict=True)
            ]
        ) from None
    done = Reorganised(title, at, merges, quotas, registry, added)
    record(
        session,
        at=at,
        actor=actor,
        action="directory.reorganised",
        entity="unit",
        entity_id=None,
        reason=f"áp dụng {title} ({mapping.path}): {done.predecessors} đơn vị sáp nhập vào "
        f"{len(merges)} đơn vị kế thừa, {done.rows_moved} dòng chuyển",
    )
    return done


def _groups(
    session: Session, mapping: Mapping, units: dict[str, Unit]
) -> tuple[list[tuple[list[str], str]], list[Row]]:
    """Predecessors grouped by their final successor, in the file's order, with each group's
    first row (for errors); raises InputErrors for what the database shows is wrong."""
    resolved, _ = mapping.resolved()
    errors: list[InputError] = []
    targets: dict[str, str] = {}
    for row in mapping.rows:
        unit = units.get(row.code)
        if unit is None:
            errors.append(mapping.error(row, f"không có đơn vị mã {row.code} trong danh bạ"))
            continue
        if row.to is not None:
            target = resolved[row.code][0] if row.code in resolved else row.to
            if target not in units:
                errors.append(
                    mapping.error(row, f"không có đơn vị mã {row.to} trong danh bạ", to=True)
                )
            targets[row.code] = target
            continue
        work = _open_work(session, unit)
        parent = unit.parent.code if unit.parent is not None else None
        inherited = resolved[parent][0] if parent is not None and parent in resolved else None
        if work:
            errors.append(
                mapping.error(
                    row,
                    f"{row.code} ({unit.name}) còn {', '.join(work)} nhưng không có đơn vị kế "
                    "thừa: cần nêu đơn vị nhận",
                    to=True,
                )
            )
        elif inherited is None:
            errors.append(
                mapping.error(
                    row,
                    f"{row.code} không có đơn vị kế thừa, và đơn vị cấp trên của nó không được "
                    "sáp nhập vào đâu trong tệp",
                    to=True,
                )
            )
        else:
            targets[row.code] = inherited
    errors += _unmapped_levels(
        session, mapping, units, set(targets) | {r.code for r in mapping.rows}
    )
    if errors:
        raise InputErrors(errors)
    by_target: dict[str, list[str]] = defaultdict(list)
    first: dict[str, Row] = {}
    for row in mapping.rows:
        target, seen = targets[row.code], {row.code}
        while target in targets and target not in seen:  # into a unit that goes up (no `to`)
            seen.add(target)
            target = targets[target]
        by_target[target].append(row.code)
        first.setdefault(target, row)
    return [(codes, t) for t, codes in by_target.items()], [first[t] for t in by_target]


def _unmapped_levels(
    session: Session, mapping: Mapping, units: dict[str, Unit], mapped: set[str]
) -> list[InputError]:
    """Units of a removed level, under a unit the file merges, that the file forgets."""
    levels = set(mapping.spec.removed_levels)
    if not levels:
        return []
    children: dict[int, list[Unit]] = defaultdict(list)
    for unit in units.values():
        if unit.parent_id is not None:
            children[unit.parent_id].append(unit)
    stack = [units[c] for c in mapped if c in units]
    seen: set[int] = set()
    errors = []
    while stack:
        unit = stack.pop()
        if unit.id in seen:
            continue
        seen.add(unit.id)
        stack.extend(children[unit.id])
        if unit.kind in levels and unit.code not in mapped and unit.successor_id is None:
            work = _open_work(session, unit)
            still = f": còn {', '.join(work)}" if work else ""
            errors.append(
                InputError(
                    mapping.path,
                    mapping.source.line_of(("removed_levels",)),
                    "removed_levels",
                    f"{unit.code} ({unit.name}) thuộc cấp {unit.kind.label} bị bỏ nhưng tệp "
                    f"không nêu đơn vị kế thừa{still}",
                )
            )
    return sorted(errors, key=lambda e: e.message)


def _open_work(session: Session, unit: Unit) -> list[str]:
    """What a unit still has to do or answer for, in Vietnamese ('3 nghĩa vụ đang mở')."""
    counts = {
        "nghĩa vụ đang mở": select(func.count(Obligation.id)).where(
            Obligation.unit_id == unit.id, Obligation.status.in_(CHASED)
        ),
        "nhân tố đăng ký hoặc chủ trì": select(func.count(Candidate.id)).where(
            (Candidate.registered_by_id == unit.id) | (Candidate.lead_agency_id == unit.id)
        ),
        "lĩnh vực chủ trì": select(func.count()).where(FieldLeadAgency.unit_id == unit.id),
        "cụm/khối thi đua do đơn vị làm trưởng": select(func.count(Cluster.id)).where(
            Cluster.leader_id == unit.id
        ),
        "kế hoạch làm cơ quan thường trực": select(func.count(Campaign.id)).where(
            Campaign.standing_body_id == unit.id
        ),
    }
    out = []
    for label, query in counts.items():
        n = session.scalar(query) or 0
        if n:
            out.append(f"{n} {label}")
    return out


def _quotas(
    session: Session, units: dict[str, Unit], groups: list[tuple[list[str], str]]
) -> dict[str, int]:
    """Per successor, the quotas that counted for one of its predecessors."""
    led: dict[int, set[int]] = defaultdict(set)  # unit id -> field ids
    for field_id, unit_id in session.execute(
        select(FieldLeadAgency.field_id, FieldLeadAgency.unit_id)
    ):
        led[unit_id].add(field_id)
    quotas = list(session.scalars(select(Quota)))
    out: dict[str, int] = {}
    for codes, target in groups:
        found = set()
        for code in codes:
            unit = units[code]
            for quota in quotas:
                selector = quota.applies_to or {}
                if (quota.scope in LEAD_SCOPES and quota.field_id in led[unit.id]) or (
                    code in selector.get("units", ())
                    or unit.kind.value in selector.get("kinds", ())
                ):
                    found.add(quota.id)
        if found:
            out[target] = len(found)
    return out


def _registry(
    session: Session, units: dict[str, Unit], groups: list[tuple[list[str], str]]
) -> dict[str, int]:
    """Per predecessor, the honour-roll lines that stay in its book as written."""
    ids = {units[c].id: c for codes, _ in groups for c in codes}
    rows = session.execute(
        select(RegistryEntry.unit_id, func.count(RegistryEntry.id))
        .where(RegistryEntry.unit_id.in_(ids))
        .group_by(RegistryEntry.unit_id)
    )
    return {ids[unit_id]: n for unit_id, n in rows}
