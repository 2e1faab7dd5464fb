"""reward proposals carry their number; quota milestones' titles lose the field's code

Issue 20, every line names its subject: a reward decision is chased about a tờ trình named by
its number and date ("Tờ trình số 12/TTr-SNV ngày 03/04/2024"), so `reward_proposals.number`
is added (optional: proposals recorded before have none and are named by their date). A
yearly quota's milestone title ended with its field's code, "(lĩnh vực c)"; lines now name the
field by its name beside the title (models.subjects), so the code is taken off the titles.
Downgrading drops the column and writes the codes back (read from the milestone's code).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 04:00:00
"""

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_FIELD_CODE = re.compile(r" \(lĩnh vực [a-zđ0-9.]+\)$")
_milestones = sa.table(
    "milestones", sa.column("id", sa.Integer), sa.column("code"), sa.column("title")
)


def _retitle(title_of: Callable[[str, str], str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_milestones.c.id, _milestones.c.code, _milestones.c.title).where(
            _milestones.c.code.like("quota-%")
        )
    ).all()
    for milestone_id, code, title in rows:
        new = title_of(code, title)
        if new != title:
            connection.execute(
                _milestones.update().where(_milestones.c.id == milestone_id).values(title=new)
            )


def upgrade() -> None:
    with op.batch_alter_table("reward_proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=80), nullable=True))
    _retitle(lambda _code, title: _FIELD_CODE.sub("", title))


def _with_code(code: str, title: str) -> str:
    """'quota-7-dd-collective' → the title again ending '(lĩnh vực đ)' (none for 'all')."""
    parts = code.split("-")
    field = parts[2].replace("dd", "đ") if len(parts) > 3 else "all"
    if field == "all" or _FIELD_CODE.search(title):
        return title
    return f"{title} (lĩnh vực {field})"


def downgrade() -> None:
    _retitle(_with_code)
    # ALTER TABLE ... DROP COLUMN in place (SQLite >= 3.35), not batch mode's copy: the copy
    # drops `reward_proposals`, which reward decisions reference (foreign keys are on).
    op.drop_column("reward_proposals", "number")
