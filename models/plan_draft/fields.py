"""Fields and movements (lĩnh vực, phong trào) and the agencies that lead them.

A field is a numbered part under a heading that lists fields ("... cụ thể ở một số lĩnh vực",
"... trong các phong trào thi đua") whose own heading names an exemplar ("Điển hình tiên tiến
về ...", "Mô hình điển hình ..."); its code is its number within that list ("a", "3.1"); its
lead agencies are the bodies a sentence of the part charges with "chủ trì".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.plan_draft.deadlines import sentences
from models.plan_draft.duties import Matcher, fold
from models.plan_draft.parts import Clause

_FIELD_HEADING = re.compile(r"^\*?(?:mo hinh )?dien hinh\b")
_FIELD_LIST = re.compile(r"\b(?:linh vuc|phong trao)\b")


@dataclass(frozen=True)
class FoundField:
    code: str
    name: str
    clause: str
    lead_agencies: tuple[str, ...]
    lead_words: str
    """The sentence the lead agencies rest on ("" when none is named)."""


def find_fields(clauses: list[Clause], matcher: Matcher) -> list[FoundField]:
    """The fields of the plan, in its order."""
    out: list[FoundField] = []
    for clause in clauses:
        if not clause.ancestors or not _FIELD_LIST.search(fold(clause.ancestors[-1])):
            continue
        if not _FIELD_HEADING.match(fold(clause.heading)):
            continue
        last = clause.label.split(".")[-1]
        code = last if last.isalpha() else ".".join(clause.label.split(".")[1:])
        leads: list[str] = []
        words = ""
        for sentence in sentences(clause.text):
            if "chu tri" not in fold(sentence):
                continue
            owner = matcher.owner(re.split(r"chủ\s+trì", sentence, maxsplit=1)[0])
            if owner is not None and owner.units:
                leads += [u for u in owner.units if u not in leads]
                words = sentence
        name = clause.heading.strip("* ")
        out.append(FoundField(code.lower(), name, clause.label, tuple(leads), words))
    return out
