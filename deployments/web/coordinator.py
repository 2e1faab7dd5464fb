"""Coordinators' pages: see per campaign what was submitted, accept it or return it with a
reason (which reopens the obligation and restarts its reminder chain), revoke links, and
download submitted documents. Every change goes through models.services, audited.

Signing in is deployments.web.auth's. Every page and action checks, server-side, that its
campaign is in the coordinator's scope (their standing body's campaigns, or all for an admin):
anything else answers "not found", as if it did not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from deployments.web import auth, plan_drafts
from deployments.web.auth import csrf_ok, signed_in, to_login
from deployments.web.inputs import BadQuery, DbId, one_of, page_number
from deployments.web.pages import error_page, page
from models.calendar import default_calendar
from models.correspondence import body_in_full
from models.db import unit_of_work
from models.orm import AccessLink, AuditEntry, Campaign, Obligation, SubmittedDocument
from models.policy import IllegalTransition
from models.services import obligations as obligation_service
from models.services.access import IntakeSettings, links_of, revoke_link
from models.services.accounts import Scope, scope_of
from models.services.coordinator_sessions import SignedIn
from models.services.exports import (
    ExportKind,
    ExportRequest,
    UnknownKind,
    export,
    export_kind,
    file_name,
)
from models.services.obligation_list import (
    DEFAULT_SORT,
    FilterChoices,
    ObligationFilter,
    filter_choices,
    listed,
    status_counts,
)
from models.services.obligations import plan_of
from models.services.statistics import statistics_file_name, statistics_workbook
from models.services.subjects import subject
from models.services.submissions import document_path, documents_of, signature_lines
from models.spreadsheet import xlsx_bytes
from models.statistics import latest_reported_year
from models.vocabulary import ObligationStatus

router = APIRouter(prefix="/dieu-phoi")
router.include_router(auth.router)
router.include_router(plan_drafts.router)


class OutOfScope(Exception):
    """The thing asked for is not in the coordinator's scope (or does not exist)."""


def _now(request: Request) -> dt.datetime:
    return auth.now_of(request)


def _scope(session: Session, signed: SignedIn) -> Scope:
    return scope_of(session, signed.coordinator)


def _in_scope(session: Session, signed: SignedIn, campaign_id: int) -> bool:
    campaign = session.get(Campaign, campaign_id)
    return campaign is not None and _scope(session, signed).covers(campaign)


def _not_found(request: Request, title: str, what: str) -> Response:
    return error_page(request, title, what, 404)


def _own_body(signed: SignedIn) -> str:
    """The standing body a coordinator works for, as the header names it ("" for an admin)."""
    unit = signed.coordinator.unit
    return body_in_full(unit) if unit is not None else ""


@router.get("")
def campaigns(request: Request) -> Response:
    with unit_of_work() as session:
        signed = signed_in(request, session)
        if signed is None:
            return to_login()
        scope = _scope(session, signed)
        visible = select(Campaign).order_by(Campaign.slug)
        counted = select(Obligation.campaign_id, Obligation.status, func.count()).group_by(
            Obligation.campaign_id, Obligation.status
        )
        if not scope.everything:
            visible = visible.where(Campaign.standing_body_id.in_(scope.bodies))
            counted = counted.where(
                Obligation.campaign_id.in_(
                    select(Campaign.id).where(Campaign.standing_body_id.in_(scope.bodies))
                )
            )
        counts: dict[int, dict[str, int]] = {}
        for campaign_id, status, n in session.execute(counted):
            counts.setdefault(campaign_id, {})[status.value] = n
        return page(
            request,
            "campaigns.html",
            who=signed.coordinator,
            csrf=signed.csrf,
            body=_own_body(signed),
            campaigns=session.scalars(visible).all(),
            counts=counts,
            statuses=list(ObligationStatus),
            unscoped=not scope.everything and not scope.bodies,
        )


class _Query:
    """The campaign page's query parameters, each checked against what the page offers
    (deployments/web/inputs.py): the same filter lists the page and feeds its export."""

    NAMES = ("trang_thai", "don_vi", "linh_vuc", "moc", "sap_xep")

    def __init__(self, request: Request) -> None:
        self.raw = {name: request.query_params.get(name) for name in self.NAMES}

    def chosen(self, choices: FilterChoices) -> ObligationFilter:
        status = self.raw["trang_thai"]
        statuses = [s.value for s in ObligationStatus]
        return ObligationFilter(
            status=None
            if status == ALL
            else ObligationStatus(one_of("trạng thái", status, statuses) or DEFAULT_STATUS),
            unit=one_of("đơn vị", self.raw["don_vi"], (c for c, _ in choices.units)),
            field=one_of("lĩnh vực", self.raw["linh_vuc"], (c for c, _ in choices.fields)),
            milestone=one_of("mốc", self.raw["moc"], (c for c, _ in choices.milestones)),
            sort=one_of("sắp xếp", self.raw["sap_xep"], choices.sorts) or DEFAULT_SORT,
        )


