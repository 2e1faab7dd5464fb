"""Mail audit: every email of a replay read as its recipient reads it (issue 20).

Checks each email of an outbox against models.mail_audit's rules and prints the figures the
note cites: the emails per kind, the largest email, the most item lines in one digest and the
most emails one person receives in a calendar week. Without --db it first replays the demo
(`tdkt demo`'s plan, directory, seed and window: 04/10/2022-30/06/2025) in a throwaway data
directory; --quick replays its first four months only (the first deadline, its escalations
and the first year-end: reward decisions and publications).

    .venv/bin/python -m bench.mail_audit [--quick] [--db PATH] [--json]

--db reads an existing database instead (the demo keeps its own: .tdkt/tdkt.db), a SQLite
file or any SQLAlchemy URL; nothing is written to it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from bench.common import arguments, report, scratch_environment

QUICK_TO = dt.date(2023, 1, 31)
SHOWN = 3
"""Findings shown per rule in the printed report (every one is in the JSON)."""


def replay_demo(end: dt.date | None) -> str:
    """Replay the demo up to `end` (its own end if None) in the current TDKT_DATA_DIR on a
    temporary Prefect server; returns the database URL."""
    from prefect.testing.utilities import prefect_test_harness

    from deployments.cli.demo import DEMO_DIRECTORY, DEMO_FROM, DEMO_PLAN, DEMO_TO
    from deployments.cli.replay import run_replay
    from models.db import Settings

    settings = Settings.from_env()
    with prefect_test_harness(server_startup_timeout=120):
        run_replay(
            DEMO_PLAN,
            DEMO_FROM,
            end or DEMO_TO,
            quiet=True,
            directory=DEMO_DIRECTORY,
            mail_dir=settings.data_dir / "mail",
            seed=2022,
            submit_probability=0.85,
            report=None,
        )
    return settings.database_url


def audit_database(url: str) -> dict[str, Any]:
    """The audit of the database at `url` as JSON-ready data: the figures, and every finding
    by rule under "examples"."""
    from models.db import make_engine, read_only
    from models.services.mail_audit import audit

    engine = make_engine(url)
    try:
        with read_only(engine) as session:
            result = audit(session)
    finally:
        engine.dispose()
    by_rule: dict[str, list[dict[str, str]]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule, []).append(
            {"subject": f.subject, "recipient": f.recipient, "day": f"{f.day:%d/%m/%Y}"}
            | {"line": f.line}
        )
    return result.figures.as_dict() | {"examples": by_rule}


def printed(source: str, result: dict[str, Any]) -> list[str]:
    """The printed report: the figures, then the first findings of each rule."""
    from models.mail_audit import RULE_LABELS, RULES, report_lines

    out = [f"Kiểm tra thư của {source}:", *report_lines(result)]
    for rule in RULES:
        for e in result["examples"].get(rule, [])[:SHOWN]:
            out.append(
                f"  [{RULE_LABELS[rule]}] «{e['line'][:160]}» — «{e['subject']}» gửi "
                f"{e['recipient']} ngày {e['day']}"
            )
    return out


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0] if __doc__ else "mail audit",
        db={"help": "a database to read (a SQLite file or a URL) instead of replaying"},
    )
    if args.db:
        url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
        result, source = audit_database(url), args.db
    else:
        with scratch_environment(args.database_url):
            result = audit_database(replay_demo(QUICK_TO if args.quick else None))
        source = "bản mô phỏng " + ("rút gọn (đến 31/01/2023)" if args.quick else "đầy đủ")
    report(result, printed(source, result), as_json=args.json)


if __name__ == "__main__":
    main()
