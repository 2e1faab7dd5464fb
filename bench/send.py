"""Send benchmark: 10,000 reminders through the project's sender, against prefect-email.

Ours is the real path: the sweep task (prepare_day) writes the Vietnamese reminder digests to
the outbox of a synthetic world (bench.world), then tasks.sending.send_outbox claims, sends and
records them; only send_outbox is timed, and every Message-ID must reach the server exactly
once. prefect-email sends the same messages (subject, HTML, text, .ics) as one
`email_send_message` task per message in a flow on a temporary Prefect server; it is far
slower, so it sends fewer (1,000; 100 with --quick) and the rates are compared per second.

The SMTP server runs in its own process (bench.mailserver) and is measured too, because a
local server can be slower than the sender: a raw aiosmtplib loop (same messages, same number
of connections, no database) gives each server's ceiling. Three servers: LocalMailbox (the
project's demo server; the headline figures), a headers-only aiosmtpd sink, and a minimal
asyncio responder that shows what the sender itself can do. Target: ours >= 1,000 messages/s
and >= 20 times prefect-email.

    .venv/bin/python -m bench.send [--quick] [--json] [--connections N]
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import outbox
from bench.common import arguments, machine, peak_rss_mib, report, scratch_environment
from bench.mailserver import Kind, Received, smtp_server
from notifications.smtp import SmtpSettings

FULL, QUICK = (10_000, 1_000), (1_000, 100)  # (ours, prefect-email) messages
SERVERS: tuple[Kind, ...] = ("mailbox", "sink", "wire")
HEADLINE: Kind = "mailbox"
TARGET_PER_S, TARGET_RATIO = 1_000, 20
LABELS = {
    "mailbox": "LocalMailbox (aiosmtpd, parses and writes .eml)",
    "sink": "aiosmtpd sink (headers only, no files)",
    "wire": "minimal asyncio responder",
}


def _check(what: str, got: list[Received], expected: Sequence[str] | int) -> list[str]:
    """Problems with what the server received: the count, and each Message-ID exactly once."""
    if isinstance(expected, int):
        return [] if len(got) == expected else [f"{what}: {len(got)} received, sent {expected}"]
    counts, known = Counter(r.message_id for r in got), set(expected)
    missing = sum(1 for mid in expected if counts[mid] == 0)
    twice = sum(1 for mid in expected if counts[mid] > 1)
    stray = sum(n for mid, n in counts.items() if mid not in known)
    if len(got) == len(expected) and not (missing or twice or stray):
        return []
    return [f"{what}: {len(got)} received, {missing} missing, {twice} twice, {stray} unknown"]


def _ours(kind: Kind, folder: Path, expected: Sequence[str], connections: int) -> dict[str, Any]:
    from tasks.sending import send_outbox

    outbox.reset()
    with smtp_server(kind, folder) as server:
        settings = SmtpSettings(host=server.host, port=server.port, connections=connections)

        async def timed() -> tuple[int, float, float]:
            wall, cpu = time.perf_counter(), time.process_time()
            result = await send_outbox.fn(outbox.AS_OF, settings=settings)
            return result.sent, time.perf_counter() - wall, time.process_time() - cpu

        sent, seconds, cpu = asyncio.run(timed())
        got = server.stop()
    problems = _check(f"ours → {kind}", got, expected)
    if sent != len(expected) or outbox.counts() != {"sent": len(expected)}:
        problems.append(f"ours → {kind}: send_outbox sent {sent}, outbox {outbox.counts()}")
    return {
        "per_s": len(expected) / seconds,
        "seconds": seconds,
        "cpu_ms_per_message": 1000 * cpu / len(expected),
        "problems": problems,
    }


def _raw(
    kind: Kind, folder: Path, messages: Sequence[outbox.Stored], connections: int
) -> dict[str, Any]:
    """The server's ceiling for this client library: aiosmtplib alone, no database, no retries."""
    import aiosmtplib

    sender = SmtpSettings().from_address
    with smtp_server(kind, folder) as server:

        async def blast() -> float:
            queue = list(reversed(messages))

            async def worker() -> None:
                smtp = aiosmtplib.SMTP(hostname=server.host, port=server.port)
                await smtp.connect()
                while queue:
                    m = queue.pop()
                    await smtp.sendmail(sender, [m.recipient], m.mime)
                await smtp.quit()

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(connections)))
            return time.perf_counter() - start

        cpu = time.process_time()
        seconds = asyncio.run(blast())
        cpu = time.process_time() - cpu
        got = server.stop()
    problems = _check(f"raw → {kind}", got, [m.message_id for m in messages])
    return {
        "per_s": len(messages) / seconds,
        "cpu_ms_per_message": 1000 * cpu / len(messages),
        "problems": problems,
    }


def _prefect_email(kind: Kind, folder: Path, parts: Sequence[outbox.Parts]) -> dict[str, Any]:
    from bench.prefect_email_baseline import send_with_prefect_email

    with smtp_server(kind, folder) as server:
        run = send_with_prefect_email(parts, server.host, server.port)
        got = server.stop()
    problems = _check(f"prefect-email → {kind}", got, len(parts))
    if run.completed != len(parts):
        problems.append(f"prefect-email → {kind}: {run.completed} of {len(parts)} tasks completed")
    if kind != "mailbox" and len({r.recipients for r in got}) != len(parts):
        problems.append(f"prefect-email → {kind}: a recipient got more or less than one message")
    return {"per_s": len(parts) / run.seconds, "seconds": run.seconds, "problems": problems}


