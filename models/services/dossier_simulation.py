"""Simulated units completing their dossiers: what a replay's people do between the tờ trình
being opened and the proposal going upward (models.services.lifecycle_simulation calls it).

A unit sends the báo cáo thành tích (and any other piece it owes) the day the tờ trình is
opened, through the same checks as a real upload (models.documents.check_upload), and the
standing body forwards the complete dossier that day: the decision clock then runs from the
same day as before the dossier step existed, so replays keep their dates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from models.calendar import WorkingCalendar
from models.clock import TIMEZONE
from models.documents import check_upload
from models.dossier import Source, missing, source_of
from models.orm import Campaign
from models.orm.recognition import RewardProposal
from models.services.access import documents_store
from models.services.dossier import (
    attach_upload,
    forward_complete,
    join_generated,
    preparing_proposals,
)

SIM = "mô phỏng"


def report_pdf(title: str) -> bytes:
    """A one-page PDF whose title is `title`: what a simulated unit uploads as its report.

    Written by hand, byte for byte, so a replay stores the same file every time (a library's
    writer stamps its own creation time and identifier).
    """
    hex_title = (b"\xfe\xff" + title.encode("utf-16-be")).hex().upper()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        f"<< /Title <{hex_title}> >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def complete_dossiers(
    session: Session,
    campaign: Campaign,
    calendar: WorkingCalendar,
    before: dt.date,
    store: Path | None = None,
) -> list[RewardProposal]:
    """Every dossier opened before `before` completed by its unit and forwarded; returns the
    proposals forwarded."""
    waiting = preparing_proposals(session, campaign.id, before=before)
    if not waiting:
        return []
    store = store or documents_store()
    at = {p.id: dt.datetime.combine(p.submitted_on, dt.time(14, 0), TIMEZONE) for p in waiting}
    join_generated(session, waiting, at=min(at.values()), actor=SIM)
    for proposal in waiting:
        unit = proposal.candidate.registered_by
        for item in list(proposal.dossier):
            if item.get("received") or source_of(item) != Source.UPLOADED:
                continue
            title = f"{item['document']} — {proposal.candidate.name}"
            data = report_pdf(title)
            attach_upload(
                session,
                store,
                proposal,
                str(item["code"]),
                accepted=check_upload(f"{item['code']}-{proposal.id}.pdf", data),
                data=data,
                at=at[proposal.id],
                actor=f"{SIM}: {unit.code}",
            )
    forwarded = []
    for day in sorted({p.submitted_on for p in waiting}):
        ready = [p for p in waiting if p.submitted_on == day and not missing(p.dossier)]
        forwarded += forward_complete(
            session,
            ready,
            forwarded_on=day,
            calendar=calendar,
            at=dt.datetime.combine(day, dt.time(15, 0), TIMEZONE),
            actor=f"{SIM}: {campaign.standing_body.code}",
        )
    return forwarded
