"""obligations indexed by milestone and occurrence: a day's outstanding votes, articles and
decisions are looked up among the ones already opened without scanning them all

The sweep asks which of today's outstanding acts already have an obligation (milestone IN the
three process milestones, occurrence IN a chunk of today's). Without this index SQLite read every
obligation of the campaign once per chunk, and both grow all through a national programme.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_obligations_milestone_occurrence", ["milestone_id", "occurrence"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("obligations", schema=None) as batch_op:
        batch_op.drop_index("ix_obligations_milestone_occurrence")
