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
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


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
        if isinstance(part, str) and ("[" in part or part in {"str", "int", "date"}):
            continue
        yield part


def _message(err: Any) -> str:
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (check its spelling against docs/plan-format.md)"
    if err["type"] == "missing":
        msg = "required but missing"
    return msg


def read_yaml(path: str | Path) -> SourceDocument:
    """Read a YAML file; an unreadable file raises InputErrors naming where it broke."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputErrors([InputError(name, None, "", f"cannot read the file: {exc.strerror}")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputErrors(
            [InputError(name, line, "", "not UTF-8 text: save the file as UTF-8")]
        ) from None
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> SourceDocument:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputErrors(
            [InputError(name, line, "", f"not valid YAML: {exc.problem or exc}")]
        ) from None
    if node is None:
        raise InputErrors([InputError(name, None, "", "the file is empty")])
    doc = SourceDocument(name, None)
    try:
        doc.data = _build(node, (), doc.lines)
    except _DuplicateKey as dup:
        raise InputErrors([InputError(name, dup.line, dup.key, "key written twice")]) from None
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
    return _CONSTRUCTOR.construct_object(node, deep=True)


_CONSTRUCTOR = yaml.SafeLoader("")
