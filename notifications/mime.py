"""Assemble the exact MIME message for one email, once, so that a resend is byte-for-byte equal.

Everything in the message derives from the content: the Date is the email's day at 07:00
Vietnam time, the Message-ID hashes the email's idempotency key, and the multipart boundaries
hash it too. A recipient's mail client can therefore recognise a resend after a crash as the
same message. Addresses with CR or LF are refused, display names have them replaced, so no
data can add a header.
"""

from __future__ import annotations

import datetime as dt
import email.header
import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime

from models.clock import TIMEZONE
from notifications.content import EmailContent
from notifications.render import Rendered, one_line

SEND_TIME = dt.time(7, 0)


class _Policy(EmailPolicy):
    """email.policy.SMTP, except that a non-ASCII Subject is folded by email.header.Header.

    The default folder of Python 3.11 drops the space where it splits a long Vietnamese
    subject into encoded words ("Gửi kế hoạchcủa đơn vị"); Header keeps it.
    """

    def _fold(self, name: str, value: object, refold_binary: bool = False) -> str:
        text = str(value)
        if name.lower() == "subject" and not text.isascii():
            encoded = email.header.Header(text, "utf-8", header_name=name, maxlinelen=76)
            return f"{name}: {encoded.encode(linesep=self.linesep)}{self.linesep}"
        folded: str = super()._fold(name, value, refold_binary)  # type: ignore[misc]
        return folded


# SMTP line endings (CRLF); 7bit so bodies are quoted-printable or base64 and any relay takes them.
POLICY = _Policy().clone(linesep="\r\n", cte_type="7bit")


def message_id_for(key: str, domain: str) -> str:
    """The Message-ID of the email with this idempotency key: the same key, the same id."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{_safe_address_part(domain, 'message domain')}>"


def _safe_address_part(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{what} contains CR or LF")
    return value


def _address(display_name: str, addr_spec: str, what: str) -> Address:
    """An Address with a one-line display name; the address itself must be clean."""
    _safe_address_part(addr_spec, what)
    try:
        return Address(display_name=one_line(display_name), addr_spec=addr_spec.strip())
    except Exception as exc:  # the header parser raises several error types
        raise ValueError(f"{what} is not a valid address") from exc


def _split_content_type(content_type: str) -> tuple[str, str, dict[str, str]]:
    main, *params = (p.strip() for p in content_type.split(";"))
    maintype, subtype = main.split("/", 1)
    pairs = (p.split("=", 1) for p in params if "=" in p)
    return maintype, subtype, {k.strip(): v.strip().strip('"') for k, v in pairs}


def build_message(
    content: EmailContent,
    rendered: Rendered,
    *,
    from_address: str,
    from_name: str,
    message_domain: str,
) -> EmailMessage:
    """multipart/mixed[ multipart/alternative[text, html], .ics... ] with deterministic headers."""
    msg = EmailMessage(policy=POLICY)
    msg["From"] = _address(from_name, from_address, "from address")
    msg["To"] = _address(content.recipient_name, content.recipient_email, "recipient address")
    msg["Subject"] = one_line(rendered.subject)
    msg["Date"] = format_datetime(dt.datetime.combine(content.day, SEND_TIME, TIMEZONE))
    msg["Message-ID"] = message_id_for(content.key, message_domain)
    msg["X-TDKT-Key"] = one_line(content.key)
    msg["X-TDKT-Kind"] = content.kind
    msg.set_content(rendered.text, subtype="plain", charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    for att in rendered.attachments:
        maintype, subtype, params = _split_content_type(att.content_type)
        msg.add_attachment(
            att.data,
            maintype=maintype,
            subtype=subtype,
            filename=one_line(att.filename),
            params=params,
        )
    seed = hashlib.sha256(f"boundary:{content.key}".encode()).hexdigest()[:24]
    for n, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_tdkt_{seed}_{n}")
    return msg
