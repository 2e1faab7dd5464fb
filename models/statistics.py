"""The yearly emulation and commendation statistics (báo cáo thống kê thi đua, khen thưởng).

Thông tư 02/2023/TT-BNV (chế độ báo cáo thống kê ngành Nội vụ, 23/3/2023, in force 10/5/2023)
has three yearly forms for thi đua, khen thưởng, received on 15 December of the reporting year:
- 0601.N/BNV-TĐKT "Số phong trào thi đua": campaigns by the level that launched them, by scope,
  by duration and by way of organising;
- 0602.N/BNV-TĐKT "Số lượng khen thưởng cấp Nhà nước": State-level awards by form (each form a
  column, collective and individual apart), by who submitted the tờ trình, by whom was awarded
  and by way of commending;
- 0603.N/BNV-TĐKT "Số lượng khen thưởng cấp bộ, ban, ngành, đoàn thể Trung ương và tỉnh,
  thành phố trực thuộc Trung ương": Bằng khen, Chiến sĩ thi đua cấp bộ/tỉnh, Cờ thi đua,
  Huy hiệu (kỷ niệm chương), with the same rows.
The reporting period of the TĐKT field runs from 1 December of the year before to 30 November
of the reporting year. docs/statistics.md says where these were read and what is approximated.

Pure: plain inputs (counts grouped by the database, models/services/statistics.py) in, tables
of figures out; models/statistics_sheet.py writes them as .xlsx. Nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from models.recognition import RewardForm
from models.statistics_table import RowSpec, StatColumn, StatRow, StatTable, fill
from models.vocabulary import SubjectKind, UnitKind

CIRCULAR = "Thông tư số 02/2023/TT-BNV ngày 23/3/2023 của Bộ Nội vụ"
RECEIVED_ON = "Ngày 15 tháng 12 năm báo cáo"
RECEIVER = "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)"

HIGH = {UnitKind.MINISTRY, UnitKind.PROVINCE}
"""Units at the level of a bộ, ban, ngành Trung ương or a tỉnh, thành phố trực thuộc TW."""

CENTRAL = {UnitKind.MINISTRY}
"""Who submits to the Prime Minister as a bộ, ban, ngành, đoàn thể Trung ương (form 0602)."""

TITLES = {
    RewardForm.CHIEN_SI_THI_DUA,
    RewardForm.CHIEN_SI_THI_DUA_CO_SO,
    RewardForm.CHIEN_SI_THI_DUA_TINH,
    RewardForm.CO_THI_DUA,
    RewardForm.TAP_THE_LAO_DONG_XUAT_SAC,
}
"""Danh hiệu thi đua: conferred on the yearly (regular) emulation, counted as 'thường xuyên'."""


def reporting_period(year: int) -> tuple[dt.date, dt.date]:
    """The TĐKT reporting period of `year`: 01/12 of the year before to 30/11 of the year
    (Thông tư 02/2023/TT-BNV: the field's year differs from the calendar year the others use)."""
    return dt.date(year - 1, 12, 1), dt.date(year, 11, 30)


def latest_reported_year(day: dt.date) -> int:
    """The year of the last reporting period that has ended by `day` (December: this year's,
    due on 15 December; before: last year's): the coordinator page offers it."""
    return day.year if day > reporting_period(day.year)[1] else day.year - 1


# --- the inputs: counts the database groups ---------------------------------------------------


@dataclass(frozen=True)
class AwardGroup:
    """How many decisions of one kind: the form granted, who was awarded, who decided.

    decider: the kind of the unit that decided (the proposal's authority); proposer: the kind
    of the unit that launched the campaign (it submits the tờ trình upward); subject_unit: the
    directory unit a collective is (an enterprise counts apart); leads: the unit an individual
    leads (the form's leader rows); field: the campaign field's name.
    """

    form: RewardForm
    subject: SubjectKind
    decider: UnitKind
    proposer: UnitKind
    count: int
    subject_unit: UnitKind | None = None
    leads: UnitKind | None = None
    field: str | None = None


@dataclass(frozen=True)
class CampaignGroup:
    """How many campaigns (phong trào thi đua) of one kind ran in the reporting year."""

    issuer: UnitKind
    years: int
    regular: bool
    count: int


# --- form 0601: campaigns ----------------------------------------------------------------------

_CAMPAIGN_COLUMNS = (
    StatColumn("2", "Cấp Trung ương (Hội đồng Thi đua - Khen thưởng Trung ương)", key="tw"),
    StatColumn(
        "3",
        "Cấp bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
        key="high",
    ),
    StatColumn("4", "Cơ quan, tổ chức, đơn vị", key="unit"),
)

_CAMPAIGN_ROWS = (
    RowSpec("Tổng số", "01", "", "total", bold=True),
    RowSpec("1. Chia theo phạm vi tổ chức thi đua", "", "", None),
    RowSpec("- Toàn quốc", "02", "", "nation"),
    RowSpec("- Bộ, ban, ngành, đoàn thể, địa phương", "03", "", "high"),
    RowSpec("- Cụm, khối thi đua do Hội đồng Thi đua - Khen thưởng các cấp tổ chức", "04", "", "x"),
    RowSpec("- Cơ quan, tổ chức, đơn vị", "05", "", "unit"),
    RowSpec("2. Chia theo thời hạn thi đua", "", "", None),
    RowSpec("- Dưới 1 năm", "06", "", "under1"),
    RowSpec("- 1 năm", "07", "", "1"),
    RowSpec("- Từ 1 năm đến dưới 3 năm", "08", "", "1-3"),
    RowSpec("- Từ 3 năm đến dưới 5 năm", "09", "", "3-5"),
    RowSpec("- Từ 5 năm trở lên", "10", "", "5+"),
    RowSpec("3. Chia theo phương thức tổ chức phong trào thi đua", "", "", None),
    RowSpec("- Thi đua theo chuyên đề", "11", "", "theme"),
    RowSpec("- Thi đua thường xuyên hàng năm", "12", "", "regular"),
)


def _duration_key(years: int) -> str:
    """A campaign's period is stored in whole years (period_start..period_end, inclusive)."""
    if years <= 1:
        return "1"
    if years < 3:
        return "1-3"
    if years < 5:
        return "3-5"
    return "5+"


def campaign_form(groups: Iterable[CampaignGroup]) -> StatTable:
    """Form 0601.N/BNV-TĐKT from the campaigns that ran in the reporting year."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in groups:
        column = "high" if g.issuer in HIGH else "unit"
        for key in ("total", column, _duration_key(g.years), "regular" if g.regular else "theme"):
            counts[key][column] += g.count
    return StatTable(
        code="0601.N/BNV-TĐKT",
        title="SỐ PHONG TRÀO THI ĐUA",
        columns=_CAMPAIGN_COLUMNS,
        rows=fill(_CAMPAIGN_ROWS, _CAMPAIGN_COLUMNS, counts),
        total_number="1=(2+3+4)",
        unit_line="Đơn vị tính: Phong trào",
        band="Số phong trào thi đua chia theo cấp chủ trì phát động thi đua",
        has_unit_column=False,
        sheet="0601 Phong trào",
        notes=(
            "Mỗi kế hoạch (phong trào thi đua) có thời gian thực hiện bao trùm năm báo cáo được "
            "tính một lần (period_start ≤ năm ≤ period_end).",
            "Cột 2-4 theo loại đơn vị ban hành kế hoạch: Bộ hoặc tỉnh → cột 3; đơn vị khác → "
            "cột 4. Danh bạ không có Hội đồng Thi đua - Khen thưởng Trung ương nên cột 2 "
            "luôn bằng 0.",
            "Phạm vi (mã 02-05) suy từ cùng loại đơn vị ban hành: Bộ, tỉnh → mã 03; đơn vị "
            "khác → mã 05. Phong trào toàn quốc, cụm/khối thi đua không được ghi nhận riêng "
            "nên mã 02, 04 bằng 0.",
            "Thời hạn (mã 06-10) tính theo số năm của kế hoạch (năm kết thúc - năm bắt đầu + 1); "
            "kế hoạch chỉ ghi năm nên không có kế hoạch dưới 1 năm (mã 06 bằng 0).",
            "Phương thức (mã 11-12): tên kế hoạch có cụm 'thường xuyên' → thường xuyên hàng "
            "năm; còn lại → theo chuyên đề.",
        ),
    )


# --- forms 0602 and 0603: awards ---------------------------------------------------------------

_AWARD_SUBJECT_ROWS = (
    ("- Tập thể", "Tập thể", "collective"),
    ("Trong đó: Doanh nghiệp", "Doanh nghiệp", "enterprise"),
    ("- Hộ gia đình", "Hộ", "household"),
    ("- Cá nhân", "Người", "individual"),
    ("+ Lãnh đạo cấp bộ, cấp tỉnh và tương đương trở lên", "Người", "lead_high"),
    ("+ Lãnh đạo cấp vụ, sở, ngành và tương đương", "Người", "lead_dept"),
    ("+ Doanh nhân", "Người", "entrepreneur"),
    ("+ Các cấp lãnh đạo khác từ phó phòng trở lên", "Người", "lead_other"),
    (
        "+ Người trực tiếp công tác, lao động, học tập, chiến đấu và phục vụ chiến đấu "
        "(công nhân, nông dân,...)",
        "Người",
        "direct",
    ),
)
_AWARD_METHOD_ROWS = (
    ("- Thường xuyên", "regular"),
    ("- Chuyên đề", "theme"),
    ("- Đột xuất", "sudden"),
    ("- Đối ngoại", "foreign"),
    ("- Cống hiến", "dedication"),
    ("- Niên hạn", "seniority"),
    ("- Kháng chiến", "resistance"),
)


def _award_rows(with_proposer: bool) -> tuple[RowSpec, ...]:
    """The rows of 0602 (with the submitter section) or 0603 (without), numbered in order."""
    specs = [RowSpec("Tổng số", "", "", "total", bold=True)]
    section = 1
    if with_proposer:
        specs += [
            RowSpec(
                "1. Chia theo đơn vị ban hành tờ trình Thủ tướng Chính phủ về khen thưởng",
                "",
                "",
                None,
            ),
            RowSpec("- Bộ, ban, ngành, đoàn thể Trung ương", "", "Bộ, ngành", "central"),
            RowSpec("- Tỉnh, thành phố trực thuộc Trung ương", "", "Tỉnh, TP", "province"),
        ]
        section += 1
    specs.append(RowSpec(f"{section}. Chia theo đối tượng khen thưởng", "", "", None))
    specs += [RowSpec(label, "", unit, key) for label, unit, key in _AWARD_SUBJECT_ROWS]
    specs.append(RowSpec(f"{section + 1}. Chia theo phương thức khen thưởng", "", "", None))
    specs += [RowSpec(label, "", "", key) for label, key in _AWARD_METHOD_ROWS]
    numbered, number = [], 0
    for spec in specs:
        if spec.key == "collective" and with_proposer:
            number = 5  # the source of form 0602 numbers Tập thể 6, after Tỉnh, TP 3
        if spec.key is not None:
            number += 1
            spec = RowSpec(spec.label, f"{number:02d}", spec.unit, spec.key, spec.bold)
        numbered.append(spec)
    return tuple(numbered)


def _leader_key(leads: UnitKind | None) -> str:
    """Which leader row an individual falls in, from the kind of unit they lead."""
    if leads is None:
        return "direct"
    if leads in HIGH:
        return "lead_high"
    if leads in {
        UnitKind.DEPARTMENT,
        UnitKind.DISTRICT,
        UnitKind.CENTRAL_AGENCY,
        UnitKind.MASS_ORGANISATION,
    }:
        return "lead_dept"
    if leads == UnitKind.ENTERPRISE:
        return "entrepreneur"
    return "lead_other"


def _row_keys(g: AwardGroup) -> list[str]:
    """Every row one award counts in: the total, its submitter, who it is, how it was given."""
    keys = ["total", "central" if g.proposer in CENTRAL else "province"]
    if g.subject == SubjectKind.COLLECTIVE:
        keys.append("collective")
        if g.subject_unit == UnitKind.ENTERPRISE:
            keys.append("enterprise")
    elif g.subject == SubjectKind.HOUSEHOLD:
        keys.append("household")
    else:
        keys += ["individual", _leader_key(g.leads)]
    keys.append("regular" if g.form in TITLES else "theme")
    return keys


def _who(subject: SubjectKind) -> str:
    """The Tập thể / Cá nhân sub-column: a household is awarded as a collective is."""
    return "cn" if subject == SubjectKind.INDIVIDUAL else "tt"


def state_column(g: AwardGroup) -> str | None:
    """The column of form 0602 an award counts in, or None if it is not State-level."""
    if g.form == RewardForm.HUAN_CHUONG_LAO_DONG:
        return f"hcld_{_who(g.subject)}"
    if g.form == RewardForm.BANG_KHEN_THU_TUONG:
        return f"bkttg_{_who(g.subject)}"
    return None


def high_column(g: AwardGroup) -> str | None:
    """The column of form 0603 an award counts in, or None if no bộ or tỉnh decided it."""
    if g.decider not in HIGH:
        return None
    if g.form == RewardForm.BANG_KHEN:
        return "bk"
    if g.form in (RewardForm.CHIEN_SI_THI_DUA_TINH, RewardForm.CHIEN_SI_THI_DUA):
        return "cstd"
    if g.form == RewardForm.CO_THI_DUA:
        return "co"
    return None


_STATE_COLUMNS = (
    StatColumn("2", "Huân chương Lao động", "Tập thể", key="hcld_tt"),
    StatColumn("2", "Huân chương Lao động", "Cá nhân", key="hcld_cn"),
    StatColumn("3", "Giải thưởng Hồ Chí Minh", "Cá nhân", tracked=False),
    StatColumn("4", "Giải thưởng Nhà nước", "Cá nhân", tracked=False),
    StatColumn("5", "Danh hiệu vinh dự nhà nước", "Cá nhân", tracked=False),
    StatColumn("6", "Cờ thi đua của Chính phủ", "Tập thể", tracked=False),
    StatColumn("7", "Bằng khen của Thủ tướng Chính phủ", "Tập thể", key="bkttg_tt"),
    StatColumn("7", "Bằng khen của Thủ tướng Chính phủ", "Cá nhân", key="bkttg_cn"),
    StatColumn("8", "Danh hiệu “Chiến sĩ thi đua toàn quốc”", "Cá nhân", tracked=False),
    StatColumn("9", "Các hình thức khen thưởng khác", "Tập thể", tracked=False),
    StatColumn("9", "Các hình thức khen thưởng khác", "Cá nhân", tracked=False),
)

_HIGH_COLUMNS = (
    StatColumn("2", "Bằng khen", key="bk"),
    StatColumn("3", "Chiến sĩ thi đua cấp bộ, cấp tỉnh", key="cstd"),
    StatColumn(
        "4",
        "Cờ thi đua của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố trực thuộc Trung ương",
        key="co",
    ),
    StatColumn(
        "5",
        "Huy hiệu (kỷ niệm chương) của bộ, ban, ngành, đoàn thể Trung ương, tỉnh, thành phố "
        "trực thuộc Trung ương",
        tracked=False,
    ),
)

_AWARD_NOTES = (
    "Mỗi quyết định khen thưởng (reward_decisions) là một tập thể, hộ gia đình hoặc cá nhân "
    "được khen; tính theo ngày quyết định trong kỳ báo cáo và theo hình thức ghi trong quyết "
    "định (có thể khác hình thức đề nghị).",
    "Đối tượng: theo loại điển hình (tập thể, hộ gia đình, cá nhân). Doanh nghiệp: tập thể là "
    "đơn vị loại 'Doanh nghiệp' trong danh bạ. Hộ gia đình được khen ghi vào cột 'Tập thể'.",
    "Cá nhân chia theo đơn vị mà người đó lãnh đạo (quy tắc lãnh đạo của điển hình): Bộ, "
    "tỉnh → lãnh đạo cấp bộ, cấp tỉnh; Sở, huyện, cơ quan Trung ương, đoàn thể → cấp vụ, sở; "
    "doanh nghiệp → doanh nhân; đơn vị khác → lãnh đạo khác; không lãnh đạo đơn vị nào → "
    "người trực tiếp công tác, lao động. Chức vụ phó phòng trở lên không được ghi nhận riêng.",
    "Phương thức: danh hiệu thi đua (Chiến sĩ thi đua, Cờ thi đua, Tập thể lao động xuất sắc) "
    "→ thường xuyên; hình thức khen thưởng theo kế hoạch phong trào (Bằng khen, Huân chương...) "
    "→ chuyên đề. tdkt-flow chỉ ghi khen thưởng theo phong trào nên các dòng đột xuất, đối "
    "ngoại, cống hiến, niên hạn, kháng chiến bằng 0.",
    "Cột để trống: tdkt-flow không ghi nhận hình thức đó; đơn vị tự điền nếu có.",
)


def _award_table(
    groups: Iterable[AwardGroup],
    columns: tuple[StatColumn, ...],
    column_of: Callable[[AwardGroup], str | None],
    with_proposer: bool,
) -> tuple[StatRow, ...]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in groups:
        column = column_of(g)
        if column is None:
            continue
        for key in _row_keys(g):
            counts[key][column] += g.count
    return fill(_award_rows(with_proposer), columns, counts)


def state_form(groups: Iterable[AwardGroup]) -> StatTable:
    """Form 0602.N/BNV-TĐKT: the State-level awards decided in the reporting period."""
    return StatTable(
        code="0602.N/BNV-TĐKT",
        title="SỐ LƯỢNG KHEN THƯỞNG CẤP NHÀ NƯỚC",
        columns=_STATE_COLUMNS,
        rows=_award_table(groups, _STATE_COLUMNS, state_column, with_proposer=True),
        sheet="0602 Cấp Nhà nước",
        notes=(
            "Cột 2: Huân chương Lao động (hạng không được ghi nhận). Cột 7: Bằng khen của Thủ "
            "tướng Chính phủ. Các huân chương, huy chương khác, giải thưởng, danh hiệu vinh dự, "
            "Cờ thi đua của Chính phủ, Chiến sĩ thi đua toàn quốc không có trong tdkt-flow.",
            "Mã số theo bản chép lại của biểu: sau mã 3 là mã 6 (mã 4, 5 không có trong bản "
            "chép lại).",
            "Đơn vị ban hành tờ trình: loại đơn vị ban hành kế hoạch phong trào (Bộ → Bộ, ban, "
            "ngành Trung ương; đơn vị khác → tỉnh, thành phố), vì tờ trình đề nghị cấp Nhà "
            "nước đi từ cấp đó lên.",
            *_AWARD_NOTES,
        ),
    )


def high_form(groups: Iterable[AwardGroup]) -> StatTable:
    """Form 0603.N/BNV-TĐKT: the awards a bộ, ngành or tỉnh decided in the reporting period."""
    return StatTable(
        code="0603.N/BNV-TĐKT",
        title=(
            "SỐ LƯỢNG KHEN THƯỞNG CẤP BỘ, BAN, NGÀNH, ĐOÀN THỂ TRUNG ƯƠNG VÀ TỈNH, "
            "THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG"
        ),
        columns=_HIGH_COLUMNS,
        rows=_award_table(groups, _HIGH_COLUMNS, high_column, with_proposer=False),
        sheet="0603 Cấp bộ, tỉnh",
        notes=(
            "Chỉ tính quyết định do đơn vị loại Bộ hoặc tỉnh trong danh bạ ban hành. Cột 2: "
            "Bằng khen; cột 3: Chiến sĩ thi đua cấp tỉnh và Chiến sĩ thi đua do Bộ, tỉnh quyết "
            "định; cột 4: Cờ thi đua. Huy hiệu, kỷ niệm chương không có trong tdkt-flow.",
            "Tập thể lao động xuất sắc (do Bộ, tỉnh quyết định) không có cột trong biểu: xem "
            "trang 'Theo hình thức'.",
            *_AWARD_NOTES,
        ),
    )


# --- supplementary: every form, and every field ----------------------------------------------

_BY_SUBJECT = (
    StatColumn("2", "Tập thể", key=SubjectKind.COLLECTIVE.value),
    StatColumn("3", "Hộ gia đình", key=SubjectKind.HOUSEHOLD.value),
    StatColumn("4", "Cá nhân", key=SubjectKind.INDIVIDUAL.value),
)


def _where(g: AwardGroup) -> str:
    if state_column(g):
        return "0602"
    return "0603" if high_column(g) else "—"


def _plain_table(
    code: str,
    title: str,
    sheet: str,
    keyed: dict[tuple[str, str], dict[str, int]],
    note: str,
    unit_header: str | None = None,
) -> StatTable:
    total: dict[str, int] = defaultdict(int)
    for values in keyed.values():
        for k, v in values.items():
            total[k] += v
    specs = [RowSpec("Tổng số", "01", "", "total", bold=True)]
    counts: dict[str, dict[str, int]] = {"total": total}
    for index, ((label, unit), values) in enumerate(sorted(keyed.items()), start=2):
        specs.append(RowSpec(label, f"{index:02d}", unit, f"k{index}"))
        counts[f"k{index}"] = values
    return StatTable(
        code=code,
        title=title,
        columns=_BY_SUBJECT,
        rows=fill(specs, _BY_SUBJECT, counts),
        sheet=sheet,
        notes=(note,),
        has_unit_column=unit_header is not None,
        unit_header=unit_header or "",
    )


def by_form(groups: Iterable[AwardGroup]) -> StatTable:
    """Every form granted in the period, collective / household / individual: the forms the
    circular's tables leave out (Giấy khen, Chiến sĩ thi đua cơ sở...) are counted here too."""
    keyed: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    order = {form: i for i, form in enumerate(RewardForm)}
    for g in groups:
        label = f"{order[g.form] + 1:02d}. {g.form.label}"
        keyed[(label, _where(g))][g.subject.value] += g.count
    return _plain_table(
        "Phụ lục 1 (không thuộc Thông tư)",
        "SỐ LƯỢNG KHEN THƯỞNG THEO HÌNH THỨC",
        "Theo hình thức",
        keyed,
        "Mọi quyết định khen thưởng trong kỳ theo hình thức được quyết định; cột 'Tính vào "
        "biểu' ghi biểu mà hình thức đó được tính vào (0602, 0603, hoặc — nếu không biểu nào).",
        unit_header="Tính vào biểu",
    )


def by_field(groups: Iterable[AwardGroup]) -> StatTable:
    """Every award in the period by the campaign field (lĩnh vực) its exemplar belongs to."""
    keyed: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in groups:
        keyed[(g.field or "(Không ghi lĩnh vực)", "")][g.subject.value] += g.count
    return _plain_table(
        "Phụ lục 2 (không thuộc Thông tư)",
        "SỐ LƯỢNG KHEN THƯỞNG THEO LĨNH VỰC",
        "Theo lĩnh vực",
        keyed,
        "Mọi quyết định khen thưởng trong kỳ theo lĩnh vực của điển hình trong kế hoạch.",
    )


# --- the whole report --------------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsReport:
    """The year's workbook: who reports to whom, for which period, the tables, and the day."""

    year: int
    reporter: str
    receiver: str
    prepared_on: dt.date
    tables: tuple[StatTable, ...]
    scope: str
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        return reporting_period(self.year)


SOURCES = (
    f"Biểu 0601.N/BNV-TĐKT, 0602.N/BNV-TĐKT, 0603.N/BNV-TĐKT ban hành theo {CIRCULAR} (chế độ "
    "báo cáo thống kê ngành Nội vụ, hiệu lực từ 10/5/2023). Tên biểu, cột, dòng và ngày nhận "
    "báo cáo (15/12) theo bản chép lại các biểu này trong phần mềm thi đua, khen thưởng mã "
    "nguồn mở lifephongphanmem/thiduakhenthuong (resources/views/BaoCao/TT022023), không "
    "phải bản gốc của Thông tư: cần đối chiếu với Phụ lục của Thông tư trước khi gửi.",
    "Kỳ báo cáo lĩnh vực thi đua, khen thưởng: từ 01/12 năm trước đến 30/11 năm báo cáo (tóm "
    "tắt Thông tư trên trang Sở Nội vụ Hưng Yên).",
    "Thông tư 18/2025/TT-BNV ngày 08/10/2025 (chế độ báo cáo thống kê ngành Nội vụ) được ban "
    "hành sau; nội dung biểu của Thông tư này chưa được đối chiếu.",
    "Số liệu chỉ gồm những gì đã ghi trong tdkt-flow (kế hoạch, điển hình, tờ trình, quyết "
    "định khen thưởng); khen thưởng không qua tdkt-flow không được tính.",
)


def build_report(
    year: int,
    *,
    campaigns: Iterable[CampaignGroup],
    awards: Sequence[AwardGroup],
    reporter: str,
    prepared_on: dt.date,
    scope: str,
    receiver: str = RECEIVER,
) -> StatisticsReport:
    """Every table of the year from the grouped counts."""
    tables = (
        campaign_form(campaigns),
        state_form(awards),
        high_form(awards),
        by_form(awards),
        by_field(awards),
    )
    return StatisticsReport(
        year=year,
        reporter=reporter,
        receiver=receiver,
        prepared_on=prepared_on,
        tables=tables,
        scope=scope,
        sources=SOURCES,
    )
