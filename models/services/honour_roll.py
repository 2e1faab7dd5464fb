"""The honour roll (sổ ghi danh): a plan's feature, kept per unit, numbered per book and year."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.orm import Campaign, Candidate, Unit
from models.orm.recognition import Ceremony, RegistryEntry, RewardDecision
from models.plan import HonourRoll
from models.recognition import (
    REGISTRY,
    RecognitionError,
    next_entry_number,
)
from models.services.audit import record
from models.services.recognition_common import (
    exemplar_view,
    one_line,
    render,
)
from models.services.rows import insert_rows, loaded, rows_in
from models.text import vn_date


def honour_roll_of(campaign: Campaign) -> HonourRoll | None:
    """The honour roll the campaign's plan keeps, or None: a plan without one keeps none."""
    data = (campaign.plan or {}).get("honour_roll")
    return HonourRoll.model_validate(data) if data else None


def book_unit(candidate: Candidate) -> Unit:
    """Whose book a line goes in: the exemplar's own unit ("ở đơn vị mình", seed 004 II.5),
    the unit that registered it."""
    return candidate.registered_by


class RegistryLine(NamedTuple):
    """A line just written in a unit's book: whose book, which year, which number."""

    unit: Unit
    year: int
    entry_no: int


class RegistryBook:
    """The units' honour rolls while commendations are written.

    Only what the campaign's plan names is written (`honour_roll`: forms decided, ceremonies
    held); a plan without a roll gets no line. Each book's last number in a year is read once
    (the largest, not every number: a year may hold thousands), then counted here. Lines are
    numbered and audited as they are written and stored together as plain rows by `store()`
    (one INSERT for a batch, instead of one flushed object each).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.last: dict[tuple[int, int], int] = {}
        self.rolls: dict[int, HonourRoll | None] = {}
        self.held: list[Campaign | Unit] = []
        self.pending: list[dict[str, object]] = []

    def prime(self, candidates: Sequence[Candidate], years: Sequence[int]) -> None:
        """Read at once what writing these candidates' lines in these years will ask: their
        campaigns and units, and each of those books' last number (one grouped query), so that
        a batch writes its lines without a statement each."""
        # held here: the session keeps loaded rows only while something refers to them
        self.held += loaded(self.session, Campaign, {c.campaign_id for c in candidates})
        self.held += loaded(self.session, Unit, {c.registered_by_id for c in candidates})
        books = {(c.registered_by_id, y) for c, y in zip(candidates, years, strict=True)}
        books -= set(self.last)
        if not books:
            return
        last = select(RegistryEntry.unit_id, RegistryEntry.year, func.max(RegistryEntry.entry_no))
        last = last.where(
            RegistryEntry.book == REGISTRY, RegistryEntry.year.in_({y for _, y in books})
        ).group_by(RegistryEntry.unit_id, RegistryEntry.year)
        found = rows_in(self.session, last, RegistryEntry.unit_id, sorted({u for u, _ in books}))
        self.last.update(dict.fromkeys(books, 0))
        self.last.update({(u, y): n for u, y, n in found if (u, y) in books})

    def store(self) -> None:
        """Write the lines numbered since the last store, in their order."""
        insert_rows(self.session, RegistryEntry, self.pending)
        self.pending = []

    def _roll(self, campaign: Campaign) -> HonourRoll | None:
        if campaign.id not in self.rolls:
            self.rolls[campaign.id] = honour_roll_of(campaign)
        return self.rolls[campaign.id]

    def write_decision(
        self, decision: RewardDecision, *, at: dt.datetime, actor: str
    ) -> RegistryLine | None:
        """The next line for a decision, if the plan's roll names the form granted (stored by
        `store()`)."""
        candidate = decision.proposal.candidate
        roll = self._roll(candidate.campaign)
        if roll is None or decision.form not in roll.forms:
            return None
        entered_on = max(at.date(), decision.decided_on)  # never before the decision
        return self._write(
            candidate, decision.decided_on.year, entered_on, at, actor, decision_id=decision.id
        )

    def write_ceremony(
        self, ceremony: Ceremony, candidates: Sequence[Candidate], *, at: dt.datetime, actor: str
    ) -> list[RegistryLine]:
        """A line for each exemplar commended at a ceremony the plan's roll names, once: those
        already written for this ceremony are asked in one query and skipped. Stored at once."""
        roll = self._roll(ceremony.campaign)
        if roll is None or ceremony.kind not in roll.ceremonies:
            return []
        written = set(
            self.session.scalars(
                select(RegistryEntry.candidate_id).where(RegistryEntry.ceremony_id == ceremony.id)
            )
        )
        entered_on = max(at.date(), ceremony.held_on)
        new = [c for c in candidates if c.id not in written]
        self.prime(new, [ceremony.held_on.year] * len(new))
        lines = [
            self._write(c, ceremony.held_on.year, entered_on, at, actor, ceremony_id=ceremony.id)
            for c in new
        ]
        self.store()
        return lines

    def _write(
        self,
        candidate: Candidate,
        year: int,
        entered_on: dt.date,
        at: dt.datetime,
        actor: str,
        *,
        decision_id: int | None = None,
        ceremony_id: int | None = None,
    ) -> RegistryLine:
        unit = book_unit(candidate)
        book = (unit.id, year)
        if book not in self.last:
            self.prime([candidate], [year])
        self.last[book] = next_entry_number([self.last[book]])
        line = RegistryLine(unit, year, self.last[book])
        self.pending.append(
            {
                "unit_id": unit.id,
                "campaign_id": candidate.campaign_id,
                "candidate_id": candidate.id,
                "decision_id": decision_id,
                "ceremony_id": ceremony_id,
                "book": REGISTRY,
                "year": year,
                "entry_no": line.entry_no,
                "entered_on": entered_on,
            }
        )
        record(
            self.session,
            at=at,
            actor=actor,
            action="registry.entered",
            entity="candidate",
            entity_id=candidate.id,
            reason=f"sổ ghi danh của {one_line(unit.name)} năm {year}, số {line.entry_no}",
        )
        return line


@dataclass(frozen=True)
class RegistryRow:
    """One line of the registry book, as printed."""

    entry_no: int
    year: int
    entered_on: str
    name: str
    subject: str
    unit: str
    field: str
    form: str
    decision_number: str
    decided_on: str
    signed_by: str


REGISTRY_COLUMNS = (
    "Số thứ tự",
    "Năm",
    "Ngày ghi danh",
    "Tên tập thể, cá nhân, hộ gia đình",
    "Loại",
    "Đơn vị",
    "Lĩnh vực",
    "Hình thức khen thưởng",
    "Số quyết định",
    "Ngày quyết định",
    "Người ký",
)


def registry_rows(
    session: Session,
    unit: Unit,
    *,
    year: int | None = None,
    book: str = REGISTRY,
    subject_ref: str | None = None,
) -> list[RegistryRow]:
    """A unit's honour roll in order: by year, then entry number (one year if `year`; one
    person's or collective's lines if `subject_ref`, whatever campaign wrote them).

    `book` names another book of the unit: lines written before migration 0017 sit in one
    per campaign (models.recognition.legacy_book).
    """
    query = select(RegistryEntry).where(
        RegistryEntry.unit_id == unit.id, RegistryEntry.book == book
    )
    if year is not None:
        query = query.where(RegistryEntry.year == year)
    if subject_ref is not None:
        query = query.join(RegistryEntry.candidate).where(Candidate.subject_ref == subject_ref)
    entries = session.scalars(query.order_by(RegistryEntry.year, RegistryEntry.entry_no))
    return [_registry_row(e) for e in entries]


def _registry_row(entry: RegistryEntry) -> RegistryRow:
    view = exemplar_view(entry.candidate)
    decision, ceremony = entry.decision, entry.ceremony
    if decision is not None:
        form, number = decision.form.label, decision.number
        decided_on, signed_by = vn_date(decision.decided_on), decision.signed_by
    else:
        assert ceremony is not None  # a line is written on a decision or a ceremony
        form = f"Biểu dương tại {one_line(ceremony.title)}"
        number, decided_on, signed_by = "", vn_date(ceremony.held_on), ""
    return RegistryRow(
        entry_no=entry.entry_no,
        year=entry.year,
        entered_on=vn_date(entry.entered_on),
        name=view.name,
        subject=view.subject,
        unit=view.unit,
        field=view.field,
        form=form,
        decision_number=number,
        decided_on=decided_on,
        signed_by=signed_by,
    )


def _csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @ would be run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_registry(
    session: Session,
    unit: Unit,
    *,
    fmt: str,
    year: int | None = None,
    book: str = REGISTRY,
) -> str:
    """A unit's honour roll (sổ ghi danh) as CSV for spreadsheets or a printable HTML page.

    `fmt` is "csv" or "html"; anything else is refused in Vietnamese (it comes from the CLI).
    """
    if fmt not in ("csv", "html"):
        raise RecognitionError(f"định dạng '{fmt}' không hỗ trợ; chỉ nhận: csv, html")
    rows = registry_rows(session, unit, year=year, book=book)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(REGISTRY_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in vars(row).values()])
        return out.getvalue()
    return render(
        "registry.html.j2",
        rows=rows,
        columns=REGISTRY_COLUMNS,
        unit=one_line(unit.name),
        year=year,
    )
