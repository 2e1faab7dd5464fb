"""The plan format: one YAML file per plan document, validated here.

A plan file says everything its document states (who issued it, the period, fields and their
lead agencies, quotas, criteria, milestones with the original Vietnamese deadline phrase,
recipients) so that code holds only mechanisms. The format is documented in docs/plan-format.md.

Cross-references (an unknown lead agency, a quota for an undefined field) are checked by
:func:`reference_errors`, which returns locations so that the reader can name the line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.deadline import Frequency
from models.phrases import AnchorMissing, PhraseError, parse_phrase
from models.recognition import CeremonyKind, RewardForm
from models.vocabulary import (
    ContactRole,
    MilestoneKind,
    QuotaScope,
    RatingKind,
    RuleCheck,
    Stage,
    SubjectKind,
    UnitKind,
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
UnitCode = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9._-]*$", max_length=80)]
Clause = Annotated[str, Field(max_length=40)]
"""Where a plan says something ("IV.1", "II.2.b"); the database keeps 40 characters."""

UNDECIDED_UNIT = "CAN-DIEN"
"""The unit a draft names where its text names none (`tdkt plan draft`): known to every
reference, listed by models.plan_decisions.undecided until a coordinator replaces it."""

RESERVED_MILESTONE_PREFIXES = ("quota-", "process-")
"""Milestone ids the system gives the milestones it adds (yearly quotas, votes, publications,
reward decisions): a plan's own milestone named so would collide with them when loaded."""


