"""Signed submissions verified (issue 23, part 3): a test CA of our own signs PDFs with pyHanko,
and the verdicts are checked: valid, tampered (inside the signed bytes, and by an incremental
update), unsigned, a signer outside the trust store, an expired certificate, hostile files;
then stored at upload, shown to coordinators, enforced by a plan, and rechecked by the CLI."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from bench.upload_bombs import prepare_world
from deployments.cli import app as cli
from deployments.web.app import create_app
from models.clock import TIMEZONE
from models.db import unit_of_work
from models.orm import Campaign, Obligation, SubmittedDocument
from models.pdf_signatures import (
    SignatureStatus,
    Verdict,
    describe,
    describe_verdict,
    subject_names,
    verify_pdf,
)
from models.plan import Plan
from models.services.accounts import add_coordinator
from models.services.submissions import signature_problem
from models.trust_store import load_trust_store
from models.vocabulary import ObligationStatus
from tests.pdf_signing_support import (
    SIGNED_AT,
    SIGNER_NAME,
    SIGNER_ORG,
    Authorities,
    change_page_after_signing,
    flip_signed_byte,
    issue,
    make_pki,
    plain_pdf,
    sign_pdf,
)
from tests.web_helpers import clock_at, docx_bytes

RECEIVED = dt.datetime(2023, 2, 23, 10, 0, tzinfo=TIMEZONE)  # the small world's reminder day
VALID_LINE = f"đã ký số bởi {SIGNER_NAME} ({SIGNER_ORG}), ký lúc 23/02/2023 09:15, hợp lệ"


@pytest.fixture(scope="module")
def pki() -> Authorities:
    return make_pki()


@pytest.fixture(scope="module")
def signed(pki: Authorities) -> bytes:
    return sign_pdf(plain_pdf(), pki.signer, [pki.intermediate])


@pytest.fixture
def trust_dir(pki: Authorities, tmp_path: Path) -> Path:
    return pki.trust_store(tmp_path / "trust")


def check(
    data: bytes, trust_dir: Path | None, at: dt.datetime = RECEIVED, **bounds: int
) -> Verdict:
    return verify_pdf(data, load_trust_store(trust_dir), at=at, **bounds)


# --- the verdicts -----------------------------------------------------------------------------


def test_a_signed_pdf_is_valid_and_names_its_signer(signed: bytes, trust_dir: Path) -> None:
    verdict = check(signed, trust_dir)
    assert verdict.status == SignatureStatus.VALID
    (only,) = verdict.signatures
    assert (only.signer, only.organisation) == (SIGNER_NAME, SIGNER_ORG)
    assert only.signed_at == SIGNED_AT and not only.timestamped
    assert only.covers_all and only.reason is None
    assert describe(only) == VALID_LINE
    # no revocation data in the file and no network: the coordinator is told so
    assert describe_verdict(verdict)[1].startswith("(chưa kiểm tra thu hồi")
    assert Verdict.from_json(verdict.to_json()) == verdict  # as stored


def test_a_byte_changed_inside_the_signed_range_is_invalid(signed: bytes, trust_dir: Path) -> None:
    verdict = check(flip_signed_byte(signed), trust_dir)
    assert verdict.status == SignatureStatus.INVALID
    assert verdict.why == "nội dung văn bản đã bị thay đổi sau khi ký"
    assert verdict.signatures[0].signer == SIGNER_NAME  # still says who had signed


def test_an_incremental_update_that_changes_the_page_is_invalid(
    signed: bytes, trust_dir: Path
) -> None:
    """The signed bytes are intact, but a later revision replaces the page's text."""
    verdict = check(change_page_after_signing(signed), trust_dir)
    assert verdict.status == SignatureStatus.INVALID
    assert verdict.why == "văn bản đã bị sửa đổi (thêm phần cập nhật) sau khi ký"
    assert not verdict.signatures[0].covers_all


def test_a_second_signature_is_an_update_signing_allows(
    signed: bytes, pki: Authorities, trust_dir: Path
) -> None:
    twice = sign_pdf(signed, pki.signer, [pki.intermediate], field="Signature2")
    verdict = check(twice, trust_dir)
    assert verdict.status == SignatureStatus.VALID
    first, second = verdict.signatures
    assert not first.covers_all and "ký tiếp" in (first.reason or "")
    assert second.covers_all


