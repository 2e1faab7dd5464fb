"""A plan file made for another period: the draft of a new document (`tdkt plan instantiate`).

The coordinator of a 2026-2030 campaign starts from the 2021-2025 plan. What follows from the
years is done here; what does not is listed for a person:

- the file is edited in place with a round-trip YAML reader (ruamel.yaml), so its comments,
  anchors, key order and block styles stay as the author wrote them;
- every year in every text moves the same way (models.year_shift: the old period written as a
  range becomes the new one, other years move by the offset, ordinals and anniversaries follow);
- a deadline phrase or a coordinator's date with a year moves by the offset when it stays inside
  the new period and still reads; otherwise it is emptied, commented in the file and listed for
  a coordinator to date (set_date). Phrases without a year ("hằng năm", "trước ngày 15/11 hằng
  năm") recur over the new years as they are;
- the document's number, date and signer (and its parent plan's number and date) are emptied:
  the result is a draft of a new document, which `tdkt plan load` refuses until they are filled
  (models.plan_files.draft_gaps). The bases (căn cứ) are kept as written and flagged.

Pure: it reads one file and returns text and a report; nothing is written here.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, ScalarString

from models.phrases import PhraseError, parse_phrase
from models.plan import Period, Plan
from models.plan_files import DRAFT_FIELDS, read_plan
from models.source import (
    InputError,
    InputErrors,
    Location,
    decode_utf8,
    dotted,
    read_bytes,
    read_yaml,
)
from models.year_shift import Moved, YearShift, aligned

Align = Literal["auto", "start", "end"]

_UNTOUCHED_KEYS = frozenset({"id", "plan", "basis", "source", "number", "instantiated_from"})
"""Keys whose text is never moved: ids, the document's own references, and the bases, which
name documents issued in their own years (flagged instead)."""

_DEADLINE_KEYS = ("phrase", "coordinator_phrase")


@dataclass(frozen=True)
class DeadlineMove:
    """A milestone's deadline that moved with the years."""

    milestone: str
    key: str
    before: str
    after: str


@dataclass(frozen=True)
class ToDate:
    """A milestone a coordinator must date (set_date) in the new plan, and why."""

    milestone: str
    title: str
    before: str | None
    reason: str


@dataclass(frozen=True)
class TextChange:
    """A year, ordinal or anniversary moved in a text (title, quote, criterion...)."""

    where: str
    before: str
    after: str
    kind: str


@dataclass(frozen=True)
class TextFlag:
    """Something in a text that does not follow from the years: a coordinator looks at it."""

    where: str
    text: str
    reason: str


@dataclass
class Instantiation:
    """The new plan's YAML and what was done to make it."""

    text: str
    plan_id: str
    source_id: str
    period: str
    source_period: str
    offset: int
    align: str = "start"
    deadlines: list[DeadlineMove] = field(default_factory=list)
    recurring: list[str] = field(default_factory=list)
    to_date: list[ToDate] = field(default_factory=list)
    changes: list[TextChange] = field(default_factory=list)
    flags: list[TextFlag] = field(default_factory=list)
    to_fill: list[str] = field(default_factory=list)


def instantiate_plan(
    path: str | Path, start: int, end: int, *, align: Align = "auto"
) -> Instantiation:
    """The plan at path made into a draft for the period start-end (any length).

    align says which years match when the lengths differ: "start" (year N of the old period
    becomes year N of the new one), "end" (a plan that builds up to its period's last year,
    the congress year, keeps that year last) or "auto" (models.year_shift.aligned).
    """
    plan = read_plan(path)
    try:
        new = Period(start=start, end=end)
    except ValidationError:
        raise InputErrors(
            [InputError("--period", None, "period", "giai đoạn kết thúc trước khi bắt đầu")]
        ) from None
    shift = aligned(plan.period.start, plan.period.end, new.start, new.end, align)
    data = _load(path)
    job = _Job(
        shift, plan, Instantiation("", "", plan.id, str(new), str(plan.period), shift.offset)
    )
    job.result.align = shift.align
    job.run(data)
    out = io.StringIO()
    _round_trip().dump(data, out)
    job.result.text = out.getvalue()
    _check_readable(job.result.text, path, new)
    return job.result


def _load(path: str | Path) -> CommentedMap:
    """The file as the round-trip reader sees it. It read as a plan already; where the round-trip
    reader is stricter (a key written twice), say where, as for any input."""
    try:
        data = _round_trip().load(decode_utf8(read_bytes(path), str(path)))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise InputErrors(
            [
                InputError(
                    str(path),
                    mark.line + 1 if mark is not None else None,
                    "",
                    f"không đọc được tệp để giữ nguyên chú thích: {problem}",
                )
            ]
        ) from None
    if not isinstance(data, CommentedMap):
        raise InputErrors([InputError(str(path), None, "", "tệp kế hoạch phải là một bảng khóa")])
    return data


