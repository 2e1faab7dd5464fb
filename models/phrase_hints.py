"""The forms the deadline reader knows, one example each: what a refusal points to.

A phrase the reader cannot read is refused, never guessed at; the refusal names the known form
nearest to what was written, so that a coordinator sees at once which words the reader expects
("trước ngày 20 hàng tháng" for "trước ngày 20 mỗi tháng một lần", say). Nearness is the
similarity of the two phrases with diacritics dropped and every number written the same way:
the words decide, not the digits.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

FORMS: tuple[tuple[str, str], ...] = (
    ("11/6/2025", "date"),
    ("ngày 15 tháng 5 năm 2023", "date"),
    ("chậm nhất ngày 15/12/2023", "date"),
    ("trước 17 giờ ngày 20/11/2014", "by_hour"),
    ("trước ngày 30/5/2023", "before_date"),
    ("trước tháng 10 năm 2022", "before_month"),
    ("trước Quý III năm 2023", "before_quarter"),
    ("chậm nhất trong tháng 10 năm 2022", "month_window"),
    ("Quý II năm 2023", "quarter_window"),
    ("6 tháng đầu năm 2024", "half_year_window"),
    ("trong năm 2015", "year_window"),
    ("từ ngày 01/3/2023 đến ngày 30/4/2023", "span"),
    ("từ tháng 3 đến tháng 5 năm 2023", "span"),
    ("từ năm 2017 đến năm 2019", "span"),
    ("giai đoạn 2017 - 2020", "span"),
    ("từ nay đến năm 2015", "from_document"),
    ("trong vòng 30 ngày kể từ ngày ký", "counted_from_document"),
    ("trong thời hạn 15 ngày làm việc kể từ ngày ban hành", "counted_from_document"),
    ("Quý I năm sau", "quarter_window"),
    ("trước ngày 15/01 năm sau", "before_date"),
    ("hằng năm", "recurring"),
    ("định kỳ hằng tháng, quý, năm", "recurring"),
    ("định kỳ 6 tháng", "recurring"),
    ("ngày 25 hằng tháng", "recurring_on_day"),
    ("trước ngày 20 hàng tháng", "recurring_on_day"),
    ("trước ngày 15 tháng cuối quý", "recurring_on_day"),
    ("trước ngày 10 tháng đầu quý sau", "recurring_on_day"),
    ("trước ngày 05 của tháng sau", "recurring_on_day"),
    ("trước ngày 30/11 hằng năm", "recurring_on_day"),
    ("hằng năm, trước ngày 15/01 năm sau", "recurring_on_day"),
    ("trước ngày 15/6 và 15/12 hằng năm", "recurring_on_day"),
    ("hằng năm vào dịp 19/5", "occasion"),
)
"""(example, rule): one or more examples per rule of models.deadline.RULES."""


def _shape(text: str) -> tuple[str, ...]:
    """Lower-case ASCII, every number a '#': the words of a phrase, not its numbers."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).lower()
    text = re.sub(r"\d+", "#", text)
    return tuple(re.sub(r"[^a-z#/ ]+", " ", text).split())


@lru_cache(maxsize=1)
def _shapes() -> tuple[tuple[tuple[str, ...], str, str], ...]:
    return tuple((_shape(example), example, rule) for example, rule in FORMS)


def nearest_form(text: str) -> tuple[str, str]:
    """(example, rule) of the known form nearest to text (a normalized phrase)."""
    shape = _shape(text)
    best = max(_shapes(), key=lambda s: SequenceMatcher(None, shape, s[0]).ratio())
    return best[1], best[2]
