"""Personal links: issued with each email, opened by the web intake, revoked by coordinators.

Each check names why a link is refused, so the page can say it plainly, and nothing is
changed by a refused request. Form tokens are spent in the same transaction as the action
they carry, so a replayed form finds its token spent and the action is not done twice.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.db import Settings
from models.documents import DEFAULT_MAX_BYTES
from models.letterhead import answering
from models.orm import AccessLink, Contact, Obligation, UsedFormToken
from models.sealing import PaperSeal
from models.services.audit import record
from models.services.rows import inserted, rows_in, update_rows
from models.signing import BadToken, Signer, StaleToken, load_secret_key
from models.trust_store import configured_folder

DEFAULT_WEB_URL = "http://127.0.0.1:8765"

LINK_GRACE = dt.timedelta(days=30)
"""A link works until this long after the obligation's (chase) due date, or after it was sent."""


@dataclass(frozen=True)
class IntakeSettings:
    """Where the web intake is reached, how links are signed, where documents are kept.

    TDKT_WEB_URL is the address agencies open (default: the local `tdkt web`);
    TDKT_UPLOAD_MAX_MB caps an upload (default 10). The secret key signs the links and seals
    the ballot papers (models/sealing.py).
    """

    base_url: str
    signer: Signer
    documents: Path
    max_upload_bytes: int
    ballot_seal: PaperSeal
    trust_store: Path | None = None  # TDKT_TRUST_STORE: the CAs signed PDFs must chain to

    @classmethod
    def from_env(cls, settings: Settings | None = None) -> IntakeSettings:
        settings = settings or Settings.from_env()
        secret_key = load_secret_key(settings.data_dir)
        return cls(
            base_url=os.environ.get("TDKT_WEB_URL", DEFAULT_WEB_URL).rstrip("/"),
            signer=Signer(secret_key),
            documents=documents_store(settings),
            max_upload_bytes=max_upload_bytes(),
            ballot_seal=PaperSeal(secret_key),
            trust_store=configured_folder(),
        )

    def link_url(self, token: str) -> str:
        return f"{self.base_url}/l/{token}"

    def coordinator_url(self, obligation_id: int) -> str:
        return f"{self.base_url}/dieu-phoi/nghia-vu/{obligation_id}"

    def campaign_url(self, slug: str) -> str:
        return f"{self.base_url}/dieu-phoi/ke-hoach/{slug}"


def documents_store(settings: Settings | None = None) -> Path:
    """Where uploaded files are kept, by content hash: TDKT_DATA_DIR/documents."""
    return (settings or Settings.from_env()).data_dir / "documents"


def max_upload_bytes() -> int:
    """The upload bound every intake shares (web and `tdkt reward attach`): TDKT_UPLOAD_MAX_MB."""
    max_mb = os.environ.get("TDKT_UPLOAD_MAX_MB")
    return int(float(max_mb) * 1024 * 1024) if max_mb else DEFAULT_MAX_BYTES


class Refusal(StrEnum):
    TAMPERED = "tampered"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    OTHER_OBLIGATION = "other-obligation"
    REPLAYED = "replayed"
    STALE_FORM = "stale-form"
    BAD_FORM = "bad-form"

    @property
    def message(self) -> str:
        return {
            "tampered": "Liên kết không hợp lệ: có thể nó đã bị sửa hoặc chép thiếu.",
            "unknown": "Liên kết không còn tồn tại.",
            "expired": "Liên kết đã hết hạn.",
            "revoked": "Liên kết đã bị thu hồi.",
            "other-obligation": "Liên kết này không dành cho việc được yêu cầu.",
            "replayed": "Biểu mẫu này đã được gửi một lần; thao tác không được thực hiện lại.",
            "stale-form": "Biểu mẫu đã quá hạn; xin mở lại trang và gửi lại.",
            "bad-form": "Biểu mẫu không hợp lệ (thiếu mã xác thực, hoặc mã của trang khác); "
            "xin mở lại trang từ liên kết trong thư và gửi lại.",
        }[self.value]


