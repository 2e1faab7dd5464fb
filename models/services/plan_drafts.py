"""Drafts of plan files made on the coordinator's page (issue 24), and saving them.

Drafting itself is pure (models.plan_draft); this service gives it the directory the database
holds, and saves a corrected draft as a plan file under the data directory, checked first
(the plan format, its references) and audited. A saved draft is not loaded: `tdkt plan check`
lists what it still leaves undecided, and `tdkt plan load` refuses it until that is filled.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm.directory import Unit as UnitRow
from models.plan_decisions import undecided
from models.plan_draft.duties import Unit
from models.plan_files import plan_from_source
from models.services.audit import record
from models.source import parse_yaml

MAX_DRAFT_CHARS = 400_000
"""Longest YAML saved: the longest plan file is ~60 KB."""


@dataclass(frozen=True)
class SavedDraft:
    path: Path
    plan_id: str
    pending: list[str]
    """What the coordinator must still decide, in Vietnamese (empty: the plan can be loaded)."""


def directory_units(session: Session) -> list[Unit]:
    """The directory as drafting matches names against it."""
    rows = session.scalars(select(UnitRow).order_by(UnitRow.code)).all()
    return [
        Unit(row.code, row.name, row.kind, row.parent.code if row.parent else None) for row in rows
    ]


def drafts_folder() -> Path:
    """Where saved drafts go: plan-drafts/ under the data directory (TDKT_DATA_DIR)."""
    return Path(os.environ.get("TDKT_DATA_DIR", ".tdkt")).expanduser().resolve() / "plan-drafts"


def save_draft(
    session: Session, text: str, *, at: dt.datetime, actor: str, folder: Path | None = None
) -> SavedDraft:
    """Check and save a draft's YAML as <plan id>.yaml; InputErrors (with lines) if it is not
    a plan file, ValueError if it is too long."""
    if len(text) > MAX_DRAFT_CHARS:
        raise ValueError(f"bản nháp quá dài (tối đa {MAX_DRAFT_CHARS:,} ký tự)".replace(",", "."))
    source = parse_yaml(text, "ban-nhap.yaml")
    plan = plan_from_source(source)
    target = (folder or drafts_folder()) / f"{plan.id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    record(session, at=at, actor=actor, action="plan.draft_saved", entity="plan", reason=plan.id)
    pending = [str(source.error(loc, message)) for loc, message in undecided(plan)]
    return SavedDraft(target, plan.id, pending)
