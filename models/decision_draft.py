"""The draft quyết định khen thưởng (dự thảo) an office sends its authority with the tờ trình.

The standing body prepares the decision for the authority's leader to sign: "QUYẾT ĐỊNH Về
việc tặng Bằng khen cho ...", the leader's title in full ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG
BÌNH"), the căn cứ (Luật Thi đua, khen thưởng 2022, its decree, the plan), "Theo đề nghị của"
the standing body's head at the tờ trình, then Điều 1 (whom, which form, with the danh sách
kèm theo), Điều 2 (in force), Điều 3 (who carries it out). The number and the day are left
blank: the authority's văn thư fills them in when the leader signs (Nghị định 30/2020).
Pure: the service (models.services.decision_documents) reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.administrative import (
    DRAFT_BLANK,
    DocumentKind,
    IssuingBody,
    Signer,
    TableSpec,
    about,
    header_context,
    paragraph,
    reference,
)
from models.text import vn_date

TEMPLATE = "quyet_dinh_khen_thuong"
LAW = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
DECREE = (
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi "
    "tiết thi hành một số điều của Luật Thi đua, khen thưởng;"
)
DECREE_IN_FORCE = dt.date(2024, 1, 1)
"""From when the decree (and the 2022 law, in force 01/01/2024) is cited."""


@dataclass(frozen=True)
class Awardee:
    """One line of the danh sách: who is commended, where they work, with which form."""

    name: str
    collective: bool
    unit: str
    form: str  # "Bằng khen", "Danh hiệu Chiến sĩ thi đua cấp tỉnh"


@dataclass(frozen=True)
class DecisionFacts:
    """What the draft says, read from the directory, the plan and the proposals."""

    authority: IssuingBody
    signer: Signer
    leader: str  # "Chủ tịch Ủy ban nhân dân tỉnh Quảng Bình": who decides, in full
    proposer: str  # "Giám đốc Sở Nội vụ"
    proposals: tuple[str, ...]  # "Tờ trình số 12/TTr-SNV ngày 03/04/2024"
    plan: str  # "Kế hoạch số 1837/KH-UBND ngày 04/10/2022 của Ủy ban nhân dân tỉnh Quảng Bình"
    plan_title: str
    year: int
    awardees: tuple[Awardee, ...]
    executors: tuple[str, ...]  # Điều 3: "Giám đốc Sở Nội vụ", "Thủ trưởng các cơ quan ..."


def _form_phrase(form: str) -> str:
    """ "Danh hiệu Chiến sĩ thi đua" is awarded as "danh hiệu Chiến sĩ thi đua" mid-sentence."""
    return form[:1].lower() + form[1:] if form.startswith("Danh hiệu") else form


def _whom(awardees: Sequence[Awardee]) -> str:
    """ "Nguyễn Văn A, Sở Y tế" for one, else "N tập thể và M cá nhân"."""
    if len(awardees) == 1:
        one = awardees[0]
        where = f", {one.unit}" if one.unit and one.unit not in one.name else ""
        return f"{one.name}{where}"
    collectives = sum(a.collective for a in awardees)
    people = len(awardees) - collectives
    said = [f"{collectives} tập thể"] * bool(collectives) + [f"{people} cá nhân"] * bool(people)
    return " và ".join(said)


def _forms(awardees: Sequence[Awardee]) -> list[str]:
    seen: list[str] = []
    for awardee in awardees:
        if awardee.form not in seen:
            seen.append(awardee.form)
    return seen


def subject(awardees: Sequence[Awardee]) -> str:
    """ "Về việc tặng Bằng khen cho 2 tập thể và 3 cá nhân"; several forms: "Về việc khen
    thưởng ..."."""
    forms = _forms(awardees)
    if len(forms) == 1:
        return f"Về việc tặng {_form_phrase(forms[0])} cho {_whom(awardees)}"
    return f"Về việc khen thưởng {_whom(awardees)}"


