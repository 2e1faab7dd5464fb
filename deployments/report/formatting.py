"""How the report writes numbers, dates, periods and chain steps: the Vietnamese way, and never
raising on data it does not know (a report must still be written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}


def vn_number(value: int | float) -> str:
    """12345 → '12.345': Vietnamese group thousands with dots (and write decimals with a comma)."""
    if isinstance(value, float) and not value.is_integer():
        whole, _, frac = f"{value:,.1f}".partition(".")
        return whole.replace(",", ".") + "," + frac
    return f"{int(value):,}".replace(",", ".")


def vn_percent(part: int, whole: int) -> str:
    """'82,5 %' (Vietnamese decimal comma), or an em dash when there is nothing to divide by."""
    if whole <= 0:
        return "—"
    return f"{100 * part / whole:.1f}".replace(".", ",") + " %"


def parse_day(value: Any) -> dt.date | None:
    """Summary dates arrive as ISO strings (JSON-friendly); accept dates too, and None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def vn_date(value: Any) -> str:
    """dd/mm/yyyy, the way every Vietnamese document writes dates; an em dash when unknown."""
    day = parse_day(value)
    return day.strftime("%d/%m/%Y") if day else "—"


def occurrence_label(key: str | None) -> str:
    """'2023' → 'năm 2023', '2024-Q1' → 'quý I/2024', '2024-05' → 'tháng 5/2024', 'once' → ''.

    Mirrors `models.phrases.occurrence_label` but never raises: a report must still be written
    when a new kind of occurrence key turns up (it is then shown as is)."""
    if not key or key == "once":
        return ""
    year, _, rest = key.partition("-")
    if not rest:
        return f"năm {year}" if year.isdigit() else key
    if rest.startswith("Q") and rest[1:] in ROMAN:
        return f"quý {ROMAN[rest[1:]]}/{year}"
    if rest in ("H1", "H2"):
        return f"6 tháng {'đầu' if rest == 'H1' else 'cuối'} năm {year}"
    if rest.isdigit():
        return f"tháng {int(rest)}/{year}"
    return key


def truncate(text: str, limit: int) -> str:
    """Shorten a label to fit a chart's label column; the full text stays in a tooltip."""
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:-–") + "…"


def as_int(mapping: Mapping[str, Any] | None, key: str) -> int:
    """A count from the summary, 0 when missing: optional keys must not break the report."""
    if not mapping:
        return 0
    value = mapping.get(key)
    return int(value) if isinstance(value, int | float) else 0


def section(summary: Mapping[str, Any], key: str) -> dict[str, Any]:
    """A nested part of the summary ('emails', 'obligations', …), empty when missing."""
    value = summary.get(key)
    return dict(value) if isinstance(value, Mapping) else {}
