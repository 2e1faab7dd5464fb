"""The draft quyết định khen thưởng of a proposal, or of every proposal of one tờ trình.

Reads the proposals, their candidates, the authority and the standing body from the database
and the directory, and hands models.decision_draft plain facts. A draft takes no number: the
authority's văn thư numbers the decision when its leader signs, in the authority's register.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.administrative import DocumentKind, GeneratedDocument
from models.correspondence import body_name
from models.decision_draft import (
    TEMPLATE,
    Awardee,
    DecisionFacts,
    decision_context,
    proposal_reference,
)
from models.issuers import head_title, issuing_body, signer_of
from models.orm import Candidate, RewardProposal, Unit
from models.services.lookup import UnknownId
from models.services.obligations import plan_of
from models.vocabulary import SubjectKind, UnitKind
from notifications.content import PlanRef
from notifications.documents import render_docx
from notifications.render import plan_citation

_LOCALITIES = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE})


class DraftRefused(ValueError):
    """Proposals that cannot make one decision (different authorities); says why."""


def proposals_of(
    session: Session, *, proposal_id: int | None = None, number: str | None = None
) -> list[RewardProposal]:
    """The proposal with that id, or every proposal of the tờ trình with that number."""
    query = select(RewardProposal).options(
        selectinload(RewardProposal.candidate).selectinload(Candidate.campaign),
        selectinload(RewardProposal.authority),
    )
    if proposal_id is not None:
        found = list(session.scalars(query.where(RewardProposal.id == proposal_id)))
        what = f"đề nghị khen thưởng số {proposal_id}"
    else:
        wanted = " ".join((number or "").split())
        found = list(
            session.scalars(
                query.where(RewardProposal.number == wanted).order_by(RewardProposal.id)
            )
        )
        what = f"tờ trình số {wanted}"
    if not found:
        raise UnknownId(f"Không có {what}.")
    return found


def _leader(unit: Unit) -> str:
    """ "Chủ tịch Ủy ban nhân dân tỉnh Quảng Bình", "Giám đốc Sở Nội vụ": who, in full."""
    return f"{head_title(unit)} {body_name(unit)}"


def draft_decision(
    session: Session,
    *,
    on: dt.date,
    proposal_id: int | None = None,
    number: str | None = None,
) -> GeneratedDocument:
    """The draft decision for the proposals (one id, or one tờ trình's number), dated in the
    year of `on`, unnumbered."""
    proposals = proposals_of(session, proposal_id=proposal_id, number=number)
    authorities = {p.authority.acting().id for p in proposals}
    if len(authorities) > 1:
        raise DraftRefused("các đề nghị gửi các cấp có thẩm quyền khác nhau: lập từng quyết định")
    authority = proposals[0].authority.acting()
    campaign = proposals[0].candidate.campaign
    standing = campaign.standing_body.acting()
    plan = plan_of(campaign)
    ref = PlanRef(plan.title, plan.document.issuer_name, plan.document.number, plan.document.date)
    executors = [f"Chánh Văn phòng {body_name(authority)}"] if authority.kind in _LOCALITIES else []
    executors += [_leader(standing), "Thủ trưởng các cơ quan, đơn vị có liên quan"]
    references = []
    for p in proposals:
        said = proposal_reference(p.number, p.submitted_on)
        if said not in references:
            references.append(said)
    facts = DecisionFacts(
        authority=issuing_body(authority),
        signer=signer_of(authority),
        leader=_leader(authority),
        proposer=_leader(standing),
        proposals=tuple(references),
        plan=plan_citation(ref),
        plan_title=plan.title,
        year=on.year,
        awardees=tuple(_awardee(p) for p in proposals),
        executors=tuple(executors),
    )
    docx = render_docx(TEMPLATE, decision_context(facts))
    tail = f"to-trinh-{proposals[0].id}" if number else f"de-nghi-{proposals[0].id}"
    return GeneratedDocument(
        f"du-thao-quyet-dinh-khen-thuong-{tail}.docx", docx, None, DocumentKind.QUYET_DINH
    )


def _awardee(proposal: RewardProposal) -> Awardee:
    candidate = proposal.candidate
    unit = candidate.subject_unit or candidate.registered_by
    return Awardee(
        name=" ".join(candidate.name.split()),
        collective=candidate.subject == SubjectKind.COLLECTIVE,
        unit=body_name(unit),
        form=proposal.form.label,
    )