def _round_trip() -> YAML:
    """A reader and writer that give the file back as written, comments included."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096  # never re-wrap the author's lines
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return rt


def _check_readable(text: str, path: str | Path, new: Period) -> None:
    """What is written must read back; name the original file's field if it does not."""
    try:
        Plan.model_validate(yaml.safe_load(text))
    except ValidationError as exc:
        source = read_yaml(path)
        raise InputErrors(
            [
                InputError(
                    e.file, e.line, e.field, f"sau khi dời sang giai đoạn {new}: {e.message}"
                )
                for e in source.errors_from(exc)
            ]
        ) from None


class _Job:
    """One instantiation: walks the file's data, edits it in place and fills the report."""

    def __init__(self, shift: YearShift, plan: Plan, result: Instantiation) -> None:
        self.shift = shift
        self.plan = plan
        self.result = result
        # An aliased text (*quote) is one object: moved once, both places get the same new one.
        # The old object is kept with its id, so that the id is not reused while we look.
        self.done: dict[int, tuple[str, str]] = {}
        self.ids = {m.id for m in plan.milestones}

    def run(self, data: CommentedMap) -> None:
        start, end = self.shift.new_start, self.shift.new_end
        new_id = re.sub(r"-?\d{4}-\d{4}$", "", self.plan.id)[:70] + f"-{start}-{end}"
        self.result.plan_id = new_id
        data["id"] = new_id
        data["period"] = f"{start}-{end}"
        self._header(data)
        for key in list(data):
            if key in ("id", "period", "document", "parent", "milestones", "instantiated_from"):
                continue
            value = data[key]
            if isinstance(value, CommentedSeq):
                for i in range(len(value)):
                    self._item(value, i, (key, i))
            else:
                self._item(data, key, (key,))
        for i, milestone in enumerate(data.get("milestones") or []):
            self._milestone(milestone, ("milestones", i))
        if "instantiated_from" not in data:
            data.insert(list(data).index("period") + 1, "instantiated_from", None)
        data["instantiated_from"] = f"{self.plan.id} ({self.plan.period})"
        _prepend_comment(
            data,
            f"DỰ THẢO kế hoạch giai đoạn {start}-{end}, tạo bằng `tdkt plan instantiate` từ "
            f"{self.plan.id} ({self.plan.period}).\nĐiền số, ngày, người ký của văn bản mới "
            "(document) trước khi nạp; các chú thích dưới đây là của tệp gốc.",
        )

    def _header(self, data: CommentedMap) -> None:
        """The new document is not the old one: its number, date and signer are to be filled."""
        document = data["document"]
        for key in DRAFT_FIELDS:
            document[key] = None
            self.result.to_fill.append(f"document.{key}")
        for key in ("effective_from", "source"):
            if key in document:
                document[key] = None
        if document.get("basis"):
            self.result.flags.append(
                TextFlag(
                    "document.basis",
                    "; ".join(str(b)[:60] for b in document["basis"]),
                    "căn cứ của văn bản cũ giữ nguyên như viết: cập nhật theo văn bản mới",
                )
            )
        parent = data.get("parent")
        if isinstance(parent, CommentedMap):
            for key in ("number", "date"):
                parent[key] = None
                self.result.to_fill.append(f"parent.{key}")
            if parent.get("plan"):
                parent["plan"] = None

    def _item(self, container: Any, key: Any, loc: Location) -> None:
        """Move every text of one item (a field, a quota, a rule, a note...) together."""
        texts = list(_strings(container[key]))
        self._move_strings(container, key, loc, texts)

    def _move_strings(self, container: Any, key: Any, loc: Location, context: list[str]) -> None:
        value = container[key]
        if isinstance(value, CommentedMap):
            for k in list(value):
                if k not in _UNTOUCHED_KEYS:
                    self._move_strings(value, k, (*loc, k), context)
        elif isinstance(value, CommentedSeq):
            for i in range(len(value)):
                self._move_strings(value, i, (*loc, i), context)
        elif isinstance(value, str):
            container[key] = self._moved(value, loc, context)
        elif key == "year" and isinstance(value, int) and self.shift.moves(value):
            # A year written as a number (a quota for one year): moves like a written one.
            container[key] = value + self.shift.offset
            where = _where(loc, self.plan)
            self.result.changes.append(TextChange(where, str(value), str(container[key]), "year"))
            if not self.shift.fits(value):
                self.result.flags.append(
                    TextFlag(where, str(value), f"năm {value} dời ra ngoài giai đoạn mới")
                )

    def _moved(self, text: str, loc: Location, context: list[str]) -> str:
        seen = self.done.get(id(text))
        if seen is not None and seen[0] is text and isinstance(text, ScalarString):
            return seen[1]
        moved = self.shift.move_text(text, [c for c in context if c is not text])
        where = _where(loc, self.plan)
        for edit in moved.edits:
            self.result.changes.append(TextChange(where, edit.before, edit.after, edit.kind))
        for flag in moved.flags:
            if (found := TextFlag(where, flag.text, flag.reason)) not in self.result.flags:
                self.result.flags.append(found)
        new = _restyled(text, moved)
        self.done[id(text)] = (text, new)
        return new

    def _milestone(self, milestone: CommentedMap, loc: Location) -> None:
        ident = str(milestone.get("id"))
        # An id that names its years ("dang-ky-dien-hinh-2021-2025") names the new ones.
        moved_id = self.shift.move_text(ident).text
        if moved_id != ident and moved_id not in self.ids:
            milestone["id"] = moved_id
            self.result.changes.append(TextChange(f"mốc {ident}.id", ident, moved_id, "id"))
            ident = moved_id
        title = " ".join(str(milestone.get("title", "")).split())
        context = list(_strings(milestone))
        for key in list(milestone):
            if key in _DEADLINE_KEYS or key == "set_date" or key in _UNTOUCHED_KEYS:
                continue
            self._move_strings(milestone, key, (*loc, key), context)
        given = [k for k in (*_DEADLINE_KEYS, "set_date") if milestone.get(k) is not None]
        if not given:
            self.result.to_date.append(
                ToDate(ident, title, None, "kế hoạch gốc không ghi thời hạn")
            )
            return
        for key in given:
            before = milestone[key]
            reason = self._deadline(milestone, key, loc, context)
            if reason is not None:
                milestone[key] = None
                shown = before.strftime("%d/%m/%Y") if isinstance(before, dt.date) else before
                self.result.to_date.append(ToDate(ident, title, str(shown), reason))
                if key not in milestone.ca.items:
                    milestone.yaml_add_eol_comment(
                        f"cần ấn định (set_date): trước là “{shown}”; {reason}", key=key
                    )

    def _deadline(
        self, milestone: CommentedMap, key: str, loc: Location, context: list[str]
    ) -> str | None:
        """Move one deadline; the reason a coordinator must date it instead, if any."""
        ident = str(milestone.get("id"))
        value = milestone[key]
        if isinstance(value, dt.date):
            if not self.shift.moves(value.year):
                return f"năm {value.year} không thuộc giai đoạn cũ"
            if not self.shift.fits(value.year):
                return f"dời sang năm {value.year + self.shift.offset}, ngoài giai đoạn mới"
            try:
                moved_date = value.replace(year=value.year + self.shift.offset)
            except ValueError:
                return f"ngày {value:%d/%m} không có trong năm {value.year + self.shift.offset}"
            milestone[key] = moved_date
            self.result.deadlines.append(
                DeadlineMove(ident, key, f"{value:%d/%m/%Y}", f"{moved_date:%d/%m/%Y}")
            )
            return None
        text = str(value)
        moved = self.shift.move_text(text, context)
        if not moved.edits:
            self.result.recurring.append(ident)
            return None
        if moved.flags:
            return moved.flags[0].reason
        try:
            parse_phrase(moved.text)
        except PhraseError as error:
            return f"“{moved.text}” không đọc được: {error}"
        milestone[key] = _restyled(value, moved)
        self.result.deadlines.append(DeadlineMove(ident, key, text, moved.text))
        return None


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if key not in _UNTOUCHED_KEYS:
                yield from _strings(value)
    elif isinstance(node, CommentedSeq):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


