"""Reading input files so that every error can name its file, line and field.

YAML is composed into nodes (which know their line) and turned into plain Python data together
with a map from each value's location (the path pydantic reports in its errors) to its line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from models.os_errors import os_error

Location = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class InputError:
    """One problem in one input file, where a person can find it."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class InputErrors(Exception):
    """Raised with every problem found in an input; nothing is written when it is raised."""

    def __init__(self, errors: Sequence[InputError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class SourceDocument:
    """Plain data read from a file, with the line of every value."""

    path: str
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, loc: Location) -> int | None:
        """The line of the deepest part of loc that the file has (a missing key: its parent)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def error(self, loc: Location, message: str) -> InputError:
        return InputError(self.path, self.line_of(loc), dotted(loc), message)

    def validate(self, model: type[M]) -> M:
        """Validate data against model; raise InputErrors with lines on failure."""
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise InputErrors(self.errors_from(exc)) from None

    def errors_from(self, exc: ValidationError, prefix: Location = ()) -> list[InputError]:
        out = []
        for err in exc.errors(include_url=False):
            loc = prefix + tuple(_plain_loc(err["loc"]))
            out.append(self.error(loc, _message(err)))
        return out


def dotted(loc: Iterable[str | int]) -> str:
    """A location as people write it: milestones[2].phrase."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _plain_loc(loc: Iterable[Any]) -> Iterable[str | int]:
    for part in loc:
        # pydantic adds the validator or union member name ("function-after[...]", "str")
        # to some locations; they are not keys of the file.
        if isinstance(part, str) and "[" in part:
            continue
        yield part


_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "khóa không hợp lệ (kiểm tra chính tả theo docs/plan-format.md)",
    "date_parsing": "ngày không hợp lệ (viết YYYY-MM-DD)",
    "date_from_datetime_parsing": "ngày không hợp lệ (viết YYYY-MM-DD)",
    "date_type": "ngày không hợp lệ (viết YYYY-MM-DD)",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "string_type": "phải là một chuỗi văn bản",
    "string_too_short": "không được để trống",
    "string_too_long": "quá dài (tối đa {max_length} ký tự)",
    "string_pattern_mismatch": "không đúng định dạng (mẫu {pattern})",
    "too_short": "cần ít nhất {min_length} phần tử",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "dict_type": "phải là một bảng khóa: giá trị",
    "model_type": "phải là một bảng khóa: giá trị",
    "list_type": "phải là một danh sách",
    "enum": "giá trị {input} không hợp lệ; chỉ nhận: {expected}",
    "literal_error": "giá trị {input} không hợp lệ; chỉ nhận: {expected}",
    "string_unicode": "phải là một chuỗi văn bản",
    "float_type": "phải là một số",
    "float_parsing": "phải là một số",
    "int_from_float": "phải là số nguyên",
    "int_parsing_size": "số quá lớn",
    "date_from_datetime_inexact": "ngày không được kèm giờ (viết YYYY-MM-DD)",
    "too_long": "nhiều nhất {max_length} phần tử",
    "greater_than": "phải lớn hơn {gt}",
    "less_than": "phải nhỏ hơn {lt}",
    "bytes_type": "phải là một chuỗi văn bản",
}


def _message(err: Any) -> str:
    """pydantic's message in Vietnamese where we know the error type; our own as written."""
    kind = err["type"]
    if kind == "value_error":
        msg = str(err["msg"]).removeprefix("Value error, ")
        if msg.startswith("value is not a valid email address"):
            return "địa chỉ email không hợp lệ" + msg.removeprefix(
                "value is not a valid email address"
            )
        return msg
    template = _MESSAGES.get(kind)
    if template is None:
        return str(err["msg"])
    try:
        return template.format(input=_shown(err.get("input")), **err.get("ctx", {}))
    except (KeyError, IndexError):
        return str(err["msg"])


def _shown(value: Any, limit: int = 60) -> str:
    """A value quoted in a message, cut short: a 3,000-character paste is not repeated whole."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger input files are refused: a plan or a directory of a whole country is far smaller."""

MAX_VALUES = 1_000_000
"""Most values a document may hold, aliases expanded (a national directory holds about half)."""

MAX_ALIASED_VALUES = 50_000
"""Most values that repeated aliases (*a) may add. Aliases are expanded when the file is read,
so a few lines that nest them ("billion laughs") could otherwise take all the memory; the plans
use them to repeat a quote."""

