"""The dossier's generated documents: the tờ trình with its danh sách, the báo cáo thành tích
prefilled for a nominee, the mục lục hồ sơ, and the dossier's zip that holds them with the
uploaded pieces (Luật Thi đua, khen thưởng 2022, Điều 84).

The words come from models.dossier_content, the frame from models.administrative, the files
from notifications.documents (templates an office can override by name: to_trinh_khen_thuong,
bao_cao_thanh_tich, muc_luc_ho_so). The council's minutes are
models.services.minutes_documents.council_minutes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.administrative import DocumentKind, GeneratedDocument, Signer, number_text, reference
from models.administrative import header_context as frame
from models.dossier import GEN_MINUTES, GEN_TO_TRINH
from models.dossier_content import (
    Nominee,
    RecordLine,
    index_body,
    nominee_annex,
    proposal_body,
    proposal_subject,
    report_body,
    report_signatures,
    report_subject,
)
from models.issuers import head_title, issuing_body, signer_of
from models.orm import Ballot, Candidate, Contact, Unit, YearRecord
from models.orm.recognition import RewardProposal
from models.recognition import RewardForm
from models.services.document_register import register_document
from models.services.dossier import council_ballots
from models.services.dossier_zip import Entry, IndexLine, dossier_zip, stable_docx
from models.services.minutes_documents import council_minutes
from models.text import vn_date
from models.vocabulary import SubjectKind
from notifications.documents import office_available, render_docx, to_pdf

PDF_TIMEOUT = 120.0
"""The longest one LibreOffice batch may take for a dossier's few documents."""


def _position(session: Session, candidate: Candidate) -> str | None:
    """The nominee's position: the directory's, when the nominee is one of its unit's contacts;
    the head of the unit it leads; else None (left for the unit to fill)."""
    if candidate.subject != SubjectKind.INDIVIDUAL:
        return None
    contact = session.scalar(
        select(Contact)
        .where(Contact.unit_id == candidate.registered_by_id, Contact.name == candidate.name)
        .order_by(Contact.id)
        .limit(1)
    )
    if contact is not None and contact.position:
        return contact.position
    if candidate.leads_unit is not None:
        return f"Thủ trưởng {candidate.leads_unit.name}"
    return None


def nominee(session: Session, candidate: Candidate, form: RewardForm) -> Nominee:
    """What the documents say of a candidate: name, unit, position, field and its records."""
    records = session.scalars(
        select(YearRecord)
        .where(YearRecord.subject_ref == candidate.subject_ref, YearRecord.kind != "breach")
        .order_by(YearRecord.year, YearRecord.id)
    )
    return Nominee(
        name=candidate.name,
        collective=candidate.subject == SubjectKind.COLLECTIVE,
        unit=(candidate.subject_unit or candidate.registered_by).name,
        position=_position(session, candidate),
        field=candidate.field.name if candidate.field is not None else None,
        form=form.label,
        description=candidate.description,
        records=tuple(RecordLine(r.year, r.kind, r.value, r.note) for r in records),
    )


def letter_proposals(session: Session, proposal: RewardProposal) -> list[RewardProposal]:
    """The proposals one tờ trình lists: those of the campaign sharing its number (a day's
    proposals are one tờ trình), or the proposal alone when it has none."""
    if proposal.number is None:
        return [proposal]
    return list(
        session.scalars(
            select(RewardProposal)
            .join(RewardProposal.candidate)
            .where(
                RewardProposal.number == proposal.number,
                RewardProposal.form == proposal.form,
                Candidate.campaign_id == proposal.candidate.campaign_id,
            )
            .order_by(RewardProposal.id)
        )
    )


def proposal_number(
    session: Session,
    proposer: Unit,
    *,
    issued_on: dt.date,
    subject: str,
    key: str,
    at: dt.datetime,
    actor: str,
    entity_id: int | None = None,
) -> str:
    """The number of a tờ trình the proposer issues ("05/TTr-SNV"), from its register: one
    sequence with its other documents of the year (Nghị định 30/2020 Điều 15), given once per
    `key` (a day's proposals of a campaign share one tờ trình)."""
    body = issuing_body(proposer)
    symbol = reference(DocumentKind.TO_TRINH, body)
    entry = register_document(
        session,
        issuer=proposer.code,
        kind=DocumentKind.TO_TRINH,
        issued_on=issued_on,
        subject=subject,
        key=key,
        entity="reward_proposal" if entity_id is not None else None,
        entity_id=entity_id,
        at=at,
        actor=actor,
        symbol=symbol,
    )
    return f"{number_text(entry.number)}/{symbol}"


def proposal_letter(
    session: Session, proposal: RewardProposal, *, at: dt.datetime, actor: str
) -> GeneratedDocument:
    """The tờ trình đề nghị khen thưởng with its danh sách, from the campaign's standing body
    to the authority. Its number is the proposal's (số 3/TTr-SNV, which the chase cites), or
    one the register gives, once, under the proposal's key."""
    campaign = proposal.candidate.campaign
    proposer = campaign.standing_body
    body = issuing_body(proposer)
    listed = letter_proposals(session, proposal)
    nominees = [nominee(session, p.candidate, p.form) for p in listed]
    subject = proposal_subject(proposal.form.label, nominees)
    number = proposal.number or proposal_number(
        session,
        proposer,
        issued_on=proposal.submitted_on,
        subject=subject,
        key=f"to-trinh:reward-proposal:{proposal.id}",
        entity_id=proposal.id,
        at=at,
        actor=actor,
    )
    signer = signer_of(proposer)
    addressee = _addressee(proposal.authority, proposer)
    context = frame(
        body, DocumentKind.TO_TRINH, None, proposal.submitted_on, subject, signer, [addressee]
    )
    ballots = council_ballots(session, [p.candidate_id for p in listed])
    meeting = _meeting(ballots.get(proposal.candidate_id))
    context |= {
        "number_line": f"Số: {number}",
        "addressees": [addressee],
        "paragraphs": proposal_body(
            proposer=proposer.name,
            authority=addressee,
            form=proposal.form.label,
            campaign=campaign.title,
            nominees=nominees,
            council_meeting=meeting,
        ),
        "annex": nominee_annex(proposal.form.label, number, nominees),
    }
    return GeneratedDocument(
        filename=f"to-trinh-{proposal.id}.docx",
        docx=render_docx("to_trinh_khen_thuong", context),
        number=number,
        kind=DocumentKind.TO_TRINH,
    )


