"""What every benchmark shares: its command line (--quick, --json), the machine it ran on, a
throwaway data directory, and the one-JSON-object-last report.

Benchmarks are programs, not tests: run them from the project root with the project's Python,
e.g. `.venv/bin/python -m bench.sweep --quick --json`. Timing targets live here, never in the
test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def arguments(description: str, **extra: Any) -> argparse.Namespace:
    """--quick (a small run, for CI and a first look) and --json (one JSON object last)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a small run (seconds)")
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TDKT_BENCH_DATABASE_URL"),
        help="SQLAlchemy URL of an empty database (default: SQLite in a temporary folder)",
    )
    for name, options in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", **options)
    return parser.parse_args()


def machine() -> dict[str, Any]:
    """The machine the figures were measured on, as the README cites it."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def scratch_environment(database_url: str | None) -> Iterator[Path]:
    """A temporary TDKT_DATA_DIR (and database, unless one is given) and Prefect home, so a
    benchmark never touches the project's own data."""
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as folder:
        path = Path(folder)
        os.environ["TDKT_DATA_DIR"] = str(path / "data")
        os.environ.setdefault("PREFECT_HOME", str(path / "prefect"))
        os.environ.setdefault("DO_NOT_TRACK", "1")
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("TDKT_SECRET_KEY", "bench-" + "x" * 32)
        if database_url:
            os.environ["TDKT_DATABASE_URL"] = database_url
        else:
            os.environ.pop("TDKT_DATABASE_URL", None)
        yield path


def report(result: dict[str, Any], lines: list[str], *, as_json: bool) -> None:
    """Human lines first (stderr when --json), then the JSON object as the very last line."""
    out = sys.stderr if as_json else sys.stdout
    for line in lines:
        print(line, file=out)
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
