"""emails indexed by (campaign, day), notifications by day: a day's rows read without the others

The dashboard counts the day's emails by kind and status and their recipients, composing a
day's digests counts what each recipient already has that day (models.services.digests), and
the sweep's log names the units escalated that day (models.services.dashboard.escalated_units).
With nothing to find a day by, SQLite read every email of the campaign, and every notification,
for each: 82 s and 41 s of the national replay (437,036 emails and their
notifications by its end), growing with the days.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 10:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.create_index("ix_emails_campaign_day", ["campaign_id", "day"], unique=False)
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_day", ["day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_day")
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.drop_index("ix_emails_campaign_day")