def _addressee(authority: Unit, proposer: Unit) -> str:
    """Whom the tờ trình asks: the authority; where the proposing body is the authority itself
    (a Sở's Giấy khen), its head by position, since no body proposes to itself."""
    if authority.id != proposer.id:
        return authority.name
    return f"{head_title(authority)} {authority.name}"


def _meeting(ballot: Ballot | None) -> str | None:
    if ballot is None or ballot.closed_at is None:
        return None
    return (
        f"biên bản họp xét và kết quả bỏ phiếu kín của {ballot.council.name} "
        f"ngày {vn_date(ballot.closed_at.date())}"
    )


def achievement_report(
    session: Session, candidate: Candidate, form: RewardForm, *, on: dt.date
) -> GeneratedDocument:
    """The báo cáo thành tích prefilled for a nominee: the unit completes, signs and sends it
    back (it joins the dossier as an upload, confirmed by the level proposing)."""
    facts = nominee(session, candidate, form)
    unit = candidate.subject_unit or candidate.registered_by
    body = issuing_body(unit)
    left, right = report_signatures(facts)
    context: dict[str, Any] = frame(
        body,
        DocumentKind.BAO_CAO,
        None,
        on,
        report_subject(facts),
        Signer("", "", ""),
        [],
    )
    context |= {
        "number_line": "",  # the nominee's own report, not a numbered document of the unit
        "place_date": f"{body.place}, ngày …… tháng …… năm {on.year}",
        "recipients": [],
        "paragraphs": report_body(facts),
        "confirm_title": left,
        "confirm_name": "",
        "reporter_title": right,
        "reporter_name": "" if facts.collective else facts.name,
    }
    return GeneratedDocument(
        filename=f"bao-cao-thanh-tich-{candidate.id}.docx",
        docx=render_docx("bao_cao_thanh_tich", context),
        number=None,
        kind=DocumentKind.BAO_CAO,
    )


def dossier_index(
    proposal: RewardProposal, lines: Sequence[IndexLine], *, on: dt.date
) -> GeneratedDocument:
    """The mục lục hồ sơ: every piece of the dossier, whether present, and its files."""
    proposer = proposal.candidate.campaign.standing_body
    subject = f"Hồ sơ đề nghị tặng {proposal.form.label} cho {proposal.candidate.name}" + (
        f" (Tờ trình số {proposal.number})" if proposal.number else ""
    )
    context = frame(
        issuing_body(proposer),
        DocumentKind.DANH_SACH,
        None,
        on,
        subject,
        signer_of(proposer),
        [],
    )
    context |= {
        "kind_name": "MỤC LỤC HỒ SƠ",
        "paragraphs": index_body(
            [(i.number, i.document, i.present, i.state, i.files) for i in lines]
        ),
    }
    return GeneratedDocument(
        filename="00-muc-luc-ho-so.docx",
        docx=render_docx("muc_luc_ho_so", context),
        number=None,
        kind=DocumentKind.DANH_SACH,
    )


def _with_pdfs(documents: dict[str, list[GeneratedDocument]], pdf: bool) -> dict[str, list[Entry]]:
    """Each generator's files: its .docx, and its PDF when asked and LibreOffice is present
    (one batch for the whole dossier)."""
    order = [(key, d) for key, docs in sorted(documents.items()) for d in docs]
    pdfs = to_pdf([d.docx for _, d in order], timeout=PDF_TIMEOUT) if pdf and order else []
    files: dict[str, list[Entry]] = {key: [] for key in documents}
    for n, (key, document) in enumerate(order):
        files[key].append(Entry(document.filename, stable_docx(document.docx)))
        if pdfs:
            files[key].append(Entry(str(Path(document.filename).with_suffix(".pdf")), pdfs[n]))
    return files


def dossier_archive(
    session: Session,
    proposal: RewardProposal,
    store: Path,
    *,
    pdf: bool,
    at: dt.datetime,
    actor: str,
) -> bytes:
    """The proposal's dossier as a zip: every piece present (generated .docx, and PDF where
    LibreOffice is present; uploaded files as stored) and the mục lục naming each piece."""
    pdf = pdf and office_available()
    generated: dict[str, list[GeneratedDocument]] = {
        GEN_TO_TRINH: [proposal_letter(session, proposal, at=at, actor=actor)]
    }
    ballot = council_ballots(session, [proposal.candidate_id]).get(proposal.candidate_id)
    if ballot is not None:  # the council's minutes, numbered in its own register
        generated[GEN_MINUTES] = [council_minutes(session, ballot)]
    files = _with_pdfs(generated, pdf)

    def write_index(lines: Sequence[IndexLine]) -> list[Entry]:
        index = dossier_index(proposal, lines, on=proposal.submitted_on)
        entries = [Entry(index.filename, stable_docx(index.docx))]
        if pdf:
            (printed,) = to_pdf([index.docx], timeout=PDF_TIMEOUT)
            entries.append(Entry(str(Path(index.filename).with_suffix(".pdf")), printed))
        return entries

    return dossier_zip(proposal, store, files, write_index)
