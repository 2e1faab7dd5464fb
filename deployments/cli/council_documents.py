"""`tdkt document` commands for the council's and the honour's documents (issue 23): the
biên bản họp Hội đồng, the biên bản kiểm phiếu, the ceremony's giấy mời and the trích lục sổ
ghi danh, each written as .docx (and .pdf with --pdf) into a folder.

The services number each document in its issuer's register under a fixed key, so writing one
again gives the same number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.markup import escape

from deployments.cli.common import actor, console, err
from models.clock import now

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.administrative import GeneratedDocument
    from models.orm import Candidate
    from models.orm.ballots import Ballot
    from models.orm.recognition import Ceremony

T = TypeVar("T")

Folder = Annotated[
    Path, typer.Option("--out", "-o", help="Thư mục ghi văn bản; mặc định thư mục hiện tại")
]
Pdf = Annotated[bool, typer.Option("--pdf", help="Ghi thêm bản PDF (cần LibreOffice)")]
PDF_TIMEOUT = 120.0


def _write(documents: Sequence[GeneratedDocument], folder: Path, pdf: bool) -> None:
    """Write each document (and its PDF, all converted by one LibreOffice process)."""
    from models.os_errors import os_error
    from notifications.documents import OfficeError, to_pdf

    try:
        folder.mkdir(parents=True, exist_ok=True)
        printed = to_pdf([d.docx for d in documents], timeout=PDF_TIMEOUT) if pdf else []
        for n, document in enumerate(documents):
            path = folder / document.filename
            path.write_bytes(document.docx)
            shown = [str(path)]
            if printed:
                path.with_suffix(".pdf").write_bytes(printed[n])
                shown.append(str(path.with_suffix(".pdf")))
            number = f" ({document.number})" if document.number else ""
            console.print(f"[green]Đã ghi[/]{escape(number)}: {escape(', '.join(shown))}")
    except OfficeError as error:
        console.print(f"[red]Không in được PDF:[/] {escape(str(error))}")
        raise typer.Exit(1) from None
    except OSError as error:
        console.print(f"[red]Không ghi được văn bản:[/] {escape(os_error(error))}")
        raise typer.Exit(1) from None


def _transaction(work: Callable[[Session], T]) -> T:
    """The work in one transaction; a refusal (an open ballot, an empty extract, an unknown
    number) is one line and exit code 2, never a traceback."""
    from models.db import unit_of_work
    from models.recognition import RecognitionError
    from models.services.ballots import BallotError
    from models.services.lookup import UnknownId

    try:
        with unit_of_work() as session:
            return work(session)
    except (RecognitionError, BallotError, UnknownId) as exc:
        err.print(f"[bold red]Lỗi:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


def minutes(
    ballot: Annotated[int, typer.Argument(help="Số phiếu bình xét đã kết thúc")],
    out: Folder = Path(),
    pdf: Pdf = False,
    place: Annotated[str, typer.Option("--place", help="Địa điểm họp")] = "",
) -> None:
    """Biên bản họp Hội đồng Thi đua - Khen thưởng của một phiếu đã kết thúc (.docx)."""
    from models.services.minutes_documents import council_minutes

    _write(
        [
            _transaction(
                lambda s: council_minutes(
                    s, _ballot(s, ballot), place=place, at=now(), actor=actor()
                )
            )
        ],
        out,
        pdf,
    )


def count(
    ballot: Annotated[int, typer.Argument(help="Số phiếu bình xét đã kết thúc")],
    out: Folder = Path(),
    pdf: Pdf = False,
    teller: Annotated[
        list[str] | None,
        typer.Option("--teller", help="Thành viên Ban kiểm phiếu (người đầu là Trưởng ban)"),
    ] = None,
) -> None:
    """Biên bản kiểm phiếu của một phiếu đã kết thúc (.docx)."""
    from models.services.minutes_documents import ballot_count

    _write(
        [
            _transaction(
                lambda s: ballot_count(
                    s, _ballot(s, ballot), tellers=teller or (), at=now(), actor=actor()
                )
            )
        ],
        out,
        pdf,
    )


def invitation(
    ceremony: Annotated[int, typer.Argument(help="Số của buổi lễ (tdkt honour-list)")],
    out: Folder = Path(),
    pdf: Pdf = False,
    candidate: Annotated[
        int | None, typer.Option("--candidate", help="Chỉ giấy mời của một điển hình")
    ] = None,
    starts: Annotated[
        dt.datetime, typer.Option("--time", formats=["%H:%M"], help="Giờ bắt đầu, ví dụ 08:00")
    ] = dt.datetime(2000, 1, 1, 8, 0),
    place: Annotated[str, typer.Option("--place", help="Địa điểm tổ chức")] = "",
    bring: Annotated[str, typer.Option("--bring", help="Đề nghị mang theo")] = "",
    send: Annotated[
        bool,
        typer.Option("--send", help="Ghi thư mời (kèm giấy mời) vào hộp thư đi thay vì ghi tệp"),
    ] = False,
) -> None:
    """Giấy mời dự buổi biểu dương, tôn vinh: một giấy cho mỗi điển hình trong danh sách."""
    from models.services.ceremony_invitations import invite_to_ceremony
    from models.services.honour_documents import Arrangements, ceremony_invitations

    details = Arrangements(starts.time(), place, bring)
    if send:
        written = _transaction(
            lambda s: invite_to_ceremony(
                s, _ceremony(s, ceremony), at=now(), actor=actor(), arrangements=details
            )
        )
        console.print(
            f"[green]Đã ghi[/] {written} thư mời vào hộp thư đi (gửi ở lượt quét kế tiếp)."
        )
        return
    _write(
        _transaction(
            lambda s: ceremony_invitations(
                s,
                _ceremony(s, ceremony),
                only=candidate,
                at=now(),
                actor=actor(),
                arrangements=details,
            )
        ),
        out,
        pdf,
    )


def extract(
    unit: Annotated[str, typer.Argument(help="Mã đơn vị giữ sổ, ví dụ XX.SCT.CB1")],
    out: Folder = Path(),
    pdf: Pdf = False,
    year: Annotated[int | None, typer.Option("--year", help="Năm cần trích lục")] = None,
    candidate: Annotated[
        int | None, typer.Option("--candidate", help="Trích lục các dòng của một điển hình")
    ] = None,
) -> None:
    """Trích lục sổ ghi danh của một đơn vị: một năm, hoặc các dòng của một điển hình."""
    from models.services.honour_documents import registry_extract
    from models.services.lookup import require_unit

    _write(
        [
            _transaction(
                lambda s: registry_extract(
                    s,
                    require_unit(s, unit),
                    year=year,
                    candidate=_candidate(s, candidate),
                    at=now(),
                    actor=actor(),
                )
            )
        ],
        out,
        pdf,
    )


def _ballot(session: Session, number: int) -> Ballot:
    from models.orm.ballots import Ballot
    from models.services.ballots import BallotError

    found = session.get(Ballot, number)
    if found is None:
        raise BallotError(f"không có phiếu bình xét số {number}")
    return found


def _ceremony(session: Session, number: int) -> Ceremony:
    from models.orm.recognition import Ceremony
    from models.recognition import RecognitionError

    found = session.get(Ceremony, number)
    if found is None:
        raise RecognitionError(f"không có buổi lễ số {number} (lập bằng tdkt honour-list)")
    return found


def _candidate(session: Session, number: int | None) -> Candidate | None:
    from models.orm import Candidate
    from models.recognition import RecognitionError

    if number is None:
        return None
    found = session.get(Candidate, number)
    if found is None:
        raise RecognitionError(f"không có điển hình số {number}")
    return found


def register(app: typer.Typer) -> None:
    """Add these commands to the `tdkt document` sub-app."""
    app.command("minutes")(minutes)
    app.command("count")(count)
    app.command("invitation")(invitation)
    app.command("extract")(extract)
