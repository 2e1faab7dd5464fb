"""The pages behind a personal link: see what is owed, and do it (upload, register, assess,
confirm a publication, vote). Every POST opens the link again, checks that the form names the
link's own obligation, spends the form's one-time token and acts, all in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from deployments.web.inputs import MAX_ID, form_int
from deployments.web.pages import error_page, page
from models.correspondence import body_in_full
from models.db import unit_of_work
from models.documents import Accepted, DocumentRefused, check_upload, size_text
from models.intake import IntakeAction
from models.lengths import TooLong
from models.letterhead import answering
from models.lifecycle import IllegalStageTransition
from models.orm import AccessLink
from models.pdf_signatures import SignatureStatus, Verdict
from models.policy import IllegalTransition
from models.recognition import RecognitionError
from models.services import intake
from models.services.access import (
    IntakeSettings,
    check_signed_form,
    link_scope,
    open_link,
    require_obligation,
    spend_form_token,
)
from models.services.ballots import BallotError
from models.services.candidates import RegistrationError
from models.services.dossier import join_sent_document, open_pieces
from models.services.obligations import plan_of
from models.services.subjects import subject
from models.services.submissions import check_signatures
from models.trust_store import load_trust_store
from models.vocabulary import ObligationStatus, SubjectKind
from models.voting import VoteChoice

router = APIRouter(prefix="/l")

REFUSED_ACTS = (
    intake.IntakeError,
    DocumentRefused,
    BallotError,
    RegistrationError,
    RecognitionError,
    IllegalTransition,
    IllegalStageTransition,
    TooLong,
)
DONE = {
    "nop": "Đã nhận văn bản. Việc này được ghi là đã nộp; hệ thống sẽ không nhắc nữa.",
    "nop-tra-lai": "Đã nhận văn bản, nhưng văn bản chưa đáp ứng yêu cầu ký số của kế hoạch "
    "nên việc này được trả lại; lý do ghi dưới đây. Đề nghị đơn vị gửi lại văn bản đã ký số.",
    "dang-ky": "Đã ghi nhận đăng ký điển hình.",
    "hoan-tat": "Đã gửi đăng ký. Việc này được ghi là đã nộp.",
    "danh-gia": "Đã ghi kết quả đánh giá.",
    "dang-bai": "Đã xác nhận bài đã đăng.",
    "bo-phieu": "Đã ghi nhận phiếu bầu của đồng chí. Phiếu được giữ kín.",
}


def _settings(request: Request) -> IntakeSettings:
    settings: IntakeSettings = request.app.state.intake
    return settings


def _now(request: Request) -> dt.datetime:
    moment: dt.datetime = request.app.state.now()
    return moment


@router.get("/{token}")
def show(request: Request, token: str, da: str | None = None) -> Response:
    settings, at = _settings(request), _now(request)
    with unit_of_work() as session:
        link = open_link(session, settings.signer, token, at=at)
        context = _context(session, link, token, settings, at)
        return page(request, "intake.html", done=DONE.get(da or ""), **context)


def _context(
    session: Session, link: AccessLink, token: str, settings: IntakeSettings, at: dt.datetime
) -> dict[str, Any]:
    v = intake.view(session, link)
    obligation = v.obligation
    plan = plan_of(obligation.campaign)
    return {
        "v": v,
        "o": obligation,
        "token_path": f"/l/{token}",
        "form_token": settings.signer.form_token(link_scope(link), at),
        "plan": plan,
        "named": subject(session, obligation, plan),  # what it is about, by name
        # who answers for the standing body, as its emails are signed (models/letterhead.py)
        "standing": answering(plan, obligation.campaign.standing_body),
        "body": body_in_full(obligation.campaign.standing_body),
        "subjects": list(SubjectKind),
        "choices": list(VoteChoice),
        "fields": obligation.campaign.fields,
        "year": at.year,
        "today": at.date().isoformat(),
        "max_size": size_text(settings.max_upload_bytes),
        "signature_required": plan.requires_signature(obligation.milestone.code),
        "signature_labels": {status.value: status.label for status in SignatureStatus},
        # a dossier's pieces the unit may send with this upload (models/services/dossier.py)
        "pieces": open_pieces(session, obligation.unit_id, obligation.campaign_id)
        if v.action == IntakeAction.UPLOAD
        else [],
    }


async def _act(
    request: Request,
    token: str,
    done: str | Callable[[], str],
    do: Callable[[Session, AccessLink, FormData, dt.datetime], object],
    *,
    spent_if_refused: tuple[type[Exception], ...] = (),
) -> Response:
    """Open the link, check the form, spend its token and do the act; one transaction.

    The act runs in a savepoint: refused with one of `spent_if_refused`, it is undone but the
    token stays spent, so the same form cannot be posted again and again (an upload refused
    for its content needs a fresh page, and a fresh token, for each try)."""
    settings, at = _settings(request), _now(request)
    form = await request.form(max_files=1, max_fields=200)

    def run() -> None:
        refused: Exception | None = None
        with unit_of_work() as session:
            link = open_link(session, settings.signer, token, at=at)
            require_obligation(link, _text(form, "obligation_id"))
            spend_form_token(
                session, settings.signer, _text(form, "form_token"), scope=link_scope(link), at=at
            )
            try:
                with session.begin_nested():
                    do(session, link, form, at)
            except spent_if_refused as error:
                refused = error  # the act is rolled back; the spent token is committed
        if refused is not None:
            raise refused

    try:
        await run_in_threadpool(run)
    except REFUSED_ACTS as error:
        message = f"{_sentence(str(error))} Chưa có gì được ghi."
        if isinstance(error, spent_if_refused):
            message += " Để gửi lại, xin mở lại trang từ liên kết trong thư."
        return error_page(request, "Chưa thực hiện được", message, 400)
    finally:
        await form.close()
    outcome = done if isinstance(done, str) else done()
    return RedirectResponse(f"/l/{token}?da={outcome}", status_code=303)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/{token}/nop")
async def upload(request: Request, token: str) -> Response:
    """The document is checked before the act's transaction opens: a check may inflate up to
    its bounds (models/containers.py), and inside the transaction it would hold SQLite's one
    write lock, and so every other writer, for that long. It is checked only for a request
    carrying a link and a fresh form this server signed (no database needed to tell)."""
    settings, received = _settings(request), _now(request)
    form = await request.form(max_files=1, max_fields=200)
    check_signed_form(settings.signer, token, _text(form, "form_token"), at=received)
    document = form.get("document")
    verdict: Verdict | None = None
    if not isinstance(document, UploadFile) or not document.filename:
        checked: Accepted | DocumentRefused | None = None
        data = b""
    else:
        data = document.file.read(settings.max_upload_bytes + 1)
        checked, verdict = await run_in_threadpool(
            _checked, document.filename, data, settings, received
        )
    returned: list[bool] = []

    def do(session: Session, link: AccessLink, form: FormData, at: dt.datetime) -> None:
        if checked is None:
            raise intake.IntakeError("chưa chọn tệp văn bản")
        if isinstance(checked, DocumentRefused):
            raise checked  # the form's token is spent all the same (see _act)
        sent = intake.upload(
            session,
            link,
            settings.documents,
            accepted=checked,
            data=data,
            note=_text(form, "note"),
            at=at,
            verdict=verdict,
        )
        returned.append(sent.obligation.status == ObligationStatus.RETURNED)
        if _text(form, "piece"):  # the file is also a piece of a proposal's dossier
            join_sent_document(
                session,
                settings.documents,
                sent,
                _text(form, "piece"),
                at=at,
                actor=sent.uploaded_by,
            )

    def done() -> str:
        return "nop-tra-lai" if any(returned) else "nop"

    return await _act(request, token, done, do, spent_if_refused=(DocumentRefused,))


def _checked(
    filename: str, data: bytes, settings: IntakeSettings, at: dt.datetime
) -> tuple[Accepted | DocumentRefused, Verdict | None]:
    """The upload's type, then its signatures' verdict as of its receipt (a PDF only)."""
    try:
        accepted = check_upload(filename, data, max_bytes=settings.max_upload_bytes)
    except DocumentRefused as refusal:
        return refusal, None
    trust = load_trust_store(settings.trust_store)
    return accepted, check_signatures(
        accepted, data, trust, at=at, max_bytes=settings.max_upload_bytes
    )


@router.post("/{token}/dang-ky")
async def register(request: Request, token: str) -> Response:
    def do(session: Session, link: AccessLink, form: FormData, at: dt.datetime) -> None:
        year = form_int(_text(form, "year"), low=1, high=9999)
        if year is None:
            raise intake.IntakeError("năm đăng ký phải là một số")
        intake.register_candidate(
            session,
            link,
            name=_text(form, "name"),
            subject=_text(form, "subject"),
            field_code=_text(form, "field_code"),
            year=year,
            description=_text(form, "description"),
            at=at,
        )

    return await _act(request, token, "dang-ky", do)


@router.post("/{token}/hoan-tat")
async def finish_registration(request: Request, token: str) -> Response:
    def do(session: Session, link: AccessLink, form: FormData, at: dt.datetime) -> None:
        intake.finish_registration(session, link, note=_text(form, "note"), at=at)

    return await _act(request, token, "hoan-tat", do)


@router.post("/{token}/danh-gia")
async def assess(request: Request, token: str) -> Response:
    def do(session: Session, link: AccessLink, form: FormData, at: dt.datetime) -> None:
        intake.assess(
            session,
            link,
            progress=_text(form, "progress"),
            difficulties=_text(form, "difficulties"),
            support=_text(form, "support"),
            at=at,
        )

    return await _act(request, token, "danh-gia", do)


@router.post("/{token}/dang-bai")
async def publish(request: Request, token: str) -> Response:
    def do(session: Session, link: AccessLink, form: FormData, at: dt.datetime) -> None:
        try:
            published_on = dt.date.fromisoformat(_text(form, "published_on"))
        except ValueError:
            raise intake.IntakeError("ngày đăng không hợp lệ") from None
        intake.confirm_published(
            session, link, url=_text(form, "url"), published_on=published_on, at=at
        )

    return await _act(request, token, "dang-bai", do)


@router.post("/{token}/bo-phieu")
async def vote(request: Request, token: str) -> Response:
    seal = _settings(request).ballot_seal

    def do(session: Session, link: AccessLink, form: FormData, at: dt.datetime) -> None:
        choices: dict[int, str] = {}
        conflicts: set[int] = set()
        for key, value in form.multi_items():
            kind, _, number = key.partition("_")
            if kind not in ("choice", "conflict") or not isinstance(value, str):
                continue
            cid = form_int(number, low=1, high=MAX_ID)
            if cid is None:
                raise intake.IntakeError("phiếu có ô không hợp lệ; xin mở lại trang và bỏ phiếu")
            if kind == "choice":
                choices[cid] = value
            else:
                conflicts.add(cid)
        for cid in conflicts:
            choices[cid] = VoteChoice.ABSTAIN.value
        written = form.get("written") == "1"  # absent: this paper is a written opinion
        intake.vote(
            session, link, choices=choices, conflicts=conflicts, at=at, seal=seal, written=written
        )

    return await _act(request, token, "bo-phieu", do)
