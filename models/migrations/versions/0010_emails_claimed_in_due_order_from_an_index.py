"""emails indexed by status and due date: the sender claims each batch without sorting the outbox

The index replaces (status, next_attempt_at), which only the claim used: with both, the
planner took the range on next_attempt_at and sorted every pending email for each batch.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.drop_index("ix_emails_status_next")
        batch_op.create_index(
            "ix_emails_status_due", ["status", "earliest_due", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.drop_index("ix_emails_status_due")
        batch_op.create_index(
            "ix_emails_status_next", ["status", "next_attempt_at"], unique=False
        )
