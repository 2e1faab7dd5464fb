"""Issue 20, existing databases: an obligation a unit owes to itself, opened before the rule
that no one owes themselves, is waived by the sweep with its reason in the audit log; a unit's
own task, which the plan names, is not (models.services.self_owed)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from models.calendar import default_calendar
from models.clock import TIMEZONE, now
from models.db import unit_of_work
from models.orm import AuditEntry, Campaign, Milestone, Obligation, Unit
from models.services.directory import import_directory_file
from models.services.obligations import open_obligations
from models.services.plans import load_plan_file
from models.services.self_owed import REASON_STANDING_BODY, waive_self_owed
from models.vocabulary import ObligationStatus
from tasks.chasing import prepare_day
from tests.conftest import QB_DIRECTORY, QB_PLAN, ROOT

AT = dt.datetime(2022, 10, 5, 8, 0, tzinfo=TIMEZONE)
PARTY_PLAN = ROOT / "plans" / "cong-thuong-party-2023-2025.yaml"


def _owed_to_itself(slug: str, milestone: str, unit: str) -> int:
    """An obligation as an older version opened it: the unit owes the milestone to itself."""
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        row = session.scalars(
            select(Milestone).where(
                Milestone.campaign_id == campaign.id, Milestone.code == milestone
            )
        ).one()
        model = session.scalars(select(Obligation).where(Obligation.milestone_id == row.id)).first()
        assert model is not None
        owner = session.scalars(select(Unit).where(Unit.code == unit)).one()
        return session.execute(
            insert(Obligation).returning(Obligation.id),
            [
                {
                    "campaign_id": campaign.id,
                    "milestone_id": row.id,
                    "unit_id": owner.id,
                    "occurrence": model.occurrence,
                    "due": model.due,
                    "effective_due": model.effective_due,
                    "chase_due": model.chase_due,
                    "next_step_on": dt.date.min,
                    "status": ObligationStatus.OVERDUE,
                    "status_changed_at": AT,
                    "opened_on": AT.date(),
                    "cycle": 1,
                }
            ],
        ).scalar_one()


def test_the_standing_body_owing_itself_is_waived_once_with_its_reason() -> None:
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=now(), actor="test")
        campaign = session.scalars(select(Campaign)).one()
        open_obligations(session, campaign, default_calendar(), until=dt.date(2022, 12, 31), at=AT)
    oid = _owed_to_itself("quang-binh-2021-2025", "unit-plan", "QB.SNV")
    prepare_day.fn("quang-binh-2021-2025", AT)  # the sweep waives it
    with unit_of_work() as session:
        waived = session.get(Obligation, oid)
        assert waived is not None and waived.status == ObligationStatus.WAIVED
        assert waived.note == REASON_STANDING_BODY == "cơ quan thường trực không nộp cho chính mình"
        (entry,) = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "obligation", AuditEntry.entity_id == oid)
        )
        assert (entry.action, entry.from_status, entry.reason) == (
            "obligation.waived",
            "overdue",
            REASON_STANDING_BODY,
        )
        others = session.scalars(
            select(Obligation).where(Obligation.status == ObligationStatus.WAIVED)
        ).all()
        assert [o.id for o in others] == [oid]  # nobody else's obligation
        campaign = session.scalars(select(Campaign)).one()
        assert waive_self_owed(session, campaign, at=AT) == 0  # idempotent
        assert (
            len(session.scalars(select(AuditEntry).where(AuditEntry.entity_id == oid)).all()) == 1
        )


def test_a_units_own_task_named_by_the_plan_is_kept() -> None:
    """Seed 004 names the Đảng ủy Sở, which receives, among those who hold the 19/5 meeting."""
    with unit_of_work() as session:
        load_plan_file(session, PARTY_PLAN, default_calendar(), at=now(), actor="test")
        campaign = session.scalars(select(Campaign)).one()
        open_obligations(session, campaign, default_calendar(), until=dt.date(2024, 6, 30), at=AT)
        own = session.scalars(
            select(Obligation)
            .join(Obligation.milestone)
            .join(Obligation.unit)
            .where(Milestone.code == "gap-mat-bieu-duong-19-5", Unit.code == "XX.SCT.DU")
        ).all()
        assert own and all(o.unit_id == o.milestone.recipient_id for o in own)
        assert waive_self_owed(session, campaign, at=AT) == 0
        assert {o.status for o in own} == {ObligationStatus.OPEN}
