"""Issue 21, part 2: what plans write that the format could not say.

Quotas owed in one year, each month or quarter, or over the period with yearly checkpoints;
selectors that leave units out, and a standing body that never owes itself a registration;
continuing duties reported each period; drafts that name no standing body or lead agency,
which `tdkt plan check` accepts with what remains to decide and `tdkt plan load` refuses. The
quotes are from Na Rì 37/KH-UBND (15/4/2014) as issue 21 reports them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from models.calendar import default_calendar
from models.clock import now
from models.db import unit_of_work
from models.phrases import PhraseError, parse_phrase
from models.plan import Plan, reference_errors
from models.plan_decisions import undecided
from models.quotas import Registration, counts_for, quota_milestones, span_of, yearly_targets
from models.schedule import schedule_milestone
from models.source import InputErrors
from models.vocabulary import SubjectKind
from tests.test_cli import tdkt

D = dt.date
CAL = default_calendar()


def na_ri(**changes: Any) -> dict[str, Any]:
    """A plan after Na Rì 37/KH-UBND (2014-2015), as data; changes replace top-level keys."""
    plan: dict[str, Any] = {
        "format": 1,
        "id": "na-ri-2014-2015",
        "title": "Kế hoạch xây dựng, nhân rộng điển hình tiên tiến",
        "document": {
            "number": "37/KH-UBND",
            "date": "2014-04-15",
            "issuer": "T",
            "issuer_name": "Ủy ban nhân dân huyện Thử",
        },
        "period": "2014-2015",
        "standing_body": "T.SNV",
        "agencies": {
            "T": {"name": "Ủy ban nhân dân huyện Thử", "kind": "province"},
            "T.SNV": {"name": "Phòng Nội vụ", "kind": "department", "parent": "T"},
            "T.A": {"name": "Phòng A", "kind": "department", "parent": "T"},
            "T.B": {"name": "Phòng B", "kind": "department", "parent": "T"},
        },
        "stages": [{"stage": "discover", "words": "phát hiện"}],
        "fields": [{"code": "a", "name": "Kinh tế", "lead_agencies": ["T.A"]}],
        "milestones": [
            {
                "id": "plan",
                "kind": "plan_submission",
                "title": "Gửi kế hoạch của đơn vị",
                "phrase": "trong vòng 30 ngày kể từ ngày ký",
                "from": {"kinds": ["department"], "description": "Các cơ quan, ban, ngành"},
                "to": "T.SNV",
            }
        ],
    }
    plan.update(changes)
    return plan


def milestone(**fields: Any) -> dict[str, Any]:
    base = {
        "id": "m",
        "kind": "annual_report",
        "title": "Báo cáo",
        "from": {"units": ["T.A"], "description": "Phòng A"},
        "to": "T.SNV",
    }
    return base | fields


def quota(**fields: Any) -> dict[str, Any]:
    base = {
        "scope": "unit_year",
        "minimum": 5,
        "applies_to": {"kinds": ["department"], "description": "mỗi xã"},
    }
    return base | fields


# --- phrases read against the plan's date --------------------------------------------------------


def test_a_period_counted_from_the_document_is_read_against_its_date() -> None:
    """Na Rì: "từ nay đến năm 2015"; a plan's unit plans "trong vòng 30 ngày kể từ ngày ký"."""
    plan = Plan.model_validate(
        na_ri(milestones=[milestone(phrase="từ nay đến năm 2015", kind="final_review")])
    )
    scheduled = schedule_milestone(plan, plan.milestones[0], CAL)
    assert scheduled.dues[0].start == D(2014, 4, 15)
    assert scheduled.dues[0].due == D(2015, 12, 31)
    signed = Plan.model_validate(na_ri())
    assert schedule_milestone(signed, signed.milestones[0], CAL).dues[0].due == D(2014, 5, 15)


def test_a_relative_phrase_in_an_undated_plan_is_left_to_decide() -> None:
    data = na_ri()
    data["document"] = data["document"] | {"date": None}
    plan = Plan.model_validate(data)
    assert [loc for loc, _ in undecided(plan)] == [("milestones", 0, "phrase")]


def test_a_relative_phrase_ending_before_the_plan_is_an_error() -> None:
    plan = Plan.model_validate(na_ri(milestones=[milestone(phrase="từ nay đến năm 2013")]))
    errors = reference_errors(plan)
    assert [loc for loc, _ in errors] == [("milestones", 0, "phrase")]
    assert "trước ngày ban hành" in errors[0][1]


def test_a_refused_phrase_names_the_nearest_known_form() -> None:
    with pytest.raises(PhraseError) as info:
        parse_phrase("trước ngày 20 mỗi tháng một lần kể cả ngày nghỉ")
    assert "dạng gần nhất" in str(info.value)
    assert "'trước ngày 20 hàng tháng'" in str(info.value)
    with pytest.raises(ValidationError, match="dạng gần nhất"):
        Plan.model_validate(na_ri(milestones=[milestone(phrase="đầu năm 2015")]))


