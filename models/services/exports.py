"""What a coordinator takes away in a spreadsheet: a campaign's obligations, its overdue units,
its registrations, its ballots' results and its honour roll, each as Vietnamese columns and
rows (models/spreadsheet.py writes them as .xlsx). The CLI (`tdkt export`) and the coordinator
pages call export(); neither builds rows itself.

Rows are generators, read once while the workbook is written: a national campaign's hundreds
of thousands of obligations are read a chunk at a time (models/services/obligation_list.py).
A ballot's counts appear only once it is closed: an open ballot's papers are sealed and not
counted (docs/voting.md); it is listed as open, with no figures.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.calendar import WorkingCalendar
from models.orm import Ballot, Campaign, Candidate, Contact, RegistryEntry, Unit
from models.phrases import occurrence_label
from models.services.ballots import ballot_result
from models.services.obligation_list import ObligationFilter, days_overdue, listed
from models.services.recognition_common import exemplar_view, one_line
from models.spreadsheet import Cell, Column, Sheet
from models.vocabulary import ContactRole, ObligationStatus
from models.voting import BallotStatus


class ExportKind(StrEnum):
    """What can be exported; each has a Vietnamese name (the URL's and the CLI's) too."""

    OBLIGATIONS = "obligations"
    OVERDUE = "overdue"
    REGISTRATIONS = "registrations"
    BALLOTS = "ballots"
    HONOUR_ROLL = "honour-roll"

    @property
    def vietnamese(self) -> str:
        return _VIETNAMESE[self]

    @property
    def label(self) -> str:
        return _LABELS[self]


_VIETNAMESE = {
    ExportKind.OBLIGATIONS: "nghia-vu",
    ExportKind.OVERDUE: "qua-han",
    ExportKind.REGISTRATIONS: "dang-ky",
    ExportKind.BALLOTS: "binh-xet",
    ExportKind.HONOUR_ROLL: "ghi-danh",
}
_LABELS = {
    ExportKind.OBLIGATIONS: "Nghĩa vụ",
    ExportKind.OVERDUE: "Đơn vị quá hạn",
    ExportKind.REGISTRATIONS: "Đăng ký điển hình",
    ExportKind.BALLOTS: "Kết quả bình xét",
    ExportKind.HONOUR_ROLL: "Sổ ghi danh",
}


class UnknownKind(ValueError):
    """A kind no export has; the message lists the accepted names, in Vietnamese."""


def _folded(text: str) -> str:
    """'Nghĩa vụ' and 'nghia_vu' read as 'nghia-vu'."""
    text = text.strip().lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "-".join(text.replace("_", " ").replace("-", " ").split())


def export_kind(text: str) -> ExportKind:
    """The kind named in English or Vietnamese, with or without diacritics."""
    wanted = _folded(text)
    for kind in ExportKind:
        if wanted in (kind.value, kind.vietnamese):
            return kind
    accepted = ", ".join(f"{k.vietnamese} ({k.value})" for k in ExportKind)
    raise UnknownKind(f"loại xuất '{text}' không có; chỉ nhận: {accepted}")


@dataclass(frozen=True)
class ExportRequest:
    """One export: of what, for which campaign, as of which day (days overdue count to it),
    and, for obligations, the coordinator page's filter."""

    kind: ExportKind
    as_of: dt.date
    chosen: ObligationFilter = field(default_factory=ObligationFilter)


def file_name(campaign: Campaign, kind: ExportKind, as_of: dt.date) -> str:
    """'quang-binh-2021-2025-nghia-vu-09012024.xlsx': ASCII, safe in a download header."""
    return f"{campaign.slug}-{kind.vietnamese}-{as_of:%d%m%Y}.xlsx"


def export(
    session: Session, campaign: Campaign, calendar: WorkingCalendar, request: ExportRequest
) -> Sheet:
    """The sheet of one export; its rows are read from the database as the sheet is written,
    so the session must stay open until then."""
    builders = {
        ExportKind.OBLIGATIONS: _obligations,
        ExportKind.OVERDUE: _overdue_units,
        ExportKind.REGISTRATIONS: _registrations,
        ExportKind.BALLOTS: _ballots,
        ExportKind.HONOUR_ROLL: _honour_roll,
    }
    columns, rows = builders[request.kind](session, campaign, calendar, request)
    return Sheet(request.kind.label, columns, rows)


