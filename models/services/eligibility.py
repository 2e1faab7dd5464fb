"""Importing yearly records and checking candidates against their plan's rules.

Records arrive as CSV (header subject_ref,year,kind,value,note and an optional rating_kind) or
as a YAML list of the same keys. A file is checked whole, and every problem named by file,
line and column, before anything is written: offices send these files by email and fix them
in a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.eligibility import (
    RECORD_KIND_LABELS,
    RECORD_KINDS,
    Eligibility,
    RecordKind,
    YearRecordIn,
    evaluate,
    normalise,
    rating_rank,
    record_kind,
    span_text,
)
from models.lifecycle import CandidateStage
from models.orm import Campaign, Candidate
from models.orm.records import EligibilityCheck, YearRecord
from models.os_errors import os_error
from models.partitions import WHOLE, Partition
from models.services.audit import record
from models.services.candidates import Move, move_each
from models.services.obligations import plan_of
from models.services.partitions import in_id_partition
from models.services.rows import chunks, insert_rows
from models.source import InputError, InputErrors, SourceDocument, read_yaml
from models.vocabulary import DEFAULT_RATING_KIND, RatingKind

CSV_COLUMNS = ("subject_ref", "year", "kind", "value", "note", "rating_kind")
REQUIRED_COLUMNS = CSV_COLUMNS[:4]
OPTIONAL_COLUMNS = frozenset(CSV_COLUMNS[4:])
CHECKED_STAGES = (CandidateStage.FOSTERING, CandidateStage.ELIGIBLE, CandidateStage.INELIGIBLE)
EXEMPLAR_STAGES = frozenset(
    {
        CandidateStage.ELIGIBLE,
        CandidateStage.NOMINATED,
        CandidateStage.SELECTED,
        CandidateStage.PUBLICISED,
        CandidateStage.HONOURED,
        CandidateStage.REWARDED,
        CandidateStage.PROMOTED,
    }
)
"""A unit whose candidate has reached one of these stages counts as an exemplar collective."""

_KIND_ALIASES: dict[str, RecordKind] = {k: k for k in RECORD_KINDS} | {
    normalise(label): k for k, label in RECORD_KIND_LABELS.items()
}
"""Kinds as the column is documented, or in Vietnamese (danh hiệu, xếp loại...)."""

_RATING_KIND_ALIASES: dict[str, RatingKind] = {k.value: k for k in RatingKind} | {
    normalise(word): kind
    for kind, words in {
        RatingKind.CIVIL_SERVICE: ("công chức", "viên chức", "cán bộ", "chính quyền"),
        RatingKind.PARTY: ("đảng", "đảng viên", "tổ chức đảng"),
        RatingKind.UNION: ("đoàn thể", "công đoàn", "đoàn viên"),
    }.items()
    for word in words
}
"""Whose rating, as documented (party...) or in Vietnamese (đảng viên, công chức...)."""


def _clean(text: str) -> str:
    """NFC and single spaces, so the same title typed twice is one row, not two."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class _RecordRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    subject_ref: str = Field(min_length=1, max_length=120)
    year: int = Field(ge=1945, le=2100)
    kind: str
    value: str = Field(min_length=1, max_length=300)
    note: str | None = Field(None, max_length=2000)
    rating_kind: RatingKind | None = None

    @field_validator("subject_ref", "value", "note", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _clean(value) if isinstance(value, str) else value

    @field_validator("note")
    @classmethod
    def _blank_note(cls, note: str | None) -> str | None:
        return note or None

    @field_validator("rating_kind", mode="before")
    @classmethod
    def _rating_kind(cls, kind: Any) -> Any:
        if kind is None or kind == "":
            return None
        found = _RATING_KIND_ALIASES.get(normalise(kind)) if isinstance(kind, str) else None
        if found is None:
            raise ValueError(
                f"loại xếp loại {kind!r} không hợp lệ; chỉ nhận: "
                + ", ".join(f"{k.value} ({k.label})" for k in RatingKind)
            )
        return found

    @model_validator(mode="after")
    def _kind_of_rating(self) -> _RecordRow:
        """A rating always has a kind (the default when the file names none); nothing else has."""
        if self.kind == "rating":
            return self.model_copy(update={"rating_kind": self.rating_kind or DEFAULT_RATING_KIND})
        if self.rating_kind is not None:
            raise ValueError("rating_kind chỉ dùng cho hồ sơ xếp loại (kind: rating)")
        return self

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, kind: Any) -> Any:
        found = _KIND_ALIASES.get(normalise(kind)) if isinstance(kind, str) else None
        if found is None:
            raise ValueError(
                f"loại hồ sơ {kind!r} không hợp lệ; chỉ nhận: title (danh hiệu), rating "
                "(xếp loại), breach (vi phạm), initiative (sáng kiến)"
            )
        return found


