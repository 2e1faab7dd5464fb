"""Publicise, honour, reward and promote exemplars, with the audit trail of every change.

The order follows the plans (seed 004 after a decision: registry book, proposal to the higher
level, website and social media, press). Texts come from templates in deployments/templates:
this module prepares display strings (dates as dd/mm/yyyy, names on one line) so that templates
only lay text out. Data is only passed as template variables; HTML templates autoescape and the
Markdown article escapes Markdown, so a name such as "<script>" stays text everywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import jinja2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.clock import at_start_of
from models.lengths import check_length
from models.lifecycle import TRANSITIONS, CandidateStage
from models.orm import Campaign, Candidate, Contact, Unit
from models.orm.recognition import (
    Ceremony,
    HonourListEntry,
    Publication,
    RegistryEntry,
    RewardDecision,
    RewardProposal,
)
from models.recognition import (
    DECISION_TIME_LIMIT_WORKING_DAYS,
    REGISTRY,
    CeremonyKind,
    Channel,
    ProposalStatus,
    PublicationStatus,
    RecognitionError,
    RewardForm,
    ceremony_title,
    ceremony_year,
    decision_due_on,
    dossier,
    is_decision_overdue,
    next_entry_number,
)
from models.services.audit import record, record_created
from models.services.candidates import ever_moved_to, move, register
from models.services.rows import among, chunks
from models.text import vn_date, vn_weekday
from models.vocabulary import ContactRole

TEMPLATES = Path(__file__).resolve().parents[2] / "deployments" / "templates"

S = CandidateStage
EXEMPLAR = (S.SELECTED, S.PUBLICISED, S.HONOURED, S.REWARDED)
"""Stages of an exemplar of this campaign that can still be publicised, honoured, rewarded."""
ON_HONOUR_PAGE = (*EXEMPLAR, S.PROMOTED)
"""Selected onward: a promoted exemplar was this campaign's exemplar too."""

E = TypeVar("E", CeremonyKind, RewardForm, Channel)


def parse(kind: type[E], value: str | E, what: str) -> E:
    """A closed-set value from user input, or a RecognitionError listing the values allowed."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(f"{m.value} ({m.label})" for m in kind)
        raise RecognitionError(f"{what} '{value}' không hợp lệ; chỉ nhận: {allowed}") from None


# --- text -------------------------------------------------------------------------------------


def one_line(value: str) -> str:
    """Collapse whitespace, so a name cannot break a line of a text or a CSV cell."""
    return " ".join(value.split())


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def md_escape(value: str) -> str:
    """Backslash-escape what Markdown would read as markup or raw HTML ("<script>" included)."""
    return _MD_SPECIAL.sub(r"\\\1", value)


@functools.cache
def environment() -> jinja2.Environment:
    """Templates of deployments/templates; HTML autoescaped, text and Markdown as written."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2"), default_for_string=False, default=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(context)


def plan_citation(campaign: Campaign) -> str:
    """'Kế hoạch số 1837/KH-UBND ngày 04/10/2022 của Ủy ban nhân dân tỉnh Quảng Bình'."""
    number = (
        f"số {one_line(campaign.document_number)}" if campaign.document_number else "(không số)"
    )
    date = f" ngày {vn_date(campaign.document_date)}" if campaign.document_date else ""
    return f"Kế hoạch {number}{date} của {one_line(campaign.issuer.name)}"


@dataclass(frozen=True)
class ExemplarView:
    """One exemplar as every template prints it: display strings only."""

    id: int
    name: str
    subject: str  # "Tập thể"
    subject_lower: str  # "tập thể"
    unit: str
    field: str
    description: str
    year: int
    stage: str
    campaign_title: str
    plan: str
    issuer: str
    standing_body: str


def exemplar_view(candidate: Candidate) -> ExemplarView:
    campaign = candidate.campaign
    label = candidate.subject.label
    return ExemplarView(
        id=candidate.id,
        name=one_line(candidate.name),
        subject=label,
        subject_lower=label.lower(),
        unit=one_line(candidate.registered_by.name),
        field=one_line(candidate.field.name) if candidate.field else "",
        description=(candidate.description or "").strip(),
        year=candidate.year,
        stage=candidate.stage.label,
        campaign_title=one_line(campaign.title),
        plan=plan_citation(campaign),
        issuer=one_line(campaign.issuer.name),
        standing_body=one_line(campaign.standing_body.name),
    )


