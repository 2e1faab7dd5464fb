"""The replay's emails as one sha256 per Message-ID, to show a change moved no byte of them.

Runs `bench.replay` (same arguments) on a database file kept for the comparison, with the only
randomness in an email (the access links' nonces, models.services.access) drawn from a seeded
generator and the escalation letters off (their PDFs embed LibreOffice's timestamps), then
writes `{message_id: sha256 of the MIME}` as JSON. Two runs of the same code give the same file;
compare two with `diff` or `--compare`:

    .venv/bin/python -m bench.outbox_digest before.json --quick
    .venv/bin/python -m bench.outbox_digest after.json --quick
    .venv/bin/python -m bench.outbox_digest --compare before.json after.json

With `--masked` first, each email is digested with its personal links' tokens masked: partitions
composing side by side draw the seeded nonces in another order, so a partitioned run's links
differ from an unpartitioned run's while every other byte of the email (headers, text, the
order of its items) must not:

    .venv/bin/python -m bench.outbox_digest --masked whole.json --quick
    .venv/bin/python -m bench.outbox_digest --masked parts.json --quick --partitions 2
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import secrets
import sys
import tempfile
import types
from email import message_from_bytes, policy
from pathlib import Path

TOKEN = re.compile(rb"/l/[^\s\"'<>]+")


def digests(database_url: str, *, masked: bool = False) -> dict[str, str]:
    """sha256 of each outbox row's exact MIME bytes (or, masked, of its headers and decoded
    parts with the links' tokens masked), by Message-ID."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT message_id, mime FROM emails ORDER BY message_id"))
        found = {
            str(m): hashlib.sha256(_masked(bytes(mime)) if masked else bytes(mime)).hexdigest()
            for m, mime in rows
        }
    engine.dispose()
    return found


def _masked(mime: bytes) -> bytes:
    """The email's headers and each part's decoded bytes, the links' tokens masked."""
    message = message_from_bytes(mime, policy=policy.default)
    out = [f"{k}: {v}".encode() for k, v in message.items()]
    for part in message.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            out.append(TOKEN.sub(b"/l/...", payload if isinstance(payload, bytes) else b""))
    return b"\n".join(out)


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Human lines: what differs between two digests (none when every email is the same)."""
    lines = []
    only_before = sorted(set(before) - set(after))
    only_after = sorted(set(after) - set(before))
    changed = sorted(m for m in set(before) & set(after) if before[m] != after[m])
    for label, ids in (("only before", only_before), ("only after", only_after)):
        lines += [f"{label}: {m}" for m in ids[:20]] + ([f"... {len(ids)}"] if ids else [])
    lines += [f"body differs: {m}" for m in changed[:20]] + (
        [f"... {len(changed)}"] if changed else []
    )
    return lines


def _seeded_nonces(seed: int = 2025) -> None:
    """Access links' nonces from a seeded generator (the same calls in the same order give
    the same tokens; the real ones come from `secrets`)."""
    import models.services.access as access

    pick = random.Random(seed)
    seeded = types.SimpleNamespace(
        token_hex=lambda n: pick.randbytes(n).hex(), compare_digest=secrets.compare_digest
    )
    setattr(access, "secrets", seeded)  # noqa: B010 (the module does not export it)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--compare"]:
        before, after = (json.loads(Path(p).read_text()) for p in args[1:3])
        lines = compare(before, after)
        print(f"{len(before)} before, {len(after)} after: " + ("same" if not lines else "DIFFER"))
        print("\n".join(lines))
        sys.exit(1 if lines else 0)
    masked = args[:1] == ["--masked"]
    args = args[1:] if masked else args
    out, rest = Path(args[0]), args[1:]
    os.environ["TDKT_ESCALATION_LETTERS"] = "off"
    _seeded_nonces()
    from bench import replay

    with tempfile.TemporaryDirectory(prefix="tdkt-outbox-") as folder:
        url = f"sqlite:///{folder}/replay.db"
        sys.argv = ["bench.replay", *rest, "--database-url", url]
        replay.main()
        found = digests(url, masked=masked)
    out.write_text(json.dumps(found, indent=0, sort_keys=True))
    print(f"{len(found)} emails digested into {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
