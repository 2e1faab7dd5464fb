"""Hostile and broken input: plan files, directories (YAML and CSV) and deadline phrases.

Whatever a file holds (cut at any byte, in UTF-16 or Windows-1258, with control characters,
YAML tags, self-referencing aliases, cycles, duplicate codes, bad emails), reading it either
succeeds or raises InputErrors whose every error names the file (and the line and field where
there is one); nothing else escapes, nothing is half-written to the database, and the `tdkt`
command shows the messages without a traceback. Any string given to the phrase reader gives a
deadline or a PhraseError, in bounded time.

The fuzz tests mutate the repository's own valid files with hypothesis (few examples each: the
file must stay fast); the hand-written cases are the inputs that once crashed a reader.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from typer.testing import CliRunner

from deployments.cli import app
from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from models.directory import read_directory
from models.orm.base import Base
from models.phrases import MAX_LENGTH, PhraseError, parse_phrase
from models.plan_files import instantiate, read_plan
from models.plan_instantiation import instantiate_plan
from models.schedule import schedule
from models.services.directory import import_directory_file
from models.services.plans import load_plan_file
from models.source import InputErrors, read_yaml
from tests.conftest import PLANS, QB_DIRECTORY, QB_PLAN, ROOT, SMALL_DIRECTORY, SMALL_PLAN
from tests.test_cli import tdkt as installed_tdkt

pytestmark = pytest.mark.faults

EXAMPLE_CSV = ROOT / "data" / "directories" / "example-units.csv"
PLAN_FILES = sorted({*PLANS, *(ROOT / "tests" / "data").glob("*-plan.yaml")})
YAML_DIRECTORIES = [SMALL_DIRECTORY, QB_DIRECTORY]

FUZZ = settings(
    max_examples=60,
    deadline=None,
    # The autouse data_dir fixture is function-scoped; the readers under test never touch it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

Reader = Callable[[Path], object]


def assert_clear(reader: Reader, path: Path) -> InputErrors | None:
    """Read path: success, or InputErrors in which every error is about this file, at a line
    the file has, with a message one can print. Any other exception fails the test."""
    try:
        reader(path)
    except InputErrors as exc:
        assert exc.errors, "InputErrors without any error"
        # YAML also breaks lines at CR, U+0085 and U+2028; an error may point past the end.
        lines = len(path.read_bytes().decode("utf-8", "replace").splitlines()) + 2
        for error in exc.errors:
            assert error.file == str(path), error
            assert error.message.strip(), error
            assert error.line is None or 1 <= error.line <= lines, error
            assert "Input should" not in error.message, f"untranslated: {error}"
            str(error).encode("utf-8")  # no lone surrogate: the terminal can print it
        return exc
    return None


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --- mutations --------------------------------------------------------------------------------

NASTY_VALUES = [
    "",
    "~",
    "[",
    "{",
    "]",
    "'",
    '"',
    "&a [*a]",
    "*nowhere",
    "!!python/object:os.system x",
    "!!binary AAAA",
    "!custom x",
    '"\\0"',
    '"\\x1b[2J"',
    '"\\ud800"',
    "2027-02-30",
    "0000-01-01",
    "1e999",
    ".nan",
    "-1",
    "0x10",
    "yes",
    "[1, [2, [3]]]",
    "{a: {b: {c: 1}}}",
    "? [1]",
    "<<: {a: 1}",
    "'[/x] [bold]'",
    "<script>alert(1)</script>",
    "'{{ 7*7 }}'",
    "năm 0000",
    "trước ngày 1/1/0001",
    "hằng " + "tháng " * 40 + "x",
    "a" * 3000,
    "a@b@c.example",
    "'\u2028\u0085'",
]


def _lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True) or [b""]


@st.composite
def mutated(draw: Any, raw: bytes) -> bytes:
    """raw after one to three random edits, each a way files really get broken."""
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                [
                    "truncate",
                    "delete_line",
                    "duplicate_line",
                    "swap_lines",
                    "replace_value",
                    "insert",
                    "flip_byte",
                    "reencode",
                    "indent",
                ]
            )
        )
        lines = _lines(raw)
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "truncate":
            raw = raw[: draw(st.integers(0, len(raw)))]
        elif kind == "delete_line":
            raw = b"".join(lines[:i] + lines[i + 1 :])
        elif kind == "duplicate_line":
            raw = b"".join(lines[: i + 1] + lines[i:])
        elif kind == "swap_lines":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            raw = b"".join(lines)
        elif kind == "replace_value":
            line = lines[i]
            cut = line.find(b": ") + 2 if b": " in line else line.find(b",") + 1
            value = draw(st.sampled_from(NASTY_VALUES) | st.text(max_size=40))
            ending = b"\n" if line.endswith(b"\n") else b""
            lines[i] = line[: max(cut, 0)] + value.encode("utf-8") + ending
            raw = b"".join(lines)
        elif kind == "insert":
            at = draw(st.integers(0, len(raw)))
            text = draw(st.sampled_from(NASTY_VALUES) | st.text(max_size=20))
            raw = raw[:at] + text.encode("utf-8") + raw[at:]
        elif kind == "flip_byte":
            if raw:
                at = draw(st.integers(0, len(raw) - 1))
                raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1 :]
        elif kind == "reencode":
            text = raw.decode("utf-8", "replace")
            codec = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "cp1258", "latin-1"]))
            raw = text.encode(codec, "replace")
            if draw(st.booleans()):
                raw = b"\xef\xbb\xbf" + raw
        else:  # indent
            spaces = draw(st.integers(-4, 4))
            line = lines[i]
            lines[i] = b" " * spaces + line if spaces > 0 else line[-spaces:]
            raw = b"".join(lines)
    return raw


# --- plan files: fuzz -------------------------------------------------------------------------


def _read_and_use_plan(path: Path) -> None:
    """What `tdkt plan check`, `show` and `instantiate` do with a file that reads."""
    plan = read_plan(path)
    schedule(plan, default_calendar())
    length = plan.period.end - plan.period.start
    instantiate(path, plan.period.start + 5, plan.period.start + 5 + length)


@FUZZ
@given(data=st.data())
def test_mutated_plan_files_read_or_name_the_file(tmp_path: Path, data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(PLAN_FILES), label="base")
    raw = data.draw(mutated(base.read_bytes()), label="mutated")
    assert_clear(_read_and_use_plan, write(tmp_path, "plan.yaml", raw))


CUT_STRIDE = 211
"""Besides every line boundary, a cut every CUT_STRIDE bytes (a prime: it lands at every
column, inside keys, values and multi-byte Vietnamese letters)."""


def cut_positions(raw: bytes) -> list[int]:
    """Where test_a_plan_cut_at_any_byte cuts: a fixed set, the same on every run.

    Every line boundary, where a cut leaves well-formed YAML (the only cuts that can read as a
    plan), and every CUT_STRIDE-th byte, inside lines."""
    lines = {i + 1 for i, byte in enumerate(raw) if byte == 0x0A}
    return sorted({0, len(raw), *lines, *range(0, len(raw), CUT_STRIDE)})


def is_prefix(part: object, whole: object) -> bool:
    """Whether YAML data read from the start of a file is the whole file's data up to a point.

    Every mapping's keys are the first ones of the whole's, in order, and every list's items the
    first ones; all values equal the whole's but the last, which may itself be cut short: a
    nested prefix, nothing (null), or a scalar whose text begins the whole's (a cut date or
    number reads as a string or a smaller number; a folded text loses its end)."""
    if part is None:
        return True
    if isinstance(whole, dict):
        if not isinstance(part, dict):
            return False
        keys = list(part)
        if keys != list(whole)[: len(keys)]:
            return False
        return all(part[k] == whole[k] for k in keys[:-1]) and (
            not keys or is_prefix(part[keys[-1]], whole[keys[-1]])
        )
    if isinstance(whole, list):
        if not isinstance(part, list) or len(part) > len(whole):
            return False
        return part[:-1] == whole[: len(part) - 1] and (
            not part or is_prefix(part[-1], whole[len(part) - 1])
        )
    return str(whole).lower().startswith(str(part).rstrip().lower())


@pytest.mark.security
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # a reader: no database to vary
def test_a_plan_cut_at_any_byte(tmp_path: Path) -> None:
    """A plan cut short reads as a located error, or as the plan it still is: YAML has no end
    marker, so a cut at a milestone's end leaves a valid plan with fewer milestones (issue 18
    found one by chance). Requiring an end marker would refuse every plan written by hand; the
    property is that whatever reads is a prefix of the whole, nothing more or else."""
    whole = QB_PLAN.read_bytes()
    complete = read_yaml(QB_PLAN).data
    read, wrong = [], []
    for cut in cut_positions(whole):
        path = write(tmp_path, "cut.yaml", whole[:cut])
        if assert_clear(read_plan, path) is None:
            read.append(cut)
            if not is_prefix(read_yaml(path).data, complete):
                wrong.append(cut)
    assert not wrong, f"plans that read but are not a prefix of the whole, cut at {wrong}"
    assert len(whole) in read  # the whole reads, and so do shorter plans (the check is not idle)
    assert len(read) > 1


# --- directory files: fuzz --------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_mutated_yaml_directories_read_or_name_the_file(
    tmp_path: Path, data: st.DataObject
) -> None:
    base = data.draw(st.sampled_from(YAML_DIRECTORIES), label="base")
    raw = data.draw(mutated(base.read_bytes()), label="mutated")
    assert_clear(read_directory, write(tmp_path, "directory.yaml", raw))


@FUZZ
@given(data=st.data())
def test_mutated_csv_directories_read_or_name_the_file(tmp_path: Path, data: st.DataObject) -> None:
    raw = data.draw(mutated(EXAMPLE_CSV.read_bytes() * 2), label="mutated")
    assert_clear(read_directory, write(tmp_path, "directory.csv", raw))


@FUZZ
@given(rows=st.lists(st.lists(st.text(max_size=30), min_size=0, max_size=10), max_size=6))
def test_csv_of_random_cells(tmp_path: Path, rows: list[list[str]]) -> None:
    header = "unit_code,unit_name,unit_kind,parent_code,successor_code,contact_name,contact_role,"
    header += "contact_email,contact_phone\n"
    body = "".join(",".join(cells) + "\n" for cells in rows)
    assert_clear(read_directory, write(tmp_path, "random.csv", header + body))


# --- phrases: fuzz ----------------------------------------------------------------------------

TOKENS = [
    "trước", "ngày", "tháng", "quý", "Quý", "quí", "năm", "hằng", "hàng", "định", "kỳ", "vào",
    "dịp", "chậm", "muộn", "nhất", "là", "trong", "thời", "gian", "từ", "đến", "tới", "hết",
    "hạn", "chót", "6", "đầu", "cuối", "I", "II", "III", "IV", "V", "và", ",", ";", "/", "-",
    ".", "(", ")", "0", "1", "12", "13", "29", "30", "31", "32", "00", "2022", "2023", "2024",
    "0000", "1899", "1900", "2999", "3000", "9999", "19/5", "29/2", "29/2/2023", "31/12/2999",
    "1/1/1900", "11/6/2025", "٢٠٢٣",
]  # fmt: skip
PHRASES = st.lists(st.sampled_from(TOKENS), max_size=14).map(" ".join) | st.text(max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(phrase=PHRASES, year=st.none() | st.integers(-5, 10_005))
def test_any_phrase_gives_a_deadline_or_a_clear_error(phrase: str, year: int | None) -> None:
    try:
        deadline = parse_phrase(phrase, year=year)
    except PhraseError as exc:
        assert str(exc).strip()
        return
    calendar = default_calendar()
    if deadline.kind == "recurring":
        assert deadline.recurrences and deadline.due is None
        for occurrence in deadline.occurrences(2024 if year is None else year):
            calendar.effective_due(occurrence.due)
    else:
        assert deadline.due is not None
        assert deadline.start is None or deadline.start <= deadline.due
        calendar.effective_due(deadline.due)
        assert deadline.rule_text


ADVERSARIAL = [
    "hằng " + "tháng " * 45 + "x",  # took 2^n steps: 20 words 1.3 s, 30 words minutes
    "định kỳ hằng " + "tháng, " * 35 + "x",
    "hang " + "thang va " * 30 + "?",
    "ngày 1 " + "hằng tháng " * 25 + "x",
    "từ " + "ngày " * 55 + "x",
    "trước " + " " * 290 + "x",
    " " * 10_000 + "/1",
    "x" * 100_000,
]


@pytest.mark.parametrize("phrase", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_phrases_built_to_backtrack_are_read_in_bounded_time(phrase: str) -> None:
    start = time.perf_counter()
    with pytest.raises(PhraseError):
        parse_phrase(phrase)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("phrase", "year", "words"),
    [
        ("năm 0000", None, "năm 0"),
        ("quý I/0000", None, "năm 0"),
        ("6 tháng đầu năm 0000", None, "năm 0"),
        ("trước ngày 1/1/0001", None, "năm 1 "),  # was an OverflowError
        ("ngày 31/12/9999", None, "năm 9999"),
        ("hằng tháng", 0, "năm 0"),  # occurrences(0) was a ValueError
        ("11/6", 10_000, "năm 10000"),
        ("x" * (MAX_LENGTH + 1), None, "quá dài"),
        ("", None, "trống"),
        ("\x00", None, "không đọc được"),
    ],
)
def test_impossible_years_and_lengths_are_phrase_errors(
    phrase: str, year: int | None, words: str
) -> None:
    with pytest.raises(PhraseError) as info:
        deadline = parse_phrase(phrase, year=year)
        deadline.occurrences(year or 2024)
    assert words in str(info.value)


# --- plan files: by hand ----------------------------------------------------------------------


def qb_variant(tmp_path: Path, old: str, new: str, name: str = "variant.yaml") -> Path:
    text = QB_PLAN.read_text(encoding="utf-8")
    assert old in text, old
    return write(tmp_path, name, text.replace(old, new, 1))


SO_NOI_VU_CP1258 = b"S\xf5\xd2 N\xf4\xf2i vu\xf2"
"""'Sở Nội vụ' as Windows-1258 writes it: a base letter, then a combining tone mark."""

YAML_CRASHES = [
    # (what, the bytes, words expected in a message) — each of these once escaped as another
    # exception type: yaml's ReaderError, TypeError, ConstructorError, RecursionError...
    ("control character", b"id: a\x07b\n", "ký tự điều khiển"),
    ("NUL byte", b"id: a\x00b\n", "ký tự điều khiển"),
    ("NUL by escape", b'title: "a\\0b"\n', "ký tự điều khiển"),
    ("ESC by escape", b'title: "\\e[2J"\n', "ký tự điều khiển"),
    ("lone surrogate", b'title: "\\ud800"\n', "nửa cặp"),
    ("list as a key", b"? [1, 2]\n: x\n", "khóa phải là một giá trị đơn"),
    ("table as a key", b"{a: 1}: x\n", "khóa phải là một giá trị đơn"),
    ("python tag", b"id: !!python/object/apply:os.system [ls]\n", "không được hỗ trợ"),
    ("python tag on a scalar", b"id: !!python/name:os.system x\n", "không được hỗ trợ"),
    ("unknown tag", b"id: !foo x\n", "không được hỗ trợ"),
    ("binary", b"id: !!binary AAAA\n", "nhị phân"),
    ("bad timestamp tag", b"id: !!timestamp hello\n", "thiếu trường"),  # was AttributeError
    ("bad bool tag", b"id: !!bool maybe\n", "thiếu trường"),  # was KeyError
    ("alias into itself", b"a: &x [*x]\n", "chính nó"),
    ("table alias into itself", b"a: &x {b: *x}\n", "chính nó"),
    ("merge key", b"base: &b {x: 1}\nother: {<<: *b}\n", "'<<'"),
    ("nested too deep", b"a: " + b"[" * 3000 + b"]" * 3000 + b"\n", "quá sâu"),
    ("UTF-16 with BOM", "title: Kế hoạch\n".encode("utf-16"), "UTF-16"),
    ("UTF-16 without BOM", "title: Kế hoạch\n".encode("utf-16-le"), "UTF-8"),
    ("Windows-1258", b"title: " + SO_NOI_VU_CP1258 + b"\n", "UTF-8"),
    ("latin-1", "title: Đà Nẵng café\n".encode("latin-1", "replace") + b"\xe9\n", "UTF-8"),
    ("two documents", b"id: a\n---\nid: b\n", "YAML"),
    ("a list, not a table", b"- a\n- b\n", "bảng"),
    ("empty", b"", "rỗng"),
    ("only a comment", b"# nothing\n", "rỗng"),
]


@pytest.mark.parametrize(("what", "raw", "words"), YAML_CRASHES, ids=[c[0] for c in YAML_CRASHES])
@pytest.mark.parametrize("reader", [read_plan, read_directory], ids=["plan", "directory"])
def test_yaml_that_crashed_a_reader(
    tmp_path: Path, reader: Reader, what: str, raw: bytes, words: str
) -> None:
    error = assert_clear(reader, write(tmp_path, "bad.yaml", raw))
    assert error is not None, what
    assert words in str(error), str(error)


def test_billion_laughs_stop_early(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    start = time.perf_counter()
    error = assert_clear(read_plan, write(tmp_path, "laughs.yaml", "\n".join(lines)))
    assert error is not None and "alias" in str(error)
    assert time.perf_counter() - start < 2


def test_aliases_the_seed_plans_use_still_read() -> None:
    plan = read_plan(ROOT / "plans" / "cong-thuong-party-2023-2025.yaml")
    quotes = [m.quote for m in plan.milestones if m.quote]
    assert len(quotes) > len(set(quotes))  # the same quote, written once with &, used with *


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + QB_PLAN.read_bytes())
    assert read_plan(path) == read_plan(QB_PLAN)


@pytest.mark.parametrize(
    ("what", "old", "new", "field", "words"),
    [
        (
            "unreadable quota deadline",  # was a ValidationError at load or sweep time
            "standing_body: QB.SNV\n",
            "standing_body: QB.SNV\nquota_deadline: khi nào xong\n",
            "quota_deadline",
            "không đọc được",
        ),
        (
            "year zero in a phrase",  # was pydantic's English 'year 0 is out of range'
            "phrase: Quý II năm 2023",
            "phrase: Quý II năm 0000",
            "milestones[2].phrase",
            "năm 0",
        ),
        (
            "date before year one",  # was an OverflowError out of the validator
            "phrase: Quý II năm 2023",
            "phrase: trước ngày 1/1/0001",
            "milestones[2].phrase",
            "năm 1 ",
        ),
        (
            "reserved milestone id",  # collided with the process's milestone at load
            "id: unit-plan",
            "id: process-council-vote",
            "milestones[0].id",
            "process-",
        ),
        (
            "clause longer than the database keeps",  # PostgreSQL refused it at load
            "clause: IV.1",
            "clause: " + "IV.1." * 10,
            "milestones[0].clause",
            "40",
        ),
        (
            "document number too long",
            "number: 1837/KH-UBND",
            "number: " + "1837/KH-UBND" * 8,
            "document.number",
            "80",
        ),
    ],
)
def test_plan_values_that_crashed_later_are_refused_when_read(
    tmp_path: Path, what: str, old: str, new: str, field: str, words: str
) -> None:
    error = assert_clear(read_plan, qb_variant(tmp_path, old, new))
    assert error is not None, what
    found = [e for e in error.errors if e.field == field]
    assert found and words in found[0].message, str(error)
    assert found[0].line is not None


def test_instantiate_into_an_impossible_date_lists_it_to_date(tmp_path: Path) -> None:
    path = qb_variant(tmp_path, "phrase: 11/6/2025", "phrase: 29/2/2024")
    read_plan(path)  # a real day in 2024
    result = instantiate_plan(path, 2026, 2030)  # 29/2/2029 is not: once a ValidationError
    (undated,) = result.to_date
    assert undated.milestone == "honour-11-6" and undated.before == "29/2/2024"
    assert "29/2/2029" in undated.reason
    out = write(tmp_path, "draft.yaml", result.text)
    assert next(m for m in read_plan(out).milestones if m.id == "honour-11-6").awaiting_date


# --- directories: by hand ---------------------------------------------------------------------

DIRECTORY = """\
format: 1
units:
  - code: T
    name: Tỉnh Thử
    kind: province
    contacts:
      - {name: Nguyễn Văn A, role: head, email: a@t.example}
  - code: T.A
    name: Sở A
    kind: department
    parent: T
  - code: T.B
    name: Sở B
    kind: department
    parent: T
  - code: T.C
    name: Sở C
    kind: department
    parent: T
