"""Which decree a council vote follows, by date: the citation and the default thresholds, as data.

The threshold for the highest titles (Chiến sĩ thi đua cấp bộ, ngành, tỉnh; toàn quốc; Anh
hùng) is counted on all members of the council by secret ballot, and an absent member gives a
written opinion ("nếu thành viên Hội đồng vắng mặt thì lấy ý kiến bằng văn bản"). Nghị định
91/2017/NĐ-CP wrote it; Nghị định 98/2023/NĐ-CP (31/12/2023, in force 01/01/2024, detailing
the Luật Thi đua, khen thưởng 2022) replaced it, and Nghị định 152/2025/NĐ-CP replaced that
from 01/07/2025 (docs/voting.md, DOMAIN.md). A ballot records the key of the basis in force on
the day it opened, so its minutes cite the decree that governed it even after a newer one.

An article not known is left empty (`article=""`), and one not checked against the official
text has `verified=False`: the minutes and docs then say "cần đối chiếu" (verify) instead of
inventing or asserting a number. Thresholds
are defaults: a council configures its own (never below an award's floor, see
models.voting.rule_for), and the 70% for the lower forms is a common provincial quy chế, not
a decree's number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from models.voting import DEFAULT_APPROVAL


@dataclass(frozen=True)
class VotingBasis:
    """One decree's rule for the council vote, in force from valid_from until the next one."""

    key: str
    decree: str
    valid_from: dt.date
    article: str
    """The article and clause as the decree numbers them; empty: not verified."""
    approval: Mapping[str, float]
    verified: bool = False
    """Whether article and valid_from were checked against the official text."""

    @property
    def citation(self) -> str:
        """How the minutes cite it, saying when the article is still to be verified."""
        if not self.article:
            where = "điều, khoản: cần đối chiếu văn bản gốc"
        elif not self.verified:
            where = f"{self.article}, cần đối chiếu văn bản gốc"
        else:
            where = self.article
        return f"{self.decree} ({where}), hiệu lực từ {self.valid_from:%d/%m/%Y}"


BASES: tuple[VotingBasis, ...] = (
    VotingBasis(
        key="nd-91-2017",
        decree="Nghị định 91/2017/NĐ-CP",
        valid_from=dt.date(2017, 9, 15),
        article="Điều 45 khoản 8",  # as the repository and issue 19 cite it
        approval=DEFAULT_APPROVAL,
    ),
    VotingBasis(
        key="nd-98-2023",
        decree="Nghị định 98/2023/NĐ-CP",
        valid_from=dt.date(2024, 1, 1),
        article="",
        approval=DEFAULT_APPROVAL,
    ),
    VotingBasis(
        key="nd-152-2025",
        decree="Nghị định 152/2025/NĐ-CP",
        valid_from=dt.date(2025, 7, 1),
        article="",
        approval=DEFAULT_APPROVAL,
    ),
)
"""Oldest first; each basis holds until the next one's valid_from."""


def basis_on(day: dt.date) -> VotingBasis:
    """The basis in force on day (a ballot's opening day).

    Before the first entry there is no basis in the table: the earliest is returned, and its
    citation gives its own valid_from, so a reader sees the mismatch rather than a blank.
    """
    in_force = [b for b in BASES if b.valid_from <= day]
    return in_force[-1] if in_force else BASES[0]


def basis_named(key: str | None) -> VotingBasis | None:
    """The basis a ballot recorded (None for a ballot opened before bases were recorded)."""
    return next((b for b in BASES if b.key == key), None)
