"""`tdkt web` and `tdkt coordinator`: the web intake and the accounts that review it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from deployments.cli.common import actor, console
from models.clock import now

if TYPE_CHECKING:
    import uvicorn
    from sqlalchemy.orm import Session

    from models.orm import Unit

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Đọc mật khẩu từ stdin (cho kịch bản)")
]


coordinator = typer.Typer(help="Tài khoản cán bộ điều phối (trang web).", no_args_is_help=True)


def web(
    host: Annotated[str, typer.Option(help="Địa chỉ lắng nghe")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Cổng")] = 8765,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Đồng hồ mô phỏng (YYYY-MM-DD, cho bản chạy thử sau tdkt replay/demo)",
        ),
    ] = None,
    insecure_http: Annotated[
        bool,
        typer.Option(
            "--insecure-http",
            help="Cho phép phục vụ HTTP không mã hóa trên địa chỉ mạng (không khuyến nghị)",
        ),
    ] = False,
) -> None:
    """Chạy trang web tiếp nhận: đơn vị mở liên kết trong thư, cán bộ điều phối đăng nhập.

    Liên kết trong thư trỏ tới TDKT_WEB_URL (mặc định http://127.0.0.1:8765): đặt biến này
    thành địa chỉ công khai khi chạy thật (sau một reverse proxy có HTTPS). Nghe trên một địa
    chỉ mạng (không phải 127.0.0.1/localhost) chỉ được khi TDKT_WEB_URL là https://, hoặc khi
    ghi rõ --insecure-http.
    """
    import uvicorn

    refusal = bind_refusal(host, os.environ.get("TDKT_WEB_URL", ""), insecure_http)
    if refusal is not None:
        console.print(f"[bold red]Lỗi:[/] {refusal}")
        raise typer.Exit(2)
    console.print(f"Trang web tiếp nhận: [bold]http://{host}:{port}[/] (Ctrl+C để dừng)")
    if as_of is not None:
        console.print(f"Đồng hồ mô phỏng: ngày {as_of:%d/%m/%Y}")
    config = web_config(host, port, as_of.date() if as_of else None)
    uvicorn.Server(config).run()


def bind_refusal(host: str, public_url: str, insecure_http: bool) -> str | None:
    """Why `tdkt web` must not listen on host, or None.

    Personal links and coordinators' passwords travel in every request: served as plain HTTP
    to the network, anyone on the way reads them. Loopback is for a proxy on the same machine
    (which terminates HTTPS) or for trying things out; any other address needs the public
    address to be https (a proxy in front), or the explicit --insecure-http."""
    if _loopback(host) or insecure_http or public_url.startswith("https://"):
        return None
    return (
        f"không phục vụ HTTP không mã hóa trên địa chỉ mạng {host}: liên kết cá nhân và mật "
        "khẩu sẽ đi qua mạng ở dạng đọc được. Hãy chạy sau một reverse proxy có HTTPS và đặt "
        "TDKT_WEB_URL=https://... (địa chỉ công khai), hoặc nghe trên 127.0.0.1; nếu thật sự "
        "cần (mạng thử nghiệm khép kín), ghi rõ --insecure-http."
    )


def _loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: it may well be a network address


def web_config(host: str, port: int, as_of: dt.date | None) -> uvicorn.Config:
    """The web intake's server settings; a simulated day freezes its clock at 09:00 that day."""
    import uvicorn

    from deployments.web.app import create_app
    from models.clock import at_start_of
    from models.db import engine_for

    engine_for()  # migrate before the first request, not during it
    https = os.environ.get("TDKT_WEB_URL", "").startswith("https://")
    if as_of is None:
        app = create_app(https_only=https)
    else:
        moment = at_start_of(as_of) + dt.timedelta(hours=9)
        app = create_app(now=lambda: moment, https_only=https)
    # No "server: uvicorn" banner: nothing tells a visitor what to look up vulnerabilities for.
    # No access log: a personal link's token is in the path of every request it makes.
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", server_header=False, access_log=False
    )