def test_an_unsigned_pdf_is_unsigned(trust_dir: Path) -> None:
    verdict = check(plain_pdf(), trust_dir)
    assert verdict == Verdict(SignatureStatus.UNSIGNED)
    assert describe_verdict(verdict) == ["chưa ký số"]


def test_a_signer_outside_the_trust_store_is_untrusted(pki: Authorities, trust_dir: Path) -> None:
    verdict = check(sign_pdf(plain_pdf(), pki.stranger, []), trust_dir)
    assert verdict.status == SignatureStatus.UNTRUSTED
    assert verdict.why is not None and "kho tin cậy" in verdict.why
    assert verdict.signatures[0].signer == "Trần Thị Bình"


def test_with_no_trust_store_every_signature_is_untrusted(signed: bytes, tmp_path: Path) -> None:
    """None shipped: until the ops install their CAs nothing is trusted (not the OS's TLS
    roots either)."""
    for folder in (None, tmp_path / "missing"):
        assert check(signed, folder).status == SignatureStatus.UNTRUSTED


def test_an_expired_certificate_is_untrusted_as_of_receipt(
    pki: Authorities, trust_dir: Path
) -> None:
    """Lê Văn Cũ's certificate ended on 31/12/2022: a document received after that is not
    trusted; one received while it held stays valid when checked again later."""
    before_expiry = dt.datetime(2022, 12, 5, 2, 0, tzinfo=dt.UTC)
    data = sign_pdf(plain_pdf(), pki.expired, [pki.intermediate], signed_at=before_expiry)
    late = check(data, trust_dir)
    assert late.status == SignatureStatus.UNTRUSTED
    assert late.why is not None and "hết hạn" in late.why
    assert check(data, trust_dir, at=before_expiry + dt.timedelta(hours=1)).status == (
        SignatureStatus.VALID
    )


def _nested(depth: int) -> bytes:
    body = b"[" * depth + b"]" * depth
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 40, id="garbage"),
        pytest.param(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", id="no-trailer"),
        pytest.param(_nested(50_000), id="deeply-nested"),
        pytest.param(b"PK\x03\x04 not a pdf", id="not-a-pdf"),
    ],
)
def test_a_hostile_file_is_invalid_with_a_reason_never_a_crash(
    hostile: bytes, trust_dir: Path
) -> None:
    verdict = check(hostile, trust_dir)
    assert verdict.status in (SignatureStatus.INVALID, SignatureStatus.UNSIGNED)
    if verdict.status == SignatureStatus.INVALID:
        assert verdict.why


def test_a_truncated_signed_pdf_is_invalid(signed: bytes, trust_dir: Path) -> None:
    assert check(signed[: len(signed) // 2], trust_dir).status == SignatureStatus.INVALID


def test_the_cost_is_bounded_before_reading(
    signed: bytes, pki: Authorities, trust_dir: Path
) -> None:
    too_big = check(signed, trust_dir, max_bytes=len(signed) - 1)
    assert too_big.status == SignatureStatus.INVALID and "quá lớn" in (too_big.why or "")
    twice = sign_pdf(signed, pki.signer, [pki.intermediate], field="Signature2")
    many = check(twice, trust_dir, max_signatures=1)
    assert many.status == SignatureStatus.INVALID and "quá nhiều chữ ký" in (many.why or "")


def test_the_trust_store_reads_pem_and_der_and_skips_what_is_not_a_certificate(
    pki: Authorities, tmp_path: Path
) -> None:
    """The intermediate may sit in the store rather than in the PDF; a junk file is named,
    not fatal; files of other kinds are not read."""
    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "root.pem").write_bytes(pki.root.pem)
    (folder / "intermediate.cer").write_bytes(pki.intermediate.der)
    (folder / "hong.crt").write_bytes(b"not a certificate")
    (folder / "README.txt").write_text("ignored")
    store = load_trust_store(folder)
    assert len(store.certificates) == 2
    assert [s.split(":")[0] for s in store.skipped] == ["hong.crt"]
    bare = sign_pdf(plain_pdf(), pki.signer, [])  # no chain embedded
    assert verify_pdf(bare, store, at=RECEIVED).status == SignatureStatus.VALID


@pytest.mark.parametrize("string_type", ["UTF8String", "BMPString", "T61String"])
def test_vietnamese_names_are_read_whatever_string_type_the_ca_used(
    pki: Authorities, string_type: str
) -> None:
    """Some CAs write UTF-8 bytes into a TeletexString, which asn1crypto reads as Latin-1
    ("Nguyá»…n"); the names still read right."""
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.x509.name import _ASN1Type
    from cryptography.x509.oid import NameOID

    kind = _ASN1Type[string_type]
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, SIGNER_ORG, _type=kind),
            x509.NameAttribute(NameOID.COMMON_NAME, SIGNER_NAME, _type=kind),
        ]
    )
    cert = issue(name, issuer=pki.intermediate, ca=False, seed=9)
    assert subject_names(asn1_x509.Certificate.load(cert.der)) == (SIGNER_NAME, SIGNER_ORG)


