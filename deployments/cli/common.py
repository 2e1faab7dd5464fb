"""What the CLI commands share: the console, the database, the actor name."""

from __future__ import annotations

import getpass
import os

from rich.console import Console

console = Console(highlight=False)


def actor() -> str:
    """Who is acting, for the audit log: TDKT_ACTOR, else the OS user."""
    return os.environ.get("TDKT_ACTOR") or f"cli:{getpass.getuser()}"