def _contact(unit: Unit, role: ContactRole) -> Contact | None:
    return next(iter(unit.contacts_with(role)), None)


def _require_exemplar(candidate: Candidate, doing: str) -> None:
    if candidate.stage not in EXEMPLAR:
        raise RecognitionError(
            f"'{candidate.name}' đang ở bước '{candidate.stage.label}': chỉ điển hình đã được "
            f"bình chọn mới được {doing}"
        )


def _move_if_allowed(
    session: Session,
    candidate: Candidate,
    target: CandidateStage,
    *,
    at: dt.datetime,
    actor: str,
    reason: str,
) -> bool:
    """Move when the process allows it from here; a promoted or withdrawn exemplar stays put."""
    if not _could_move(candidate, target):
        return False
    move(session, candidate, target, at=at, actor=actor, reason=reason)
    return True


def _could_move(candidate: Candidate, target: CandidateStage) -> bool:
    return candidate.stage != target and target in TRANSITIONS[candidate.stage]


# --- publicise --------------------------------------------------------------------------------

_TEMPLATE = {
    Channel.PORTAL: "article.md.j2",
    Channel.PRESS: "press_brief.txt.j2",
    Channel.SOCIAL: "social_post.txt.j2",
}
_TITLE = {
    Channel.PORTAL: "Gương điển hình tiên tiến: {name}",
    Channel.PRESS: "Thông cáo báo chí: giới thiệu điển hình tiên tiến {name}",
    Channel.SOCIAL: "Lan tỏa điển hình tiên tiến: {name}",
}
SOCIAL_TEXT_LIMIT = 280
"""The social post quotes at most this much of the achievements: it links to the article."""


