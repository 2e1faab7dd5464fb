"""Who an email comes from and who answers it, per plan or standing body (issue 20).

Issue 20: "the sender is tdkt-flow@localhost ... no department, officer, phone or Reply-To".
Every email of a campaign carries a letterhead, chosen key by key:

- From address: the plan's `correspondence.from_address`, else the environment's
  (TDKT_SMTP_FROM, notifications.smtp.SmtpSettings);
- From display name: the plan's `from_name`, else the standing body's name in full as it
  signs ("Sở Nội vụ tỉnh Quảng Bình", models.correspondence.body_in_full): a reader sees the
  body, never an internal contact or the software's name;
- the officer in charge in the signature: the plan's `officer`, else the standing body's
  emulation officer in the directory (models.correspondence.signature);
- Reply-To: the plan's `reply_to`, else the officer's address.

Pure: it reads the plan and the ORM unit it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from models.correspondence import Signature, body_in_full, signature
from models.orm import Unit
from models.plan import Officer, Plan


@dataclass(frozen=True)
class Letterhead:
    from_address: str
    from_name: str
    signature: Signature


def officer_line(officer: Officer) -> str:
    """ "Cán bộ phụ trách: Nguyễn Thị Hạnh, Chuyên viên …, điện thoại: …, email: …"."""
    parts = [f"Cán bộ phụ trách: {' '.join(officer.name.split())}"]
    if officer.position:
        parts.append(" ".join(officer.position.split()))
    if officer.phone:
        parts.append(f"điện thoại: {' '.join(officer.phone.split())}")
    parts.append(f"email: {officer.email}")
    return ", ".join(parts)


def letterhead(plan: Plan, standing_body: Unit, default_from: str) -> Letterhead:
    """The letterhead of the plan's emails, written by its standing body (the acting unit);
    default_from is the environment's From address."""
    chosen = plan.correspondence
    signed = signature(standing_body)
    if chosen is None:
        return Letterhead(default_from, signed.body, signed)
    if chosen.officer is not None:
        signed = Signature(signed.body, officer_line(chosen.officer), chosen.officer.email)
    if chosen.reply_to:
        signed = Signature(signed.body, signed.officer, chosen.reply_to)
    return Letterhead(
        chosen.from_address or default_from,
        " ".join((chosen.from_name or "").split()) or body_in_full(standing_body),
        signed,
    )


def answering(plan: Plan, standing_body: Unit) -> Signature:
    """Who an agency asks for help (the web pages' "xin liên hệ"): the officer who signs the
    plan's emails; a body with no officer named gives its own first contact, never nothing."""
    signed = letterhead(plan, standing_body, "").signature
    if signed.officer or not standing_body.contacts:
        return signed
    first = standing_body.contacts[0]
    phone = f", điện thoại: {' '.join(first.phone.split())}" if first.phone else ""
    return replace(signed, officer=f"{' '.join(first.name.split())}{phone}, email: {first.email}")
