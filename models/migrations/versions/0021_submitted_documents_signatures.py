"""submitted documents carry the verdict on their digital signatures

Issue 23, signed submissions verified: an uploaded PDF's signatures are checked at upload
(models/pdf_signatures.py) and the verdict is stored with the document, so that coordinators
see who signed and whether it holds, and `tdkt document verify` can check them again after
the trust store changes. Documents received before are left unchecked (NULL) until then.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.orm.base

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

COLUMNS = ("signature_checked_at", "signature", "signature_status")


def upgrade() -> None:
    with op.batch_alter_table("submitted_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("signature", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "signature_checked_at",
                models.orm.base.AwareDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite >= 3.35), not batch mode's copy, which would
    # drop and recreate the table under any foreign key that points at it.
    for column in COLUMNS:
        op.drop_column("submitted_documents", column)
