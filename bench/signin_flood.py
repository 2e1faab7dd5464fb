"""Sign-in flood benchmark: agency page latency while bad sign-ins pour in (issue 18, item 4).

A real `uvicorn` server process serves the web app (deployments.web.app:create_app) over a
synthetic world (bench.world: 20 units, one report each) with one coordinator account. An
agency keeps opening its personal link page, one request after the other, while 300 sign-ins
with wrong passwords (100 with --quick) are sent 16 at a time (8). Two floods:

- `one-address`: every guess for the coordinator's login from one address (the attack the
  issue reported: 3.1 guesses/s, agency pages 6-42 s, 6 of 300 answered 500);
- `many-addresses`: each guess for a different login from a different address (X-Forwarded-For,
  which uvicorn trusts from loopback, as from a reverse proxy), so no lockout can refuse
  anything and every guess costs a password check: what the hashing slots alone hold.

Reported per flood: the agency page's p50/p95/max latency during the flood (and before it),
the time of `tdkt obligations CAMPAIGN` run again and again beside it (the issue: 1.7 s quiet,
22 s during its flood; the command's own start-up is most of the quiet figure),
the count of each status code (0: the connection failed), the guesses per second the server
checked (answered 401, not refused with 429), and the flood's length. Target: p95 < 1 s and no
5xx. Works on older commits too (same create_app factory), for before/after figures.

    .venv/bin/python -m bench.signin_flood [--quick] [--json]
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, arguments, machine, report, scratch_environment
from bench.world import load_world, write_world

USERNAME, PASSWORD = "dieuphoi", "mat-khau-that-dai-2026"
FULL, QUICK = (300, 16), (100, 8)  # (guesses, at a time)
TARGET_P95_S = 1.0
CSRF = re.compile(r'name="csrf" value="([^"]*)"')
FLOODS = ("one-address", "many-addresses")


def _world(root: Path) -> tuple[str, str]:
    """The world, a coordinator, the path of one agency's personal link page and the slug of
    its campaign."""
    from sqlalchemy import select

    from models.calendar import default_calendar
    from models.clock import now
    from models.db import unit_of_work
    from models.orm import Campaign, Obligation
    from models.services.access import IntakeSettings, issue_link
    from models.services.accounts import add_coordinator
    from models.services.obligations import open_obligations

    today = now().date()
    due = today + dt.timedelta(days=40)
    load_world(write_world(root / "world", units=20, due=[due]))
    with unit_of_work() as session:
        for campaign in session.scalars(select(Campaign)):
            open_obligations(session, campaign, default_calendar(), until=due, at=now())
    with unit_of_work() as session:
        add_coordinator(session, USERNAME, "Cán bộ", PASSWORD, unit=None, at=now(), actor="bench")
        obligation = session.scalars(select(Obligation).order_by(Obligation.id).limit(1)).one()
        contact = obligation.unit.contacts[0]
        token = issue_link(session, IntakeSettings.from_env().signer, contact, obligation, at=now())
        slug = obligation.campaign.slug
    return f"/l/{token}", slug


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(port: int) -> subprocess.Popen[bytes]:
    """The web app in its own uvicorn process (as `tdkt web` runs it), ready to answer."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "deployments.web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the web app did not start")


def _status(client: httpx.Client, method: str, path: str, **options: Any) -> int:
    """The answer's status code; 0 when the connection failed (reset, refused, timed out)."""
    try:
        return client.request(method, path, **options).status_code
    except httpx.TransportError:
        return 0


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds) or [0.0]
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(p95, 3),
        "max_s": round(ordered[-1], 3),
        "requests": len(seconds),
    }


def _agency_pages(base: str, path: str, stop: threading.Event) -> tuple[list[float], Counter[int]]:
    """The agency opening its page again and again until told to stop."""
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    with httpx.Client(base_url=base, timeout=120) as agency:
        while not stop.is_set():
            start = time.perf_counter()
            codes[_status(agency, "GET", path)] += 1
            latencies.append(time.perf_counter() - start)
    return latencies, codes


def _cli_runs(slug: str, stop: threading.Event) -> list[float]:
    """`tdkt obligations SLUG` run again and again (a whole process each, as ops run it) until
    told to stop; a run that fails counts as an error, not a time."""
    seconds: list[float] = []
    while not stop.is_set():
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "deployments.cli", "obligations", slug],
            cwd=ROOT,
            env=dict(os.environ),
            capture_output=True,
        )
        seconds.append(time.perf_counter() - start if done.returncode == 0 else -1.0)
    return seconds


def _cli_summary(seconds: list[float]) -> dict[str, Any]:
    ok = [s for s in seconds if s >= 0]
    return {
        "runs": len(seconds),
        "failed": len(seconds) - len(ok),
        "median_s": round(statistics.median(ok), 2) if ok else None,
        "max_s": round(max(ok), 2) if ok else None,
    }


