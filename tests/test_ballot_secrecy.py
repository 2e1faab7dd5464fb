"""The secret ballot against someone who copies the database files (issue 18, item 2).

The attack, as it was played against main at 7057c2e: copy the database's files while a ballot
is open, or after it closed; find every stored vote; order the votes by where storage keeps
them (SQLite: a leaf page's cell offsets, the WAL's frames; PostgreSQL: ctid, xmin, the heap
file, pg_dump's rows) and by the first copy they appear in; pair them with the members sorted
by `voted_at` (public: the roll). Where it cannot pair, it guesses blindly: each candidate's
majority choice, which the public tally gives away.

It is played here with 20 members on 10 ballots, with seeded choices, a seeded voting order and
a seeded shuffle at the close (every figure is the same on every run), against the storage as
it is (papers sealed until the close: it must do no better than the blind guess) and against
the shape main had (choices inserted as rows when cast), written here as main wrote them, where
it must succeed: that shows the attack works. The figures are printed; to see them:

    ./dev test tests/test_ballot_secrecy.py -q -s -k attack
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import re
import shutil
import subprocess
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, insert, select, text, update
from sqlalchemy.orm import Session

from models.clock import TIMEZONE
from models.db import make_engine, migrate, unit_of_work
from models.orm import AuditEntry, Campaign, Candidate, Contact, Unit
from models.orm.ballots import Ballot, BallotParticipation, BallotVote, Council
from models.orm.base import Base
from models.sealing import PaperSeal, SealBroken, decode_paper, encode_paper, sealed_length
from models.services import ballots as service
from models.vocabulary import ContactRole
from models.voting import VoteChoice
from tests.conftest import Backend
from tests.test_voting import OPENS, eligible_candidates, small_world

pytestmark = pytest.mark.security

MEMBERS = 20
TRIALS = 10
CANDIDATES = 2
MARGIN = 0.05
"""How much better than the blind guess the attacker may do (of 400 guesses: 20 guesses)."""
WEIGHTS = {VoteChoice.APPROVE: 5, VoteChoice.REJECT: 3, VoteChoice.ABSTAIN: 2}
SEAL = PaperSeal("secrecy-test-server-key-0123456789")
VOTING = dt.datetime(2024, 5, 12, 8, 0, tzinfo=TIMEZONE)
CLOSES = dt.datetime(2024, 5, 15, 23, 59, 59, tzinfo=TIMEZONE)
VALUES = [c.value for c in VoteChoice]
LABELS = [c.label for c in VoteChoice]


@dataclass(frozen=True)
class Found:
    """One vote record an attacker found in a copy: its key and what it says."""

    key: str
    ballot: int
    candidate: int
    choice: VoteChoice


View = list[Found]
"""The records of one copy of one file (or one query), in the order its storage keeps them."""


# --------------------------------------------------------------------------- the attacker


def attack(copies: Sequence[list[View]], ballot: int, candidate: int, voters: int) -> list[Found]:
    """The records of one candidate of a ballot, earliest first, if there are enough to pair.

    A record's place is the first copy it appears in, then its place in that copy's storage
    order. Fewer records than voters: nothing to pair (an empty list).
    """
    rank: dict[str, tuple[int, int]] = {}
    found: dict[str, Found] = {}
    views = [view for copy in copies for view in copy]
    for number, view in enumerate(views):
        for place, record in enumerate(view):
            if (record.ballot, record.candidate) == (ballot, candidate):
                rank.setdefault(record.key, (number, place))
                found.setdefault(record.key, record)
    ordered = sorted(found.values(), key=lambda r: rank[r.key])
    return ordered if len(ordered) >= voters else []


@dataclass
class Score:
    """Right guesses of each attacker, and of the blind guess, over every trial."""

    guesses: int = 0
    blind: int = 0
    right: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, right: int) -> None:
        self.right[label] = self.right.get(label, 0) + right

    def share(self, right: int) -> float:
        return right / self.guesses

    def report(self, title: str) -> str:
        lines = [f"{title}: blind guess {self.share(self.blind):.1%} of {self.guesses}"]
        lines += [f"  {label}: {self.share(n):.1%}" for label, n in self.right.items()]
        return "\n".join(lines)


def judge(
    score: Score,
    copies: dict[str, list[list[View]]],
    ballot: int,
    voters: list[int],
    truth: dict[tuple[int, int], VoteChoice],
) -> None:
    """Each attacker's guesses for every member and candidate of one ballot, scored."""
    candidates = sorted({cid for _, cid in truth})
    majority = {
        cid: Counter(truth[m, cid] for m in voters).most_common(1)[0][0] for cid in candidates
    }
    score.guesses += len(truth)
    score.blind += sum(truth[m, cid] == majority[cid] for m in voters for cid in candidates)
    for label, seen in copies.items():
        right = 0
        for cid in candidates:
            paired = attack(seen, ballot, cid, len(voters))
            for i, member in enumerate(voters):
                guess = paired[i].choice if paired else majority[cid]
                right += guess == truth[member, cid]
        score.add(label, right)


