"""What the CLI commands share: the console, the database, the actor name.

Everything the commands print goes through consoles that mask secrets: a database URL's
password (printed by `tdkt db upgrade` and `tdkt demo`, or inside an error message), the SMTP
password and the link-signing key. A command may print a setting without thinking about it;
the console still never shows the secret.
"""

from __future__ import annotations

import contextlib
import difflib
import getpass
import os
import re
import sys
import unicodedata
from enum import Enum
from typing import IO, Any, Generic, TypeVar

import typer
from rich.console import Console
from rich.errors import MarkupError
from rich.markup import escape

from models.db import mask_urls

FIRST_YEAR, LAST_YEAR = 1945, 2100
"""The years a command takes: the Republic's first to as far as the holiday tables reach."""

SECRET_VARIABLES = ("TDKT_SMTP_PASSWORD", "TDKT_SECRET_KEY")
MASK = "***"
MIN_SECRET_LENGTH = 4
"""Shorter values are not searched for: masking every "ab" in the output would hide nothing."""


def secrets(environ: dict[str, str] | None = None) -> list[str]:
    """The secret values configured in the environment, longest first."""
    from sqlalchemy import make_url

    env = os.environ if environ is None else environ
    found = [env.get(name, "") for name in SECRET_VARIABLES]
    url = env.get("TDKT_DATABASE_URL", "")
    if url:
        with contextlib.suppress(Exception):  # unparsable: mask_urls still hides it
            found.append(make_url(url).password or "")
    return sorted({s for s in found if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)


def redact(text: str) -> str:
    """text with every configured secret and every URL password replaced by ***."""
    text = mask_urls(text)
    for secret in secrets():
        text = text.replace(secret, MASK)
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """text safe to print on a terminal: control characters (ESC sequences, BEL, CR that
    rewrites a line) shown as escapes, lone surrogates (which no terminal encoding takes)
    replaced. For echoing what people typed or files contain."""
    text = _CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)
    if any(unicodedata.category(c) == "Cs" for c in text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def shown(value: object) -> str:
    """Text from a file or the database, ready to put inside console markup: printable, and
    with "[...]" escaped so that a title such as "[/b]" is shown, not taken as a tag."""
    return escape(printable(str(value)))


class _RedactingStream:
    """A text stream writing to the current sys.stdout or sys.stderr (so that a test's
    capture still sees it) with secrets masked."""

    def __init__(self, stderr: bool) -> None:
        self.stderr = stderr

    @property
    def target(self) -> IO[str]:
        return sys.stderr if self.stderr else sys.stdout

    def write(self, text: str) -> int:
        self.target.write(redact(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    def __getattr__(self, name: str) -> Any:  # encoding, errors...
        return getattr(self.target, name)


class _RedactingConsole(Console):
    """Masks secrets twice: in the strings given to print, before rich wraps a long URL over
    two lines where no pattern would find it, and again in everything written out.

    A command that forgot to escape a file name or a title put in its markup ("[/x].yaml")
    gets its line printed as written instead of a MarkupError after its work is done.
    """

    def print(self, *objects: Any, **options: Any) -> None:
        shown_objects = [redact(o) if isinstance(o, str) else o for o in objects]
        try:
            super().print(*shown_objects, **options)
        except MarkupError:
            super().print(*shown_objects, **{**options, "markup": False})


def make_console(*, stderr: bool = False, **options: Any) -> Console:
    """A rich console for the CLI whose output never shows a secret."""
    return _RedactingConsole(file=_RedactingStream(stderr), **options)  # type: ignore[arg-type]


console = make_console(highlight=False)
err = make_console(stderr=True, highlight=False)


def actor() -> str:
    """Who is acting, for the audit log: TDKT_ACTOR, else the OS user."""
    return os.environ.get("TDKT_ACTOR") or f"cli:{getpass.getuser()}"


def _folded(text: str) -> str:
    """text for matching what people type: no case, no diacritics, đ as d, single spaces."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.replace("_", " ").replace("-", " ").split())


E = TypeVar("E", bound=Enum)


class Choice(Generic[E]):
    """A Typer `parser=` for an option taking one value of a vocabulary enum: the English value
    ("overdue") and the Vietnamese label ("Quá hạn", "qua han") are both accepted; anything
    else is refused (exit 2) with the accepted values and the nearest one.

    A parser rather than the enum as annotation: typer's own check answers in English and
    knows no labels. Use as `typer.Option(parser=Choice(ObligationStatus, "trạng thái"),
    help=...)`; `choices_help` gives the help line listing the accepted values."""

    def __init__(self, enum: type[E], what: str) -> None:
        self.enum, self.what = enum, what
        self.__name__ = enum.__name__  # typer names the parameter's type after it
        self.by_key: dict[str, E] = {}
        for member in enum:
            self.by_key[_folded(str(member.value))] = member
            self.by_key[_folded(label_of(member))] = member

    def __call__(self, value: str | E) -> E:
        if isinstance(value, self.enum):
            return value
        found = self.by_key.get(_folded(str(value)))
        if found is not None:
            return found
        guess = difflib.get_close_matches(_folded(str(value)), list(self.by_key), n=1)
        hint = ""
        if guess:
            member = self.by_key[guess[0]]
            hint = f" Có phải '{member.value}' ({label_of(member)})?"
        raise typer.BadParameter(
            f"'{value}' không phải {self.what} hợp lệ.{hint} Chấp nhận: {self.accepted()}."
        )

    def accepted(self) -> str:
        """'open (Chưa nộp), submitted (Đã nộp), …': every value with its label."""
        return ", ".join(f"{m.value} ({label_of(m)})" for m in self.enum)


def label_of(member: Enum) -> str:
    """The member's Vietnamese label (its value when the enum has none)."""
    return str(getattr(member, "label", member.value))


def choices_help(text: str, choice: Choice[Any]) -> str:
    """An option's help followed by its accepted values."""
    return f"{text}: {choice.accepted()}"
