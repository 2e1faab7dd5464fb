"""Digital signatures on an uploaded PDF, checked offline: who signed, when, and can it be believed.

A signed electronic document has the legal value of paper (Nghị định 30/2020, Điều 5) only if
its signature holds: the signed bytes are unchanged, nothing was added after signing but what
signing allows (another signature, form filling), and the signer's certificate chains to a
certification authority the office trusts (models/trust_store.py). pyHanko does the PAdES work;
this module bounds its input, turns its findings into one verdict per document in Vietnamese,
and never lets a hostile file crash the upload: any failure to read is "không hợp lệ" with the
reason.

There is no network here: certificates are not fetched (AIA), revocation is not asked of an
OCSP responder or a CRL distribution point. Revocation is known only from what the PDF itself
carries (its DSS, PAdES-LT); otherwise a valid verdict says it was not checked online.

Certificates are judged at `at`, the moment the document was received (its upload): a document
cannot have been signed after the office received it, so a certificate that expired later does
not turn a document that was valid on arrival into an untrusted one when it is checked again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from io import BytesIO
from typing import Any

from asn1crypto import core
from asn1crypto import x509 as asn1_x509

from models.clock import TIMEZONE
from models.documents import DEFAULT_MAX_BYTES, size_text
from models.trust_store import TrustStore

MAX_SIGNATURES = 20
MAX_REVISIONS = 100
NAME_LIMIT = 200  # a name or organisation as stored and shown; a hostile certificate's is cut
KEY_USAGES = frozenset({"digital_signature", "non_repudiation"})

logger = logging.getLogger(__name__)


class SignatureStatus(StrEnum):
    """A document's verdict, as stored (`submitted_documents.signature_status`)."""

    VALID = "valid"
    INVALID = "invalid"
    UNTRUSTED = "untrusted"
    UNSIGNED = "unsigned"

    @property
    def label(self) -> str:
        return {
            "valid": "hợp lệ",
            "invalid": "không hợp lệ",
            "untrusted": "không tin cậy",
            "unsigned": "chưa ký số",
        }[self.value]


_SEVERITY = {
    SignatureStatus.VALID: 0,
    SignatureStatus.UNTRUSTED: 1,
    SignatureStatus.INVALID: 2,
}


@dataclass(frozen=True)
class SignatureCheck:
    """One signature: the signer as their certificate names them, when, and the finding."""

    status: SignatureStatus
    signer: str | None = None  # CN of the certificate's subject
    organisation: str | None = None  # O (or OU when there is no O)
    signed_at: dt.datetime | None = None
    timestamped: bool = False  # signed_at comes from a trusted timestamp, not the signer
    covers_all: bool = False  # no change at all after this signature
    reason: str | None = None  # Vietnamese: why it is not valid, or what to know

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "signer": self.signer,
            "organisation": self.organisation,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamped": self.timestamped,
            "covers_all": self.covers_all,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SignatureCheck:
        signed_at = data.get("signed_at")
        return cls(
            status=SignatureStatus(data["status"]),
            signer=data.get("signer"),
            organisation=data.get("organisation"),
            signed_at=dt.datetime.fromisoformat(signed_at) if signed_at else None,
            timestamped=bool(data.get("timestamped")),
            covers_all=bool(data.get("covers_all")),
            reason=data.get("reason"),
        )


@dataclass(frozen=True)
class Verdict:
    """The document's verdict: the worst of its signatures, or unsigned, or unreadable."""

    status: SignatureStatus
    signatures: tuple[SignatureCheck, ...] = ()
    reason: str | None = None  # the document's reason (unreadable, too many signatures...)
    revocation_known: bool = False  # the PDF carried revocation data (DSS) that was used

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "signatures": [s.to_json() for s in self.signatures],
            "reason": self.reason,
            "revocation_known": self.revocation_known,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Verdict:
        return cls(
            status=SignatureStatus(data["status"]),
            signatures=tuple(SignatureCheck.from_json(s) for s in data.get("signatures", ())),
            reason=data.get("reason"),
            revocation_known=bool(data.get("revocation_known")),
        )

    @property
    def why(self) -> str | None:
        """The reason the verdict is what it is, in one Vietnamese phrase (None when valid)."""
        if self.reason:
            return self.reason
        reasons = [s.reason for s in self.signatures if s.status == self.status and s.reason]
        return "; ".join(dict.fromkeys(reasons)) or None


def invalid(reason: str) -> Verdict:
    return Verdict(SignatureStatus.INVALID, reason=reason)


