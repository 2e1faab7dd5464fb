"""`tdkt db`: where the database is and its schema version."""

from __future__ import annotations

from typing import Annotated

import typer

from deployments.cli.common import console

app = typer.Typer(help="Cơ sở dữ liệu của ứng dụng.", no_args_is_help=True)


def _migrate(revision: str) -> str:
    """Migrate to revision; an unknown revision is refused (exit 2) naming the nearest one
    instead of Alembic's traceback. Returns the database URL (printed with its password masked
    by the console)."""
    from alembic.script import ScriptDirectory
    from alembic.script.revision import RevisionError
    from alembic.util.exc import CommandError

    from models.db import MIGRATIONS_DIR, Settings, make_engine, migrate
    from models.services.lookup import unknown

    settings = Settings.from_env()
    try:
        migrate(make_engine(settings.database_url), revision)
    except (CommandError, RevisionError):  # a revision Alembic does not know
        scripts = ScriptDirectory(str(MIGRATIONS_DIR))
        known = ["head", "base", *(r.revision for r in scripts.walk_revisions())]
        raise unknown("phiên bản lược đồ", revision, known) from None
    return settings.database_url


@app.command()
def upgrade(revision: Annotated[str, typer.Argument(help="Phiên bản đích")] = "head") -> None:
    """Cập nhật lược đồ cơ sở dữ liệu (Alembic) lên phiên bản mới nhất."""
    console.print(f"Cơ sở dữ liệu {_migrate(revision)} đã ở phiên bản {revision}.")


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Phiên bản đích, 'base' để xóa hết")],
) -> None:
    """Hạ lược đồ về một phiên bản cũ hơn."""
    console.print(f"Cơ sở dữ liệu {_migrate(revision)} đã về phiên bản {revision}.")
