"""`tdkt deadline` and `tdkt calendar`: reading deadline phrases and listing days off."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.table import Table

from deployments.cli.common import FIRST_YEAR, LAST_YEAR, console
from models.calendar import default_calendar
from models.phrases import PhraseError, parse_phrase
from models.text import vn_date, vn_moved, vn_weekday


def deadline(
    phrase: Annotated[str, typer.Argument(help="Cụm từ thời hạn, ví dụ 'Quý II năm 2023'")],
    year: Annotated[int | None, typer.Option(help="Năm áp dụng khi cụm từ không ghi năm")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON")] = False,
    issued: Annotated[
        str | None,
        typer.Option(
            help="Ngày ban hành văn bản (YYYY-MM-DD), cho cụm từ 'từ nay', 'kể từ ngày ký', "
            "'năm sau'"
        ),
    ] = None,
) -> None:
    """Đọc một cụm từ thời hạn tiếng Việt thành ngày, nêu rõ quy tắc đã dùng."""
    cal = default_calendar()
    result = parse_phrase(
        phrase,
        year=year,
        issued=_issued_date(issued),
        add_working_days=cal.add_working_days,
    )
    out: dict[str, Any] = {
        "phrase": phrase,
        "kind": result.kind,
        "start": _iso(result.start),
        "due": _iso(result.due),
        "effective_due": _iso(cal.effective_due(result.due) if result.due else None),
        "dates": None,
        "rule": result.rule,
        "rule_text": result.rule_text,
    }
    if result.kind == "recurring":
        out["frequencies"] = [r.frequency for r in result.recurrences]
        if year is not None:
            occ = result.occurrences(year)
            out["dates"] = [o.due.isoformat() for o in occ]
            # An occasion ("vào dịp 19/5") is the day of the event: never moved (BLDS art. 148
            # shifts the last day of a period, which an occasion is not).
            out["effective_dates"] = [
                (o.due if result.occasion else cal.effective_due(o.due)).isoformat() for o in occ
            ]
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    kinds = {"date": "ngày", "window": "khoảng thời gian", "recurring": "định kỳ"}
    console.print(f"[bold]{phrase}[/]  →  {kinds[result.kind]}")
    if result.start:
        console.print(f"  Từ ngày:        {vn_date(result.start)}")
    if result.due:
        console.print(f"  Hạn (như ghi):  {vn_date(result.due)} ({vn_weekday(result.due)})")
        effective = cal.effective_due(result.due)
        if effective != result.due:
            console.print(
                f"  Hạn thực tế:    {vn_moved(result.due, effective)} — {vn_date(result.due)} "
                f"là ngày nghỉ ({cal.day_off_reason(result.due)}), theo Điều 148 BLDS 2015"
            )
    if result.kind == "recurring":
        if year is None:
            console.print("  Dùng --year để xem các ngày đến hạn trong một năm.")
        else:
            dates = ", ".join(vn_date(o.due) for o in result.occurrences(year))
            console.print(f"  Năm {year}:       {dates}")
    console.print(f"  Quy tắc:        {result.rule} — {result.rule_text}")


def _issued_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise PhraseError(f"--issued '{text}': ngày phải viết dạng YYYY-MM-DD") from None


def calendar(
    year: Annotated[int, typer.Argument(min=FIRST_YEAR, max=LAST_YEAR, help="Năm")],
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON")] = False,
    weekends: Annotated[bool, typer.Option(help="Liệt kê cả thứ Bảy, Chủ nhật")] = False,
) -> None:
    """Liệt kê ngày nghỉ lễ, Tết, nghỉ bù và ngày làm bù của một năm."""
    cal = default_calendar()
    days_off = cal.days_off(year, include_weekends=weekends)
    make_up = cal.make_up_days(year)
    if as_json:
        print(
            json.dumps(
                {
                    "year": year,
                    "days_off": [{"date": d.isoformat(), "name": n} for d, n in days_off],
                    "make_up_days": [{"date": d.isoformat(), "name": n} for d, n in make_up],
                },
                ensure_ascii=False,
            )
        )
        return
    table = Table(title=f"Ngày nghỉ năm {year}", title_justify="left")
    table.add_column("Ngày")
    table.add_column("Thứ")
    table.add_column("Lý do")
    for day, name in days_off:
        table.add_row(vn_date(day), vn_weekday(day), name)
    for day, name in make_up:
        table.add_row(vn_date(day), vn_weekday(day), f"[green]{name} (đi làm)[/]")
    console.print(table)
    console.print(
        "Thứ Bảy và Chủ nhật là ngày nghỉ hằng tuần"
        + (" (đã liệt kê ở trên)." if weekends else "; dùng --weekends để liệt kê.")
    )


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None
