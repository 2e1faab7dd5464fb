"""Upload-bomb benchmark: eight zip bombs posted at once to a real `tdkt web` server process.

The server is the app as `tdkt web` serves it (deployments.cli.web.web_config: uvicorn, the
simulated clock frozen on 23/02/2023), in its own process on a socket bound here, over the small
plan's world in a scratch data directory; Sở A's report link is issued directly. Each bomb is
posted behind that link with a fresh form (its own page load), all eight at once, and each answer
must be the app's Vietnamese refusal page (400, security headers). The server's resident memory
is read from /proc/PID/status: VmRSS before the bombs, VmHWM (its peak) after them. Target
(issue 18): peak under 300 MB. The bombs are built in memory in well under a second:

- bzip2: the issue's DOCX, whose [Content_Types].xml is a bzip2 member of 3 GiB of zeros;
- deflate (honest): a 10 MB deflate member of ~10 GiB of well-formed XML (spaces), declaring
  4 GiB - 2 (about the most a 32-bit header can);
- deflate (lying): the same 10 MB of deflate under a header that declares 1,000 bytes;
- many: 2,000 members of 1 MiB zeros each (2 GiB declared, each one under the ratio floor);
- nested: a DOCX carrying word/embeddings/inner.zip, 16 deflate bombs of ~480 MiB each;
- 100k members: 100,000 empty members whose end record claims one;
- overlap: 1,000 directory entries sharing one member's bytes (a "better zip bomb");
- lzma: a member compressed with LZMA (a method refused like bzip2).

    .venv/bin/python -m bench.upload_bombs [--quick] [--json] [--before-root DIR]

--before-root runs the server from another checkout (e.g. `git archive 355a7ef | tar -x -C
DIR`) and posts one bzip2 bomb of --before-gib GiB to it alone, for the figure before the fix.
--quick does one round of the eight; the full run does three.
"""

from __future__ import annotations

import bz2
import datetime as dt
import http.client
import os
import re
import socket
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from bench.common import ROOT, arguments, machine, report, scratch_environment

AS_OF = dt.date(2023, 2, 23)
TARGET_MIB = 300
GIB = 1024**3
MIB = 1024 * 1024
UPLOAD_LIMIT = 10 * MIB
DOCX_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
FORM_TOKEN = re.compile(rb'name="form_token" value="([^"]*)"')
OBLIGATION = re.compile(rb'name="obligation_id" value="([^"]*)"')


# --- zips written by hand, so that their headers can say anything --------------------------


@dataclass(frozen=True)
class Entry:
    """One member as written: its bytes as stored, and what its headers claim."""

    name: str
    payload: bytes  # the compressed bytes, as they go in the file
    method: int = 8
    size: int | None = None  # declared uncompressed size (default: the real one, if known)
    crc: int = 0
    flags: int = 0


def raw_zip(entries: list[Entry], *, count: int | None = None, shared: bool = False) -> bytes:
    """A zip of these entries; `count` overrides the end record's entry count; `shared` writes
    only the first entry's bytes and points every directory entry at them."""
    local, central = bytearray(), bytearray()
    for index, entry in enumerate(entries):
        name = entry.name.encode()
        size = len(entry.payload) if entry.size is None else entry.size
        offset = 0 if shared else len(local)
        head = (entry.flags, entry.method, 0, 0x21, entry.crc, len(entry.payload), size)
        if not shared or index == 0:
            local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *head, len(name), 0)
            local += name + entry.payload
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, *head, len(name), 0, 0, 0, 0, 0, offset
        )
        central += name
    total = len(entries) if count is None else count
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, total, total, len(central), len(local), 0)
    return bytes(local + central + end)


