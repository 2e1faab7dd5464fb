"""What the recognition steps share: closed-set input, one-line and Markdown-safe text, the
templates, the exemplar as templates print it, and the stage moves the steps may make."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from sqlalchemy.orm import Session

from models.lifecycle import TRANSITIONS, CandidateStage
from models.orm import Campaign, Candidate, Contact, Unit
from models.recognition import (
    CeremonyKind,
    Channel,
    ProposalStatus,
    RecognitionError,
    RewardForm,
)
from models.services.candidates import Move, move, move_all
from models.text import vn_date
from models.vocabulary import ContactRole

TEMPLATES = Path(__file__).resolve().parents[2] / "deployments" / "templates"

S = CandidateStage
EXEMPLAR = (S.SELECTED, S.PUBLICISED, S.HONOURED, S.REWARDED)
"""Stages of an exemplar of this campaign that can still be publicised, honoured, rewarded."""
ON_HONOUR_PAGE = (*EXEMPLAR, S.PROMOTED)
"""Selected onward: a promoted exemplar was this campaign's exemplar too."""

E = TypeVar("E", CeremonyKind, RewardForm, Channel, ProposalStatus)


def parse(kind: type[E], value: str | E, what: str) -> E:
    """A closed-set value from user input, or a RecognitionError listing the values allowed."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(f"{m.value} ({m.label})" for m in kind)
        raise RecognitionError(f"{what} '{value}' không hợp lệ; chỉ nhận: {allowed}") from None


# --- text -------------------------------------------------------------------------------------


def one_line(value: str) -> str:
    """Collapse whitespace, so a name cannot break a line of a text or a CSV cell."""
    return " ".join(value.split())


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def md_escape(value: str) -> str:
    """Backslash-escape what Markdown would read as markup or raw HTML ("<script>" included)."""
    return _MD_SPECIAL.sub(r"\\\1", value)


@functools.cache
def environment() -> jinja2.Environment:
    """Templates of deployments/templates; HTML autoescaped, text and Markdown as written."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=False, default=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


def render(template: str, **context: Any) -> str:
    """A template of deployments/templates filled with `context` (values only, never markup)."""
    return environment().get_template(template).render(context)


def plan_citation(campaign: Campaign) -> str:
    """'Kế hoạch số 1837/KH-UBND ngày 04/10/2022 của Ủy ban nhân dân tỉnh Quảng Bình'."""
    number = (
        f"số {one_line(campaign.document_number)}" if campaign.document_number else "(không số)"
    )
    date = f" ngày {vn_date(campaign.document_date)}" if campaign.document_date else ""
    return f"Kế hoạch {number}{date} của {one_line(campaign.issuer.name)}"


@dataclass(frozen=True)
class ExemplarView:
    """One exemplar as every template prints it: display strings only."""

    id: int
    name: str
    subject: str  # "Tập thể"
    subject_lower: str  # "tập thể"
    unit: str
    field: str
    description: str
    year: int
    stage: str
    campaign_title: str
    plan: str
    issuer: str
    standing_body: str


def exemplar_view(candidate: Candidate) -> ExemplarView:
    """The display strings of one exemplar, so templates only lay text out."""
    campaign = candidate.campaign
    label = candidate.subject.label
    return ExemplarView(
        id=candidate.id,
        name=one_line(candidate.name),
        subject=label,
        subject_lower=label.lower(),
        unit=one_line(candidate.registered_by.name),
        field=one_line(candidate.field.name) if candidate.field else "",
        description=(candidate.description or "").strip(),
        year=candidate.year,
        stage=candidate.stage.label,
        campaign_title=one_line(campaign.title),
        plan=plan_citation(campaign),
        issuer=one_line(campaign.issuer.name),
        standing_body=one_line(campaign.standing_body.name),
    )


def contact_of(unit: Unit, role: ContactRole) -> Contact | None:
    """The unit's first contact in that role (the head who receives an invitation...)."""
    return next(iter(unit.contacts_with(role)), None)


def require_exemplar(candidate: Candidate, doing: str) -> None:
    """Refuse (in Vietnamese) a step that only an exemplar of the campaign may take."""
    if candidate.stage not in EXEMPLAR:
        raise RecognitionError(
            f"'{candidate.name}' đang ở bước '{candidate.stage.label}': chỉ điển hình đã được "
            f"bình chọn mới được {doing}"
        )


def move_if_allowed(
    session: Session,
    candidate: Candidate,
    target: CandidateStage,
    *,
    at: dt.datetime,
    actor: str,
    reason: str,
) -> bool:
    """Move when the process allows it from here; a promoted or withdrawn exemplar stays put."""
    if not _could_move(candidate, target):
        return False
    move(session, candidate, target, at=at, actor=actor, reason=reason)
    return True


def move_all_allowed(
    session: Session,
    candidates: Iterable[Candidate],
    target: CandidateStage,
    *,
    at: dt.datetime,
    actor: str,
    reason: str,
) -> list[Candidate]:
    """move_if_allowed for many at once (candidates.move_all: one UPDATE); those moved."""
    movable = [c for c in candidates if _could_move(c, target)]
    move_all(session, movable, target, at=at, actor=actor, reason=reason)
    return movable


def allowed(moves: Iterable[Move]) -> list[Move]:
    """The moves the process allows from where each candidate stands (move_if_allowed's
    test): a promoted or withdrawn exemplar stays put."""
    return [m for m in moves if _could_move(m.candidate, m.target)]


def _could_move(candidate: Candidate, target: CandidateStage) -> bool:
    return candidate.stage != target and target in TRANSITIONS[candidate.stage]
