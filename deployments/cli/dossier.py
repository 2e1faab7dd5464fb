"""The coordinator's dossier commands: `tdkt reward list/show/attach/forward/dossier`.

A proposal opens preparing; pieces join it (uploads through the same checks as the web intake,
generated documents as they are written); `forward` sends it upward or says, piece by piece,
what is missing. Refusals print a Vietnamese message and exit 2 (deployments.cli.recognition).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from deployments.cli.common import actor, console
from deployments.cli.recognition import DATE_FORMATS, _refusals, _transaction
from models.clock import now, today
from models.text import vn_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.services.dossier_view import ProposalView

Proposal = Annotated[int, typer.Option("--proposal", "-p", help="Số của tờ trình")]


def _status(view: ProposalView) -> str:
    if view.decision_due_on is not None:
        return f"{view.status.label} (hạn {vn_date(view.decision_due_on)})"
    return view.status.label


def reward_list(
    campaign: Annotated[str, typer.Argument(help="Id của kế hoạch, ví dụ quang-binh-2021-2025")],
    status: Annotated[
        str | None, typer.Option(help="preparing, submitted, decided hoặc overdue")
    ] = None,
) -> None:
    """Danh sách tờ trình đề nghị khen thưởng của một kế hoạch và hồ sơ còn thiếu."""
    from models.recognition import ProposalStatus
    from models.services.dossier_view import proposal_views
    from models.services.lookup import require_campaign
    from models.services.recognition_common import parse

    def work(session: Session) -> Table:
        wanted = parse(ProposalStatus, status, "trạng thái") if status else None
        found = require_campaign(session, campaign)
        table = Table(title="Tờ trình đề nghị khen thưởng", title_justify="left")
        for column in ("Số", "Điển hình", "Hình thức", "Trạng thái", "Hồ sơ còn thiếu"):
            table.add_column(column)
        for view in proposal_views(session, campaign=found, status=wanted):
            lacking = "; ".join(view.missing) if view.missing else "đủ"
            table.add_row(
                str(view.id), escape(view.nominee), view.form, _status(view), escape(lacking)
            )
        return table

    console.print(_transaction(work))


def reward_show(
    proposal: Annotated[int, typer.Argument(help="Số của tờ trình")],
) -> None:
    """Xem một tờ trình: từng thành phần hồ sơ, đã có hay còn thiếu, và lý do chưa trình được."""
    from models.services.dossier_view import require_proposal, view

    def work(session: Session) -> tuple[ProposalView, Table]:
        shown = view(require_proposal(session, proposal))
        table = Table(title_justify="left")
        for column in ("STT", "Thành phần hồ sơ", "Nguồn", "Tình trạng"):
            table.add_column(column)
        for n, piece in enumerate(shown.pieces, start=1):
            state = piece.state if piece.present else f"[yellow]{piece.state}[/]"
            table.add_row(str(n), escape(piece.document), piece.source, escape(state))
        return shown, table

    shown, table = _transaction(work)
    number = f" (số {shown.number})" if shown.number else ""
    console.print(
        f"Tờ trình {shown.id}{escape(number)}: {shown.form} cho '{escape(shown.nominee)}' "
        f"({escape(shown.unit)}), trình {escape(shown.authority)}. {_status(shown)}."
    )
    console.print(table)
    if shown.blocked:
        console.print(
            f"[yellow]Chưa trình được:[/] còn thiếu {len(shown.missing)} thành phần: "
            + escape("; ".join(shown.missing))
        )


def reward_attach(
    proposal: Proposal,
    piece: Annotated[str, typer.Option("--piece", help="Mã thành phần, ví dụ bao_cao_thanh_tich")],
    file: Annotated[Path | None, typer.Argument(help="Tệp PDF, DOCX hoặc ODT")] = None,
    document: Annotated[
        int | None, typer.Option("--document", help="Số tệp đơn vị đã nộp qua trang web")
    ] = None,
) -> None:
    """Bổ sung một thành phần hồ sơ: tệp từ máy, hoặc tệp đơn vị đã nộp qua trang web."""
    from models.documents import DocumentRefused, check_upload, size_text
    from models.recognition import RecognitionError
    from models.services.access import documents_store, max_upload_bytes
    from models.services.dossier import attach_submitted, attach_upload, require_submitted
    from models.services.dossier_view import require_proposal

    if (file is None) == (document is None):
        raise typer.BadParameter("cần đúng một trong hai: TỆP hoặc --document")
    store, limit = documents_store(), max_upload_bytes()
    data = b""
    if file is not None:
        with _refusals():
            size = file.stat().st_size if file.is_file() else -1
            if size < 0:
                raise RecognitionError(f"không đọc được tệp {file}")
            if size > limit:  # bounded before reading
                raise RecognitionError(
                    f"tệp quá lớn ({size_text(size)}); dung lượng tối đa là {size_text(limit)}"
                )
            data = file.read_bytes()
            try:
                accepted = check_upload(file.name, data, max_bytes=limit)
            except DocumentRefused as refused:
                raise RecognitionError(str(refused)) from None

    def work(session: Session) -> str:
        found = require_proposal(session, proposal)
        if document is not None:
            sent = require_submitted(session, document)
            item = attach_submitted(session, store, found, piece, sent, at=now(), actor=actor())
        else:
            item = attach_upload(
                session, store, found, piece, accepted=accepted, data=data, at=now(), actor=actor()
            )
        return f"{item['document']} ({item['file']['filename']}) vào hồ sơ tờ trình số {found.id}"

    console.print(f"[green]Đã bổ sung[/] {escape(_transaction(work))}.")


def reward_forward(
    proposal: Annotated[int, typer.Argument(help="Số của tờ trình")],
    forwarded_on: Annotated[
        dt.datetime | None,
        typer.Option("--on", formats=DATE_FORMATS, help="Ngày trình; mặc định hôm nay"),
    ] = None,
) -> None:
    """Trình hồ sơ lên cấp có thẩm quyền; từ chối khi còn thiếu thành phần (nêu từng thành phần)."""
    from models.calendar import default_calendar
    from models.services.dossier import forward_proposal
    from models.services.dossier_view import require_proposal

    day = forwarded_on.date() if forwarded_on else today()

    def work(session: Session) -> str:
        found = require_proposal(session, proposal)
        forward_proposal(
            session, found, forwarded_on=day, calendar=default_calendar(), at=now(), actor=actor()
        )
        return (
            f"tờ trình số {found.id} lên {found.authority.name} ngày {vn_date(day)}; "
            f"hạn quyết định {vn_date(found.decision_due_on)}"
        )

    console.print(f"[green]Đã trình[/] {escape(_transaction(work))}.")


def reward_dossier(
    proposal: Proposal,
    out: Annotated[Path, typer.Option("--out", "-o", help="Tệp .zip cần ghi")],
    pdf: Annotated[
        bool, typer.Option("--pdf/--no-pdf", help="Kèm bản PDF (khi có LibreOffice)")
    ] = True,
) -> None:
    """Đóng gói hồ sơ một tờ trình (.zip): mọi thành phần đã có và mục lục hồ sơ."""
    from models.services.access import documents_store
    from models.services.dossier_documents import dossier_archive
    from models.services.dossier_view import require_proposal

    def work(session: Session) -> bytes:
        found = require_proposal(session, proposal)
        archive: bytes = dossier_archive(
            session, found, documents_store(), pdf=pdf, at=now(), actor=actor()
        )
        return archive

    data = _transaction(work)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    console.print(f"[green]Đã ghi[/] hồ sơ tờ trình số {proposal} ra {escape(str(out))}.")


def reward_report_template(
    proposal: Proposal,
    out: Annotated[Path, typer.Option("--out", "-o", help="Tệp .docx cần ghi")],
) -> None:
    """Mẫu báo cáo thành tích đã điền sẵn cho điển hình của tờ trình, để đơn vị hoàn thiện."""
    from models.services.dossier_documents import achievement_report
    from models.services.dossier_view import require_proposal

    def work(session: Session) -> bytes:
        found = require_proposal(session, proposal)
        return achievement_report(session, found.candidate, found.form, on=today()).docx

    data = _transaction(work)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    console.print(f"[green]Đã ghi[/] mẫu báo cáo thành tích ra {escape(str(out))}.")
