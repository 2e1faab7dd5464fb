"""The facts that name obligations' subjects, read in a few queries for many obligations.

models.subjects words a subject from plain values; this gathers them: the exemplar of a
mentor's obligation (its candidate), of a publication (and its channel) and of a reward
decision (and its proposal's number and date), the ballot of a vote, the field of a quota.
A process obligation names its publication, proposal or ballot in its occurrence
(models.process), so one IN query per kind serves a whole digest or page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from models.orm import Ballot, Candidate, Milestone, Obligation, Publication, RewardProposal
from models.phrases import occurrence_label
from models.plan import Plan
from models.process import ballot_and_member, subject_id
from models.quotas import quota_milestones
from models.services.rows import chunks
from models.subjects import Exemplar, Facts, Subject, subject_of


def exemplar_of(candidate: Candidate) -> Exemplar:
    """The exemplar as lines name it: its name and the unit that registered it."""
    return Exemplar(candidate.name, candidate.registered_by.name)


def quota_fields(plan: Plan) -> dict[str, str]:
    """The field each quota milestone counts, by name, by milestone code."""
    names = {f.code: f.name for f in plan.fields}
    return {m.id: names[q.field] for m, q in quota_milestones(plan) if q.field in names}


class Subjected(Protocol):
    """What names an obligation's subject: an Obligation, or a plain row with its names
    (models.services.due_rows)."""

    @property
    def id(self) -> int: ...
    @property
    def occurrence(self) -> str: ...
    @property
    def candidate_id(self) -> int | None: ...
    @property
    def milestone(self) -> Milestone: ...


def subjects(
    session: Session, obligations: Sequence[Subjected], plan: Plan | None = None
) -> dict[int, Subject]:
    """Each obligation's subject, by obligation id (milestones and candidates are loaded
    here if the caller has not: a digest's hundred lines cost a query per kind, not per
    line). `plan`, the campaign's, names a quota's field."""
    publications = _by_id(
        session,
        Publication,
        (subject_id(o.occurrence, "p") for o in obligations),
        selectinload(Publication.candidate).selectinload(Candidate.registered_by),
    )
    proposals = _by_id(
        session,
        RewardProposal,
        (subject_id(o.occurrence, "r") for o in obligations),
        selectinload(RewardProposal.candidate).selectinload(Candidate.registered_by),
    )
    ballots = _by_id(
        session,
        Ballot,
        (vote[0] for o in obligations if (vote := ballot_and_member(o.occurrence))),
        selectinload(Ballot.candidates),
    )
    candidates = _by_id(
        session,
        Candidate,
        (o.candidate_id for o in obligations),
        selectinload(Candidate.registered_by),
        selectinload(Candidate.mentor),
    )
    fields = quota_fields(plan) if plan is not None else {}
    out: dict[int, Subject] = {}
    for o in obligations:
        code = o.milestone.code
        facts = Facts(
            code, o.milestone.title, occurrence_label(o.occurrence), field=fields.get(code, "")
        )
        if (c := candidates.get(o.candidate_id or 0)) is not None:
            mentor = c.mentor.name if c.mentor else ""
            facts = replace(facts, exemplar=exemplar_of(c), mentor=mentor)
        if (p := publications.get(subject_id(o.occurrence, "p") or 0)) is not None:
            facts = replace(facts, exemplar=exemplar_of(p.candidate), channel=p.channel.label)
        if (r := proposals.get(subject_id(o.occurrence, "r") or 0)) is not None:
            facts = replace(
                facts,
                exemplar=exemplar_of(r.candidate),
                proposal_number=r.number or "",
                proposal_date=r.submitted_on,
                reward_form=r.form.label,
            )
        if (vote := ballot_and_member(o.occurrence)) and (b := ballots.get(vote[0])) is not None:
            facts = replace(facts, ballot=b.title, ballot_candidates=len(b.candidates))
        out[o.id] = subject_of(facts)
    return out


def subject(session: Session, obligation: Obligation, plan: Plan | None = None) -> Subject:
    """One obligation's subject (a page about it)."""
    return subjects(session, [obligation], plan)[obligation.id]


M = TypeVar("M", Publication, RewardProposal, Ballot, Candidate)


def _by_id(
    session: Session, model: type[M], ids: Iterable[int | None], *options: _AbstractLoad
) -> dict[int, M]:
    """The rows of model with these ids (None skipped), by id."""
    found: dict[int, M] = {}
    for chunk in chunks(i for i in ids if i is not None):
        for row in session.scalars(select(model).where(model.id.in_(chunk)).options(*options)):
            found[row.id] = row
    return found