def _shorten(value: str, limit: int) -> str:
    text = one_line(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _publication_text(
    channel: Channel, view: ExemplarView, office: Unit, drafted_on: dt.date
) -> str:
    contact = _contact(office, ContactRole.EMULATION_OFFICER) or next(iter(office.contacts), None)
    return render(
        _TEMPLATE[channel],
        e=view,
        office=one_line(office.name),
        contact=f"{one_line(contact.name)}, {contact.email}" if contact else one_line(office.name),
        drafted_on=vn_date(drafted_on),
        summary=_shorten(view.description, SOCIAL_TEXT_LIMIT),
    )


def draft_publications(
    session: Session,
    candidate: Candidate,
    *,
    responsible_unit: Unit,
    due_on: dt.date,
    at: dt.datetime,
    actor: str,
) -> list[Publication]:
    """A portal article, a press brief and a social post the communication office owes.

    Each is due on `due_on` (status 'due'): a publication obligation, not only a text. A channel
    that already has an unpublished text keeps it (the office may have edited it), so drafting
    twice never doubles an obligation; once published, a later call drafts a new one.
    """
    return draft_all_publications(
        session, [candidate], responsible_unit=responsible_unit, due_on=due_on, at=at, actor=actor
    )


def draft_all_publications(
    session: Session,
    candidates: Sequence[Candidate],
    *,
    responsible_unit: Unit,
    due_on: dt.date,
    at: dt.datetime,
    actor: str,
) -> list[Publication]:
    """draft_publications for many exemplars at once: one query for the texts they already
    have and one flush for all, instead of both per exemplar (a national year selects
    thousands). Every candidate is checked before anything is drafted."""
    for candidate in candidates:
        _require_exemplar(candidate, "tuyên truyền")
    pending: dict[tuple[int, Channel], Publication] = {}
    for chunk in chunks(c.id for c in candidates):
        for p in session.scalars(
            select(Publication).where(
                Publication.candidate_id.in_(chunk),
                Publication.status != PublicationStatus.PUBLISHED,
            )
        ):
            pending[(p.candidate_id, p.channel)] = p
    out: list[Publication] = []
    new: list[Publication] = []
    for candidate in candidates:
        view = exemplar_view(candidate)
        for channel in Channel:
            publication = pending.get((candidate.id, channel))
            if publication is None:
                publication = _new_publication(
                    session, candidate, channel, view, responsible_unit, due_on, at
                )
                new.append(publication)
            out.append(publication)
    record_created(
        session,
        new,
        at=at,
        actor=actor,
        action="publication.due",
        entity="publication",
        to_status=PublicationStatus.DUE.value,
        reason=lambda p: (
            f"{p.channel.label}: {responsible_unit.code} đăng trước ngày {vn_date(due_on)}"
        ),
    )
    return out


def _new_publication(
    session: Session,
    candidate: Candidate,
    channel: Channel,
    view: ExemplarView,
    office: Unit,
    due_on: dt.date,
    at: dt.datetime,
) -> Publication:
    publication = Publication(
        candidate=candidate,
        channel=channel,
        title=_TITLE[channel].format(name=view.name),
        body=_publication_text(channel, view, office, at.date()),
        status=PublicationStatus.DUE,
        due_on=due_on,
        responsible_unit=office,
        created_at=at,
    )
    session.add(publication)
    return publication


class Confirmation(NamedTuple):
    """The office says a text went out: where, on which day, recorded at `at` by `actor`."""

    publication: Publication
    url: str
    published_on: dt.date
    at: dt.datetime
    actor: str


def confirm_publication(
    session: Session,
    publication: Publication,
    *,
    url: str,
    published_on: dt.date,
    at: dt.datetime,
    actor: str,
) -> None:
    """The office has published: record where and when; the first one publicises the exemplar.

    Confirming again with the same address changes nothing (a retried command); another address
    for a published text is refused, since the record would lie about one of them.
    """
    confirm_publications(session, [Confirmation(publication, url, published_on, at, actor)])


def confirm_publications(session: Session, confirmations: Sequence[Confirmation]) -> None:
    """confirm_publication for many texts in one go (a day of a national office's articles).

    Which exemplars already had a text out is asked once for the whole batch, not once per
    text: each question would first flush everything changed before it.
    """
    published = _with_publication(session, {c.publication.candidate_id for c in confirmations})
    for publication, raw_url, published_on, at, actor in confirmations:
        url = raw_url.strip()
        check_length(Publication.url, url, "Địa chỉ bài đăng")
        if not re.match(r"https?://\S+$", url):
            raise RecognitionError(f"địa chỉ '{url}' không hợp lệ: cần một liên kết http(s)://")
        if publication.status == PublicationStatus.PUBLISHED:
            if publication.url == url:
                continue
            raise RecognitionError(
                f"bài đã được xác nhận đăng ngày {vn_date(publication.published_on)} tại "
                f"{publication.url}"
            )
        candidate = publication.candidate
        first = candidate.id not in published
        published.add(candidate.id)
        previous = publication.status
        publication.status = PublicationStatus.PUBLISHED
        publication.url = url
        publication.published_on = published_on
        record(
            session,
            at=at,
            actor=actor,
            action="publication.published",
            entity="publication",
            entity_id=publication.id,
            from_status=previous.value,
            to_status=PublicationStatus.PUBLISHED.value,
            reason=f"{publication.channel.label}, ngày {vn_date(published_on)}: {url}",
        )
        if first:
            _move_if_allowed(
                session,
                candidate,
                S.PUBLICISED,
                at=at,
                actor=actor,
                reason=f"đã đăng trên {publication.channel.label.lower()}: {url}",
            )


def _with_publication(session: Session, candidate_ids: Iterable[int]) -> set[int]:
    """Those of the candidates with a published text."""
    return among(
        session,
        Publication.candidate_id,
        candidate_ids,
        Publication.status == PublicationStatus.PUBLISHED,
    )


def overdue_publications(
    session: Session, *, today: dt.date, calendar: WorkingCalendar
) -> list[Publication]:
    """Publications still owed after their (working-day) due date: for the office's reminders."""
    due = session.scalars(
        select(Publication)
        .where(Publication.status == PublicationStatus.DUE, Publication.due_on < today)
        .order_by(Publication.due_on, Publication.id)
    )
    return [p for p in due if today > calendar.effective_due(p.due_on)]


# --- honour -----------------------------------------------------------------------------------


def compile_honour_list(
    session: Session,
    campaign: Campaign,
    *,
    kind: CeremonyKind | str,
    held_on: dt.date,
    at: dt.datetime,
    actor: str,
    year: int | None = None,
    title: str | None = None,
) -> Ceremony:
    """The ceremony of that kind and year, with every selected or publicised exemplar added.

    One ceremony per campaign, kind and year: compiling again adds the exemplars selected since
    (nobody twice) and moves the date if it changed. `year` defaults to the year honoured
    (a year-end review held in January-March honours the year before).
    """
    kind = parse(CeremonyKind, kind, "loại buổi lễ")
    year = year if year is not None else ceremony_year(kind, held_on)
    if not campaign.period_start <= year <= campaign.period_end:
        raise RecognitionError(
            f"năm {year} nằm ngoài giai đoạn {campaign.period_start}-{campaign.period_end}"
        )
    ceremony = _ceremony(session, campaign, kind, year, held_on, title, at, actor)
    listed = {e.candidate_id for e in ceremony.entries}
    # Only those selected by the ceremony (a replay may rerun a past one on a later database).
    waiting = [
        c
        for c in _candidates(session, campaign, (S.SELECTED, S.PUBLICISED))
        if c.stage_changed_at <= at
    ]
    added = [c for c in _honour_order(waiting) if c.id not in listed]
    for position, candidate in enumerate(added, start=len(ceremony.entries) + 1):
        ceremony.entries.append(HonourListEntry(candidate=candidate, position=position))
    session.flush()
    record(
        session,
        at=at,
        actor=actor,
        action="ceremony.compiled",
        entity="ceremony",
        entity_id=ceremony.id,
        reason=f"{ceremony.title}: thêm {len(added)}, tổng {len(ceremony.entries)} điển hình",
    )
    return ceremony


def _ceremony(
    session: Session,
    campaign: Campaign,
    kind: CeremonyKind,
    year: int,
    held_on: dt.date,
    title: str | None,
    at: dt.datetime,
    actor: str,
) -> Ceremony:
    """The existing ceremony of that kind and year (its date updated), or a new one."""
    ceremony = session.scalar(
        select(Ceremony).where(
            Ceremony.campaign_id == campaign.id, Ceremony.kind == kind, Ceremony.year == year
        )
    )
    if ceremony is None:
        name = title or ceremony_title(kind, year, (campaign.period_start, campaign.period_end))
        ceremony = Ceremony(campaign=campaign, kind=kind, year=year, held_on=held_on, title=name)
        session.add(ceremony)
        session.flush()
    elif ceremony.held_on != held_on:
        record(
            session,
            at=at,
            actor=actor,
            action="ceremony.rescheduled",
            entity="ceremony",
            entity_id=ceremony.id,
            reason=f"từ ngày {vn_date(ceremony.held_on)} sang ngày {vn_date(held_on)}",
        )
        ceremony.held_on = held_on
    return ceremony


def _candidates(
    session: Session, campaign: Campaign, stages: Iterable[CandidateStage]
) -> list[Candidate]:
    return list(
        session.scalars(
            select(Candidate).where(
                Candidate.campaign_id == campaign.id, Candidate.stage.in_(list(stages))
            )
        )
    )


_SUBJECT_ORDER = {"collective": 0, "individual": 1, "household": 2}


def _honour_order(candidates: Iterable[Candidate]) -> list[Candidate]:
    """By field as the plan lists them (none last), collectives first, then by name."""
    return sorted(
        candidates,
        key=lambda c: (
            c.field.position if c.field else 10**6,
            _SUBJECT_ORDER[c.subject.value],
            c.name.casefold(),
            c.id,
        ),
    )


class Invitation(NamedTuple):
    """(exemplar, giấy mời text); `recipient` is whom the outbox should send it to."""

    candidate: Candidate
    text: str

    @property
    def recipient(self) -> Contact | None:
        """The head (thủ trưởng) of the registering unit, who brings the exemplar along."""
        return _contact(self.candidate.registered_by, ContactRole.HEAD)


def invitations(session: Session, ceremony: Ceremony) -> list[Invitation]:
    """A rendered invitation per exemplar on the list, addressed to its unit's head.

    Nothing is sent or marked here: the outbox routes them and calls `mark_invited`.
    """
    campaign = ceremony.campaign
    context = {
        "issuer": one_line(campaign.issuer.name),
        "issuer_upper": one_line(campaign.issuer.name).upper(),
        "standing_body": one_line(campaign.standing_body.name),
        "title": one_line(ceremony.title),
        "title_lower": _lower_first(one_line(ceremony.title)),
        "held_on": vn_date(ceremony.held_on),
        "weekday": vn_weekday(ceremony.held_on),
    }
    out = []
    for entry in ceremony.entries:
        candidate = entry.candidate
        head = _contact(candidate.registered_by, ContactRole.HEAD)
        unit = one_line(candidate.registered_by.name)
        text = render(
            "invitation.txt.j2",
            e=exemplar_view(candidate),
            addressee=f"{one_line(head.name)}, {unit}" if head else f"Thủ trưởng {unit}",
            invitee=f"đồng chí {one_line(head.name)}" if head else f"lãnh đạo {unit}",
            **context,
        )
        out.append(Invitation(candidate, text))
    return out


def _lower_first(value: str) -> str:
    return value[:1].lower() + value[1:]


def mark_invited(
    session: Session,
    ceremony: Ceremony,
    candidates: Iterable[Candidate],
    *,
    at: dt.datetime,
    actor: str,
) -> None:
    """Record that the invitations went out (the first time only for each exemplar).

    Many at once: a national ceremony lists thousands, and looking each one up in the list
    would cost the list's length every time.
    """
    entries = {e.candidate_id: e for e in ceremony.entries}
    for candidate in candidates:
        entry = entries.get(candidate.id)
        if entry is None:
            raise RecognitionError(f"'{candidate.name}' không có trong danh sách {ceremony.title}")
        if entry.invited_at is None:
            entry.invited_at = at
            record(
                session,
                at=at,
                actor=actor,
                action="ceremony.invited",
                entity="candidate",
                entity_id=candidate.id,
                reason=ceremony.title,
            )


def hold_ceremony(
    session: Session, ceremony: Ceremony, *, at: dt.datetime, actor: str
) -> list[Candidate]:
    """The ceremony took place: the exemplars on its list are honoured (biểu dương, tôn vinh)."""
    reason = f"{ceremony.title}, ngày {vn_date(ceremony.held_on)}"
    return [
        e.candidate
        for e in ceremony.entries
        if _move_if_allowed(session, e.candidate, S.HONOURED, at=at, actor=actor, reason=reason)
    ]


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
) -> RewardProposal:
    """A tờ trình to the authority (or the higher level), due for a decision in working days.

    One undecided proposal per exemplar at a time: a second would split the dossier and the
    chase. `documents` replaces the default dossier (models.recognition.DOSSIER).
    """
    (proposal,) = propose_rewards(
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
    )
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
) -> list[RewardProposal]:
    """propose_reward for many exemplars at once: one query for the proposals still open and
    one flush for all. Every candidate is checked before anything is proposed."""
    form = parse(RewardForm, form, "hình thức khen thưởng")
    for candidate in candidates:
        _require_exemplar(candidate, "đề nghị khen thưởng")
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
    for candidate in candidates:
        if candidate.id in undecided:
            raise RecognitionError(f"'{candidate.name}' đã có tờ trình đang chờ quyết định")
    due_on = decision_due_on(submitted_on, calendar, limit_working_days)
    proposals = [
        RewardProposal(
            candidate=candidate,
            authority=authority,
            form=form,
            submitted_on=submitted_on,
            decision_due_on=due_on,
            status=ProposalStatus.SUBMITTED,
            dossier=dossier(form, documents),
            created_at=at,
        )
        for candidate in candidates
    ]
    session.add_all(proposals)
    record_created(
        session,
        proposals,
        at=at,
        actor=actor,
        action="reward_proposal.submitted",
        entity="reward_proposal",
        to_status=ProposalStatus.SUBMITTED.value,
        reason=lambda p: (
            f"đề nghị {authority.code} tặng {form.label} cho '{p.candidate.name}'; "
            f"hạn quyết định {vn_date(p.decision_due_on)}"
        ),
    )
    return proposals


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
) -> RewardDecision:
    """The authority decided: record it, write the registry book, and reward the exemplar.

    The form granted may differ from the one proposed (an authority may grant a lower one).
    Writing the registry book (ghi danh) honours the exemplar, so one never honoured before is
    moved to honoured first and then to rewarded: it ends at the furthest stage it reached.
    """
    decision = Decision(proposal, number, decided_on, form, signed_by, at, actor)
    return record_decisions(session, [decision])[0]