def deflated(data: bytes) -> Entry:
    """A valid deflate member of data (helper for the bombs' innocent parts)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return Entry("", packer.compress(data) + packer.flush(), size=len(data), crc=zlib.crc32(data))


def member(name: str, data: bytes) -> Entry:
    entry = deflated(data)
    return Entry(name, entry.payload, size=entry.size, crc=entry.crc)


@cache
def zeros_deflate(
    compressed_bytes: int, fill: bytes = b"\0", head: bytes = b""
) -> tuple[bytes, int]:
    """A raw deflate stream of about compressed_bytes that inflates to `head` then `fill` bytes
    at the format's ~1030:1 limit, and its real size: one fully flushed block repeated (built in
    milliseconds, where compressing gigabytes would take minutes)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = fill * (MIB // len(fill))
    first = packer.compress(head + block) + packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    times = max(1, (compressed_bytes - len(first)) // len(repeated))
    return first + repeated * times + packer.flush(), len(head) + (times + 1) * len(block)


@cache
def zeros_bzip2(gib: int, *, one_stream: bool = False) -> bytes:
    """gib GiB of zeros in bzip2: concatenated streams (one 64 MiB stream, repeated: built at
    once), or one stream as in the issue (about 6 s a GiB to build; what zipfile inflates whole,
    since it stops at the end of a first stream)."""
    if not one_stream:
        return bz2.compress(bytes(64 * MIB), 9) * (gib * 16)
    packer, block = bz2.BZ2Compressor(9), bytes(MIB)
    return b"".join(packer.compress(block) for _ in range(gib * 1024)) + packer.flush()


def docx_with(types: Entry, *extra: Entry) -> bytes:
    """A DOCX-shaped zip whose [Content_Types].xml is `types` (a bomb, often)."""
    types = replace(types, name="[Content_Types].xml")
    return raw_zip([types, member("word/document.xml", b"<w:document/>"), *extra])


def bzip2_bomb(gib: int = 3, *, one_stream: bool = False) -> bytes:
    stream = zeros_bzip2(gib, one_stream=one_stream)
    return docx_with(Entry("", stream, method=12, size=gib * GIB - 1))


def deflate_bomb(*, lying: bool) -> bytes:
    """~10 GiB of well-formed XML (an open element, then spaces) in a 10 MB member."""
    stream, size = zeros_deflate(UPLOAD_LIMIT - 64 * 1024, b" ", b"<Types>")
    return docx_with(Entry("", stream, size=1000 if lying else min(size, 2**32 - 2)))


def many_members_bomb() -> bytes:
    one = deflated(bytes(MIB))  # one MiB of zeros in about a kilobyte
    parts = [Entry(f"word/media/p{i}.xml", one.payload, size=MIB, crc=one.crc) for i in range(1998)]
    return docx_with(deflated(DOCX_TYPES), *parts)


def nested_bomb() -> bytes:
    stream, size = zeros_deflate(480 * 1024)
    inner = raw_zip([Entry(f"{i}.xml", stream, size=size) for i in range(16)])
    return docx_with(deflated(DOCX_TYPES), Entry("word/embeddings/inner.zip", inner, method=0))


def hundred_thousand_members() -> bytes:
    entries = [Entry(f"{i:05x}", b"", method=0) for i in range(100_000)]
    return raw_zip(entries, count=1)


def overlap_bomb() -> bytes:
    stream, size = zeros_deflate(64 * 1024)
    entries = [Entry(f"word/part{i}.xml", stream, size=size) for i in range(1000)]
    return raw_zip(entries, shared=True)


def lzma_bomb() -> bytes:
    return docx_with(Entry("", b"\x09\x14\x05\x00" + bytes(64), method=14, size=GIB))


BOMBS: dict[str, Callable[[], bytes]] = {
    "bzip2-3gib": bzip2_bomb,
    "deflate-honest": lambda: deflate_bomb(lying=False),
    "deflate-lying": lambda: deflate_bomb(lying=True),
    "many-members": many_members_bomb,
    "nested": nested_bomb,
    "100k-members": hundred_thousand_members,
    "overlap": overlap_bomb,
    "lzma": lzma_bomb,
}


# --- the server: `tdkt web`'s app in its own process ---------------------------------------

SERVE = """
import socket, sys, datetime as dt
from deployments.cli.web import web_config
import uvicorn
sock = socket.socket(fileno=int(sys.argv[1]))
config = web_config("127.0.0.1", sock.getsockname()[1], dt.date.fromisoformat(sys.argv[2]))
uvicorn.Server(config).run(sockets=[sock])
"""


class Server:
    """`with Server(root) as server:` the web app in a child process, on a socket bound here
    (no port race); `root` is the checkout it runs from."""

    def __init__(self, root: Path = ROOT) -> None:
        self.root = root
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.port = int(self._socket.getsockname()[1])
        fd = self._socket.fileno()
        env = {**os.environ, "PYTHONPATH": str(root)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(fd), AS_OF.isoformat()],
            cwd=root,
            env=env,
            pass_fds=[fd],
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get("/")[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start")
            time.sleep(0.1)

    def memory(self) -> dict[str, float]:
        """The process's resident memory now (VmRSS) and at its peak (VmHWM), in MiB."""
        text = Path(f"/proc/{self.process.pid}/status").read_text()
        found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", text, re.M))
        return {key: int(value) / 1024 for key, value in found.items()}

    def get(self, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path)
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def post_file(self, path: str, name: str, data: bytes) -> Answer:
        """Open the link's page (a fresh form), post data as its document; the answer, timed."""
        status, page = self.get(path)
        token, obligation = FORM_TOKEN.search(page), OBLIGATION.search(page)
        if status != 200 or token is None or obligation is None:
            raise RuntimeError(f"the link's page did not open ({status})")
        fields = {"form_token": token.group(1), "obligation_id": obligation.group(1)}
        return self.post(f"{path}/nop", multipart(fields, name, data))

    def post(self, path: str, body: tuple[bytes, str]) -> Answer:
        content, kind = body
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        started = time.perf_counter()
        try:
            connection.request("POST", path, content, {"Content-Type": kind})
            answer = connection.getresponse()
            text = answer.read()
            headers = {k.lower(): v for k, v in answer.getheaders()}
        finally:
            connection.close()
        return Answer(answer.status, text.decode(), headers, time.perf_counter() - started)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._socket.close()


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    headers: dict[str, str]
    seconds: float

    def refusal(self) -> str | None:
        """The page's notice, if this is the app's Vietnamese refusal page with its headers."""
        found = re.search(r'id="message">([^<]*)<', self.text)
        page = '<html lang="vi">' in self.text and "content-security-policy" in self.headers
        return found.group(1) if found and page and 400 <= self.status < 500 else None


def multipart(fields: dict[str, bytes], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "tdkt-bomb-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for key, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="document"; '
        f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    body = b"".join(parts) + head + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def prepare_world() -> str:
    """The small plan and directory with Sở A's report open; the path of its officer's link.
    (Call with TDKT_DATA_DIR set to an empty scratch folder.)"""
    from sqlalchemy import select

    from models.calendar import default_calendar
    from models.clock import at_start_of
    from models.db import unit_of_work
    from models.orm import Campaign, Contact, Obligation, Unit
    from models.services.access import IntakeSettings, issue_link
    from models.services.directory import import_directory_file
    from models.services.obligations import open_obligations
    from models.services.plans import load_plan_file

    at = at_start_of(AS_OF) + dt.timedelta(hours=9)
    tests = ROOT / "tests" / "data"
    with unit_of_work() as session:
        import_directory_file(session, tests / "small-directory.yaml", at=at, actor="bench")
        load_plan_file(session, tests / "small-plan.yaml", default_calendar(), at=at, actor="bench")
        campaign = session.scalars(select(Campaign)).one()
        open_obligations(session, campaign, default_calendar(), until=AS_OF, at=at)
        unit = session.scalars(select(Unit).where(Unit.code == "T.A")).one()
        obligation = session.scalars(
            select(Obligation).where(Obligation.unit_id == unit.id).order_by(Obligation.id)
        ).first()
        contact = session.scalars(select(Contact).where(Contact.unit_id == unit.id)).first()
        assert obligation is not None and contact is not None
        token = issue_link(session, IntakeSettings.from_env().signer, contact, obligation, at=at)
    return f"/l/{token}"


def attack(server: Server, link: str, bombs: dict[str, bytes]) -> dict[str, Answer]:
    """Post every bomb at once (each with a form of its own); their answers by name."""
    with ThreadPoolExecutor(len(bombs)) as pool:
        futures = {
            name: pool.submit(server.post_file, link, f"{name}.docx", data)
            for name, data in bombs.items()
        }
        return {name: future.result() for name, future in futures.items()}


def _run(rounds: int) -> tuple[dict[str, Any], list[str]]:
    bombs = {name: build() for name, build in BOMBS.items()}
    lines = [f"{name}: {len(data) / MIB:.2f} MB" for name, data in bombs.items()]
    with Server() as server:
        link = prepare_world()
        server.post_file(link, "warm-up.docx", b"PK\x03\x04 not a zip")  # imports, first page
        before = server.memory()
        answers: list[dict[str, Any]] = []  # (VmHWM before the bombs: the imports' peak)
        for _ in range(rounds):
            for name, answer in attack(server, link, bombs).items():
                said = answer.refusal()
                answers.append(
                    {"bomb": name, "status": answer.status, "seconds": answer.seconds, "said": said}
                )
                lines.append(f"  {name}: {answer.status} in {answer.seconds:.2f} s: {said}")
        after = server.memory()
    refused = all(a["said"] for a in answers)
    result = {
        "rss_before_mib": before["VmRSS"],
        "peak_before_mib": before["VmHWM"],
        "peak_rss_mib": after["VmHWM"],
        "target_mib": TARGET_MIB,
        "all_refused": refused,
        "max_seconds": max(a["seconds"] for a in answers),
        "answers": answers,
    }
    lines.append(
        f"server RSS before the bombs {before['VmRSS']:.0f} MiB, peak {after['VmHWM']:.0f} MiB "
        f"(target < {TARGET_MIB}); slowest answer {result['max_seconds']:.2f} s; "
        f"{'all refused' if refused else 'NOT ALL REFUSED'}"
    )
    return result, lines


def _before(root: Path, gib: int) -> tuple[dict[str, Any], list[str]]:
    """One bzip2 bomb against the code in root (the figure before the fix)."""
    with Server(root) as server:
        link = prepare_world()
        server.post_file(link, "warm-up.docx", b"PK\x03\x04 not a zip")
        before = server.memory()
        answer = server.post_file(link, "bomb.docx", bzip2_bomb(gib, one_stream=True))
        after = server.memory()
    result = {
        "gib": gib,
        "rss_before_mib": before["VmRSS"],
        "peak_rss_mib": after["VmHWM"],
        "status": answer.status,
        "seconds": answer.seconds,
    }
    line = (
        f"before the fix ({root}), one bzip2 bomb of {gib} GiB: {answer.status} in "
        f"{answer.seconds:.1f} s, RSS {before['VmRSS']:.0f} → peak {after['VmHWM']:.0f} MiB"
    )
    return result, [line]


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0],
        before_root={"type": Path, "default": None, "help": "checkout to measure before the fix"},
        before_gib={"type": int, "default": 1, "help": "size of the bzip2 bomb for --before-root"},
    )
    result: dict[str, Any] = {"machine": machine()}
    lines: list[str] = []
    with scratch_environment(args.database_url):
        result["after"], found = _run(1 if args.quick else 3)
        lines += found
    if args.before_root is not None:
        with scratch_environment(args.database_url):
            result["before"], found = _before(args.before_root.resolve(), args.before_gib)
            lines += found
    report(result, lines, as_json=args.json)
    ok = result["after"]["all_refused"] and result["after"]["peak_rss_mib"] < TARGET_MIB
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
