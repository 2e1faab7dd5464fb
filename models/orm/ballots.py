"""Councils and their secret ballots (bình xét, bỏ phiếu kín).

Secrecy is kept by what reaches storage, not by discipline in the code that reads it (see
docs/voting.md, "Secrecy"):

- `BallotParticipation` says WHO is on a ballot's roll and whether and when they voted, and
  which candidates they declared a conflict of interest on (a declaration is made openly).
  While the ballot is open it also keeps the member's whole paper SEALED (`sealed_paper`,
  models/sealing.py): encrypted under a per-ballot key derived from the server's secret key
  and `Ballot.seal_salt`, so a copy of the database files does not tell what it says.
- `BallotVote` says WHAT was voted, and is written only when the ballot closes: the papers are
  opened and their choices written as one row per choice on one candidate, with no member, no
  timestamp, a fresh random key, all in one shuffled batch; the sealed papers and the salt
  are then erased. Nothing joins a vote to a participation row but the ballot, and no order
  the database keeps (page cells, WAL frames, PostgreSQL's ctid and xmin) follows the roll.

A migration for `ballot_votes` must keep `sqlite_with_rowid=False` (no hidden rowid).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Float, ForeignKey, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.orm.base import AwareDateTime, Base
from models.orm.campaign import Campaign
from models.orm.directory import Contact, Unit, enum_column
from models.orm.lifecycle import Candidate
from models.voting import BallotStatus, ConflictCounting, VoteChoice


class Council(Base):
    """A Hội đồng Thi đua - Khen thưởng (or a panel of it) that belongs to one unit."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    quorum: Mapped[float] = mapped_column(Float, doc="Share of all members who must take part")
    approval: Mapped[float] = mapped_column(Float, doc="Share of all members who must approve")
    conflict_counting: Mapped[ConflictCounting] = mapped_column(
        enum_column(ConflictCounting, "conflict_counting"),
        default=ConflictCounting.COUNTED,
        server_default=ConflictCounting.COUNTED.value,
        doc="How a declared conflict counts: the council's quy chế (models.voting)",
    )

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

    The rule (quorum, approval, conflict counting) is copied from the council when the ballot
    opens, so that a later change to the council does not change a vote already under way, and
    so is the key of the decree in force that day (models.voting_basis), which the minutes cite.
    A ballot without a quorum of members present ends `postponed`: nothing was decided.
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
    seal_salt: Mapped[bytes | None] = mapped_column(
        LargeBinary, doc="Random salt of the key that seals the papers; erased at the close"
    )
    conflict_counting: Mapped[ConflictCounting] = mapped_column(
        enum_column(ConflictCounting, "conflict_counting"),
        default=ConflictCounting.COUNTED,
        server_default=ConflictCounting.COUNTED.value,
    )
    basis: Mapped[str | None] = mapped_column(
        String(40), doc="Key of the decree in force when it opened (models.voting_basis)"
    )

    council: Mapped[Council] = relationship()
    campaign: Mapped[Campaign] = relationship()
    candidates: Mapped[list[Candidate]] = relationship(
        secondary="ballot_candidates", order_by="Candidate.id"
    )


class BallotCandidate(Base):
    __tablename__ = "ballot_candidates"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id"), primary_key=True, index=True
    )


class BallotParticipation(Base):
    """The roll: one row per member when the ballot opens; voted_at is set when they vote.

    WHO voted (and when) is kept here, and WHAT only sealed, until the close. The roll is fixed
    at opening, so the council's size on this ballot (the denominator of every share) cannot
    drift mid-vote.
    """

    __tablename__ = "ballot_participation"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), primary_key=True)
    voted_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())
    conflict_candidate_ids: Mapped[list[int]] = mapped_column(
        JSON, default=list, doc="Candidates the member declared a conflict on (and abstained)"
    )
    sealed_paper: Mapped[bytes | None] = mapped_column(
        LargeBinary, doc="The member's paper, encrypted (models/sealing.py); erased at the close"
    )
    written: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default=false(),
        doc="The paper is an absent member's written opinion, not a vote at the meeting",
    )
    document: Mapped[str | None] = mapped_column(
        String(200), doc="The written opinion's document reference (số văn bản), if any"
    )
    entered_by: Mapped[str | None] = mapped_column(
        String(320), doc="Who entered a written opinion for the member (None: the member)"
    )

    contact: Mapped[Contact] = relationship()


def _random_key() -> str:
    return str(uuid.uuid4())


class BallotVote(Base):
    """One anonymous choice on one candidate, written at the close: no member, no time, a
    random key (see above)."""

    __tablename__ = "ballot_votes"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy's own form)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=_random_key)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"))
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice, "vote_choice"))
