"""`tdkt`: the single entry point for people. Output is Vietnamese; errors never show tracebacks."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.text import Text

from deployments.cli import calendar as calendar_cmd
from deployments.cli import database, demo, directory, obligations, plan, replay
from models.phrases import PhraseError
from models.policy import IllegalTransition
from models.source import InputErrors

app = typer.Typer(
    name="tdkt",
    help="tdkt-flow: điều phối kế hoạch xây dựng và nhân rộng điển hình tiên tiến.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.add_typer(plan.app, name="plan")
app.add_typer(directory.app, name="directory")
app.add_typer(database.app, name="db")
app.command("deadline")(calendar_cmd.deadline)
app.command("calendar")(calendar_cmd.calendar)
app.command("demo")(demo.demo)
app.command("dashboard")(demo.dashboard)
app.command("replay")(replay.replay)
app.command("sweep")(replay.sweep)
app.command("serve")(replay.serve)
app.command("submit")(obligations.submit)
app.command("accept")(obligations.accept)
app.command("return")(obligations.return_)
app.command("waive")(obligations.waive)
app.command("obligations")(obligations.list_)

err = Console(stderr=True)


def main() -> None:
    """Run the app; turn input errors into clear messages and exit code 2."""
    from deployments.prefect_server import configure_prefect
    from models.db import Settings

    configure_prefect(Settings.from_env().data_dir)
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputErrors as exc:
        err.print(f"[bold red]Lỗi dữ liệu đầu vào ({len(exc.errors)}):[/]")
        for error in exc.errors:
            err.print(Text.assemble(("  • ", "red"), str(error)), highlight=False)
        sys.exit(2)
    except (PhraseError, IllegalTransition) as exc:
        err.print(f"[bold red]Lỗi:[/] {exc}", highlight=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Đã hủy.")
        sys.exit(1)
    except Exception as exc:  # click usage errors and the unexpected
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
