"""A local Prefect server for the demo: started on loopback, its state under the data dir."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import httpx


def prefect_home(data_dir: Path) -> Path:
    return data_dir / "prefect"


def configure_prefect(data_dir: Path) -> None:
    """Keep Prefect's state with the project's data and quiet; set before importing prefect."""
    os.environ.setdefault("PREFECT_HOME", str(prefect_home(data_dir)))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    quiet_logging()


def quiet_logging() -> None:
    """Warnings only on the terminal, while what each run did still reaches its Logs tab:
    the run loggers (get_run_logger) send INFO to the API. PREFECT_LOGGING_LEVEL alone applies
    to both, and kept every run's log empty ("This run didn't generate logs")."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    for name in ("FLOW_RUNS", "TASK_RUNS"):
        os.environ.setdefault(f"PREFECT_LOGGING_LOGGERS_PREFECT_{name}_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")


class LocalPrefectServer:
    """`prefect server start` on 127.0.0.1 in a child process, until stop().

    Its database is SQLite in its home unless database_url names another (production uses
    PostgreSQL: postgresql+asyncpg://..., see docs/operations.md).
    """

    def __init__(self, data_dir: Path, port: int = 4200, database_url: str | None = None) -> None:
        self.data_dir = data_dir
        self.port = port if port and _free(port) else _any_free_port()  # 0: any free port
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    def start(self, timeout: float = 120, *, die_with_parent: bool = False) -> None:
        """Start the server and wait until it answers. die_with_parent: only from a process's
        main thread before it starts others (the kernel ties the child to the forking thread,
        and code run between fork and exec must not wait on another thread's lock)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "prefect-server.log", "ab")  # noqa: SIM115 (kept open)
        env = {
            **os.environ,
            "PREFECT_HOME": str(prefect_home(self.data_dir)),
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(self.port),
            "PREFECT_UI_API_URL": self.api_url,
        }
        env.pop("PREFECT_API_URL", None)
        if self.database_url:
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = self.database_url
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            # Its own process group, so stop() ends the server and whatever it started
            # (uvicorn, its services) together; with die_with_parent (the CLI's commands, on
            # Linux) it also ends with this process if this one is killed outright (SIGKILL,
            # a crash) and never gets to stop() it.
            start_new_session=True,
            preexec_fn=_dies_with_parent() if die_with_parent else None,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Prefect server stopped; see {self.data_dir}/prefect-server.log"
                )
            try:
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    os.environ["PREFECT_API_URL"] = self.api_url
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("Prefect server did not start in time")

    def stop(self) -> None:
        """End the server's whole process group: SIGTERM, then SIGKILL after 20 seconds.

        The runs' logs still queued for the server are sent first (at most 5 seconds): once
        it is gone, Prefect's log worker would print "Error logging to API" at exit."""
        if self.process is None:
            return
        _send_queued_logs()
        for sig, wait in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # a straggler the server left behind


def _send_queued_logs() -> None:
    """Drain Prefect's API log worker, when no event loop runs in this thread (the CLI's
    case); a failure to send is no reason not to stop."""
    import asyncio

    from prefect.logging.handlers import APILogWorker

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        with contextlib.suppress(Exception):
            APILogWorker.drain_all(timeout=5)


@contextlib.contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the command as Ctrl+C does (KeyboardInterrupt), so its
    `finally` stops what it started; by default they would end Python at once, leaving the
    Prefect server running on its port (issue 22). Main thread only, as signal handlers are."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


PR_SET_PDEATHSIG = 1


def _dies_with_parent() -> Callable[[], None] | None:
    """What the child runs before exec so that the kernel sends it SIGTERM when its parent
    dies (Linux's prctl; None elsewhere). libc is loaded here, in the parent: the child only
    makes the call."""
    if sys.platform != "linux":
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def set_death_signal() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return set_death_signal


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _any_free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
