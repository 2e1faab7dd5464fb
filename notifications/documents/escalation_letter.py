"""The công văn đôn đốc: the letter an escalation email to a unit carries (issue 23).

An escalation email says in a few lines that something is overdue; the công văn says it as an
office does, in a document the unit files and forwards: numbered in the standing body's
register, "Kính gửi:" the overdue units, every overdue item named with its basis in the plan
and its due date, "đề nghị" them to send it by a date, signed by the standing body's head (or
its officer, by order), the officer in charge to contact. Which emails carry one, and the
number, are decided by models.services.escalation_documents; this module only says what the
letter says, from the email's content. Pure: no database, no files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.administrative import (
    DocumentKind,
    IssuingBody,
    Signer,
    TableSpec,
    about,
    header_context,
    paragraph,
    table_paragraph,
)
from models.text import vn_date
from notifications.content import DeadlineItem, EmailContent
from notifications.render import ItemView, one_line, view

TEMPLATE = "cong_van_don_doc"
UNIT_SYMBOL = "TĐKT"
"""The ký hiệu of the field the letter is about, after the body's: "Số: 07/SNV-TĐKT"."""
COLUMNS = ("TT", "Cơ quan, đơn vị", "Nội dung chưa hoàn thành", "Căn cứ", "Hạn", "Quá hạn")
WIDTHS_MM = (9.0, 30.0, 48.0, 33.0, 24.0, 19.0)


@dataclass(frozen=True)
class LetterFacts:
    """What the letter needs beyond the email: who writes and signs it, its number (None for
    a preview, printed blank) and the day by which the units are asked to send."""

    body: IssuingBody
    signer: Signer
    number: int | None
    respond_by: dt.date
    writer_name: str  # the standing body as it signs in a sentence: "Sở Nội vụ tỉnh Quảng Bình"
    officer: str  # "Cán bộ phụ trách: Võ Quang Toàn, điện thoại: …, email: …" or ""


def overdue_items(content: EmailContent) -> list[DeadlineItem]:
    """The items the letter is about: the units' overdue work (a council member's vote or a
    mentor's duty is a person's, chased by the email alone)."""
    return [i for i in content.items if i.step == "escalation" and i.actor == "unit"]


def addressees(items: Sequence[DeadlineItem]) -> list[str]:
    """The overdue units, each once, in the order met (the most overdue first)."""
    seen: list[str] = []
    for item in items:
        name = one_line(item.unit_name)
        if name and name not in seen:
            seen.append(name)
    return seen


def subject(content: EmailContent) -> str:
    """The trích yếu: "đôn đốc thực hiện các nội dung quá hạn theo Kế hoạch số 1837/KH-UBND"."""
    items = overdue_items(content)
    plan = items[0].plan if items else None
    number = f" số {one_line(plan.number)}" if plan and plan.number else ""
    return f"đôn đốc thực hiện các nội dung quá hạn theo Kế hoạch{number}"


def _basis(v: ItemView) -> str:
    said = [v.clause, f"“{v.phrase}”" if v.phrase else ""]
    return ": ".join(p for p in said if p) or "Kế hoạch"


def _row(number: int, v: ItemView) -> tuple[str, ...]:
    due = v.effective_due if not v.moved else f"{v.effective_due} (ghi {v.due})"
    return (str(number), v.unit_name, v.title, _basis(v), due, f"{v.overdue_days} ngày")


def letter_context(content: EmailContent, facts: LetterFacts) -> dict[str, Any]:
    """The letter's context (models.administrative.header_context and its body)."""
    items = overdue_items(content)
    views = [view(i, content.day) for i in items]
    units = addressees(items)
    recipient = one_line(content.recipient_unit)
    copies = ["Như trên"]
    if recipient and recipient not in units:
        copies.append(f"{recipient} (để chỉ đạo)")
    context = header_context(
        facts.body,
        DocumentKind.CONG_VAN,
        facts.number,
        content.day,
        subject(content),
        facts.signer,
        copies,
        unit_symbol=UNIT_SYMBOL,
        addressees=units,
        keep=f"Lưu: VT, {UNIT_SYMBOL}",
    )
    first = views[0] if views else None
    plan = f"{first.plan} {about(first.plan_title)}" if first else "kế hoạch thi đua, khen thưởng"
    writer = one_line(facts.writer_name)
    asked = "quý cơ quan" if len(units) == 1 else "các cơ quan, đơn vị"
    owed = sorted({v.owed_to for v in views if v.owed_to})
    send_to = f" về {', '.join(owed)}" if owed else ""
    rows = tuple(_row(n, v) for n, v in enumerate(views, start=1))
    body = [
        paragraph(
            f"Thực hiện {plan}; tính đến ngày {vn_date(content.day)}, {writer} nhận thấy "
            f"{asked} chưa hoàn thành {len(views)} nội dung dưới đây dù đã được nhắc hạn:"
        ),
        table_paragraph(TableSpec(COLUMNS, rows, WIDTHS_MM, font_pt=11)),
    ]
    if content.more_overdue:
        body.append(
            paragraph(
                f"Ngoài ra còn {content.more_overdue} nội dung quá hạn khác chưa nêu trong "
                "công văn này."
            )
        )
    body.append(
        paragraph(
            f"Để bảo đảm tiến độ thực hiện kế hoạch, {writer} đề nghị {asked} khẩn trương "
            f"hoàn thành và gửi{send_to} trước ngày {vn_date(facts.respond_by)}."
        )
    )
    officer = one_line(facts.officer)
    if officer:
        contact = officer.removeprefix("Cán bộ phụ trách: ")
        body.append(
            paragraph(f"Trong quá trình thực hiện, nếu có vướng mắc, xin liên hệ: {contact}./.")
        )
    else:
        body[-1]["text"] += "/."
    context["paragraphs"] = body
    return context
