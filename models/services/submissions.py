"""An agency's submission: the document it uploads, stored by content hash, and the obligation
marked submitted in the same transaction (which stops its reminder chain)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.documents import Accepted
from models.orm import Obligation, SubmittedDocument
from models.services.audit import record
from models.services.obligations import submit


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
) -> SubmittedDocument:
    """Store and record the document, then submit the obligation it answers.

    `accepted` is models.documents.check_upload's verdict on `data`, reached by the caller
    before its transaction: the check inflates up to its bounds and would otherwise hold the
    write lock meanwhile.

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
    session.add(document)
    session.flush()
    record(
        session,
        at=at,
        actor=actor,
        action="document.uploaded",
        entity="obligation",
        entity_id=obligation.id,
        reason=f"{accepted.filename}, {len(data)} byte, sha256 {digest}",
    )
    return document


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
