"""`tdkt db`: where the database is and its schema version."""

from __future__ import annotations

from typing import Annotated

import typer

from deployments.cli.common import console

app = typer.Typer(help="Cơ sở dữ liệu của ứng dụng.", no_args_is_help=True)


@app.command()
def upgrade(revision: Annotated[str, typer.Argument(help="Phiên bản đích")] = "head") -> None:
    """Cập nhật lược đồ cơ sở dữ liệu (Alembic) lên phiên bản mới nhất."""
    from models.db import Settings, make_engine, migrate

    settings = Settings.from_env()
    migrate(make_engine(settings.database_url), revision)
    console.print(f"Cơ sở dữ liệu {settings.database_url} đã ở phiên bản {revision}.")


@app.command()
def downgrade(
    revision: Annotated[str, typer.Argument(help="Phiên bản đích, 'base' để xóa hết")],
) -> None:
    """Hạ lược đồ về một phiên bản cũ hơn."""
    from models.db import Settings, make_engine, migrate

    settings = Settings.from_env()
    migrate(make_engine(settings.database_url), revision)
    console.print(f"Cơ sở dữ liệu {settings.database_url} đã về phiên bản {revision}.")
