"""ballot papers sealed until the close: a salt on each ballot, a sealed paper on each roll row

A choice written in the clear when it was cast could be matched with the roll's voted_at from
a copy of the database files (page cell order, WAL frames, PostgreSQL's heap). From now on a
cast paper is encrypted onto the member's roll row and only the close writes choices
(models/sealing.py, docs/voting.md). Ballots open at the upgrade get a salt here; the votes
they already hold stay as they are and join the close's shuffled batch.

The downgrade refuses while any sealed paper is waiting: it could not be turned back into the
old rows without the server's key, and dropping it would lose those votes. Close the open
ballots first.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 01:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seal_salt", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("ballot_participation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_paper", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    ballots = sa.table("ballots", sa.column("id"), sa.column("seal_salt"))
    open_ids = connection.scalars(sa.text("SELECT id FROM ballots WHERE status = 'open'")).all()
    for ballot_id in open_ids:
        connection.execute(
            ballots.update()
            .where(ballots.c.id == ballot_id)
            .values(seal_salt=secrets.token_bytes(16))
        )


def downgrade() -> None:
    connection = op.get_bind()
    roll = sa.table("ballot_participation", sa.column("sealed_paper"))
    waiting = connection.scalar(
        sa.select(sa.func.count()).select_from(roll).where(roll.c.sealed_paper.is_not(None))
    )
    if waiting:
        raise RuntimeError(
            f"{waiting} sealed ballot papers are waiting for their ballot's close: close the "
            "open ballots before downgrading below 0013, or their votes would be lost"
        )
    # ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not batch mode's copy of the table: the
    # copy drops `ballots`, which rows of other tables reference (foreign keys are on).
    op.drop_column("ballot_participation", "sealed_paper")
    op.drop_column("ballots", "seal_salt")
