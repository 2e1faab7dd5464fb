"""Obligations the process creates as it goes: a council member's vote, a publication, a
reward decision. Opened from the state of ballots, publications and proposals, and settled
from it, so the services that vote, publish and decide need not know about the chase."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, case, cast, func, select
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
    vote_occurrence,
)
from models.recognition import AWAITING_DECISION
from models.services.obligations import StatusChange, change_statuses
from models.services.rows import insert_rows, rows_in
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


def subject_id_sql(occurrence: Any, prefix: str) -> ColumnElement[int | None]:
    """models.process.subject_id, in SQL: the id an occurrence "p12" or "r12" names, NULL
    where it names none (checked before the cast, which PostgreSQL would refuse)."""
    digits = func.substr(occurrence, 2)
    names_one = and_(
        func.substr(occurrence, 1, 1) == prefix,
        func.length(occurrence) > 1,
        func.ltrim(digits, "0123456789") == "",
    )
    return case((names_one, cast(digits, Integer)), else_=None)


def settle_process_obligations(session: Session, campaign: Campaign, *, at: dt.datetime) -> int:
    """Votes cast, articles published, decisions taken: their obligations are done.

    An article's or a decision's is found by the database, joining the outstanding
    obligations to their subject by the id the occurrence names: a national campaign has
    tens of thousands outstanding (the articles never published, the proposals never decided)
    and reading them every morning was most of the settling. The votes, a ballot's few
    dozen members, are decided from plain columns; those settled today are moved in one
    UPDATE (models.services.obligations.change_statuses), in obligation order."""
    outstanding = (
        select(Obligation.id, Obligation.status)
        .join(Obligation.milestone)
        .where(Obligation.campaign_id == campaign.id, Obligation.status.in_(CHASED))
    )
    changes = _settled_votes(
        session,
        session.execute(
            outstanding.add_columns(Obligation.occurrence).where(Milestone.code == COUNCIL_VOTE)
        ).all(),
        at,
    )
    publication = subject_id_sql(Obligation.occurrence, "p")
    changes += [
        _done(oid, status, at, url)
        for oid, status, url in session.execute(
            outstanding.add_columns(Publication.url)
            .join(Publication, Publication.id == publication)
            .where(Milestone.code == PUBLICATION, Publication.published_on.is_not(None))
        )
    ]
    proposal = subject_id_sql(Obligation.occurrence, "r")
    changes += [
        _done(oid, status, at, "đã có quyết định khen thưởng")
        for oid, status in session.execute(
            outstanding.join(RewardProposal, RewardProposal.id == proposal).where(
                Milestone.code == REWARD_DECISION, RewardProposal.status == "decided"
            )
        )
    ]
    change_statuses(session, sorted(changes, key=lambda c: c.obligation_id))
    return len(changes)


def _settled_votes(
    session: Session, pending: Sequence[tuple[int, ObligationStatus, str]], at: dt.datetime
) -> list[StatusChange]:
    """The members' vote obligations settled: voted, or waived once the ballot closed."""
    votes = {oid: v for oid, _, occurrence in pending if (v := ballot_and_member(occurrence))}
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
    changes: list[StatusChange] = []
    for oid, status, _ in pending:
        if (vote := votes.get(oid)) is None:
            continue
        if vote in voted:
            changes.append(_done(oid, status, at, "đã bỏ phiếu"))
        elif ballot_status.get(vote[0], "open") != "open":  # closed without this vote
            changes.append(
                StatusChange(
                    oid, status, ObligationStatus.WAIVED, at, ACTOR, "cuộc bình xét đã kết thúc"
                )
            )
    return changes


def _done(oid: int, status: ObligationStatus, at: dt.datetime, note: str | None) -> StatusChange:
    return StatusChange(oid, status, ObligationStatus.SUBMITTED, at, ACTOR, note)