class AccessRefused(PermissionError):
    def __init__(self, refusal: Refusal, contact: str = ""):
        super().__init__(refusal.message)
        self.refusal = refusal
        self.contact = contact  # whom to ask, when the link is known (revoked, expired)


def issue_link(
    session: Session, signer: Signer, contact: Contact, obligation: Obligation, *, at: dt.datetime
) -> str:
    """The token of a live link for contact and obligation (see issue_links)."""
    return issue_links(session, signer, [(contact, obligation)], at=at)[contact.id, obligation.id]


class Holder(Protocol):
    """Whom a link is issued to: a Contact, or a plain row of one."""

    @property
    def id(self) -> int: ...


class Linked(Protocol):
    """What a link is issued for: an Obligation, or a plain row with its names."""

    @property
    def id(self) -> int: ...
    @property
    def chase_due(self) -> dt.date: ...


def issue_links(
    session: Session,
    signer: Signer,
    pairs: Iterable[tuple[Holder, Linked]],
    *,
    at: dt.datetime,
) -> dict[tuple[int, int], str]:
    """Tokens of live links, by (contact id, obligation id): each pair keeps the link it has if
    that lasts another week (a later email stretches its expiry), else gets a new one.

    One query per CHUNK obligations and one INSERT, whatever the number of emails.
    """
    wanted = {(c.id, o.id): (c, o) for c, o in pairs}
    # (id, nonce, expires_at) of each live link, as plain rows: the latest expiry wins
    live: dict[tuple[int, int], tuple[int, str, dt.datetime]] = {}
    query = (
        select(
            AccessLink.contact_id,
            AccessLink.obligation_id,
            AccessLink.id,
            AccessLink.nonce,
            AccessLink.expires_at,
        )
        .where(
            AccessLink.revoked_at.is_(None),
            AccessLink.expires_at >= at + dt.timedelta(days=7),
        )
        .order_by(AccessLink.expires_at)
    )
    for contact_id, obligation_id, link_id, nonce, expires_at in rows_in(
        session, query, AccessLink.obligation_id, (oid for _, oid in wanted)
    ):
        live[contact_id, obligation_id] = (link_id, nonce, expires_at)
    tokens: dict[tuple[int, int], str] = {}
    new: list[dict[str, Any]] = []
    stretched: list[dict[str, Any]] = []
    for key, (contact, obligation) in wanted.items():
        expires = max(at, _end_of(obligation.chase_due, at)) + LINK_GRACE
        found = live.get(key)
        if found is None:
            new.append(
                {
                    "nonce": secrets.token_hex(8),
                    "contact_id": contact.id,
                    "obligation_id": obligation.id,
                    "created_at": at,
                    "expires_at": expires,
                }
            )
            continue
        link_id, nonce, expires_at = found
        if expires_at < expires:  # a later reminder keeps the unit's link alive
            stretched.append({"id": link_id, "expires_at": expires})
        tokens[key] = signer.link_token(link_id, nonce)
    update_rows(session, AccessLink, stretched)
    # A day's new links (thousands in a national sweep) as plain rows: only their ids are
    # needed, for the tokens.
    for link_id, contact_id, obligation_id, nonce in inserted(
        session,
        AccessLink,
        new,
        AccessLink.id,
        AccessLink.contact_id,
        AccessLink.obligation_id,
        AccessLink.nonce,
    ):
        tokens[contact_id, obligation_id] = signer.link_token(link_id, nonce)
    return tokens


def _end_of(day: dt.date, like: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), like.tzinfo)


def _read_link_token(signer: Signer, token: str) -> tuple[int, str]:
    try:
        return signer.read_link_token(token)
    except BadToken:
        raise AccessRefused(Refusal.TAMPERED) from None


