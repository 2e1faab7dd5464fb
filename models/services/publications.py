"""Publicise (tuyên truyền): the texts the communication office owes and their confirmation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.lengths import check_length
from models.orm import Candidate, Unit
from models.orm.recognition import (
    Publication,
)
from models.recognition import (
    Channel,
    PublicationStatus,
    RecognitionError,
)
from models.services.audit import record
from models.services.candidates import Move, move_each
from models.services.recognition_common import (
    ExemplarView,
    S,
    allowed,
    contact_of,
    exemplar_view,
    one_line,
    render,
    require_exemplar,
)
from models.services.rows import among, chunks, inserted, loaded, update_rows
from models.text import vn_date
from models.vocabulary import ContactRole

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
    contact = contact_of(office, ContactRole.EMULATION_OFFICER) or next(iter(office.contacts), None)
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
    ids = draft_all_publications(
        session, [candidate], responsible_unit=responsible_unit, due_on=due_on, at=at, actor=actor
    )
    by_id = {p.id: p for p in loaded(session, Publication, ids)}
    return [by_id[i] for i in ids]


def draft_all_publications(
    session: Session,
    candidates: Sequence[Candidate],
    *,
    responsible_unit: Unit,
    due_on: dt.date,
    at: dt.datetime,
    actor: str,
) -> list[int]:
    """draft_publications for many exemplars at once; the ids of their texts, each exemplar's
    in the order of the channels. One query for the texts they already have, and the new ones
    written as plain rows in one multi-row INSERT, not an object each through the unit of work
    (a national year selects thousands). Every candidate is checked before anything is drafted."""
    for candidate in candidates:
        require_exemplar(candidate, "tuyên truyền")
    pending: dict[tuple[int, Channel], int] = {}
    for chunk in chunks(c.id for c in candidates):
        for publication_id, candidate_id, channel in session.execute(
            select(Publication.id, Publication.candidate_id, Publication.channel).where(
                Publication.candidate_id.in_(chunk),
                Publication.status != PublicationStatus.PUBLISHED,
            )
        ):
            pending[(candidate_id, channel)] = publication_id
    wanted: list[tuple[int, Channel]] = []
    new: list[dict[str, Any]] = []
    for candidate in candidates:
        view = exemplar_view(candidate)
        for channel in Channel:
            wanted.append((candidate.id, channel))
            if (candidate.id, channel) not in pending:
                new.append(_new_publication(candidate, channel, view, responsible_unit, due_on, at))
    created = {
        (candidate_id, channel): publication_id
        for publication_id, candidate_id, channel in inserted(
            session, Publication, new, Publication.id, Publication.candidate_id, Publication.channel
        )
    }
    for row in new:  # in the order they were drafted
        record(
            session,
            at=at,
            actor=actor,
            action="publication.due",
            entity="publication",
            entity_id=created[(row["candidate_id"], row["channel"])],
            to_status=PublicationStatus.DUE.value,
            reason=f"{row['channel'].label}: {responsible_unit.code} đăng trước ngày "
            f"{vn_date(due_on)}",
        )
    return [pending.get(key) or created[key] for key in wanted]


def _new_publication(
    candidate: Candidate,
    channel: Channel,
    view: ExemplarView,
    office: Unit,
    due_on: dt.date,
    at: dt.datetime,
) -> dict[str, Any]:
    """The row of one text owed."""
    return {
        "candidate_id": candidate.id,
        "channel": channel,
        "title": _TITLE[channel].format(name=view.name),
        "body": _publication_text(channel, view, office, at.date()),
        "status": PublicationStatus.DUE,
        "due_on": due_on,
        "responsible_unit_id": office.id,
        "created_at": at,
    }


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
    text; the texts and the exemplars they publicise are then written in one UPDATE each
    (models.services.rows), not flushed as an object apiece.
    """
    published = _with_publication(session, {c.publication.candidate_id for c in confirmations})
    stored: dict[int, dict[str, Any]] = {}  # by publication id, in the order confirmed
    moves: list[Move] = []
    for publication, raw_url, published_on, at, actor in confirmations:
        url = raw_url.strip()
        check_length(Publication.url, url, "Địa chỉ bài đăng")
        if not re.match(r"https?://\S+$", url):
            raise RecognitionError(f"địa chỉ '{url}' không hợp lệ: cần một liên kết http(s)://")
        earlier = stored.get(publication.id)
        if earlier is not None or publication.status == PublicationStatus.PUBLISHED:
            known_url = earlier["url"] if earlier else publication.url
            if known_url == url:
                continue
            known_on = earlier["published_on"] if earlier else publication.published_on
            raise RecognitionError(
                f"bài đã được xác nhận đăng ngày {vn_date(known_on)} tại {known_url}"
            )
        candidate = publication.candidate
        first = candidate.id not in published
        published.add(candidate.id)
        stored[publication.id] = {
            "id": publication.id,
            "status": PublicationStatus.PUBLISHED,
            "url": url,
            "published_on": published_on,
        }
        record(
            session,
            at=at,
            actor=actor,
            action="publication.published",
            entity="publication",
            entity_id=publication.id,
            from_status=publication.status.value,
            to_status=PublicationStatus.PUBLISHED.value,
            reason=f"{publication.channel.label}, ngày {vn_date(published_on)}: {url}",
        )
        if first:
            reason = f"đã đăng trên {publication.channel.label.lower()}: {url}"
            moves.append(Move(candidate, S.PUBLICISED, at, actor, reason))
    update_rows(session, Publication, list(stored.values()))
    move_each(session, allowed(moves))


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