@coordinator.command("add")
def coordinator_add(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập")],
    name: Annotated[str, typer.Option("--name", help="Họ tên")] = "",
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (cơ quan thường trực)")] = None,
    password_stdin: PasswordStdin = False,
    admin: Annotated[
        bool, typer.Option("--admin", help="Quản trị: xem mọi kế hoạch, không chỉ của đơn vị")
    ] = False,
) -> None:
    """Tạo tài khoản cán bộ điều phối; mật khẩu chỉ lưu dưới dạng băm Argon2id.

    Cán bộ chỉ thấy các kế hoạch mà đơn vị mình (--unit) là cơ quan thường trực; tài khoản
    --admin thấy mọi kế hoạch.
    """
    from models.services.accounts import add_coordinator

    password = _password(password_stdin)
    with _accounts() as session:
        row = _unit(session, unit) if unit else None
        add_coordinator(
            session,
            username,
            name or username,
            password,
            unit=row,
            at=now(),
            actor=actor(),
            admin=admin,
        )
    console.print(f"[green]Đã tạo tài khoản[/] {username.strip().lower()}.")


@coordinator.command("password")
def coordinator_password(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Đặt mật khẩu mới; mọi phiên đăng nhập của tài khoản kết thúc ngay."""
    from models.services.accounts import find_coordinator, set_password

    password = _password(password_stdin)
    with _accounts() as session:
        ended = set_password(
            session, find_coordinator(session, username), password, at=now(), actor=actor()
        )
    console.print(
        f"[green]Đã đổi mật khẩu[/] {username.strip().lower()}; {ended} phiên đăng nhập kết thúc."
    )


@coordinator.command("disable")
def coordinator_disable(username: Annotated[str, typer.Argument(help="Tên đăng nhập")]) -> None:
    """Khoá tài khoản: không đăng nhập được nữa, mọi phiên đang mở kết thúc ngay."""
    from models.services.accounts import find_coordinator, set_disabled

    with _accounts() as session:
        ended = set_disabled(
            session, find_coordinator(session, username), True, at=now(), actor=actor()
        )
    console.print(
        f"[green]Đã khoá tài khoản[/] {username.strip().lower()}; {ended} phiên đăng nhập kết thúc."
    )


@coordinator.command("enable")
def coordinator_enable(username: Annotated[str, typer.Argument(help="Tên đăng nhập")]) -> None:
    """Mở lại tài khoản đã khoá."""
    from models.services.accounts import find_coordinator, set_disabled

    with _accounts() as session:
        set_disabled(session, find_coordinator(session, username), False, at=now(), actor=actor())
    console.print(f"[green]Đã mở lại tài khoản[/] {username.strip().lower()}.")


@coordinator.command("unit")
def coordinator_unit(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập")],
    unit: Annotated[str, typer.Argument(help="Mã đơn vị (cơ quan thường trực)")],
) -> None:
    """Gắn tài khoản với một cơ quan thường trực: cán bộ thấy các kế hoạch của đơn vị đó."""
    from models.services.accounts import find_coordinator, set_unit

    with _accounts() as session:
        set_unit(
            session,
            find_coordinator(session, username),
            _unit(session, unit),
            at=now(),
            actor=actor(),
        )
    console.print(f"[green]Đã gắn[/] {username.strip().lower()} với đơn vị {unit}.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password: str = typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    return password


@contextmanager
def _accounts() -> Iterator[Session]:
    """One transaction about accounts; an AccountError is printed in Vietnamese, exit code 2."""
    from models.db import unit_of_work
    from models.services.accounts import AccountError

    try:
        with unit_of_work() as session:
            yield session
    except AccountError as error:
        console.print(f"[bold red]Lỗi:[/] {error}")
        raise typer.Exit(2) from None


def _unit(session: Session, code: str) -> Unit:
    from sqlalchemy import select

    from models.orm import Unit
    from models.services.accounts import AccountError

    row = session.scalar(select(Unit).where(Unit.code == code))
    if row is None:
        raise AccountError(f"không có đơn vị mã '{code}' trong danh bạ")
    return row