def _read_form_token(signer: Signer, token: str, *, scope: str, at: dt.datetime) -> str:
    """The form token's digest, if this server signed it for scope and it is fresh."""
    try:
        return signer.read_form_token(token, scope=scope, at=at).digest
    except StaleToken:
        raise AccessRefused(Refusal.STALE_FORM) from None
    except BadToken:
        raise AccessRefused(Refusal.BAD_FORM) from None


def check_signed_form(signer: Signer, token: str, form_token: str, *, at: dt.datetime) -> None:
    """Refuse, without the database, a POST that does not carry a link and a form this server
    signed for it: costly work on its body (an upload's bounded inflation) is then done
    only for someone who was sent the link and opened its page."""
    link_id, _ = _read_link_token(signer, token)
    try:
        _read_form_token(signer, form_token, scope=_scope_of(link_id), at=at)
    except AccessRefused as refused:
        # A stale form was still signed here for this link: the act's own checks then say
        # what is wrong first (an expired link, a form to reload).
        if refused.refusal is not Refusal.STALE_FORM:
            raise


def open_link(session: Session, signer: Signer, token: str, *, at: dt.datetime) -> AccessLink:
    """The link behind token, if it may still be used at `at`; AccessRefused says why not."""
    link_id, nonce = _read_link_token(signer, token)
    link = session.get(AccessLink, link_id)
    if link is None or not secrets.compare_digest(link.nonce, nonce):
        raise AccessRefused(Refusal.UNKNOWN)
    if link.revoked_at is not None:
        raise AccessRefused(Refusal.REVOKED, _contact_of(link))
    if link.expires_at < at:
        raise AccessRefused(Refusal.EXPIRED, _contact_of(link))
    link.last_used_at = at
    return link


def _contact_of(link: AccessLink) -> str:
    """ "Sở Nội vụ tỉnh Quảng Bình: Cán bộ phụ trách: …, điện thoại: …, email: …"."""
    from models.services.obligations import plan_of

    campaign = link.obligation.campaign
    signed = answering(plan_of(campaign), campaign.standing_body)
    return f"{signed.body}: {signed.officer}" if signed.officer else signed.body


def require_obligation(link: AccessLink, obligation_id: int | str | None) -> None:
    """A form names the obligation it was shown for; it must be the link's own."""
    if str(obligation_id) != str(link.obligation_id):
        raise AccessRefused(Refusal.OTHER_OBLIGATION)


def link_scope(link: AccessLink) -> str:
    return _scope_of(link.id)


def _scope_of(link_id: int) -> str:
    return f"link:{link_id}"


def spend_form_token(
    session: Session, signer: Signer, token: str, *, scope: str, at: dt.datetime
) -> None:
    """Check a form's token and record it as spent, in the caller's transaction."""
    digest = _read_form_token(signer, token, scope=scope, at=at)
    if session.get(UsedFormToken, digest) is not None:
        raise AccessRefused(Refusal.REPLAYED)
    try:
        with session.begin_nested():
            session.add(UsedFormToken(token_hash=digest, used_at=at))
    except IntegrityError:  # the same form sent twice at once: the other one won
        raise AccessRefused(Refusal.REPLAYED) from None


def revoke_link(session: Session, link: AccessLink, *, at: dt.datetime, actor: str) -> bool:
    """Revoke a link (audited); False if it already was."""
    if link.revoked_at is not None:
        return False
    link.revoked_at = at
    link.revoked_by = actor
    record(
        session,
        at=at,
        actor=actor,
        action="link.revoked",
        entity="obligation",
        entity_id=link.obligation_id,
        reason=f"thu hồi liên kết #{link.id} của {link.contact.email}",
    )
    return True


def links_of(session: Session, obligation: Obligation) -> list[AccessLink]:
    return list(
        session.scalars(
            select(AccessLink)
            .where(AccessLink.obligation_id == obligation.id)
            .order_by(AccessLink.id)
        )
    )
