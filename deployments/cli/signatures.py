"""`tdkt document list | verify | trust`: submitted documents and their digital signatures.

`list` shows each document with who signed it and the verdict; `verify` checks the stored PDFs
again after the ops change the trust store (TDKT_TRUST_STORE, or --trust-store); `trust` shows
what the trust store holds, so the ops can see their CA files were read (docs/signatures.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from deployments.cli.common import console, shown
from models.clock import now

if TYPE_CHECKING:
    from models.trust_store import TrustStore

Campaign_ = Annotated[
    str | None, typer.Option("--campaign", help="Id của kế hoạch; bỏ trống: mọi kế hoạch")
]
TrustStore_ = Annotated[
    Path | None,
    typer.Option(
        "--trust-store",
        file_okay=False,
        help="Thư mục chứng thư số của các tổ chức chứng thực được tin cậy; mặc định "
        "TDKT_TRUST_STORE",
    ),
]


def document_list(campaign: Campaign_ = None) -> None:
    """Liệt kê văn bản đơn vị đã nộp, kèm người ký số và kết quả kiểm tra chữ ký."""
    from models.db import unit_of_work
    from models.services.lookup import require_campaign
    from models.services.signature_checks import documents_in
    from models.services.submissions import signature_lines

    with unit_of_work() as session:
        found = require_campaign(session, campaign) if campaign else None
        rows = [
            (
                str(d.id),
                shown(d.filename),
                f"{shown(d.obligation.unit.name)} ({shown(d.obligation.unit.code)})",
                shown(d.obligation.milestone.code),
                d.uploaded_at.strftime("%d/%m/%Y %H:%M"),
                "\n".join(shown(line) for line in signature_lines(d)),
            )
            for d in documents_in(session, found)
        ]
    if not rows:
        console.print("Chưa có văn bản nào được nộp.")
        return
    table = Table(title="Văn bản đã nộp", title_justify="left")
    for column in ("#", "Tệp", "Đơn vị", "Mốc", "Nộp lúc", "Chữ ký số"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"Tổng cộng {len(rows)} văn bản.")


def document_verify(campaign: Campaign_ = None, trust_store: TrustStore_ = None) -> None:
    """Kiểm tra lại chữ ký số của các văn bản PDF đã lưu (sau khi thay đổi kho tin cậy)."""
    from models.db import unit_of_work
    from models.pdf_signatures import SignatureStatus
    from models.services.access import IntakeSettings
    from models.services.lookup import require_campaign
    from models.services.signature_checks import documents_in, recheck
    from models.trust_store import load_trust_store

    settings = IntakeSettings.from_env()
    trust = load_trust_store(trust_store or settings.trust_store)
    _report_store(trust, brief=True)
    with unit_of_work() as session:
        found = require_campaign(session, campaign) if campaign else None
        result = recheck(
            session,
            documents_in(session, found),
            settings.documents,
            trust,
            at=now(),
            max_bytes=settings.max_upload_bytes,
        )
        changes = [
            (c.document.id, shown(c.document.filename), c.before, c.after) for c in result.changed
        ]
        missing = [(d.id, shown(d.filename)) for d in result.missing]

    def label(status: str | None) -> str:
        return SignatureStatus(status).label if status else "chưa kiểm tra"

    console.print(f"Đã kiểm tra lại {result.checked} văn bản PDF; {len(changes)} thay đổi kết quả.")
    for document_id, filename, before, after in changes:
        console.print(f"  • #{document_id} {filename}: {label(before)} → {label(after)}")
    for document_id, filename in missing:
        console.print(f"  [red]• #{document_id} {filename}: không tìm thấy tệp trong kho lưu[/]")


def document_trust(trust_store: TrustStore_ = None) -> None:
    """Cho biết kho tin cậy (thư mục chứng thư số gốc) đang có những tổ chức chứng thực nào."""
    from models.services.access import IntakeSettings
    from models.trust_store import load_trust_store

    folder = trust_store or IntakeSettings.from_env().trust_store
    _report_store(load_trust_store(folder), brief=False)


def _report_store(trust: TrustStore, *, brief: bool) -> None:
    """Where the trust store is and how many CAs it holds; every file it skipped, and why."""
    from models.trust_store import ENV

    if trust.folder is None:
        console.print(
            f"[yellow]Chưa cấu hình kho tin cậy[/] ({ENV}): mọi chữ ký số sẽ là “không tin cậy”. "
            "Xem docs/signatures.md."
        )
    elif not trust.folder.is_dir():
        console.print(f"[red]Lỗi:[/] không có thư mục kho tin cậy {shown(str(trust.folder))}.")
        raise typer.Exit(1)  # checking against a store that is not there is an ops' slip
    else:
        console.print(
            f"Kho tin cậy {shown(str(trust.folder))}: {len(trust.certificates)} chứng thư số."
        )
    if not brief:
        for name in trust.names():
            console.print(f"  • {shown(name)}")
    for problem in trust.skipped:
        console.print(f"  [yellow]• bỏ qua {shown(problem)}[/]")