# --- the plan's requirement ---------------------------------------------------------------------


def test_a_milestone_may_override_the_plan_wide_requirement() -> None:
    plan = _small_plan()
    assert not plan.requires_signature("report")
    data = plan.model_dump(mode="json", by_alias=True)
    data["submissions"] = {"require_signature": True}
    assert Plan.model_validate(data).requires_signature("report")
    assert Plan.model_validate(data).requires_signature("a-system-milestone")
    data["milestones"][0]["require_signature"] = False
    first = data["milestones"][0]["id"]
    assert not Plan.model_validate(data).requires_signature(first)


def test_the_reason_a_document_is_returned_is_addressed_to_the_unit() -> None:
    valid = Verdict(SignatureStatus.VALID)
    assert signature_problem("a.pdf", valid) is None
    unsigned = signature_problem("bao-cao.pdf", Verdict(SignatureStatus.UNSIGNED))
    assert unsigned is not None
    assert unsigned.startswith("Văn bản “bao-cao.pdf” chưa được ký số")
    assert "Đề nghị đơn vị" in unsigned
    not_pdf = signature_problem("bao-cao.docx", None)
    assert not_pdf is not None and "không phải tệp PDF" in not_pdf


def _small_plan() -> Plan:
    import yaml

    from tests.conftest import SMALL_PLAN

    return Plan.model_validate(yaml.safe_load(SMALL_PLAN.read_text(encoding="utf-8")))


# --- at upload, on the coordinator's page, and in the CLI ---------------------------------------

USERNAME, PASSWORD = "dieuphoi", "mat-khau-du-dai-2023"
HIDDEN = re.compile(r'name="(\w+)" value="([^"]*)"')


@pytest.fixture
def link(monkeypatch: pytest.MonkeyPatch, trust_dir: Path) -> str:
    monkeypatch.setenv("TDKT_SECRET_KEY", "pdf-signatures-" + "k" * 32)
    monkeypatch.setenv("TDKT_TRUST_STORE", str(trust_dir))
    return prepare_world()


def _client() -> TestClient:
    return TestClient(create_app(now=clock_at(RECEIVED)))


def _upload(client: TestClient, link: str, name: str, data: bytes) -> str:
    fields = {k: unescape(v) for k, v in HIDDEN.findall(client.get(link).text)}
    answer = client.post(f"{link}/nop", data=fields, files={"document": (name, data)})
    assert answer.status_code == 200, answer.text
    return unescape(answer.text)


def _require_signatures() -> None:
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        campaign.plan = {**campaign.plan, "submissions": {"require_signature": True}}


def _obligation() -> tuple[ObligationStatus, str | None, list[str | None]]:
    with unit_of_work() as session:
        document_obligation = session.scalars(
            select(Obligation).join(
                SubmittedDocument, SubmittedDocument.obligation_id == Obligation.id
            )
        ).first()
        assert document_obligation is not None
        statuses = session.scalars(
            select(SubmittedDocument.signature_status).order_by(SubmittedDocument.id)
        ).all()
        return document_obligation.status, document_obligation.note, list(statuses)


