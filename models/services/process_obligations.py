"""Obligations the process creates as it goes: a council member's vote, a publication, a
reward decision. Opened from the state of ballots, publications and proposals, and settled
from it, so the services that vote, publish and decide need not know about the chase."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, String, cast, select
from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.orm import (
    Ballot,
    BallotParticipation,
    Campaign,
    Candidate,
    Contact,
    Milestone,
    Obligation,
    Publication,
    RewardProposal,
)
from models.policy import CHASED
from models.process import (
    COUNCIL_VOTE,
    PUBLICATION,
    REWARD_DECISION,
    ballot_and_member,
    decision_occurrence,
    publication_occurrence,
    subject_id,
    vote_occurrence,
)
from models.recognition import AWAITING_DECISION
from models.services.obligations import StatusChange, change_statuses
from models.services.rows import among, insert_rows, rows_in
from models.vocabulary import ObligationStatus

ACTOR = "hệ thống: tiến trình"


def open_process_obligations(
    session: Session, campaign: Campaign, calendar: WorkingCalendar, *, at: dt.datetime
) -> int:
    """One obligation per member yet to vote, per publication owed, per decision awaited.

    Each act is looked for in SQL with no obligation yet (NOT EXISTS on the obligations'
    (milestone, occurrence) index): a national campaign owes thousands of articles and
    decisions for years, and reading them all every morning to find the few new ones was most
    of this step's cost."""
    rows = {m.code: m for m in campaign.milestones}
    if COUNCIL_VOTE not in rows:
        return 0  # loaded before the process milestones existed

    def unopened(code: str, occurrence: Any) -> Any:
        return ~(
            select(Obligation.id)
            .where(Obligation.milestone_id == rows[code].id, Obligation.occurrence == occurrence)
            .exists()
        )

    # (milestone code, occurrence, unit id, contact id, due), in a stated order: articles by
    # their exemplar's registration, decisions by proposal (the orders SQLite gave before
    # they were asked for, so the obligations keep their ids; PostgreSQL gave any)
    wanted: list[tuple[str, str, int, int | None, dt.date]] = [
        (
            COUNCIL_VOTE,
            vote_occurrence(ballot_id, contact_id),
            unit_id,
            contact_id,
            closes_at.date(),
        )
        for ballot_id, contact_id, unit_id, closes_at in session.execute(
            select(
                BallotParticipation.ballot_id,
                BallotParticipation.contact_id,
                Contact.unit_id,
                Ballot.closes_at,
            )
            .join(Ballot, BallotParticipation.ballot_id == Ballot.id)
            .join(Contact, BallotParticipation.contact_id == Contact.id)
            .where(
                Ballot.campaign_id == campaign.id,
                Ballot.status == "open",
                BallotParticipation.voted_at.is_(None),
                unopened(
                    COUNCIL_VOTE,
                    vote_occurrence_sql(
                        BallotParticipation.ballot_id, BallotParticipation.contact_id
                    ),
                ),
            )
            .order_by(BallotParticipation.ballot_id, BallotParticipation.contact_id)
        )
    ]
    wanted += [
        (PUBLICATION, publication_occurrence(pub_id), unit_id, None, due)
        for pub_id, unit_id, due in session.execute(
            select(Publication.id, Publication.responsible_unit_id, Publication.due_on)
            .join(Publication.candidate)
            .where(
                Candidate.campaign_id == campaign.id,
                Publication.published_on.is_(None),
                unopened(PUBLICATION, subject_occurrence_sql("p", Publication.id)),
            )
            .order_by(Candidate.created_at, Candidate.id, Publication.id)
        )
    ]
    wanted += [
        (REWARD_DECISION, decision_occurrence(proposal_id), unit_id, None, due)
        for proposal_id, unit_id, due in session.execute(
            select(
                RewardProposal.id, RewardProposal.authority_unit_id, RewardProposal.decision_due_on
            )
            .join(RewardProposal.candidate)
            .where(
                Candidate.campaign_id == campaign.id,
                RewardProposal.status.in_(AWAITING_DECISION),  # a dossier still prepared owes none
                unopened(REWARD_DECISION, subject_occurrence_sql("r", RewardProposal.id)),
            )
            .order_by(RewardProposal.id)
        )
    ]
    new = [
        {
            "campaign_id": campaign.id,
            "milestone_id": rows[code].id,
            "unit_id": owed_by,
            "contact_id": member,
            "occurrence": occurrence,
            "due": due,
            "effective_due": (effective := calendar.effective_due(due)),
            "chase_due": effective,
            "status": ObligationStatus.OPEN,
            "status_changed_at": at,
            "opened_on": at.date(),
            "cycle": 1,
        }
        for code, occurrence, owed_by, member, due in wanted
    ]
    insert_rows(session, Obligation, new)  # one multi-row INSERT, as open_obligations
    return len(new)


