"""Honour (biểu dương, tôn vinh): ceremonies, their honour lists and invitations, the public
honour page. Where the plan keeps an honour roll, holding a ceremony the roll names writes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.lifecycle import CandidateStage
from models.orm import Campaign, Candidate, Contact
from models.orm.recognition import (
    Ceremony,
    HonourListEntry,
    RewardDecision,
    RewardProposal,
)
from models.recognition import (
    CeremonyKind,
    RecognitionError,
    ceremony_title,
    ceremony_year,
)
from models.services.audit import record
from models.services.honour_roll import RegistryBook
from models.services.recognition_common import (
    ON_HONOUR_PAGE,
    ExemplarView,
    S,
    contact_of,
    exemplar_view,
    move_all_allowed,
    one_line,
    parse,
    plan_citation,
    render,
)
from models.services.rows import loaded, update_rows
from models.text import vn_date, vn_weekday
from models.vocabulary import ContactRole

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
    if added:
        # Plain rows in one multi-row INSERT (a national list has thousands); the ceremony
        # reads its list again, in position order, when next asked.
        start = len(ceremony.entries) + 1
        session.execute(
            insert(HonourListEntry),
            [
                {"ceremony_id": ceremony.id, "candidate_id": c.id, "position": position}
                for position, c in enumerate(added, start=start)
            ],
        )
        session.expire(ceremony, ["entries"])
    # Every exemplar on the list in one query: its callers read each entry's candidate, which
    # would otherwise be one SELECT each for those not already loaded (earlier days' entries).
    loaded(session, Candidate, [e.candidate_id for e in ceremony.entries])
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
        return contact_of(self.candidate.registered_by, ContactRole.HEAD)


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
        head = contact_of(candidate.registered_by, ContactRole.HEAD)
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
    first: dict[int, HonourListEntry] = {}  # by candidate, in the order given
    for candidate in candidates:
        entry = entries.get(candidate.id)
        if entry is None:
            raise RecognitionError(f"'{candidate.name}' không có trong danh sách {ceremony.title}")
        if entry.invited_at is None:
            first.setdefault(candidate.id, entry)
    if first:
        # One executemany UPDATE by primary key, not a flushed object per entry.
        update_rows(
            session,
            HonourListEntry,
            [{"ceremony_id": ceremony.id, "candidate_id": i, "invited_at": at} for i in first],
        )
    for candidate_id in first:
        record(
            session,
            at=at,
            actor=actor,
            action="ceremony.invited",
            entity="candidate",
            entity_id=candidate_id,
            reason=ceremony.title,
        )


def hold_ceremony(
    session: Session, ceremony: Ceremony, *, at: dt.datetime, actor: str
) -> list[Candidate]:
    """The ceremony took place: the exemplars on its list are honoured (biểu dương, tôn vinh).

    Where the plan keeps an honour roll naming this occasion (seed 004: the biểu dương at the
    19/5 meeting is written "vào sổ ghi danh ... ở đơn vị mình"), each exemplar on the list is
    written in its unit's book, once however often the ceremony is recorded. Returns those
    moved to honoured.
    """
    reason = f"{ceremony.title}, ngày {vn_date(ceremony.held_on)}"
    RegistryBook(session).write_ceremony(
        ceremony, [e.candidate for e in ceremony.entries], at=at, actor=actor
    )
    return move_all_allowed(
        session,
        [e.candidate for e in ceremony.entries],
        S.HONOURED,
        at=at,
        actor=actor,
        reason=reason,
    )


@dataclass(frozen=True)
class FieldGroup:
    """The honour page's exemplars of one field, each with its decisions cited."""

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
