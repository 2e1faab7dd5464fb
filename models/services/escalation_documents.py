"""The công văn đôn đốc on escalation emails: which emails carry one, its number, its file.

An escalation email that asks a unit (not a leader above, not the standing body itself, not an
oversight list) carries the letter notifications.documents.escalation_letter writes, numbered
in the standing body's register under a key derived from the email's key: a sweep that is
retried (rolled back, run again) or a second worker gets the same number, and no number is
ever burnt. The letters of one sweep are printed to PDF by one LibreOffice run; where
LibreOffice is missing or fails, each email carries the .docx instead, with one warning for
the sweep. A letter never pushes an email past render.MAX_EMAIL_BYTES: the email's own lines
are trimmed to make room (render's `reserve`), the letter keeps every item.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.administrative import DocumentKind, GeneratedDocument, reference
from models.calendar import WorkingCalendar
from models.correspondence import body_in_full, signature
from models.documents import DOCX as DOCX_TYPE
from models.issuers import issuing_body, signer_of
from models.orm import Campaign, IssuedDocument, Milestone, Obligation, Unit
from models.services.document_register import register_document, registered
from models.vocabulary import ObligationStatus
from notifications.content import EmailContent
from notifications.documents import OfficeError, office_available, render_docx, to_pdf
from notifications.documents.escalation_letter import (
    TEMPLATE,
    UNIT_SYMBOL,
    LetterFacts,
    letter_context,
    overdue_items,
)
from notifications.documents.escalation_letter import subject as letter_subject
from notifications.render import Attachment, Rendered, render, weight

log = logging.getLogger(__name__)

RESPOND_WORKING_DAYS = 5
"""Working days a unit is given by the letter to send what it owes."""
LETTERS_ENV = "TDKT_ESCALATION_LETTERS"
"""How escalations carry their letter: "pdf" (the default), "docx" (no LibreOffice run: a
sweep of thousands of letters saves about 0.06 s a page) or "off" (no letter, no number)."""
PDF_TIMEOUT_BASE, PDF_SECONDS_PER_LETTER = 60.0, 1.0
"""Seconds one sweep's LibreOffice run may take: measured 1.5 s to start and 0.06-0.24 s a
letter on a shared 2-core machine (bench/documents.py), so 60 s and 1 s a letter is a generous
bound that still stops a hung run."""


@dataclass(frozen=True)
class Draft:
    """One email of a sweep before its MIME is built: its content, as rendered, and whether
    it may carry a letter (an escalation to a unit, not a leader nor an oversight list)."""

    content: EmailContent
    rendered: Rendered
    wants_letter: bool


def letter_key(email_key: str) -> str:
    """The register's key of the letter an email carries: derived from the email's key."""
    return f"cong-van-don-doc:{email_key}"[:200]


def wants_letter(content: EmailContent, writer: Unit, oversight: bool) -> bool:
    """Whether an email carries a công văn: it escalates a unit's overdue work to a reader
    who is asked ("đề nghị"), and is neither an oversight list nor to the writer itself."""
    return (
        content.kind == "escalation"
        and not content.upward
        and not oversight
        and content.recipient_unit.strip() != writer.name.strip()
        and bool(overdue_items(content))
    )


def _facts(
    writer: Unit, number: int | None, day: dt.date, calendar: WorkingCalendar
) -> LetterFacts:
    signed = signature(writer)
    return LetterFacts(
        body=issuing_body(writer),
        signer=signer_of(writer),
        number=number,
        respond_by=calendar.add_working_days(day, RESPOND_WORKING_DAYS),
        writer_name=body_in_full(writer),
        officer=signed.officer,
    )


def escalation_letter(
    session: Session,
    writer: Unit,
    content: EmailContent,
    calendar: WorkingCalendar,
    *,
    at: dt.datetime,
    actor: str,
    register: bool = True,
) -> GeneratedDocument:
    """The letter for one email; numbered in the register when `register`, else a preview
    that shows the number already given under the email's key, or leaves it blank."""
    body = issuing_body(writer)
    key = letter_key(content.key)
    kind = DocumentKind.CONG_VAN
    symbol = reference(kind, body, UNIT_SYMBOL)
    entry: IssuedDocument | None
    if register:
        entry = register_document(
            session,
            issuer=body.symbol,
            kind=kind,
            issued_on=content.day,
            subject=f"V/v {letter_subject(content)}",
            key=key,
            entity="email",
            entity_id=None,
            at=at,
            actor=actor,
            symbol=symbol,
        )
    else:
        entry = registered(session, key)
    number = entry.number if entry is not None else None
    docx = render_docx(
        TEMPLATE, letter_context(content, _facts(writer, number, content.day, calendar))
    )
    shown = entry.reference if entry is not None else None
    name = f"cong-van-don-doc-so-{entry.number:02d}" if entry else "cong-van-don-doc-du-thao"
    return GeneratedDocument(f"{name}-{content.day:%Y%m%d}.docx", docx, shown, kind)