clusters:
  - {code: K, name: Khối các sở, kind: block, leader: T.A, members: [T.A, T.B]}
"""


def directory_errors(tmp_path: Path, text: str, name: str = "d.yaml") -> InputErrors:
    path = write(tmp_path, name, text)
    error = assert_clear(read_directory, path)
    assert error is not None, text
    return error


def test_the_hand_written_directory_reads(tmp_path: Path) -> None:
    assert len(read_directory(write(tmp_path, "d.yaml", DIRECTORY)).units) == 4


@pytest.mark.parametrize(
    ("what", "old", "new", "field", "words"),
    [
        (
            "parent chain cycle",
            "    kind: province\n",
            "    kind: province\n    parent: T.C\n",
            "units[0].parent",
            "T → T.C → T",
        ),
        (
            "successor chain cycle",
            "    parent: T\n  - code: T.C\n    name: Sở C\n    kind: department\n    parent: T\n",
            "    parent: T\n    successor: T.C\n  - code: T.C\n    name: Sở C\n"
            "    kind: department\n    parent: T\n    successor: T.B\n",
            "units[2].successor",
            "vòng lặp trong chuỗi sáp nhập: T.B → T.C → T.B",
        ),
        (
            "unit succeeding itself",
            "    parent: T\n  - code: T.B",
            "    parent: T\n    successor: T.A\n  - code: T.B",
            "units[1].successor",
            "chính mình",
        ),
        ("duplicate code", "code: T.B", "code: T.A", "units[2].code", "trùng"),
        (
            "duplicate cluster member",  # was an IntegrityError from the membership table
            "members: [T.A, T.B]",
            "members: [T.A, T.B, T.A]",
            "clusters[0].members[2]",
            "hai lần",
        ),
        ("email without @", "a@t.example", "a.t.example", "units[0].contacts[0].email", "email"),
        ("two @", "a@t.example", "a@b@t.example", "units[0].contacts[0].email", "email"),
        (
            "header in an email",
            "email: a@t.example}",
            'email: "a@t.example\\r\\nBcc: x@evil.example"}',
            "units[0].contacts[0].email",
            "email",
        ),
        (
            "accented name before @",  # was accepted, then failed every sweep writing to it
            "a@t.example",
            "ánh@t.example",
            "units[0].contacts[0].email",
            "ASCII",
        ),
        ("NUL in a name", "name: Sở A", 'name: "Sở\\0A"', "units[1].name", "điều khiển"),
    ],
)
def test_directory_problems_name_line_and_field(
    tmp_path: Path, what: str, old: str, new: str, field: str, words: str
) -> None:
    assert old in DIRECTORY, old
    error = directory_errors(tmp_path, DIRECTORY.replace(old, new, 1))
    found = [e for e in error.errors if e.field == field]
    assert found, f"{what}: {error}"
    assert words in found[0].message and found[0].line is not None, str(error)


def test_accented_domain_is_kept_in_its_ascii_form(tmp_path: Path) -> None:
    text = DIRECTORY.replace("a@t.example", "a@sở-nội-vụ.vn")
    directory = read_directory(write(tmp_path, "d.yaml", text))
    email = str(directory.units[0].contacts[0].email)
    assert email.isascii() and email.startswith("a@xn--")


def test_a_cycle_through_units_already_in_the_database(tmp_path: Path) -> None:
    # The database has T.A under T; the file moves T under T.A without listing T.A.
    text = "units:\n  - {code: T, name: Tỉnh, kind: province, parent: T.A}\n"
    path = write(tmp_path, "d.yaml", text)
    read_directory(path, known_codes=frozenset({"T", "T.A"}))  # codes alone cannot see it
    with pytest.raises(InputErrors, match=r"T → T\.A → T") as info:
        read_directory(path, known_links={"T": (None, None), "T.A": ("T", None)})
    assert info.value.errors[0].line == 2


CSV_HEADER = "unit_code,unit_name,unit_kind,parent_code,successor_code,contact_name,contact_role,"
CSV_HEADER += "contact_email,contact_phone\n"

CSV_CRASHES = [
    # (what, bytes, line, words)
    ("field over the csv limit", CSV_HEADER + "T,T" + "x" * 200_000 + ",province\n", 2, "CSV"),
    ("lone CR inside a row", CSV_HEADER + "T,Tỉnh\rThử,province\n", None, "kind"),
    ("NUL in a cell", CSV_HEADER + "T,Tỉnh\x00,province\n", 2, "điều khiển"),
    ("UTF-16 (Excel)", (CSV_HEADER + "T,Tỉnh,province\n").encode("utf-16"), 1, "UTF-16"),
    ("Windows-1258", CSV_HEADER.encode() + b"T," + SO_NOI_VU_CP1258 + b",province\n", 2, "UTF-8"),
    ("latin-1", CSV_HEADER.encode() + b"T,Caf\xe9,province\n", 2, "UTF-8"),
    ("no header", b"", 1, "thiếu cột"),
    ("unknown column", "unit_code,unit_name,unit_kind,evil\x1b\n", 1, "cột không rõ"),
    ("parent cycle", CSV_HEADER + "A,A,province,B\nB,B,province,A\n", 2, "vòng lặp"),
    ("successor cycle", CSV_HEADER + "A,A,province,,B\nB,B,province,,A\n", 2, "sáp nhập"),
    ("duplicate code with a bad email", CSV_HEADER + "A,A,province,,,X,head,x@@y\n", 2, "email"),
]


@pytest.mark.parametrize(
    ("what", "raw", "line", "words"), CSV_CRASHES, ids=[c[0] for c in CSV_CRASHES]
)
def test_csv_that_crashed_or_slipped_through(
    tmp_path: Path, what: str, raw: str | bytes, line: int | None, words: str
) -> None:
    error = assert_clear(read_directory, write(tmp_path, "d.csv", raw))
    assert error is not None, what
    assert words in str(error), str(error)
    if line is not None:
        assert error.errors[0].line == line, str(error)


def test_csv_with_a_bom_and_crlf_reads(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + EXAMPLE_CSV.read_bytes().replace(b"\n", b"\r\n")
    known = frozenset({"QB.DH"})  # the parent, already in the database
    read = read_directory(write(tmp_path, "d.csv", raw), known)
    assert read == read_directory(EXAMPLE_CSV, known) and len(read.units) == 3


# --- nothing half-written ---------------------------------------------------------------------


def table_counts() -> dict[str, int]:
    """Rows in every table of the application database."""
    with unit_of_work() as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def _bad_plans(tmp_path: Path) -> list[Path]:
    small = SMALL_PLAN.read_text(encoding="utf-8")
    return [
        write(tmp_path, "cut.yaml", SMALL_PLAN.read_bytes()[:300]),
        write(tmp_path, "utf16.yaml", small.encode("utf-16")),
        write(tmp_path, "phrase.yaml", small.replace("01/03/2023", "01/03/0000")),
        write(tmp_path, "tag.yaml", small.replace("title: K", "title: !!python/object:x K")),
        # Reads clean, refused by the loader: the same id with another content.
        write(tmp_path, "other.yaml", small.replace("Gửi kế hoạch", "Gửi báo cáo")),
        # Reads clean, refused by the loader after it began adding agencies.
        write(
            tmp_path,
            "issuer.yaml",
            small.replace("id: small-2023-2024", "id: small-x-2023-2024")
            .replace("issuer: T,", "issuer: T.X,")
            .replace("T.A: {name: Sở A", "T.Z: {name: Sở Z, kind: department}\n  T.A: {name: Sở A"),
        ),
    ]


def _bad_directories(tmp_path: Path) -> list[Path]:
    small = SMALL_DIRECTORY.read_text(encoding="utf-8")
    cluster = "clusters:\n  - {code: K, name: K, kind: block, leader: T.A, members: [T.A, T.A]}\n"
    return [
        write(tmp_path, "cut.yaml", SMALL_DIRECTORY.read_bytes()[:250]),
        write(tmp_path, "cp1258.csv", CSV_HEADER.encode() + b"T," + SO_NOI_VU_CP1258 + b",x\n"),
        write(tmp_path, "cycle.yaml", small.replace("province\n", "province\n    parent: T.A\n")),
        write(tmp_path, "email.yaml", small.replace("head@a.example", "head@@a.example")),
        write(tmp_path, "members.yaml", small + cluster),
        write(tmp_path, "big.csv", CSV_HEADER + "T,T" + "x" * 200_000 + ",province\n"),
    ]


def _load(path: Path) -> None:
    with unit_of_work() as session:
        load_plan_file(session, path, default_calendar(), at=now(), actor="test")


def _import(path: Path) -> None:
    with unit_of_work() as session:
        import_directory_file(session, path, at=now(), actor="test")


def _loaded() -> None:
    _import(SMALL_DIRECTORY)
    _load(SMALL_PLAN)


def test_failed_plan_loads_write_nothing(tmp_path: Path) -> None:
    _loaded()
    before = table_counts()
    assert before["campaigns"] == 1 and before["units"] > 0
    for path in _bad_plans(tmp_path):
        with pytest.raises(InputErrors):
            _load(path)
        assert table_counts() == before, path.name


def test_failed_directory_imports_write_nothing(tmp_path: Path) -> None:
    _loaded()
    before = table_counts()
    for path in _bad_directories(tmp_path):
        with pytest.raises(InputErrors) as info:
            _import(path)
        assert all(e.file == str(path) for e in info.value.errors), info.value
        assert table_counts() == before, path.name


# --- what the person sees ---------------------------------------------------------------------


def tdkt(*args: str) -> Any:
    """The real `tdkt` command group in-process, as a person would run it."""
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


def assert_refused_clearly(run: Any, path: Path) -> None:
    """Refused (exit code not 0) with a message naming the file, and no traceback."""
    assert run.exit_code not in (0, None), run.output
    assert run.exception is None or isinstance(run.exception, SystemExit), repr(run.exception)
    assert "Traceback" not in run.output
    assert str(path) in " ".join(run.output.split()), run.output


def test_plan_load_refusals_reach_the_person_without_traceback(tmp_path: Path) -> None:
    _loaded()
    before = table_counts()
    for path in _bad_plans(tmp_path):
        run = tdkt("plan", "load", str(path))
        assert_refused_clearly(run, path)
        assert run.exit_code == 2
        assert table_counts() == before, path.name
    check = tdkt("plan", "check", *(str(p) for p in _bad_plans(tmp_path)))
    assert check.exit_code == 2 and "Traceback" not in check.output


def test_the_issuer_error_names_the_file(tmp_path: Path) -> None:
    _loaded()
    path = next(p for p in _bad_plans(tmp_path) if p.name == "issuer.yaml")
    assert_refused_clearly(tdkt("plan", "load", str(path)), path)


def test_directory_import_refusals_reach_the_person_without_traceback(tmp_path: Path) -> None:
    _loaded()
    before = table_counts()
    for path in _bad_directories(tmp_path):
        run = tdkt("directory", "import", str(path))
        assert_refused_clearly(run, path)
        assert run.exit_code == 2
        assert table_counts() == before, path.name


@pytest.mark.parametrize(
    "args",
    [
        ("deadline", "[/x] năm 0000"),  # rich markup in the echoed phrase was a MarkupError
        ("deadline", "\x1b[2J hằng tháng", "--year", "2024"),
        ("deadline", "hằng tháng", "--year", "0"),  # was a ValueError
        ("deadline", "trước ngày 1/1/0001"),  # was an OverflowError
        ("deadline", "hằng " + "tháng " * 40 + "x"),  # was minutes of regex backtracking
    ],
    ids=["markup", "escape-sequence", "year-0", "year-1", "backtracking"],
)
def test_deadline_errors_are_one_clear_line(args: tuple[str, ...]) -> None:
    run = tdkt(*args)
    assert run.exit_code == 2 and run.output.startswith("Lỗi:"), run.output
    assert "Traceback" not in run.output and "\x1b" not in run.output


def test_plan_text_is_shown_as_text_not_markup(tmp_path: Path) -> None:
    path = qb_variant(tmp_path, "title: Kế hoạch", "title: Kế hoạch [/x] [bold]")
    run = tdkt("plan", "show", str(path))
    assert run.exit_code == 0, run.output  # was a MarkupError
    assert "Kế hoạch [/x] [bold]" in run.output


def test_a_missing_file_and_a_directory_instead_of_a_file(tmp_path: Path) -> None:
    for path in (tmp_path / "nowhere.yaml", tmp_path):
        for args in (("plan", "load", str(path)), ("directory", "import", str(path))):
            assert_refused_clearly(tdkt(*args), path)


def test_the_installed_command_reports_usage_and_input_errors_without_traceback(
    tmp_path: Path, data_dir: Path
) -> None:
    # main(), not only the command group: usage errors were typer's own (vendored) click
    # exceptions, which main() re-raised as a traceback.
    bad = write(tmp_path, "bad.yaml", b"id: a\x07b\n")
    for args, code, words in (
        (("plan", "load"), 2, "Thiếu tham số 'file'"),
        (("plan", "check", str(bad)), 2, str(bad)),
    ):
        run = installed_tdkt(*args, data_dir=data_dir)
        assert run.returncode == code, run.stderr
        assert "Traceback" not in run.stderr + run.stdout and words in run.stderr, run.stderr


def test_dates_shown_for_the_phrase_fuzz_stay_in_python_range() -> None:
    # The reader's year range keeps every date it returns movable by a day either way.
    latest = parse_phrase("31/12/2999")
    assert latest.due == dt.date(2999, 12, 31)
    assert default_calendar().effective_due(latest.due) >= latest.due


def test_a_file_closing_a_cycle_through_the_database_is_refused(tmp_path: Path) -> None:
    """T.A's parent is T in the database; a file making T a child of T.A lists T alone."""
    with unit_of_work() as session:
        import_directory_file(session, SMALL_DIRECTORY, at=now(), actor="test")
    before = table_counts()
    path = write(
        tmp_path,
        "vong-lap.yaml",
        "format: 1\nunits:\n  - {code: T, name: Tỉnh, kind: province, parent: T.A}\n".encode(),
    )
    with pytest.raises(InputErrors) as refused, unit_of_work() as session:
        import_directory_file(session, path, at=now(), actor="test")
    assert all(e.file == str(path) for e in refused.value.errors)
    assert "vòng lặp" in str(refused.value)
    assert table_counts() == before
