"""Sealed ballot papers: a member's whole paper is encrypted when cast and opened at the close.

Why: a choice written in the clear when it is cast can be put back beside the roll's
`voted_at` by anyone holding a copy of the database files, whatever the tables look like
(SQLite keeps the insertion order in a page's cell offsets and one page copy per commit in the
WAL; PostgreSQL keeps it in the heap, `ctid` and `xmin`). So while a ballot is open no choice
reaches storage in the clear: each member's paper is sealed with authenticated encryption
(AES-256-GCM, a random nonce per paper) under a key that only the server's secret key can
derive, and the close opens every paper at once and writes the choices anonymously.

- **One length for every paper.** A paper is one byte per candidate, in the ballot's candidate
  order (PAPER_CODES), so every sealed paper of a ballot has the same length: the size of a
  stored value tells nothing.
- **A key per ballot.** HKDF-SHA256 from the server's secret key, with a random salt kept on
  the ballot (erased at the close) and the ballot's id: papers of one ballot cannot be opened
  with another's key, and a database recreated under the same secret does not reuse keys.
- **A paper belongs to its roll row.** The ballot and the member are the associated data: a
  sealed paper copied onto another member's row, or another ballot, does not open, so someone
  who can write to the database but lacks the key cannot add, copy or forge a vote.

Pure: no database; the services decide when to seal and open (models/services/ballots.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from models.voting import VoteChoice

SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
PAPER_CODES: dict[VoteChoice, int] = {
    VoteChoice.ABSTAIN: 0,
    VoteChoice.APPROVE: 1,
    VoteChoice.REJECT: 2,
}
CHOICE_OF_CODE = {code: choice for choice, code in PAPER_CODES.items()}


class SealBroken(ValueError):
    """A sealed paper that does not open: another secret key, another row, or edited bytes."""


def new_salt() -> bytes:
    """A ballot's random salt, drawn when it opens."""
    return secrets.token_bytes(SALT_BYTES)


def sealed_length(candidates: int) -> int:
    """The stored length of every sealed paper of a ballot with this many candidates."""
    return NONCE_BYTES + candidates + TAG_BYTES


def encode_paper(order: Sequence[int], marked: Mapping[int, VoteChoice]) -> bytes:
    """The paper as bytes: one code per candidate of `order` (the ballot's candidate order).

    `marked` holds a choice for every candidate (an unmarked one or a conflict is an abstain
    already), so every member's paper has the same length.
    """
    return bytes(PAPER_CODES[marked[cid]] for cid in order)


def decode_paper(order: Sequence[int], paper: bytes) -> dict[int, VoteChoice]:
    """The choices of an opened paper, by candidate id; SealBroken if it is not a paper."""
    if len(paper) != len(order) or any(code not in CHOICE_OF_CODE for code in paper):
        raise SealBroken("nội dung phiếu không khớp với danh sách ứng viên")
    return {cid: CHOICE_OF_CODE[code] for cid, code in zip(order, paper, strict=True)}


class PaperSeal:
    """Seals and opens ballot papers with keys derived from the server's secret key.

    Every process that takes a vote or closes a ballot (the web app, `tdkt ballot`, the
    Prefect worker) must hold the same secret key, as for the signed links.
    """

    def __init__(self, secret_key: str):
        if len(secret_key) < 16:
            raise ValueError("the secret key must have at least 16 characters")
        self._secret = secret_key.encode()

    def __repr__(self) -> str:
        return "PaperSeal(***)"

    def _cipher(self, ballot_id: int, salt: bytes) -> AESGCM:
        info = b"tdkt.ballot-paper:%d" % ballot_id
        key = HKDF(algorithm=SHA256(), length=32, salt=salt, info=info).derive(self._secret)
        return AESGCM(key)

    @staticmethod
    def _bound_to(ballot_id: int, contact_id: int) -> bytes:
        return b"tdkt.ballot-paper:%d:member:%d" % (ballot_id, contact_id)

    def seal(self, paper: bytes, *, ballot_id: int, salt: bytes, contact_id: int) -> bytes:
        """nonce + ciphertext + tag: what the member's roll row keeps until the close."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        cipher = self._cipher(ballot_id, salt)
        return nonce + cipher.encrypt(nonce, paper, self._bound_to(ballot_id, contact_id))

    def open(self, sealed: bytes, *, ballot_id: int, salt: bytes, contact_id: int) -> bytes:
        """The paper sealed for this member of this ballot; SealBroken if it does not open."""
        nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
        try:
            return self._cipher(ballot_id, salt).decrypt(
                nonce, body, self._bound_to(ballot_id, contact_id)
            )
        except (InvalidTag, ValueError) as error:
            raise SealBroken("phiếu đã niêm phong không mở được") from error
