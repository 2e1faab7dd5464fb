"""Directory import: bad emails, duplicate codes and cycles are refused with their lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from models.clock import now
from models.db import unit_of_work
from models.directory import read_directory
from models.orm import Cluster, Contact, Unit
from models.services.directory import import_directory_file
from models.source import InputErrors
from tests.conftest import QB_DIRECTORY, ROOT

GOOD_YAML = """\
format: 1
units:
  - code: T
    name: Tỉnh Thử
    kind: province
    contacts:
      - {name: Nguyễn Văn A, role: head, email: a@t.example}
  - code: T.SNV
    name: Sở Nội vụ
    kind: department
    parent: T
    contacts:
      - {name: Trần Thị B, role: standing_body, email: b@snv.t.example}
clusters:
  - {code: T.KHOI, name: Khối các sở, kind: block, leader: T.SNV, members: [T.SNV]}
"""


def _write(tmp_path: Path, text: str, name: str = "dir.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_synthetic_quang_binh_directory_reads() -> None:
    directory = read_directory(QB_DIRECTORY)
    codes = {u.code for u in directory.units}
    districts = [u for u in directory.units if u.kind == "district"]
    assert len(districts) == 8
    assert {"QB", "QB.SNV", "QB.SLDTBXH", "QB.LDLD", "QB.TD"} <= codes
    emails = [str(c.email) for u in directory.units for c in u.contacts]
    assert emails and all(e.split("@")[1].endswith(".example") for e in emails)


def test_bad_email_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_YAML.replace("b@snv.t.example", "b@@snv"))
    with pytest.raises(InputErrors) as info:
        read_directory(path)
    (error,) = info.value.errors
    assert (error.line, error.field) == (13, "units[1].contacts[0].email")
    assert "email" in error.message


def test_duplicate_code_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_YAML.replace("code: T.SNV", "code: T"))
    with pytest.raises(InputErrors) as info:
        read_directory(path)
    messages = {(e.line, e.field): e.message for e in info.value.errors}
    assert (8, "units[1].code") in messages
    assert "trùng" in messages[(8, "units[1].code")]


def test_cycle_in_the_hierarchy_is_refused(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("    kind: province\n", "    kind: province\n    parent: T.SNV\n")
    with pytest.raises(InputErrors, match="vòng lặp"):
        read_directory(_write(tmp_path, text))


def test_unknown_parent_and_cluster_leader(tmp_path: Path) -> None:
    text = GOOD_YAML.replace("parent: T\n", "parent: X\n").replace("leader: T.SNV", "leader: T")
    with pytest.raises(InputErrors) as info:
        read_directory(_write(tmp_path, text))
    fields = {e.field for e in info.value.errors}
    assert fields == {"units[1].parent", "clusters[0].leader"}


def test_csv_errors_name_csv_lines(tmp_path: Path) -> None:
    csv_text = (
        "unit_code,unit_name,unit_kind,parent_code,contact_name,contact_role,contact_email\n"
        "T,Tỉnh Thử,province,,Nguyễn Văn A,head,a@t.example\n"
        "T.SNV,Sở Nội vụ,department,T,Trần Thị B,standing_body,not-an-email\n"
        "T.SNV,Sở Nội vụ trùng,department,T,Lê C,head,c@t.example\n"
        "T.STC,Sở Tài chính,departmen,T,,,\n"
    )
    with pytest.raises(InputErrors) as info:
        read_directory(_write(tmp_path, csv_text, "dir.csv"))
    found = {(e.line, e.field) for e in info.value.errors}
    assert (3, "units[1].contacts[0].email") in found
    assert (5, "units[2].kind") in found


def test_shipped_csv_example_imports_under_quang_binh(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        import_directory_file(session, QB_DIRECTORY, at=now(), actor="test")
        summary = import_directory_file(
            session, ROOT / "data/directories/example-units.csv", at=now(), actor="test"
        )
    assert summary.units_added == 3


def test_import_is_one_transaction_and_idempotent(tmp_path: Path, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        import_directory_file(session, _write(tmp_path, GOOD_YAML), at=now(), actor="test")
    with unit_of_work(engine) as session:
        summary = import_directory_file(session, _write(tmp_path, GOOD_YAML), at=now(), actor="t")
        assert (summary.units_added, summary.units_updated) == (0, 2)
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 2
        snv = session.scalar(select(Unit).where(Unit.code == "T.SNV"))
        assert snv is not None and snv.parent is not None and snv.parent.code == "T"
        assert session.scalar(select(Cluster.code)) == "T.KHOI"
    bad = GOOD_YAML.replace("code: T.SNV", "code: T.NEW").replace("b@snv.t.example", "bad")
    with pytest.raises(InputErrors), unit_of_work(engine) as session:
        import_directory_file(session, _write(tmp_path, bad), at=now(), actor="test")
    with unit_of_work(engine) as session:
        assert session.scalar(select(Unit).where(Unit.code == "T.NEW")) is None
