"""The process's occurrence keys written in SQL (models.services.process_obligations) are the
ones models.process writes in Python: opening looks for an obligation by the SQL one, settling
and the pages read the Python one, so a difference would open every vote, article and decision
again each morning. On each backend (the casts are the database's)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, literal, select

from models.process import (
    decision_occurrence,
    publication_occurrence,
    subject_id,
    vote_occurrence,
)
from models.services.process_obligations import (
    subject_id_sql,
    subject_occurrence_sql,
    vote_occurrence_sql,
)


@pytest.mark.parametrize(("first", "second"), [(1, 2), (10, 7), (2_147_483_647, 1_000_000)])
def test_the_keys_agree(engine: Engine, first: int, second: int) -> None:
    with engine.connect() as connection:
        vote, article, decision = connection.execute(
            select(
                vote_occurrence_sql(literal(first), literal(second)),
                subject_occurrence_sql("p", literal(first)),
                subject_occurrence_sql("r", literal(second)),
            )
        ).one()
    assert vote == vote_occurrence(first, second)
    assert article == publication_occurrence(first)
    assert decision == decision_occurrence(second)


@pytest.mark.parametrize(
    "occurrence", ["p12", "r12", "p", "r", "p1x", "px1", "2023", "2023/c5", "b1/m2", "p007", ""]
)
def test_the_subject_read_back_agrees(engine: Engine, occurrence: str) -> None:
    """Settling joins an occurrence to its article or proposal by the id subject_id_sql reads;
    where it names none it is NULL, never an error (PostgreSQL refuses a bad cast)."""
    with engine.connect() as connection:
        article, decision = connection.execute(
            select(
                subject_id_sql(literal(occurrence), "p"), subject_id_sql(literal(occurrence), "r")
            )
        ).one()
    assert article == subject_id(occurrence, "p")
    assert decision == subject_id(occurrence, "r")
