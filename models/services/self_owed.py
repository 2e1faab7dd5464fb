"""Obligations a unit owes to itself, opened before the rule that no one owes themselves
(models.addressing.owes) existed: waived, once, with the reason in the audit log.

New databases never hold one: obligations open only for units that owe the milestone (a
selector by kind no longer makes the standing body owe its own registration to itself). An
existing database may: "Sở Nội vụ" owed "Đăng ký thi đua" to "Sở Nội vụ" and was escalated
about it. The sweep (tasks.chasing.prepare_day) calls :func:`waive_self_owed` each morning:
it looks only at chased obligations whose unit is their milestone's recipient (few, and none
once waived), so it costs nothing after the first run and changes nothing when run again. A
unit the plan names itself among those who owe (models.addressing.own_task: its own task,
such as seed 004's "Đảng ủy Sở ... tổ chức gặp mặt") keeps its obligation.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Campaign, Milestone, Obligation
from models.policy import CHASED
from models.quotas import quota_milestones
from models.services.obligations import Directory, StatusChange, change_statuses, plan_of
from models.vocabulary import ObligationStatus

ACTOR = "hệ thống: không tự nộp cho mình"
REASON_STANDING_BODY = "cơ quan thường trực không nộp cho chính mình"
REASON_UNIT = "đơn vị không nộp cho chính mình"


def waive_self_owed(
    session: Session, campaign: Campaign, *, at: dt.datetime, directory: Directory | None = None
) -> int:
    """Waive the campaign's chased obligations that a unit owes to itself without the plan
    naming it; how many. Personal obligations (a vote, a mentor's assessment) and the
    process's own are left alone: a person, not the unit, owes them."""
    plan = plan_of(campaign)
    by_code = {m.id: m for m in (*plan.milestones, *(m for m, _ in quota_milestones(plan)))}
    rows = session.execute(
        select(Obligation.id, Obligation.status, Obligation.unit_id, Milestone.code)
        .join(Obligation.milestone)
        .where(
            Obligation.campaign_id == campaign.id,
            Obligation.status.in_(CHASED),
            Obligation.unit_id == Milestone.recipient_id,
            # the plan's own milestones: the process's (an article the standing body owes
            # its own portal) are never waived, and a national campaign owes thousands
            Milestone.code.in_(list(by_code)),
            Obligation.contact_id.is_(None),
            Obligation.candidate_id.is_(None),
        )
        .order_by(Obligation.id)
    ).all()
    if not rows:
        return 0
    directory = directory or Directory(session)
    standing_body = campaign.standing_body.acting().id
    changes = [
        StatusChange(
            oid,
            ObligationStatus(status),
            ObligationStatus.WAIVED,
            at,
            ACTOR,
            REASON_STANDING_BODY if unit_id == standing_body else REASON_UNIT,
        )
        for oid, status, unit_id, code in rows
        if (milestone := by_code.get(code)) is not None
        and not directory.owes(directory.units[unit_id], milestone)
    ]
    change_statuses(session, changes)
    return len(changes)
