"""Run names that say what, when and for whom: flow runs in Vietnamese (the dashboard's lists
render it), task runs in Vietnamese without diacritics (the run graph cannot, see graph_name)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable

from prefect.runtime import flow_run, task_run

from models.clock import TIMEZONE


def _as_of() -> str:
    value = flow_run.parameters.get("as_of")
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(TIMEZONE).strftime("%d/%m/%Y")
    return "hôm nay"


def _for_whom() -> str:
    campaigns = flow_run.parameters.get("campaigns") or flow_run.parameters.get("campaign")
    if not campaigns:
        return "mọi kế hoạch"
    return campaigns if isinstance(campaigns, str) else ", ".join(campaigns)


def sweep_name() -> str:
    return f"quét hằng ngày {_as_of()} · {_for_whom()}"


def review_name() -> str:
    review = "sơ kết" if flow_run.parameters.get("review") == "midterm" else "tổng kết"
    return f"thu báo cáo {review} {_as_of()} · {_for_whom()}"


def yearly_name() -> str:
    return f"chu kỳ năm {flow_run.parameters.get('year') or ''} · {_as_of()}".strip()


def lifecycle_name(stage: str) -> Callable[[], str]:
    """A run-name function for one lifecycle stage: 'xét tiêu chuẩn 01/12/2023 · quang-binh...'."""

    def name() -> str:
        return f"{stage} {_as_of()} · {_for_whom()}"

    return name


def ascii_fold(text: str) -> str:
    """'báo cáo đôn đốc' -> 'bao cao don doc': Vietnamese without its diacritics.

    The run graph draws task names from an ASCII sprite sheet (PrefectHQ/prefect#9764), so an
    accented letter vanishes ("bo co…"); decomposed, the marks drop and the base letter stays.
    đ/Đ have no decomposition and are mapped by hand; anything else outside ASCII becomes '?'.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return bare.encode("ascii", "replace").decode("ascii")


def graph_name(template: str) -> Callable[[], str]:
    """A task-run name function: `template` (Vietnamese, formatted with the task's parameters
    as Prefect formats a task_run_name string) folded to ASCII so the run graph shows it."""

    def name() -> str:
        return ascii_fold(template.format(**task_run.parameters))

    return name