def record_decisions(session: Session, decisions: Sequence[Decision]) -> list[RewardDecision]:
    """record_decision for many proposals in one go (a day of a national authority's decisions).

    The registry book's last numbers and which exemplars were ever honoured are asked once for
    the batch and then kept up to date here, instead of being asked (each question first
    flushing everything changed before it) once per decision.
    """
    candidates = [d.proposal.candidate for d in decisions]
    honoured = ever_moved_to(session, [c.id for c in candidates], S.HONOURED)
    registry = _RegistryBook(session)
    recorded = []
    for proposal, number, decided_on, raw_form, signed_by, at, actor in decisions:
        form = parse(RewardForm, raw_form, "hình thức khen thưởng")
        _check_decision(proposal, number, decided_on)
        decision = RewardDecision(
            proposal=proposal,
            number=one_line(number),
            decided_on=decided_on,
            form=form,
            signed_by=one_line(signed_by),
        )
        session.add(decision)
        previous = proposal.status
        proposal.status = ProposalStatus.DECIDED
        cited = f"Quyết định số {decision.number} ngày {vn_date(decided_on)}: {form.label}"
        record(
            session,
            at=at,
            actor=actor,
            action="reward_proposal.decided",
            entity="reward_proposal",
            entity_id=proposal.id,
            from_status=previous.value,
            to_status=ProposalStatus.DECIDED.value,
            reason=cited,
        )
        candidate = proposal.candidate
        entry = registry.write(decision, at=at, actor=actor)
        if candidate.id not in honoured and _move_if_allowed(
            session,
            candidate,
            S.HONOURED,
            at=at,
            actor=actor,
            reason=f"ghi danh vào sổ ghi danh năm {entry.year}, số {entry.entry_no}",
        ):
            honoured.add(candidate.id)
        _move_if_allowed(session, candidate, S.REWARDED, at=at, actor=actor, reason=cited)
        recorded.append(decision)
    return recorded


