"""Numbering documents: the register of documents issued (sổ đăng ký văn bản đi).

Nghị định 30/2020 (Điều 15, Phụ lục I): each issuer numbers its documents in one sequence per
calendar year, starting at 01 on 1 January, without gaps. A number is given under a key that
names the document (the escalation email's key, "decision:proposal:12"...): asking again with
the same key, after a retried sweep or for a second export, returns the number already given,
so retries never burn numbers.

Gap-free under concurrent callers: the next number is the year's highest plus one, read while
holding the register (models.services.locking.lock_register: an advisory lock on PostgreSQL;
on SQLite every writing transaction already holds the database, models.db). A transaction that
rolls back takes its number with it, and the next caller reuses it: no gap.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.administrative import DocumentKind
from models.orm import IssuedDocument
from models.services import audit
from models.services.locking import lock_register


def register_document(
    session: Session,
    *,
    issuer: str,
    kind: DocumentKind,
    issued_on: dt.date,
    subject: str,
    key: str,
    entity: str | None,
    entity_id: int | None,
    at: dt.datetime,
    actor: str,
    symbol: str = "",
) -> IssuedDocument:
    """The register's entry for the document named by `key`: the one given before, or the next
    number of `issuer`'s sequence for the year of `issued_on`.

    `symbol` is the ký hiệu printed after the number ("TTr-SNV"), kept so that the register
    lists each document as it was printed. The caller commits.
    """
    found = _by_key(session, key)
    if found is not None:
        return found
    lock_register(session, issuer, issued_on.year)
    found = _by_key(session, key)  # another caller may have registered it while we waited
    if found is not None:
        return found
    last = session.scalar(
        select(func.max(IssuedDocument.number)).where(
            IssuedDocument.issuer == issuer, IssuedDocument.year == issued_on.year
        )
    )
    document = IssuedDocument(
        key=key,
        issuer=issuer,
        year=issued_on.year,
        number=(last or 0) + 1,
        kind=kind.code,
        symbol=symbol,
        issued_on=issued_on,
        subject=" ".join(subject.split()),
        entity=entity,
        entity_id=entity_id,
        created_at=at,
        actor=actor,
    )
    session.add(document)
    session.flush()
    audit.record(
        session,
        at=at,
        actor=actor,
        action="document_registered",
        entity="issued_document",
        entity_id=document.id,
        reason=f"Số {document.reference}: {document.subject}"[:2000],
    )
    return document


def _by_key(session: Session, key: str) -> IssuedDocument | None:
    return session.scalar(select(IssuedDocument).where(IssuedDocument.key == key))


def registered(session: Session, key: str) -> IssuedDocument | None:
    """The entry given under `key`, if any (a preview shows the number without taking one)."""
    return _by_key(session, key)


def register_entries(
    session: Session, *, issuer: str | None = None, year: int | None = None, limit: int = 1000
) -> list[IssuedDocument]:
    """The register as a văn thư reads it: by issuer, year and number, at most `limit` rows."""
    query = select(IssuedDocument)
    if issuer is not None:
        query = query.where(IssuedDocument.issuer == issuer)
    if year is not None:
        query = query.where(IssuedDocument.year == year)
    order = (IssuedDocument.issuer, IssuedDocument.year, IssuedDocument.number)
    return list(session.scalars(query.order_by(*order).limit(limit)))
