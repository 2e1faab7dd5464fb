"""Reorganisation benchmark: the 2025 reorganisation of a national programme, from one file.

Before: 63 provinces, 700 districts, 10,000 communes and 2,000 base units (under the communes),
every province, commune and base unit owing each of 4 milestones, all open. The mapping file
(YAML, one row per predecessor, `removed_levels: [district]`) merges 29 provinces into the 34
others, removes every district (its work to a new commune of its province) and merges the
communes three into one (3,334 new communes, created in bulk beforehand as a directory file
would). What is timed is `tdkt directory reorganise` without the console: reading and checking
the file, then models.services.reorganise.reorganise in one transaction, committed.

    .venv/bin/python -m bench.reorganise [--quick] [--json] [--scale 0.25] [--database-url URL]
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bench import national
from bench.common import arguments, machine, peak_rss_mib, report, scratch_environment
from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.orm import Contact, Obligation, Unit
from models.policy import CHASED
from models.vocabulary import ContactRole, UnitKind

PROVINCES, KEPT, DISTRICTS, COMMUNES, BASE = 63, 34, 700, 10_000, 2_000
MILESTONES = 4
FIRST, LAST = dt.date(2025, 3, 3), dt.date(2025, 12, 1)


def build(session: Session, factor: float, folder: Path) -> tuple[Path, int]:
    """The directory before, the successors, the open obligations and the mapping file;
    returns the file and how many obligations are open."""
    calendar = default_calendar()
    provinces = max(2, round(PROVINCES * factor))
    kept = max(1, round(KEPT * factor))
    communes = max(provinces * 3, round(COMMUNES * factor))
    shape = national.Shape(provinces, communes, provinces + communes + round(BASE * factor))
    campaign = national.load(
        session, shape, national.plan(MILESTONES, FIRST, LAST, calendar), calendar, contacts=True
    )
    opened = national.open_all(session, campaign, calendar, opened_on=FIRST)
    province_ids = dict(
        session.execute(select(Unit.code, Unit.id).where(Unit.kind == UnitKind.PROVINCE)).all()
    )
    codes = sorted(province_ids)
    districts = [
        (f"{codes[h % provinces]}.H{h:04d}", codes[h % provinces])
        for h in range(max(provinces, round(DISTRICTS * factor)))
    ]
    _add(
        session,
        [(c, "Ủy ban nhân dân huyện", UnitKind.DISTRICT, province_ids[p]) for c, p in districts],
    )
    old_communes = sorted(
        session.execute(
            select(Unit.code).where(Unit.kind == UnitKind.COMMUNE).order_by(Unit.code)
        ).scalars()
    )
    successor_province = {c: codes[i % kept] for i, c in enumerate(codes)}
    new_of: dict[str, str] = {}
    new_rows: list[tuple[str, str, UnitKind, int]] = []
    for i, code in enumerate(old_communes):
        province = successor_province[code.rsplit(".", 1)[0]]
        new = f"{province}.M{i // 3:05d}"
        if new not in {r[0] for r in new_rows[-1:]}:
            new_rows.append(
                (new, "Ủy ban nhân dân xã mới", UnitKind.COMMUNE, province_ids[province])
            )
        new_of[code] = new
    _add(session, new_rows)
    first_new: dict[str, str] = {}
    for code, new in new_of.items():
        first_new.setdefault(successor_province[code.rsplit(".", 1)[0]], new)
    moves = [
        f"  - {{from: {c}, to: {successor_province[c]}}}"
        for c in codes
        if successor_province[c] != c
    ]
    moves += [f"  - {{from: {c}, to: {first_new[successor_province[p]]}}}" for c, p in districts]
    moves += [f"  - {{from: {c}, to: {new}}}" for c, new in new_of.items()]
    path = folder / "sap-xep-2025.yaml"
    path.write_text(
        "format: 1\ntitle: Sắp xếp đơn vị hành chính toàn quốc năm 2025 (tổng hợp)\n"
        "effective: 2025-07-01\nremoved_levels: [district]\nmoves:\n" + "\n".join(moves) + "\n",
        encoding="utf-8",
    )
    return path, opened


def _add(session: Session, rows: list[tuple[str, str, UnitKind, int]]) -> None:
    """Units and an emulation officer each, in bulk."""
    session.execute(
        insert(Unit), [{"code": c, "name": n, "kind": k, "parent_id": p} for c, n, k, p in rows]
    )
    ids = dict(
        session.execute(select(Unit.code, Unit.id).where(Unit.code.in_([r[0] for r in rows]))).all()
    )
    session.execute(
        insert(Contact),
        [
            {
                "unit_id": ids[c],
                "name": "Cán bộ thi đua",
                "role": ContactRole.EMULATION_OFFICER,
                "email": f"{c.lower().replace('.', '-')}@qg.example",
            }
            for c, *_ in rows
        ],
    )


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0] if __doc__ else "reorganise",
        scale={"type": float, "default": None, "help": "share of the national shape"},
    )
    factor = args.scale or (0.05 if args.quick else 1.0)
    with scratch_environment(args.database_url) as folder:
        from models.db import engine_for, unit_of_work
        from models.reorganisation_file import read_mapping
        from models.services.reorganise import reorganise

        started = time.perf_counter()
        with unit_of_work() as session:
            path, opened = build(session, factor, folder)
        setup = time.perf_counter() - started
        at = dt.datetime(2025, 7, 1, 8, 0, tzinfo=TIMEZONE)
        t0, cpu0 = time.perf_counter(), time.process_time()
        mapping = read_mapping(path)
        read = time.perf_counter() - t0
        with unit_of_work() as session:
            done = reorganise(session, mapping, at=at, actor="bench")
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        with unit_of_work() as session:
            stranded = session.scalar(
                select(func.count(Obligation.id))
                .join(Unit, Unit.id == Obligation.unit_id)
                .where(Unit.successor_id.is_not(None), Obligation.status.in_(CHASED))
            )
        backend = engine_for().dialect.name
    obligations = sum(len(u.obligations) for m in done.merges for u in m.units)
    duplicates = sum(len(u.duplicates) for m in done.merges for u in m.units)
    result: dict[str, Any] = {
        "scale": factor,
        "rows_in_file": len(mapping.rows),
        "predecessors": done.predecessors,
        "successors": len(done.merges),
        "obligations_open": opened,
        "obligations_moved": obligations,
        "duplicates_settled": duplicates,
        "rows_moved": done.rows_moved,
        "left_on_dissolved_units": stranded,
        "read_seconds": round(read, 2),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "setup_seconds": round(setup, 1),
        "peak_rss_mib": round(peak_rss_mib()),
        "backend": backend,
        "machine": machine(),
    }
    report(
        result,
        [
            f"{len(mapping.rows):,} rows: {done.predecessors:,} units into {len(done.merges):,} "
            f"successors ({backend}, scale {factor}; set up in {setup:.0f} s)",
            f"{done.rows_moved:,} rows moved in {seconds:.1f} s ({cpu:.1f} s of CPU; the file "
            f"read and checked in {read:.1f} s): of {opened:,} open obligations, "
            f"{obligations:,} moved and {duplicates:,} settled against the successor's own; "
            f"{stranded} still chased on a dissolved unit",
        ],
        as_json=args.json,
    )


if __name__ == "__main__":
    main()