# --------------------------------------------------------------------------- SQLite's files

UUID = rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
SQLITE_VOTE = re.compile(
    # A ballot_votes record: header (5 bytes: its length, text(36), int, int, text(6|7)), body.
    rb"\x05\x55([\x01\x02\x08\x09])([\x01\x02\x08\x09])([\x19\x1b])(" + UUID + rb")"
)


def sqlite_records(data: bytes) -> list[tuple[int, Found]]:
    """Every ballot_votes record in raw SQLite bytes (a page, a file, a WAL), with its offset."""
    found = []
    for match in SQLITE_VOTE.finditer(data):
        at, numbers = match.end(), []
        for serial in (match[1][0], match[2][0]):
            if serial in (8, 9):  # the constants 0 and 1
                numbers.append(serial - 8)
            else:
                numbers.append(int.from_bytes(data[at : at + serial], "big"))
                at += serial
        size = (match[3][0] - 13) // 2
        word = data[at : at + size].decode("ascii", "replace")
        if word in VALUES:
            ballot, candidate = numbers
            found.append(
                (match.start(), Found(match[4].decode(), ballot, candidate, VoteChoice(word)))
            )
    return found


def sqlite_look(engine: Engine) -> list[View]:
    """The main file (by page, then cell offset from the end: the order cells were written in)
    and the WAL (by offset: frames are appended as transactions commit)."""
    path = Path(str(engine.url.database))
    main = path.read_bytes()
    page = int.from_bytes(main[16:18], "big") or 65536
    in_main = sorted(sqlite_records(main), key=lambda r: (r[0] // page, -(r[0] % page)))
    wal = path.with_name(path.name + "-wal")
    in_wal = sqlite_records(wal.read_bytes()) if wal.exists() else []
    return [[r for _, r in in_main], [r for _, r in in_wal]]


class SQLiteFiles:
    """Copies of the database file and its WAL, taken by someone who can read the data dir."""

    def start(self, engine: Engine) -> None:
        """A ballot opens (nothing to note: the WAL is read whole)."""

    def copy(self, engine: Engine, whole: bool = False) -> list[View]:
        return sqlite_look(engine)

    def checkpoint(self, engine: Engine) -> None:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --------------------------------------------------------------------------- PostgreSQL

PG_VOTE = re.compile(
    # A ballot_votes tuple: varchar(36) (1-byte header 0x4b), padding, int4, int4, varchar.
    rb"\x4b(" + UUID + rb")\x00{0,3}(.{4})(.{4})[\x0f\x11](approve|reject|abstain)",
    re.DOTALL,
)


def _superuser(conn: Connection) -> bool:
    return bool(conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")))


def pg_records(data: bytes) -> list[tuple[int, Found]]:
    """Every ballot_votes tuple in raw PostgreSQL bytes (heap pages, WAL), with its offset."""
    found = []
    for m in PG_VOTE.finditer(data):
        ballot, candidate = (int.from_bytes(m[i], "little") for i in (2, 3))
        found.append(
            (m.start(), Found(m[1].decode(), ballot, candidate, VoteChoice(m[4].decode())))
        )
    return found


def postgres_look(engine: Engine) -> list[View]:
    """Rows by ctid, rows by writing transaction (xmin), and, when the test role may (the
    .ci/postgres cluster's is a superuser), the raw heap file after a checkpoint: live and
    dead tuples, by page and offset from the page's end (the order they were written in)."""
    columns = "id, ballot_id, candidate_id, choice"
    views = []
    with engine.connect() as conn:
        for order in ("ctid", "xmin::text::bigint, ctid"):
            rows = conn.execute(text(f"SELECT {columns} FROM ballot_votes ORDER BY {order}"))
            views.append([Found(k, b, c, VoteChoice(v)) for k, b, c, v in rows])
        if _superuser(conn):
            conn.execute(text("CHECKPOINT"))
            path = conn.scalar(text("SELECT pg_relation_filepath('ballot_votes')"))
            heap = pg_records(
                bytes(conn.scalar(text("SELECT pg_read_binary_file(:p)"), {"p": path}))
            )
            views.append([r for _, r in sorted(heap, key=lambda f: (f[0] // 8192, -(f[0] % 8192)))])
        conn.rollback()
    return views


WAL_PAGE = 8192


def wal_look(conn: Connection, since: str) -> View:
    """The WAL written since the LSN `since`, by offset (records are appended as they happen).

    Each WAL page starts with a header (40 bytes on a segment's first page, else 24) that may
    cut a record in two; they are taken out, so that what is found does not depend on where
    the page boundaries fell (that is, on everything written before). A checkpoint first, and
    only up to the flushed position: with synchronous_commit off (the test cluster) the last
    commits may not have reached the file yet.
    """
    conn.execute(text("CHECKPOINT"))
    where = "SELECT file_name, file_offset FROM pg_walfile_name_offset"
    first, start = conn.execute(text(f"{where}(CAST(:lsn AS pg_lsn))"), {"lsn": since}).one()
    last, end = conn.execute(text(f"{where}(pg_current_wal_flush_lsn())")).one()
    size = int(conn.scalar(text("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'")))
    names = sorted(
        n for (n,) in conn.execute(text("SELECT name FROM pg_ls_waldir()")) if first <= n <= last
    )
    read = text("SELECT pg_read_binary_file(:f, :o, :n)")
    data = b""
    for name in names:
        begin = start // WAL_PAGE * WAL_PAGE if name == first else 0
        stop = end if name == last else size
        raw = bytes(conn.scalar(read, {"f": f"pg_wal/{name}", "o": begin, "n": stop - begin}))
        for at in range(0, len(raw), WAL_PAGE):
            data += raw[at + (40 if begin + at == 0 else 24) : at + WAL_PAGE]
    return [r for _, r in pg_records(data)]


def pg_dump_binary(engine: Engine) -> str | None:
    """The server's own pg_dump (.ci/postgres's Debian packages), else one on PATH."""
    with engine.connect() as conn:
        version = int(conn.scalar(text("SHOW server_version_num")) or 0) // 10000
    own = Path(f"/usr/lib/postgresql/{version}/bin/pg_dump")
    return str(own) if own.exists() else shutil.which("pg_dump")


def dump_look(engine: Engine, binary: str) -> list[View]:
    """pg_dump's rows of ballot_votes, in the order it writes them (the heap's)."""
    url = engine.url.set(drivername="postgresql")
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    dsn = url.set(password=None).render_as_string(hide_password=False)
    out = subprocess.run(
        [binary, "--data-only", "--table=ballot_votes", dsn],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = out.partition("FROM stdin;\n")[2].splitlines()
    rows = [line.split("\t") for line in lines[: lines.index("\\.")]] if lines else []
    return [[Found(k, int(b), int(c), VoteChoice(v)) for k, b, c, v in rows]]


class PostgresFiles:
    """Rows by ctid and xmin and the heap file after each vote; besides, at the moments a
    backup is taken (the last vote, the close, a checkpoint), pg_dump's output and the WAL
    written since the ballot opened. Files need a superuser (the .ci/postgres role is one);
    pg_dump, the server's binaries (skipped where there are none)."""

    def __init__(self, engine: Engine) -> None:
        self.dump = pg_dump_binary(engine)
        self.since: str | None = None
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            self.superuser = _superuser(conn)
            conn.execute(text("VACUUM FULL ballot_votes"))  # a reused database's dead tuples

    def start(self, engine: Engine) -> None:
        with engine.connect() as conn:
            self.since = str(conn.scalar(text("SELECT pg_current_wal_lsn()")))

    def copy(self, engine: Engine, whole: bool = False) -> list[View]:
        views = []
        if whole and self.superuser and self.since:  # first: the WAL keeps the oldest order
            with engine.connect() as conn:
                views.append(wal_look(conn, self.since))
        views += postgres_look(engine)
        if whole and self.dump:
            views += dump_look(engine, self.dump)
        return views

    def checkpoint(self, engine: Engine) -> None:
        with engine.connect() as conn:
            if self.superuser:
                conn.execute(text("CHECKPOINT"))
            conn.commit()


# --------------------------------------------------------------------------- the ballots


def _council(session: Session) -> tuple[int, int, list[int]]:
    """A council of 20 members of unit T, made for this test: its id, the campaign, members."""
    small_world(session)
    province = session.scalars(select(Unit).where(Unit.code == "T")).one()
    people = [
        Contact(name=f"Ủy viên {i:02d}", role=ContactRole.COUNCIL_MEMBER, email=f"uv{i}@t.example")
        for i in range(1, MEMBERS + 1)
    ]
    province.contacts.extend(people)
    session.flush()
    council = service.create_council(  # a low quorum: these tests count papers, whoever came
        session, "HD-KIN", "Hội đồng bỏ phiếu kín", province, people, quorum=0.05, at=OPENS,
        actor="test",
    )  # fmt: skip
    campaign = session.scalars(select(Campaign)).one()
    return council.id, campaign.id, [p.id for p in people]


def open_one(
    engine: Engine, council_id: int, campaign_id: int, label: str
) -> tuple[int, list[int]]:
    """A ballot of the council on CANDIDATES new eligible candidates: its id, the candidates."""
    with unit_of_work(engine) as session:
        campaign = session.get_one(Campaign, campaign_id)
        names = [f"Ứng viên {label}-{k}" for k in range(CANDIDATES)]
        ids = eligible_candidates(session, campaign, names)
        ballot = service.open_ballot(
            session,
            session.get_one(Council, council_id),
            campaign,
            [session.get_one(Candidate, i) for i in ids],
            title=f"Bình xét kín {label}",
            award="giay-khen",
            closes_at=CLOSES,
            at=OPENS,
            actor="test",
        )
        return ballot.id, sorted(ids)


def vote(
    engine: Engine,
    ballot_id: int,
    member_id: int,
    marked: dict[int, VoteChoice],
    i: int,
    *,
    sealed: bool = True,
    rng: random.Random | None = None,
) -> None:
    """The member's vote, the i-th of the ballot: sealed, or as main stored it (with rng)."""
    at = VOTING + dt.timedelta(minutes=i)
    with unit_of_work(engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        member = session.get_one(Contact, member_id)
        if sealed:
            as_text = {cid: c.value for cid, c in marked.items()}
            service.cast_vote(session, ballot, member, as_text, set(), at=at, seal=SEAL)
        else:
            cast_as_main_did(session, ballot, member, marked, at, rng or random.Random(i))


def cast_as_main_did(
    session: Session,
    ballot: Ballot,
    member: Contact,
    marked: dict[int, VoteChoice],
    at: dt.datetime,
    rng: random.Random,
) -> None:
    """What cast_vote did at 7057c2e: voted_at, and the choices inserted at once as anonymous
    rows (random keys, shuffled), in the same transaction."""
    session.execute(
        update(BallotParticipation)
        .where(
            BallotParticipation.ballot_id == ballot.id,
            BallotParticipation.contact_id == member.id,
        )
        .values(voted_at=at)
    )
    rows = [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "ballot_id": ballot.id,
            "candidate_id": cid,
            "choice": choice,
        }
        for cid, choice in marked.items()
    ]
    rng.shuffle(rows)
    session.execute(insert(BallotVote), rows)


def stored_choices(engine: Engine, ballot_id: int) -> list[str]:
    """Every stored value that names a choice of the open ballot: its vote rows, and any text
    anywhere else (the roll, the audit log, the obligations...) that holds a choice's value."""
    found: list[str] = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)):
                if table.name == "ballot_votes":
                    found += [str(row)] if row.ballot_id == ballot_id else []
                    continue
                found += [
                    str(value)
                    for value in row
                    if isinstance(value, str) and any(word in value for word in VALUES)
                ]
    return found


def no_choice_in_the_open(
    engine: Engine, ballot_id: int, messages: list[str], copies: list[list[View]]
) -> None:
    """While the ballot is open: no record in any copy, no stored value, no audit entry and no
    log line holds a choice, and every sealed paper has the same length."""
    assert not [r for copy in copies for view in copy for r in view if r.ballot == ballot_id]
    assert stored_choices(engine, ballot_id) == []
    with unit_of_work(engine) as session:
        entries = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "ballot", AuditEntry.entity_id == ballot_id
            )
        ).all()
        said = [f"{e.action} {e.reason} {e.from_status} {e.to_status}" for e in entries]
        papers = session.scalars(
            select(BallotParticipation.sealed_paper).where(
                BallotParticipation.ballot_id == ballot_id
            )
        ).all()
    for line in said + messages:
        assert not any(word in line for word in VALUES + LABELS), line
    assert {len(p or b"") for p in papers} == {sealed_length(CANDIDATES)}


def play(
    engine: Engine,
    files: SQLiteFiles | PostgresFiles,
    sealed: bool,
    caplog: pytest.LogCaptureFixture,
) -> Score:
    """TRIALS ballots of MEMBERS members; every attacker judged on each. With `sealed`, the
    storage as it is, checked while open; without, the rows main wrote when a vote was cast."""
    score = Score()
    with unit_of_work(engine) as session:
        council_id, campaign_id, members = _council(session)
    for trial in range(TRIALS):
        rng = random.Random(f"ballot-secrecy-{trial}")
        ballot_id, candidates = open_one(engine, council_id, campaign_id, f"{trial}")
        files.start(engine)
        voters = rng.sample(members, MEMBERS)  # the order of voted_at
        choices, weights = list(WEIGHTS), list(WEIGHTS.values())
        truth = {(m, cid): rng.choices(choices, weights)[0] for m in voters for cid in candidates}
        caplog.clear()
        while_open: list[list[View]] = []
        for i, member_id in enumerate(voters):
            marked = {cid: truth[member_id, cid] for cid in candidates}
            vote(engine, ballot_id, member_id, marked, i, sealed=sealed, rng=rng)
            while_open.append(files.copy(engine, whole=i == MEMBERS - 1))
        if sealed:
            no_choice_in_the_open(engine, ballot_id, caplog.messages, while_open)
        with unit_of_work(engine) as session:
            ballot = session.get_one(Ballot, ballot_id)
            result = service.close_ballot(
                session,
                ballot,
                at=VOTING + dt.timedelta(hours=2),
                actor="test",
                seal=SEAL,
                shuffle=random.Random(trial),
            )
        counted = {
            row.candidate_id: (row.approve, row.reject, row.abstain) for row in result.candidates
        }
        assert counted == {
            cid: tuple(sum(truth[m, cid] == c for m in voters) for c in WEIGHTS)
            for cid in candidates
        }
        closed = files.copy(engine, whole=True)
        files.checkpoint(engine)
        later = files.copy(engine, whole=True)
        copies = {
            "one copy while open, after the last vote": [while_open[-1]],
            "a copy after each vote": while_open,
            "one copy after the close": [closed],
            "one copy after the close and a checkpoint": [later],
            "every copy": [*while_open, closed, later],
        }
        judge(score, copies, ballot_id, voters, truth)
    return score


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("sealed", [True, False], ids=["sealed", "as-main-stored-it"])
def test_the_file_attack_does_no_better_than_a_blind_guess(
    engine: Engine, sealed: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """20 members, 10 ballots; copies of the files after each vote, after the close and after
    a checkpoint. Sealed: no attacker beats the blind guess by more than MARGIN. As main stored
    it: the attacker with a copy after each vote names (nearly) every member's choice."""
    caplog.set_level(logging.INFO)  # SQLAlchemy's statement log too: nothing in it either
    files = SQLiteFiles() if engine.dialect.name == "sqlite" else PostgresFiles(engine)
    score = play(engine, files, sealed, caplog)
    print(
        "\n" + score.report(f"{engine.dialect.name}, {'sealed' if sealed else 'as main stored it'}")
    )
    if sealed:
        for label, right in score.right.items():
            assert right <= score.blind + MARGIN * score.guesses, (label, score.report("sealed"))
    else:
        for label in ("a copy after each vote", "every copy"):
            assert score.right[label] >= 0.95 * score.guesses, (label, score.report("old"))


def test_a_sealed_paper_opens_only_for_its_ballot_and_member() -> None:
    """Another key, another ballot, another member's row or an edited byte: it does not open."""
    order = [3, 5, 8]
    paper = encode_paper(
        order, {3: VoteChoice.APPROVE, 5: VoteChoice.ABSTAIN, 8: VoteChoice.REJECT}
    )
    salt = bytes(16)
    sealed = SEAL.seal(paper, ballot_id=1, salt=salt, contact_id=7)
    assert len(sealed) == sealed_length(3) and paper not in sealed
    assert decode_paper(order, SEAL.open(sealed, ballot_id=1, salt=salt, contact_id=7)) == {
        3: VoteChoice.APPROVE,
        5: VoteChoice.ABSTAIN,
        8: VoteChoice.REJECT,
    }
    edited = sealed[:-1] + bytes([sealed[-1] ^ 1])
    for seal, blob, ballot, salt_, member in [
        (PaperSeal("another-server-key-0123456789"), sealed, 1, salt, 7),
        (SEAL, sealed, 2, salt, 7),
        (SEAL, sealed, 1, bytes([1]) * 16, 7),
        (SEAL, sealed, 1, salt, 8),
        (SEAL, edited, 1, salt, 7),
    ]:
        with pytest.raises(SealBroken):
            seal.open(blob, ballot_id=ballot, salt=salt_, contact_id=member)
    # Every paper of a ballot has one length, whatever it says.
    other = encode_paper(order, dict.fromkeys(order, VoteChoice.ABSTAIN))
    assert len(SEAL.seal(other, ballot_id=1, salt=salt, contact_id=9)) == len(sealed)
    assert "secrecy-test" not in repr(SEAL)


def _close(engine: Engine, ballot_id: int) -> dict[int, tuple[int, int, int]]:
    """Close the ballot: (approve, reject, abstain) by candidate."""
    with unit_of_work(engine) as session:
        ballot = session.get_one(Ballot, ballot_id)
        result = service.close_ballot(
            session, ballot, at=CLOSES + dt.timedelta(hours=1), actor="test", seal=SEAL
        )
    return {row.candidate_id: (row.approve, row.reject, row.abstain) for row in result.candidates}


def test_a_ballot_open_across_the_upgrade_counts_the_votes_cast_before_it(
    tmp_path: Path, backend: Backend
) -> None:
    """Votes cast as rows before migration 0013, sealed papers after it: the close counts
    both; and the downgrade refuses while a sealed paper waits (its vote would be lost)."""
    engine = make_engine(backend.create(tmp_path / "m"))
    try:
        migrate(engine)
        with unit_of_work(engine) as session:
            council_id, campaign_id, members = _council(session)
        ballot_id, (a, b) = open_one(engine, council_id, campaign_id, "nâng cấp")
        for i, member in enumerate(members[:5]):
            vote(
                engine,
                ballot_id,
                member,
                {a: VoteChoice.APPROVE, b: VoteChoice.REJECT},
                i,
                sealed=False,
            )
        migrate(engine, "0012")
        migrate(engine)
        for i, member in enumerate(members[5:8], start=5):
            vote(engine, ballot_id, member, {a: VoteChoice.REJECT, b: VoteChoice.ABSTAIN}, i)
        other, (c, d) = open_one(engine, council_id, campaign_id, "chờ")
        vote(engine, other, members[0], {c: VoteChoice.APPROVE, d: VoteChoice.APPROVE}, 0)
        with pytest.raises(RuntimeError, match="sealed ballot papers are waiting"):
            migrate(engine, "0012")
        assert _close(engine, ballot_id) == {a: (5, 3, 0), b: (0, 5, 3)}
        assert _close(engine, other) == {c: (1, 0, 0), d: (1, 0, 0)}
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(BallotVote)) == 2 * 8 + 2
    finally:
        engine.dispose()
        backend.drop(tmp_path / "m")


def test_a_vote_row_written_into_an_open_ballot_stops_the_close(engine: Engine) -> None:
    """Someone who can write to the database but has no key cannot add a vote by inserting a
    row: the close counts rows only for members who voted before papers were sealed."""
    with unit_of_work(engine) as session:
        council_id, campaign_id, members = _council(session)
    ballot_id, (a, b) = open_one(engine, council_id, campaign_id, "giả")
    vote(engine, ballot_id, members[0], {a: VoteChoice.REJECT, b: VoteChoice.REJECT}, 0)
    with unit_of_work(engine) as session:
        for cid in (a, b):
            session.add(
                BallotVote(ballot_id=ballot_id, candidate_id=cid, choice=VoteChoice.APPROVE)
            )
    with pytest.raises(service.BallotError, match="không khớp với danh sách bỏ phiếu"):
        _close(engine, ballot_id)
