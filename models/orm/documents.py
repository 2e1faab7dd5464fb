"""The register of documents issued (sổ đăng ký văn bản đi, Nghị định 30/2020 Điều 15).

Each issuer numbers its documents in one sequence per calendar year, from 01 on 1 January; a
council that numbers its own papers is an issuer of its own. A row is a number given: to
which document (its kind, date, trích yếu), for what (the entity it was made from), and under
which key, so that the same document asked for again (a retried sweep, a second export) gets
the number it already has instead of a new one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.administrative import DocumentKind, number_text
from models.orm.base import AwareDateTime, Base


class IssuedDocument(Base):
    """One number of the register: unique per issuer and year, and per key."""

    __tablename__ = "issued_documents"
    __table_args__ = (
        UniqueConstraint("issuer", "year", "number"),
        Index("ix_issued_documents_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    issuer: Mapped[str] = mapped_column(String(80), doc="'SNV', 'HĐTĐKT-TỈNH': whose sequence")
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), doc="DocumentKind.code, 'cong_van'")
    symbol: Mapped[str] = mapped_column(String(80), doc="The ký hiệu after the number")
    issued_on: Mapped[dt.date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(Text, doc="The trích yếu")
    entity: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    actor: Mapped[str] = mapped_column(String(200))

    @property
    def document_kind(self) -> DocumentKind:
        return DocumentKind.from_code(self.kind)

    @property
    def reference(self) -> str:
        """ "12/TTr-SNV" (or "12" for an issuer with no ký hiệu given)."""
        shown = number_text(self.number)
        return f"{shown}/{self.symbol}" if self.symbol else shown
