"""ballot_candidates indexed by candidate: a candidate's ballots are found without walking
every ballot

The reward batch joins each proposal's dossier the council's minutes of the last closed ballot
its candidate stood in (models.services.dossier.council_ballots). The table's key is (ballot,
candidate), so SQLite answered "the ballots of these candidates" by scanning every ballot and
probing each candidate of the IN list: 46 s of `bench.replay --scale 0.05`, growing with
ballots times candidates.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 07:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ballot_candidates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ballot_candidates_candidate_id", ["candidate_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ballot_candidates", schema=None) as batch_op:
        batch_op.drop_index("ix_ballot_candidates_candidate_id")
