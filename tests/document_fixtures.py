"""Quảng Bình's directory and plan with exemplars proposed for commendation, for the document
tests (the draft decision, the CLI)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.db import unit_of_work
from models.lifecycle import CandidateStage
from models.orm import Campaign, Unit
from models.recognition import RewardForm
from models.services.candidates import move, register
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.services.rewards import propose_reward
from models.vocabulary import SubjectKind
from tests.conftest import QB_DIRECTORY, QB_PLAN

QB = "quang-binh-2021-2025"
AT = dt.datetime(2024, 4, 3, 9, 0, tzinfo=TIMEZONE)
TO_TRINH = "12/TTr-SNV"
EXEMPLARS = (
    ("Nguyễn Thị Hồng Nhung", SubjectKind.INDIVIDUAL, "QB.SYT"),
    (
        "Khoa Hồi sức tích cực, Bệnh viện Hữu nghị Việt Nam - Cu Ba Đồng Hới",
        SubjectKind.COLLECTIVE,
        "QB.SYT",
    ),
    ("Lê Văn Quang", SubjectKind.INDIVIDUAL, "QB.SGDDT"),
)
STAGES = (
    CandidateStage.FOSTERING,
    CandidateStage.ELIGIBLE,
    CandidateStage.NOMINATED,
    CandidateStage.SELECTED,
)


def proposed_exemplars() -> list[int]:
    """Load Quảng Bình; register the exemplars, select them and propose them all for a Bằng
    khen of the province under one tờ trình; the proposals' ids."""
    ids = []
    with unit_of_work() as session:
        import_directory_file(session, QB_DIRECTORY, at=AT, actor="test")
        load_plan_file(session, QB_PLAN, default_calendar(), at=AT, actor="test")
        campaign = session.scalars(select(Campaign).where(Campaign.slug == QB)).one()
        province = session.scalars(select(Unit).where(Unit.code == "QB")).one()
        for name, subject, code in EXEMPLARS:
            unit = session.scalars(select(Unit).where(Unit.code == code)).one()
            candidate = register(
                session,
                campaign,
                unit=unit,
                subject=subject,
                name=name,
                subject_ref=name,
                year=2023,
                at=AT,
                actor="test",
                field_code="i",
            )
            for stage in STAGES:
                move(session, candidate, stage, at=AT, actor="test")
            proposal = propose_reward(
                session,
                candidate,
                authority=province,
                form=RewardForm.BANG_KHEN,
                submitted_on=AT.date(),
                calendar=default_calendar(),
                at=AT,
                actor="test",
                number=TO_TRINH,
            )
            session.flush()
            ids.append(proposal.id)
    return ids
