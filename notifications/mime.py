"""Assemble the exact MIME message for one email, once, so that a resend is byte-for-byte equal.

Everything in the message derives from the content: the Date is the email's day at 07:00
Vietnam time, the Message-ID hashes the email's idempotency key, and the multipart boundaries
hash it too. A recipient's mail client can therefore recognise a resend after a crash as the
same message. Addresses with CR or LF are refused, display names have them replaced, so no
data can add a header.

It is built with the email package's classic classes (email.mime, policy compat32 with CRLF)
rather than EmailMessage: the modern header machinery parses and refolds every header, which
costs 10-20 ms per message with Vietnamese names and drops spaces where it splits a long
subject. Headers here are encoded once, by email.header.Header, folded at 76 columns.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from email import encoders
from email.header import Header
from email.headerregistry import Address
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr

from models.clock import TIMEZONE
from notifications.content import EmailContent
from notifications.render import Rendered, one_line

SEND_TIME = dt.time(7, 0)
POLICY = compat32.clone(linesep="\r\n", max_line_length=78)
"""SMTP line endings; bodies and attachments are base64, so any relay takes them (7bit)."""


def message_id_for(key: str, domain: str) -> str:
    """The Message-ID of the email with this idempotency key: the same key, the same id."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{_safe_address_part(domain, 'message domain')}>"


def _safe_address_part(value: str, what: str) -> str:
    """value if it holds no line break, control character or space (U+2028, NEL and NUL
    included): none of them belongs in an address or a domain, and some end a header line."""
    if any(c.isspace() or not c.isprintable() for c in value.strip(" ")):
        raise ValueError(f"{what} contains a line break, a control character or a space")
    return value


def _address(display_name: str, addr_spec: str, what: str) -> str:
    """ "Name <address>" with a one-line display name, RFC 2047-encoded when not ASCII; the
    address itself must be clean and valid."""
    addr_spec = _safe_address_part(addr_spec, what).strip()
    try:
        Address(addr_spec=addr_spec)
    except Exception as exc:  # the header parser raises several error types
        raise ValueError(f"{what} is not a valid address") from exc
    name = one_line(display_name)
    if name.isascii():
        return formataddr((name, addr_spec))
    return f"{' '.join(_phrase_words(name))} <{addr_spec}>"


def _phrase_words(text: str, limit: int = 45) -> list[str]:
    """RFC 2047 encoded words for a display name, split only after a space (which stays inside
    the word before): mail clients join adjacent encoded words without adding anything, and
    Python's own address parser, which adds a space between them, then only doubles one."""
    chunks: list[str] = []
    current = ""
    for word in text.split(" "):
        piece = word if not current else " " + word
        if current and len((current + piece).encode()) > limit:
            chunks.append(current + " ")
            current = word
        else:
            current += piece
    chunks.append(current)
    words = []
    for chunk in chunks:
        while len(chunk.encode()) > limit:  # one very long word: split between characters
            cut = len(chunk)
            while len(chunk[:cut].encode()) > limit:
                cut -= 1
            words.append(_b_word(chunk[:cut]))
            chunk = chunk[cut:]
        words.append(_b_word(chunk))
    return words


def _b_word(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


def _text(field: str, value: str) -> str | Header:
    """An unstructured header value: as it is if ASCII, else encoded words that keep spaces."""
    line = one_line(value)
    return line if line.isascii() else Header(line, "utf-8", maxlinelen=76, header_name=field)


def _set(msg: Message, name: str, value: str | Header) -> None:
    """Set a header; a Header is folded by itself when the message is written."""
    msg[name] = value  # type: ignore[assignment]  # the classic API takes Header values


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
) -> Message:
    """multipart/mixed[ multipart/alternative[text, html], .ics... ] with deterministic headers."""
    msg = MIMEMultipart("mixed", policy=POLICY)
    msg["From"] = _address(from_name, from_address, "from address")
    msg["To"] = _address(content.recipient_name, content.recipient_email, "recipient address")
    _set(msg, "Subject", _text("Subject", rendered.subject))
    msg["Date"] = format_datetime(dt.datetime.combine(content.day, SEND_TIME, TIMEZONE))
    msg["Message-ID"] = message_id_for(content.key, message_domain)
    _set(msg, "X-TDKT-Key", _text("X-TDKT-Key", content.key))
    msg["X-TDKT-Kind"] = content.kind
    body = MIMEMultipart("alternative", policy=POLICY)
    body.attach(MIMEText(rendered.text, "plain", "utf-8", policy=POLICY))
    body.attach(MIMEText(rendered.html, "html", "utf-8", policy=POLICY))
    msg.attach(body)
    for att in rendered.attachments:
        maintype, subtype, params = _split_content_type(att.content_type)
        part = MIMEBase(maintype, subtype, policy=POLICY, **params)
        part.set_payload(att.data)
        encoders.encode_base64(part)
        name = one_line(att.filename)
        part.add_header(
            "Content-Disposition",
            "attachment",
            filename=name if name.isascii() else ("utf-8", "", name),
        )
        msg.attach(part)
    seed = hashlib.sha256(f"boundary:{content.key}".encode()).hexdigest()[:24]
    for n, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_tdkt_{seed}_{n}")
    return msg
