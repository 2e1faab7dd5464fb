"""One writer at a time per campaign, for the work that derives rows from a campaign's state.

Preparing a day (open obligations, mark the late, write notifications and emails) reads what is
there and adds what is missing. Two workers doing it at once for the same campaign would both
find a row missing and both insert it; the unique keys would then fail one of them half-way.

On SQLite every transaction already begins with BEGIN IMMEDIATE (models.db), so writers run
one after the other. On PostgreSQL the transaction takes an advisory lock on the campaign: the
second worker waits until the first commits, then (READ COMMITTED) sees its rows and adds
nothing. The lock goes with the transaction, whether it commits, rolls back or its connection
dies, and touches no table row, so the web intake and the sender are never held up by it.
"""

from __future__ import annotations

import zlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.partitions import SHARDS

CAMPAIGN_LOCKS = 0x7D47
"""The first key of pg_advisory_xact_lock(int, int), so the project's locks stand apart from
any other application's on the same server; the second is the campaign's id."""


def lock_campaign(session: Session, campaign_id: int) -> None:
    """Hold the campaign until the session's transaction ends (waits for another holder)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(CAMPAIGN_LOCKS, campaign_id)))


def lock_campaigns(session: Session, campaign_ids: list[int]) -> None:
    """Hold several campaigns, always in id order, so two holders never deadlock."""
    for campaign_id in sorted(set(campaign_ids)):
        lock_campaign(session, campaign_id)


REGISTER_LOCKS = 0x7D48
"""The first key of the advisory lock on one issuer's register for one year (documents)."""


def lock_register(session: Session, issuer: str, year: int) -> None:
    """Hold an issuer's register for a year until the transaction ends, so that two callers
    numbering documents at once take consecutive numbers, never the same one or a gap."""
    if session.get_bind().dialect.name == "postgresql":
        digest = zlib.crc32(f"{issuer}\x1f{year}".encode())
        signed = digest - (1 << 32) if digest >= 1 << 31 else digest
        session.execute(select(func.pg_advisory_xact_lock(REGISTER_LOCKS, signed)))


SHARD_LOCKS = 0x7D49
"""The first key of the advisory lock on one bucket of recipients' addresses of one campaign
(models.partitions): the second is campaign id * SHARDS + bucket."""


CANDIDATE_LOCKS = 0x7D4A
"""The same for buckets of a campaign's candidates (by id), for the lifecycle's partitions."""

UNIT_LOCKS = 0x7D4B
"""The same for buckets of the units owing a campaign's obligations (by id), for the
partitions that open obligations, mark the late and write the notifications: whoever works on
a unit's obligations holds its bucket, after the campaign and before any recipients' bucket."""


def lock_shards(
    session: Session, campaign_id: int, shards: list[int], *, space: int = SHARD_LOCKS
) -> None:
    """Hold buckets of a campaign's recipients until the transaction ends, in ascending order
    (two holders never deadlock): whoever composes a person's digest holds that person's
    bucket, so two partitions, or a partitioned and an unpartitioned sweep, never compose it
    twice. SQLite's writers already run one at a time (BEGIN IMMEDIATE). `space` tells
    recipients' buckets (SHARD_LOCKS) from candidates' (CANDIDATE_LOCKS) and units'
    (UNIT_LOCKS)."""
    if session.get_bind().dialect.name == "postgresql":
        for shard in sorted(set(shards)):
            key = campaign_id * SHARDS + shard
            session.execute(select(func.pg_advisory_xact_lock(space, key)))