Built = tuple[list[Column], Iterator[list[Cell]]]

OBLIGATION_COLUMNS = [
    Column("Đơn vị", 40),
    Column("Mã đơn vị", 14),
    Column("Việc", 60),
    Column("Kỳ", 12),
    Column("Hạn", 12),
    Column("Trạng thái", 14),
    Column("Số ngày làm việc quá hạn", 14),
    Column("Cập nhật", 12),
    Column("Văn bản đã nộp", 10),
]


def _obligations(
    session: Session, campaign: Campaign, calendar: WorkingCalendar, request: ExportRequest
) -> Built:
    def rows() -> Iterator[list[Cell]]:
        for item in listed(session, campaign, request.chosen, calendar, as_of=request.as_of):
            o = item.obligation
            yield [
                one_line(o.unit.name),
                o.unit.code,
                item.line,
                occurrence_label(o.occurrence),
                o.chase_due,
                o.status.label,
                item.days_overdue,
                o.status_changed_at.date(),
                item.documents,
            ]

    return OBLIGATION_COLUMNS, rows()


@dataclass
class _LateUnit:
    unit: Unit
    items: list[str]
    earliest: dt.date
    most_days: int


def _answering(unit: Unit) -> Contact | None:
    """Who answers for a late unit: its emulation officer (as its emails are signed,
    models.correspondence.signature), else its first contact."""
    contacts = sorted(unit.contacts, key=lambda c: (c.role != ContactRole.EMULATION_OFFICER, c.id))
    return contacts[0] if contacts else None


def _overdue_units(
    session: Session, campaign: Campaign, calendar: WorkingCalendar, request: ExportRequest
) -> Built:
    columns = [
        Column("Đơn vị", 40),
        Column("Mã đơn vị", 14),
        Column("Số việc quá hạn", 10),
        Column("Quá hạn lâu nhất (ngày làm việc)", 16),
        Column("Hạn sớm nhất", 12),
        Column("Cán bộ phụ trách", 28),
        Column("Điện thoại", 16),
        Column("Email", 30),
        Column("Các việc quá hạn", 90),
    ]
    late = ObligationFilter(status=ObligationStatus.OVERDUE, sort="han")
    units: dict[int, _LateUnit] = {}
    for item in listed(session, campaign, late, calendar, as_of=request.as_of):
        o = item.obligation
        days = days_overdue(o, calendar, request.as_of) or 0
        found = units.setdefault(o.unit_id, _LateUnit(o.unit, [], o.chase_due, days))
        found.items.append(f"{item.line} (hạn {o.chase_due:%d/%m/%Y})")
        found.most_days = max(found.most_days, days)

    def rows() -> Iterator[list[Cell]]:
        ranked = sorted(units.values(), key=lambda u: (-u.most_days, u.unit.name, u.unit.code))
        for u in ranked:
            contact = _answering(u.unit)
            yield [
                one_line(u.unit.name),
                u.unit.code,
                len(u.items),
                u.most_days,
                u.earliest,
                one_line(contact.name) if contact else "",
                (contact.phone or "") if contact else "",
                contact.email if contact else "",
                "; ".join(u.items),
            ]

    return columns, rows()


def _registrations(
    session: Session, campaign: Campaign, calendar: WorkingCalendar, request: ExportRequest
) -> Built:
    columns = [
        Column("Tên điển hình", 36),
        Column("Loại", 12),
        Column("Đơn vị đăng ký", 36),
        Column("Lĩnh vực", 28),
        Column("Năm", 8),
        Column("Giai đoạn", 18),
        Column("Ngày đăng ký", 12),
        Column("Người giúp đỡ", 24),
    ]
    found = session.scalars(
        select(Candidate)
        .where(Candidate.campaign_id == campaign.id)
        .order_by(Candidate.year, Candidate.id)
        .options(
            selectinload(Candidate.registered_by),
            selectinload(Candidate.field),
            selectinload(Candidate.mentor),
        )
        .execution_options(yield_per=1000)
    )

    def rows() -> Iterator[list[Cell]]:
        for c in found:
            yield [
                one_line(c.name),
                c.subject.label,
                one_line(c.registered_by.name),
                one_line(c.field.name) if c.field else "",
                c.year,
                c.stage.label,
                c.created_at.date(),
                one_line(c.mentor.name) if c.mentor else "",
            ]

    return columns, rows()


