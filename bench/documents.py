"""Document benchmark: what a sweep's công văn đôn đốc cost, rendered and printed to PDF.

Renders N letters (the escalation letter's template, each listing 5 overdue items) with docxtpl,
then prints them all to PDF in one LibreOffice run, as a sweep does, and one letter alone (the
start-up cost). Reports milliseconds per .docx, the batch's seconds and per letter, and the
sizes (what an email attachment weighs).

    .venv/bin/python -m bench.documents [--quick] [--json] [--letters N]
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from bench.common import arguments, machine, peak_rss_mib, report
from models.administrative import IssuingBody, Signer
from notifications.content import DeadlineItem, EmailContent, PlanRef
from notifications.documents import office_available, render_docx, to_pdf
from notifications.documents.escalation_letter import TEMPLATE, LetterFacts, letter_context

QUICK, FULL = 10, 100
DAY = dt.date(2024, 2, 5)
PLAN = PlanRef("Kế hoạch xây dựng và nhân rộng điển hình tiên tiến", "UBND tỉnh", "1/KH-UBND", DAY)


def _content(n: int) -> EmailContent:
    items = tuple(
        DeadlineItem(
            notification_key=f"k{n}-{i}",
            step="escalation",
            level=1,
            plan=PLAN,
            clause="IV.1",
            phrase="trước ngày 15 tháng 01 hằng năm",
            quote=None,
            milestone_title=f"Báo cáo kết quả số {i}",
            occurrence_label="năm 2023",
            unit_code=f"U{n}",
            unit_name=f"Sở số {n}",
            owed_to="Sở Nội vụ",
            due=DAY - dt.timedelta(days=10 + i),
            effective_due=DAY - dt.timedelta(days=10 + i),
            working_days_left=-(8 + i),
            uid=f"u{n}-{i}",
        )
        for i in range(5)
    )
    return EmailContent(
        f"bench/{n}", DAY, "Giám đốc", "a@b.example", f"Sở số {n}", "Sở Nội vụ", items
    )


def main() -> None:
    args = arguments(
        "Document benchmark: letters rendered with docxtpl, printed in one LibreOffice run.",
        letters=dict(type=int, help=f"letters (default {FULL}; quick {QUICK})"),
    )
    n = args.letters or (QUICK if args.quick else FULL)
    facts = LetterFacts(
        IssuingBody("UBND TỈNH QUẢNG BÌNH", "SỞ NỘI VỤ", "SNV", "Quảng Bình"),
        Signer("", "Giám đốc", "Bùi Hữu Hùng"),
        7,
        DAY + dt.timedelta(days=7),
        "Sở Nội vụ tỉnh Quảng Bình",
        "Cán bộ phụ trách: Võ Quang Toàn, email: a@b.example",
    )
    start = time.perf_counter()
    letters = [render_docx(TEMPLATE, letter_context(_content(i), facts)) for i in range(n)]
    render_s = time.perf_counter() - start
    result: dict[str, Any] = {
        "letters": n,
        "docx_ms_each": round(render_s / n * 1000, 1),
        "docx_bytes_avg": round(sum(map(len, letters)) / n),
        "office": office_available(),
    }
    if office_available():
        start = time.perf_counter()
        to_pdf(letters[:1], timeout=300)
        one_s = time.perf_counter() - start
        start = time.perf_counter()
        pdfs = to_pdf(letters, timeout=600)
        batch_s = time.perf_counter() - start
        result |= {
            "pdf_one_letter_s": round(one_s, 2),
            "pdf_batch_s": round(batch_s, 2),
            "pdf_ms_each_in_batch": round((batch_s - one_s) / max(n - 1, 1) * 1000, 1),
            "pdf_bytes_avg": round(sum(map(len, pdfs)) / n),
        }
    result |= {"peak_rss_mib": round(peak_rss_mib()), "machine": machine()}
    lines = [
        f"{n} letters: {result['docx_ms_each']} ms each to render ({result['docx_bytes_avg']} B)",
        *(
            [
                f"PDF: one letter {result['pdf_one_letter_s']} s (start-up included); "
                f"{n} in one run {result['pdf_batch_s']} s, "
                f"{result['pdf_ms_each_in_batch']} ms a further letter "
                f"({result['pdf_bytes_avg']} B each)"
            ]
            if office_available()
            else ["PDF: LibreOffice not installed"]
        ),
    ]
    report(result, lines, as_json=args.json)


if __name__ == "__main__":
    main()
