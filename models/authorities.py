"""Who may decide a form of commendation: the award authorities table, as data.

The table (data/authorities/award-authorities.yaml) maps each form or title to the kinds of
unit that may decide it, over a period (valid_from, valid_to), with the legal basis and a
`verify` mark where the basis was not checked. A decision is checked against it when it is
recorded (models.services.rewards): a decider of another kind, or a decision outside the
period, is refused with a Vietnamese message naming who may decide. Where the decider is a
collective body (a party committee: "T/M Đảng ủy", seed 004), the signature must say so.

Plain Python, no database.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.recognition import RecognitionError, RewardForm
from models.source import read_yaml
from models.text import vn_date
from models.vocabulary import UnitKind

DEFAULT_AUTHORITIES_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "authorities" / "award-authorities.yaml"
)

COLLECTIVE_SIGNATURE = "T/M"
"""How a collective body's decision is signed: thay mặt (on behalf of) the committee."""


class Authority(BaseModel):
    """One row: who may decide `form`, from `valid_from` to `valid_to` (inclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    form: RewardForm
    decider: str = Field(min_length=1, description="Who decides, as the law names them")
    unit_kinds: list[UnitKind] = Field(description="Kinds of deciding unit; empty: none listed")
    unit_codes: list[str] = Field(default_factory=list, description="Named deciding units")
    collective: bool = Field(False, description="A body decides: signed 'T/M ...'")
    valid_from: dt.date
    valid_to: dt.date | None = None
    basis: str
    verify: bool = Field(False, description="The basis was not checked against the text")

    @model_validator(mode="after")
    def _ordered(self) -> Authority:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to trước valid_from")
        return self

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def covers(self, kind: UnitKind, code: str) -> bool:
        return kind in self.unit_kinds or code in self.unit_codes


class AuthorityTable(BaseModel):
    """The whole table; every form must have at least one row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal[1] = 1
    authorities: list[Authority] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_form(self) -> AuthorityTable:
        missing = set(RewardForm) - {a.form for a in self.authorities}
        if missing:
            names = ", ".join(sorted(f.value for f in missing))
            raise ValueError(f"bảng thẩm quyền thiếu hình thức: {names}")
        return self

    def deciders(self, form: RewardForm, day: dt.date) -> list[Authority]:
        """The rows in force on `day` for `form`."""
        return [a for a in self.authorities if a.form == form and a.in_force(day)]

    def allowing(
        self, form: RewardForm, kind: UnitKind, code: str, day: dt.date
    ) -> Authority | None:
        """The row that lets a unit of this kind (or code) decide `form` on `day`, if any."""
        return next((a for a in self.deciders(form, day) if a.covers(kind, code)), None)

    def forms_for(self, kind: UnitKind, code: str, day: dt.date) -> list[RewardForm]:
        """The forms such a unit may decide on `day`, in the table's order."""
        found = [a.form for a in self.authorities if a.in_force(day) and a.covers(kind, code)]
        return list(dict.fromkeys(found))


USUAL_FORMS = (RewardForm.GIAY_KHEN, RewardForm.BANG_KHEN, RewardForm.BIEU_DUONG)
"""What the lifecycle flow proposes when a plan names no form: the first of these that the
authority may decide (a Sở: Giấy khen; UBND tỉnh: Bằng khen; a party committee: biểu dương
or Giấy khen, signed T/M). A *default*, not the plans' words."""


def usual_form(table: AuthorityTable, kind: UnitKind, code: str, day: dt.date) -> RewardForm:
    """The first of USUAL_FORMS this authority may decide on `day` (Giấy khen if none)."""
    allowed = table.forms_for(kind, code, day)
    return next((f for f in USUAL_FORMS if f in allowed), RewardForm.GIAY_KHEN)


def read_authorities(path: str | Path) -> AuthorityTable:
    """The table in a YAML file, validated (errors name the line)."""
    return read_yaml(path).validate(AuthorityTable)


@lru_cache(maxsize=4)
def _table_from(path: str) -> AuthorityTable:
    return read_authorities(path)


def default_authorities(path: str | Path | None = None) -> AuthorityTable:
    """The shipped (or a given) table; read once per process."""
    return _table_from(str(path or DEFAULT_AUTHORITIES_FILE))


def check_decider(
    table: AuthorityTable,
    form: RewardForm,
    *,
    unit_kind: UnitKind,
    unit_code: str,
    unit_name: str,
    signed_by: str,
    decided_on: dt.date,
) -> Authority:
    """The row that allows this decision, or a RecognitionError naming who may decide.

    A collective decider (a party committee) must sign on behalf of the body ("T/M Đảng ủy");
    its secretary signing alone is not the committee's decision.
    """
    row = table.allowing(form, unit_kind, unit_code, decided_on)
    if row is None:
        rows = table.deciders(form, decided_on)
        who = "; ".join(r.decider for r in rows) or "không có trong bảng thẩm quyền"
        raise RecognitionError(
            f"{unit_name} không có thẩm quyền quyết định tặng {form.label} "
            f"(ngày {vn_date(decided_on)}); người có thẩm quyền: {who}"
        )
    if row.collective and not signed_by.strip().upper().startswith(COLLECTIVE_SIGNATURE):
        raise RecognitionError(
            f"{unit_name} quyết định tập thể: người ký phải ký thay mặt tập thể "
            f"(\"{COLLECTIVE_SIGNATURE} {unit_name}\"), không phải '{signed_by}' ký riêng"
        )
    return row
