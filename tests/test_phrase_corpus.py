"""The phrase corpus (tests/data/phrase_corpus.yaml): every phrase read, the share read right.

Run `./dev test tests/test_phrase_corpus.py -q -s` to see the share and every miss. Pure: no
database, no Prefect.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from models.calendar import default_calendar
from models.phrases import PhraseError, parse_phrase

CORPUS = Path(__file__).parent / "data" / "phrase_corpus.yaml"
FLOOR = 0.95
"""The share of the corpus that must be read right (every phrase is, at the time of writing)."""


def _entries() -> list[dict[str, Any]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return list(data["phrases"])


def misreading(entry: dict[str, Any]) -> str | None:
    """Why the reader's reading differs from the expected one; None when it is right."""
    expect = entry["expect"]
    try:
        deadline = parse_phrase(entry["phrase"], year=entry.get("year"), issued=entry.get("issued"))
    except PhraseError as error:
        if not expect.get("refused"):
            return f"refused: {error}"
        nearest = expect.get("nearest")
        if nearest and f"'{nearest}'" not in str(error):
            return f"refused without naming '{nearest}': {error}"
        return None
    if expect.get("refused"):
        return f"read as {deadline.kind} {deadline.rule} {deadline.start}..{deadline.due}"
    got: dict[str, Any] = {"kind": deadline.kind, "rule": deadline.rule}
    calendar = default_calendar()
    if deadline.kind == "recurring":
        occurrences = deadline.occurrences(expect["year"])
        got["dates"] = [o.due for o in occurrences]
        if "effective" in expect:
            got["effective"] = [
                o.due if deadline.occasion else calendar.effective_due(o.due) for o in occurrences
            ]
    else:
        got |= {"start": deadline.start, "due": deadline.due}
        if "effective" in expect:
            assert deadline.due is not None
            got["effective"] = calendar.effective_due(deadline.due)
    wanted = {k: v for k, v in expect.items() if k != "year"}
    wanted.setdefault("start", None) if deadline.kind != "recurring" else None
    diff = {k: (got.get(k), v) for k, v in wanted.items() if got.get(k) != v}
    return None if not diff else f"got/expected {diff}"


def test_the_corpus_is_large_and_sourced() -> None:
    entries = _entries()
    assert len(entries) >= 100
    assert len({e["phrase"] for e in entries}) == len(entries), "a phrase is listed twice"
    for entry in entries:
        assert entry["origin"] in ("seed", "issue", "constructed"), entry
        assert entry["source"].strip(), entry
        if entry["origin"] == "constructed":
            assert entry["source"].startswith("constructed"), entry


def test_the_share_of_the_corpus_read_right(capsys: pytest.CaptureFixture[str]) -> None:
    entries = _entries()
    misses = [(e["phrase"], why) for e in entries if (why := misreading(e)) is not None]
    share = 1 - len(misses) / len(entries)
    missed = {phrase for phrase, _ in misses}
    by_origin = []
    for origin in ("seed", "issue", "constructed"):
        phrases = [e["phrase"] for e in entries if e["origin"] == origin]
        right = sum(1 for p in phrases if p not in missed)
        by_origin.append(f"{origin} {right}/{len(phrases)}")
    with capsys.disabled():
        print(
            f"\nphrase corpus: {len(entries) - len(misses)}/{len(entries)} read right "
            f"({share:.1%}; {', '.join(by_origin)})"
        )
        for phrase, why in misses:
            print(f"  MISS {phrase!r}: {why}")
    assert share >= FLOOR


def test_a_relative_phrase_needs_the_document_date() -> None:
    with pytest.raises(PhraseError, match=r"document\.date"):
        parse_phrase("từ nay đến năm 2015")
    assert parse_phrase("từ nay đến năm 2015", issued=dt.date(2014, 4, 15)).relative
