"""Test settings: every test gets its own data directory; nothing touches the real one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "plans").glob("*.yaml"))
QB_PLAN = ROOT / "plans" / "quang-binh-2021-2025.yaml"
QB_DIRECTORY = ROOT / "data" / "directories" / "quang-binh.yaml"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TDKT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TDKT_DATABASE_URL", raising=False)
    return tmp_path / "data"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    from models.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    migrate(engine)
    yield engine
    engine.dispose()
