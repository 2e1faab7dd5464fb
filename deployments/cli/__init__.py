"""`tdkt`: the single entry point for people. Output is Vietnamese; errors never show tracebacks."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.text import Text

from deployments.cli import (
    ballots,
    candidates,
    database,
    demo,
    directory,
    eligibility,
    obligations,
    plan,
    recognition,
    replay,
    web,
)
from deployments.cli import calendar as calendar_cmd
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
app.command("register")(candidates.register)
app.command("mentor")(candidates.mentor)
app.command("assess")(candidates.assess)
app.command("candidates")(candidates.candidates)
app.command("eligibility")(eligibility.eligibility)

records = typer.Typer(help="Hồ sơ hằng năm: danh hiệu, xếp loại, vi phạm.", no_args_is_help=True)
records.command("import")(eligibility.records_import)
app.add_typer(records, name="records")

council = typer.Typer(help="Hội đồng Thi đua - Khen thưởng.", no_args_is_help=True)
council.command("create")(ballots.council_create)
app.add_typer(council, name="council")

ballot = typer.Typer(help="Bình xét, bỏ phiếu kín.", no_args_is_help=True)
ballot.command("open")(ballots.ballot_open)
ballot.command("vote")(ballots.ballot_vote)
ballot.command("close")(ballots.ballot_close)
ballot.command("minutes")(ballots.ballot_minutes)
app.add_typer(ballot, name="ballot")

publication = typer.Typer(help="Tuyên truyền, giới thiệu điển hình.", no_args_is_help=True)
publication.command("confirm")(recognition.publish_confirm)
app.add_typer(publication, name="publication")
app.command("honour-list")(recognition.honour_list)
app.command("honour-page")(recognition.honour_page)
reward = typer.Typer(help="Đề nghị khen thưởng và quyết định.", no_args_is_help=True)
reward.command("propose")(recognition.reward_propose)
reward.command("decide")(recognition.reward_decide)
app.add_typer(reward, name="reward")
registry = typer.Typer(help="Sổ ghi danh.", no_args_is_help=True)
registry.command("export")(recognition.registry_export)
app.add_typer(registry, name="registry")
app.command("promote")(recognition.promote)
app.command("web")(web.web)
app.add_typer(web.coordinator, name="coordinator")

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
