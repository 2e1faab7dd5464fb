"""Councils and their secret ballots (bình xét, bỏ phiếu kín).

Secrecy is kept by the shape of the tables, not by discipline in the code that reads them:

- `BallotParticipation` says WHO is on a ballot's roll and whether and when they voted, and
  which candidates they declared a conflict of interest on (a declaration is made openly).
- `BallotVote` says WHAT was voted: one row per choice on one candidate, with no member, no
  timestamp and no sequential id. Its key is a random UUID and, on SQLite, the table has no
  hidden rowid (WITHOUT ROWID), so neither the key nor the storage order tells the order in
  which rows were written, and nothing joins a vote to a participation row but the ballot.
  A member's choices on different candidates are separate rows too, so even a whole paper
  cannot be put back together (a member could otherwise sign one with a unique pattern).
- When a ballot closes, its votes are written again in one shuffled batch with new keys
  (`models.services.ballots.close_ballot`), so that what the database itself keeps about the
  writing transaction (PostgreSQL's xmin, the physical order of rows) no longer matches the
  times in the participation rows.

A migration for `ballot_votes` must keep `sqlite_with_rowid=False`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.orm.base import AwareDateTime, Base
from models.orm.campaign import Campaign
from models.orm.directory import Contact, Unit, enum_column
from models.orm.lifecycle import Candidate
from models.voting import BallotStatus, VoteChoice


class Council(Base):
    """A Hội đồng Thi đua - Khen thưởng (or a panel of it) that belongs to one unit."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    quorum: Mapped[float] = mapped_column(Float, doc="Share of all members who must take part")
    approval: Mapped[float] = mapped_column(Float, doc="Share of all members who must approve")

    unit: Mapped[Unit] = relationship()
    members: Mapped[list[Contact]] = relationship(
        secondary="council_members", order_by="Contact.name"
    )


class CouncilMember(Base):
    __tablename__ = "council_members"

    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), primary_key=True)


class Ballot(Base):
    """One secret ballot of a council on some candidates of a campaign, open until closes_at.

    The rule (quorum, approval) is copied from the council when the ballot opens, so that a
    later change to the council does not change a vote already under way.
    """

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    award: Mapped[str] = mapped_column(String(80), doc="e.g. 'giay-khen', 'chien-si-thi-dua-tinh'")
    opens_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    closes_at: Mapped[dt.datetime] = mapped_column(
        AwareDateTime(), doc="The last moment a vote is accepted"
    )
    status: Mapped[BallotStatus] = mapped_column(
        enum_column(BallotStatus, "ballot_status"), default=BallotStatus.OPEN
    )
    quorum: Mapped[float] = mapped_column(Float)
    approval: Mapped[float] = mapped_column(Float)
    minutes: Mapped[str | None] = mapped_column(Text, doc="Biên bản bình xét, plain text")
    closed_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())

    council: Mapped[Council] = relationship()
    campaign: Mapped[Campaign] = relationship()
    candidates: Mapped[list[Candidate]] = relationship(
        secondary="ballot_candidates", order_by="Candidate.id"
    )


class BallotCandidate(Base):
    __tablename__ = "ballot_candidates"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), primary_key=True)


class BallotParticipation(Base):
    """The roll: one row per member when the ballot opens; voted_at is set when they vote.

    WHO voted (and when) is kept here, never WHAT. The roll is fixed at opening, so the
    council's size on this ballot (the denominator of every share) cannot drift mid-vote.
    """

    __tablename__ = "ballot_participation"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), primary_key=True)
    voted_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())
    conflict_candidate_ids: Mapped[list[int]] = mapped_column(
        JSON, default=list, doc="Candidates the member declared a conflict on (and abstained)"
    )

    contact: Mapped[Contact] = relationship()


def _random_key() -> str:
    return str(uuid.uuid4())


class BallotVote(Base):
    """One anonymous choice on one candidate: no member, no time, a random key (see above)."""

    __tablename__ = "ballot_votes"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy's own form)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_random_key)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice, "vote_choice"))
