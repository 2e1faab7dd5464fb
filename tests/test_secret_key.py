"""The secret key kept in the data directory: one key for every process, never half a key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import signing
from models.signing import SECRET_FILE, load_secret_key

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # no database used


@pytest.fixture(autouse=True)
def no_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TDKT_SECRET_KEY", raising=False)


def test_the_key_is_made_once_private_and_kept(tmp_path: Path) -> None:
    key = load_secret_key(tmp_path / "data")
    assert len(key) >= signing.MIN_SECRET_LENGTH
    assert load_secret_key(tmp_path / "data") == key
    assert (tmp_path / "data" / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path / "data") == [SECRET_FILE]  # no draft left behind


def test_a_process_that_loses_the_race_reads_the_winners_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process writes its key between our look and our link: we take its key."""
    path = tmp_path / SECRET_FILE
    link = os.link

    def the_other_process_first(source: Path, target: Path) -> None:
        Path(target).write_text("the-other-process-key-0123456789")
        link(source, target)

    monkeypatch.setattr(os, "link", the_other_process_first)
    assert load_secret_key(tmp_path) == "the-other-process-key-0123456789"
    assert os.listdir(tmp_path) == [path.name]


def test_processes_starting_together_share_one_whole_key(tmp_path: Path) -> None:
    """The failure CI once met: a second sweep read the key file before the first had written
    it, and stopped on an empty key."""
    code = "import sys; from pathlib import Path; from models.signing import load_secret_key; "
    code += "print(load_secret_key(Path(sys.argv[1])))"
    env = {k: v for k, v in os.environ.items() if k != "TDKT_SECRET_KEY"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(6)
    ]
    keys = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert [run.returncode for run in runs] == [0] * 6
    assert len(keys) == 1 and len(keys.pop()) >= signing.MIN_SECRET_LENGTH


def test_a_truncated_key_file_is_named_in_the_error(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE).write_text("short\n")
    with pytest.raises(ValueError, match=r"secret\.key: the secret key has 5 characters"):
        load_secret_key(tmp_path)
