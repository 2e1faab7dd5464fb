"""models.services.rows: plain rows written through Core as the ORM's bulk paths would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from models.services.rows import insert_rows, inserted, update_rows


class _Base(DeclarativeBase):
    pass


class _Line(_Base):
    """A composite primary key and an attribute whose column is named otherwise."""

    __tablename__ = "lines"
    book_id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column("body", String(40))
    note: Mapped[str | None] = mapped_column(String(40), default="mới")


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session


def _all(session: Session) -> list[tuple[int, int, str, str | None]]:
    return [
        tuple(r)  # type: ignore[misc]
        for r in session.execute(
            select(_Line.book_id, _Line.number, _Line.text, _Line.note).order_by(
                _Line.book_id, _Line.number
            )
        )
    ]


def test_rows_setting_different_columns_are_inserted_in_order_with_defaults(
    session: Session,
) -> None:
    insert_rows(
        session,
        _Line,
        [
            {"book_id": 1, "number": 1, "text": "một"},
            {"book_id": 1, "number": 2, "text": "hai", "note": "ghi"},
            {"book_id": 2, "number": 1, "text": "ba"},
        ],
    )
    assert _all(session) == [(1, 1, "một", "mới"), (1, 2, "hai", "ghi"), (2, 1, "ba", "mới")]


def test_inserted_returns_the_asked_columns_by_attribute(session: Session) -> None:
    rows = [{"book_id": 3, "number": n, "text": f"dòng {n}"} for n in range(1, 4)]
    got = inserted(session, _Line, rows, _Line.number, _Line.text)
    assert sorted(tuple(r) for r in got) == [(1, "dòng 1"), (2, "dòng 2"), (3, "dòng 3")]
    assert inserted(session, _Line, [], _Line.number) == []


def test_update_by_composite_key_sets_only_the_named_columns(session: Session) -> None:
    insert_rows(session, _Line, [{"book_id": 1, "number": n, "text": "cũ"} for n in (1, 2, 3)])
    update_rows(
        session,
        _Line,
        [
            {"book_id": 1, "number": 1, "text": "sửa"},
            {"book_id": 1, "number": 3, "note": "đã xem"},
            {"book_id": 1, "number": 2, "text": "sửa 2"},
        ],
    )
    assert _all(session) == [(1, 1, "sửa", "mới"), (1, 2, "sửa 2", "mới"), (1, 3, "cũ", "đã xem")]


def test_pending_objects_are_flushed_before_the_rows(session: Session) -> None:
    session.add(_Line(book_id=9, number=1, text="đối tượng"))
    update_rows(session, _Line, [{"book_id": 9, "number": 1, "text": "dòng"}])
    session.expire_all()
    assert _all(session) == [(9, 1, "dòng", "mới")]


def test_an_update_tells_the_objects_already_loaded(session: Session) -> None:
    """An object the session holds shows what update_rows stored (by a composite key, under
    the attribute's name), without being read again; one not loaded is left unloaded."""
    insert_rows(
        session,
        _Line,
        [{"book_id": 1, "number": 1, "text": "một"}, {"book_id": 1, "number": 2, "text": "hai"}],
    )
    held = session.get_one(_Line, (1, 1))
    update_rows(
        session,
        _Line,
        [
            {"book_id": 1, "number": 1, "text": "mốt"},
            {"book_id": 1, "number": 2, "text": "hăm"},
        ],
    )
    assert held.text == "mốt"
    assert held not in session.dirty  # as stored, not a change still to write
    assert len(session.identity_map) == 1
    assert _all(session) == [(1, 1, "mốt", "mới"), (1, 2, "hăm", "mới")]
