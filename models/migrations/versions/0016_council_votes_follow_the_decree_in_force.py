"""council votes follow the decree in force: written opinions, postponement, conflict counting

Absent members' written opinions are marked on their roll row (`written`, the document's
reference, who entered it); a council and each ballot say how a declared conflict counts
(`conflict_counting`, default `counted`, the behaviour until now); a ballot records the key
of the decree in force when it opened (`basis`, models/voting_basis.py). A ballot may now end
`postponed` (no quorum of members present); the status column is a plain string, so that
needs no change here.

Ballots opened before this revision have no basis (their minutes cite none) and count
conflicts as before. The downgrade refuses while a postponed ballot exists: the older code
cannot read that status, and calling it closed would claim a decision that was not taken.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _conflict_counting() -> sa.Column[str]:
    return sa.Column(
        "conflict_counting",
        sa.Enum(
            "counted", "excluded", name="conflict_counting", native_enum=False, length=40
        ),
        server_default="counted",
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("councils", schema=None) as batch_op:
        batch_op.add_column(_conflict_counting())
    with op.batch_alter_table("ballots", schema=None) as batch_op:
        batch_op.add_column(_conflict_counting())
        batch_op.add_column(sa.Column("basis", sa.String(length=40), nullable=True))
    with op.batch_alter_table("ballot_participation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("written", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("document", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("entered_by", sa.String(length=320), nullable=True))


def downgrade() -> None:
    connection = op.get_bind()
    postponed = connection.scalar(
        sa.text("SELECT count(*) FROM ballots WHERE status = 'postponed'")
    )
    if postponed:
        raise RuntimeError(
            f"{postponed} ballots were postponed (no quorum): revisions below 0016 cannot "
            "read that status; keep this revision while they exist"
        )
    # ALTER TABLE ... DROP COLUMN, not batch mode's copy: the copy drops tables that rows of
    # other tables reference (see 0013).
    for column in ("entered_by", "document", "written"):
        op.drop_column("ballot_participation", column)
    op.drop_column("ballots", "basis")
    op.drop_column("ballots", "conflict_counting")
    op.drop_column("councils", "conflict_counting")