class _Strict(BaseModel):
    """Every plan object refuses unknown keys, so a typo is an error rather than ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Period(_Strict):
    start: int = Field(ge=2000, le=2100)
    end: int = Field(ge=2000, le=2100)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", value)
            if not match:
                raise ValueError("giai đoạn phải viết dạng YYYY-YYYY, ví dụ 2021-2025")
            return {"start": int(match[1]), "end": int(match[2])}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError("giai đoạn kết thúc trước khi bắt đầu")
        return self

    @property
    def years(self) -> range:
        return range(self.start, self.end + 1)

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"


class Document(_Strict):
    """The plan document itself: what a reader cites in every email."""

    number: str | None = Field(
        None, max_length=80, description="Số hiệu, e.g. 1837/KH-UBND; null if unnumbered"
    )
    date: dt.date | None = Field(None, description="Ngày ban hành")
    effective_from: dt.date | None = Field(
        None,
        description="From when obligations run; default: the document date, else the "
        "period's first day. Set it when the document's date is unknown.",
    )
    issuer: UnitCode = Field(description="Directory code of the issuing unit")
    issuer_name: str
    place: str | None = None
    signer: str | None = None
    source: str | None = Field(None, description="Where the original text is kept")
    basis: list[str] = Field(default_factory=list, description="Documents it implements")


class ParentPlan(_Strict):
    """The higher-level plan this one implements (a unit's plan under the province's)."""

    plan: Slug | None = Field(None, description="Id of the parent plan file, if encoded")
    number: str | None = None
    date: dt.date | None = None
    issuer_name: str


class Agency(_Strict):
    """A unit the plan names; added to the directory when the plan is loaded if absent."""

    name: str = Field(min_length=1, max_length=300)  # the directory's limit
    kind: UnitKind
    parent: UnitCode | None = None


class StageWords(_Strict):
    stage: Stage
    words: str = Field(description="The plan's own words for this stage")


class Exclusion(_Strict):
    """Units a selector leaves out: "các cơ quan, ban, ngành (trừ Sở Nội vụ)"."""

    units: list[UnitCode] = Field(default_factory=list)
    kinds: list[UnitKind] = Field(default_factory=list)


class Responsible(_Strict):
    """Who owes a milestone: named units, kinds of unit under the issuer, or roles, less the
    units and kinds in `exclude`."""

    units: list[UnitCode] = Field(default_factory=list)
    kinds: list[UnitKind] = Field(default_factory=list)
    lead_agencies: bool = Field(False, description="Each field's lead agency")
    cluster_leaders: bool = Field(False, description="Leaders of emulation clusters and blocks")
    mentors: bool = Field(False, description="The mentor of each exemplar being fostered")
    exclude: Exclusion = Field(
        default_factory=Exclusion, description="Units and kinds left out of those selected"
    )
    description: str = Field(description="Who, in the plan's words")

    @model_validator(mode="after")
    def _selects_someone(self) -> Responsible:
        if not (
            self.units or self.kinds or self.lead_agencies or self.cluster_leaders or self.mentors
        ):
            raise ValueError(
                "không chỉ định ai: cần units, kinds, lead_agencies, cluster_leaders hoặc mentors"
            )
        return self


class FieldOfWork(_Strict):
    """A field or movement (lĩnh vực, phong trào) and the agencies that lead it."""

    code: str = Field(pattern=r"^[a-zđ0-9.]+$", max_length=10)
    name: str
    lead_agencies: list[UnitCode] = Field(
        default_factory=list, description="Empty in a draft: a coordinator must still name one"
    )
    clause: Clause | None = None
    criteria: dict[SubjectKind, str] = Field(default_factory=dict)


class Quota(_Strict):
    """A minimum (and optional maximum) number of exemplars to introduce."""

    scope: QuotaScope
    minimum: int = Field(ge=0)
    maximum: int | None = Field(None, ge=1)
    field: str | None = Field(None, description="Code of the field it counts; none: any field")
    subject: SubjectKind | None = Field(None, description="None: any subject kind")
    applies_to: Responsible | None = None
    clause: Clause | None = None
    quote: str | None = None
    checkpoint: bool = Field(
        True,
        description="Chase this yearly quota at the quota checkpoint (the coordinator's setting,"
        " not the plan's: no seed sets a quota deadline); false: only report its progress",
    )
    year: int | None = Field(
        None, ge=1900, le=2999, description="Owed in this one year only ('trong năm 2014 ...')"
    )
    every: Literal["monthly", "quarterly"] | None = Field(
        None, description="Owed each month or quarter ('hàng tháng ... tối thiểu 01 gương')"
    )
    checkpoints: Literal["yearly"] | None = Field(
        None,
        description="A quota over the period, chased each year for its share so far",
    )

    @model_validator(mode="after")
    def _bounds(self) -> Quota:
        if self.maximum is not None and self.maximum < self.minimum:
            raise ValueError("maximum nhỏ hơn minimum")
        if self.checkpoints is not None and self.scope != QuotaScope.UNIT_PERIOD:
            raise ValueError("checkpoints chỉ dùng với chỉ tiêu cả giai đoạn (unit_period)")
        if self.every and self.year:
            raise ValueError("chỉ ghi một trong every (mỗi tháng, quý) hoặc year (một năm)")
        if (self.every or self.year) and self.scope == QuotaScope.UNIT_PERIOD:
            raise ValueError("every và year không dùng với chỉ tiêu cả giai đoạn (unit_period)")
        return self


class Rule(_Strict):
    """A checkable criterion; its check kind is a mechanism, its parameters are the plan's."""

    id: Slug
    subject: SubjectKind
    check: RuleCheck
    text: str = Field(description="The criterion as the plan writes it")
    fields: list[str] | None = Field(
        None,
        min_length=1,
        description="Codes of the plan's fields the rule belongs to; absent: every field",
    )
    title: str | None = Field(None, description="Emulation title to hold, e.g. Tập thể LĐXS")
    rating: str | None = Field(None, description="Minimum rating, e.g. hoàn thành xuất sắc")
    rating_kind: RatingKind | None = Field(
        None, description="Whose rating counts (party, civil_service, union); absent: any"
    )
    years: int | None = Field(None, ge=1, description="For title_held_years")
    every_years: int = Field(
        1,
        ge=1,
        le=5,
        description="How often the title is conferred: a title conferred every 2 years covers "
        "the year it was conferred and the next one",
    )
    applies_to: Literal["everyone", "party_member", "leader"] = "everyone"
    clause: str | None = None

    @model_validator(mode="after")
    def _parameters(self) -> Rule:
        needs = {
            RuleCheck.TITLE_EVERY_YEAR: ("title",),
            RuleCheck.RATING_EVERY_YEAR: ("rating",),
            RuleCheck.TITLE_HELD_YEARS: ("title", "years"),
            RuleCheck.TITLE_HELD_ONCE: ("title",),
        }.get(self.check, ())
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"kiểu kiểm tra {self.check.value} cần trường {', '.join(missing)}")
        if self.rating_kind is not None and self.check != RuleCheck.RATING_EVERY_YEAR:
            raise ValueError("rating_kind chỉ dùng với kiểu kiểm tra rating_every_year")
        return self