def _check_decision(proposal: RewardProposal, number: str, decided_on: dt.date) -> None:
    if proposal.status == ProposalStatus.DECIDED:
        raise RecognitionError(f"tờ trình #{proposal.id} đã có quyết định")
    if not number.strip():
        raise RecognitionError("cần ghi số quyết định")
    if decided_on < proposal.submitted_on:
        raise RecognitionError(
            f"ngày quyết định {vn_date(decided_on)} trước ngày trình "
            f"{vn_date(proposal.submitted_on)}"
        )
    if proposal.candidate.stage == S.WITHDRAWN:
        raise RecognitionError(f"'{proposal.candidate.name}' đã rút khỏi danh sách")


class _RegistryBook:
    """The campaigns' registry books while decisions are written: each year's last number is
    read once (the largest, not every number: a year may hold thousands), then counted here."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.last: dict[tuple[int, int], int] = {}

    def write(self, decision: RewardDecision, *, at: dt.datetime, actor: str) -> RegistryEntry:
        """The next line of the campaign's registry book for the decision's year."""
        candidate = decision.proposal.candidate
        year = decision.decided_on.year
        book = (candidate.campaign_id, year)
        if book not in self.last:
            self.last[book] = (
                self.session.scalar(
                    select(func.max(RegistryEntry.entry_no)).where(
                        RegistryEntry.campaign_id == candidate.campaign_id,
                        RegistryEntry.book == REGISTRY,
                        RegistryEntry.year == year,
                    )
                )
                or 0
            )
        self.last[book] = next_entry_number([self.last[book]])
        entry = RegistryEntry(
            campaign_id=candidate.campaign_id,
            candidate=candidate,
            decision=decision,
            book=REGISTRY,
            year=year,
            entry_no=self.last[book],
            entered_on=max(at.date(), decision.decided_on),  # never before the decision
        )
        self.session.add(entry)
        record(
            self.session,
            at=at,
            actor=actor,
            action="registry.entered",
            entity="candidate",
            entity_id=candidate.id,
            reason=f"sổ ghi danh năm {year}, số {entry.entry_no}",
        )
        return entry


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
        .where(RewardProposal.status != ProposalStatus.DECIDED)
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
    _require_exemplar(candidate, "giới thiệu lên cấp trên")


# --- the registry book and the honour page ----------------------------------------------------


@dataclass(frozen=True)
class RegistryRow:
    """One line of the registry book, as printed."""

    entry_no: int
    year: int
    entered_on: str
    name: str
    subject: str
    unit: str
    field: str
    form: str
    decision_number: str
    decided_on: str
    signed_by: str


REGISTRY_COLUMNS = (
    "Số thứ tự",
    "Năm",
    "Ngày ghi danh",
    "Tên tập thể, cá nhân, hộ gia đình",
    "Loại",
    "Đơn vị",
    "Lĩnh vực",
    "Hình thức khen thưởng",
    "Số quyết định",
    "Ngày quyết định",
    "Người ký",
)


def registry_rows(session: Session, campaign: Campaign) -> list[RegistryRow]:
    """The campaign's registry book in order: by year, then entry number."""
    entries = session.scalars(
        select(RegistryEntry)
        .where(RegistryEntry.campaign_id == campaign.id, RegistryEntry.book == REGISTRY)
        .order_by(RegistryEntry.year, RegistryEntry.entry_no)
    )
    return [_registry_row(e) for e in entries]


