"""The certificate authorities a signed PDF must chain to: a folder the ops fill (see
docs/signatures.md).

Nothing is shipped and nothing is fetched: the folder (env TDKT_TRUST_STORE, or the path the CLI
is given) holds the root and intermediate CA certificates the office trusts (the national root
of the Bộ TT&TT/NEAC, Ban Cơ yếu Chính phủ's for state agencies, the public CAs under them), as
PEM or DER, named *.pem, *.crt, *.cer or *.der. A file that is not a certificate is reported,
never fatal: one bad file must not stop every check. The folder is read within bounds (a number
of files and a size each), like every input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

ENV = "TDKT_TRUST_STORE"
SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der"})
MAX_FILES = 500
MAX_FILE_BYTES = 1024 * 1024
MAX_CERTS_PER_FILE = 50


@dataclass(frozen=True)
class TrustStore:
    """The trusted CA certificates, where they came from, and the files that were skipped."""

    folder: Path | None
    certificates: tuple[asn1_x509.Certificate, ...] = ()
    skipped: tuple[str, ...] = field(default=())  # "file: why", in Vietnamese

    @property
    def empty(self) -> bool:
        return not self.certificates

    def names(self) -> list[str]:
        """Who each trusted certificate is, for the CLI's listing."""
        return [cert.subject.human_friendly for cert in self.certificates]


def configured_folder() -> Path | None:
    """The folder named by TDKT_TRUST_STORE; None when the ops set none."""
    value = os.environ.get(ENV, "").strip()
    return Path(value) if value else None


def load_trust_store(folder: Path | None = None) -> TrustStore:
    """Read the trusted CA certificates from `folder` (default: TDKT_TRUST_STORE).

    No folder, or a missing one, is an empty store: every signature is then "không tin cậy"
    until the ops install their CAs, which is the safe side.
    """
    folder = folder if folder is not None else configured_folder()
    if folder is None or not folder.is_dir():
        return TrustStore(folder)
    certificates: dict[bytes, asn1_x509.Certificate] = {}
    skipped: list[str] = []
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
    if len(files) > MAX_FILES:
        skipped.append(f"{folder}: có {len(files)} tệp, chỉ đọc {MAX_FILES} tệp đầu")
        files = files[:MAX_FILES]
    for path in files:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                skipped.append(f"{path.name}: tệp quá lớn để là chứng thư số")
                continue
            for cert in parse_certificates(path.read_bytes()):
                certificates.setdefault(cert.sha256, cert)
        except (OSError, ValueError, TypeError) as error:
            skipped.append(f"{path.name}: không đọc được chứng thư số ({error})")
    return TrustStore(folder, tuple(certificates.values()), tuple(skipped))


def parse_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """The certificates in one file: PEM (one or many) or a single DER certificate."""
    if pem.detect(data):
        blocks = [der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
    else:
        blocks = [data]
    if not blocks:
        raise ValueError("không có khối CERTIFICATE nào")
    if len(blocks) > MAX_CERTS_PER_FILE:
        raise ValueError(f"quá {MAX_CERTS_PER_FILE} chứng thư số trong một tệp")
    certificates = []
    for der in blocks:
        cert = asn1_x509.Certificate.load(der)
        cert.native  # noqa: B018 - parse it all now: a broken one fails here, not mid-check
        certificates.append(cert)
    return certificates
