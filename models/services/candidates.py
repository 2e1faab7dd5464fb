"""Registering candidates and moving them through the lifecycle, with an audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models.lengths import check_length
from models.lifecycle import CandidateStage, check_stage
from models.orm import (
    Assessment,
    AuditEntry,
    Campaign,
    CampaignField,
    Candidate,
    Contact,
    Obligation,
    Unit,
)
from models.policy import CHASED
from models.services.audit import record
from models.services.rows import among, update_rows
from models.vocabulary import SubjectKind


class RegistrationError(ValueError):
    """A registration that does not fit the plan (unknown field, year outside the period...)."""


def register(
    session: Session,
    campaign: Campaign,
    *,
    unit: Unit,
    subject: SubjectKind,
    name: str,
    subject_ref: str,
    year: int,
    at: dt.datetime,
    actor: str,
    field_code: str | None = None,
    description: str | None = None,
    party_member: bool = False,
    subject_unit: Unit | None = None,
    leads_unit: Unit | None = None,
) -> Candidate:
    """Đăng ký xây dựng điển hình: a unit registers a candidate for a field of a campaign.

    The field's first lead agency answers for it (fields with several lead agencies: the one
    the registering unit is, if any).
    """
    if not campaign.period_start <= year <= campaign.period_end:
        raise RegistrationError(
            f"năm {year} nằm ngoài giai đoạn {campaign.period_start}-{campaign.period_end}"
        )
    if not name.strip():
        raise RegistrationError("cần ghi tên tập thể, cá nhân hoặc hộ gia đình")
    check_length(Candidate.name, name.strip(), "Tên tập thể, cá nhân hoặc hộ gia đình")
    check_length(Candidate.description, description, "Mô tả")
    check_length(Candidate.subject_ref, subject_ref, "Mã đối tượng")
    field: CampaignField | None = None
    if field_code is not None:
        field = next((f for f in campaign.fields if f.code == field_code), None)
        if field is None:
            known = ", ".join(f.code for f in campaign.fields)
            raise RegistrationError(f"kế hoạch không có lĩnh vực '{field_code}' (có: {known})")
    lead = None
    if field is not None and field.lead_agencies:
        lead = next((u for u in field.lead_agencies if u.id == unit.id), field.lead_agencies[0])
    candidate = Candidate(
        campaign=campaign,
        field=field,
        registered_by=unit,
        lead_agency=lead,
        subject=subject,
        name=name.strip(),
        subject_ref=subject_ref,
        subject_unit=subject_unit,
        leads_unit=leads_unit,
        party_member=party_member,
        description=description,
        year=year,
        stage=CandidateStage.REGISTERED,
        stage_changed_at=at,
        created_at=at,
    )
    session.add(candidate)
    session.flush()
    record(
        session,
        at=at,
        actor=actor,
        action="candidate.registered",
        entity="candidate",
        entity_id=candidate.id,
        to_status=CandidateStage.REGISTERED.value,
        reason=f"{unit.code} đăng ký {subject.label.lower()} '{candidate.name}'",
    )
    return candidate


def move(
    session: Session,
    candidate: Candidate,
    target: CandidateStage,
    *,
    at: dt.datetime,
    actor: str,
    reason: str | None = None,
) -> None:
    """Change a candidate's stage if the process allows it (raises IllegalStageTransition)."""
    current = candidate.stage
    check_stage(current, target)
    candidate.stage = target
    candidate.stage_changed_at = at
    _record_move(session, candidate.id, current, target, at=at, actor=actor, reason=reason)


class Move(NamedTuple):
    """One candidate's move: to which stage, when, by whom and why."""

    candidate: Candidate
    target: CandidateStage
    at: dt.datetime
    actor: str
    reason: str | None = None


def move_all(
    session: Session,
    candidates: Sequence[Candidate],
    target: CandidateStage,
    *,
    at: dt.datetime,
    actor: str,
    reason: str | None = None,
) -> None:
    """move for many candidates at once (a national ceremony honours thousands)."""
    move_each(session, [Move(c, target, at, actor, reason) for c in candidates])


