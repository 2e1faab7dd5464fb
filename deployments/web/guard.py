"""The web app's outermost layer: what every response carries and what no request gets past.

- Every response carries the security headers (and HSTS when the public address is https),
  the 500 page included. Starlette answers an unhandled exception in its ServerErrorMiddleware,
  which sits outside every middleware added with `app.add_middleware` or `@app.middleware`:
  headers added there never reach that page. So :class:`GuardedApp` wraps its whole stack,
  ServerErrorMiddleware included, in :class:`Guard`, a plain ASGI middleware.
- An unexpected failure is the app's Vietnamese error page (the app's handler for
  `Exception` renders it; Guard sends it itself if nothing was sent), and is logged once, on
  the server, without the request's secrets: the method, the path with any personal link's
  token cut out, no query string, no form, no cookie, and the exception's types and the code
  lines it passed through, not its message (a database error's message quotes the statement's
  parameters: what the person typed).
- A request's size is bounded before its body is read: a POST must say its length, an upload
  may be as large as the upload limit allows, any other form 256 KiB.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deployments.web.pages import error_page
from models.documents import size_text

log = logging.getLogger("tdkt.web")

SECURITY_HEADERS = {
    # Links carry tokens in their path: never send them on to another site.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
}
HSTS = {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}
"""Sent when the public address (TDKT_WEB_URL) is https: browsers then never try plain HTTP
for a year, so a link cannot be read or changed on the way by a downgrade."""

FORM_BYTES = 256 * 1024
"""The largest body of a form without a file: every text field at its longest, several times
over (the forms' own maxlength is 4,000 characters)."""
UPLOAD_OVERHEAD = 256 * 1024
"""What an upload's form may carry besides the file: its fields and the multipart framing."""


def server_error(request: Request) -> Response:
    """The page of an unexpected failure: it says what the person can do, nothing of why."""
    return error_page(
        request,
        "Lỗi máy chủ",
        "Máy chủ gặp lỗi ngoài dự kiến khi xử lý yêu cầu này; lỗi đã được ghi lại để kiểm tra. "
        "Xin thử lại sau ít phút; nếu vẫn lỗi, xin báo cơ quan thường trực.",
        500,
    )


class Guard:
    """Headers on every response, size limits before the body, the page and a clean log line
    for any failure (see the module's docstring)."""

    def __init__(self, app: ASGIApp, *, headers: Mapping[str, str], max_upload: int) -> None:
        self.app = app
        self.headers = dict(headers)
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message).update(self.headers)
            await send(message)

        refusal = self._oversize(scope)
        if refusal is not None:
            await refusal(scope, receive, send_guarded)
            return
        try:
            await self.app(scope, receive, send_guarded)
        except Exception as error:  # everything: this is the last place that can answer
            log.error("%s", failure_report(scope, error))
            if not started:
                await server_error(Request(scope))(scope, receive, send_guarded)

    def _oversize(self, scope: Scope) -> Response | None:
        """The refusal of a body that must not be read (too large, or of unknown length)."""
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        upload = headers.get("content-type", "").startswith("multipart/form-data")
        limit = self.max_upload + UPLOAD_OVERHEAD if upload else FORM_BYTES
        if scope["method"] == "POST" and length is None:
            # A body of unknown length would be spooled to disk whole before being refused.
            return error_page(
                Request(scope),
                "Yêu cầu không hợp lệ",
                "Thiếu độ dài nội dung (Content-Length).",
                411,
            )
        if length is not None and (not re.fullmatch(r"[0-9]{1,15}", length) or int(length) > limit):
            if upload:
                title = "Tệp quá lớn"
                text = f"Dung lượng tối đa của một lần gửi là {size_text(self.max_upload)}."
            else:
                title = "Nội dung quá lớn"
                text = (
                    f"Biểu mẫu gửi lên vượt quá {size_text(FORM_BYTES)}; xin rút gọn nội dung "
                    "các ô và gửi lại."
                )
            return error_page(Request(scope), title, text, 413)
        return None


class GuardedApp(FastAPI):
    """FastAPI with :class:`Guard` outside its whole middleware stack (set `guard_headers` and
    `guard_max_upload` before the first request)."""

    guard_headers: Mapping[str, str] = SECURITY_HEADERS
    guard_max_upload: int = 0

    def build_middleware_stack(self) -> ASGIApp:
        return Guard(
            super().build_middleware_stack(),
            headers=self.guard_headers,
            max_upload=self.guard_max_upload,
        )


LINK_TOKEN = re.compile(r"(/l/)[^/?#]*")


def failure_report(scope: Scope, error: BaseException) -> str:
    """One log entry for a failed request, without its secrets (see the module's docstring):
    'POST /l/…/bo-phieu: sqlite3.IntegrityError ← ... at models/x.py:12 in f < ...', the
    frame that raised first, then the project's own frames it came through."""
    path = LINK_TOKEN.sub(r"\1…", str(scope.get("path", "")))
    kinds = []
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        kinds.append(f"{type(cause).__module__}.{type(cause).__qualname__}")
        cause = cause.__cause__ or cause.__context__
    frames = list(reversed(traceback.extract_tb(error.__traceback__)))
    shown = frames[:1] + [f for f in frames[1:] if _in_project(f.filename)][:MAX_FRAMES]
    where = " < ".join(f"{_short(f.filename)}:{f.lineno} in {f.name}" for f in shown)
    return f"{scope.get('method', '?')} {path}: {' ← '.join(kinds)} at {where}"


MAX_FRAMES = 8
PROJECT = str(Path(__file__).resolve().parents[2]) + "/"


def _in_project(filename: str) -> bool:
    return filename.startswith(PROJECT) and "/site-packages/" not in filename


def _short(filename: str) -> str:
    """A source file's path from the project or site-packages down, not the machine's."""
    if _in_project(filename):
        return filename[len(PROJECT) :]
    return filename.rpartition("/site-packages/")[2]


def security_headers(public_url: str) -> dict[str, str]:
    """The headers every response carries; HSTS too when the public address is https."""
    return {**SECURITY_HEADERS, **(HSTS if public_url.startswith("https://") else {})}