def verify_pdf(
    data: bytes,
    trust: TrustStore,
    *,
    at: dt.datetime,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_signatures: int = MAX_SIGNATURES,
) -> Verdict:
    """Every signature in `data` checked against `trust` as of `at` (the moment of receipt).

    Bounded before reading: a file over `max_bytes`, with more than `max_signatures`
    signatures or MAX_REVISIONS incremental updates is refused as "không hợp lệ" unread.
    Whatever a malformed or hostile PDF makes the parser raise becomes "không hợp lệ" with
    the reason; nothing here raises on bad input.
    """
    if len(data) > max_bytes:
        return invalid(f"tệp quá lớn để kiểm tra chữ ký ({size_text(len(data))})")
    if not data.startswith(b"%PDF-"):
        return invalid("không phải tệp PDF: chỉ tệp PDF mới mang chữ ký số kiểm tra được")
    try:
        return _verify(data, trust, at=at, max_signatures=max_signatures)
    except Exception as error:
        logger.info("PDF signature check failed: %r", error)
        return invalid(f"tệp PDF hỏng hoặc không đọc được ({_short(error)})")


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


def _verify(data: bytes, trust: TrustStore, *, at: dt.datetime, max_signatures: int) -> Verdict:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(BytesIO(data), strict=False)
    if reader.total_revisions > MAX_REVISIONS:
        return invalid(f"tệp PDF có quá nhiều lần sửa đổi (trên {MAX_REVISIONS})")
    fields = list(
        itertools.islice(enumerate_sig_fields(reader, filled_status=True), max_signatures + 1)
    )
    if len(fields) > max_signatures:
        return invalid(f"tệp PDF có quá nhiều chữ ký (trên {max_signatures})")
    if not fields:
        return Verdict(SignatureStatus.UNSIGNED)
    embedded = reader.embedded_signatures
    context_args, revocation_known = _context_args(reader, trust, at)
    checks = [c for c in (_check(sig, context_args) for sig in embedded) if c is not None]
    if not checks:
        return Verdict(SignatureStatus.UNSIGNED)
    worst = max((c.status for c in checks), key=_SEVERITY.__getitem__)
    return Verdict(worst, tuple(checks), revocation_known=revocation_known)


def _context_args(reader: Any, trust: TrustStore, at: dt.datetime) -> tuple[dict[str, Any], bool]:
    """What every validation context here is built from: the trust store and nothing else
    (not the system's TLS roots), no fetching, the moment of receipt; plus the certificates
    and revocation data the PDF's own DSS carries, when it has one."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    args: dict[str, Any] = {
        "trust_roots": list(trust.certificates),
        "allow_fetching": False,
        "revocation_mode": "soft-fail",
        "moment": at,
    }
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return args, False
    args["other_certs"] = list(dss.load_certs())
    args["dss"] = dss
    return args, bool(dss.crls or dss.ocsps)


def _context(args: Mapping[str, Any]) -> Any:
    """A fresh validation context (pyHanko's contexts cache paths: one per signature)."""
    from pyhanko_certvalidator import ValidationContext

    kwargs = {k: v for k, v in args.items() if k != "dss"}
    dss = args.get("dss")
    if dss is not None:
        return dss.as_validation_context(kwargs)
    return ValidationContext(**kwargs)


def _check(sig: Any, context_args: Mapping[str, Any]) -> SignatureCheck | None:
    """One embedded signature's finding; None for a document timestamp that holds (it
    names no signer). A signature pyHanko cannot evaluate is invalid, with its reason."""
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    try:
        cert = sig.signer_cert
        signer, organisation = subject_names(cert)
    except Exception as error:
        return SignatureCheck(
            SignatureStatus.INVALID, reason=f"không đọc được chứng thư số ({_short(error)})"
        )
    base = SignatureCheck(SignatureStatus.INVALID, signer=signer, organisation=organisation)
    try:
        if sig.sig_object_type == "/DocTimeStamp":
            stamp = validate_pdf_timestamp(sig, validation_context=_context(context_args))
            if stamp.intact and stamp.valid:
                return None
            return replace(base, reason="dấu thời gian của văn bản không khớp với nội dung")
        status = validate_pdf_signature(
            sig,
            signer_validation_context=_context(context_args),
            key_usage_settings=KeyUsageConstraints(key_usage=set(KEY_USAGES)),
        )
    except Exception as error:
        return replace(base, reason=f"không kiểm tra được chữ ký ({_short(error)})")
    return _finding(base, status)


def _finding(base: SignatureCheck, status: Any) -> SignatureCheck:
    """pyHanko's PdfSignatureStatus read as our verdict, with the reason in Vietnamese."""
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    signed_at, timestamped = _signing_time(status)
    covers_all = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    found = replace(base, signed_at=signed_at, timestamped=timestamped, covers_all=covers_all)
    if not status.intact:
        return replace(found, reason="nội dung văn bản đã bị thay đổi sau khi ký")
    if not status.valid:
        return replace(found, reason="chữ ký không khớp với chứng thư số của người ký")
    if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return replace(found, reason="chữ ký không bao trùm toàn bộ văn bản")
    if not covers_all and status.docmdp_ok is not True:
        return replace(found, reason="văn bản đã bị sửa đổi (thêm phần cập nhật) sau khi ký")
    ts = status.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid):
        return replace(found, reason="dấu thời gian kèm chữ ký không khớp")
    if status.revoked:
        return replace(found, status=SignatureStatus.UNTRUSTED, reason="chứng thư số đã bị thu hồi")
    if not status.trusted or (ts is not None and not ts.trusted):
        reason = _trust_problem(status.trust_problem_indic)
        return replace(found, status=SignatureStatus.UNTRUSTED, reason=reason)
    note = None if covers_all else "có phần bổ sung hợp lệ sau khi ký (ký tiếp hoặc điền biểu mẫu)"
    return replace(found, status=SignatureStatus.VALID, reason=note)


