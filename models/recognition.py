"""Publicise, honour and reward: the words, defaults and date rules of the last three stages.

Plain Python, no database: the ORM tables (models/orm/recognition.py) store these enums by value
and the service layer (models/services/recognition.py) applies these rules. Everything here that
a plan could state differently is a *default*, named as such, and the services take an override.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Protocol

from models.calendar import WorkingCalendar


class RecognitionError(ValueError):
    """A step the process does not allow here (deciding twice, publishing a non-exemplar...)."""


class Channel(StrEnum):
    """Where the communication office publishes an exemplar (DOMAIN: portal, press, social)."""

    PORTAL = "portal"
    PRESS = "press"
    SOCIAL = "social"

    @property
    def label(self) -> str:
        return {
            "portal": "Chuyên mục trên Cổng thông tin điện tử",
            "press": "Báo chí",
            "social": "Mạng xã hội",
        }[self.value]


class PublicationStatus(StrEnum):
    """draft: text only, nobody owes it yet; due: the office owes it by due_on; published."""

    DRAFT = "draft"
    DUE = "due"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return {"draft": "Bản nháp", "due": "Phải đăng", "published": "Đã đăng"}[self.value]


class CeremonyKind(StrEnum):
    """The yearly occasions the plans name for honouring exemplars."""

    YEAR_END = "year_end"
    BIRTHDAY_19_5 = "19-5"
    CALL_11_6 = "11-6"
    FINAL_REVIEW = "final_review"

    @property
    def label(self) -> str:
        return {
            "year_end": "Tổng kết năm",
            "19-5": "Dịp 19/5",
            "11-6": "Dịp 11/6",
            "final_review": "Hội nghị tổng kết giai đoạn",
        }[self.value]


class RewardForm(StrEnum):
    """Forms of commendation a proposal asks for and a decision grants."""

    GIAY_KHEN = "giay_khen"
    BANG_KHEN = "bang_khen"
    BANG_KHEN_THU_TUONG = "bang_khen_thu_tuong"
    CHIEN_SI_THI_DUA = "chien_si_thi_dua"
    CO_THI_DUA = "co_thi_dua"
    HUAN_CHUONG_LAO_DONG = "huan_chuong_lao_dong"
    BIEU_DUONG = "bieu_duong"
    CHIEN_SI_THI_DUA_CO_SO = "chien_si_thi_dua_co_so"
    CHIEN_SI_THI_DUA_TINH = "chien_si_thi_dua_tinh"
    TAP_THE_LAO_DONG_XUAT_SAC = "tap_the_lao_dong_xuat_sac"

    @property
    def label(self) -> str:
        return _FORM_LABELS[self]


_FORM_LABELS = {
    RewardForm.GIAY_KHEN: "Giấy khen",
    RewardForm.BANG_KHEN: "Bằng khen",
    RewardForm.BANG_KHEN_THU_TUONG: "Bằng khen của Thủ tướng Chính phủ",
    RewardForm.CHIEN_SI_THI_DUA: "Danh hiệu Chiến sĩ thi đua",
    RewardForm.CO_THI_DUA: "Cờ thi đua",
    RewardForm.HUAN_CHUONG_LAO_DONG: "Huân chương Lao động",
    RewardForm.BIEU_DUONG: "Biểu dương",
    RewardForm.CHIEN_SI_THI_DUA_CO_SO: "Danh hiệu Chiến sĩ thi đua cơ sở",
    RewardForm.CHIEN_SI_THI_DUA_TINH: "Danh hiệu Chiến sĩ thi đua cấp tỉnh",
    RewardForm.TAP_THE_LAO_DONG_XUAT_SAC: "Danh hiệu Tập thể lao động xuất sắc",
}


class ProposalStatus(StrEnum):
    """preparing: the dossier is being completed, nothing is owed upward yet; submitted: the
    dossier was forwarded (the decision clock runs from that day); decided; overdue."""

    PREPARING = "preparing"
    SUBMITTED = "submitted"
    DECIDED = "decided"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            "preparing": "Đang hoàn thiện hồ sơ",
            "submitted": "Đã trình, chờ quyết định",
            "decided": "Đã có quyết định",
            "overdue": "Quá hạn",
        }[self.value]


AWAITING_DECISION = (ProposalStatus.SUBMITTED, ProposalStatus.OVERDUE)
"""The states in which the authority owes a decision: forwarded, not yet decided."""


REGISTRY = "so-ghi-danh"
"""A unit's honour roll: sổ ghi danh (seed 004 II.5 (1): "ở đơn vị mình")."""