def move_each(session: Session, moves: Sequence[Move]) -> None:
    """Each move made as move would: every one checked first, then one executemany UPDATE by
    primary key instead of a flush through the unit of work per object; the objects are told
    their new stage as already stored (update_rows)."""
    left = [m.candidate.stage for m in moves]  # before the UPDATE tells them
    for current, m in zip(left, moves, strict=True):
        check_stage(current, m.target)
    if not moves:
        return
    update_rows(
        session,
        Candidate,
        [{"id": m.candidate.id, "stage": m.target, "stage_changed_at": m.at} for m in moves],
    )
    for current, m in zip(left, moves, strict=True):
        _record_move(
            session, m.candidate.id, current, m.target, at=m.at, actor=m.actor, reason=m.reason
        )


def _record_move(
    session: Session,
    candidate_id: int,
    current: CandidateStage,
    target: CandidateStage,
    *,
    at: dt.datetime,
    actor: str,
    reason: str | None,
) -> None:
    record(
        session,
        at=at,
        actor=actor,
        action=f"candidate.{target.value}",
        entity="candidate",
        entity_id=candidate_id,
        from_status=current.value,
        to_status=target.value,
        reason=reason,
    )


def assign_mentor(
    session: Session, candidate: Candidate, mentor: Contact, *, at: dt.datetime, actor: str
) -> None:
    """A mentor follows the candidate; fostering starts (assessments fall due from now)."""
    assign_mentors(session, [Mentoring(candidate, mentor, at, actor)])


class Mentoring(NamedTuple):
    """A mentor assigned to a candidate, when and by whom."""

    candidate: Candidate
    mentor: Contact
    at: dt.datetime
    actor: str


def assign_mentors(session: Session, assignments: Sequence[Mentoring]) -> None:
    """assign_mentor for many candidates (a national intake's thousands): one UPDATE for the
    mentors, one for the stage of those who start fostering."""
    update_rows(
        session,
        Candidate,
        [
            {
                "id": a.candidate.id,
                "mentor_id": a.mentor.id,
                "fostering_since": a.candidate.fostering_since or a.at.date(),
            }
            for a in assignments
        ],
    )
    for a in assignments:
        set_committed_value(a.candidate, "mentor", a.mentor)
    move_each(
        session,
        [
            Move(
                a.candidate,
                CandidateStage.FOSTERING,
                a.at,
                a.actor,
                f"phân công {a.mentor.name} theo dõi, bồi dưỡng",
            )
            for a in assignments
            if a.candidate.stage == CandidateStage.REGISTERED
        ],
    )


def history(session: Session, candidate: Candidate) -> list[AuditEntry]:
    """The candidate's audit trail, oldest first."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "candidate", AuditEntry.entity_id == candidate.id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def ever_moved_to(
    session: Session, candidate_ids: Iterable[int], stage: CandidateStage
) -> set[int]:
    """Those of the candidates ever moved to stage (their audit trail says so): one IN (...) a
    chunk, so a batch asks once rather than once per candidate."""
    return among(
        session,
        AuditEntry.entity_id,
        candidate_ids,
        AuditEntry.entity == "candidate",
        AuditEntry.to_status == stage.value,
    )


def record_assessment(
    session: Session,
    candidate: Candidate,
    *,
    period: str,
    progress: str,
    difficulties: str | None,
    support: str | None,
    at: dt.datetime,
    actor: str,
) -> Assessment:
    """A mentor's assessment for one period; it settles that period's assessment obligation."""
    from models.services.obligations import submit

    if not progress.strip():
        raise RegistrationError("cần ghi tiến độ, kết quả của điển hình")
    check_length(Assessment.progress, progress.strip(), "Tiến độ, kết quả")
    check_length(Assessment.difficulties, difficulties, "Khó khăn, vướng mắc")
    check_length(Assessment.support, support, "Hỗ trợ đã thực hiện")
    assessment = Assessment(
        candidate=candidate,
        period=period,
        progress=progress.strip(),
        difficulties=difficulties,
        support=support,
        recorded_by=actor,
        recorded_at=at,
    )
    session.add(assessment)
    owed = session.scalars(
        select(Obligation).where(
            Obligation.candidate_id == candidate.id,
            Obligation.occurrence == f"{period}/c{candidate.id}",
            Obligation.status.in_(CHASED),
        )
    ).all()
    for obligation in owed:
        submit(session, obligation, at=at, actor=actor, note=f"đánh giá kỳ {period}")
    session.flush()
    record(
        session,
        at=at,
        actor=actor,
        action="candidate.assessed",
        entity="candidate",
        entity_id=candidate.id,
        reason=f"đánh giá kỳ {period}",
    )
    return assessment
