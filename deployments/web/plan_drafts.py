"""The coordinator's drafting page (issue 24): upload a plan's text, see the draft beside the
text with each deadline phrase found highlighted where it stands, correct it, save the file.

Signed-in coordinators only (a form with the session's CSRF token). The upload is bounded
twice: by the request guard (deployments.web.guard, the upload limit) and by the text reader
(models.plan_draft.source_text: size, zip bounds, pages, characters). Drafting and saving run
outside the event loop; saving goes through models.services.plan_drafts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from deployments.web import auth
from deployments.web.auth import csrf_ok, signed_in, to_login
from deployments.web.pages import error_page, page
from models.correspondence import body_in_full
from models.db import unit_of_work
from models.plan_draft.draft import Draft, draft_plan
from models.plan_draft.parts import paragraphs
from models.plan_draft.source_text import TextRefused, document_text
from models.services.access import IntakeSettings
from models.services.coordinator_sessions import SignedIn
from models.services.plan_drafts import SavedDraft, directory_units, save_draft
from models.source import InputErrors

router = APIRouter()
PATH = "/du-thao"


@dataclass(frozen=True)
class Piece:
    """A run of the document's text; marked: a deadline phrase found, with its clause."""

    text: str
    clause: str | None = None


def highlighted(text: str, draft: Draft) -> list[list[Piece]]:
    """The document's paragraphs, each a list of pieces, the phrases found marked where they
    stand (in the paragraph holding the sentence they were read from)."""
    out: list[list[Piece]] = []
    pending = [m for m in draft.milestones if m.phrase]
    for paragraph in paragraphs(text):
        marks: list[tuple[int, int, str]] = []
        for m in list(pending):
            head = m.quote[:40]
            at = paragraph.find(head)
            if at < 0 or m.phrase is None:
                continue
            start = paragraph.find(m.phrase, at)
            if start < 0 or any(a < start + len(m.phrase) and start < b for a, b, _ in marks):
                continue
            marks.append((start, start + len(m.phrase), m.clause))
            pending.remove(m)
        pieces, cursor = [], 0
        for start, end, clause in sorted(marks):
            pieces += [Piece(paragraph[cursor:start]), Piece(paragraph[start:end], clause)]
            cursor = end
        pieces.append(Piece(paragraph[cursor:]))
        out.append(pieces)
    return out


def _settings(request: Request) -> IntakeSettings:
    return request.app.state.intake  # type: ignore[no-any-return]


def _context(signed: SignedIn) -> dict[str, Any]:
    unit = signed.coordinator.unit
    return {
        "who": signed.coordinator,
        "csrf": signed.csrf,
        "body": body_in_full(unit) if unit is not None else "",
    }


@router.get(PATH)
def form(request: Request) -> Response:
    with unit_of_work() as session:
        signed = signed_in(request, session)
        if signed is None:
            return to_login()
        return page(request, "plan_draft.html", 200, **_context(signed))


@router.post(PATH)
async def upload(request: Request) -> Response:
    max_bytes = _settings(request).max_upload_bytes
    sent = await request.form(max_files=1, max_fields=10)
    document = sent.get("document")
    data = b""
    name = ""
    if isinstance(document, UploadFile) and document.filename:
        data = document.file.read(max_bytes + 1)
        name = document.filename

    def run() -> tuple[str, dict[str, object]]:
        with unit_of_work() as session:
            signed = _signed(request, session, sent)
            if isinstance(signed, str):
                return signed, {}
            context = _context(signed)
            if not data:
                return "page", {**context, "refused": "Chưa chọn tệp văn bản kế hoạch."}
            try:
                text = document_text(name, data, max_bytes=max_bytes)
            except TextRefused as error:
                return "page", {**context, "refused": str(error)}
            result = draft_plan(text, source=_clean(name), units=directory_units(session))
            return "page", {
                **context,
                "draft": result,
                "paragraphs": highlighted(text, result),
                "filename": _clean(name),
            }

    outcome, context = await run_in_threadpool(run)
    return _answer(request, outcome, context)


@router.post(PATH + "/luu")
async def save(request: Request) -> Response:
    sent = await request.form(max_files=0, max_fields=10)
    yaml_text = sent.get("yaml")
    at = auth.now_of(request)

    def run() -> tuple[str, dict[str, object]]:
        with unit_of_work() as session:
            signed = _signed(request, session, sent)
            if isinstance(signed, str):
                return signed, {}
            context = {**_context(signed), "yaml": yaml_text if isinstance(yaml_text, str) else ""}
            if not isinstance(yaml_text, str) or not yaml_text.strip():
                return "page", {**context, "refused": "Bản nháp trống."}
            actor = f"điều phối: {signed.coordinator.username}"
            try:
                saved: SavedDraft = save_draft(session, yaml_text, at=at, actor=actor)
            except InputErrors as errors:
                return "page", {**context, "problems": [str(e) for e in errors.errors]}
            except (ValueError, OSError) as error:
                return "page", {**context, "refused": f"Chưa lưu được: {error}"}
            return "page", {**context, "saved": saved}

    outcome, context = await run_in_threadpool(run)
    return _answer(request, outcome, context)


def _signed(request: Request, session: Session, sent: FormData) -> SignedIn | str:
    """The signed-in coordinator whose form carries the session's token; else what to answer."""
    signed = signed_in(request, session)
    if signed is None:
        return "login"
    if not csrf_ok(sent, signed.csrf):
        return "csrf"
    return signed


def _answer(request: Request, outcome: str, context: dict[str, object]) -> Response:
    if outcome == "login":
        return to_login()
    if outcome == "csrf":
        return error_page(
            request, "Yêu cầu bị từ chối", "Mã xác thực biểu mẫu không hợp lệ (CSRF).", 403
        )
    status = 400 if "refused" in context or "problems" in context else 200
    return page(request, "plan_draft.html", status, **context)


def _clean(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^\w .\-]", "", base)[:120] or "van-ban"