class Milestone(_Strict):
    """Something owed by the responsible units to a recipient, when the phrase says."""

    id: Slug
    kind: MilestoneKind
    title: str
    stage: Stage | None = None
    clause: Clause | None = Field(None, description="Where the plan says it, e.g. IV.1")
    phrase: str | None = Field(
        None, description="The deadline words as written; null when the plan gives no date"
    )
    quote: str | None = Field(None, description="The sentence the phrase comes from")
    set_date: dt.date | None = Field(
        None, description="A date set by a coordinator where the plan writes none"
    )
    coordinator_phrase: str | None = Field(
        None,
        description="A (recurring) deadline a coordinator sets where the plan writes none, "
        "e.g. 'ngày 10/5 hằng năm'; shown as the coordinator's setting, never as the plan's words",
    )
    responsible: Responsible = Field(alias="from")
    to: UnitCode = Field(description="Directory code of the recipient")
    cc: list[ContactRole] = Field(default_factory=list)
    continuing: bool = Field(
        False,
        description="A duty carried on over the phrase's window ('Trong năm 2015 tiếp tục ... "
        "nhân rộng'): reported each period of report_every, not once at its end",
    )
    report_every: Frequency | None = Field(
        None,
        description="How often a continuing duty is reported, where the plan says; absent: "
        "DEFAULT_CONTINUING_REPORT (the coordinator's setting)",
    )
    require_signature: bool | None = Field(
        None,
        description="Documents sent for it must be PDFs with a valid digital signature; "
        "absent: the plan's submissions.require_signature",
    )

    @field_validator("phrase", "coordinator_phrase")
    @classmethod
    def _readable(cls, phrase: str | None) -> str | None:
        return readable_phrase(phrase)

    @model_validator(mode="after")
    def _one_deadline(self) -> Milestone:
        given = [self.phrase, self.set_date, self.coordinator_phrase]
        if sum(value is not None for value in given) > 1:
            raise ValueError(
                "chỉ ghi một trong phrase (lời văn kế hoạch), set_date hoặc coordinator_phrase "
                "(do điều phối viên ấn định)"
            )
        if self.report_every is not None and not self.continuing:
            raise ValueError("report_every chỉ dùng với việc thường xuyên (continuing: true)")
        if self.continuing:
            phrase = self.phrase or self.coordinator_phrase
            if phrase is None or _is_recurring(phrase):
                raise ValueError(
                    "việc thường xuyên (continuing) cần một khoảng thời gian, ví dụ "
                    "'Trong năm 2015' hoặc 'từ nay đến năm 2015'; việc định kỳ thì không cần"
                )
        return self

    @property
    def awaiting_date(self) -> bool:
        """True when neither the plan nor a coordinator has set when it is due."""
        return self.phrase is None and self.set_date is None and self.coordinator_phrase is None

    @property
    def set_by_coordinator(self) -> bool:
        """The due date is the coordinator's setting, not the plan's words."""
        return self.phrase is None and not self.awaiting_date


DEFAULT_CONTINUING_REPORT: Frequency = "quarterly"
"""How often a continuing duty is reported where the plan does not say: each quarter."""


def readable_phrase(phrase: str | None) -> str | None:
    """The phrase if the deadline reader understands it; its reason as a ValueError if not.

    A phrase read against the document's date ("từ nay đến năm 2015") is readable here: the
    plan's date is checked with the plan (see `undecided`)."""
    if phrase is not None:
        try:
            parse_phrase(phrase)
        except AnchorMissing:
            try:  # read against the earliest date, counting every day: its words only
                parse_phrase(phrase, issued=_EARLIEST, add_working_days=_every_day)
            except PhraseError as error:
                raise ValueError(str(error)) from None
        except PhraseError as error:
            raise ValueError(str(error)) from None
    return phrase


_EARLIEST = dt.date(1900, 1, 1)


