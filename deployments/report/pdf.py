"""The report as PDF, printed by headless Chromium from the very HTML the report is.

Why Chromium and not a Python library (weasyprint, …): the machines that run tdkt already have
Debian's Chromium for the browser tests and the dashboard; it lays out the page exactly as a
coordinator's browser prints it (the same @page A4 rules, the same SVG), and it adds no native
libraries (Pango, Cairo) to the install. The browser is found on PATH or at /usr/bin/chromium."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tempfile

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 120  # a hundred-page report prints in seconds; a hung browser must not hang us


class PdfUnavailable(RuntimeError):
    """No browser to print with, or it failed: said in Vietnamese, the HTML is still written."""


def find_chromium() -> str | None:
    """The Chromium to print with: TDKT_CHROMIUM if set, else the first one on PATH."""
    explicit = os.environ.get("TDKT_CHROMIUM")
    if explicit:
        return explicit if pathlib.Path(explicit).exists() else None
    found = (shutil.which(name) for name in CANDIDATES)
    return next((path for path in found if path), None)


def write_pdf(html: str, path: pathlib.Path) -> None:
    """Prints `html` to `path` (A4, the page's own margins, no browser header or footer)."""
    browser = find_chromium()
    if browser is None:
        raise PdfUnavailable("không tìm thấy Chromium để in PDF (cài gói chromium)")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tdkt-report-") as folder:
        source = pathlib.Path(folder) / "bao-cao.html"
        source.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            f"--user-data-dir={folder}/profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={path.resolve()}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=True)
        except (subprocess.SubprocessError, OSError) as exc:
            raise PdfUnavailable(f"Chromium không in được PDF ({type(exc).__name__})") from exc
    if not path.exists() or path.stat().st_size == 0:
        raise PdfUnavailable("Chromium không tạo ra tệp PDF")
