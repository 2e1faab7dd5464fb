"""A synthetic national programme: 34 provinces, 3,000 communes, 20,000 units in all, and a
five-year plan of one-off milestones every one of them owes.

Built with bulk inserts (Core), not the directory importer, so a benchmark's set-up takes
seconds rather than what it measures. Codes are ASCII (QG, QG.P01, QG.P01.X0001...), names
Vietnamese; contacts are at the reserved .example domain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.clock import TIMEZONE
from models.orm import Campaign, Contact, Obligation, Unit
from models.plan import Plan
from models.schedule import schedule_milestone
from models.services.due_steps import chain_of, first_step_from
from models.services.obligations import plan_of
from models.services.plans import load_plan
from models.vocabulary import ContactRole, ObligationStatus, UnitKind

ISSUER, STANDING_BODY = "QG", "QG.BTDKT"
CHUNK = 20_000


@dataclass(frozen=True)
class Shape:
    provinces: int = 34
    communes: int = 3_000
    units: int = 20_000  # all units that owe: provinces, communes and base units

    @classmethod
    def scaled(cls, factor: float) -> Shape:
        """The same shape, smaller (for --quick)."""
        provinces = max(2, round(34 * factor))
        return cls(provinces, max(provinces, round(3_000 * factor)), round(20_000 * factor))


def plan(milestones: int, first: dt.date, last: dt.date, calendar: WorkingCalendar) -> Plan:
    """A plan whose milestones fall on working days spread evenly from first to last."""
    span = (last - first).days
    rows: list[dict[str, Any]] = []
    for n in range(milestones):
        day = first + dt.timedelta(days=span * n // max(milestones - 1, 1))
        while calendar.is_day_off(day):
            day += dt.timedelta(days=1)
        rows.append(
            {
                "id": f"bao-cao-{n + 1:02d}",
                "kind": "annual_report",
                "title": f"Báo cáo kết quả xây dựng điển hình tiên tiến (đợt {n + 1})",
                "clause": f"IV.{n + 1}",
                "phrase": f"trước ngày {day + dt.timedelta(days=1):%d/%m/%Y}",
                "from": {
                    "kinds": ["province", "commune", "base_unit"],
                    "description": "Các tỉnh, xã và đơn vị cơ sở",
                },
                "to": STANDING_BODY,
            }
        )
    return Plan.model_validate(
        {
            "id": "quoc-gia-2021-2025",
            "title": "Kế hoạch xây dựng và nhân rộng điển hình tiên tiến toàn quốc (tổng hợp)",
            "document": {
                "number": "1/KH-BENCH",
                "date": dt.date(first.year, 1, 4),
                "issuer": ISSUER,
                "issuer_name": "Hội đồng Thi đua - Khen thưởng Trung ương",
            },
            "period": f"{first.year}-{last.year}",
            "standing_body": STANDING_BODY,
            "agencies": {
                ISSUER: {"name": "Hội đồng Thi đua - Khen thưởng Trung ương", "kind": "ministry"},
                STANDING_BODY: {
                    "name": "Ban Thi đua - Khen thưởng Trung ương",
                    "kind": "central_agency",
                    "parent": ISSUER,
                },
            },
            "stages": [{"stage": "discover", "words": "phát hiện"}],
            "milestones": rows,
        }
    )


def load(
    session: Session, shape: Shape, the_plan: Plan, calendar: WorkingCalendar, *, contacts: bool
) -> Campaign:
    """The directory (bulk) and the plan (through the service, as an operator would)."""
    at = dt.datetime(the_plan.period.start, 1, 4, 8, 0, tzinfo=TIMEZONE)
    campaign = load_plan(
        session, the_plan, calendar, at=at, actor="bench", source="bench", sha256="bench"
    ).campaign
    issuer = session.scalars(select(Unit).where(Unit.code == ISSUER)).one()
    standing = session.scalars(select(Unit).where(Unit.code == STANDING_BODY)).one()
    session.add(
        Contact(  # a leader is written to by name and position (models.correspondence)
            unit=issuer,
            name="Nguyễn Văn Hội",
            position="Chủ tịch Hội đồng Thi đua - Khen thưởng Trung ương",
            role=ContactRole.COUNCIL_CHAIR,
            email="chu-tich@qg.example",
        )
    )
    session.add(
        Contact(
            unit=standing, name="Ban TĐKT", role=ContactRole.STANDING_BODY, email="btdkt@qg.example"
        )
    )
    session.add(  # its own late articles are escalated to its head, as any unit's
        Contact(
            unit=standing,
            name="Trần Thị Ban",
            position="Trưởng Ban Thi đua - Khen thưởng Trung ương",
            role=ContactRole.HEAD,
            email="truong-ban@qg.example",
        )
    )
    for unit, mailbox in ((issuer, "hd"), (standing, "btdkt")):  # they owe decisions, articles
        session.add(
            Contact(
                unit=unit,
                name="Cán bộ thi đua",
                role=ContactRole.EMULATION_OFFICER,
                email=f"thi-dua-{mailbox}@qg.example",
            )
        )
    provinces = _insert_units(
        session,
        [
            (f"{ISSUER}.P{p:02d}", f"Ủy ban nhân dân tỉnh số {p}", UnitKind.PROVINCE, issuer.id)
            for p in range(1, shape.provinces + 1)
        ],
    )
    communes = _insert_units(
        session,
        [
            (f"{code}.X{c:04d}", f"Ủy ban nhân dân xã số {c}", UnitKind.COMMUNE, pid)
            for c in range(1, shape.communes + 1)
            for code, pid in [provinces[(c - 1) % len(provinces)]]
        ],
    )
    base = shape.units - shape.provinces - shape.communes
    units = _insert_units(
        session,
        [
            (f"{code}.U{u:05d}", f"Đơn vị cơ sở số {u}", UnitKind.BASE_UNIT, cid)
            for u in range(1, base + 1)
            for code, cid in [communes[(u - 1) % len(communes)]]
        ],
    )
    if contacts:
        everyone = provinces + communes + units
        for start in range(0, len(everyone), CHUNK):
            rows: list[dict[str, Any]] = []
            for code, uid in everyone[start : start + CHUNK]:
                mailbox = code.lower().replace(".", "-")
                rows.append(_contact(uid, "Cán bộ thi đua", ContactRole.EMULATION_OFFICER, mailbox))
                rows.append(_contact(uid, "Thủ trưởng", ContactRole.HEAD, f"tt-{mailbox}"))
            session.execute(insert(Contact), rows)
    session.flush()
    return campaign


def _contact(unit_id: int, name: str, role: ContactRole, mailbox: str) -> dict[str, Any]:
    return {"unit_id": unit_id, "name": name, "role": role, "email": f"{mailbox}@qg.example"}


def _insert_units(
    session: Session, rows: list[tuple[str, str, UnitKind, int]]
) -> list[tuple[str, int]]:
    for start in range(0, len(rows), CHUNK):
        session.execute(
            insert(Unit),
            [
                {"code": code, "name": name, "kind": kind, "parent_id": parent}
                for code, name, kind, parent in rows[start : start + CHUNK]
            ],
        )
    codes = {code for code, *_ in rows}
    found = session.execute(select(Unit.code, Unit.id).where(Unit.kind == rows[0][2])).all()
    return sorted((code, uid) for code, uid in found if code in codes)


def open_all(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    *,
    opened_on: dt.date,
    swept_until: dt.date | None = None,
) -> int:
    """Every unit's obligation for every milestone, open, in bulk: what a national programme
    holds once its plan is loaded. With swept_until, each one's next step day is what daily
    sweeps up to that day would have left (nobody having submitted). Returns how many."""
    the_plan = plan_of(campaign)
    steps_for = chain_of(the_plan.reminders, calendar)
    owers = session.scalars(
        select(Unit.id).where(
            Unit.kind.in_([UnitKind.PROVINCE, UnitKind.COMMUNE, UnitKind.BASE_UNIT])
        )
    ).all()
    at = dt.datetime.combine(opened_on, dt.time(7, 0), TIMEZONE)
    rows_by_code = {m.code: m for m in campaign.milestones}
    count = 0
    for milestone in the_plan.milestones:
        due = schedule_milestone(the_plan, milestone, calendar).dues[0]
        template = {
            "campaign_id": campaign.id,
            "milestone_id": rows_by_code[milestone.id].id,
            "occurrence": due.occurrence,
            "due": due.due,
            "effective_due": due.effective_due,
            "chase_due": due.effective_due,
            "next_step_on": first_step_from(
                steps_for(due.effective_due),
                max(opened_on, swept_until + dt.timedelta(days=1)) if swept_until else opened_on,
            ),
            "status": ObligationStatus.OPEN,
            "status_changed_at": at,
            "opened_on": opened_on,
            "cycle": 1,
        }
        for start in range(0, len(owers), CHUNK):
            session.execute(
                insert(Obligation),
                [{**template, "unit_id": uid} for uid in owers[start : start + CHUNK]],
            )
        count += len(owers)
    session.flush()
    return count
