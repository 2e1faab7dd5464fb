"""Flow-run names that say what, when and for whom, in Vietnamese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from prefect.runtime import flow_run

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
