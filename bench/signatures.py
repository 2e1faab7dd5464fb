"""Signature check benchmark: what models.pdf_signatures.verify_pdf costs per upload.

The check runs on every PDF a unit uploads, before the upload's transaction, so its cost is the
upload's added latency. Measured on PDFs made by the tests' own CA (tests/pdf_signing_support):
a one-page signed report, the same with the most signatures accepted (MAX_SIGNATURES) and one
more (refused by the cap before any is validated), a signed PDF near the upload limit (10 MB,
the digest over all of it), and 10 MB of seeded garbage behind a PDF header (a hostile file).
Each case is timed `repeat` times and the median reported, with the process's peak memory.
Target: a signed one-page PDF under 0.5 s, every case under 5 s.

    .venv/bin/python -m bench.signatures [--quick] [--json]
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import arguments, machine, peak_rss_mib, report
from models.clock import TIMEZONE
from models.documents import DEFAULT_MAX_BYTES
from models.pdf_signatures import MAX_SIGNATURES, Verdict, verify_pdf
from models.trust_store import load_trust_store
from tests.pdf_signing_support import Authorities, make_pki, plain_pdf, sign_pdf

RECEIVED = dt.datetime(2023, 2, 23, 10, 0, tzinfo=TIMEZONE)
TARGET_ONE_PAGE_S, TARGET_ANY_S = 0.5, 5.0


def _signed_many(pki: Authorities, count: int) -> bytes:
    data = plain_pdf()
    for n in range(count):
        data = sign_pdf(data, pki.signer, [pki.intermediate], field=f"Signature{n + 1}")
    return data


def _large_signed(pki: Authorities) -> bytes:
    """A signed PDF just under the upload limit: its page's content padded with a comment."""
    padded = plain_pdf(padding=DEFAULT_MAX_BYTES - 200_000)
    return sign_pdf(padded, pki.signer, [pki.intermediate])


def _garbage() -> bytes:
    rng = random.Random(23)
    return b"%PDF-1.7\n" + rng.randbytes(DEFAULT_MAX_BYTES - 16)


def _time(check: Callable[[], Verdict], repeat: int) -> tuple[float, str]:
    seconds, status = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        verdict = check()
        seconds.append(time.perf_counter() - start)
        status = verdict.status.value
    return statistics.median(seconds), status


def main() -> None:
    args = arguments("Signature check benchmark: verify_pdf on signed, large and hostile PDFs.")
    repeat = 3 if args.quick else 10
    pki = make_pki()
    with tempfile.TemporaryDirectory(prefix="tdkt-bench-") as folder:
        trust = load_trust_store(pki.trust_store(Path(folder) / "trust"))
        cases = {
            "one_page_signed": sign_pdf(plain_pdf(), pki.signer, [pki.intermediate]),
            "max_signatures": _signed_many(pki, MAX_SIGNATURES),
            "over_the_cap": _signed_many(pki, MAX_SIGNATURES + 1),
            "large_signed_10mb": _large_signed(pki),
            "garbage_10mb": _garbage(),
        }
        timed: dict[str, dict[str, Any]] = {}
        for name, data in cases.items():
            median, status = _time(partial(verify_pdf, data, trust, at=RECEIVED), repeat)
            timed[name] = {"bytes": len(data), "median_s": round(median, 4), "verdict": status}
    result: dict[str, Any] = {
        "repeat": repeat,
        "cases": timed,
        "targets_met": timed["one_page_signed"]["median_s"] < TARGET_ONE_PAGE_S
        and all(c["median_s"] < TARGET_ANY_S for c in timed.values()),
        "peak_rss_mib": round(peak_rss_mib()),
        "machine": machine(),
    }
    lines = [
        f"{name}: {c['bytes']:,} byte, median {c['median_s'] * 1000:.1f} ms, {c['verdict']}"
        for name, c in timed.items()
    ]
    lines.append(f"peak memory {result['peak_rss_mib']} MiB; targets met: {result['targets_met']}")
    report(result, lines, as_json=args.json)


if __name__ == "__main__":
    main()
