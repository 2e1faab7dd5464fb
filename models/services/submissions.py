"""An agency's submission: the document it uploads, stored by content hash, and the obligation
marked submitted in the same transaction (which stops its reminder chain).

A PDF's digital signatures are checked before the transaction (models.pdf_signatures; the
check reads the trust store and parses the file) and the verdict is stored with the document.
Where the plan requires signed submissions, a document whose verdict is not valid is returned
to the unit at once, through the ordinary return (the note says why, the chain restarts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar import default_calendar
from models.documents import DEFAULT_MAX_BYTES, PDF, Accepted
from models.orm import Obligation, SubmittedDocument
from models.pdf_signatures import SignatureStatus, Verdict, describe_verdict, verify_pdf
from models.services.audit import record
from models.services.obligations import plan_of, return_, submit
from models.trust_store import TrustStore

SIGNATURE_ACTOR = "hệ thống: kiểm tra chữ ký số"


def document_path(store: Path, sha256: str) -> Path:
    """Where a document's bytes live: named by their hash, under two-letter folders."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return store / sha256[:2] / sha256


def submit_document(
    session: Session,
    store: Path,
    obligation: Obligation,
    *,
    accepted: Accepted,
    data: bytes,
    note: str | None,
    at: dt.datetime,
    actor: str,
    verdict: Verdict | None,
) -> SubmittedDocument:
    """Store and record the document, then submit the obligation it answers.

    `accepted` is models.documents.check_upload's verdict on `data`, and `verdict`
    check_signatures' (None for a document that is not a PDF), both reached by the caller
    before its transaction: the checks are slow and would otherwise hold the write lock.

    The transition is checked before the file is written, so a refused submission leaves
    nothing behind; the file is content-addressed, so one left by a failed commit is harmless.
    """
    digest = hashlib.sha256(data).hexdigest()
    text = f"nộp {accepted.filename} (sha256 {digest[:12]}…)"
    if note and note.strip():
        text += f": {note.strip()}"
    submit(session, obligation, at=at, actor=actor, note=text)
    write_once(document_path(store, digest), data)
    document = SubmittedDocument(
        obligation=obligation,
        sha256=digest,
        filename=accepted.filename,
        media_type=accepted.media_type,
        size=len(data),
        uploaded_at=at,
        uploaded_by=actor,
    )
    set_verdict(document, verdict, at)
    session.add(document)
    session.flush()
    signed = f", chữ ký số: {verdict.status.label}" if verdict is not None else ""
    record(
        session,
        at=at,
        actor=actor,
        action="document.uploaded",
        entity="obligation",
        entity_id=obligation.id,
        reason=f"{accepted.filename}, {len(data)} byte, sha256 {digest}{signed}",
    )
    if plan_of(obligation.campaign).requires_signature(obligation.milestone.code):
        problem = signature_problem(accepted.filename, verdict)
        if problem is not None:
            return_(
                session,
                obligation,
                default_calendar(),
                at=at,
                actor=SIGNATURE_ACTOR,
                reason=problem,
            )
    return document


def check_signatures(
    accepted: Accepted,
    data: bytes,
    trust: TrustStore,
    *,
    at: dt.datetime,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Verdict | None:
    """The verdict on a PDF's signatures as of `at` (its receipt); None for DOCX or ODT,
    which carry no signature this checks."""
    if accepted.media_type != PDF:
        return None
    return verify_pdf(data, trust, at=at, max_bytes=max_bytes)


def set_verdict(document: SubmittedDocument, verdict: Verdict | None, at: dt.datetime) -> None:
    document.signature_status = verdict.status.value if verdict else None
    document.signature = verdict.to_json() if verdict else None
    document.signature_checked_at = at if verdict else None


def verdict_of(document: SubmittedDocument) -> Verdict | None:
    """The stored verdict; None for a document that is not a PDF or was never checked."""
    return Verdict.from_json(document.signature) if document.signature else None


def signature_lines(document: SubmittedDocument) -> list[str]:
    """What a coordinator reads about a document's signatures, one line per signature."""
    verdict = verdict_of(document)
    if verdict is not None:
        return describe_verdict(verdict)
    if document.media_type == PDF:
        return ["chưa kiểm tra chữ ký số (chạy tdkt document verify)"]
    return ["không áp dụng (không phải tệp PDF)"]


def signature_problem(filename: str, verdict: Verdict | None) -> str | None:
    """Why a document does not meet a plan that requires signed submissions, addressed to the
    unit as the standing body writes to it ("đề nghị ..."); None when it does."""
    if verdict is not None and verdict.status == SignatureStatus.VALID:
        return None
    if verdict is None:
        what = f"Văn bản “{filename}” không phải tệp PDF nên không có chữ ký số để kiểm tra"
    elif verdict.status == SignatureStatus.UNSIGNED:
        what = f"Văn bản “{filename}” chưa được ký số"
    else:
        why = verdict.why
        what = f"Chữ ký số trên văn bản “{filename}” {verdict.status.label}" + (
            f" ({why})" if why else ""
        )
    return (
        f"{what}, trong khi kế hoạch yêu cầu văn bản gửi đến phải được ký số. Đề nghị đơn vị "
        "ký số văn bản bằng chứng thư số còn hiệu lực do tổ chức cung cấp dịch vụ chứng thực "
        "chữ ký số cấp và gửi lại tệp PDF đã ký."
    )


def write_once(path: Path, data: bytes) -> None:
    """Write a content-addressed file once, atomically, read-only (a second write is a no-op)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o440)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def documents_of(session: Session, obligation: Obligation) -> list[SubmittedDocument]:
    return list(
        session.scalars(
            select(SubmittedDocument)
            .where(SubmittedDocument.obligation_id == obligation.id)
            .order_by(SubmittedDocument.id)
        )
    )
