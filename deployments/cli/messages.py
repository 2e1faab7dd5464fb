"""Typer's own messages (usage errors, help headings) in Vietnamese.

Why not gettext: the Typer this project pins (0.29) vendors its click and writes almost every
message as an f-string ("No such command", "Invalid value for", "Missing argument", "Usage:"),
so a translation installed through gettext would reach two strings out of thirty. What stays
stable is the exceptions' types and fields (the parameter, the option name, the possibilities):
`vietnamese` rebuilds the message from them, and the only English it still reads is the detail
of a value that failed typer's own conversion (pydantic's "Input should be a valid integer",
the file checks), translated by pattern with the original kept if a pattern ever stops
matching. Help headings are module settings of typer.rich_utils and the usage line's prefix
is the help formatter's, both set by `install`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from rich.text import Text
from typer import rich_utils
from typer._click import core as click_core
from typer._click import exceptions as click_exceptions
from typer._click.formatting import HelpFormatter

from deployments.cli.common import err, printable
from models.os_errors import os_error as os_error

_FORMATS = {"%Y-%m-%d": "YYYY-MM-DD", "%d/%m/%Y": "dd/mm/yyyy"}


def _formats(text: str) -> str:
    return ", ".join(_FORMATS.get(f, f) for f in re.findall(r"'([^']*)'", text))


_DETAILS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"'(.*)' does not match the formats? (.*?)\.?$"),
        lambda m: f"'{m[1]}' không phải ngày viết dạng {_formats(m[2])}",
    ),
    (re.compile(r"Input should be a valid integer"), lambda m: "phải là một số nguyên"),
    (re.compile(r"Input should be a valid (number|decimal)"), lambda m: "phải là một số"),
    (re.compile(r"Input should be a valid (date|datetime)"), lambda m: "phải là một ngày"),
    (re.compile(r"Input should be a valid boolean"), lambda m: "phải là có hoặc không"),
    (
        re.compile(r"Input should be greater than or equal to (\S+)"),
        lambda m: f"phải lớn hơn hoặc bằng {m[1]}",
    ),
    (
        re.compile(r"Input should be less than or equal to (\S+)"),
        lambda m: f"phải nhỏ hơn hoặc bằng {m[1]}",
    ),
    (re.compile(r"Input should be (.*)$"), lambda m: "chỉ nhận " + m[1].replace(" or ", " hoặc ")),
    (re.compile(r"\w+ '(.*)' does not exist\.$"), lambda m: f"không có '{m[1]}'"),
    (re.compile(r"\w+ '(.*)' is a directory\.$"), lambda m: f"'{m[1]}' là thư mục"),
    (re.compile(r"\w+ '(.*)' is a file\.$"), lambda m: f"'{m[1]}' là tệp, không phải thư mục"),
    (re.compile(r"\w+ '(.*)' is not readable\.$"), lambda m: f"không đọc được '{m[1]}'"),
    (re.compile(r"\w+ '(.*)' is not writable\.$"), lambda m: f"không ghi được '{m[1]}'"),
    (re.compile(r"Value (.*) is not a valid (.*)\.$"), lambda m: f"giá trị {m[1]} không hợp lệ"),
]


def detail(message: str) -> str:
    """Why a value was refused, in Vietnamese; our own parsers' messages pass unchanged."""
    message = message.removeprefix("Value error, ")
    for pattern, say in _DETAILS:
        match = pattern.search(message)
        if match:
            return say(match)
    return message


def _hint(exc: click_exceptions.BadParameter) -> str:
    if exc.param_hint is not None:
        return str(exc.param_hint)
    if exc.param is not None:
        return str(exc.param.get_error_hint())
    return ""


def _suggestion(typo: str, names: list[str]) -> str:
    from models.services.lookup import nearest

    guess = nearest(typo, names)
    return f" Có phải '{guess}'?" if guess else ""


def vietnamese(exc: click_exceptions.ClickException) -> str:
    """The error's message in Vietnamese, rebuilt from its type and fields."""
    if isinstance(exc, click_exceptions.NoSuchOption):
        possible = sorted(exc.possibilities or [])
        guess = f" Có phải {' hoặc '.join(possible)}?" if possible else ""
        return f"Không có tùy chọn {exc.option_name}.{guess}"
    if isinstance(exc, click_exceptions.MissingParameter):
        kind = "tùy chọn" if exc.param_type == "option" else "tham số"
        return f"Thiếu {kind} {_hint(exc)}."
    if isinstance(exc, click_exceptions.BadParameter):
        return f"Giá trị không hợp lệ cho {_hint(exc)}: {detail(exc.message)}"
    if isinstance(exc, click_exceptions.BadOptionUsage):
        if "does not take a value" in exc.message:
            return f"Tùy chọn {exc.option_name} không nhận giá trị."
        return f"Tùy chọn {exc.option_name} cần một giá trị."
    message = exc.message
    if match := re.match(r"No such command '(.*?)'\.", message):
        ctx = getattr(exc, "ctx", None)
        names = sorted(getattr(ctx.command, "commands", {})) if ctx else []
        return f"Không có lệnh '{match[1]}'.{_suggestion(match[1], names)}"
    if match := re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", message):
        return f"Thừa tham số: {match[1]}."
    if message.startswith("Missing command"):
        return "Thiếu lệnh."
    return detail(message)


def show(exc: click_exceptions.ClickException) -> None:
    """A usage error as people read it: the usage line, where to get help, the reason."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        err.print(Text(ctx.get_usage()), highlight=False)
        err.print(f"Xem '{ctx.command_path} --help' để biết cách dùng.", highlight=False)
    err.print(Text.assemble(("Lỗi:", "bold red"), " ", printable(vietnamese(exc))), highlight=False)


class VietnameseHelpFormatter(HelpFormatter):
    """The usage line in Vietnamese: "Cách dùng: tdkt plan [TÙY CHỌN] LỆNH [THAM SỐ]..."."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[TÙY CHỌN]").replace("COMMAND [ARGS]", "LỆNH [THAM SỐ]")
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)


HELP_TEXT = "Hiện hướng dẫn này rồi thoát."
OPTION_HELP = {
    "install_completion": "Cài gợi ý lệnh (phím Tab) cho shell đang dùng.",
    "show_completion": "In mã gợi ý lệnh cho shell đang dùng, để chép hoặc tự cài.",
}
"""Typer's own options, added to the top-level command."""


def install(root: click_core.Command) -> None:
    """Help in Vietnamese: headings, usage line, and every command's --help text."""
    rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
    rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
    rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
    rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
    rich_utils.ABORTED_TEXT = "Đã hủy."
    rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
    rich_utils.DEFAULT_STRING = "[mặc định: {}]"
    rich_utils.ENVVAR_STRING = "[biến môi trường: {}]"
    rich_utils.DEPRECATED_STRING = "(không dùng nữa) "
    click_core.Context.formatter_class = VietnameseHelpFormatter
    for _path, command in walk(root):
        option = command.get_help_option(click_core.Context(command))
        if option is not None:
            option.help = HELP_TEXT
        for param in command.params:
            param.help = OPTION_HELP.get(param.name or "", param.help)


def walk(
    command: click_core.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command under command (itself first) with the words that call it."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))
