"""openings: how far each bucket of a campaign's units has its plan obligations opened

Every morning the sweep opened obligations by checking every occurrence of every milestone
since the period began against every unit owing it: in a national campaign, a million
(milestone, unit, occurrence) rows read and twenty thousand units times the occurrences
checked each day, to find the few that fall due. While the plan, the directory and the
calendar are as they were (the stamp), only what falls due after `opened_until` needs looking
at (models.services.obligations.open_obligations).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "openings",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opened_until", sa.Date(), nullable=False),
        sa.Column("stamp", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_openings_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("campaign_id", "shard", name=op.f("pk_openings")),
    )


def downgrade() -> None:
    op.drop_table("openings")
