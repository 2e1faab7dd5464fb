"""The ceremony's invitation emails, each with its giấy mời attached (issue 23).

The honour list's invitations (models.services.ceremonies.invitations: the text addressed to
the head of the exemplar's unit, who brings the exemplar along) become one email per exemplar,
written to the outbox (models.services.outbox.email_row) under a key per ceremony and exemplar
(models.services.honour_documents.invitation_key), so writing again adds only what is missing.
Each carries the exemplar's giấy mời as PDF, numbered in the organiser's register under a key
derived from the email's: a retried write never takes a second number. Where LibreOffice is
not installed the .docx is attached instead, so that no invitation waits for a printer. The
exemplars are then marked invited (models.services.ceremonies.mark_invited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.letterhead import letterhead
from models.orm import Email
from models.orm.recognition import Ceremony
from models.services.ceremonies import Invitation, invitations, mark_invited
from models.services.honour_documents import (
    Arrangements,
    ceremony_invitation,
    invitation_key,
)
from models.services.obligations import plan_of
from models.services.outbox import email_row
from models.services.rows import inserted
from notifications.content import EmailContent
from notifications.documents import office_available, to_pdf
from notifications.render import Attachment, Rendered, one_line, shorten_words
from notifications.smtp import SmtpSettings

KIND = "ceremony_invitation"
SUBJECT_MAX = 80
PDF_TIMEOUT = 300.0
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def subject(ceremony: Ceremony) -> str:
    """ "[Giấy mời] Lễ biểu dương điển hình tiên tiến nhân kỷ niệm …", at most 80 characters."""
    prefix = "[Giấy mời]"
    return f"{prefix} {shorten_words(one_line(ceremony.title), SUBJECT_MAX - len(prefix) - 1)}"


def html_of(text: str) -> str:
    """The invitation's text as HTML: one paragraph per block, lines kept, every value escaped."""
    blocks = [b for b in text.strip().split("\n\n") if b.strip()]
    return "".join(f"<p>{'<br>'.join(escape(x) for x in b.splitlines())}</p>" for b in blocks)


def invite_to_ceremony(
    session: Session,
    ceremony: Ceremony,
    *,
    at: dt.datetime,
    actor: str,
    smtp: SmtpSettings | None = None,
    pdf: bool | None = None,
    arrangements: Arrangements = Arrangements(),  # noqa: B008 (frozen: shared safely)
) -> int:
    """Write the invitation emails the ceremony's list still lacks, each with its giấy mời;
    how many. An exemplar whose unit has no head in the directory gets none (the CLI's
    honour list shows it). `pdf` None: as PDF when LibreOffice is installed."""
    waiting = _to_write(session, ceremony)
    if not waiting:
        return 0
    documents = [
        ceremony_invitation(
            session,
            ceremony,
            i.candidate,
            at=at,
            actor=actor,
            arrangements=arrangements,
        )
        for i in waiting
    ]
    as_pdf = office_available() if pdf is None else pdf
    if as_pdf:
        printed = to_pdf([d.docx for d in documents], timeout=PDF_TIMEOUT)
        files = [
            Attachment(d.filename.removesuffix(".docx") + ".pdf", "application/pdf", data)
            for d, data in zip(documents, printed, strict=True)
        ]
    else:
        files = [Attachment(d.filename, DOCX_TYPE, d.docx) for d in documents]
    smtp = smtp or SmtpSettings.from_env()
    campaign = ceremony.campaign
    head = letterhead(plan_of(campaign), campaign.standing_body.acting(), smtp.from_address)
    rows: list[dict[str, Any]] = []
    for invitation, attachment in zip(waiting, files, strict=True):
        contact = invitation.recipient
        assert contact is not None  # _to_write keeps only invitations with a recipient
        content = EmailContent(
            key=invitation_key(ceremony, invitation.candidate),
            day=at.date(),
            recipient_name=contact.name,
            recipient_email=contact.email,
            recipient_unit=contact.unit.name,
            sender_name=head.signature.body,
            items=(),
            signed_by=head.signature.body,
            officer=head.signature.officer,
            reply_to=head.signature.reply_to,
        )
        rendered = Rendered(
            subject(ceremony), invitation.text, html_of(invitation.text), (attachment,)
        )
        rows.append(
            email_row(
                content,
                rendered,
                kind=KIND,
                campaign_id=campaign.id,
                earliest_due=ceremony.held_on,
                head=head,
                smtp=smtp,
                at=at,
            )
        )
    inserted(session, Email, rows, Email.key, Email.id)
    mark_invited(session, ceremony, [i.candidate for i in waiting], at=at, actor=actor)
    return len(rows)


def _to_write(session: Session, ceremony: Ceremony) -> list[Invitation]:
    """The list's invitations with a recipient whose email is not in the outbox yet."""
    found = [i for i in invitations(session, ceremony) if i.recipient is not None]
    keys = [invitation_key(ceremony, i.candidate) for i in found]
    written = set(session.scalars(select(Email.key).where(Email.key.in_(keys))))
    return [i for i in found if invitation_key(ceremony, i.candidate) not in written]
