"""`tdkt plan draft`: a draft plan file from the plan's text (.txt, .docx, .pdf)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from deployments.cli.common import console, err, shown
from models.source import InputError, InputErrors


def gaps(text: str) -> int:
    """How many values of the YAML are CAN-DIEN (comments and the banner not counted)."""
    return len(re.findall(r"^[^#\n]*(?::|-)\s+CAN-DIEN\b", text, re.MULTILINE))


def draft(
    document: Annotated[
        Path, typer.Argument(help="Văn bản kế hoạch (.txt, .docx, .pdf có lớp chữ)")
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Ghi bản nháp ra tệp .yaml")
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option(help="Danh bạ đơn vị (.yaml) để đối chiếu tên cơ quan trong văn bản"),
    ] = None,
) -> None:
    """Lập bản nháp tệp kế hoạch từ văn bản: phần, mục, thời hạn, ai thực hiện, gửi đến, chỉ
    tiêu, lĩnh vực. Chỗ văn bản không ghi để trống hoặc CAN-DIEN; tdkt plan check liệt kê."""
    from models.directory import read_directory
    from models.os_errors import os_error
    from models.plan_draft.draft import draft_plan
    from models.plan_draft.duties import directory_units
    from models.plan_draft.source_text import TextRefused, read_document

    try:
        text = read_document(document)
    except TextRefused as error:
        raise InputErrors([InputError(str(document), None, "", str(error))]) from None
    units = directory_units(read_directory(directory)) if directory is not None else []
    result = draft_plan(text, source=document.name, units=units)
    dated = sum(1 for m in result.milestones if m.phrase)
    summary = (
        f"Bản nháp: {len(result.milestones)} mốc ({dated} có thời hạn trong văn bản), "
        f"{len(result.quotas)} chỉ tiêu, {len(result.fields)} lĩnh vực; còn "
        f"{gaps(result.yaml)} chỗ CAN-DIEN phải điền."
    )
    if output is None:
        print(result.yaml, end="")
        err.print(summary)
        return
    try:
        output.write_text(result.yaml, encoding="utf-8")
    except OSError as error:
        message = f"không ghi được tệp ({os_error(error)})"
        raise InputErrors([InputError(str(output), None, "", message)]) from None
    console.print(f"Đã ghi {shown(output)}. {summary}")
    console.print(f"Xem lại từng dòng, điền chỗ trống, rồi: tdkt plan check {shown(output)}")