@dataclass(frozen=True)
class RecordRow:
    """A record read from a file, with the line it came from."""

    record: YearRecordIn
    line: int | None


def read_records_file(path: str | Path) -> list[RecordRow]:
    """Read and check a records file (.csv, .yaml, .yml); raise InputErrors listing every
    problem with its line, so that nothing half-checked reaches the database."""
    name = str(path)
    source = _read_csv(name) if name.lower().endswith(".csv") else _read_yaml_list(name)
    rows: list[RecordRow] = []
    errors: list[InputError] = []
    for i, item in enumerate(source.data):
        row_source = _row_source(source, i)
        try:
            parsed = _RecordRow.model_validate(item)
        except ValidationError as exc:
            errors += row_source.errors_from(exc)
            continue
        if parsed.kind == "rating" and rating_rank(parsed.value) is None:
            errors.append(row_source.error(("value",), _unknown_rating(parsed.value)))
            continue
        rows.append(RecordRow(_to_record(parsed), source.line_of((i,))))
    errors += _conflicting_ratings(name, rows)
    if errors:
        raise InputErrors(errors)
    if not rows:
        raise InputErrors([InputError(name, None, "", "tệp không có hồ sơ nào")])
    return rows


def _to_record(row: _RecordRow) -> YearRecordIn:
    kind = record_kind(row.kind)
    return YearRecordIn(row.subject_ref, row.year, kind, row.value, row.note, row.rating_kind)


def _unknown_rating(value: str) -> str:
    return (
        f"xếp loại {value!r} không rõ; chỉ nhận: hoàn thành xuất sắc nhiệm vụ, hoàn thành tốt "
        "nhiệm vụ, hoàn thành nhiệm vụ, không hoàn thành nhiệm vụ"
    )


def _row_source(source: SourceDocument, index: int) -> SourceDocument:
    """The row as a document of its own, so that errors name its keys (year, kind...)."""
    lines = {loc[1:]: line for loc, line in source.lines.items() if loc[:1] == (index,)}
    return SourceDocument(source.path, source.data[index], lines)


def _conflicting_ratings(name: str, rows: Sequence[RecordRow]) -> list[InputError]:
    """One rating per subject, year and kind: a second, different one is a mistake."""
    first: dict[tuple[str, int, RatingKind], RecordRow] = {}
    errors = []
    for row in rows:
        r = row.record
        if r.kind != "rating":
            continue
        seen = first.setdefault((r.subject_ref, r.year, r.rated_as), row)
        if seen.record.value != r.value:
            errors.append(
                InputError(
                    name,
                    row.line,
                    "value",
                    f"{r.subject_ref} đã có xếp loại {r.rated_as.label} "
                    f"'{seen.record.value}' năm {r.year} (dòng {seen.line}); mỗi năm chỉ một "
                    "xếp loại mỗi loại",
                )
            )
    return errors


