"""contacts carry their position (chức vụ and the body it is in)

Issue 20: a leader is addressed by position ("Kính gửi: Đồng chí Trần Đình Cường, Chủ tịch
Ủy ban nhân dân tỉnh"), never by bare name; positions lived only in the directory file's
comments. `contacts.position` is optional: existing rows get NULL until the directory is
imported again with positions; downgrading drops the column.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("position", sa.String(length=300), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not batch mode's copy of the table: the
    # copy drops `contacts`, which rows of other tables reference (foreign keys are on).
    op.drop_column("contacts", "position")
