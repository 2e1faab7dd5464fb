"""Reorganisations: a unit is dissolved mid-campaign and its work passes to a successor.

Vietnam's 2025 reorganisation merges communes, dissolves districts and joins departments to
others while plans are running. Opening new obligations already skips a merged unit for its
successor (models.services.obligations.Directory); this module moves what already exists, in
the caller's transaction, so that a merge is all or nothing.

What moves from a predecessor P to its successor S, and why (every ForeignKey to units.id):

- **obligations.unit_id**, every status: open ones so that S is chased for them, settled ones
  so that S's record shows what P already did, and so that the next sweep does not open for S,
  as if new, an occurrence P has settled. `next_step_on` is kept: no step is repeated, the next
  one goes to S's contacts. When S already owes the same milestone occurrence (the unique key
  milestone, unit, occurrence), S's obligation keeps the key and P's stays on P as a record,
  never chased again, with an `obligation.merged` audit entry on both:

  - P's is still chased (open, returned, overdue): it is waived, its reason naming S's.
  - P's was submitted or accepted and S's is still chased: what P sent counts for the merged
    unit, so S's is marked submitted (at P's submission time, P's documents attached to it too),
    and the standing body accepts it, or returns it if S's own part is missing (which restarts
    the chain). Acceptance is not copied: P's was accepted for P's part only.
  - otherwise (both settled, or P's waived: a waiver was granted to P, not to S): both stay.

- **contacts.unit_id**: P's people and mailboxes become S's, so nothing is lost and S's emails
  reach them. A contact S already has (same role and email, the unique key) stays on P as a
  record; what points at it and keeps being acted on (mentorships, personal links, council
  memberships) is pointed at S's identical contact. Refused instead: such a contact on the
  roll of a ballot still open (the roll is fixed at opening: close the ballot first).
- **candidates.registered_by_id** and **lead_agency_id**: S answers for P's registrations and
  quotas count them for S. `subject_unit_id` and `leads_unit_id` are kept: they say who the
  exemplar is (its yearly records are keyed by that unit's code), a fact a merger does not change.
- **field_lead_agencies**, **clusters.leader_id**, **cluster_members**: S takes P's place as a
  field's lead agency (registrations in the field answer to S) and in P's clusters and blocks.
- **publications.responsible_unit_id** (not yet published) and
  **reward_proposals.authority_unit_id** (not yet decided): S owes them now; done ones record
  who did them and are kept.
- **campaigns.standing_body_id**, **milestones.recipient_id**: S receives and reviews what was
  owed to P, and emails name S. **councils.unit_id**: P's council carries on for S (ballots
  under way finish; minutes name S).

What stays, and why:

- **campaigns.issuer_id**: who issued the plan is a fact of the document, and the plan's units
  are found under its issuer; the chase writes to the issuer's successor (models.services.chase).
- **units.parent_id** (P's children stay under P): the hierarchy is the directory file's, and a
  plan issued by P finds its units under P; escalations to a superior go to P's successor.
- **units.successor_id** of units merged into P earlier: the chain is followed (A → P → S).
- **notifications.recipient_unit_id**, emails, the audit log: history of what was sent and done.
  An email composed before the merge and not yet sent still goes out as written: it was right
  on the day it was composed, its mailbox is one of the contacts that moved, and its
  notifications hold their steps' keys, so cancelling it would drop those reminders instead
  of sending them again for S (the next step of each moved obligation goes to S by name).

P is marked dissolved by its successor, so opening code passes it by and the sweep never
writes to it. Running the same merge again moves nothing and records nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from models.orm import (
    AccessLink,
    AuditEntry,
    Ballot,
    BallotParticipation,
    Campaign,
    Candidate,
    Cluster,
    ClusterMember,
    Contact,
    Council,
    CouncilMember,
    FieldLeadAgency,
    Milestone,
    Obligation,
    Publication,
    RewardProposal,
    Unit,
)
from models.recognition import ProposalStatus
from models.services.audit import record
from models.services.locking import lock_campaigns
from models.services.merged_obligations import Duplicate, MovedObligation, Note, move_obligations
from models.voting import BallotStatus


class MergeError(ValueError):
    """A merge that cannot be done; every problem is named and nothing has been written.
    groups[i] is the index of the merge (in merge_groups) that problems[i] is about."""

    def __init__(self, problems: Sequence[str], groups: Sequence[int] = ()):
        self.problems = list(problems)
        self.groups = list(groups) or [0] * len(self.problems)
        super().__init__("\n".join(self.problems))


@dataclass
class UnitMerge:
    """What moved from one predecessor."""

    code: str
    name: str
    newly_dissolved: bool
    obligations: list[MovedObligation] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    candidates: int = 0
    contacts_moved: int = 0
    contacts_kept: int = 0  # the successor already had them (same role and email)
    others: list[str] = field(default_factory=list)  # Vietnamese: "1 cụm/khối thi đua"...

    @property
    def changed(self) -> bool:
        return bool(
            self.newly_dissolved
            or self.obligations
            or self.duplicates
            or self.candidates
            or self.contacts_moved
            or self.contacts_kept
            or self.others
        )


@dataclass(frozen=True)
class MergeResult:
    successor_code: str
    successor_name: str
    at: dt.datetime
    units: list[UnitMerge]

    @property
    def changed(self) -> bool:
        return any(u.changed for u in self.units)


def merge_units(
    session: Session,
    predecessors: Sequence[str],
    successor: str,
    *,
    at: dt.datetime,
    actor: str,
    reason: str | None = None,
) -> MergeResult:
    """Dissolve the predecessor units into successor and move what they owe, registered,
    are responsible for, and their contacts (see the module's docstring for what and why).

    Everything is checked first: MergeError names every problem before anything is written.
    The caller's transaction commits it whole. Idempotent: a second run moves nothing.
    """
    return merge_groups(session, [(predecessors, successor)], at=at, actor=actor, reason=reason)[0]


def merge_groups(
    session: Session,
    groups: Sequence[tuple[Sequence[str], str]],
    *,
    at: dt.datetime,
    actor: str,
    reason: str | None = None,
) -> list[MergeResult]:
    """Several merges (predecessors, successor) in one go, as a reorganisation file holds
    them: the campaigns are locked and the directory read once, and every merge is checked
    before any is written (MergeError.groups says which merge each problem is about)."""
    lock_campaigns(session, list(session.scalars(select(Campaign.id))))  # as a sweep would
    units = {u.id: u for u in session.scalars(select(Unit).options(selectinload(Unit.contacts)))}
    by_code = {u.code: u for u in units.values()}
    checked: list[tuple[list[str], Unit]] = []
    problems: list[str] = []
    where: list[int] = []
    for i, (predecessors, successor) in enumerate(groups):
        codes = list(dict.fromkeys(c.strip() for c in predecessors if c.strip()))
        target = by_code.get(successor.strip())
        try:
            _check(session, codes, successor.strip(), target, by_code, units)
        except MergeError as exc:
            problems += exc.problems
            where += [i] * len(exc.problems)
            continue
        assert target is not None  # _check refuses an unknown successor
        checked.append((codes, target))
    if problems:
        raise MergeError(problems, where)
    why = f"; lý do: {reason.strip()}" if reason and reason.strip() else ""
    involved = _involved(session)
    results = [
        MergeResult(
            target.code,
            target.name,
            at,
            [
                _merge_one(session, by_code[c], target, at=at, actor=actor, why=why, i=involved)
                for c in codes
            ],
        )
        for codes, target in checked
    ]
    session.flush()
    return results


def _involved(session: Session) -> set[int]:
    """Every unit a candidate, lead role, cluster, publication, proposal, campaign, milestone
    or council names: the others skip those queries (a national reorganisation merges
    thousands of communes that lead nothing). Rows only move to successors, which are never
    predecessors in the same run, so the set stays right while the merges go on."""
    columns = (
        Candidate.registered_by_id,
        Candidate.lead_agency_id,
        FieldLeadAgency.unit_id,
        Cluster.leader_id,
        ClusterMember.unit_id,
        Publication.responsible_unit_id,
        RewardProposal.authority_unit_id,
        Campaign.standing_body_id,
        Milestone.recipient_id,
        Council.unit_id,
    )
    found = (i for column in columns for i in session.scalars(select(column).distinct()))
    return {i for i in found if i is not None}


def _check(
    session: Session,
    codes: list[str],
    successor: str,
    target: Unit | None,
    by_code: dict[str, Unit],
    units: dict[int, Unit],
) -> None:
    """Every reason the merge cannot be done, raised together as one MergeError."""
    problems: list[str] = []
    if not codes:
        problems.append("cần nêu ít nhất một đơn vị bị sáp nhập")
    if target is None:
        problems.append(f"không có đơn vị mã {successor} trong danh bạ")
    for code in codes:
        if code not in by_code:
            problems.append(f"không có đơn vị mã {code} trong danh bạ")
    if target is not None and target.successor_id is not None:
        chain = target.successors()
        looped = next((c for c in codes if c in {u.code for u in chain}), None)
        if looped is not None:
            between = [u.code for u in chain[: chain.index(by_code[looped])]]
            path = " → ".join([looped, target.code, *between, looped])
            problems.append(f"sáp nhập {looped} vào {target.code} sẽ tạo vòng lặp: {path}")
        else:
            last = chain[-1] if chain else target  # (a unit stored as its own successor)
            problems.append(
                f"đơn vị {target.code} đã được sáp nhập vào {last.code} ({last.name}); "
                f"hãy sáp nhập vào {last.code}"
            )
    for code in codes:
        unit = by_code.get(code)
        if unit is None or target is None:
            continue
        if unit.id == target.id:
            problems.append(f"không thể sáp nhập đơn vị {code} vào chính nó")
            continue
        if unit.successor_id is not None and unit.successor_id != target.id:
            now_in = units[unit.successor_id]
            problems.append(
                f"đơn vị {code} đã được sáp nhập vào {now_in.code} ({now_in.name}) trước đó"
            )
        if unit.id in {u.id for u in _ancestors(target, units)}:
            problems.append(
                f"{target.code} là đơn vị cấp dưới của {code}: không thể sáp nhập một đơn vị "
                "vào đơn vị cấp dưới của chính nó"
            )
    if target is not None and not problems:
        problems += _open_ballot_twins(session, [by_code[c] for c in codes], target)
    if problems:
        raise MergeError(problems)


def _ancestors(unit: Unit, units: dict[int, Unit]) -> list[Unit]:
    out: list[Unit] = []
    seen = {unit.id}
    while unit.parent_id is not None and unit.parent_id not in seen:
        unit = units[unit.parent_id]
        seen.add(unit.id)
        out.append(unit)
    return out


def _twins(predecessor: Unit, successor: Unit) -> dict[int, Contact]:
    """The predecessor's contacts the successor already has, by id: their successor's twin."""
    theirs = {(c.role, c.email.lower()): c for c in successor.contacts}
    return {
        c.id: theirs[c.role, c.email.lower()]
        for c in predecessor.contacts
        if (c.role, c.email.lower()) in theirs
    }


def _open_ballot_twins(session: Session, predecessors: list[Unit], successor: Unit) -> list[str]:
    """A contact that cannot move (its twin is the successor's) on an open ballot's roll: who
    votes is fixed when the ballot opens, so it must close before the merge.

    The predecessors are merged in order, so one's contacts may be twins of an earlier one's.
    """
    problems = []
    keys = {(c.role, c.email.lower()) for c in successor.contacts}
    for unit in predecessors:
        twins = [c.id for c in unit.contacts if (c.role, c.email.lower()) in keys]
        keys |= {(c.role, c.email.lower()) for c in unit.contacts}
        if not twins:
            continue
        rows = session.execute(
            select(BallotParticipation.ballot_id, Contact.email, Contact.name)
            .join(Ballot, Ballot.id == BallotParticipation.ballot_id)
            .join(Contact, Contact.id == BallotParticipation.contact_id)
            .where(
                BallotParticipation.contact_id.in_(twins),
                Ballot.status == BallotStatus.OPEN,
            )
            .order_by(BallotParticipation.ballot_id)
        )
        for ballot_id, email, name in rows:
            problems.append(
                f"liên hệ {name} <{email}> của {unit.code} có tên trong phiếu bình xét "
                f"#{ballot_id} đang mở, mà {successor.code} đã có liên hệ cùng vai trò và email: "
                "hãy đóng phiếu (tdkt ballot close) trước khi sáp nhập"
            )
    return problems


def _merge_one(
    session: Session,
    unit: Unit,
    successor: Unit,
    *,
    at: dt.datetime,
    actor: str,
    why: str,
    i: set[int],
) -> UnitMerge:
    result = UnitMerge(unit.code, unit.name, newly_dissolved=unit.successor_id is None)
    moved = f"từ {unit.code} ({unit.name}) sang {successor.code} ({successor.name}) do sáp nhập"

    def note(action: str, entity: str, entity_id: int | None, text: str) -> None:
        record(
            session,
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            reason=text + why,
        )

    _move_contacts(session, unit, successor, result, note, moved)
    transferred, duplicates = move_obligations(
        session, unit, successor, note, moved, at=at, actor=actor
    )
    result.obligations += transferred
    result.duplicates += duplicates
    if unit.id in i:  # (see _involved)
        _move_candidates(session, unit, successor, result, note, moved)
        _move_the_rest(session, unit, successor, result)
    unit.successor = successor
    if result.changed:
        parts = [
            f"{len(result.obligations)} nghĩa vụ",
            f"{len(result.duplicates)} nghĩa vụ trùng",
            f"{result.candidates} nhân tố",
            f"{result.contacts_moved} liên hệ",
            *([f"{result.contacts_kept} liên hệ trùng giữ lại"] if result.contacts_kept else []),
            *result.others,
        ]
        note(
            "unit.merged",
            "unit",
            unit.id,
            f"{unit.code} ({unit.name}) sáp nhập vào {successor.code} ({successor.name}); "
            f"đã chuyển: {', '.join(parts)}",
        )
    return result


def _move_contacts(
    session: Session, unit: Unit, successor: Unit, result: UnitMerge, note: Note, moved: str
) -> None:
    """Move contacts; point what refers to one the successor already has at the successor's."""
    twins = _twins(unit, successor)
    for contact in list(unit.contacts):
        twin = twins.get(contact.id)
        if twin is None:
            contact.unit = successor
            result.contacts_moved += 1
            note(
                "contact.transferred",
                "contact",
                contact.id,
                f"chuyển liên hệ {contact.name} <{contact.email}> ({contact.role.label}) {moved}",
            )
            continue
        repointed = _repoint_contact(session, contact, twin)
        already = session.scalar(
            select(AuditEntry.id).where(
                AuditEntry.action == "contact.merged", AuditEntry.entity_id == contact.id
            )
        )
        if repointed or already is None:
            result.contacts_kept += 1
            also = f"; chuyển sang liên hệ #{twin.id}: {', '.join(repointed)}" if repointed else ""
            note(
                "contact.merged",
                "contact",
                contact.id,
                f"liên hệ {contact.name} <{contact.email}> ({contact.role.label}) của {unit.code} "
                f"trùng liên hệ #{twin.id} của {successor.code}, giữ lại ở {unit.code}{also}",
            )


def _repoint_contact(session: Session, contact: Contact, twin: Contact) -> list[str]:
    """What kept being acted on through contact now goes through its twin (same person and
    mailbox, at the successor). Closed ballots' rolls and their vote obligations are history."""
    done = []
    mentored = session.scalars(select(Candidate).where(Candidate.mentor_id == contact.id)).all()
    for candidate in mentored:
        candidate.mentor = twin
    if mentored:
        done.append(f"theo dõi {len(mentored)} nhân tố")
    personal = select(Obligation.id).where(Obligation.contact_id == contact.id)
    links = session.scalars(
        select(AccessLink).where(
            AccessLink.contact_id == contact.id, AccessLink.obligation_id.not_in(personal)
        )
    ).all()
    for link in links:
        link.contact = twin
    if links:
        done.append(f"{len(links)} liên kết cá nhân")
    councils = session.scalars(
        select(CouncilMember.council_id).where(CouncilMember.contact_id == contact.id)
    ).all()
    if councils:
        has = set(
            session.scalars(
                select(CouncilMember.council_id).where(CouncilMember.contact_id == twin.id)
            )
        )
        session.execute(
            delete(CouncilMember).where(
                CouncilMember.contact_id == contact.id, CouncilMember.council_id.in_(councils)
            )
        )
        session.add_all(
            CouncilMember(council_id=c, contact_id=twin.id) for c in councils if c not in has
        )
        done.append(f"thành viên {len(councils)} Hội đồng")
    return done


def _move_candidates(
    session: Session, unit: Unit, successor: Unit, result: UnitMerge, note: Note, moved: str
) -> None:
    """The successor registers and answers, as lead agency, for the predecessor's candidates."""
    found = session.scalars(
        select(Candidate)
        .where((Candidate.registered_by_id == unit.id) | (Candidate.lead_agency_id == unit.id))
        .order_by(Candidate.id)
    ).all()
    for candidate in found:
        roles = []
        if candidate.registered_by_id == unit.id:
            candidate.registered_by = successor
            roles.append("đơn vị đăng ký")
        if candidate.lead_agency_id == unit.id:
            candidate.lead_agency = successor
            roles.append("cơ quan chủ trì")
        result.candidates += 1
        note(
            "candidate.transferred",
            "candidate",
            candidate.id,
            f"chuyển nhân tố '{candidate.name}' ({' và '.join(roles)}) {moved}",
        )


def _hand_over(
    session: Session,
    link: type[FieldLeadAgency] | type[ClusterMember],
    other: str,
    unit: Unit,
    successor: Unit,
) -> list[int]:
    """Give the successor the unit's rows of a (unit, other) link table it does not have yet;
    returns the other ids the unit had."""
    column = getattr(link, other)
    had = list(session.scalars(select(column).where(link.unit_id == unit.id)))
    if had:
        has = set(session.scalars(select(column).where(link.unit_id == successor.id)))
        session.execute(delete(link).where(link.unit_id == unit.id))
        session.add_all(link(**{other: o, "unit_id": successor.id}) for o in had if o not in has)
    return had


def _move_the_rest(session: Session, unit: Unit, successor: Unit, result: UnitMerge) -> None:
    """Lead agencies, clusters, publications, proposals, standing bodies, recipients,
    councils: counted, and summed up in the unit's own audit entry."""
    others = result.others

    fields = _hand_over(session, FieldLeadAgency, "field_id", unit, successor)
    if fields:
        others.append(f"chủ trì {len(fields)} lĩnh vực")

    led = session.scalars(select(Cluster).where(Cluster.leader_id == unit.id)).all()
    for cluster in led:
        cluster.leader = successor
    member_of = _hand_over(session, ClusterMember, "cluster_id", unit, successor)
    if led or member_of:
        others.append(f"{len(set(member_of) | {c.id for c in led})} cụm/khối thi đua")

    owed = session.scalars(
        select(Publication).where(
            Publication.responsible_unit_id == unit.id, Publication.published_on.is_(None)
        )
    ).all()
    for publication in owed:
        publication.responsible_unit = successor
    if owed:
        others.append(f"{len(owed)} bài tuyên truyền chưa đăng")

    awaited = session.scalars(
        select(RewardProposal).where(
            RewardProposal.authority_unit_id == unit.id,
            RewardProposal.status != ProposalStatus.DECIDED,
        )
    ).all()
    for proposal in awaited:
        proposal.authority = successor
    if awaited:
        others.append(f"{len(awaited)} đề nghị khen thưởng chờ quyết định")

    bodies = session.scalars(select(Campaign).where(Campaign.standing_body_id == unit.id)).all()
    for campaign in bodies:
        campaign.standing_body = successor
    if bodies:
        others.append(f"cơ quan thường trực của {len(bodies)} kế hoạch")

    receiving = session.scalars(select(Milestone).where(Milestone.recipient_id == unit.id)).all()
    for milestone in receiving:
        milestone.recipient = successor
    if receiving:
        others.append(f"nơi nhận của {len(receiving)} mốc")

    councils = session.scalars(select(Council).where(Council.unit_id == unit.id)).all()
    for council in councils:
        council.unit = successor
    if councils:
        others.append(f"{len(councils)} Hội đồng TĐKT")
