"""Quotas as plans write them: "tối thiểu 05 tập thể và 05 cá nhân điển hình tiên tiến/năm",
"mỗi một địa phương giới thiệu tối thiểu 03 điển hình", "xây dựng từ 1-2 điển hình",
"mỗi đơn vị có ít nhất 01 điển hình tiêu biểu". The number, its subject and its scope are read
from the words; the words are kept as the quota's quote."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.phrases import normalize
from models.vocabulary import QuotaScope, SubjectKind

_SUBJECTS = {
    "tap the": SubjectKind.COLLECTIVE,
    "ca nhan": SubjectKind.INDIVIDUAL,
    "ho gia dinh": SubjectKind.HOUSEHOLD,
}
_COUNT = re.compile(
    r"\b(?:(?P<floor>toi thieu|it nhat|tu)\s+|(?P<each>moi (?:mot )?don vi (?:co |xay dung )?))"
    r"0*(?P<min>\d{1,3})(?:\s*-\s*0*(?P<max>\d{1,3}))?\s+"
    r"(?P<what>tap the|ca nhan|ho gia dinh|dien hinh|mo hinh|guong)"
    r"(?:(?:\s+[a-z ]*?)?\s+va\s+0*(?P<min2>\d{1,3})\s+(?P<what2>tap the|ca nhan))?"
)
_YEARLY = re.compile(r"/\s*nam\b|\b(?:hang|moi) nam\b")


@dataclass(frozen=True)
class FoundQuota:
    minimum: int
    maximum: int | None
    subject: SubjectKind | None
    scope: QuotaScope
    quote: str
    reason: str
    """What the scope rests on, for the YAML comment."""


def find_quotas(sentence: str, *, in_field: bool, paragraph: str = "") -> list[FoundQuota]:
    """The quotas one sentence sets (two where it counts collectives and individuals); the
    paragraph's opening ("Đối với tập thể:") names the subject where the count does not."""
    text = normalize(sentence).replace(" , ", ", ")
    opening = normalize(paragraph or sentence).replace(" , ", ", ")
    out: list[FoundQuota] = []
    for m in _COUNT.finditer(text):
        if m["floor"] == "tu" and not m["max"]:
            continue  # "từ 3 tập thể" without a range is no quota
        scope, reason = _scope(text, in_field, bool(m["each"]))
        lead = re.match(r"^-?\s*doi voi (tap the|ca nhan)\b", opening)
        subject = _SUBJECTS.get(m["what"]) or (_SUBJECTS.get(lead[1]) if lead else None)
        maximum = int(m["max"]) if m["max"] else None
        out.append(FoundQuota(int(m["min"]), maximum, subject, scope, sentence, reason))
        if m["min2"]:
            sub2 = _SUBJECTS[m["what2"]]
            out.append(FoundQuota(int(m["min2"]), None, sub2, scope, sentence, reason))
    return out


def _scope(text: str, in_field: bool, each_unit: bool) -> tuple[QuotaScope, str]:
    yearly = _YEARLY.search(text) is not None
    if yearly and re.search(r"\bmoi (?:mot )?dia phuong\b", text):
        return QuotaScope.LOCALITY_YEAR, "“mỗi địa phương” và “năm”"
    if yearly and (in_field or "co quan chu tri" in text):
        return QuotaScope.LEAD_AGENCY_YEAR, "lĩnh vực có cơ quan chủ trì, và “năm”"
    if yearly:
        return QuotaScope.UNIT_YEAR, "“năm”: mỗi đơn vị, mỗi năm"
    return QuotaScope.UNIT_PERIOD, "không ghi năm: cả giai đoạn" + (
        " (“mỗi đơn vị”)" if each_unit else ""
    )