MAX_DEPTH = 100
"""Deepest nesting of lists and tables accepted; the formats need fewer than ten levels."""


def read_yaml(path: str | Path) -> SourceDocument:
    """Read a YAML file; an unreadable file raises InputErrors naming where it broke."""
    name = str(path)
    raw = read_bytes(path)
    return parse_yaml(decode_utf8(raw, name), name)


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes; a missing, unreadable or oversized file raises InputErrors."""
    name = str(path)
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = os_error(exc)
        raise InputErrors([InputError(name, None, "", f"không đọc được tệp: {reason}")]) from None
    except ValueError:  # a NUL in the name
        raise InputErrors([InputError(name, None, "", "tên tệp không hợp lệ")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputErrors(
            [InputError(name, None, "", f"tệp quá lớn (tối đa {MAX_FILE_BYTES // 2**20} MB)")]
        )
    return raw


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_utf8(raw: bytes, name: str) -> str:
    """The text of a UTF-8 file (a leading UTF-8 BOM, as Windows editors write, is dropped).

    Anything else (UTF-16 from Excel or Notepad, Windows-1258 or latin-1 bytes) is refused
    with the line of the first byte that is not UTF-8, rather than read as the wrong letters.
    """
    if raw.startswith(_UTF16_BOMS):
        raise InputErrors(
            [InputError(name, 1, "", "tệp mã hóa UTF-16: hãy lưu lại với mã hóa UTF-8")]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputErrors(
            [InputError(name, line, "", "tệp không phải UTF-8: hãy lưu lại với mã hóa UTF-8")]
        ) from None


def parse_yaml(text: str, name: str) -> SourceDocument:
    """Compose text into plain data with the line of every value; every problem the YAML
    library or this reader finds becomes an InputErrors naming the line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except _TooDeep as exc:
        raise InputErrors(
            [InputError(name, exc.line, "", f"lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp)")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = str(exc.problem or exc)
        hint = next((vi for en, vi in _YAML_HINTS if problem.startswith(en)), None)
        message = f"{hint} ({problem})" if hint else problem
        raise InputErrors([InputError(name, line, "", f"YAML không hợp lệ: {message}")]) from None
    except yaml.reader.ReaderError as exc:
        # A control character (NUL, BEL, ESC...) where YAML allows none: often a binary file.
        line = text[: exc.position].count("\n") + 1
        raise InputErrors(
            [
                InputError(
                    name, line, "", f"ký tự điều khiển không được phép (mã {exc.character:#04x})"
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InputErrors([InputError(name, None, "", f"YAML không hợp lệ: {exc}")]) from None
    except RecursionError:  # should _Loader's own limit ever be missed
        raise InputErrors(
            [InputError(name, None, "", f"lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp)")]
        ) from None
    if node is None:
        raise InputErrors([InputError(name, None, "", "tệp rỗng")])
    doc = SourceDocument(name, None)
    try:
        doc.data = _Builder(doc.lines).build(node, ())
    except _BadNode as bad:
        raise InputErrors([InputError(name, bad.line, bad.field, bad.message)]) from None
    return doc


_YAML_HINTS = (
    ("mapping values are not allowed", "dấu ':' đặt sai chỗ (giá trị có dấu ':' cần ngoặc kép)"),
    ("found character '\\t'", "không dùng ký tự tab để thụt lề, hãy dùng dấu cách"),
    ("found unexpected end of stream", "tệp kết thúc giữa chừng (thiếu ngoặc hoặc dấu nháy?)"),
    ("expected <block end>", "thụt lề không khớp với các dòng trên"),
    ("expected ',' or", "thiếu dấu phẩy hoặc dấu đóng ngoặc"),
    ("could not find expected", "thiếu dấu đóng (ngoặc, dấu nháy) hoặc thụt lề sai"),
    ("but found another document", "tệp chỉ được có một tài liệu YAML (bỏ dòng '---')"),
    ("found undefined alias", "tham chiếu (alias *) chưa được khai báo bằng &"),
    ("found duplicate anchor", "tên neo (&) bị khai hai lần"),
)
"""The PyYAML problems people meet most, said in Vietnamese (the original follows in brackets)."""


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing nesting deeper than MAX_DEPTH while it composes: PyYAML
    composes recursively, and a file of a few thousand "[" would exhaust Python's stack."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 1:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise _TooDeep(event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _BadNode(Exception):
    """Something in the document this reader refuses, at a line."""

    def __init__(self, node: yaml.Node, loc: Location, message: str):
        super().__init__(message)
        self.line = node.start_mark.line + 1
        self.field = dotted(loc)
        self.message = message


_SCALAR_TYPES = (str, int, float, bool, dt.date, type(None))
_COLLECTION_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class _Builder:
    """Turns composed nodes into plain data, recording lines, for one document.

    Only plain values are made (strings, numbers, booleans, dates, null; lists and tables):
    YAML's other tags are refused, as are keys that are lists or tables, aliases that contain
    themselves, and documents that nest or expand too far.
    """

    def __init__(self, lines: dict[Location, int]) -> None:
        self.lines = lines
        self.values = 0
        self.open: set[int] = set()  # ids of the nodes being built: an alias cycle returns
        self.done: set[int] = set()  # ids of the lists and tables built once
        self.repeating = 0  # > 0 while building an alias of a list or table built before
        self.repeated = 0  # values added by such aliases
        self.constructor = yaml.constructor.SafeConstructor()  # one per document: no sharing

    def build(self, node: yaml.Node, loc: Location) -> Any:
        self.values += 1
        self.repeated += self.repeating > 0
        if self.values > MAX_VALUES:
            raise _BadNode(node, loc, f"tệp có quá nhiều giá trị (tối đa {MAX_VALUES})")
        if self.repeated > MAX_ALIASED_VALUES:
            raise _BadNode(
                node,
                loc,
                f"các tham chiếu (alias *) mở rộng ra quá nhiều giá trị "
                f"(tối đa {MAX_ALIASED_VALUES})",
            )
        if len(loc) > MAX_DEPTH:
            raise _BadNode(node, loc[:4], f"lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp)")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, loc)
        if node.tag not in _COLLECTION_TAGS:  # !!python/object/apply:..., !!set, !custom
            raise _BadNode(node, loc, f"thẻ YAML {node.tag!r} không được hỗ trợ")
        if id(node) in self.open:
            raise _BadNode(node, loc, "tham chiếu (alias *) trỏ vào chính nó")
        again = id(node) in self.done
        self.open.add(id(node))
        self.repeating += again
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, loc)
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))
            self.done.add(id(node))
            self.repeating -= again

    def mapping(self, node: yaml.MappingNode, loc: Location) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        keys: set[tuple[type, Any]] = set()
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _BadNode(
                    key_node, loc, "khóa gộp '<<' không được hỗ trợ: hãy viết đủ các khóa"
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise _BadNode(
                    key_node, loc, "khóa phải là một giá trị đơn, không phải danh sách hay bảng"
                )
            key = self.scalar(key_node, loc)
            # True and 1 are equal in Python but different keys in the file.
            if (type(key), key) in keys:
                raise _BadNode(key_node, (*loc, key), "khóa bị khai hai lần")
            keys.add((type(key), key))
            if key in out:
                raise _BadNode(key_node, (*loc, key), "khóa trùng với một khóa khác cùng giá trị")
            self.lines[(*loc, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*loc, key))
        return out

    def scalar(self, node: yaml.ScalarNode, loc: Location) -> Any:
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise _BadNode(node, loc, f"thẻ YAML {node.tag!r} không được hỗ trợ") from None
        except Exception:
            # An impossible value for its tag (2027-02-30, !!bool maybe): keep the text and
            # let the model's validation report it against its field.
            value = node.value
        if isinstance(value, bytes):  # !!binary
            raise _BadNode(node, loc, "dữ liệu nhị phân (!!binary) không được hỗ trợ")
        if not isinstance(value, _SCALAR_TYPES):
            raise _BadNode(node, loc, f"thẻ YAML {node.tag!r} không được hỗ trợ")
        if isinstance(value, str) and (problem := text_problem(value)):
            raise _BadNode(node, loc, problem)
        return value


_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def text_problem(value: str) -> str | None:
    """Why a text value cannot be stored or shown, or None: a control character (a YAML
    escape such as "\\0", a stray byte from another encoding; PostgreSQL refuses NUL) or half
    of a UTF-16 surrogate pair (no encoding can write it). Tabs and line breaks are text."""
    if match := _CONTROL.search(value):
        return f"chứa ký tự điều khiển không được phép (mã {ord(match[0]):#04x})"
    if _SURROGATE.search(value):
        return "chứa ký tự Unicode không hợp lệ (nửa cặp thay thế)"
    return None