ALL = "tat-ca"
DEFAULT_STATUS = ObligationStatus.SUBMITTED.value
PAGE_ROWS = 500


def query_string(chosen: ObligationFilter, **changed: str | None) -> str:
    """The page's query for chosen, with some parameters changed (a tab, a sorted column)."""
    values: dict[str, str | None] = {
        "trang_thai": chosen.status.value if chosen.status else ALL,
        "don_vi": chosen.unit,
        "linh_vuc": chosen.field,
        "moc": chosen.milestone,
        "sap_xep": chosen.sort,
    }
    values.update(changed)
    return urlencode({k: v for k, v in values.items() if v})


def _campaign_in_scope(session: Session, signed: SignedIn, slug: str) -> Campaign | None:
    row = session.scalar(select(Campaign).where(Campaign.slug == slug))
    return row if row is not None and _scope(session, signed).covers(row) else None


@router.get("/ke-hoach/{slug}")
def campaign(request: Request, slug: str) -> Response:
    """A campaign's obligations: status tabs with counts, filters by unit, field and milestone,
    columns to sort by, days overdue in working days, and the export of what is shown."""
    at = _now(request)
    with unit_of_work() as session:
        signed = signed_in(request, session)
        if signed is None:
            return to_login()
        row = _campaign_in_scope(session, signed, slug)
        if row is None:
            return _not_found(request, "Không tìm thấy kế hoạch", slug)
        choices = filter_choices(session, row)
        try:
            chosen = _Query(request).chosen(choices)
            number = page_number(request.query_params.get("trang"))
        except BadQuery as error:
            return error_page(request, "Bộ lọc không hợp lệ", str(error), 400)
        counts = status_counts(session, row, chosen)
        matching = counts[chosen.status] if chosen.status else sum(counts.values())
        pages = max(1, -(-matching // PAGE_ROWS))
        number = min(number, pages)  # a stale bookmark past the end shows the last page
        found = list(
            listed(
                session,
                row,
                chosen,
                default_calendar(),
                as_of=at.date(),
                limit=PAGE_ROWS,
                offset=(number - 1) * PAGE_ROWS,
            )
        )
        return page(
            request,
            "campaign.html",
            who=signed.coordinator,
            csrf=signed.csrf,
            body=body_in_full(row.standing_body),
            campaign=row,
            chosen=chosen,
            counts=counts,
            total=sum(counts.values()),
            statuses=list(ObligationStatus),
            all_tab=ALL,
            obligations=found,
            choices=choices,
            page_rows=PAGE_ROWS,
            page_number=number,
            pages=pages,
            matching=matching,
            query=lambda **changed: query_string(chosen, **changed),
            kinds=list(ExportKind),
            stats_year=latest_reported_year(at.date()),
        )


@router.get("/ke-hoach/{slug}/xuat/{kind}")
def export_sheet(request: Request, slug: str, kind: str) -> Response:
    """One export of the campaign as .xlsx, under the page's filter (obligations): signed in
    and in scope, like the page; an unknown kind is not found."""
    at = _now(request)
    with unit_of_work() as session:
        signed = signed_in(request, session)
        if signed is None:
            return to_login()
        row = _campaign_in_scope(session, signed, slug)
        try:
            wanted = export_kind(kind)
        except UnknownKind:
            row = None
        if row is None:
            return _not_found(request, "Không tìm thấy", f"{slug}/{kind}")
        try:
            chosen = _Query(request).chosen(filter_choices(session, row))
        except BadQuery as error:
            return error_page(request, "Bộ lọc không hợp lệ", str(error), 400)
        if request.query_params.get("trang_thai") is None:
            chosen = chosen.without_status()  # from a link without a tab: every status
        sheet = export(session, row, default_calendar(), ExportRequest(wanted, at.date(), chosen))
        data = xlsx_bytes(sheet)
        name = file_name(row, wanted, at.date())
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/ke-hoach/{slug}/thong-ke/{year}")
def statistics_sheet(request: Request, slug: str, year: str) -> Response:
    """The campaign's yearly TĐKT statistics (Thông tư 02/2023/TT-BNV forms) as .xlsx: signed
    in and in scope, like the page; a year that is not one is not found."""
    at = _now(request)
    with unit_of_work() as session:
        signed = signed_in(request, session)
        if signed is None:
            return to_login()
        row = _campaign_in_scope(session, signed, slug)
        wanted = int(year) if year.isascii() and year.isdigit() and len(year) == 4 else None
        if row is None or wanted is None:
            return _not_found(request, "Không tìm thấy", f"{slug}/{year}")
        data = statistics_workbook(session, wanted, prepared_on=at.date(), campaign=row)
        name = statistics_file_name(wanted, row)
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"},
    )


@router.get("/nghia-vu/{obligation_id}")
def obligation(request: Request, obligation_id: DbId, da: str | None = None) -> Response:
    with unit_of_work() as session:
        signed = signed_in(request, session)
        if signed is None:
            return to_login()
        found = session.get(Obligation, obligation_id)
        if found is None or not _in_scope(session, signed, found.campaign_id):
            return _not_found(request, "Không tìm thấy việc", f"#{obligation_id}")
        history = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "obligation", AuditEntry.entity_id == found.id)
            .order_by(AuditEntry.id)
        ).all()
        documents = documents_of(session, found)
        return page(
            request,
            "obligation.html",
            who=signed.coordinator,
            csrf=signed.csrf,
            body=body_in_full(found.campaign.standing_body),
            o=found,
            named=subject(session, found, plan_of(found.campaign)),
            documents=documents,
            signatures={d.id: signature_lines(d) for d in documents},
            links=links_of(session, found),
            history=history,
            now=_now(request),
            done=da,
        )