def _ballots(
    session: Session, campaign: Campaign, calendar: WorkingCalendar, request: ExportRequest
) -> Built:
    columns = [
        Column("Phiên bình xét", 40),
        Column("Trạng thái", 18),
        Column("Ngày kết thúc", 12),
        Column("Điển hình", 32),
        Column("Đơn vị", 32),
        Column("Đồng ý", 9),
        Column("Không đồng ý", 9),
        Column("Không biểu quyết", 9),
        Column("Tỷ lệ đồng ý (%)", 10),
        Column("Kết quả", 14),
        Column("Ghi chú", 40),
    ]
    ballots = session.scalars(
        select(Ballot).where(Ballot.campaign_id == campaign.id).order_by(Ballot.opens_at, Ballot.id)
    ).all()

    def rows() -> Iterator[list[Cell]]:
        for ballot in ballots:
            title = one_line(ballot.title)
            if ballot.status == BallotStatus.OPEN:  # sealed: nothing is counted before the close
                for c in ballot.candidates:
                    sealed = "Phiếu niêm phong đến khi kết thúc"
                    yield [
                        title,
                        ballot.status.label,
                        None,
                        one_line(c.name),
                        one_line(c.registered_by.name),
                        None,
                        None,
                        None,
                        None,
                        "",
                        sealed,
                    ]
                continue
            result = ballot_result(session, ballot)
            closed = ballot.closed_at.date() if ballot.closed_at else None
            tallies = {t.candidate_id: t for t in result.candidates}
            for c in ballot.candidates:
                t = tallies.get(c.id)
                counted = t is not None and not result.postponed
                yield [
                    title,
                    ballot.status.label,
                    closed,
                    one_line(c.name),
                    one_line(c.registered_by.name),
                    t.approve if counted and t else None,
                    t.reject if counted and t else None,
                    t.abstain if counted and t else None,
                    round(float(t.ratio_of_all_members) * 100, 1) if counted and t else None,
                    ("Được chọn" if t.selected else "Không được chọn") if counted and t else "",
                    (t.reason if t else "") if counted else "Hoãn: chưa đủ số thành viên",
                ]

    return columns, rows()


def _honour_roll(
    session: Session, campaign: Campaign, calendar: WorkingCalendar, request: ExportRequest
) -> Built:
    columns = [
        Column("Sổ của đơn vị", 32),
        Column("Năm", 8),
        Column("Số thứ tự", 8),
        Column("Ngày ghi danh", 12),
        Column("Tên tập thể, cá nhân, hộ gia đình", 36),
        Column("Loại", 12),
        Column("Đơn vị", 32),
        Column("Lĩnh vực", 24),
        Column("Hình thức khen thưởng", 36),
        Column("Số quyết định", 18),
        Column("Ngày quyết định", 12),
        Column("Người ký", 24),
    ]
    entries = session.scalars(
        select(RegistryEntry)
        .join(Unit, RegistryEntry.unit_id == Unit.id)
        .where(RegistryEntry.campaign_id == campaign.id)
        .order_by(Unit.name, RegistryEntry.year, RegistryEntry.entry_no)
    ).all()

    def rows() -> Iterator[list[Cell]]:
        for entry in entries:
            view = exemplar_view(entry.candidate)
            decision, ceremony = entry.decision, entry.ceremony
            if decision is not None:
                form, number = decision.form.label, decision.number
                decided_on: dt.date | None = decision.decided_on
                signed_by = decision.signed_by
            else:
                title = one_line(ceremony.title) if ceremony else ""
                form, number, signed_by = f"Biểu dương tại {title}", "", ""
                decided_on = ceremony.held_on if ceremony else None
            yield [
                one_line(entry.unit.name),
                entry.year,
                entry.entry_no,
                entry.entered_on,
                view.name,
                view.subject,
                view.unit,
                view.field,
                form,
                number,
                decided_on,
                signed_by,
            ]

    return columns, rows()
