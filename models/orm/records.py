"""Yearly records (hồ sơ hằng năm) and the eligibility checks run against them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.orm.base import AwareDateTime, Base
from models.orm.lifecycle import Candidate


class YearRecord(Base):
    """A title, rating, breach or initiative of one person, household or unit in one year.

    A person may have one rating of each kind a year (as a civil servant, as a party member):
    rating_kind is part of what makes a record one, '' for records that are not ratings (not
    NULL, which a unique constraint would let repeat).

    Keyed by subject_ref (what Candidate.subject_ref names), not by candidate: the records
    exist before anyone is registered and serve every campaign the subject appears in.
    """

    __tablename__ = "year_records"
    __table_args__ = (UniqueConstraint("subject_ref", "year", "kind", "rating_kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_ref: Mapped[str] = mapped_column(String(120), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), doc="title, rating, breach or initiative")
    rating_kind: Mapped[str] = mapped_column(
        String(20),
        server_default="",
        doc="Whose rating (civil_service, party, union); '' for anything but a rating",
    )
    value: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300), doc="The file it was imported from")
    imported_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())


class EligibilityCheck(Base):
    """One run of a plan's rules for one candidate: the verdict and every rule's evidence.

    Kept for every run, so the council can see what the records said when a stage changed.
    """

    __tablename__ = "eligibility_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), index=True)
    evaluated_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    as_of_year: Mapped[int] = mapped_column(Integer, doc="Evaluation year; earlier years checked")
    eligible: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    results: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, doc="RuleResult.as_dict() of every applicable rule"
    )

    candidate: Mapped[Candidate] = relationship()
