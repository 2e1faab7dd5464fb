"""Partitions of a campaign's daily work, so several processes (or machines) share one sweep.

A day's digests are composed per recipient address: every notification a person gets that day
must land in one email (notifications.digest), wherever the obligations behind them are. So the
partition key is the recipient's address, not the unit or the province: an officer of the
standing body hears of late units in every province, and splitting by province would send them
one email per province. Each address falls in one of SHARDS fixed buckets (the first byte of
its MD5, the same in Python, in SQLite and in PostgreSQL); partition i of n composes the buckets
b with b % n == i. The buckets do not depend on n, so two sweeps partitioned differently (a
manual run beside the scheduled one) still lock the same buckets for the same address
(models.services.locking.lock_shards) and never compose one person's digest twice.

The obligations' side of a day (opening them, marking the late, writing the notifications)
and the lifecycle's batches are partitioned by the unit or candidate they concern instead: each
row's bucket is its id modulo SHARDS (`Partition.holds_id`), and nothing of one unit's
obligations depends on another's.

Pure: no I/O, no Prefect.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

SHARDS = 32
"""Fixed buckets of addresses; a partition holds several. More partitions than this share
nothing useful, and every unpartitioned compose takes SHARDS advisory locks (PostgreSQL)."""


def address_shard(address: str) -> int:
    """The bucket of an address: MD5's first byte modulo SHARDS (stable across processes and
    backends, unlike Python's salted hash())."""
    return hashlib.md5(address.encode()).digest()[0] % SHARDS


@dataclass(frozen=True)
class Partition:
    """Partition `index` of `count`: the buckets b with b % count == index."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= SHARDS or not 0 <= self.index < self.count:
            raise ValueError(f"partition {self.index} of {self.count} (1 to {SHARDS} partitions)")

    @property
    def shards(self) -> list[int]:
        """The buckets this partition composes, ascending (the order they are locked in)."""
        return [s for s in range(SHARDS) if s % self.count == self.index]

    def holds(self, address: str) -> bool:
        """The address's digest is this partition's to compose."""
        return address_shard(address) % self.count == self.index

    def holds_id(self, row_id: int) -> bool:
        """The row (a unit or a candidate, by id: bucket id % SHARDS) is this partition's."""
        return row_id % SHARDS % self.count == self.index


WHOLE = Partition(0, 1)
"""Every address: the unpartitioned sweep."""


def partitions(count: int) -> list[Partition]:
    """The count partitions that together cover every address exactly once."""
    return [Partition(i, count) for i in range(count)]
