"""yearly ratings by kind: a person's party and civil-service ratings are two records

A party member is rated twice a year (by the party cell, by the agency), and seed 004 asks a
different minimum of each. year_records gains rating_kind, part of the unique key; ratings
stored before are the agency's rating of its staff (civil_service), other records get ''.
Downgrading keeps one record per subject, year, kind and value (the first imported) where two
rating kinds held the same value.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_OLD_KEY = ["subject_ref", "year", "kind", "value"]
_NEW_KEY = ["subject_ref", "year", "kind", "rating_kind", "value"]


def upgrade() -> None:
    with op.batch_alter_table("year_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rating_kind", sa.String(length=20), server_default="", nullable=False)
        )
    op.execute(
        sa.text("UPDATE year_records SET rating_kind = 'civil_service' WHERE kind = 'rating'")
    )
    with op.batch_alter_table("year_records", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_year_records_subject_ref_year_kind_value"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_year_records_subject_ref_year_kind_rating_kind_value"), _NEW_KEY
        )


def downgrade() -> None:
    # The old key allows one row per subject, year, kind and value: drop the duplicates a
    # second rating kind made, keeping the lowest id of each (the first imported).
    op.execute(
        sa.text(
            "DELETE FROM year_records WHERE id NOT IN (SELECT MIN(id) FROM year_records "
            "GROUP BY subject_ref, year, kind, value)"
        )
    )
    with op.batch_alter_table("year_records", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_year_records_subject_ref_year_kind_rating_kind_value"), type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_year_records_subject_ref_year_kind_value"), _OLD_KEY
        )
        batch_op.drop_column("rating_kind")