def test_an_upload_keeps_its_verdict_and_the_coordinator_reads_it(link: str, signed: bytes) -> None:
    client = _client()
    assert 'id="signature-required"' not in client.get(link).text
    page = _upload(client, link, "bao-cao.pdf", signed)
    assert "hệ thống sẽ không nhắc nữa" in page and "chữ ký số: hợp lệ" in page
    status, _, stored = _obligation()
    assert (status, stored) == (ObligationStatus.SUBMITTED, ["valid"])

    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        add_coordinator(
            session,
            USERNAME,
            "Cán bộ điều phối",
            PASSWORD,
            unit=campaign.standing_body,
            at=RECEIVED,
            actor="test",
        )
        (obligation_id,) = session.scalars(select(SubmittedDocument.obligation_id)).all()
    staff = _client()
    login = "/dieu-phoi/dang-nhap"
    csrf = dict(HIDDEN.findall(staff.get(login).text))["csrf"]
    staff.post(login, data={"username": USERNAME, "password": PASSWORD, "csrf": csrf})
    shown = unescape(staff.get(f"/dieu-phoi/nghia-vu/{obligation_id}").text)
    assert VALID_LINE in shown and "signature-valid" in shown


@pytest.mark.parametrize(
    ("name", "kind", "said"),
    [
        ("bao-cao.pdf", "unsigned", "chưa được ký số"),
        ("bao-cao.pdf", "tampered", "không hợp lệ (nội dung văn bản đã bị thay đổi sau khi ký)"),
        ("bao-cao.pdf", "stranger", "không tin cậy"),
        ("bao-cao.docx", "docx", "không phải tệp PDF"),
    ],
)
def test_a_plan_that_requires_signatures_returns_what_is_not_validly_signed(
    link: str, signed: bytes, pki: Authorities, name: str, kind: str, said: str
) -> None:
    _require_signatures()
    data = {
        "unsigned": plain_pdf(),
        "tampered": flip_signed_byte(signed) if kind == "tampered" else b"",
        "stranger": sign_pdf(plain_pdf(), pki.stranger, []) if kind == "stranger" else b"",
        "docx": docx_bytes(),
    }[kind]
    client = _client()
    assert 'id="signature-required"' in client.get(link).text
    page = _upload(client, link, name, data)
    assert "chưa đáp ứng yêu cầu ký số" in page
    status, note, _ = _obligation()
    assert status == ObligationStatus.RETURNED
    assert note is not None and said in note and "Đề nghị đơn vị" in note
    assert f'Lý do trả lại</dt><dd id="return-reason">{note}' in page


def test_a_plan_that_requires_signatures_takes_a_valid_one(link: str, signed: bytes) -> None:
    _require_signatures()
    _upload(_client(), link, "bao-cao.pdf", signed)
    assert _obligation()[:1] == (ObligationStatus.SUBMITTED,)


def test_verify_checks_stored_documents_again_after_the_trust_store_changes(
    link: str, signed: bytes, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, trust_dir: Path
) -> None:
    """Received while the store was empty: untrusted; the ops install the root CA and run
    `tdkt document verify`: valid, judged as of receipt; `tdkt document list` shows it."""
    monkeypatch.setenv("COLUMNS", "250")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("TDKT_TRUST_STORE", str(empty))
    _upload(_client(), link, "bao-cao.pdf", signed)
    assert _obligation()[2] == ["untrusted"]

    runner = CliRunner()
    trusted = str(trust_dir)
    run = runner.invoke(cli, ["document", "verify", "--trust-store", trusted])
    assert run.exit_code == 0, run.output
    assert "Đã kiểm tra lại 1 văn bản PDF; 1 thay đổi kết quả." in run.output
    assert "không tin cậy → hợp lệ" in run.output
    assert _obligation()[2] == ["valid"]

    listed = runner.invoke(cli, ["document", "list"])
    assert listed.exit_code == 0, listed.output
    assert VALID_LINE in " ".join(listed.output.split())
    store = runner.invoke(cli, ["document", "trust", "--trust-store", trusted])
    assert "1 chứng thư số" in store.output and "Test Root CA Quốc gia" in store.output
