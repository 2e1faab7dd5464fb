"""The yearly TĐKT statistics from the database: the counts models/statistics.py lays out in
the forms of Thông tư 02/2023/TT-BNV, and the workbook (models/statistics_sheet.py).

Set-based: two GROUP BY queries (the decisions of the reporting period by form, who was
awarded and who decided; the campaigns running in the year by issuer and period), whatever the
number of decisions; no row is loaded one by one. The CLI (`tdkt export statistics`) and the
coordinator pages call statistics_workbook(); neither queries the ORM itself.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from models.orm import Campaign, CampaignField, Candidate, Unit
from models.orm.recognition import RewardDecision, RewardProposal
from models.services.recognition_common import one_line
from models.statistics import (
    AwardGroup,
    CampaignGroup,
    StatisticsReport,
    build_report,
    reporting_period,
)
from models.statistics_sheet import statistics_xlsx

REGULAR_MARK = "thường xuyên"
"""A campaign whose title says 'thường xuyên' counts as the yearly regular emulation (0601)."""

UNKNOWN_REPORTER = "...................."
"""Written where the reporting unit cannot be told (campaigns of several issuers): the office
writes its name by hand, as on the paper form."""


def award_groups(session: Session, year: int, campaign: Campaign | None = None) -> list[AwardGroup]:
    """The decisions dated in the year's reporting period, counted per form, subject, deciding
    unit's kind, campaign issuer's kind, collective's and led unit's kinds, and field."""
    start, end = reporting_period(year)
    authority, issuer = aliased(Unit), aliased(Unit)
    subject_unit, leads = aliased(Unit), aliased(Unit)
    keys = (
        RewardDecision.form,
        Candidate.subject,
        authority.kind,
        issuer.kind,
        subject_unit.kind,
        leads.kind,
        CampaignField.name,
    )
    query = (
        select(*keys, func.count(RewardDecision.id))
        .join(RewardProposal, RewardDecision.proposal_id == RewardProposal.id)
        .join(Candidate, RewardProposal.candidate_id == Candidate.id)
        .join(authority, RewardProposal.authority_unit_id == authority.id)
        .join(Campaign, Candidate.campaign_id == Campaign.id)
        .join(issuer, Campaign.issuer_id == issuer.id)
        .outerjoin(subject_unit, Candidate.subject_unit_id == subject_unit.id)
        .outerjoin(leads, Candidate.leads_unit_id == leads.id)
        .outerjoin(CampaignField, Candidate.field_id == CampaignField.id)
        .where(RewardDecision.decided_on >= start, RewardDecision.decided_on <= end)
        .group_by(*keys)
    )
    if campaign is not None:
        query = query.where(Candidate.campaign_id == campaign.id)
    return [
        AwardGroup(
            form=form,
            subject=subject,
            decider=decider,
            proposer=proposer,
            count=count,
            subject_unit=collective,
            leads=led,
            field=one_line(field) if field else None,
        )
        for form, subject, decider, proposer, collective, led, field, count in session.execute(
            query
        )
    ]


def campaign_groups(
    session: Session, year: int, campaign: Campaign | None = None
) -> list[CampaignGroup]:
    """The campaigns whose period covers the year, counted per issuer kind, length and title
    (the title says whether the emulation is the regular one)."""
    issuer = aliased(Unit)
    keys = (issuer.kind, Campaign.period_start, Campaign.period_end, Campaign.title)
    query = (
        select(*keys, func.count(Campaign.id))
        .join(issuer, Campaign.issuer_id == issuer.id)
        .where(Campaign.period_start <= year, Campaign.period_end >= year)
        .group_by(*keys)
    )
    if campaign is not None:
        query = query.where(Campaign.id == campaign.id)
    return [
        CampaignGroup(
            issuer=kind,
            years=last - first + 1,
            regular=REGULAR_MARK in title.lower(),
            count=count,
        )
        for kind, first, last, title, count in session.execute(query)
    ]


def _reporter(session: Session, year: int, campaign: Campaign | None) -> str:
    """Who reports: the campaign's issuer, or the one issuer of every campaign of the year."""
    if campaign is not None:
        return one_line(campaign.issuer.name)
    names = session.scalars(
        select(Unit.name)
        .join(Campaign, Campaign.issuer_id == Unit.id)
        .where(Campaign.period_start <= year, Campaign.period_end >= year)
        .distinct()
        .limit(2)
    ).all()
    return one_line(names[0]) if len(names) == 1 else UNKNOWN_REPORTER


def statistics_report(
    session: Session, year: int, *, prepared_on: dt.date, campaign: Campaign | None = None
) -> StatisticsReport:
    """The year's tables, for one campaign or for every campaign in the database."""
    scope = (
        f"Kế hoạch {campaign.slug}: {one_line(campaign.title)}"
        if campaign is not None
        else "Mọi kế hoạch trong cơ sở dữ liệu của tdkt-flow"
    )
    return build_report(
        year,
        campaigns=campaign_groups(session, year, campaign),
        awards=award_groups(session, year, campaign),
        reporter=_reporter(session, year, campaign),
        prepared_on=prepared_on,
        scope=scope,
    )


def statistics_file_name(year: int, campaign: Campaign | None = None) -> str:
    """'thong-ke-tdkt-2024.xlsx', or with the campaign's slug: ASCII, safe in a header."""
    middle = f"-{campaign.slug}" if campaign is not None else ""
    return f"thong-ke-tdkt{middle}-{year}.xlsx"


def statistics_workbook(
    session: Session, year: int, *, prepared_on: dt.date, campaign: Campaign | None = None
) -> bytes:
    """The year's statistics as .xlsx bytes (five small sheets and the notes)."""
    return statistics_xlsx(
        statistics_report(session, year, prepared_on=prepared_on, campaign=campaign)
    )