def _registry_row(entry: RegistryEntry) -> RegistryRow:
    view = exemplar_view(entry.candidate)
    decision = entry.decision
    return RegistryRow(
        entry_no=entry.entry_no,
        year=entry.year,
        entered_on=vn_date(entry.entered_on),
        name=view.name,
        subject=view.subject,
        unit=view.unit,
        field=view.field,
        form=decision.form.label,
        decision_number=decision.number,
        decided_on=vn_date(decision.decided_on),
        signed_by=decision.signed_by,
    )


def _csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading =, +, -, @ would be run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_registry(session: Session, campaign: Campaign, *, fmt: str) -> str:
    """The registry book (sổ ghi danh) as CSV for spreadsheets or as a printable HTML page.

    `fmt` is "csv" or "html"; anything else is refused in Vietnamese (it comes from the CLI).
    """
    rows = registry_rows(session, campaign)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(REGISTRY_COLUMNS)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in vars(row).values()])
        return out.getvalue()
    if fmt == "html":
        return render(
            "registry.html.j2",
            rows=rows,
            columns=REGISTRY_COLUMNS,
            campaign=one_line(campaign.title),
            plan=plan_citation(campaign),
            issuer=one_line(campaign.issuer.name),
        )
    raise RecognitionError(f"định dạng '{fmt}' không hỗ trợ; chỉ nhận: csv, html")


