"""`tdkt web`: the small server-rendered app where agencies act from their emails and
coordinators review what was submitted. Prefect's UI has no per-user access, so this is the
only door for anyone outside the standing body's operators.

Two audiences, two kinds of credential:
- agencies and council members open a personal link (signed, expiring, revocable) and need no
  account; each form on their page carries a one-time token that also stops CSRF and replays;
- coordinators sign in (throttled); their session is a row on the server, the cookie only its
  random id (HttpOnly, SameSite=Strict), and each of their forms carries the session's CSRF
  token (deployments.web.auth).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from deployments.web import agency, auth, coordinator
from deployments.web.guard import GuardedApp, security_headers, server_error
from deployments.web.pages import STYLESHEET, error_page
from models import clock
from models.services.access import AccessRefused, IntakeSettings
from models.services.signin import SigninSettings

STATUS_OF_REFUSAL = {
    "tampered": 400,
    "unknown": 404,
    "expired": 410,
    "revoked": 410,
    "other-obligation": 403,
    "replayed": 409,
    "stale-form": 400,
    "bad-form": 400,
}


def create_app(
    intake: IntakeSettings | None = None,
    *,
    now: Callable[[], dt.datetime] = clock.now,
    https_only: bool = False,
    signin: SigninSettings | None = None,
) -> FastAPI:
    """The app; `now` is its clock (tests and simulations pass their own); `signin` its
    throttling and session lifetimes."""
    intake = intake or IntakeSettings.from_env()
    app = GuardedApp(
        title="tdkt-flow", docs_url=None, redoc_url=None, openapi_url=None, debug=False
    )
    app.guard_headers = security_headers(intake.base_url)
    app.guard_max_upload = intake.max_upload_bytes
    app.state.intake = intake
    app.state.now = now
    app.state.signin = signin = signin or SigninSettings.from_env()
    app.state.https_only = https_only  # session cookies are Secure then
    app.state.hashing_slots = auth.hashing_slots(signin)

    @app.exception_handler(AccessRefused)
    async def refused(request: Request, error: AccessRefused) -> Response:
        title = {
            "replayed": "Không thực hiện lại",
            "stale-form": "Biểu mẫu không hợp lệ",
            "bad-form": "Biểu mẫu không hợp lệ",
        }.get(error.refusal.value, "Không thể mở trang này")
        return error_page(
            request,
            title,
            error.refusal.message,
            STATUS_OF_REFUSAL[error.refusal.value],
            contact=error.contact,
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        # Starlette's own messages are English (a malformed form body, two files...): the
        # page says it in Vietnamese instead.
        titles = {
            400: (
                "Yêu cầu không hợp lệ",
                "Nội dung gửi lên không đọc được: biểu mẫu hỏng, "
                "hoặc có nhiều hơn một tệp. Xin mở lại trang và gửi lại.",
            ),
            404: ("Không tìm thấy trang", ""),
            405: ("Thao tác không được phép", ""),
        }
        title, message = titles.get(error.status_code, ("Không thực hiện được", ""))
        return error_page(request, title, message, error.status_code)

    @app.exception_handler(Exception)
    async def failed(request: Request, error: Exception) -> Response:
        # Rendered by Starlette's ServerErrorMiddleware; Guard logs the error and adds headers.
        return server_error(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        if any(e["loc"][:1] == ("path",) for e in error.errors()):
            # An id out of range (deployments.web.inputs.DbId): no such page.
            return error_page(request, "Không tìm thấy trang", "", 404)
        fields = sorted({str(e["loc"][-1]) for e in error.errors()})
        return error_page(
            request,
            "Biểu mẫu chưa đủ hoặc sai",
            "Xin kiểm tra các ô: " + ", ".join(fields),
            422,
        )

    @app.get("/site.css", include_in_schema=False)
    async def stylesheet() -> Response:
        return Response(STYLESHEET, media_type="text/css")

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        return error_page(
            request,
            "tdkt-flow",
            "Đơn vị mở trang này từ liên kết trong thư nhắc hạn; cán bộ điều phối đăng nhập "
            "tại /dieu-phoi.",
            200,
        )

    app.include_router(agency.router)
    app.include_router(coordinator.router)
    return app
