"""Who may act from outside: personal links, coordinator accounts, and submitted documents.

An agency acts without an account, through a link sent in its email: the link is signed and
names a row here, so a coordinator can revoke it and every use is checked against its expiry.
Coordinators sign in with a password (an Argon2 hash is all that is stored); their sessions
are rows here, so that logging out, a new password or a disabled account ends them at once, and
failed sign-ins are counted here, so that throttling holds across processes and restarts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.orm.base import AwareDateTime, Base
from models.orm.directory import Contact, Unit
from models.orm.obligation import Obligation


class AccessLink(Base):
    """A personal link: one contact may see and act on one obligation until it expires.

    The URL carries a signature over (id, nonce); the nonce makes an old id useless once a
    link has been replaced, and the signature makes any edited token worthless.
    """

    __tablename__ = "access_links"
    __table_args__ = (Index("ix_access_links_contact_obligation", "contact_id", "obligation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(32))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())

    contact: Mapped[Contact] = relationship()
    obligation: Mapped[Obligation] = relationship()


class UsedFormToken(Base):
    """A form's one-time token, spent by the action it carried: a replayed POST finds it here."""

    __tablename__ = "used_form_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())


class SubmittedDocument(Base):
    """A file an agency uploaded for an obligation, stored under its SHA-256 and never run."""

    __tablename__ = "submitted_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255), doc="As uploaded; shown, never used")
    media_type: Mapped[str] = mapped_column(String(100), doc="From the content, not the name")
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    uploaded_by: Mapped[str] = mapped_column(String(320))
    signature_status: Mapped[str | None] = mapped_column(
        String(16),
        doc="models.pdf_signatures.SignatureStatus of a PDF (valid, invalid, untrusted, "
        "unsigned); None: not a PDF, or received before signatures were checked",
    )
    signature: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, doc="The verdict in full (models.pdf_signatures.Verdict.to_json): each signer"
    )
    signature_checked_at: Mapped[dt.datetime | None] = mapped_column(
        AwareDateTime(), doc="When the verdict was reached (upload, or `tdkt document verify`)"
    )

    obligation: Mapped[Obligation] = relationship()


ROLE_COORDINATOR = "coordinator"
ROLE_ADMIN = "admin"


class Coordinator(Base):
    """A person of the standing body who reviews submissions on the web: the campaigns of that
    body (unit) only, unless the role is admin (every campaign)."""

    __tablename__ = "coordinators"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    disabled_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())
    role: Mapped[str] = mapped_column(
        String(20), default=ROLE_COORDINATOR, server_default=ROLE_COORDINATOR
    )

    unit: Mapped[Unit | None] = relationship()


class CoordinatorSession(Base):
    """A signed-in browser. The cookie carries a random id; only its SHA-256 is kept, so a
    copy of the database opens no session. Deleting the row ends the session at once."""

    __tablename__ = "coordinator_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("coordinators.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64), doc="The token every form of the session carries")
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    seen_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), doc="For the idle timeout")
    expires_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), index=True)


class SigninThrottle(Base):
    """Failed sign-ins of one login name or one client address, within a window, and the
    lockout they earned. The key is a SHA-256 (of "account:<login>" or "address:<ip>"): any
    string a stranger types is kept at a fixed size, and no address is stored readable."""

    __tablename__ = "signin_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[dt.datetime] = mapped_column(AwareDateTime())
    lockouts: Mapped[int] = mapped_column(Integer, doc="How many times locked: the next is longer")
    locked_until: Mapped[dt.datetime | None] = mapped_column(AwareDateTime())
    forget_at: Mapped[dt.datetime] = mapped_column(AwareDateTime(), index=True)