def _per_server(
    ours: dict[Kind, dict[str, Any]],
    raw: dict[Kind, dict[str, Any]],
    baseline: dict[Kind, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    return {
        k: {
            "ours_per_s": round(ours[k]["per_s"]),
            "ours_cpu_ms_per_message": round(ours[k]["cpu_ms_per_message"], 3),
            "raw_aiosmtplib_per_s": round(raw[k]["per_s"]),
            "raw_cpu_ms_per_message": round(raw[k]["cpu_ms_per_message"], 3),
            "prefect_email_per_s": round(baseline[k]["per_s"], 1),
            "ratio": round(ours[k]["per_s"] / baseline[k]["per_s"], 1),
        }
        for k in SERVERS
    }


def _lines(result: dict[str, Any]) -> list[str]:
    lines = [
        f"{result['messages']:,} reminders (avg {result['message_bytes_avg']:,} bytes) over "
        f"{result['connections']} connections; prefect-email sent "
        f"{result['prefect_email_messages']:,} of them (one task each): rates are per second.",
        f"Outbox filled in {result['outbox_fill_seconds']} s (not timed), of which the sweep's "
        f"preparation (prepare_day: plan, compose and write the reminders) took "
        f"{result['prepare_day_seconds']} s.",
        f"{'server':48} {'ours/s':>7} {'raw/s':>7} {'p-email/s':>9} {'ratio':>6}"
        f" {'CPU ms/msg ours, raw':>21}",
    ]
    for k, s in result["servers"].items():
        lines.append(
            f"{LABELS[k]:48} {s['ours_per_s']:>7,} {s['raw_aiosmtplib_per_s']:>7,} "
            f"{s['prefect_email_per_s']:>9} {s['ratio']:>5}x"
            f" {s['ours_cpu_ms_per_message']:>14.2f}, {s['raw_cpu_ms_per_message']:.2f}"
        )
    problems = result["problems"]
    return [
        *lines,
        f"Target on {LABELS[HEADLINE]}: >= {TARGET_PER_S:,}/s and >= {TARGET_RATIO}x: "
        + ("met" if result["targets_met"] else "NOT met"),
        f"Our sender's own CPU per message allows {result['ours_cpu_bound_per_s']:,}/s on a free"
        " core with an instant server (1000 / CPU ms per message to the minimal responder).",
        "PROBLEMS: " + "; ".join(problems) if problems else "Every Message-ID arrived once.",
        f"Load average (1, 5, 15 min) before and after: {result['load_average']}",
    ]


def main() -> None:
    args = arguments(
        "Send benchmark: the project's sender against prefect-email, to local SMTP servers.",
        messages=dict(type=int, help="messages for our sender (default 10,000; quick 1,000)"),
        prefect_email_messages=dict(type=int, help="messages for prefect-email (1,000; 100)"),
        connections=dict(type=int, default=SmtpSettings().connections, help="SMTP connections"),
    )
    ours_n, baseline_n = QUICK if args.quick else FULL
    ours_n = args.messages or ours_n
    baseline_n = min(args.prefect_email_messages or baseline_n, ours_n)
    load_before = os.getloadavg()
    with scratch_environment(args.database_url) as root:
        start = time.perf_counter()
        prepare_seconds = outbox.fill(root / "world", ours_n)
        fill_seconds = time.perf_counter() - start
        messages = outbox.stored()
        expected = [m.message_id for m in messages]
        # Ours and raw before the Prefect server starts, so it takes no CPU from them.
        ours = {k: _ours(k, root / f"ours-{k}", expected, args.connections) for k in SERVERS}
        raw = {k: _raw(k, root / f"raw-{k}", messages, args.connections) for k in SERVERS}
        parts = [outbox.parts(m, root / "ics") for m in messages[:baseline_n]]
        from prefect.testing.utilities import prefect_test_harness

        with prefect_test_harness(server_startup_timeout=120):
            baseline = {k: _prefect_email(k, root / f"pe-{k}", parts) for k in SERVERS}
    servers = _per_server(ours, raw, baseline)
    problems = [p for side in (ours, raw, baseline) for k in SERVERS for p in side[k]["problems"]]
    head = servers[HEADLINE]
    result: dict[str, Any] = {
        "messages": ours_n,
        "ours_per_s": head["ours_per_s"],
        "prefect_email_per_s": head["prefect_email_per_s"],
        "ratio": head["ratio"],
        "prefect_email_messages": baseline_n,
        "server": HEADLINE,
        "targets_met": head["ours_per_s"] >= TARGET_PER_S and head["ratio"] >= TARGET_RATIO,
        "servers": servers,
        "ours_cpu_bound_per_s": round(1000 / servers["wire"]["ours_cpu_ms_per_message"]),
        "connections": args.connections,
        "message_bytes_avg": round(sum(len(m.mime) for m in messages) / len(messages)),
        "outbox_fill_seconds": round(fill_seconds, 1),
        "prepare_day_seconds": round(prepare_seconds, 2),
        "exactly_once": not problems,
        "problems": problems,
        "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())],
        "peak_rss_mib": round(peak_rss_mib()),
        "machine": machine(),
    }
    report(result, _lines(result), as_json=args.json)
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
