"""coordinator sessions held server-side, failed sign-ins counted, coordinator roles

Sessions lived only in a signed cookie: logging out did not end a copied one. They are rows
now (the cookie carries a random id, the row its SHA-256). Failed sign-ins are counted per
login and per client address (as SHA-256 keys) so throttling holds across processes and
restarts. A coordinator's role says whether they see every campaign (admin) or their body's.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.orm.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _moment() -> models.orm.base.AwareDateTime:
    return models.orm.base.AwareDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "role", sa.String(length=20), server_default="coordinator", nullable=False
            )
        )
    op.create_table(
        "coordinator_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", _moment(), nullable=False),
        sa.Column("seen_at", _moment(), nullable=False),
        sa.Column("expires_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinators.id"],
            name=op.f("fk_coordinator_sessions_coordinator_id_coordinators"),
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_coordinator_sessions")),
    )
    with op.batch_alter_table("coordinator_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordinator_sessions_coordinator_id"), ["coordinator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coordinator_sessions_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "signin_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", _moment(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("locked_until", _moment(), nullable=True),
        sa.Column("forget_at", _moment(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_signin_throttle")),
    )
    with op.batch_alter_table("signin_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signin_throttle_forget_at"), ["forget_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("signin_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signin_throttle_forget_at"))
    op.drop_table("signin_throttle")
    with op.batch_alter_table("coordinator_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordinator_sessions_expires_at"))
        batch_op.drop_index(batch_op.f("ix_coordinator_sessions_coordinator_id"))
    op.drop_table("coordinator_sessions")
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.drop_column("role")