def attach_letters(
    session: Session,
    writer: Unit,
    drafts: Sequence[Draft],
    calendar: WorkingCalendar,
    *,
    at: dt.datetime,
    actor: str = "sweep",
) -> list[Rendered]:
    """Each draft's rendering, with its letter attached where it wants one: registered, then
    printed to PDF in one batch (the .docx where that cannot be done)."""
    chosen = letters_setting()
    wanted = [i for i, d in enumerate(drafts) if d.wants_letter and chosen != "off"]
    out = [d.rendered for d in drafts]
    if not wanted:
        return out
    letters = {
        i: escalation_letter(session, writer, drafts[i].content, calendar, at=at, actor=actor)
        for i in wanted
    }
    files = _printed([letters[i] for i in wanted], pdf=chosen == "pdf")
    for i, attachment in zip(wanted, files, strict=True):
        content = replace(drafts[i].content, enclosure=_enclosure(letters[i], attachment, writer))
        out[i] = _with_attachment(content, attachment)
    return out


def _enclosure(letter: GeneratedDocument, file: Attachment, writer: Unit) -> str:
    """What the email says of its letter: "Công văn số 01/SNV-TĐKT của Sở Nội vụ tỉnh ...
    (tệp PDF)"."""
    kind = "PDF" if file.content_type == "application/pdf" else "Word"
    return f"Công văn số {letter.number} của {body_in_full(writer)} (tệp {kind})"


def letters_setting() -> str:
    """The operator's choice of LETTERS_ENV ("pdf" when unset or unknown)."""
    chosen = os.environ.get(LETTERS_ENV, "pdf").strip().lower()
    return chosen if chosen in {"pdf", "docx", "off"} else "pdf"


def _printed(letters: list[GeneratedDocument], *, pdf: bool) -> list[Attachment]:
    """The letters as PDF attachments, in one LibreOffice run; as .docx when it cannot."""
    as_docx = [Attachment(doc.filename, DOCX_TYPE, doc.docx) for doc in letters]
    if not pdf:
        return as_docx
    if not office_available():
        log.warning(
            "Không có LibreOffice: %d công văn đôn đốc được gửi kèm dưới dạng .docx", len(letters)
        )
        return as_docx
    try:
        timeout = PDF_TIMEOUT_BASE + PDF_SECONDS_PER_LETTER * len(letters)
        pdfs = to_pdf([doc.docx for doc in letters], timeout=timeout)
    except OfficeError as error:
        log.warning("Không in được công văn ra PDF (%s): gửi kèm dưới dạng .docx", error)
        return as_docx
    return [
        Attachment(doc.filename.removesuffix(".docx") + ".pdf", "application/pdf", pdf)
        for doc, pdf in zip(letters, pdfs, strict=True)
    ]


def _with_attachment(content: EmailContent, letter: Attachment) -> Rendered:
    """The email (saying what it encloses) with the letter attached, its own lines trimmed
    if it would be too heavy."""
    reserve = weight(Rendered("", "", "", (letter,))) - weight(Rendered("", "", "", ()))
    rendered = render(content, reserve=reserve)
    return replace(rendered, attachments=(*rendered.attachments, letter))


def preview_content(
    session: Session,
    campaign: Campaign,
    unit: Unit,
    day: dt.date,
    calendar: WorkingCalendar,
) -> EmailContent:
    """What an escalation to `unit` on `day` would list: its work still not done whose due
    date has passed, as the sweep's email would name it (for `tdkt document escalation-letter`)."""
    from models.services.digests import deadline_item
    from models.services.obligations import plan_of
    from models.services.subjects import subjects
    from notifications.content import PlanRef

    plan = plan_of(campaign)
    late = list(
        session.scalars(
            select(Obligation)
            .where(
                Obligation.campaign_id == campaign.id,
                Obligation.unit_id == unit.id,
                Obligation.status.in_([ObligationStatus.OPEN, ObligationStatus.OVERDUE]),
                Obligation.chase_due < day,
            )
            .order_by(Obligation.chase_due, Obligation.id)
            .limit(200)
            .options(
                selectinload(Obligation.milestone).selectinload(Milestone.recipient),
                selectinload(Obligation.unit),
            )
        )
    )
    ref = PlanRef(plan.title, plan.document.issuer_name, plan.document.number, plan.document.date)
    named = subjects(session, late, plan)
    items = tuple(
        deadline_item(o, named[o.id], "", "escalation", 1, ref, plan, calendar, day) for o in late
    )
    return EmailContent(
        key=f"preview/{campaign.slug}/{day.isoformat()}/{unit.code}",
        day=day,
        recipient_name=unit.name,
        recipient_email="",
        recipient_unit=unit.name,
        sender_name=campaign.standing_body.name,
        items=items,
    )