def legacy_book(campaign_id: int) -> str:
    """The book an entry written before migration 0017 sits in: one per campaign, as then."""
    return f"{REGISTRY}-kh-{campaign_id}"


DECISION_TIME_LIMIT_WORKING_DAYS = 20
"""How long an authority has to decide on a proposal before it is chased: a *default*.

Provinces' published administrative procedures for Giấy khen and Bằng khen commonly allow 20
working days from a complete dossier; a proposal without a decision after that is escalated to
the standing body. An authority's own procedure or a plan may state another limit: pass
`limit_working_days` to `propose_reward`.
"""


def dossier(form: RewardForm, documents: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The dossier checklist stored on a new proposal (models.dossier.checklist: Luật Thi đua,
    khen thưởng 2022, Điều 84); `documents` replaces the default composition."""
    from models.dossier import checklist

    return checklist(form, documents)


def missing_documents(items: Iterable[Mapping[str, object]]) -> list[str]:
    """Names of the dossier's pieces not yet present (models.dossier.missing)."""
    return [str(item["document"]) for item in items if not item.get("received")]


def decision_due_on(
    submitted_on: dt.date, calendar: WorkingCalendar, limit: int = DECISION_TIME_LIMIT_WORKING_DAYS
) -> dt.date:
    """The last working day the authority has: `limit` working days after submission."""
    return calendar.add_working_days(submitted_on, limit)


class ProposalLike(Protocol):
    """What the overdue rule needs of a proposal (the ORM row, or anything shaped like it)."""

    @property
    def status(self) -> ProposalStatus: ...

    @property
    def decision_due_on(self) -> dt.date: ...


def is_decision_overdue(proposal: ProposalLike, today: dt.date, calendar: WorkingCalendar) -> bool:
    """True once the last day for a decision has passed without one.

    The last day is moved off a day off first (Civil Code art. 148), so a limit that ends on Tết
    is not overdue until the end of the next working day.
    """
    if proposal.status not in AWAITING_DECISION:
        return False
    return today > calendar.effective_due(proposal.decision_due_on)


def next_entry_number(existing: Iterable[int]) -> int:
    """The next number in a registry book's year: numbering starts at 1 and never reuses."""
    return max(existing, default=0) + 1


def ceremony_year(kind: CeremonyKind, held_on: dt.date) -> int:
    """The year a ceremony honours: a year-end review held in January-March closes last year."""
    if kind == CeremonyKind.YEAR_END and held_on.month <= 3:
        return held_on.year - 1
    return held_on.year


def ceremony_title(kind: CeremonyKind, year: int, period: tuple[int, int]) -> str:
    """The customary name of the occasion, with the anniversary counted from its origin year."""
    if kind == CeremonyKind.YEAR_END:
        return f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {year}"
    if kind == CeremonyKind.BIRTHDAY_19_5:
        return (
            f"Lễ biểu dương điển hình tiên tiến nhân kỷ niệm {year - 1890} năm Ngày sinh "
            f"Chủ tịch Hồ Chí Minh (19/05/1890 - 19/05/{year})"
        )
    if kind == CeremonyKind.CALL_11_6:
        return (
            f"Lễ kỷ niệm {year - 1948} năm Ngày Chủ tịch Hồ Chí Minh ra Lời kêu gọi thi đua "
            f"ái quốc (11/06/1948 - 11/06/{year}) và biểu dương điển hình tiên tiến"
        )
    return (
        "Hội nghị tổng kết phong trào thi đua, biểu dương điển hình tiên tiến "
        f"giai đoạn {period[0]}-{period[1]}"
    )
