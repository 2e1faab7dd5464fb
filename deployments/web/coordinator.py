"""Coordinators' pages: sign in, see per campaign what was submitted, accept it or return it
with a reason (which reopens the obligation and restarts its reminder chain), revoke links,
and download submitted documents. Every change goes through models.services, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from deployments.web.inputs import DbId
from deployments.web.pages import error_page, page
from models.calendar import default_calendar
from models.db import unit_of_work
from models.orm import AccessLink, AuditEntry, Campaign, Coordinator, Obligation, SubmittedDocument
from models.phrases import occurrence_label
from models.policy import IllegalTransition
from models.services import obligations as obligation_service
from models.services.access import IntakeSettings, links_of, revoke_link
from models.services.accounts import authenticate
from models.services.submissions import document_path, documents_of
from models.vocabulary import ObligationStatus

router = APIRouter(prefix="/dieu-phoi")
LOGIN = "/dieu-phoi/dang-nhap"


class NotSignedIn(Exception):
    pass


def _now(request: Request) -> dt.datetime:
    moment: dt.datetime = request.app.state.now()
    return moment


def _who(request: Request, session: Session) -> Coordinator | None:
    uid = request.session.get("uid")
    coordinator = session.get(Coordinator, uid) if isinstance(uid, int) else None
    if coordinator is None or coordinator.disabled_at is not None:
        return None
    if request.session.get("pw") != _fingerprint(coordinator.password_hash):
        return None  # the password changed since this session began
    return coordinator


def _fingerprint(password_hash: str) -> str:
    """What the session keeps of the password hash: enough to end it when the password
    changes, nothing that helps guess the password (the cookie is signed, not encrypted)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def _csrf_ok(request: Request, form: FormData) -> bool:
    sent, kept = form.get("csrf"), request.session.get("csrf")
    return isinstance(sent, str) and isinstance(kept, str) and secrets.compare_digest(sent, kept)


def _to_login() -> Response:
    return RedirectResponse(LOGIN, status_code=303)


@router.get("/dang-nhap")
def login_form(request: Request) -> Response:
    return page(request, "login.html", csrf=_csrf(request), failed=False)


@router.post("/dang-nhap")
async def login(request: Request) -> Response:
    form = await request.form()
    if not _csrf_ok(request, form):
        return error_page(
            request, "Phiên làm việc không hợp lệ", "Xin mở lại trang đăng nhập.", 403
        )
    username, password = str(form.get("username", "")), str(form.get("password", ""))

    def check() -> tuple[int, str] | None:
        with unit_of_work() as session:
            who = authenticate(session, username, password)
            return (who.id, _fingerprint(who.password_hash)) if who else None

    found = await run_in_threadpool(check)
    if found is None:
        return page(request, "login.html", 401, csrf=_csrf(request), failed=True)
    request.session.clear()
    request.session.update(uid=found[0], pw=found[1], csrf=secrets.token_urlsafe(32))
    return RedirectResponse("/dieu-phoi", status_code=303)


@router.post("/dang-xuat")
async def logout(request: Request) -> Response:
    form = await request.form()
    if _csrf_ok(request, form):
        request.session.clear()
    return _to_login()


@router.get("")
def campaigns(request: Request) -> Response:
    with unit_of_work() as session:
        who = _who(request, session)
        if who is None:
            return _to_login()
        counts: dict[int, dict[str, int]] = {}
        for campaign_id, status, n in session.execute(
            select(Obligation.campaign_id, Obligation.status, func.count()).group_by(
                Obligation.campaign_id, Obligation.status
            )
        ):
            counts.setdefault(campaign_id, {})[status.value] = n
        rows = session.scalars(select(Campaign).order_by(Campaign.slug)).all()
        return page(
            request,
            "campaigns.html",
            who=who,
            csrf=_csrf(request),
            campaigns=rows,
            counts=counts,
            statuses=list(ObligationStatus),
        )


@router.get("/ke-hoach/{slug}")
def campaign(request: Request, slug: str, trang_thai: str = "submitted") -> Response:
    try:
        status = ObligationStatus(trang_thai)
    except ValueError:
        status = ObligationStatus.SUBMITTED
    with unit_of_work() as session:
        who = _who(request, session)
        if who is None:
            return _to_login()
        row = session.scalar(select(Campaign).where(Campaign.slug == slug))
        if row is None:
            return error_page(request, "Không tìm thấy kế hoạch", slug, 404)
        found = session.scalars(
            select(Obligation)
            .where(Obligation.campaign_id == row.id, Obligation.status == status)
            .options(selectinload(Obligation.unit), selectinload(Obligation.milestone))
            .order_by(Obligation.status_changed_at.desc(), Obligation.id)
            .limit(500)
        ).all()
        documents = dict(
            session.execute(
                select(SubmittedDocument.obligation_id, func.count())
                .where(SubmittedDocument.obligation_id.in_([o.id for o in found]))
                .group_by(SubmittedDocument.obligation_id)
            ).all()
        )
        return page(
            request,
            "campaign.html",
            who=who,
            csrf=_csrf(request),
            campaign=row,
            status=status,
            statuses=list(ObligationStatus),
            obligations=found,
            documents=documents,
            occurrence_label=occurrence_label,
        )