def _restyled(old: str, moved: Moved) -> str:
    """The moved text in the old text's style: folded where it was (at the same words), quoted
    as it was, with its anchor so that its aliases still point at it."""
    if not isinstance(old, ScalarString):
        return moved.text
    new: ScalarString = type(old)(moved.text)
    if isinstance(old, FoldedScalarString):
        # fold_pos: where the author broke the folded lines (ruamel keeps it untyped)
        setattr(new, "fold_pos", [moved.map_position(p) for p in getattr(old, "fold_pos", [])])  # noqa: B010
    anchor = old.yaml_anchor()
    if anchor is not None and anchor.value:
        new.yaml_set_anchor(anchor.value, always_dump=True)
    return new


def _where(loc: Location, plan: Plan) -> str:
    """A location as a coordinator finds it: milestones named by their id."""
    if (
        len(loc) >= 2
        and loc[0] == "milestones"
        and isinstance(loc[1], int)
        and loc[1] < len(plan.milestones)
    ):
        rest = f".{dotted(loc[2:])}" if loc[2:] else ""
        return f"mốc {plan.milestones[loc[1]].id}{rest}"
    return dotted(loc)


def _prepend_comment(data: CommentedMap, text: str) -> None:
    """Put text before the file's own opening comment, which stays."""
    old = data.ca.comment[1] if data.ca.comment and data.ca.comment[1] else []
    data.yaml_set_start_comment(text)
    data.ca.comment[1].extend(old)
