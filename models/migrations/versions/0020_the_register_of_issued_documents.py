"""the register of documents issued (sổ đăng ký văn bản đi), one sequence per issuer and year

Issue 23: documents in administrative form carry a number from a register per issuing body and
year (Nghị định 30/2020, Điều 15). `issued_documents` holds one row per number given, unique per
(issuer, year, number) and per key (the same document asked for again gets the same number).
Downgrading drops the table: nothing references it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.orm.base import AwareDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issued_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("symbol", sa.String(length=80), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("created_at", AwareDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint("key", name=op.f("uq_issued_documents_key")),
        sa.UniqueConstraint(
            "issuer", "year", "number", name=op.f("uq_issued_documents_issuer_year_number")
        ),
    )
    op.create_index("ix_issued_documents_entity", "issued_documents", ["entity", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_issued_documents_entity", table_name="issued_documents")
    op.drop_table("issued_documents")
