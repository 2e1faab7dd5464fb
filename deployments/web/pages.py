"""Rendering pages: one jinja2 environment (autoescaped), Vietnamese dates, the error page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from models.clock import TIMEZONE
from models.text import vn_date, vn_number

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.autoescape = True  # every template, whatever its name: data is text, never markup


def vn_datetime(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(TIMEZONE).strftime("%H:%M %d/%m/%Y")


ACTION_LABELS = {
    "obligation.submitted": "Đã nộp",
    "obligation.accepted": "Tiếp nhận",
    "obligation.returned": "Trả lại",
    "obligation.waived": "Miễn",
    "obligation.overdue": "Chuyển quá hạn",
    "obligation.open": "Mở lại",
    "document.uploaded": "Gửi văn bản",
    "link.revoked": "Thu hồi liên kết",
}


def action_label(action: str) -> str:
    """An audit action as coordinators read it; unknown codes are shown as they are."""
    return ACTION_LABELS.get(action, action)


templates.env.filters["action_label"] = action_label
templates.env.filters["vn_date"] = vn_date
templates.env.filters["vn_datetime"] = vn_datetime
templates.env.filters["vn_number"] = vn_number


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def error_page(
    request: Request, title: str, message: str, status: int, *, contact: str = ""
) -> HTMLResponse:
    """A message page; contact names whom to ask, when the page knows (a known link)."""
    return page(
        request,
        "message.html",
        status,
        title=title,
        message=message,
        ok=status < 400,
        contact=contact,
    )


STYLESHEET = (Path(__file__).resolve().parent / "site.css").read_text(encoding="utf-8")
