"""Reading input files so that every error can name its file, line and field.

YAML is composed into nodes (which know their line) and turned into plain Python data together
with a map from each value's location (the path pydantic reports in its errors) to its line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

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
    "enum": "giá trị {input!r} không hợp lệ; chỉ nhận: {expected}",
    "literal_error": "giá trị {input!r} không hợp lệ; chỉ nhận: {expected}",
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
        return template.format(input=err.get("input"), **err.get("ctx", {}))
    except (KeyError, IndexError):
        return str(err["msg"])


def read_yaml(path: str | Path) -> SourceDocument:
    """Read a YAML file; an unreadable file raises InputErrors naming where it broke."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputErrors(
            [InputError(name, None, "", f"không đọc được tệp: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputErrors(
            [InputError(name, line, "", "tệp không phải UTF-8: hãy lưu lại với mã hóa UTF-8")]
        ) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> SourceDocument:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputErrors(
            [InputError(name, line, "", f"YAML không hợp lệ: {exc.problem or exc}")]
        ) from None
    if node is None:
        raise InputErrors([InputError(name, None, "", "tệp rỗng")])
    doc = SourceDocument(name, None)
    try:
        doc.data = _build(node, (), doc.lines)
    except _DuplicateKey as dup:
        raise InputErrors([InputError(name, dup.line, dup.key, "khóa bị khai hai lần")]) from None
    return doc


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int):
        self.key, self.line = key, line


def _build(node: yaml.Node, loc: Location, lines: dict[Location, int]) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key in out:
                raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
            out[key] = _build(value_node, (*loc, key), lines)
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*loc, i), lines) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    # The loader only converts an already composed node; one instance serves every call.
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except ValueError:
        # An impossible timestamp such as 2027-02-30: keep the text and let the model's
        # validation report it against its field.
        return node.value


_CONSTRUCTOR = yaml.SafeLoader("")
