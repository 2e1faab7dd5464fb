"""What `tdkt plan instantiate` says it did: in Vietnamese, for the coordinator who finishes
the draft (what moved, what to look at, what to date, what to fill)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console

from deployments.cli.common import shown
from models.plan_instantiation import Instantiation

_ALIGNED = {
    "start": "năm đầu giai đoạn cũ ứng với năm đầu giai đoạn mới",
    "end": "năm cuối giai đoạn cũ ứng với năm cuối giai đoạn mới",
}

_KINDS = {
    "id": "mã mốc",
    "period": "giai đoạn",
    "year": "năm",
    "ordinal": "lần tổ chức",
    "anniversary": "năm kỷ niệm",
}


def print_instantiation(result: Instantiation, out: Console) -> None:
    """The report of one instantiation, grouped so that a long plan stays readable."""
    out.print(
        f"Dự thảo kế hoạch [bold]{shown(result.plan_id)}[/] (giai đoạn {result.period}) tạo từ "
        f"{shown(result.source_id)} (giai đoạn {result.source_period}); các năm dời "
        f"{result.offset:+d} năm ({_ALIGNED[result.align]})."
    )
    if result.deadlines:
        out.print(f"[bold]Thời hạn đã dời[/] ({len(result.deadlines)}):")
        for d in result.deadlines:
            out.print(f"  • {shown(d.milestone)}: “{shown(d.before)}” → “{shown(d.after)}”")
    if result.recurring:
        out.print(
            f"[bold]Việc định kỳ chạy theo các năm mới[/] ({len(result.recurring)}): "
            + ", ".join(shown(r) for r in result.recurring)
        )
    if result.changes:
        counts = Counter((c.kind, c.before, c.after) for c in result.changes)
        out.print(
            f"[bold]Đã dời trong lời văn[/] (tên, trích dẫn, tiêu chí: {len(result.changes)} chỗ):"
        )
        for (kind, before, after), n in sorted(counts.items(), key=lambda i: (i[0][0], i[0][1])):
            out.print(
                f"  • {_KINDS.get(kind, kind)}: “{shown(before)}” → “{shown(after)}” ({n} chỗ)"
            )
    if result.flags:
        out.print(f"[bold yellow]⚠ Cần xem lại[/] ({len(result.flags)}):")
        for f in result.flags:
            out.print(f"  [yellow]•[/] {shown(f.where)}: “{shown(f.text)}”: {shown(f.reason)}")
    if result.to_date:
        out.print(
            f"[bold yellow]⚠ Điều phối viên cần ấn định thời hạn[/] ({len(result.to_date)} mốc, "
            "trường set_date):"
        )
        for t in result.to_date:
            before = f" (trước là “{shown(t.before)}”)" if t.before else ""
            out.print(
                f"  [yellow]•[/] {shown(t.milestone)}: {shown(t.title)}{before}: {shown(t.reason)}"
            )
    if result.to_fill:
        out.print(
            "[bold yellow]⚠ Bản dự thảo văn bản mới[/]: điền "
            + ", ".join(result.to_fill)
            + " trước khi nạp (tdkt plan load từ chối đến khi đủ; tdkt plan check liệt kê các mục"
            " còn thiếu)."
        )