def _read_text(name: str) -> str:
    try:
        raw = Path(name).read_bytes()
    except OSError as exc:
        raise InputErrors(
            [InputError(name, None, "", f"không đọc được tệp: {os_error(exc)}")]
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputErrors(
            [InputError(name, line, "", "tệp không phải UTF-8: hãy lưu lại với mã hóa UTF-8")]
        ) from None


def _read_csv(name: str) -> SourceDocument:
    """Rows of the CSV as a list of mappings; each cell's location maps to its line."""
    reader = csv.DictReader(io.StringIO(_read_text(name)))
    header = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = header
    problems = [
        InputError(name, 1, column, "thiếu cột")
        for column in REQUIRED_COLUMNS
        if column not in header
    ]
    problems += [
        InputError(name, 1, column, f"cột không rõ; chỉ nhận: {', '.join(CSV_COLUMNS)}")
        for column in header
        if column not in CSV_COLUMNS
    ]
    if problems:
        raise InputErrors(problems)
    doc = SourceDocument(name, [])
    for row in reader:
        i = len(doc.data)
        if None in row:
            raise InputErrors(
                [InputError(name, reader.line_num, "", "dòng có nhiều ô hơn tiêu đề")]
            )
        doc.data.append(
            {k: (v or "").strip() for k, v in row.items() if k not in OPTIONAL_COLUMNS or v}
        )
        for key in ((), *((c,) for c in CSV_COLUMNS)):
            doc.lines[(i, *key)] = reader.line_num
    return doc


def _read_yaml_list(name: str) -> SourceDocument:
    source = read_yaml(name)
    if not isinstance(source.data, list):
        raise InputErrors(
            [InputError(name, 1, "", "tệp YAML phải là một danh sách hồ sơ (- subject_ref: ...)")]
        )
    return source


_Key = tuple[str, int, str, str, str]
"""What makes a stored record one: subject, year, kind, rating kind ('' if none), value."""


def _key(r: YearRecordIn) -> _Key:
    return (r.subject_ref, r.year, r.kind, r.rating_kind or "", r.value)


@dataclass(frozen=True)
class _Existing:
    keys: set[_Key]
    ratings: dict[tuple[str, int, str], YearRecord]


def import_records_file(session: Session, path: str | Path, *, at: dt.datetime, actor: str) -> int:
    """Import a records file; returns how many rows were written (re-importing adds none).

    A rating for a subject, year and rating kind that already has a different one replaces it:
    a corrected rating is the usual reason to send a file again. Everything is audited in one entry.
    """
    rows = read_records_file(path)
    existing = _existing(session, {row.record.subject_ref for row in rows})
    source, added, replaced = Path(path).name, 0, 0
    for row in rows:
        r = row.record
        key = _key(r)
        if key in existing.keys:
            continue
        slot = (r.subject_ref, r.year, r.rated_as.value)
        old = existing.ratings.get(slot) if r.kind == "rating" else None
        if old is not None:
            session.delete(old)
            replaced += 1
        session.add(_row(r, source=source, at=at))
        existing.keys.add(key)
        added += 1
    session.flush()
    record(
        session,
        at=at,
        actor=actor,
        action="records.import",
        entity="year_record",
        reason=f"{path}: {added} hồ sơ mới ({replaced} xếp loại thay thế), "
        f"{len(rows) - added} đã có",
    )
    return added


def _existing(session: Session, refs: set[str]) -> _Existing:
    found = _Existing(set(), {})
    for row in session.scalars(select(YearRecord).where(YearRecord.subject_ref.in_(refs))):
        found.keys.add(_key(_from_row(row)))
        if row.kind == "rating":
            found.ratings[(row.subject_ref, row.year, row.rating_kind)] = row
    return found


def _from_row(row: YearRecord) -> YearRecordIn:
    """A stored record."""
    return _record(row.subject_ref, row.year, row.kind, row.value, row.note, row.rating_kind)


def _record(
    ref: str, year: int, kind: str, value: str, note: str | None, rating_kind: str
) -> YearRecordIn:
    """A stored record from its columns; rating_kind is '' for anything but a rating."""
    rating = RatingKind(rating_kind) if rating_kind else None
    return YearRecordIn(ref, year, record_kind(kind), value, note, rating)


def _row(r: YearRecordIn, *, source: str, at: dt.datetime) -> YearRecord:
    return YearRecord(
        subject_ref=r.subject_ref,
        year=r.year,
        kind=r.kind,
        rating_kind=r.rating_kind or "",
        value=r.value,
        note=r.note,
        source=source,
        imported_at=at,
    )


def records_of(session: Session, refs: set[str]) -> dict[str, list[YearRecordIn]]:
    """The stored records of each subject, oldest year first."""
    out: dict[str, list[YearRecordIn]] = defaultdict(list)
    # Columns, not an object per record: a national review reads every candidate's years.
    query = select(
        YearRecord.subject_ref,
        YearRecord.year,
        YearRecord.kind,
        YearRecord.value,
        YearRecord.note,
        YearRecord.rating_kind,
    ).order_by(YearRecord.year, YearRecord.id)
    for chunk in chunks(refs):
        for ref, year, kind, value, note, rating in session.execute(
            query.where(YearRecord.subject_ref.in_(chunk))
        ):
            out[ref].append(_record(ref, year, kind, value, note, rating))
    return out


def evaluation_years(campaign: Campaign, as_of_year: int) -> range:
    """The complete years of the period before the evaluation year.

    A year's titles and ratings are decided at its year-end review, so evaluating in 2025
    checks 2021-2024; after the period, the whole period. Registration year does not shorten
    it: the plans ask for the titles "in every year of the period", whenever one registered.
    """
    end = min(as_of_year, campaign.period_end + 1)
    if end <= campaign.period_start:
        raise InputErrors(
            [
                InputError(
                    "--year",
                    None,
                    "year",
                    f"năm đánh giá {as_of_year}: chưa có năm nào trọn vẹn của giai đoạn "
                    f"{campaign.period_start}-{campaign.period_end} để xét (chọn năm sau "
                    f"{campaign.period_start})",
                )
            ]
        )
    return range(campaign.period_start, end)


def check_candidates(
    session: Session,
    campaign: Campaign,
    *,
    as_of_year: int,
    at: dt.datetime,
    actor: str,
    candidate_id: int | None = None,
    partition: Partition = WHOLE,
    leaders: bool | None = None,
) -> list[tuple[Candidate, Eligibility]]:
    """Check every candidate being fostered or already judged, store each verdict and move it
    to eligible or ineligible when that changes; returns them in id order.

    Candidates who lead a unit go last, so that the leader rule sees the verdict on their unit
    from this same run. candidate_id limits the run to one candidate; partition to the
    candidates in it (models.partitions, by id); leaders to those who lead a unit (True) or
    those who do not (False): a partitioned review judges every partition's non-leaders, then
    every partition's leaders, so the leader rule still sees this review's verdicts.
    """
    rules = plan_of(campaign).rules
    years = evaluation_years(campaign, as_of_year)
    # Only candidates whose stage was reached by then: a replay over a database that already
    # holds later events judges each year as it stood.
    candidates = [
        c
        for c in _checkable(session, campaign, candidate_id, partition, leaders)
        if c.stage_changed_at <= at
    ]
    records = records_of(session, {c.subject_ref for c in candidates})
    out = []
    checks: list[dict[str, Any]] = []
    moves: list[Move] = []
    for candidate in sorted(candidates, key=lambda c: (c.leads_unit_id is not None, c.id)):
        if candidate.leads_unit_id is not None and moves:
            # The leader rule reads the verdicts on the unit: the moves so far are stored first.
            move_each(session, moves)
            moves = []
        exemplar, unit_evidence = led_unit_standing(session, candidate)
        result = evaluate(
            rules,
            subject=candidate.subject,
            party_member=candidate.party_member,
            is_leader=candidate.leads_unit_id is not None,
            led_unit_is_exemplar=exemplar,
            records=records.get(candidate.subject_ref, []),
            years=years,
            led_unit_evidence=unit_evidence,
            field=candidate.field.code if candidate.field is not None else None,
        )
        checks.append(_check_row(candidate, result, as_of_year=as_of_year, at=at))
        target = CandidateStage.ELIGIBLE if result.eligible else CandidateStage.INELIGIBLE
        if candidate.stage != target:
            reason = f"{result.summary} (xét các năm {span_text(years)})"
            moves.append(Move(candidate, target, at, actor, reason))
        out.append((candidate, result))
    move_each(session, moves)
    if checks:
        # The verdicts as plain rows: one multi-row INSERT, not an object each through the
        # unit of work (a national review stores one per candidate).
        insert_rows(session, EligibilityCheck, checks)
    session.flush()
    return sorted(out, key=lambda pair: pair[0].id)


def _checkable(
    session: Session,
    campaign: Campaign,
    candidate_id: int | None,
    partition: Partition,
    leaders: bool | None,
) -> list[Candidate]:
    query = select(Candidate).where(
        Candidate.campaign_id == campaign.id,
        Candidate.stage.in_(CHECKED_STAGES),
        in_id_partition(Candidate.id, partition),
    )
    if candidate_id is not None:
        query = query.where(Candidate.id == candidate_id)
    if leaders is not None:
        query = query.where(
            Candidate.leads_unit_id.is_not(None) if leaders else Candidate.leads_unit_id.is_(None)
        )
    return list(session.scalars(query.order_by(Candidate.id)))


def led_unit_standing(session: Session, candidate: Candidate) -> tuple[bool | None, list[str]]:
    """Whether the unit the candidate leads is an exemplar of the same campaign, and why.

    None when the unit has no candidate there at all: nobody has judged it, which the leader
    rule reports as unknown (and so not met).
    """
    unit = candidate.leads_unit
    if unit is None:
        return None, []
    label = f"{unit.name} ({unit.code})"
    theirs = list(
        session.scalars(
            select(Candidate).where(
                Candidate.campaign_id == candidate.campaign_id,
                Candidate.subject_unit_id == unit.id,
                Candidate.id != candidate.id,
            )
        )
    )
    if not theirs:
        return None, [f"{label}: chưa đăng ký xây dựng điển hình trong kế hoạch này"]
    evidence = [f"{label}: '{c.name}' — {c.stage.label}" for c in theirs]
    return any(c.stage in EXEMPLAR_STAGES for c in theirs), evidence


def _check_row(
    candidate: Candidate, result: Eligibility, *, as_of_year: int, at: dt.datetime
) -> dict[str, Any]:
    """The stored verdict on a candidate (EligibilityCheck), as a plain row."""
    return {
        "candidate_id": candidate.id,
        "evaluated_at": at,
        "as_of_year": as_of_year,
        "eligible": result.eligible,
        "summary": result.summary,
        "results": [r.as_dict() for r in result.results],
    }


__all__ = [
    "CHECKED_STAGES",
    "EXEMPLAR_STAGES",
    "RecordRow",
    "check_candidates",
    "evaluation_years",
    "import_records_file",
    "led_unit_standing",
    "read_records_file",
    "records_of",
]
