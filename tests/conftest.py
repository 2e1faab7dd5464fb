"""Test settings: every test gets its own data directory; nothing touches the real one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

# Prefect reads these at import: a throwaway home, no telemetry, quiet logs.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="tdkt-prefect-")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.pop("PREFECT_API_URL", None)

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted((ROOT / "plans").glob("*.yaml"))
QB_PLAN = ROOT / "plans" / "quang-binh-2021-2025.yaml"
QB_DIRECTORY = ROOT / "data" / "directories" / "quang-binh.yaml"
SMALL_PLAN = ROOT / "tests" / "data" / "small-plan.yaml"
SMALL_DIRECTORY = ROOT / "tests" / "data" / "small-directory.yaml"


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
