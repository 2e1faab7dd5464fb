# mypy: disable-error-code="no-untyped-call"
"""A test certificate authority and PDFs signed with pyHanko: the fixtures the signature checks
run against (tests/test_pdf_signatures.py).

Everything is made here, offline: a root CA, an intermediate CA under it, and end-entity signers
named in Vietnamese (CN "Nguyễn Văn An", O "Sở Y tế tỉnh Quảng Bình"), with fixed validity dates
so that a test never passes or fails by the day it runs. Keys are EC P-256 (fast to generate).
The signing time pyHanko embeds is fixed too (`signed_at`), not read from the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko_certvalidator.registry import SimpleCertificateStore

UTC = dt.UTC
VALID_FROM = dt.datetime(2020, 1, 1, tzinfo=UTC)
VALID_UNTIL = dt.datetime(2030, 1, 1, tzinfo=UTC)
SIGNED_AT = dt.datetime(2023, 2, 23, 2, 15, tzinfo=UTC)  # 09:15 in Hà Nội
SIGNER_NAME = "Nguyễn Văn An"
SIGNER_ORG = "Sở Y tế tỉnh Quảng Bình"


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def _name(cn: str, org: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if org:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(parts)


def _key(seed: int) -> ec.EllipticCurvePrivateKey:
    """A key derived from a fixed number: the same CA on every run (no randomness)."""
    return ec.derive_private_key(10**40 + seed, ec.SECP256R1())


def issue(
    subject: x509.Name,
    *,
    issuer: Issued | None,
    ca: bool,
    seed: int,
    valid_from: dt.datetime = VALID_FROM,
    valid_until: dt.datetime = VALID_UNTIL,
) -> Issued:
    """A certificate for `subject`, signed by `issuer` (self-signed when None)."""
    key = _key(seed)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(1000 + seed)
        .not_valid_before(valid_from)
        .not_valid_after(valid_until)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    cert = builder.sign((issuer or Issued(None, key)).key, hashes.SHA256())  # type: ignore[arg-type]
    return Issued(cert, key)


@dataclass(frozen=True)
class Authorities:
    """Root → intermediate → signer; `stranger` is a signer under a root nobody trusts;
    `expired` a signer of the trusted chain whose certificate ended on 31/12/2022."""

    root: Issued
    intermediate: Issued
    signer: Issued
    stranger: Issued
    expired: Issued

    def trust_store(self, folder: Path) -> Path:
        """A folder as the ops would fill it: the root as PEM (.crt), nothing else."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "test-root.crt").write_bytes(self.root.pem)
        return folder


def make_pki() -> Authorities:
    root = issue(_name("Test Root CA Quốc gia", "Bộ Thử nghiệm"), issuer=None, ca=True, seed=1)
    intermediate = issue(
        _name("Test CA cấp dưới", "Công ty Chứng thực Thử"), issuer=root, ca=True, seed=2
    )
    signer = issue(_name(SIGNER_NAME, SIGNER_ORG), issuer=intermediate, ca=False, seed=3)
    other_root = issue(_name("Test Root lạ"), issuer=None, ca=True, seed=4)
    stranger = issue(_name("Trần Thị Bình", "Công ty Lạ"), issuer=other_root, ca=False, seed=5)
    expired = issue(
        _name("Lê Văn Cũ", "Sở Nội vụ"),
        issuer=intermediate,
        ca=False,
        seed=6,
        valid_until=dt.datetime(2022, 12, 31, tzinfo=UTC),
    )
    return Authorities(root, intermediate, signer, stranger, expired)


def plain_pdf(text: str = "Bao cao thanh tich", *, padding: int = 0) -> bytes:
    """A one-page PDF with a line of text in its content stream (unsigned); `padding` bytes
    of comment in that stream make it as large as a test needs."""
    writer = PdfFileWriter()
    font = writer.add_object(
        generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Font"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
                generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
            }
        )
    )
    resources = generic.DictionaryObject(
        {generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): font})}
    )
    safe = text.encode("ascii", "replace").decode()
    content = f"BT /F1 14 Tf 72 720 Td ({safe}) Tj ET".encode()
    if padding:
        content += b"\n%" + b"x" * padding + b"\n"
    stream = generic.StreamObject(stream_data=content)
    page = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Page"),
            generic.pdf_name("/MediaBox"): generic.ArrayObject(
                [generic.NumberObject(n) for n in (0, 0, 595, 842)]
            ),
            generic.pdf_name("/Resources"): resources,
            generic.pdf_name("/Contents"): writer.add_object(stream),
        }
    )
    writer.insert_page(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


class _FixedTimeSigner(signers.PdfSigner):
    """pyHanko's PdfSigner with the signing time it embeds fixed, not read from the clock."""

    def __init__(self, *args: object, signed_at: dt.datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._signed_at = signed_at

    def init_signing_session(
        self, pdf_out: object, existing_fields_only: bool = False
    ) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)  # type: ignore[arg-type]
        session.system_time = self._signed_at
        return session


def sign_pdf(
    pdf: bytes,
    who: Issued,
    chain: list[Issued],
    *,
    field: str = "Signature1",
    signed_at: dt.datetime = SIGNED_AT,
) -> bytes:
    """`pdf` signed by `who` in an incremental update (adbe.pkcs7.detached, SHA-256), the
    chain embedded as the signer's software does."""
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(who.der),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            who.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.der) for c in chain]
        ),
    )
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    out = _FixedTimeSigner(meta, signer, signed_at=signed_at).sign_pdf(writer)
    return bytes(out.getvalue())


def change_page_after_signing(signed: bytes, text: str = "Noi dung da sua") -> bytes:
    """An incremental update appended after the signature that replaces the page's text: the
    signed bytes stay intact, but what a reader now sees is not what was signed."""
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page_ref = writer.root["/Pages"].raw_get("/Kids")[0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode())
    page[generic.pdf_name("/Contents")] = writer.add_object(stream)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_signed_byte(signed: bytes, marker: bytes = b"Bao cao") -> bytes:
    """One character changed inside the signed byte range (in the page's text)."""
    at = signed.index(marker)
    return signed[:at] + b"X" + signed[at + 1 :]