def vote_occurrence_sql(ballot_id: Any, member_id: Any) -> ColumnElement[str]:
    """models.process.vote_occurrence, in SQL."""
    return "b" + cast(ballot_id, String) + "/m" + cast(member_id, String)


def subject_occurrence_sql(prefix: str, subject_id: Any) -> ColumnElement[str]:
    """models.process.publication_occurrence ("p") or decision_occurrence ("r"), in SQL."""
    return prefix + cast(subject_id, String)


def settle_process_obligations(session: Session, campaign: Campaign, *, at: dt.datetime) -> int:
    """Votes cast, articles published, decisions taken: their obligations are done.

    Decided from plain columns in a few IN queries, not one query per obligation: a national
    campaign has thousands of publications and decisions outstanding every day; those settled
    today are moved in one UPDATE (models.services.obligations.change_statuses)."""
    codes = (COUNCIL_VOTE, PUBLICATION, REWARD_DECISION)
    pending = session.execute(
        select(Obligation.id, Obligation.occurrence, Obligation.status)
        .join(Obligation.milestone)
        .where(
            Obligation.campaign_id == campaign.id,
            Obligation.status.in_(CHASED),
            Milestone.code.in_(codes),
        )
    ).all()
    votes = {oid: v for oid, occurrence, _ in pending if (v := ballot_and_member(occurrence))}
    publication_of = {
        oid: p for oid, occurrence, _ in pending if (p := subject_id(occurrence, "p"))
    }
    proposal_of = {oid: r for oid, occurrence, _ in pending if (r := subject_id(occurrence, "r"))}
    ballot_ids = {ballot for ballot, _ in votes.values()}
    ballot_status = dict(rows_in(session, select(Ballot.id, Ballot.status), Ballot.id, ballot_ids))
    voted = set(
        rows_in(
            session,
            select(BallotParticipation.ballot_id, BallotParticipation.contact_id).where(
                BallotParticipation.voted_at.is_not(None)
            ),
            BallotParticipation.ballot_id,
            ballot_ids,
        )
    )
    published: dict[int, str | None] = dict(
        rows_in(
            session,
            select(Publication.id, Publication.url).where(Publication.published_on.is_not(None)),
            Publication.id,
            publication_of.values(),
        )
    )
    decided = among(
        session, RewardProposal.id, proposal_of.values(), RewardProposal.status == "decided"
    )
    changes: list[StatusChange] = []
    for oid, _, status in pending:
        if (vote := votes.get(oid)) is not None:
            if vote in voted:
                changes.append(_done(oid, status, at, "đã bỏ phiếu"))
            elif ballot_status.get(vote[0], "open") != "open":  # closed without this vote
                changes.append(
                    StatusChange(
                        oid, status, ObligationStatus.WAIVED, at, ACTOR, "cuộc bình xét đã kết thúc"
                    )
                )
        elif (publication_id := publication_of.get(oid)) in published:
            changes.append(_done(oid, status, at, published[publication_id]))
        elif proposal_of.get(oid) in decided:
            changes.append(_done(oid, status, at, "đã có quyết định khen thưởng"))
    change_statuses(session, changes)
    return len(changes)


def _done(oid: int, status: ObligationStatus, at: dt.datetime, note: str | None) -> StatusChange:
    return StatusChange(oid, status, ObligationStatus.SUBMITTED, at, ACTOR, note)
