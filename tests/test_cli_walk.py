"""Every `tdkt` command, found by walking the command tree, refuses bad input in Vietnamese.

The walk finds commands added later (reports, exports...) without this file changing: each
leaf command is run with unknown ids, values of the wrong type, a missing or unreadable file,
an unknown option and no arguments, and must exit 2 (1 where documented: a database that
cannot be used, a cancelled prompt) with a Vietnamese message and no traceback or English.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from deployments.cli import app
from deployments.cli.messages import walk

UNKNOWN_ID = "khong-co-x"
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
ENGLISH = (
    *("Traceback", "Error", "Usage:", "Invalid value", "Missing ", "No such", "Try '"),
    *("Got unexpected", "does not", "Input should", "is not a valid"),
)
STARTS_SERVERS = {"dashboard", "serve", "demo", "sweep", "web", "replay", "db upgrade"}
"""Run only with values refused while parsing: with good ones they would start servers."""


def leaves() -> list[tuple[str, Any]]:
    """Every command that runs (not a group), named by the words that call it."""
    root = typer.main.get_command(app)
    return [(" ".join(path), cmd) for path, cmd in walk(root) if not getattr(cmd, "commands", None)]


LEAVES = leaves()


def _base(annotation: Any) -> Any:
    """list[int] → int, int | None → int."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return _base(args[0]) if args else annotation


def _type(param: Any) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    return _base(getattr(descriptor, "annotation", str))


def _good(param: Any, missing: Path) -> str:
    """A value that parses but names nothing stored."""
    kind = _type(param)
    if kind in (int, float):
        return "999999"
    if kind in (dt.date, dt.datetime):
        return "2024-01-31"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return str(next(iter(kind)).value)
    if kind is Path:
        return str(missing)
    return UNKNOWN_ID


def _bad(param: Any) -> str | None:
    """A value of the wrong type for param, or None when any text is a value."""
    kind = _type(param)
    if kind in (int, float):
        return "abc"
    if kind in (dt.date, dt.datetime):
        return "31/02/2024"
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return "khong-hop-le"
    return None


def _args(command: Any, missing: Path, **given: str) -> list[str]:
    """Every required parameter filled (with given values where named)."""
    args: list[str] = []
    for param in command.params:
        value = given.get(param.name) or _good(param, missing)
        if param.param_type_name == "argument" and param.required:
            args.append(value)
        elif param.param_type_name == "option" and (param.required or param.name in given):
            args += [param.opts[0], value]
    return args


def _run(name: str, args: list[str]) -> Any:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, [*name.split(), *args])


def assert_refused_in_vietnamese(run: Any, codes: tuple[int, ...] = (2,)) -> None:
    out = run.output
    assert run.exit_code in codes, out
    assert run.exception is None or isinstance(run.exception, SystemExit), repr(run.exception)
    assert VIETNAMESE.search(out), out
    for word in ENGLISH:
        assert word not in out, out


def _cases() -> Iterator[Any]:
    for name, command in LEAVES:
        for param in command.params:
            if _bad(param) is not None:
                yield pytest.param(name, param.name, id=f"{name}:{param.name}")


@pytest.mark.parametrize(("name", "param"), list(_cases()))
def test_a_value_of_the_wrong_type_is_refused(name: str, param: str, data_dir: Path) -> None:
    command = dict(LEAVES)[name]
    bad = next(p for p in command.params if p.name == param)
    run = _run(name, _args(command, data_dir / "khong-co.yaml", **{param: _bad(bad) or ""}))
    assert_refused_in_vietnamese(run)
    assert "Giá trị không hợp lệ" in run.output


RUNNABLE = [name for name, _ in LEAVES if name not in STARTS_SERVERS]


@pytest.mark.parametrize("name", RUNNABLE)
def test_unknown_ids_and_missing_files_are_refused(name: str, data_dir: Path) -> None:
    from tests.chase_helpers import load_small

    load_small()  # something to be near: the suggestion needs known ids
    command = dict(LEAVES)[name]
    missing = data_dir / "khong-co.yaml"
    optional_only = not any(p.required for p in command.params)
    # A command that needs nothing (`document list`) is given every option it takes instead.
    given = (
        {p.name: _good(p, missing) for p in command.params if p.param_type_name == "option"}
        if optional_only
        else {}
    )
    run = CliRunner(env={"COLUMNS": "200"}).invoke(
        app, [*name.split(), *_args(command, missing, **given)], input=""
    )
    assert_refused_in_vietnamese(run, codes=(1, 2))


PATH_COMMANDS = [
    name
    for name, command in LEAVES
    if name in RUNNABLE
    and any(p.param_type_name == "argument" and _type(p) is Path for p in command.params)
]


@pytest.mark.parametrize("name", PATH_COMMANDS)
def test_an_unreadable_file_is_refused(name: str, data_dir: Path, tmp_path: Path) -> None:
    """A directory where a file is expected: unreadable as a file even to root."""
    command = dict(LEAVES)[name]
    run = _run(name, _args(command, tmp_path))
    assert_refused_in_vietnamese(run, codes=(1, 2))


@pytest.mark.parametrize("name", [name for name, _ in LEAVES])
def test_an_unknown_option_and_missing_arguments_are_refused(name: str) -> None:
    unknown = _run(name, ["--khong-co"])
    assert_refused_in_vietnamese(unknown)
    assert "Không có tùy chọn --khong-co" in unknown.output
    command = dict(LEAVES)[name]
    if any(p.required for p in command.params):
        missing = _run(name, [])
        assert_refused_in_vietnamese(missing)
        assert "Thiếu" in missing.output


def test_the_walk_finds_every_command() -> None:
    names = {name for name, _ in LEAVES}
    assert {"obligations", "plan show", "ballot vote", "coordinator add", "db upgrade"} <= names
