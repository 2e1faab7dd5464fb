"""PDF copies through LibreOffice: one headless process converts a whole batch.

Starting LibreOffice costs about a second; converting costs about 0.06 s a page once started,
so a sweep converts all its letters in one call. Each call runs in a private temporary profile
directory (two callers at once would otherwise fight over the user's profile lock, and a
crashed run leaves nothing behind), bounded by a timeout after which the whole process group
is killed. The binary is `soffice` on PATH, or TDKT_SOFFICE.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

SOFFICE_ENV = "TDKT_SOFFICE"
DEFAULT_TIMEOUT = 120.0


class OfficeError(RuntimeError):
    """LibreOffice missing, too slow or failing; the message says which, in Vietnamese."""


def soffice_path() -> str | None:
    """The LibreOffice binary to run, or None when none is installed."""
    chosen = os.environ.get(SOFFICE_ENV, "").strip()
    if chosen:
        return chosen if shutil.which(chosen) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_available() -> bool:
    """Whether PDFs can be made here (a caller without it sends the .docx instead)."""
    return soffice_path() is not None


def to_pdf(docx_files: Sequence[bytes], *, timeout: float = DEFAULT_TIMEOUT) -> list[bytes]:
    """Each .docx as PDF, in order, converted by one LibreOffice process within `timeout`
    seconds (OfficeError otherwise)."""
    if not docx_files:
        return []
    binary = soffice_path()
    if binary is None:
        raise OfficeError("không tìm thấy LibreOffice (soffice) để in văn bản ra PDF")
    with tempfile.TemporaryDirectory(prefix="tdkt-office-") as work:
        root = Path(work)
        sources, out = root / "in", root / "out"
        sources.mkdir()
        out.mkdir()
        names = []
        for index, data in enumerate(docx_files):
            path = sources / f"{index:05d}.docx"
            path.write_bytes(data)
            names.append(str(path))
        command = [
            binary,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out),
            *names,
        ]
        _run(command, timeout, root)
        pdfs = []
        for index in range(len(docx_files)):
            pdf = out / f"{index:05d}.pdf"
            if not pdf.is_file():
                raise OfficeError(f"LibreOffice không in được văn bản thứ {index + 1} ra PDF")
            pdfs.append(pdf.read_bytes())
        return pdfs


def _run(command: list[str], timeout: float, home: Path) -> None:
    """Run LibreOffice in its own process group, killed whole when the time is up."""
    environment = {**os.environ, "HOME": str(home)}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        start_new_session=True,
    )
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise OfficeError(f"LibreOffice không in xong trong {timeout:.0f} giây") from None
    if process.returncode != 0:
        detail = errors.decode(errors="replace").strip()[-300:]
        raise OfficeError(f"LibreOffice dừng với mã {process.returncode}: {detail}")