def _every_day(day: dt.date, count: int) -> dt.date:
    return day + dt.timedelta(days=count)


def _is_recurring(phrase: str) -> bool:
    try:
        return parse_phrase(phrase).kind == "recurring"
    except PhraseError:
        return False


class Escalation(_Strict):
    """A step after the due date: to a role, the unit's superior, or the plan's supervisor."""

    after_working_days: int = Field(ge=1)
    to: ContactRole | Literal["superior", "supervisor"]


class RepeatPolicy(_Strict):
    """How an item still overdue after the last escalation is escalated again, less and less
    often (issue 20: an item due 31/10/2022 was listed every week, "quá hạn 299 ngày làm
    việc"). After the last level: on the next `weekly` Mondays (the first month), then on the
    first day of each month until `months` months after it (models.policy.repeat_days); then
    never again by email, while the standing body's emails still count it among the overdue."""

    weekly: int = Field(4, ge=0, le=8, description="Weekly repeats after the last level")
    months: int = Field(
        6, ge=0, le=24, description="Monthly repeats go on until this many months after it"
    )
    to: ContactRole | Literal["superior", "supervisor"] = Field(
        ContactRole.STANDING_BODY,
        description="Who receives the repeats: by default the standing body, which follows up",
    )


class ReminderPolicy(_Strict):
    """When reminders and escalations go out; defaults suit a provincial standing body."""

    before_working_days: list[int] = Field(default_factory=lambda: [10, 3])
    on_due_date: bool = True
    escalations: list[Escalation] = Field(
        default_factory=lambda: [
            Escalation(after_working_days=1, to=ContactRole.HEAD),
            Escalation(after_working_days=5, to=ContactRole.STANDING_BODY),
            Escalation(after_working_days=10, to=ContactRole.COUNCIL_CHAIR),
        ]
    )
    repeat: RepeatPolicy = Field(default_factory=RepeatPolicy)


class PlanSettings(_Strict):
    """What the software adds where the plan states nothing: the coordinator's settings, each
    of which can be turned off for a plan (they are never shown as the plan's words)."""

    quota_checkpoint: bool = Field(
        True,
        description="Chase yearly quotas at quota_deadline (default 'ngày 30/11 hằng năm'); "
        "off: quotas are only reported",
    )


class Supervisor(_Strict):
    """The body the plan charges with following and checking its execution.

    Seed 004 III.2: "Giao Ủy ban kiểm tra Đảng ủy Sở theo dõi, đôn đốc, kiểm tra, giám sát
    việc thực hiện Kế hoạch này". Escalations with `to: supervisor` go to it, and it receives
    the list of overdue obligations like the standing body.
    """

    unit: UnitCode
    duties: str = Field(description="What the plan charges it with, in the plan's words")
    clause: Clause | None = None
    quote: str | None = None


class HonourRoll(_Strict):
    """The plan keeps an honour roll (sổ ghi danh), and on which commendations it is written.

    Seed 004 II.5 (1): "Khi có quyết định của cấp có thẩm quyền biểu dương ...: các cấp ủy, chi
    bộ (1) Ghi vào sổ ghi danh những tập thể, cá nhân điển hình được biểu dương ở đơn vị mình".
    A plan without this key keeps no roll: no line is written in its campaign. The book is the
    exemplar's own unit's ("ở đơn vị mình"): the unit that registered the exemplar.
    """

    forms: list[RewardForm] = Field(
        default_factory=list, description="Decisions granting these forms are written"
    )
    ceremonies: list[CeremonyKind] = Field(
        default_factory=list,
        description="The commendation at these occasions is written when the ceremony is held",
    )
    kept_by: Literal["exemplar_unit"] = Field(
        "exemplar_unit", description="Whose book: the exemplar's own unit (ở đơn vị mình)"
    )
    clause: Clause | None = None
    quote: str | None = None

    @model_validator(mode="after")
    def _names_something(self) -> HonourRoll:
        if not (self.forms or self.ceremonies):
            raise ValueError("sổ ghi danh cần ghi theo hình thức (forms) hoặc dịp (ceremonies) nào")
        return self