@router.get("/nghia-vu/{obligation_id}")
def obligation(request: Request, obligation_id: DbId, da: str | None = None) -> Response:
    with unit_of_work() as session:
        who = _who(request, session)
        if who is None:
            return _to_login()
        found = session.get(Obligation, obligation_id)
        if found is None:
            return error_page(request, "Không tìm thấy việc", f"#{obligation_id}", 404)
        history = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "obligation", AuditEntry.entity_id == found.id)
            .order_by(AuditEntry.id)
        ).all()
        return page(
            request,
            "obligation.html",
            who=who,
            csrf=_csrf(request),
            o=found,
            occurrence=occurrence_label(found.occurrence),
            documents=documents_of(session, found),
            links=links_of(session, found),
            history=history,
            now=_now(request),
            done=da,
        )


async def _change(
    request: Request,
    back: Callable[[], str],
    do: Callable[[Session, Coordinator, FormData, dt.datetime], None],
) -> Response:
    """A coordinator's change: signed in, CSRF token checked, one transaction."""
    form = await request.form()
    at = _now(request)
    if not _csrf_ok(request, form):
        return error_page(
            request, "Yêu cầu bị từ chối", "Mã xác thực biểu mẫu không hợp lệ (CSRF).", 403
        )

    def run() -> bool:
        with unit_of_work() as session:
            who = _who(request, session)
            if who is None:
                return False
            do(session, who, form, at)
            return True

    try:
        signed_in = await run_in_threadpool(run)
    except (IllegalTransition, ValueError) as error:
        return error_page(request, "Chưa thực hiện được", str(error), 400)
    if not signed_in:
        return _to_login()
    return RedirectResponse(back(), status_code=303)


def _obligation(session: Session, obligation_id: int) -> Obligation:
    found = session.get(Obligation, obligation_id)
    if found is None:
        raise ValueError(f"không có việc #{obligation_id}")
    return found


def _actor(who: Coordinator) -> str:
    return f"điều phối: {who.username}"


@router.post("/nghia-vu/{obligation_id}/tiep-nhan")
async def accept(request: Request, obligation_id: DbId) -> Response:
    def do(session: Session, who: Coordinator, form: FormData, at: dt.datetime) -> None:
        target = _obligation(session, obligation_id)
        obligation_service.accept(session, target, at=at, actor=_actor(who))

    return await _change(request, lambda: f"/dieu-phoi/nghia-vu/{obligation_id}?da=1", do)


@router.post("/nghia-vu/{obligation_id}/tra-lai")
async def return_(request: Request, obligation_id: DbId) -> Response:
    def do(session: Session, who: Coordinator, form: FormData, at: dt.datetime) -> None:
        target = _obligation(session, obligation_id)
        reason = " ".join(str(form.get("reason", "")).split())
        obligation_service.return_(
            session, target, default_calendar(), at=at, actor=_actor(who), reason=reason
        )

    return await _change(request, lambda: f"/dieu-phoi/nghia-vu/{obligation_id}?da=1", do)


@router.post("/lien-ket/{link_id}/thu-hoi")
async def revoke(request: Request, link_id: DbId) -> Response:
    owner: list[int] = []

    def do(session: Session, who: Coordinator, form: FormData, at: dt.datetime) -> None:
        link = session.get(AccessLink, link_id)
        if link is None:
            raise ValueError(f"không có liên kết #{link_id}")
        owner.append(link.obligation_id)
        revoke_link(session, link, at=at, actor=_actor(who))

    return await _change(
        request, lambda: f"/dieu-phoi/nghia-vu/{owner[0] if owner else ''}?da=1", do
    )


@router.get("/tai-lieu/{document_id}")
def download(request: Request, document_id: DbId) -> Response:
    """A submitted document, as an attachment: never rendered inline by the browser."""
    settings: IntakeSettings = request.app.state.intake
    with unit_of_work() as session:
        if _who(request, session) is None:
            return _to_login()
        document = session.get(SubmittedDocument, document_id)
        if document is None:
            return error_page(request, "Không tìm thấy tài liệu", f"#{document_id}", 404)
        path = document_path(settings.documents, document.sha256)
        name, media_type = document.filename, document.media_type
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"},
    )
