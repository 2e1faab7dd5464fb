"""Sealed ballot papers on the roll: sealed when a member votes, opened when the ballot closes.

models/sealing.py does the cryptography; this module decides what is sealed (a member's whole
paper, in the ballot's candidate order), where it is kept (the member's roll row) and what the
close does with it (anonymous rows in one shuffled batch, then the papers and the salt erased).
See docs/voting.md, "Secrecy". Errors are `SealBroken`; the ballot services turn them into
refusals.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from models.db import Settings
from models.orm import Contact
from models.orm.ballots import Ballot, BallotParticipation, BallotVote
from models.sealing import PaperSeal, SealBroken, decode_paper, encode_paper
from models.signing import load_secret_key
from models.voting import VoteChoice


def paper_seal_from_env(settings: Settings | None = None) -> PaperSeal:
    """The seal made from the server's secret key (TDKT_SECRET_KEY, else the data directory's
    key file): the one every process that takes votes or closes ballots must share."""
    settings = settings or Settings.from_env()
    return PaperSeal(load_secret_key(settings.data_dir))


def roll_rows(session: Session, ballot: Ballot) -> list[BallotParticipation]:
    """The ballot's roll: one row per member, with their sealed paper while it is open."""
    return list(
        session.scalars(
            select(BallotParticipation).where(BallotParticipation.ballot_id == ballot.id)
        )
    )


def paper_order(ballot: Ballot) -> list[int]:
    """The candidates in the order a paper lists them: by id, fixed when the ballot opened."""
    return sorted(c.id for c in ballot.candidates)


def _salt(ballot: Ballot) -> bytes:
    if ballot.seal_salt is None:  # a ballot has none once it is closed
        raise SealBroken(f"phiếu #{ballot.id} không còn khóa niêm phong")
    return ballot.seal_salt


def seal_paper(
    ballot: Ballot, member: Contact, marked: dict[int, VoteChoice], seal: PaperSeal
) -> bytes:
    """The member's paper (a choice for every candidate), sealed for their roll row."""
    paper = encode_paper(paper_order(ballot), marked)
    return seal.seal(paper, ballot_id=ballot.id, salt=_salt(ballot), contact_id=member.id)


def open_papers(session: Session, ballot: Ballot, seal: PaperSeal, shuffle: random.Random) -> None:
    """Open every sealed paper and write its choices as anonymous rows; erase the papers.

    One row per choice on one candidate, each with a fresh random key, all inserted in one
    shuffled batch in the closing transaction: no order the database keeps of how rows were
    written (page cells, WAL frames, PostgreSQL's heap, ctid and xmin) follows the roll's
    `voted_at`, and no whole paper can be put back together. The sealed papers and the
    ballot's salt are then erased, so the database as it stands can no longer derive the key.
    A paper that does not open stops the close (SealBroken): counting without it would drop
    a vote.
    """
    order, salt = paper_order(ballot), _salt(ballot)
    roll = roll_rows(session, ballot)
    votes = _cast_before_sealing(session, ballot, roll)
    for row in roll:
        if row.sealed_paper is None:
            continue
        try:
            paper = seal.open(
                row.sealed_paper, ballot_id=ballot.id, salt=salt, contact_id=row.contact_id
            )
            votes.extend(decode_paper(order, paper).items())
        except SealBroken:
            raise SealBroken(
                f"không mở được phiếu đã niêm phong của {row.contact.name}: khóa bí mật của máy "
                "chủ (TDKT_SECRET_KEY) đã đổi từ khi mở phiếu, hoặc dữ liệu phiếu đã bị sửa"
            ) from None
    shuffle.shuffle(votes)
    session.execute(delete(BallotVote).where(BallotVote.ballot_id == ballot.id))
    if votes:
        session.execute(
            insert(BallotVote),
            [
                {
                    "id": str(uuid.UUID(int=shuffle.getrandbits(128), version=4)),
                    "ballot_id": ballot.id,
                    "candidate_id": cid,
                    "choice": choice,
                }
                for cid, choice in votes
            ],
        )
    _erase_seals(session, ballot)


def discard_papers(session: Session, ballot: Ballot) -> None:
    """Erase every sealed paper of a postponed ballot unread, with its salt and any vote rows
    cast before migration 0013: a session without quorum decides nothing, so no count of it
    is made or kept (docs/voting.md, "Quorum"). Vote rows that no member can have cast stop
    it as they stop a close (SealBroken): tampering is reported, not wiped."""
    roll = roll_rows(session, ballot)
    _cast_before_sealing(session, ballot, roll)
    session.execute(delete(BallotVote).where(BallotVote.ballot_id == ballot.id))
    _erase_seals(session, ballot)


def _erase_seals(session: Session, ballot: Ballot) -> None:
    """The sealed papers and the ballot's salt, gone: the key can no longer be derived."""
    session.execute(
        update(BallotParticipation)
        .where(BallotParticipation.ballot_id == ballot.id)
        .values(sealed_paper=None)
    )
    ballot.seal_salt = None
    session.flush()


def _cast_before_sealing(
    session: Session, ballot: Ballot, roll: list[BallotParticipation]
) -> list[tuple[int, VoteChoice]]:
    """Rows of votes cast before migration 0013 (one per candidate per such member): they join
    the close's batch.

    Only members who voted without a sealed paper can have them: any other row (one written
    straight into the table) stops the close instead of being counted.
    """
    rows = [
        (v.candidate_id, v.choice)
        for v in session.scalars(select(BallotVote).where(BallotVote.ballot_id == ballot.id))
    ]
    unsealed = sum(1 for p in roll if p.voted_at is not None and p.sealed_paper is None)
    per_candidate = Counter(cid for cid, _ in rows)
    if rows and any(per_candidate[cid] != unsealed for cid in paper_order(ballot)):
        raise SealBroken(f"phiếu #{ballot.id}: số phiếu đã lưu không khớp với danh sách bỏ phiếu")
    return rows
