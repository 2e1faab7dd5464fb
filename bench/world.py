"""A synthetic world for benchmarks: N units with contacts, and a plan whose milestones fall due
on chosen days, written as ordinary directory and plan files and loaded the way `tdkt` does.

Benchmarks need worlds far larger than tests/data (10,000 units and more) whose chase on a given
day is known in advance: every unit owes every milestone and its emulation officer gets the
reminders, so a sweep on a day that is `before` working days ahead of one due date writes
exactly one reminder email per unit. Going through the real file formats and loaders keeps the
benchmark honest about what a real import and sweep cost (the loaders take seconds per
thousand units; for millions of rows see bench.national, which inserts in bulk).

    world = write_world(folder, units=10_000, due=[due_in(day, 3)])
    load_world(world)  # into the configured database (TDKT_DATA_DIR / TDKT_DATABASE_URL)
    prepare_day.fn(world.plan_id, morning(day))  # 10,000 reminders in the outbox
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from models.calendar import default_calendar
from models.clock import TIMEZONE

ISSUER = "W"
STANDING_BODY = "W.SNV"
ISSUER_NAME = "Ủy ban nhân dân tỉnh Thử Nghiệm"
CONTACTS_PER_UNIT = ("emulation_officer", "head")


@dataclass(frozen=True)
class World:
    """Files of one synthetic world, and what a sweep of it should produce."""

    plan_id: str
    directory: Path
    plan: Path
    units: int  # responsible units (the issuer and the standing body not counted)
    due: tuple[dt.date, ...]  # one milestone per date, in order


def unit_code(n: int) -> str:
    """The directory code of the n-th synthetic unit (1-based)."""
    return f"W.X{n:05d}"


def officer_email(n: int) -> str:
    """The address that receives the n-th unit's reminders (reserved .example domain)."""
    return f"thidua.x{n:05d}@bench.example"


def due_in(day: dt.date, working_days: int) -> dt.date:
    """The date `working_days` working days after day on the Vietnamese calendar."""
    return default_calendar().add_working_days(day, working_days)


def morning(day: dt.date) -> dt.datetime:
    """07:30 in Vietnam on day: when the scheduled daily sweep runs."""
    return dt.datetime.combine(day, dt.time(7, 30), TIMEZONE)


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _directory_yaml(units: int) -> str:
    lines = [
        "format: 1",
        "units:",
        f"  - {{code: {ISSUER}, name: {_q(ISSUER_NAME)}, kind: province, contacts: [",
        '      {name: "Chủ tịch UBND tỉnh", role: council_chair, email: chutich@bench.example}]}',
        f"  - {{code: {STANDING_BODY}, name: Sở Nội vụ, kind: department, parent: {ISSUER},",
        "     contacts: [{name: Ban Thi đua - Khen thưởng, role: standing_body,",
        "                 email: tdkt.snv@bench.example}]}",
    ]
    for n in range(1, units + 1):
        name = f"Ủy ban nhân dân xã Thử Nghiệm {n}"
        lines.append(
            f"  - {{code: {unit_code(n)}, name: {_q(name)}, kind: commune, parent: {ISSUER},"
            f" contacts: [{{name: {_q(f'Nguyễn Văn Thi Đua {n}')}, role: emulation_officer,"
            f" email: {officer_email(n)}}}, {{name: {_q(f'Chủ tịch xã {n}')}, role: head,"
            f" email: chutich.x{n:05d}@bench.example}}]}}"
        )
    return "\n".join(lines) + "\n"


def _plan_yaml(plan_id: str, due: Sequence[dt.date], before: Sequence[int]) -> str:
    first, last = min(due), max(due)
    lines = [
        "format: 1",
        f"id: {plan_id}",
        f"title: {_q('Kế hoạch thử tải phong trào thi đua và điển hình tiên tiến')}",
        f"document: {{number: 1/KH-BENCH, date: {first.year}-01-02, issuer: {ISSUER},",
        f"           issuer_name: {_q(ISSUER_NAME)}}}",
        f"period: {first.year}-{last.year + 1}",
        f"standing_body: {STANDING_BODY}",
        "agencies:",
        f"  {ISSUER}: {{name: {_q(ISSUER_NAME)}, kind: province}}",
        f"  {STANDING_BODY}: {{name: Sở Nội vụ, kind: department, parent: {ISSUER}}}",
        "stages: [{stage: discover, words: phát hiện}]",
        "milestones:",
    ]
    for i, day in enumerate(due, start=1):
        lines += [
            f"  - id: bao-cao-{i}",
            "    kind: plan_submission",
            f"    title: {_q(f'Gửi báo cáo kết quả phong trào thi đua đợt {i}')}",
            f"    clause: III.{i}",
            f"    phrase: {_q(f'chậm nhất ngày {day:%d/%m/%Y}')}",
            "    from: {kinds: [commune], description: Ủy ban nhân dân các xã}",
            f"    to: {STANDING_BODY}",
        ]
    lines += [
        "reminders:",
        f"  before_working_days: [{', '.join(str(b) for b in before)}]",
        "  on_due_date: true",
    ]
    return "\n".join(lines) + "\n"


def write_world(
    folder: Path,
    *,
    units: int,
    due: Sequence[dt.date],
    before: Sequence[int] = (3,),
    plan_id: str = "bench-world",
) -> World:
    """Write directory.yaml and plan.yaml into folder: `units` communes under one province, each
    with an emulation officer and a head, and one milestone per date in `due` owed by every
    commune to the standing body, with reminders `before` working days ahead (plus the due-day
    notice and the default escalations)."""
    if units < 1 or not due:
        raise ValueError("a world needs at least one unit and one due date")
    folder.mkdir(parents=True, exist_ok=True)
    directory, plan = folder / "directory.yaml", folder / "plan.yaml"
    directory.write_text(_directory_yaml(units), encoding="utf-8")
    plan.write_text(_plan_yaml(plan_id, due, before), encoding="utf-8")
    return World(plan_id, directory, plan, units, tuple(due))


def load_world(world: World, *, at: dt.datetime | None = None) -> None:
    """Import the directory and load the plan into the configured database, in one transaction
    each, exactly as `tdkt directory import` and `tdkt plan load` do."""
    from models.clock import now
    from models.db import unit_of_work
    from models.services.directory import import_directory_file
    from models.services.plans import load_plan_file

    when = at or now()
    with unit_of_work() as session:
        import_directory_file(session, world.directory, at=when, actor="bench")
    with unit_of_work() as session:
        load_plan_file(session, world.plan, default_calendar(), at=when, actor="bench")
