"""The SQL side of models.partitions: an address's bucket computed by the database.

PostgreSQL computes MD5 natively; SQLite gets the same function from Python on every connection
(models.db registers `tdkt_address_shard`), so a partition's filter is one WHERE clause on
either backend and reads no row it does not compose.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.functions import FunctionElement

from models.partitions import SHARDS, Partition

SQLITE_FUNCTION = "tdkt_address_shard"


class address_shard(FunctionElement[int]):
    """The address's bucket (models.partitions.address_shard), in SQL."""

    type = Integer()
    inherit_cache = True
    name = "address_shard"


@compiles(address_shard, "postgresql")
def _postgresql(element: address_shard, compiler: Any, **kw: Any) -> str:
    argument = compiler.process(element.clauses, **kw)
    return f"mod(get_byte(decode(md5({argument}), 'hex'), 0), {SHARDS})"


@compiles(address_shard)
def _sqlite(element: address_shard, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


def in_partition(
    address: ColumnElement[str] | InstrumentedAttribute[str], partition: Partition
) -> ColumnElement[bool]:
    """The rows whose address falls in the partition (always true for the whole)."""
    if partition.count == 1:
        return true()
    return (address_shard(address) % partition.count) == partition.index


def in_id_partition(
    row_id: ColumnElement[int] | InstrumentedAttribute[int], partition: Partition
) -> ColumnElement[bool]:
    """The rows whose id (a unit's, a candidate's) falls in the partition
    (models.partitions.Partition.holds_id; always true for the whole)."""
    if partition.count == 1:
        return true()
    return (row_id % SHARDS) % partition.count == partition.index
