"""What an obligation is about, named: the words every line about it prints (issue 20).

An email line, the page behind its link, the coordinators' pages and the dashboard all say the
same thing about one obligation: its milestone's title with its occurrence, then its subject
by name (the exemplar and their unit, the mentor, the channel, the proposal's number and date,
the ballot, the field), and who must act (a unit, a mentor, a council member). This module
says it once, from plain values (models.services.subjects gathers them from the database), so
no reader writes "lĩnh vực c" or nineteen identical "Đăng bài giới thiệu điển hình tiên tiến".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from models.phrases import with_occurrence
from models.process import COUNCIL_VOTE, PUBLICATION, REWARD_DECISION
from models.text import vn_date

Actor = Literal["unit", "mentor", "council_member"]
"""Who must act (notifications.content.Actor says the same): a unit, a mentor about the
exemplar they foster, a council member about their own vote."""


@dataclass(frozen=True)
class Exemplar:
    """An exemplar as its lines name it: the name and the unit that registered it."""

    name: str
    unit: str = ""

    @property
    def named(self) -> str:
        """'Ngô Thị Lan (Hội Chữ thập đỏ tỉnh)': the same person in two units reads apart. A
        name that already says its unit ("Tập thể tiêu biểu số 4 — Liên đoàn Lao động tỉnh")
        is not told it twice."""
        name = " ".join(self.name.split())
        unit = " ".join(self.unit.split())
        return f"{name} ({unit})" if unit and unit not in name else name


@dataclass(frozen=True)
class Facts:
    """What is known about one obligation's subject, as plain display values.

    Only the values the obligation's kind needs are set: a publication its exemplar and
    channel, a reward decision its proposal, a vote its ballot, a quota its field, a mentor's
    assessment its exemplar and mentor; a unit's own report none."""

    milestone_code: str
    title: str  # the milestone's title as the plan (or the process) writes it
    occurrence: str = ""  # its label: "năm 2024", "quý I/2024"; "" for a one-off
    exemplar: Exemplar | None = None
    mentor: str = ""  # the exemplar's mentor (người giúp đỡ), by name
    channel: str = ""  # the publication's channel, by its label
    proposal_number: str = ""  # "12/TTr-SNV"; "" when the tờ trình was recorded without one
    proposal_date: dt.date | None = None
    reward_form: str = ""  # "Bằng khen", the form the proposal asks for
    ballot: str = ""  # the ballot's title
    ballot_candidates: int = 0
    field: str = ""  # the field of work, by name (never its code)


@dataclass(frozen=True)
class Subject:
    """How every reader names one obligation."""

    title: str  # the milestone's title with its occurrence: "Báo cáo tổng kết năm 2022"
    about: str  # its subject by name; "" when the title says it all (a unit's own report)
    exemplar: str  # "Ngô Thị Lan (Hội Chữ thập đỏ tỉnh)", "" when not about an exemplar
    actor: Actor

    @property
    def line(self) -> str:
        """Title and subject on one line, for a table cell or a page heading."""
        return f"{self.title} — {self.about}" if self.about else self.title


def subject_of(facts: Facts) -> Subject:
    """Name one obligation's subject by what its kind is about."""
    title = with_occurrence(facts.title, facts.occurrence)
    exemplar = facts.exemplar.named if facts.exemplar else ""
    if facts.milestone_code == COUNCIL_VOTE:
        return Subject(title, _ballot(facts), exemplar, "council_member")
    if facts.milestone_code == PUBLICATION:
        parts = [f"Điển hình: {exemplar}" if exemplar else "", _labelled("kênh", facts.channel)]
        return Subject(title, _joined(parts), exemplar, "unit")
    if facts.milestone_code == REWARD_DECISION:
        return Subject(title, _proposal(facts, exemplar), exemplar, "unit")
    if exemplar:  # a mentor's obligation about the exemplar they foster
        parts = [f"Điển hình: {exemplar}", _labelled("người giúp đỡ", facts.mentor)]
        return Subject(title, _joined(parts), exemplar, "mentor")
    return Subject(title, _labelled("Lĩnh vực", facts.field), "", "unit")


def _ballot(facts: Facts) -> str:
    """'Cuộc bình xét: Bình xét điển hình năm 2023 (12 ứng viên)'."""
    if not facts.ballot:
        return "Phiếu bình xét của thành viên Hội đồng"
    count = f" ({facts.ballot_candidates} ứng viên)" if facts.ballot_candidates else ""
    return f"Cuộc bình xét: {' '.join(facts.ballot.split())}{count}"


def _proposal(facts: Facts, exemplar: str) -> str:
    """'Tờ trình số 12/TTr-SNV ngày 03/04/2024 đề nghị tặng Bằng khen cho Ngô Thị Lan (...)'."""
    number = " ".join(facts.proposal_number.split())
    words = ["Tờ trình"]
    if number:
        words.append(f"số {number}")
    if facts.proposal_date:
        words.append(f"ngày {vn_date(facts.proposal_date)}")
    if facts.reward_form:
        words.append(f"đề nghị tặng {facts.reward_form}")
    if exemplar:
        words.append(f"cho {exemplar}")
    return " ".join(words) if len(words) > 1 else ""


def _labelled(label: str, value: str) -> str:
    value = " ".join(value.split())
    return f"{label}: {value}" if value else ""


def _joined(parts: list[str]) -> str:
    return "; ".join(p for p in parts if p)
