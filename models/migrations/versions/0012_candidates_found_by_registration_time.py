"""candidates indexed by campaign and registration time: those registered since a day are read
without walking every candidate of the campaign

A replay's yearly records look, every visited day and for each of ten years, for candidates
registered since the previous visited day; through the campaign's index alone SQLite walked all
of them (a national programme has 100,000): 76 s of the national replay.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 16:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_candidates_campaign_created", ["campaign_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_candidates_campaign_created")
