"""`tdkt`: the single entry point for people. Output is Vietnamese; errors never show tracebacks."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from rich.text import Text
from typer._click.exceptions import ClickException
from typer.core import TyperGroup

from deployments.cli import (
    ballots,
    candidates,
    council_documents,
    database,
    demo,
    directory,
    documents,
    dossier,
    eligibility,
    export,
    messages,
    obligations,
    plan,
    recognition,
    replay,
    report,
    signatures,
    web,
)
from deployments.cli import calendar as calendar_cmd
from deployments.cli.common import err, printable, redact
from models.lengths import TooLong
from models.phrases import PhraseError
from models.policy import IllegalTransition
from models.services.lookup import UnknownId
from models.source import InputErrors


def report_input_errors(exc: InputErrors) -> None:
    """Every input error on its own line, as file:line: field: message (never as markup)."""
    err.print(f"[bold red]Lỗi dữ liệu đầu vào ({len(exc.errors)}):[/]")
    for error in exc.errors:
        err.print(Text.assemble(("  • ", "red"), printable(redact(str(error)))), highlight=False)


def report_error(exc: Exception) -> None:
    """A refused request in one line; its text may quote what the person typed, so it is
    printed as text, not as markup ("[/x]" in a phrase is no tag)."""
    text = printable(redact(str(exc)))
    err.print(Text.assemble(("Lỗi:", "bold red"), " ", text), highlight=False)


class Commands(TyperGroup):
    """The top-level group: bad input and refused changes become messages and exit code 2,
    never a traceback, however the app is run (the `tdkt` script or a test's CliRunner).
    Typer's own usage errors are shown in Vietnamese (deployments/cli/messages.py)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Typer's main without its English error printing: run it non-standalone and show
        what it raises ourselves, with the exit code it would have used."""
        messages.install(self)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except ClickException as exc:
            if not standalone_mode:
                raise
            if type(exc).__name__ != "NoArgsIsHelpError":  # typer has printed the help
                messages.show(exc)
            sys.exit(exc.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            err.print("Đã hủy.")
            sys.exit(1)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click.Context
        try:
            return super().invoke(ctx)
        except InputErrors as exc:
            report_input_errors(exc)
            raise typer.Exit(2) from None
        except (PhraseError, IllegalTransition, TooLong, UnknownId) as exc:
            report_error(exc)
            raise typer.Exit(2) from None
        except typer.Abort:  # a prompt answered with Ctrl-D
            err.print("Đã hủy.")
            raise typer.Exit(1) from None
        except _database_errors() as exc:
            # The database cannot be reached or used (a wrong TDKT_DATABASE_URL, a server
            # down): say so with the URL's password masked; a traceback helps nobody here.
            from models.db import Settings

            reason = printable(redact(str(getattr(exc, "orig", None) or exc).strip()))
            err.print(
                Text.assemble(
                    ("Lỗi cơ sở dữ liệu", "bold red"),
                    f" ({Settings.from_env().safe_url}): {reason}",
                ),
                highlight=False,
            )
            raise typer.Exit(1) from None


def _database_errors() -> tuple[type[Exception], ...]:
    from sqlalchemy.exc import InterfaceError, OperationalError

    return (OperationalError, InterfaceError)


app = typer.Typer(
    name="tdkt",
    cls=Commands,
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
app.command("report")(report.report)
app.command("submit")(obligations.submit)
app.command("accept")(obligations.accept)
app.command("return")(obligations.return_)
app.command("waive")(obligations.waive)
app.command("obligations")(obligations.list_)
app.command("export")(export.export)
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
ballot.command("opinion")(ballots.ballot_opinion)
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
for _name in ("list", "show", "attach", "forward", "dossier", "report-template"):
    reward.command(_name)(getattr(dossier, f"reward_{_name.replace('-', '_')}"))
app.add_typer(reward, name="reward")
registry = typer.Typer(help="Sổ ghi danh.", no_args_is_help=True)
registry.command("export")(recognition.registry_export)
app.add_typer(registry, name="registry")
app.command("promote")(recognition.promote)
app.command("web")(web.web)
app.add_typer(web.coordinator, name="coordinator")
# `tdkt document`: the administrative documents (documents), the council's and the honours'
# (council_documents) and the signed submissions (signatures), one sub-app.
documents.app.command("list")(signatures.document_list)
documents.app.command("verify")(signatures.document_verify)
documents.app.command("trust")(signatures.document_trust)
council_documents.register(documents.app)
app.add_typer(documents.app, name="document")


def main() -> None:
    """Run the app. Commands turns input errors into messages and exit code 2; typer itself
    reports usage errors and exits with their code."""
    from deployments.prefect_server import configure_prefect
    from models.db import Settings

    configure_prefect(Settings.from_env().data_dir)
    app()
