"""Signed tokens: the personal links in emails and the one-time tokens in web forms.

A token is only as good as its signature (HMAC-SHA256 through itsdangerous) and what the
database still says about it: a link must exist, be unrevoked and unexpired; a form token must
not have been spent. Times come from the caller, so a simulated clock works here too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadData, URLSafeSerializer

SECRET_FILE = "secret.key"
MIN_SECRET_LENGTH = 16
FORM_TOKEN_MAX_AGE = dt.timedelta(hours=4)


class BadToken(ValueError):
    """A token that was edited, truncated, made with another key or for another purpose."""


class StaleToken(BadToken):
    """A form token older than FORM_TOKEN_MAX_AGE: the page must be opened again."""


@dataclass(frozen=True)
class FormToken:
    scope: str
    issued_at: dt.datetime
    digest: str  # what the database records once the token is spent


def load_secret_key(data_dir: Path) -> str:
    """TDKT_SECRET_KEY, else a random key kept in the data directory (created once, mode 600).

    Every process that signs or checks links (the sweep, the web app) must share it. Two
    processes starting together must agree on one key, and neither may read a half-written
    file: the key is written whole to a private file, then linked into place only if no key
    is there yet; whoever loses the race reads the winner's key.
    """
    configured = os.environ.get("TDKT_SECRET_KEY")
    if configured:
        return configured
    path = data_dir / SECRET_FILE
    if not path.exists():
        _create_secret_file(path)
    key = path.read_text().strip()
    if len(key) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"{path}: the secret key has {len(key)} characters, at least "
            f"{MIN_SECRET_LENGTH} are needed; delete the file to make a new one"
        )
    return key


def _create_secret_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another process got there first
            os.link(draft, path)  # atomic: the key appears whole or not at all
    finally:
        draft.unlink(missing_ok=True)


class Signer:
    """Makes and reads the two kinds of token with one secret, each under its own salt."""

    def __init__(self, secret_key: str):
        if len(secret_key) < MIN_SECRET_LENGTH:
            raise ValueError(f"the secret key must have at least {MIN_SECRET_LENGTH} characters")
        self.session_key = hmac.new(secret_key.encode(), b"tdkt.session", "sha256").hexdigest()
        self._links = URLSafeSerializer(secret_key, salt="tdkt.access-link")
        self._forms = URLSafeSerializer(secret_key, salt="tdkt.form")

    def link_token(self, link_id: int, nonce: str) -> str:
        return str(self._links.dumps([link_id, nonce]))

    def read_link_token(self, token: str) -> tuple[int, str]:
        """(link id, nonce) of a token this key signed; BadToken for anything else."""
        try:
            value = self._links.loads(token)
        except BadData as error:
            raise BadToken("chữ ký của liên kết không hợp lệ") from error
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not isinstance(value[0], int)
            or not isinstance(value[1], str)
        ):
            raise BadToken("liên kết không đúng định dạng")
        return value[0], value[1]

    def form_token(self, scope: str, at: dt.datetime) -> str:
        """A one-time token for a form shown to scope (a link, a signed-in session) at `at`."""
        return str(self._forms.dumps([scope, at.isoformat(), secrets.token_hex(12)]))

    def read_form_token(self, token: str, *, scope: str, at: dt.datetime) -> FormToken:
        """The token's facts if it was signed here for this scope and is fresh; else BadToken."""
        try:
            value = self._forms.loads(token)
            got_scope, issued = value[0], dt.datetime.fromisoformat(value[1])
        except (BadData, TypeError, ValueError, IndexError, KeyError) as error:
            raise BadToken("mã xác thực của biểu mẫu không hợp lệ") from error
        if got_scope != scope:
            raise BadToken("biểu mẫu không thuộc trang này")
        if issued.tzinfo is None or not issued - dt.timedelta(minutes=5) <= at:
            raise BadToken("mã xác thực của biểu mẫu không hợp lệ")
        if at - issued > FORM_TOKEN_MAX_AGE:
            raise StaleToken("biểu mẫu đã quá hạn, xin mở lại trang")
        return FormToken(scope, issued, hashlib.sha256(token.encode()).hexdigest())
