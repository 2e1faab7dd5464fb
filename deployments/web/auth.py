"""Coordinators signing in and out, and the session every coordinator page asks for.

The session is a row (models.services.coordinator_sessions); the cookie `tdkt_session` carries
only its random id (HttpOnly, SameSite=Strict, Secure behind HTTPS) and the row keeps the CSRF
token of the session's forms. Before sign-in there is no session: the login form's CSRF token
is an HMAC of a random cookie (`tdkt_login`, a signed double submit), so anonymous visits
store nothing.

A sign-in is throttled (models.services.signin): a locked attempt is refused after one
read-only query, with no password check. The Argon2 check itself runs in a hashing slot (at
most `hashing_slots` at once per process, so a flood of guesses cannot take every core from
the agencies' pages) and outside any transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import threading

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from deployments.web.pages import error_page, page
from models.db import read_only, unit_of_work
from models.services.coordinator_sessions import (
    SignedIn,
    end_session,
    find_session,
    open_session,
)
from models.services.signin import (
    LONGEST_PASSWORD,
    LONGEST_USERNAME,
    SigninSettings,
    check_password,
    read_attempt,
    record_failure,
    record_success,
    rehash,
    try_again_text,
)

router = APIRouter()  # included by the coordinator router, under /dieu-phoi
LOGIN = "/dieu-phoi/dang-nhap"
SESSION_COOKIE = "tdkt_session"
LOGIN_COOKIE = "tdkt_login"


class Busy(Exception):
    """Every hashing slot stayed taken for `slot_wait_seconds`."""


def now_of(request: Request) -> dt.datetime:
    moment: dt.datetime = request.app.state.now()
    return moment


def settings_of(request: Request) -> SigninSettings:
    settings: SigninSettings = request.app.state.signin
    return settings


def hashing_slots(settings: SigninSettings) -> threading.BoundedSemaphore:
    """The app's semaphore of concurrent password checks (create_app keeps one per app)."""
    return threading.BoundedSemaphore(settings.hashing_slots)


def session_ids(request: Request) -> list[str]:
    """Every tdkt_session value the request carries (at most three). A browser sends two when
    someone planted one with a wider path: the real one must not be shadowed by it."""
    found = []
    for part in request.headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            found.append(value)
    return found[:3]


def signed_in(request: Request, session: Session) -> SignedIn | None:
    """The coordinator whose live session the request's cookie names, if any."""
    return _signed_in(request, session)[0]


def _signed_in(request: Request, session: Session) -> tuple[SignedIn | None, str | None]:
    at, settings = now_of(request), settings_of(request)
    for session_id in session_ids(request):
        found = find_session(session, session_id, at=at, settings=settings)
        if found is not None:
            return found, session_id
    return None, None


def csrf_ok(form: FormData, expected: str | None) -> bool:
    sent = form.get("csrf")
    return isinstance(sent, str) and expected is not None and secrets.compare_digest(sent, expected)


def to_login() -> Response:
    return RedirectResponse(LOGIN, status_code=303)


def _set_cookie(request: Request, response: Response, name: str, value: str, seconds: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path="/dieu-phoi",
        httponly=True,
        samesite="strict",
        secure=bool(request.app.state.https_only),
    )


def _login_csrf(request: Request, cookie: str) -> str:
    key = request.app.state.intake.signer.session_key.encode()
    return hmac.new(key, f"login:{cookie}".encode(), hashlib.sha256).hexdigest()


def _login_page(
    request: Request, status: int = 200, *, failed: bool = False, locked: str = ""
) -> Response:
    """The login form, with a fresh pre-login cookie when the browser has none."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not (20 <= len(cookie) <= 64 and cookie.replace("-", "").replace("_", "").isalnum()):
        cookie = secrets.token_urlsafe(32)
    response = page(
        request,
        "login.html",
        status,
        csrf=_login_csrf(request, cookie),
        failed=failed,
        locked=locked,
    )
    _set_cookie(request, response, LOGIN_COOKIE, cookie, 3600)
    return response


@router.get("/dang-nhap")
def login_form(request: Request) -> Response:
    return _login_page(request)


def _locked(request: Request, until: dt.datetime, at: dt.datetime) -> Response:
    response = _login_page(request, 429, locked=try_again_text(until, at))
    response.headers["Retry-After"] = str(max(1, int((until - at).total_seconds())))
    return response


@router.post("/dang-nhap")
async def login(request: Request) -> Response:
    form = await request.form()
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not csrf_ok(form, _login_csrf(request, cookie)):
        return error_page(
            request, "Phiên làm việc không hợp lệ", "Xin mở lại trang đăng nhập.", 403
        )
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    address = request.client.host if request.client else "không rõ"
    at, settings = now_of(request), settings_of(request)

    def first_look() -> dt.datetime | None:
        with read_only() as session:
            return read_attempt(session, username, address, at).locked_until

    until = await run_in_threadpool(first_look)
    if until is not None:
        return _locked(request, until, at)
    try:
        outcome = await run_in_threadpool(
            _sign_in, request, username, password, address, at, settings
        )
    except Busy:
        return error_page(
            request,
            "Máy chủ đang bận",
            "Có quá nhiều lượt đăng nhập cùng lúc. Xin thử lại sau ít phút.",
            503,
        )
    if isinstance(outcome, dt.datetime):
        return _locked(request, outcome, at)
    if outcome is None:
        return _login_page(request, 401, failed=True)
    response = RedirectResponse("/dieu-phoi", status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, outcome, settings.session_hours * 3600)
    response.delete_cookie(LOGIN_COOKIE, path="/dieu-phoi")
    return response


def _sign_in(
    request: Request,
    username: str,
    password: str,
    address: str,
    at: dt.datetime,
    settings: SigninSettings,
) -> str | dt.datetime | None:
    """In a worker thread: a new session's id, the end of a lockout, or None (wrong)."""
    slots: threading.BoundedSemaphore = request.app.state.hashing_slots
    if not slots.acquire(timeout=settings.slot_wait_seconds):
        raise Busy
    try:
        if len(username) > LONGEST_USERNAME or len(password) > LONGEST_PASSWORD:
            right, new_hash, attempt = False, None, None  # no such account: no hashing either
        else:
            with read_only() as session:  # again: a lockout may have begun while waiting
                attempt = read_attempt(session, username, address, at)
            if attempt.locked_until is not None:
                return attempt.locked_until
            right = check_password(attempt, password)  # ~150 ms, no transaction open
            new_hash = rehash(attempt, password) if right else None
        with unit_of_work() as session:
            if not right or attempt is None:
                record_failure(session, username, address, at, settings)
                return None
            outcome = record_success(session, attempt, username, address, at, new_hash)
            if not isinstance(outcome, int):
                return outcome
            return open_session(
                session, outcome, replacing=session_ids(request), at=at, settings=settings
            )
    finally:
        slots.release()


@router.post("/dang-xuat")
async def logout(request: Request) -> Response:
    """The session's row goes (when the form's CSRF token is the session's): a copy of the
    cookie opens nothing afterwards."""
    form = await request.form()

    def end() -> bool:
        with unit_of_work() as session:
            who, session_id = _signed_in(request, session)
            if who is None or session_id is None or not csrf_ok(form, who.csrf):
                return False
            end_session(session, session_id)
            return True

    response = to_login()
    if await run_in_threadpool(end):
        response.delete_cookie(SESSION_COOKIE, path="/dieu-phoi")
    return response