def _trust_problem(indication: Any) -> str:
    name = getattr(indication, "name", None)
    return {
        "NO_CERTIFICATE_CHAIN_FOUND": "chứng thư số không do tổ chức chứng thực nào trong kho "
        "tin cậy cấp",
        "EXPIRED": "chứng thư số đã hết hạn khi văn bản được nhận",
        "OUT_OF_BOUNDS_NO_POE": "chứng thư số đã hết hạn hoặc chưa có hiệu lực khi văn bản "
        "được nhận",
        "OUT_OF_BOUNDS_NOT_REVOKED": "chứng thư số đã hết hạn hoặc chưa có hiệu lực khi văn "
        "bản được nhận",
        "NOT_YET_VALID": "chứng thư số chưa có hiệu lực khi văn bản được nhận",
        "REVOKED_NO_POE": "chứng thư số đã bị thu hồi",
        "REVOKED_CA_NO_POE": "chứng thư số của tổ chức chứng thực cấp trên đã bị thu hồi",
        "SIG_CONSTRAINTS_FAILURE": "chứng thư số không được cấp để ký văn bản",
        "CHAIN_CONSTRAINTS_FAILURE": "chuỗi chứng thư số không hợp lệ",
        "CRYPTO_CONSTRAINTS_FAILURE": "thuật toán ký đã lỗi thời, không còn an toàn",
    }.get(name or "", f"không xác lập được chuỗi tin cậy của chứng thư số ({name or 'không rõ'})")


def _signing_time(status: Any) -> tuple[dt.datetime | None, bool]:
    """The time of signing: a trusted timestamp's, else the time the signer's software wrote
    (not proof; shown as what the signature says)."""
    ts = status.timestamp_validity
    if ts is not None and ts.intact and ts.valid and ts.trusted:
        return ts.timestamp, True
    return status.signer_reported_dt, False


def subject_names(cert: asn1_x509.Certificate) -> tuple[str | None, str | None]:
    """(CN, O) of a certificate's subject, O falling back on OU; Vietnamese text read right
    whatever string type the CA used (UTF8String, BMPString, or UTF-8 bytes in a
    TeletexString, which some CAs write)."""
    common = organisation = unit = None
    for rdn in cert.subject.chosen:
        for attribute in rdn:
            kind = attribute["type"].native
            text = _text(attribute["value"])
            if kind == "common_name" and common is None:
                common = text
            elif kind == "organization_name" and organisation is None:
                organisation = text
            elif kind == "organizational_unit_name" and unit is None:
                unit = text
    return common, organisation or unit


def _text(value: Any) -> str:
    chosen = getattr(value, "chosen", value)
    if isinstance(chosen, core.TeletexString):  # asn1crypto reads it as Latin-1
        try:
            return " ".join(bytes(chosen.contents).decode("utf-8").split())[:NAME_LIMIT]
        except UnicodeDecodeError:
            pass
    native = value.native
    return " ".join(str(native).split())[:NAME_LIMIT]


def describe(check: SignatureCheck) -> str:
    """'đã ký số bởi Nguyễn Văn A (Sở Y tế), ký lúc 02/03/2026 09:15, hợp lệ', the line a
    coordinator reads for one signature (the reason follows when it is not valid)."""
    who = check.signer or "người ký không rõ"
    if check.organisation:
        who += f" ({check.organisation})"
    text = f"đã ký số bởi {who}"
    if check.signed_at is not None:
        moment = check.signed_at.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")
        text += f", ký lúc {moment}" + (" (có dấu thời gian)" if check.timestamped else "")
    text += f", {check.status.label}"
    if check.reason:
        text += f": {check.reason}"
    return text


def describe_verdict(verdict: Verdict) -> list[str]:
    """A document's verdict as lines: one per signature, or one saying why there is none."""
    if verdict.status == SignatureStatus.UNSIGNED:
        return ["chưa ký số"]
    if not verdict.signatures:
        return [
            f"{verdict.status.label}: {verdict.reason}" if verdict.reason else verdict.status.label
        ]
    lines = [describe(check) for check in verdict.signatures]
    if verdict.status == SignatureStatus.VALID and not verdict.revocation_known:
        lines.append("(chưa kiểm tra thu hồi chứng thư số trực tuyến: máy chủ không kết nối mạng)")
    return lines