# --- continuing duties --------------------------------------------------------------------------


def test_a_continuing_duty_is_reported_each_quarter_by_default() -> None:
    """Na Rì: "Trong năm 2015 tiếp tục … bồi dưỡng, nhân rộng": reported each quarter of 2015
    (the default, a coordinator's setting), not once on 31/12."""
    plan = Plan.model_validate(
        na_ri(milestones=[milestone(phrase="Trong năm 2015", continuing=True)])
    )
    dues = schedule_milestone(plan, plan.milestones[0], CAL).dues
    assert [(d.occurrence, d.due) for d in dues] == [
        ("2015-Q1", D(2015, 3, 31)),
        ("2015-Q2", D(2015, 6, 30)),
        ("2015-Q3", D(2015, 9, 30)),
        ("2015-Q4", D(2015, 12, 31)),
    ]
    assert dues[2].effective_due == D(2015, 9, 30)  # Wednesday; 2/9 was the holiday


def test_a_continuing_duty_follows_the_plans_frequency_from_the_document_date() -> None:
    plan = Plan.model_validate(
        na_ri(
            milestones=[
                milestone(phrase="từ nay đến năm 2015", continuing=True, report_every="half_yearly")
            ]
        )
    )
    dues = schedule_milestone(plan, plan.milestones[0], CAL).dues
    assert [d.occurrence for d in dues] == ["2014-H1", "2014-H2", "2015-H1", "2015-H2"]
    assert [d.label for d in dues][:2] == ["6 tháng đầu năm 2014", "6 tháng cuối năm 2014"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"phrase": "hằng quý", "continuing": True}, "continuing"),
        ({"continuing": True}, "continuing"),
        ({"phrase": "năm 2015", "report_every": "monthly"}, "report_every"),
    ],
)
def test_continuing_duties_need_a_window(fields: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        Plan.model_validate(na_ri(milestones=[milestone(**fields)]))


# --- quotas --------------------------------------------------------------------------------------


def test_a_quota_of_one_year_is_chased_that_year_only() -> None:
    """Na Rì: "trong năm 2014 … mỗi xã lựa chọn 05 …"."""
    plan = Plan.model_validate(na_ri(quotas=[quota(year=2014)]))
    [(m, q)] = quota_milestones(plan)
    assert m.set_date == D(2014, 11, 30) and m.coordinator_phrase is None
    assert "trong năm 2014" in m.title
    dues = schedule_milestone(plan, m, CAL).dues
    assert [(d.occurrence, d.due) for d in dues] == [("once", D(2014, 11, 30))]
    counted, needed = span_of(q, "once", plan.period)
    assert needed == 5
    assert counted(_reg(2014)) and not counted(_reg(2015))
    assert yearly_targets(q, plan.period) == [(2014, 5, None)]


def test_a_quota_outside_the_period_is_an_error() -> None:
    plan = Plan.model_validate(na_ri(quotas=[quota(year=2016)]))
    assert [loc for loc, _ in reference_errors(plan)] == [("quotas", 0, "year")]


def test_a_monthly_quota_is_chased_each_month_and_counts_that_months_registrations() -> None:
    """Na Rì: "hàng tháng … tối thiểu 01 gương"."""
    plan = Plan.model_validate(na_ri(quotas=[quota(minimum=1, every="monthly")]))
    [(m, q)] = quota_milestones(plan)
    assert m.coordinator_phrase == "hằng tháng" and "mỗi tháng" in m.title
    dues = schedule_milestone(plan, m, CAL).dues
    assert dues[0].occurrence == "2014-04" and dues[-1].occurrence == "2015-12"
    counted, needed = span_of(q, "2014-05", plan.period)
    regs = [_reg(2014, on=D(2014, 5, 3)), _reg(2014, on=D(2014, 6, 1)), _reg(2014, on=None)]
    assert needed == 1 and counts_for(q, "T.A", None, regs, counted=counted) == 1
    assert [t[:2] for t in yearly_targets(q, plan.period)] == [(2014, 12), (2015, 12)]


def test_a_quarterly_quota_counts_the_quarter() -> None:
    plan = Plan.model_validate(na_ri(quotas=[quota(minimum=2, every="quarterly")]))
    [(m, q)] = quota_milestones(plan)
    assert m.coordinator_phrase == "hằng quý"
    counted, _ = span_of(q, "2015-Q2", plan.period)
    assert [counted(_reg(2015, on=D(2015, m, 10))) for m in (3, 4, 6, 7)] == [
        False,
        True,
        True,
        False,
    ]


def test_a_period_quota_with_yearly_checkpoints_needs_its_share_each_year() -> None:
    """ "Tối thiểu 10 điển hình cả giai đoạn" over 2021-2025, checked each year: 2 by the end
    of 2021, 4 by 2022, ..., all 10 by 2025 (counting every year so far)."""
    data = na_ri(period="2021-2025", quotas=[quota(scope="unit_period", minimum=10)])
    data["document"] = data["document"] | {"date": "2021-03-01"}
    data["milestones"] = [milestone(phrase="hằng năm")]
    unchased = Plan.model_validate(data)
    assert quota_milestones(unchased) == []  # without checkpoints: reported only
    data["quotas"] = [quota(scope="unit_period", minimum=10, checkpoints="yearly")]
    plan = Plan.model_validate(data)
    [(m, q)] = quota_milestones(plan)
    assert [d.occurrence for d in schedule_milestone(plan, m, CAL).dues] == [
        "2021",
        "2022",
        "2023",
        "2024",
        "2025",
    ]
    shares = [span_of(q, str(y), plan.period)[1] for y in range(2021, 2026)]
    assert shares == [2, 4, 6, 8, 10]
    counted, _ = span_of(q, "2023", plan.period)
    assert counted(_reg(2021)) and counted(_reg(2023)) and not counted(_reg(2024))


@pytest.mark.parametrize(
    "bad",
    [
        quota(checkpoints="yearly"),
        quota(scope="unit_period", every="monthly"),
        quota(scope="unit_period", year=2014),
        quota(every="monthly", year=2014),
    ],
)
def test_quota_spans_that_do_not_fit_their_scope_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Plan.model_validate(na_ri(quotas=[bad]))


def _reg(year: int, on: dt.date | None = None) -> Registration:
    return Registration(None, SubjectKind.INDIVIDUAL, year, "T.A", None, ("T.A", "T"), on)


# --- drafts --------------------------------------------------------------------------------------


def _draft(tmp_path: Path) -> Path:
    data = na_ri()
    del data["standing_body"]
    data["fields"] = [{"code": "a", "name": "Kinh tế"}]
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_draft_lists_what_a_coordinator_must_decide(tmp_path: Path) -> None:
    plan = Plan.model_validate(yaml.safe_load(_draft(tmp_path).read_text(encoding="utf-8")))
    assert [loc for loc, _ in undecided(plan)] == [
        ("standing_body",),
        ("fields", 0, "lead_agencies"),
    ]
    assert quota_milestones(plan) == []


def test_plan_check_lists_a_drafts_decisions_and_plan_load_refuses_it(
    tmp_path: Path, data_dir: Path
) -> None:
    draft = _draft(tmp_path)
    run = tdkt("plan", "check", str(draft), data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    assert "bản nháp" in run.stdout
    assert "Còn 2 điều điều phối viên phải quyết định" in run.stdout
    assert f"{draft}:" in run.stdout and "standing_body: kế hoạch chưa ghi" in run.stdout
    assert "fields[0].lead_agencies: lĩnh vực a (Kinh tế) chưa có cơ quan chủ trì" in run.stdout

    from models.services.plans import load_plan_file

    with pytest.raises(InputErrors) as info, unit_of_work() as session:
        load_plan_file(session, draft, CAL, at=now(), actor="test")
    shown = [str(e) for e in info.value.errors]
    lines = draft.read_text(encoding="utf-8").splitlines()
    field_line = next(i for i, line in enumerate(lines, 1) if line.startswith("fields:")) + 1
    assert any(f"{draft}:{field_line}: fields[0].lead_agencies" in s for s in shown), shown
    assert any("standing_body" in s and "chưa nạp được bản nháp" in s for s in shown), shown


# --- selectors: exclusions, and the standing body never owes itself a registration ---------------


def _owers(tmp_path: Path, milestones: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Load a plan with these milestones over the small directory; who owes each milestone."""
    from sqlalchemy import select

    from models.orm import Obligation
    from models.services.directory import import_directory_file
    from models.services.obligations import open_obligations
    from models.services.plans import load_plan_file
    from tests.conftest import SMALL_DIRECTORY

    path = tmp_path / "plan.yaml"
    data = na_ri(milestones=milestones)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with unit_of_work() as session:
        import_directory_file(session, SMALL_DIRECTORY, at=now(), actor="test")
        campaign = load_plan_file(session, path, CAL, at=now(), actor="test").campaign
        open_obligations(session, campaign, CAL, until=D(2015, 12, 31), at=now())
        owed: dict[str, set[str]] = {}
        for obligation in session.scalars(
            select(Obligation).where(Obligation.campaign_id == campaign.id)
        ):
            owed.setdefault(obligation.milestone.code, set()).add(obligation.unit.code)
    return owed


def test_a_selector_leaves_out_what_it_excludes_and_the_standing_body_never_owes_a_registration(
    tmp_path: Path,
) -> None:
    """ "Các cơ quan, ban, ngành" selected by kind reach Phòng Nội vụ, the standing body: it
    must not owe itself a registration, even where the plan names it; `exclude` leaves out a
    unit or a kind."""
    by_kind = {"kinds": ["department"], "description": "Các cơ quan, ban, ngành"}
    owed = _owers(
        tmp_path,
        [
            milestone(
                id="register", kind="registration", phrase="hằng năm", to="T", **{"from": by_kind}
            ),
            milestone(
                id="named",
                kind="registration",
                phrase="hằng năm",
                **{"from": {"units": ["T.SNV", "T.A"], "description": "Phòng Nội vụ, Phòng A"}},
            ),
            milestone(
                id="less-b",
                phrase="hằng năm",
                to="T",
                **{"from": by_kind | {"exclude": {"units": ["T.B"]}}},
            ),
            milestone(
                id="no-departments",
                phrase="hằng năm",
                to="T",
                **{
                    "from": {
                        "units": ["T.A"],
                        "exclude": {"kinds": ["department"]},
                        "description": "x",
                    }
                },
            ),
            milestone(id="report", phrase="hằng năm", to="T", **{"from": by_kind}),
        ],
    )
    assert owed["register"] == {"T.A", "T.B"}
    assert owed["named"] == {"T.A"}
    assert owed["less-b"] == {"T.A", "T.SNV"}
    assert "no-departments" not in owed
    assert owed["report"] == {"T.A", "T.B", "T.SNV"}  # a report is no registration


def test_half_year_occurrences_are_named_in_vietnamese() -> None:
    from deployments.report import occurrence_label as report_label
    from models.phrases import occurrence_label

    for key, label in [("2024-H1", "6 tháng đầu năm 2024"), ("2024-H2", "6 tháng cuối năm 2024")]:
        assert occurrence_label(key) == report_label(key) == label


def test_a_continuing_duty_at_the_default_frequency_is_the_coordinators_setting() -> None:
    """The plan writes "Trong năm 2015", not when to report on it: quarterly dates are the
    coordinator's and emails say so; a frequency the plan writes is the plan's."""
    default = Plan.model_validate(
        na_ri(milestones=[milestone(phrase="Trong năm 2015", continuing=True)])
    )
    assert schedule_milestone(default, default.milestones[0], CAL).rule == "set_by_coordinator"
    written = Plan.model_validate(
        na_ri(
            milestones=[milestone(phrase="Trong năm 2015", continuing=True, report_every="monthly")]
        )
    )
    assert schedule_milestone(written, written.milestones[0], CAL).rule == "year_window"


def test_the_sweep_settles_a_monthly_quota_with_that_months_registrations(
    tmp_path: Path,
) -> None:
    """ "hàng tháng … tối thiểu 01 gương" (Na Rì): Phòng A registers one in May 2014, so its
    May obligation is settled and its June one is not; Phòng B registered none; Phòng Nội vụ,
    the standing body reached by kind, owes none at all."""
    from sqlalchemy import select

    from models.clock import TIMEZONE
    from models.orm import Campaign, Obligation, Unit
    from models.services.candidates import register
    from models.services.directory import import_directory_file
    from models.services.obligations import open_obligations
    from models.services.plans import load_plan_file
    from models.services.quota_tracking import settle_quota_obligations
    from models.vocabulary import ObligationStatus
    from tests.conftest import SMALL_DIRECTORY

    path = tmp_path / "plan.yaml"
    data = na_ri(quotas=[quota(minimum=1, every="monthly")])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    may = dt.datetime(2014, 5, 10, 9, 0, tzinfo=TIMEZONE)
    with unit_of_work() as session:
        import_directory_file(session, SMALL_DIRECTORY, at=now(), actor="test")
        load_plan_file(session, path, CAL, at=now(), actor="test")
    with unit_of_work() as session:
        campaign = session.scalars(select(Campaign)).one()
        open_obligations(session, campaign, CAL, until=D(2014, 6, 30), at=may)
        unit_a = session.scalars(select(Unit).where(Unit.code == "T.A")).one()
        register(
            session,
            campaign,
            unit=unit_a,
            subject=SubjectKind.INDIVIDUAL,
            name="Nguyễn Văn A",
            subject_ref="a-1",
            year=2014,
            at=may,
            actor="test",
        )
        settle_quota_obligations(session, campaign, at=may)
        status = {
            (o.unit.code, o.occurrence): o.status
            for o in session.scalars(select(Obligation))
            if o.milestone.code.startswith("quota-")
        }
    assert status[("T.A", "2014-05")] == ObligationStatus.SUBMITTED
    assert status[("T.A", "2014-06")] != ObligationStatus.SUBMITTED
    assert status[("T.B", "2014-05")] != ObligationStatus.SUBMITTED
    assert not [key for key in status if key[0] == "T.SNV"]