def _mail_address(value: str | None) -> str | None:
    """An address mail can carry (one line, no space, a valid addr-spec), or None."""
    if value is None:
        return None
    from email.headerregistry import Address

    value = value.strip()
    try:
        if any(c.isspace() for c in value) or "@" not in value:
            raise ValueError
        Address(addr_spec=value)
    except Exception:  # the header parser raises several error types
        raise ValueError(f"'{value}' không phải địa chỉ thư hợp lệ") from None
    return value


class Officer(_Strict):
    """The officer in charge who answers for the plan's emails (cán bộ phụ trách)."""

    name: str = Field(min_length=1, max_length=200)
    position: str | None = Field(None, max_length=300, description="chức vụ, e.g. Chuyên viên")
    phone: str | None = Field(None, max_length=40)
    email: str

    @field_validator("email")
    @classmethod
    def _deliverable(cls, value: str) -> str:
        return _mail_address(value) or value


class Correspondence(_Strict):
    """Who the plan's emails come from and who answers them; each key absent falls back to
    the standing body's directory entry (its name in full, its emulation officer), then to
    the environment (TDKT_SMTP_FROM). See models.letterhead."""

    from_address: str | None = Field(None, description="The From address of every email")
    from_name: str | None = Field(
        None, max_length=200, description="Its display name; default the standing body in full"
    )
    officer: Officer | None = Field(None, description="Signs as the officer in charge")
    reply_to: str | None = Field(None, description="Where replies go; default the officer")

    @field_validator("from_address", "reply_to")
    @classmethod
    def _deliverable(cls, value: str | None) -> str | None:
        return _mail_address(value)


class Submissions(_Strict):
    """What the documents units send must be (docs/signatures.md)."""

    require_signature: bool = Field(
        False,
        description="A PDF with a valid digital signature, chained to the trust store; any "
        "other upload is returned to the unit with the reason",
    )


class Plan(_Strict):
    """One plan document, as data."""

    format: Literal[1] = 1
    id: Slug
    title: str
    document: Document
    period: Period
    parent: ParentPlan | None = None
    standing_body: UnitCode | None = Field(
        None,
        description="Collects plans and reports; chases the late. Absent in a draft: a "
        "coordinator must name it before the plan is loaded (see `undecided`)",
    )
    agencies: dict[UnitCode, Agency]
    stages: list[StageWords] = Field(min_length=1)
    fields: list[FieldOfWork] = Field(default_factory=list)
    quotas: list[Quota] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    criteria_notes: list[str] = Field(
        default_factory=list, description="Criteria the plan states that no rule can check"
    )
    milestones: list[Milestone] = Field(min_length=1)
    reminders: ReminderPolicy = Field(default_factory=ReminderPolicy)
    supervisor: Supervisor | None = Field(
        None, description="Follows, urges, checks, supervises (theo dõi, đôn đốc, giám sát)"
    )
    honour_roll: HonourRoll | None = Field(
        None, description="The honour roll the plan keeps; none: it keeps none"
    )
    quota_deadline: str | None = Field(
        None,
        description="When yearly quotas are checked (the coordinator's setting); default "
        "'ngày 30/11 hằng năm'",
    )
    settings: PlanSettings = Field(default_factory=PlanSettings)
    correspondence: Correspondence | None = Field(
        None, description="From, officer in charge and Reply-To of the plan's emails"
    )
    instantiated_from: str | None = Field(
        None, description="Set by `tdkt plan instantiate`: the plan and period it was made from"
    )
    submissions: Submissions = Field(default_factory=Submissions)

    def requires_signature(self, milestone_code: str) -> bool:
        """Whether documents for the milestone must be signed: its own setting, else the
        plan's (a milestone the system adds follows the plan's)."""
        for milestone in self.milestones:
            if milestone.id == milestone_code and milestone.require_signature is not None:
                return milestone.require_signature
        return self.submissions.require_signature

    @field_validator("quota_deadline")
    @classmethod
    def _readable_quota_deadline(cls, phrase: str | None) -> str | None:
        # Checked here, not first when the quotas' milestones are made (at load or sweep).
        return readable_phrase(phrase)


Location = tuple[str | int, ...]