def annex_table(awardees: Sequence[Awardee]) -> TableSpec:
    """The danh sách kèm theo: per form, collectives (I.) then individuals (II.), numbered."""
    rows: list[tuple[str, ...]] = []
    bold: set[int] = set()
    for form in _forms(awardees):
        if len(_forms(awardees)) > 1:
            bold.add(len(rows))
            rows.append(("", form.upper(), ""))
        of_form = [a for a in awardees if a.form == form]
        for numeral, (title, collective) in enumerate(
            (("Tập thể", True), ("Cá nhân", False)), start=1
        ):
            group = [a for a in of_form if a.collective == collective]
            if not group:
                continue
            bold.add(len(rows))
            rows.append(("I" * numeral, title, ""))
            rows.extend((str(n), a.name, a.unit) for n, a in enumerate(group, start=1))
    return TableSpec(
        ("TT", "Tên tập thể, cá nhân", "Cơ quan, đơn vị"),
        tuple(rows),
        (14.0, 80.0, 71.0),
        font_pt=12,
        bold_rows=frozenset(bold),
    )


def decision_context(facts: DecisionFacts) -> dict[str, Any]:
    """The draft's context: the frame (number and day blank) and its body and annex."""
    kind = DocumentKind.QUYET_DINH
    title = subject(facts.awardees)
    context = header_context(
        facts.authority,
        kind,
        None,
        dt.date(facts.year, 1, 1),
        title,
        facts.signer,
        ["Như Điều 3"],
    )
    blank = f"ngày{DRAFT_BLANK}tháng{DRAFT_BLANK}năm {facts.year}"
    context["place_date"] = f"{facts.authority.place}, {blank}"
    leader = facts.leader.upper()
    proposals = ", ".join(facts.proposals)
    body = [paragraph(leader, style="center"), paragraph(LAW, style="italic")]
    if dt.date(facts.year, 12, 31) >= DECREE_IN_FORCE:
        body.append(paragraph(DECREE, style="italic"))
    body += [
        paragraph(f"Căn cứ {facts.plan} {about(facts.plan_title)};", style="italic"),
        paragraph(f"Theo đề nghị của {facts.proposer} tại {proposals}.", style="italic"),
        paragraph("QUYẾT ĐỊNH:", style="center"),
    ]
    forms = _forms(facts.awardees)
    for form in forms:
        of_form = [a for a in facts.awardees if a.form == form]
        lead = "Điều 1." if form == forms[0] else ""
        body.append(
            paragraph(
                f"Tặng {_form_phrase(form)} cho {_whom(of_form)} đã có thành tích xuất sắc "
                f"trong thực hiện {facts.plan_title[:1].lower()}{facts.plan_title[1:]}"
                f"{' (có danh sách kèm theo)' if len(of_form) > 1 else ''}.",
                lead=lead,
            )
        )
    executors = ", ".join(facts.executors)
    body += [
        paragraph("Quyết định này có hiệu lực kể từ ngày ký.", lead="Điều 2."),
        paragraph(
            f"{executors} và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi "
            "hành Quyết định này./.",
            lead="Điều 3.",
        ),
    ]
    context["paragraphs"] = body
    if len(facts.awardees) > 1:
        context["annex"] = {
            "title": "DANH SÁCH",
            "subtitle": (
                f"(Kèm theo Quyết định số{DRAFT_BLANK}/{reference(kind, facts.authority)} "
                f"{blank} của {facts.leader})"
            ),
            "table": annex_table(facts.awardees),
        }
    return context


def proposal_reference(number: str | None, submitted_on: dt.date) -> str:
    """ "Tờ trình số 12/TTr-SNV ngày 03/04/2024"; a proposal recorded without its number is
    named by its date."""
    shown = f" số {' '.join(number.split())}" if number else ""
    return f"Tờ trình{shown} ngày {vn_date(submitted_on)}"
