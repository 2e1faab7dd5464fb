"""the honour roll (sổ ghi danh) is kept per unit, and written on a ceremony's commendation too

Seed 004 II.5 (1) writes the exemplars commended "ở đơn vị mình": the book is the exemplar's
unit's, not the campaign's. Entries gain `unit_id` (the registering unit of the exemplar) and
`ceremony_id` (a commendation at a ceremony, e.g. the biểu dương at 19/5, has no reward
decision, so `decision_id` becomes nullable); numbering is unique per unit, book and year.

Existing entries are kept with their numbers: each moves to a book named after its campaign
("so-ghi-danh-kh-<campaign id>", models.recognition.legacy_book), since their numbers were
counted per campaign and would collide in a unit's book. Downgrading drops ceremony lines
(the old table cannot hold them) and restores the campaign numbering's book name.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 01:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

LEGACY_PREFIX = "so-ghi-danh-kh-"


def upgrade() -> None:
    with op.batch_alter_table("registry_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ceremony_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE registry_entries SET unit_id = (SELECT c.registered_by_id FROM candidates c "
        "WHERE c.id = registry_entries.candidate_id)"
    )
    op.execute(
        f"UPDATE registry_entries SET registry = '{LEGACY_PREFIX}' || "
        "CAST(campaign_id AS VARCHAR(20))"
    )
    with op.batch_alter_table("registry_entries", schema=None) as batch_op:
        batch_op.alter_column("unit_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("decision_id", existing_type=sa.Integer(), nullable=True)
        batch_op.drop_constraint(
            "uq_registry_entries_campaign_id_registry_year_entry_no", type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_registry_entries_unit_id_registry_year_entry_no"),
            ["unit_id", "registry", "year", "entry_no"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_registry_entries_ceremony_id_candidate_id"),
            ["ceremony_id", "candidate_id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_registry_entries_unit_id_units"), "units", ["unit_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_registry_entries_ceremony_id_ceremonies"),
            "ceremonies",
            ["ceremony_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_registry_entries_unit_id"), ["unit_id"])
        batch_op.create_index(batch_op.f("ix_registry_entries_ceremony_id"), ["ceremony_id"])


def downgrade() -> None:
    op.execute("DELETE FROM registry_entries WHERE decision_id IS NULL")
    with op.batch_alter_table("registry_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_entries_ceremony_id"))
        batch_op.drop_index(batch_op.f("ix_registry_entries_unit_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_registry_entries_ceremony_id_ceremonies"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_registry_entries_unit_id_units"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("uq_registry_entries_ceremony_id_candidate_id"), type_="unique"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_registry_entries_unit_id_registry_year_entry_no"), type_="unique"
        )
    # Unit books may repeat a number within a campaign: renumber per campaign and year, in the
    # order written, before the campaign's constraint comes back.
    op.execute(
        "UPDATE registry_entries SET entry_no = (SELECT COUNT(*) FROM registry_entries r "
        "WHERE r.campaign_id = registry_entries.campaign_id AND r.year = registry_entries.year "
        "AND r.id <= registry_entries.id), registry = 'so-ghi-danh'"
    )
    with op.batch_alter_table("registry_entries", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_registry_entries_campaign_id_registry_year_entry_no",
            ["campaign_id", "registry", "year", "entry_no"],
        )
        batch_op.alter_column("decision_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("ceremony_id")
        batch_op.drop_column("unit_id")
