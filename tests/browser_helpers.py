"""What the browser tests share: Debian's Chromium (never a downloaded one), the web app served
for real by uvicorn in a thread with a clock the test moves, and full-page screenshots."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import uvicorn

from deployments.web.app import create_app
from tests.web_helpers import during

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = "TDKT_REQUIRE_BROWSER"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def browser_required() -> bool:
    return os.environ.get(REQUIRE_BROWSER) == "1"


@dataclass
class Clock:
    """The app's clock: a moment the test sets, read on every request."""

    at: dt.datetime = field(default_factory=lambda: during(dt.date(2023, 2, 23)))

    def __call__(self) -> dt.datetime:
        return self.at

    def set(self, day: dt.date, hour: int = 10) -> None:
        self.at = during(day, hour)


class LiveServer:
    """`with LiveServer(clock) as live:` — the app on http://127.0.0.1:<free port>.

    The socket is bound before the app is made, so its address is known (and can be put in
    TDKT_WEB_URL for the sweeps' links) before anything is served; no other process can take
    the port in between.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = int(self._socket.getsockname()[1])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Serve the app; call once TDKT_WEB_URL (and the data directory) are set."""
        app = create_app(now=self.clock)
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web app did not start")
            time.sleep(0.01)

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
