"""`tdkt document ...`: administrative documents as .docx (and PDF) files (issue 23).

- `document escalation-letter CAMPAIGN UNIT`: the công văn đôn đốc a unit's escalation would
  carry on a day, as a preview (it takes no number: the sweep numbers the one it sends);
- `document decision --proposal N` / `--to-trinh 12/TTr-SNV`: the draft quyết định khen thưởng;
- `document register ISSUER`: the register of numbers an issuer has given (sổ đăng ký văn bản
  đi), by year.

Each writes its .docx (-o, default: the document's own name in the current folder) and, with
--pdf, a PDF beside it printed by LibreOffice. Other document commands are added to `app` by
their own modules (one line each, below).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from deployments.cli.common import console, shown
from models.administrative import GeneratedDocument
from models.source import InputError, InputErrors

app = typer.Typer(
    help="Văn bản hành chính: công văn, quyết định, biên bản, giấy mời, trích lục, sổ đăng ký; "
    "văn bản đã nộp và chữ ký số.",
    no_args_is_help=True,
)

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
AsOf = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=DATE_FORMATS, help="Ngày của văn bản (mặc định: hôm nay)"),
]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Tệp .docx sẽ ghi (mặc định: tên của văn bản)"),
]
Pdf = Annotated[bool, typer.Option("--pdf", help="Ghi thêm bản PDF (cần LibreOffice)")]


def _refused(where: str, message: str) -> InputErrors:
    return InputErrors([InputError(where, None, "", message)])


def _day(as_of: dt.datetime | None) -> dt.date:
    from models.clock import now

    return as_of.date() if as_of else now().date()


def write_document(document: GeneratedDocument, output: Path | None, pdf: bool) -> None:
    """Write the .docx (and its PDF) and say where, in Vietnamese."""
    from models.os_errors import os_error
    from notifications.documents import OfficeError, to_pdf

    target = output or Path(document.filename)
    if target.suffix.lower() != ".docx":
        raise _refused(str(target), "tệp văn bản phải có đuôi .docx")
    written = [target]
    try:
        target.write_bytes(document.docx)
        if pdf:
            (printed,) = to_pdf([document.docx])
            target.with_suffix(".pdf").write_bytes(printed)
            written.append(target.with_suffix(".pdf"))
    except OSError as error:
        raise _refused(str(target), f"không ghi được tệp ({os_error(error)})") from None
    except OfficeError as error:
        raise _refused("--pdf", str(error)) from None
    number = f" số {document.number}" if document.number else " (chưa lấy số)"
    files = " và ".join(f"[bold]{shown(p)}[/]" for p in written)
    console.print(f"Đã ghi {document.kind.title.lower()}{shown(number)} vào {files}.")


@app.command("escalation-letter")
def escalation_letter(
    campaign: Annotated[str, typer.Argument(help="Id của kế hoạch, ví dụ quang-binh-2021-2025")],
    unit: Annotated[str, typer.Argument(help="Mã đơn vị quá hạn, ví dụ QB.SYT")],
    as_of: AsOf = None,
    output: Output = None,
    pdf: Pdf = False,
) -> None:
    """Xem trước công văn đôn đốc gửi một đơn vị quá hạn (không lấy số)."""
    from models.calendar import default_calendar
    from models.clock import now
    from models.db import unit_of_work
    from models.services.escalation_documents import escalation_letter as letter
    from models.services.escalation_documents import preview_content
    from models.services.lookup import require_campaign, require_unit

    day = _day(as_of)
    calendar = default_calendar()
    with unit_of_work() as session:
        found = require_campaign(session, campaign)
        overdue = require_unit(session, unit)
        content = preview_content(session, found, overdue, day, calendar)
        if not content.items:
            raise _refused(unit, f"đơn vị không có việc quá hạn tính đến {day:%d/%m/%Y}")
        writer = found.standing_body.acting()
        document = letter(
            session, writer, content, calendar, at=now(), actor="preview", register=False
        )
    write_document(document, output, pdf)


@app.command("decision")
def decision(
    proposal: Annotated[
        int | None, typer.Option("--proposal", help="Số của đề nghị khen thưởng")
    ] = None,
    to_trinh: Annotated[
        str | None, typer.Option("--to-trinh", help="Số tờ trình, ví dụ 12/TTr-SNV: mọi đề nghị")
    ] = None,
    as_of: AsOf = None,
    output: Output = None,
    pdf: Pdf = False,
) -> None:
    """Lập dự thảo quyết định khen thưởng (để trống số cho văn thư)."""
    from models.db import unit_of_work
    from models.services.decision_documents import DraftRefused, draft_decision

    if (proposal is None) == (to_trinh is None):
        raise _refused("--proposal", "cần đúng một trong hai: --proposal N hoặc --to-trinh SỐ")
    with unit_of_work() as session:
        try:
            document = draft_decision(
                session, on=_day(as_of), proposal_id=proposal, number=to_trinh
            )
        except DraftRefused as error:
            raise _refused("--to-trinh", str(error)) from None
    write_document(document, output, pdf)


@app.command("register")
def register(
    issuer: Annotated[str, typer.Argument(help="Ký hiệu cơ quan ban hành, ví dụ SNV")],
    year: Annotated[int | None, typer.Option("--year", help="Năm (mặc định: mọi năm)")] = None,
) -> None:
    """Sổ đăng ký văn bản đi của một cơ quan: số, ngày, loại, trích yếu."""
    from models.administrative import DocumentKind
    from models.db import unit_of_work
    from models.services.document_register import issuers, register_entries
    from models.services.lookup import unknown

    with unit_of_work() as session:
        if issuer not in issuers(session):
            raise unknown("cơ quan ban hành", issuer, issuers(session), " trong sổ đăng ký")
        entries = register_entries(session, issuer=issuer, year=year)
        table = Table(title=f"Sổ đăng ký văn bản đi — {issuer}")
        for heading in ("Số", "Ngày", "Loại", "Trích yếu"):
            table.add_column(heading)
        for entry in entries:
            table.add_row(
                shown(entry.reference),
                f"{entry.issued_on:%d/%m/%Y}",
                DocumentKind.from_code(entry.kind).title,
                shown(entry.subject),
            )
    console.print(table)
    console.print(f"{len(entries)} văn bản.")
