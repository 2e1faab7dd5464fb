"""Publicise, honour, reward and promote exemplars from the command line.

Each command is one transaction with its audit entries. Refusals (deciding twice, promoting a
candidate that was never selected...) print a Vietnamese message and exit 2, like input errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from deployments.cli.common import actor, console
from models.clock import now, today
from models.text import vn_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.orm import Campaign, Unit

T = TypeVar("T")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
err = Console(stderr=True, highlight=False)

Campaign_ = Annotated[str, typer.Argument(help="Id của kế hoạch, ví dụ quang-binh-2021-2025")]
Day = Annotated[dt.datetime, typer.Argument(formats=DATE_FORMATS, help="Ngày (dd/mm/yyyy)")]


@contextmanager
def _refusals() -> Iterator[None]:
    """A step the process refuses becomes a message and exit code 2, never a traceback."""
    from models.lifecycle import IllegalStageTransition
    from models.recognition import RecognitionError
    from models.services.candidates import RegistrationError
    from models.services.lookup import UnknownId

    try:
        yield
    except (RecognitionError, IllegalStageTransition, RegistrationError, UnknownId) as exc:
        err.print(f"[bold red]Lỗi:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


def _transaction(work: Callable[[Session], T]) -> T:
    from models.db import unit_of_work

    with _refusals(), unit_of_work() as session:
        return work(session)


def _found(value: T | None, what: str) -> T:
    from models.recognition import RecognitionError

    if value is None:
        raise RecognitionError(f"không tìm thấy {what}")
    return value


def _campaign(session: Session, slug: str) -> Campaign:
    from models.services.lookup import require_campaign

    return require_campaign(session, slug)


def _unit(session: Session, code: str) -> Unit:
    from models.services.lookup import require_unit

    return require_unit(session, code)


def publish_confirm(
    publication: Annotated[int, typer.Argument(help="Số của bài cần xác nhận")],
    url: Annotated[str, typer.Argument(help="Liên kết bài đã đăng (http/https)")],
    published_on: Annotated[
        dt.datetime | None, typer.Option(formats=DATE_FORMATS, help="Ngày đăng; mặc định hôm nay")
    ] = None,
) -> None:
    """Xác nhận bộ phận truyền thông đã đăng bài: điển hình chuyển sang 'Đã tuyên truyền'."""
    from models.orm.recognition import Publication
    from models.services.recognition import confirm_publication

    day = published_on.date() if published_on else today()

    def work(session: Session) -> str:
        found = _found(session.get(Publication, publication), f"bài số {publication}")
        confirm_publication(session, found, url=url, published_on=day, at=now(), actor=actor())
        return f"{found.channel.label}: '{found.candidate.name}' ({found.candidate.stage.label})"

    console.print(f"[green]Đã xác nhận đăng[/] ngày {vn_date(day)} — {escape(_transaction(work))}.")


def honour_list(
    campaign: Campaign_,
    kind: Annotated[str, typer.Argument(help="year_end, 19-5, 11-6 hoặc final_review")],
    held_on: Day,
) -> None:
    """Lập danh sách biểu dương, tôn vinh của một buổi lễ và soạn giấy mời."""
    from models.services.recognition import compile_honour_list, invitations

    def work(session: Session) -> Table:
        found = _campaign(session, campaign)
        ceremony = compile_honour_list(
            session, found, kind=kind, held_on=held_on.date(), at=now(), actor=actor()
        )
        title = escape(f"{ceremony.title} — {vn_date(ceremony.held_on)}")
        table = Table(title=title, title_justify="left")
        for column in ("STT", "Điển hình", "Loại", "Đơn vị", "Gửi giấy mời đến"):
            table.add_column(column)
        for n, invitation in enumerate(invitations(session, ceremony), start=1):
            c, head = invitation.candidate, invitation.recipient
            to = escape(f"{head.name} <{head.email}>") if head else "[yellow]chưa có thủ trưởng[/]"
            table.add_row(str(n), escape(c.name), c.subject.label, escape(c.registered_by.name), to)
        return table

    console.print(_transaction(work))


def reward_propose(
    candidate: Annotated[int, typer.Argument(help="Số của điển hình")],
    authority: Annotated[str, typer.Argument(help="Mã đơn vị có thẩm quyền, ví dụ QB")],
    form: Annotated[str, typer.Argument(help="giay_khen, bang_khen, chien_si_thi_dua...")],
    submitted_on: Annotated[
        dt.datetime | None, typer.Option(formats=DATE_FORMATS, help="Ngày trình; mặc định hôm nay")
    ] = None,
    number: Annotated[
        str | None, typer.Option("--so", help="Số tờ trình, ví dụ 12/TTr-SNV")
    ] = None,
) -> None:
    """Lập tờ trình đề nghị khen thưởng kèm danh mục hồ sơ (trình lên khi đủ hồ sơ)."""
    from models.calendar import default_calendar
    from models.orm import Candidate
    from models.recognition import missing_documents
    from models.services.recognition import propose_reward

    day = submitted_on.date() if submitted_on else today()

    def work(session: Session) -> str:
        found = _found(session.get(Candidate, candidate), f"điển hình số {candidate}")
        proposal = propose_reward(
            session,
            found,
            authority=_unit(session, authority),
            form=form,
            submitted_on=day,
            calendar=default_calendar(),
            at=now(),
            actor=actor(),
            number=number,
        )
        missing = "; ".join(missing_documents(proposal.dossier)) or "không"
        return (
            f"tờ trình số {proposal.id}: {proposal.form.label} cho '{found.name}' "
            f"({proposal.status.label.lower()}).\nHồ sơ còn thiếu: {missing}.\n"
            f"Khi đủ hồ sơ: tdkt reward forward {proposal.id} (hạn quyết định tính từ ngày trình)."
        )

    console.print(f"[green]Đã lập[/] {escape(_transaction(work))}")


def reward_decide(
    proposal: Annotated[int, typer.Argument(help="Số của tờ trình")],
    number: Annotated[str, typer.Argument(help="Số quyết định, ví dụ 123/QĐ-UBND")],
    decided_on: Day,
    form: Annotated[str, typer.Argument(help="Hình thức được tặng: giay_khen, bang_khen...")],
    signed_by: Annotated[str, typer.Argument(help="Người ký quyết định")],
) -> None:
    """Ghi nhận quyết định khen thưởng; ghi sổ ghi danh nếu kế hoạch có sổ cho hình thức đó."""
    from sqlalchemy import select

    from models.orm.recognition import RegistryEntry, RewardProposal
    from models.services.recognition import record_decision

    def work(session: Session) -> str:
        found = _found(session.get(RewardProposal, proposal), f"tờ trình số {proposal}")
        decision = record_decision(
            session,
            found,
            number=number,
            decided_on=decided_on.date(),
            form=form,
            signed_by=signed_by,
            at=now(),
            actor=actor(),
        )
        entry = session.scalars(
            select(RegistryEntry).where(RegistryEntry.decision_id == decision.id)
        ).one_or_none()
        written = (
            f"ghi danh vào sổ của {entry.unit.name} năm {entry.year}, số {entry.entry_no}"
            if entry is not None
            else "kế hoạch không ghi sổ ghi danh cho hình thức này"
        )
        return (
            f"Quyết định số {decision.number} ngày {vn_date(decision.decided_on)}: "
            f"{decision.form.label} cho '{found.candidate.name}'; {written}."
        )

    console.print(f"[green]Đã ghi nhận[/] {escape(_transaction(work))}")


def registry_export(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị giữ sổ, ví dụ XX.SCT.DU")],
    fmt: Annotated[str, typer.Option("--fmt", help="csv hoặc html")] = "csv",
    year: Annotated[int | None, typer.Option("--year", help="Chỉ một năm")] = None,
    book: Annotated[
        str | None, typer.Option("--book", help="Sổ khác của đơn vị (sổ cũ theo kế hoạch)")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Ghi ra tệp")] = None,
) -> None:
    """Xuất sổ ghi danh của một đơn vị ra CSV hoặc HTML."""
    from models.recognition import REGISTRY
    from models.services.recognition import export_registry

    text = _transaction(
        lambda s: export_registry(s, _unit(s, unit), fmt=fmt, year=year, book=book or REGISTRY)
    )
    if output is None:
        print(text, end="")
        return
    # Excel reads a CSV as UTF-8 only with the byte-order mark.
    _write(output, text, "utf-8-sig" if fmt == "csv" else "utf-8")
    console.print(f"[green]Đã xuất[/] sổ ghi danh ra {escape(str(output))}.")


def honour_page(
    campaign: Campaign_,
    output: Annotated[Path, typer.Argument(help="Tệp HTML cần ghi")],
) -> None:
    """Ghi trang vinh danh điển hình tiên tiến (HTML tĩnh, mở được bằng trình duyệt)."""
    from models.services.recognition import honour_page as render_page

    text = _transaction(lambda s: render_page(s, _campaign(s, campaign), as_of=today()))
    _write(output, text, "utf-8")
    console.print(f"[green]Đã ghi[/] trang vinh danh ra {escape(str(output))}.")


def promote(
    candidate: Annotated[int, typer.Argument(help="Số của điển hình")],
    higher_campaign: Annotated[str, typer.Argument(help="Id của kế hoạch cấp trên")],
) -> None:
    """Giới thiệu điển hình lên kế hoạch cấp trên; lịch sử vẫn gắn với bản ghi gốc."""
    from models.orm import Candidate
    from models.services.recognition import promote as promote_candidate

    def work(session: Session) -> str:
        found = _found(session.get(Candidate, candidate), f"điển hình số {candidate}")
        higher = _campaign(session, higher_campaign)
        new = promote_candidate(session, found, higher, at=now(), actor=actor())
        return f"'{found.name}' lên {higher.slug} (điển hình số {new.id}, {new.stage.label})"

    console.print(f"[green]Đã giới thiệu[/] {escape(_transaction(work))}.")


def _write(path: Path, text: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