async def _change(
    request: Request,
    back: Callable[[], str],
    do: Callable[[Session, SignedIn, FormData, dt.datetime], None],
) -> Response:
    """A coordinator's change: signed in, the session's CSRF token, in scope; one transaction."""
    form = await request.form()
    at = _now(request)

    def run() -> str:
        with unit_of_work() as session:
            signed = signed_in(request, session)
            if signed is None:
                return "login"
            if not csrf_ok(form, signed.csrf):
                return "csrf"
            do(session, signed, form, at)
            return "done"

    try:
        outcome = await run_in_threadpool(run)
    except OutOfScope as error:
        return _not_found(request, "Không tìm thấy", str(error))
    except (IllegalTransition, ValueError) as error:
        return error_page(request, "Chưa thực hiện được", str(error), 400)
    if outcome == "login":
        return to_login()
    if outcome == "csrf":
        return error_page(
            request, "Yêu cầu bị từ chối", "Mã xác thực biểu mẫu không hợp lệ (CSRF).", 403
        )
    return RedirectResponse(back(), status_code=303)


def _obligation(session: Session, signed: SignedIn, obligation_id: int) -> Obligation:
    found = session.get(Obligation, obligation_id)
    if found is None or not _in_scope(session, signed, found.campaign_id):
        raise OutOfScope(f"không có việc #{obligation_id}")
    return found


def _actor(signed: SignedIn) -> str:
    return f"điều phối: {signed.coordinator.username}"


@router.post("/nghia-vu/{obligation_id}/tiep-nhan")
async def accept(request: Request, obligation_id: DbId) -> Response:
    def do(session: Session, signed: SignedIn, form: FormData, at: dt.datetime) -> None:
        target = _obligation(session, signed, obligation_id)
        obligation_service.accept(session, target, at=at, actor=_actor(signed))

    return await _change(request, lambda: f"/dieu-phoi/nghia-vu/{obligation_id}?da=1", do)


@router.post("/nghia-vu/{obligation_id}/tra-lai")
async def return_(request: Request, obligation_id: DbId) -> Response:
    def do(session: Session, signed: SignedIn, form: FormData, at: dt.datetime) -> None:
        target = _obligation(session, signed, obligation_id)
        reason = " ".join(str(form.get("reason", "")).split())
        obligation_service.return_(
            session, target, default_calendar(), at=at, actor=_actor(signed), reason=reason
        )

    return await _change(request, lambda: f"/dieu-phoi/nghia-vu/{obligation_id}?da=1", do)


@router.post("/lien-ket/{link_id}/thu-hoi")
async def revoke(request: Request, link_id: DbId) -> Response:
    owner: list[int] = []

    def do(session: Session, signed: SignedIn, form: FormData, at: dt.datetime) -> None:
        link = session.get(AccessLink, link_id)
        if link is None:
            raise OutOfScope(f"không có liên kết #{link_id}")
        _obligation(session, signed, link.obligation_id)
        owner.append(link.obligation_id)
        revoke_link(session, link, at=at, actor=_actor(signed))

    return await _change(
        request, lambda: f"/dieu-phoi/nghia-vu/{owner[0] if owner else ''}?da=1", do
    )


@router.get("/tai-lieu/{document_id}")
def download(request: Request, document_id: DbId) -> Response:
    """A submitted document, as an attachment: never rendered inline by the browser."""
    settings: IntakeSettings = request.app.state.intake
    with unit_of_work() as session:
        signed = signed_in(request, session)
        if signed is None:
            return to_login()
        document = session.get(SubmittedDocument, document_id)
        if document is None or not _in_scope(session, signed, document.obligation.campaign_id):
            return _not_found(request, "Không tìm thấy tài liệu", f"#{document_id}")
        path = document_path(settings.documents, document.sha256)
        name, media_type = document.filename, document.media_type
    return FileResponse(
        path,
        media_type=media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}"},
    )