def reference_errors(plan: Plan) -> list[tuple[Location, str]]:
    """Every reference in the plan that points at nothing, with where it stands."""
    known = set(plan.agencies) | {plan.document.issuer, UNDECIDED_UNIT}
    field_codes = [f.code for f in plan.fields]
    errors: list[tuple[Location, str]] = []

    def unit(loc: Location, code: str) -> None:
        if code not in known:
            errors.append((loc, f"cơ quan {code} chưa được khai báo trong agencies"))

    if plan.standing_body is not None:
        unit(("standing_body",), plan.standing_body)
    if plan.supervisor is not None:
        unit(("supervisor", "unit"), plan.supervisor.unit)
    for i, escalation in enumerate(plan.reminders.escalations):
        if escalation.to == "supervisor" and plan.supervisor is None:
            errors.append(
                (
                    ("reminders", "escalations", i, "to"),
                    "nhắc lên 'supervisor' nhưng kế hoạch không khai báo supervisor",
                )
            )
    if plan.reminders.repeat.to == "supervisor" and plan.supervisor is None:
        errors.append(
            (
                ("reminders", "repeat", "to"),
                "nhắc lại 'supervisor' nhưng kế hoạch không khai báo supervisor",
            )
        )
    for code, agency in plan.agencies.items():
        if agency.parent is not None:
            unit(("agencies", code, "parent"), agency.parent)
    for i, fld in enumerate(plan.fields):
        for j, lead in enumerate(fld.lead_agencies):
            unit(("fields", i, "lead_agencies", j), lead)
    errors += _duplicates("fields", field_codes, "code")
    for i, quota in enumerate(plan.quotas):
        if quota.field is not None and quota.field not in field_codes:
            errors.append(
                (
                    ("quotas", i, "field"),
                    f"chỉ tiêu cho lĩnh vực {quota.field!r} chưa được định nghĩa trong fields",
                )
            )
        if quota.applies_to is not None:
            for j, code in enumerate(quota.applies_to.units):
                unit(("quotas", i, "applies_to", "units", j), code)
            for j, code in enumerate(quota.applies_to.exclude.units):
                unit(("quotas", i, "applies_to", "exclude", "units", j), code)
        if quota.year is not None and quota.year not in plan.period.years:
            errors.append(
                (("quotas", i, "year"), f"năm {quota.year} nằm ngoài giai đoạn {plan.period}")
            )
    errors += _duplicates("rules", [r.id for r in plan.rules], "id")
    for i, rule in enumerate(plan.rules):
        for j, code in enumerate(rule.fields or ()):
            if code not in field_codes:
                errors.append(
                    (
                        ("rules", i, "fields", j),
                        f"tiêu chí cho lĩnh vực {code!r} chưa được định nghĩa trong fields",
                    )
                )
    errors += _duplicates("milestones", [m.id for m in plan.milestones], "id")
    for i, milestone in enumerate(plan.milestones):
        if milestone.id.startswith(RESERVED_MILESTONE_PREFIXES):
            errors.append(
                (
                    ("milestones", i, "id"),
                    f"id {milestone.id!r} dùng tiền tố dành cho mốc hệ thống tự thêm "
                    f"({', '.join(RESERVED_MILESTONE_PREFIXES)}); hãy đặt tên khác",
                )
            )
    for i, milestone in enumerate(plan.milestones):
        unit(("milestones", i, "to"), milestone.to)
        for j, code in enumerate(milestone.responsible.units):
            unit(("milestones", i, "from", "units", j), code)
        for j, code in enumerate(milestone.responsible.exclude.units):
            unit(("milestones", i, "from", "exclude", "units", j), code)
    issued = plan.document.date or plan.document.effective_from
    for i, milestone in enumerate(plan.milestones):
        if issued is not None and milestone.phrase is not None:
            try:  # "từ nay đến năm 2013" in a plan of 2014: its end is before the plan
                parse_phrase(milestone.phrase, issued=issued, add_working_days=_every_day)
            except PhraseError as error:
                errors.append((("milestones", i, "phrase"), str(error)))
    return errors


def _duplicates(section: str, keys: list[str], name: str) -> list[tuple[Location, str]]:
    seen: set[str] = set()
    errors: list[tuple[Location, str]] = []
    for i, key in enumerate(keys):
        if key in seen:
            errors.append(((section, i, name), f"{name} {key!r} bị trùng"))
        seen.add(key)
    return errors
