"""A dissolved unit's obligations passing to its successor: moved, or settled against the
successor's own when it already owes the same occurrence (models.services.reorganisation's
docstring sets out which, and why)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import AuditEntry, Obligation, SubmittedDocument, Unit
from models.phrases import occurrence_label
from models.policy import CHASED
from models.services.obligations import submit, waive
from models.vocabulary import ObligationStatus

MERGED = "obligation.merged"
"""The audit action on both obligations of a duplicate; its presence makes a re-run skip it."""

Note = Callable[[str, str, int | None, str], None]
"""The audit writer a merge hands to its steps: (action, entity, entity id, reason)."""


@dataclass(frozen=True)
class MovedObligation:
    """One obligation of the predecessor, as it was before the merge."""

    id: int
    campaign: str
    milestone: str
    title: str
    occurrence: str
    due: dt.date
    status: ObligationStatus

    @property
    def period(self) -> str:
        """'năm 2024', 'quý I/2024'; '' for a one-off."""
        return occurrence_label(self.occurrence)


@dataclass(frozen=True)
class Duplicate:
    """A predecessor's obligation the successor already owed: what became of the two."""

    obligation: MovedObligation
    successor_obligation_id: int
    outcome: str  # Vietnamese, for people


def move_obligations(
    session: Session,
    unit: Unit,
    successor: Unit,
    note: Note,
    moved: str,
    *,
    at: dt.datetime,
    actor: str,
) -> tuple[list[MovedObligation], list[Duplicate]]:
    """Move each obligation of `unit` to `successor`, or settle it against the successor's own
    (models.services.reorganisation's docstring says which and why); what moved, and the
    duplicates with what became of each."""
    transferred: list[MovedObligation] = []
    duplicates: list[Duplicate] = []
    # Milestones and campaigns are few: each loads once, then comes from the identity map.
    mine = session.scalars(
        select(Obligation).where(Obligation.unit_id == unit.id).order_by(Obligation.id)
    ).all()
    if not mine:
        return transferred, duplicates
    theirs = {
        (o.milestone_id, o.occurrence): o
        for o in session.scalars(select(Obligation).where(Obligation.unit_id == successor.id))
    }
    handled = set(
        session.scalars(
            select(AuditEntry.entity_id).where(
                AuditEntry.action == MERGED,
                AuditEntry.entity == "obligation",
                AuditEntry.entity_id.in_([o.id for o in mine]),
            )
        )
    )
    for obligation in mine:
        if obligation.id in handled:
            continue  # a duplicate an earlier run settled: it stays on the predecessor
        before = _describe(obligation)
        survivor = theirs.get((obligation.milestone_id, obligation.occurrence))
        if survivor is None:
            obligation.unit = successor
            theirs[obligation.milestone_id, obligation.occurrence] = obligation
            transferred.append(before)
            note(
                "obligation.transferred",
                "obligation",
                obligation.id,
                f"chuyển nghĩa vụ #{obligation.id} ({obligation.milestone.code}"
                f"{_of(before)}, {obligation.status.label}) {moved}",
            )
            continue
        outcome = _settle_duplicate(
            session, obligation, survivor, unit, successor, at=at, actor=actor
        )
        duplicates.append(Duplicate(before, survivor.id, outcome))
        where = f"{obligation.milestone.code}{_of(before)}"
        note(
            MERGED,
            "obligation",
            obligation.id,
            f"nghĩa vụ #{obligation.id} ({where}) của {unit.code} trùng nghĩa vụ #{survivor.id} "
            f"của {successor.code} khi sáp nhập: {outcome}",
        )
        note(
            MERGED,
            "obligation",
            survivor.id,
            f"nhận nghĩa vụ #{obligation.id} ({where}, {before.status.label}) của {unit.code} "
            f"khi sáp nhập vào {successor.code}: {outcome}",
        )

    return transferred, duplicates


def _settle_duplicate(
    session: Session,
    obligation: Obligation,
    survivor: Obligation,
    unit: Unit,
    successor: Unit,
    *,
    at: dt.datetime,
    actor: str,
) -> str:
    """Settle the predecessor's obligation against the successor's own; say what was done."""
    if obligation.status in CHASED:
        waive(
            session,
            obligation,
            at=at,
            actor=actor,
            reason=f"{unit.code} đã sáp nhập vào {successor.code}: việc này tiếp tục ở nghĩa vụ "
            f"#{survivor.id} của {successor.code}",
        )
        return (
            f"nghĩa vụ của {unit.code} được miễn, {successor.code} tiếp tục theo nghĩa vụ "
            f"#{survivor.id} ({survivor.status.label})"
        )
    sent = obligation.status in (ObligationStatus.SUBMITTED, ObligationStatus.ACCEPTED)
    if sent and survivor.status in CHASED:
        submit(
            session,
            survivor,
            at=at,
            actor=actor,
            note=f"đã nộp qua {unit.code} (nghĩa vụ #{obligation.id}) trước khi sáp nhập",
        )
        survivor.submitted_at = obligation.submitted_at or at
        for doc in session.scalars(
            select(SubmittedDocument).where(SubmittedDocument.obligation_id == obligation.id)
        ):
            session.add(
                SubmittedDocument(
                    obligation_id=survivor.id,
                    sha256=doc.sha256,
                    filename=doc.filename,
                    media_type=doc.media_type,
                    size=doc.size,
                    uploaded_at=doc.uploaded_at,
                    uploaded_by=doc.uploaded_by,
                    signature_status=doc.signature_status,
                    signature=doc.signature,
                    signature_checked_at=doc.signature_checked_at,
                )
            )
        return (
            f"{unit.code} đã nộp ({obligation.status.label.lower()}), nên nghĩa vụ "
            f"#{survivor.id} của {successor.code} chuyển sang 'Đã nộp' chờ tiếp nhận, kèm "
            f"tài liệu đã nộp; nghĩa vụ của {unit.code} giữ lại làm hồ sơ"
        )
    return (
        f"giữ nguyên cả hai: nghĩa vụ của {unit.code} ({obligation.status.label}) làm hồ sơ, "
        f"nghĩa vụ #{survivor.id} của {successor.code} ({survivor.status.label})"
    )


def _describe(obligation: Obligation) -> MovedObligation:
    return MovedObligation(
        id=obligation.id,
        campaign=obligation.campaign.slug,
        milestone=obligation.milestone.code,
        title=obligation.milestone.title,
        occurrence=obligation.occurrence,
        due=obligation.chase_due,
        status=obligation.status,
    )


def _of(obligation: MovedObligation) -> str:
    return f", {obligation.period}" if obligation.period else ""