@dataclass(frozen=True)
class FieldGroup:
    name: str
    exemplars: list[tuple[ExemplarView, list[str]]]  # (exemplar, decisions cited)


def honour_page(session: Session, campaign: Campaign, *, as_of: dt.date | None = None) -> str:
    """A static, self-contained public page of the campaign's exemplars, grouped by field.

    Inline CSS only: no script, no external font, image or stylesheet, so it opens from a file
    or any web server and shows the same everywhere. Every value is autoescaped.
    """
    candidates = _honour_order(_candidates(session, campaign, ON_HONOUR_PAGE))
    decisions = _decisions(session, [c.id for c in candidates])
    groups: dict[str, FieldGroup] = {}
    for candidate in candidates:
        name = one_line(candidate.field.name) if candidate.field else "Lĩnh vực khác"
        group = groups.setdefault(name, FieldGroup(name, []))
        group.exemplars.append((exemplar_view(candidate), decisions.get(candidate.id, [])))
    return render(
        "honour_page.html.j2",
        groups=list(groups.values()),
        total=len(candidates),
        campaign=one_line(campaign.title),
        plan=plan_citation(campaign),
        issuer=one_line(campaign.issuer.name),
        period=f"{campaign.period_start}-{campaign.period_end}",
        as_of=vn_date(as_of) if as_of else "",
    )


def _decisions(session: Session, candidate_ids: list[int]) -> dict[int, list[str]]:
    """Each exemplar's decisions, oldest first, cited as people write them."""
    rows = session.execute(
        select(RewardProposal.candidate_id, RewardDecision)
        .join(RewardDecision.proposal)
        .where(RewardProposal.candidate_id.in_(candidate_ids))
        .order_by(RewardDecision.decided_on, RewardDecision.id)
    ).all()
    out: dict[int, list[str]] = {}
    for candidate_id, d in rows:
        out.setdefault(candidate_id, []).append(
            f"{d.form.label} — Quyết định số {d.number} ngày {vn_date(d.decided_on)}"
        )
    return out