def _flood(
    base: str, path: str, slug: str, kind: str, guesses: int, at_once: int
) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=120) as form:
        page = form.get("/dieu-phoi/dang-nhap")
        csrf = CSRF.search(page.text)
        cookies = dict(form.cookies)
    assert csrf is not None, page.text

    def guess(i: int) -> int:
        spread = kind == "many-addresses"
        headers = {"X-Forwarded-For": f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"}
        with httpx.Client(base_url=base, cookies=cookies, timeout=120) as browser:
            return _status(
                browser,
                "POST",
                "/dieu-phoi/dang-nhap",
                data={
                    "username": f"doan-{i}" if spread else USERNAME,
                    "password": f"sai-mat-khau-{i}",
                    "csrf": csrf.group(1),
                },
                headers=headers if spread else {},
            )

    quiet, _ = _agency_pages_for(base, path, seconds=2.0)
    quiet_cli = _cli_runs_for(slug, seconds=3.0)
    stop = threading.Event()
    with ThreadPoolExecutor(2) as readers:
        during = readers.submit(_agency_pages, base, path, stop)
        cli = readers.submit(_cli_runs, slug, stop)
        start = time.perf_counter()
        with ThreadPoolExecutor(at_once) as pool:
            codes = Counter(pool.map(guess, range(guesses)))
        seconds = time.perf_counter() - start
        stop.set()
        latencies, agency_codes = during.result()
        cli_seconds = cli.result()
    checked = codes[401] + codes[303]
    return {
        "flood_seconds": round(seconds, 2),
        "sign_in_codes": {str(k): v for k, v in sorted(codes.items())},
        "guesses_checked_per_s": round(checked / seconds, 1),
        "attempts_answered_per_s": round(guesses / seconds, 1),
        "agency": _percentiles(latencies),
        "agency_codes": {str(k): v for k, v in sorted(agency_codes.items())},
        "agency_before_flood": _percentiles(quiet),
        "cli_obligations": _cli_summary(cli_seconds),
        "cli_obligations_before_flood": _cli_summary(quiet_cli),
        "server_errors": sum(v for k, v in (codes + agency_codes).items() if k >= 500 or k == 0),
    }


def _agency_pages_for(base: str, path: str, seconds: float) -> tuple[list[float], Counter[int]]:
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    return _agency_pages(base, path, stop)


def _cli_runs_for(slug: str, seconds: float) -> list[float]:
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    return _cli_runs(slug, stop)


def _lines(result: dict[str, Any]) -> list[str]:
    lines = [
        f"Sign-in flood: {result['guesses']} bad sign-ins, {result['at_once']} at a time, "
        f"against uvicorn (SQLite unless --database-url); target p95 < {TARGET_P95_S} s"
    ]
    for kind in FLOODS:
        r = result["floods"][kind]
        a, q = r["agency"], r["agency_before_flood"]
        c, cq = r["cli_obligations"], r["cli_obligations_before_flood"]
        lines += [
            f"  {kind}: {r['flood_seconds']} s; sign-in answers {r['sign_in_codes']}; "
            f"{r['guesses_checked_per_s']} guesses/s checked",
            f"    agency page during: p50 {a['p50_s']} s, p95 {a['p95_s']} s, max {a['max_s']} s "
            f"({a['requests']} requests, {r['agency_codes']}); before: p95 {q['p95_s']} s",
            f"    tdkt obligations during: median {c['median_s']} s, max {c['max_s']} s "
            f"({c['runs']} runs, {c['failed']} failed); before: median {cq['median_s']} s",
        ]
    lines.append(f"  targets met: {result['targets_met']}")
    return lines


def main() -> None:
    args = arguments(__doc__ or "")
    guesses, at_once = QUICK if args.quick else FULL
    with scratch_environment(args.database_url) as root:
        path, slug = _world(root)
        floods: dict[str, Any] = {}
        for kind in FLOODS:
            port = _free_port()
            server = _serve(port)
            try:
                floods[kind] = _flood(
                    f"http://127.0.0.1:{port}", path, slug, kind, guesses, at_once
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
            _reset_throttle()
    result: dict[str, Any] = {
        "guesses": guesses,
        "at_once": at_once,
        "floods": floods,
        "targets_met": all(
            f["agency"]["p95_s"] < TARGET_P95_S
            and f["server_errors"] == 0
            and f["cli_obligations"]["failed"] == 0
            for f in floods.values()
        ),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
    }
    report(result, _lines(result), as_json=args.json)


def _reset_throttle() -> None:
    """Each flood starts with no lockout in force (where the table exists: not before 0014)."""
    from sqlalchemy import inspect, text

    from models.db import engine_for, unit_of_work

    if inspect(engine_for()).has_table("signin_throttle"):
        with unit_of_work() as session:
            session.execute(text("DELETE FROM signin_throttle"))


if __name__ == "__main__":
    main()
