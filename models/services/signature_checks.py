"""Submitted documents and their signatures, for the CLI: listed, and checked again.

The ops change the trust store (a new CA installed, a compromised one removed); the verdicts
stored at upload are then out of date. `recheck` reads each stored PDF again and stores the new
verdict, judged as of the document's receipt (models.pdf_signatures explains why). It does not
return or reopen obligations: a coordinator reads what changed and decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from models.documents import DEFAULT_MAX_BYTES, PDF, size_text
from models.orm import Campaign, Obligation, SubmittedDocument
from models.pdf_signatures import Verdict, invalid, verify_pdf
from models.services.submissions import document_path, set_verdict
from models.trust_store import TrustStore


def documents_in(session: Session, campaign: Campaign | None = None) -> list[SubmittedDocument]:
    """The documents submitted (for one campaign, or all), oldest first, with their
    obligation, unit and milestone loaded for listing."""
    query = (
        select(SubmittedDocument)
        .join(Obligation, SubmittedDocument.obligation_id == Obligation.id)
        .options(
            joinedload(SubmittedDocument.obligation).joinedload(Obligation.unit),
            joinedload(SubmittedDocument.obligation).joinedload(Obligation.milestone),
        )
        .order_by(SubmittedDocument.id)
    )
    if campaign is not None:
        query = query.where(Obligation.campaign_id == campaign.id)
    return list(session.scalars(query).unique())


@dataclass(frozen=True)
class Change:
    document: SubmittedDocument
    before: str | None  # the stored status before
    after: str


@dataclass
class Recheck:
    """What a recheck did: how many PDFs were read, whose verdict changed, which are gone."""

    checked: int = 0
    changed: list[Change] = field(default_factory=list)
    missing: list[SubmittedDocument] = field(default_factory=list)


def recheck(
    session: Session,
    documents: Sequence[SubmittedDocument],
    store: Path,
    trust: TrustStore,
    *,
    at: dt.datetime,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Recheck:
    """Check every PDF among `documents` again against `trust`; store each verdict (checked
    at `at`). A file larger than `max_bytes` is judged without being read."""
    result = Recheck()
    for document in documents:
        if document.media_type != PDF:
            continue
        path = document_path(store, document.sha256)
        verdict = _verdict(path, trust, document.uploaded_at, max_bytes)
        if verdict is None:
            result.missing.append(document)
            continue
        before = document.signature_status
        set_verdict(document, verdict, at)
        result.checked += 1
        if before != verdict.status.value:
            result.changed.append(Change(document, before, verdict.status.value))
    session.flush()
    return result


def _verdict(
    path: Path, trust: TrustStore, received: dt.datetime, max_bytes: int
) -> Verdict | None:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return invalid(f"tệp quá lớn để kiểm tra chữ ký ({size_text(size)})")
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return verify_pdf(data, trust, at=received, max_bytes=max_bytes)
