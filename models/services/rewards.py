"""Reward (khen thưởng) and promotion: proposals (tờ trình), the authority's decisions, the
decision time limit, and sending an exemplar up into the higher level's campaign."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models.authorities import AuthorityTable, check_decider, default_authorities
from models.calendar import WorkingCalendar
from models.clock import at_start_of
from models.dossier import GEN_MINUTES, GEN_TO_TRINH, join_pieces
from models.lengths import check_length
from models.orm import Campaign, Candidate, Unit
from models.orm.recognition import (
    RewardDecision,
    RewardProposal,
)
from models.recognition import (
    AWAITING_DECISION,
    DECISION_TIME_LIMIT_WORKING_DAYS,
    ProposalStatus,
    RecognitionError,
    RewardForm,
    decision_due_on,
    dossier,
    is_decision_overdue,
)
from models.services.audit import record
from models.services.candidates import ever_moved_to, move, register
from models.services.dossier import council_ballots, record_joined
from models.services.honour_roll import RegistryBook
from models.services.recognition_common import (
    S,
    move_if_allowed,
    one_line,
    parse,
    require_exemplar,
)
from models.services.rows import chunks, inserted, loaded, update_rows
from models.text import vn_date

# --- reward -----------------------------------------------------------------------------------


def propose_reward(
    session: Session,
    candidate: Candidate,
    *,
    authority: Unit,
    form: RewardForm | str,
    submitted_on: dt.date,
    calendar: WorkingCalendar,
    at: dt.datetime,
    actor: str,
    limit_working_days: int = DECISION_TIME_LIMIT_WORKING_DAYS,
    documents: Sequence[str] | None = None,
    number: str | None = None,
) -> RewardProposal:
    """A tờ trình to the authority (or the higher level), opened while its dossier is prepared.

    The proposal starts *preparing*: nothing is owed upward until the dossier is complete and
    forwarded (models.services.dossier.forward_proposal, Luật Thi đua, khen thưởng 2022,
    Điều 84); `decision_due_on` is provisional until then and is counted again from the day
    forwarded. One undecided proposal per exemplar at a time: a second would split the dossier
    and the chase. `documents` replaces the default dossier (models.dossier.COMPOSITION);
    `number` is the tờ trình's (số 12/TTr-SNV), which the lines chasing the decision cite.
    """
    (proposal_id,) = propose_rewards(
        session,
        [candidate],
        authority=authority,
        form=form,
        submitted_on=submitted_on,
        calendar=calendar,
        at=at,
        actor=actor,
        limit_working_days=limit_working_days,
        documents=documents,
        number=number,
    )
    proposal = session.get_one(RewardProposal, proposal_id)
    return proposal


def propose_rewards(
    session: Session,
    candidates: Sequence[Candidate],
    *,
    authority: Unit,
    form: RewardForm | str,
    submitted_on: dt.date,
    calendar: WorkingCalendar,
    at: dt.datetime,
    actor: str,
    limit_working_days: int = DECISION_TIME_LIMIT_WORKING_DAYS,
    documents: Sequence[str] | None = None,
    number: str | None = None,
) -> list[int]:
    """propose_reward for many exemplars at once; the proposals' ids, in the candidates' order.

    One query for the proposals still open, and the new ones written as plain rows in one
    multi-row INSERT, their generated pieces already joined (the tờ trình with its danh sách,
    numbered as the proposal is, and the council's minutes where the nominee's ballot is
    closed): not an object each through the unit of work, which was most of a national
    December's proposing. Every candidate is checked before anything is proposed. One tờ trình
    may list many exemplars: they share its `number`."""
    form = parse(RewardForm, form, "hình thức khen thưởng")
    for candidate in candidates:
        require_exemplar(candidate, "đề nghị khen thưởng")
    undecided = {
        candidate_id
        for chunk in chunks(c.id for c in candidates)
        for candidate_id in session.scalars(
            select(RewardProposal.candidate_id).where(
                RewardProposal.candidate_id.in_(chunk),
                RewardProposal.status != ProposalStatus.DECIDED,
            )
        )
    }
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.id in undecided or candidate.id in seen:
            raise RecognitionError(f"'{candidate.name}' đã có tờ trình đang chờ quyết định")
        seen.add(candidate.id)
    number = one_line(number or "") or None
    if number is not None:
        check_length(RewardProposal.number, number, "Số tờ trình")
    due_on = decision_due_on(submitted_on, calendar, limit_working_days)
    checklist = dossier(form, documents)
    with_minutes = council_ballots(session, [c.id for c in candidates])
    rows: list[dict[str, Any]] = []
    joined: list[tuple[list[str], list[str]]] = []  # each one's tờ trình and minutes pieces
    for candidate in candidates:
        items, to_trinh = join_pieces(checklist, GEN_TO_TRINH, number)
        minutes: list[str] = []
        if candidate.id in with_minutes:
            items, minutes = join_pieces(items, GEN_MINUTES, None)
        joined.append((to_trinh, minutes))
        rows.append(
            {
                "candidate_id": candidate.id,
                "authority_unit_id": authority.id,
                "form": form,
                "number": number,
                "submitted_on": submitted_on,
                "decision_due_on": due_on,
                "status": ProposalStatus.PREPARING,
                "dossier": items,
                "created_at": at,
            }
        )
    id_of = dict(
        (candidate_id, proposal_id)
        for proposal_id, candidate_id in inserted(
            session, RewardProposal, rows, RewardProposal.id, RewardProposal.candidate_id
        )
    )
    ids = [id_of[c.id] for c in candidates]
    for candidate, proposal_id in zip(candidates, ids, strict=True):
        record(
            session,
            at=at,
            actor=actor,
            action="reward_proposal.prepared",
            entity="reward_proposal",
            entity_id=proposal_id,
            to_status=ProposalStatus.PREPARING.value,
            reason=f"lập tờ trình đề nghị {authority.code} tặng {form.label} cho "
            f"'{candidate.name}'; đang hoàn thiện hồ sơ",
        )
    # As join_generated would log them: every tờ trình, then every minutes.
    for which, piece_number in ((0, number), (1, None)):
        for proposal_id, pieces in zip(ids, joined, strict=True):
            if pieces[which]:
                record_joined(session, proposal_id, pieces[which], piece_number, at=at, actor=actor)
    return ids


def receive_document(
    session: Session, proposal: RewardProposal, code: str, *, at: dt.datetime, actor: str
) -> None:
    """Tick a document of the dossier as received."""
    items = [dict(item) for item in proposal.dossier]
    item = next((i for i in items if i["code"] == code), None)
    if item is None:
        known = ", ".join(str(i["code"]) for i in items)
        raise RecognitionError(f"hồ sơ không cần giấy tờ '{code}' (cần: {known})")
    item["received"] = True
    proposal.dossier = items  # a new list, so the JSON column sees the change
    record(
        session,
        at=at,
        actor=actor,
        action="reward_proposal.document",
        entity="reward_proposal",
        entity_id=proposal.id,
        reason=f"đã nhận: {item['document']}",
    )


class Decision(NamedTuple):
    """What an authority decided on a proposal, recorded at `at` by `actor`."""

    proposal: RewardProposal
    number: str
    decided_on: dt.date
    form: RewardForm | str
    signed_by: str
    at: dt.datetime
    actor: str


def record_decision(
    session: Session,
    proposal: RewardProposal,
    *,
    number: str,
    decided_on: dt.date,
    form: RewardForm | str,
    signed_by: str,
    at: dt.datetime,
    actor: str,
    authorities: AuthorityTable | None = None,
) -> RewardDecision:
    """The authority decided: record it, write the honour roll, and reward the exemplar.

    The form granted may differ from the one proposed (an authority may grant a lower one),
    but the deciding unit must be one the award authorities table allows for that form on
    that day (models.authorities; `authorities` replaces the shipped table). Where the plan
    keeps an honour roll naming the form, the decision is written in the exemplar's unit's
    book (ghi danh), which honours the exemplar: one never honoured before is moved to
    honoured first and then to rewarded, so it ends at the furthest stage it reached.
    """
    decision = Decision(proposal, number, decided_on, form, signed_by, at, actor)
    return record_decisions(session, [decision], authorities=authorities)[0]


def record_decisions(
    session: Session,
    decisions: Sequence[Decision],
    *,
    authorities: AuthorityTable | None = None,
) -> list[RewardDecision]:
    """record_decision for many proposals in one go (a day of a national authority's decisions).

    Every decision is checked before anything is written. What the batch needs to know (which
    exemplars were ever honoured, the honour rolls' last numbers, the units and campaigns whose
    books are written) is asked once for the batch and then kept up to date here; the decisions
    are written in one INSERT and the proposals' status in one UPDATE. Before, each decision's
    questions flushed everything changed before them: a dozen statements a decision.
    """
    table = authorities or default_authorities()
    forms = [_checked_form(table, d) for d in decisions]
    twice = [i for i, n in Counter(d.proposal.id for d in decisions).items() if n > 1]
    if twice:
        raise RecognitionError(f"tờ trình #{min(twice)} đã có quyết định")
    candidates = [d.proposal.candidate for d in decisions]
    honoured = ever_moved_to(session, [c.id for c in candidates], S.HONOURED)
    registry = RegistryBook(session)
    registry.prime(candidates, [d.decided_on.year for d in decisions])
    # Plain rows in one INSERT (one per row through the ORM on SQLite, which cannot return
    # new ids in the parameters' order); the honour rolls' lines name the new ids.
    made = dict(
        inserted(
            session,
            RewardDecision,
            [
                {
                    "proposal_id": d.proposal.id,
                    "number": one_line(d.number),
                    "decided_on": d.decided_on,
                    "form": form,
                    "signed_by": one_line(d.signed_by),
                }
                for d, form in zip(decisions, forms, strict=True)
            ],
            RewardDecision.proposal_id,
            RewardDecision.id,
        )
    )
    by_id = {r.id: r for r in loaded(session, RewardDecision, made.values())}
    recorded = [by_id[made[d.proposal.id]] for d in decisions]
    for d, decision in zip(decisions, recorded, strict=True):
        set_committed_value(d.proposal, "decision", decision)
    previous = [d.proposal.status for d in decisions]
    update_rows(
        session,
        RewardProposal,
        [{"id": d.proposal.id, "status": ProposalStatus.DECIDED} for d in decisions],
    )
    for d, decision, was in zip(decisions, recorded, previous, strict=True):
        granted = f"{vn_date(d.decided_on)}: {decision.form.label}"
        cited = f"Quyết định số {decision.number} ngày {granted}"
        record(
            session,
            at=d.at,
            actor=d.actor,
            action="reward_proposal.decided",
            entity="reward_proposal",
            entity_id=d.proposal.id,
            from_status=was.value,
            to_status=ProposalStatus.DECIDED.value,
            reason=cited,
        )
        candidate = d.proposal.candidate
        entry = registry.write_decision(decision, at=d.at, actor=d.actor)
        if (
            entry is not None
            and candidate.id not in honoured
            and move_if_allowed(
                session,
                candidate,
                S.HONOURED,
                at=d.at,
                actor=d.actor,
                reason=(
                    f"ghi danh vào sổ ghi danh của {one_line(entry.unit.name)} năm {entry.year}, "
                    f"số {entry.entry_no}"
                ),
            )
        ):
            honoured.add(candidate.id)
        move_if_allowed(session, candidate, S.REWARDED, at=d.at, actor=d.actor, reason=cited)
    registry.store()
    return recorded


def _checked_form(table: AuthorityTable, d: Decision) -> RewardForm:
    """The form decided, once the decision is one the proposal and the authority allow."""
    form = parse(RewardForm, d.form, "hình thức khen thưởng")
    _check_decision(d.proposal, d.number, d.decided_on)
    authority = d.proposal.authority
    check_decider(
        table,
        form,
        unit_kind=authority.kind,
        unit_code=authority.code,
        unit_name=one_line(authority.name),
        signed_by=one_line(d.signed_by),
        decided_on=d.decided_on,
    )
    return form


def _check_decision(proposal: RewardProposal, number: str, decided_on: dt.date) -> None:
    if proposal.status == ProposalStatus.DECIDED:
        raise RecognitionError(f"tờ trình #{proposal.id} đã có quyết định")
    if proposal.status == ProposalStatus.PREPARING:
        raise RecognitionError(
            f"tờ trình #{proposal.id} chưa được trình lên cấp có thẩm quyền (hồ sơ đang hoàn thiện)"
        )
    if not number.strip():
        raise RecognitionError("cần ghi số quyết định")
    if decided_on < proposal.submitted_on:
        raise RecognitionError(
            f"ngày quyết định {vn_date(decided_on)} trước ngày trình "
            f"{vn_date(proposal.submitted_on)}"
        )
    if proposal.candidate.stage == S.WITHDRAWN:
        raise RecognitionError(f"'{proposal.candidate.name}' đã rút khỏi danh sách")


def overdue_proposals(
    session: Session,
    *,
    today: dt.date,
    calendar: WorkingCalendar,
    at: dt.datetime | None = None,
    actor: str = "system",
) -> list[RewardProposal]:
    """Every proposal past its time limit without a decision, newly overdue ones marked.

    All of them are returned, not only the new ones: escalation repeats until a decision comes.
    The audit entry is stamped `at` (default: the start of `today`, so a replay is exact).
    """
    stamp = at or at_start_of(today)
    waiting = session.scalars(
        select(RewardProposal)
        .where(
            RewardProposal.status.in_(AWAITING_DECISION),
            RewardProposal.decision_due_on < today,  # its effective last day is no earlier
        )
        .order_by(RewardProposal.decision_due_on, RewardProposal.id)
    )
    overdue = [p for p in waiting if is_decision_overdue(p, today, calendar)]
    for proposal in overdue:
        if proposal.status == ProposalStatus.SUBMITTED:
            proposal.status = ProposalStatus.OVERDUE
            record(
                session,
                at=stamp,
                actor=actor,
                action="reward_proposal.overdue",
                entity="reward_proposal",
                entity_id=proposal.id,
                from_status=ProposalStatus.SUBMITTED.value,
                to_status=ProposalStatus.OVERDUE.value,
                reason=(
                    f"{proposal.authority.code} chưa quyết định, "
                    f"hạn {vn_date(proposal.decision_due_on)}"
                ),
            )
    return overdue


# --- promote ----------------------------------------------------------------------------------


def promote(
    session: Session,
    candidate: Candidate,
    higher_campaign: Campaign,
    *,
    at: dt.datetime,
    actor: str,
) -> Candidate:
    """Send an exemplar up into the higher level's campaign; its history stays with the original.

    The new candidate starts *registered* in the higher campaign: the higher council applies its
    own criteria and vote (seed 003: units send their selected exemplars, Sở Nội vụ picks), so
    nothing the lower level decided is taken as decided there. It is registered by the lower
    campaign's issuer, who introduces it upward (and counts towards quotas such as "each
    district introduces at least 10"); the field is kept when the higher plan has the same code.
    `promoted_from` links it to the original, which moves to promoted and keeps its audit trail.
    """
    _check_promotion(candidate, higher_campaign)
    lower = candidate.campaign
    codes = {f.code for f in higher_campaign.fields}
    field = candidate.field.code if candidate.field and candidate.field.code in codes else None
    promoted = register(
        session,
        higher_campaign,
        unit=lower.issuer,
        subject=candidate.subject,
        name=candidate.name,
        subject_ref=candidate.subject_ref,
        year=at.year,
        at=at,
        actor=actor,
        field_code=field,
        description=candidate.description,
        party_member=candidate.party_member,
        subject_unit=candidate.subject_unit,
        leads_unit=candidate.leads_unit,
    )
    promoted.promoted_from = candidate
    record(
        session,
        at=at,
        actor=actor,
        action="candidate.promoted_from",
        entity="candidate",
        entity_id=promoted.id,
        reason=f"giới thiệu từ {lower.slug} (điển hình #{candidate.id})",
    )
    move(
        session,
        candidate,
        S.PROMOTED,
        at=at,
        actor=actor,
        reason=f"giới thiệu lên {higher_campaign.slug} (điển hình #{promoted.id})",
    )
    return promoted


def _check_promotion(candidate: Candidate, higher: Campaign) -> None:
    lower = candidate.campaign
    if higher.id == lower.id:
        raise RecognitionError("kế hoạch cấp trên phải khác kế hoạch hiện tại")
    if lower.parent_id is not None and lower.parent_id != higher.id:
        parent = lower.parent.slug if lower.parent else str(lower.parent_id)
        raise RecognitionError(
            f"kế hoạch {lower.slug} thực hiện kế hoạch cấp trên {parent}, không phải {higher.slug}"
        )
    require_exemplar(candidate, "giới thiệu lên cấp trên")
