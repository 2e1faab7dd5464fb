"""An exemplar's path after discovery, as flows: each stage starts the next.

- eligibility-review (scheduled early December): the plan's checkable criteria on every
  candidate being fostered, then the council vote on those found eligible;
- recognition (scheduled after the ballot closes): close the ballot, then publicise the
  selected exemplars, honour them at the year-end review, and propose their rewards.

Registration (discover) and fostering are chased by the daily sweep: quotas and mentors'
assessments are obligations like any other.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow, get_run_logger

from flows.naming import lifecycle_name
from models import clock
from tasks.chasing import active_campaigns
from tasks.lifecycle import (
    close_ballots,
    draft_publications,
    honour,
    open_ballot,
    propose_rewards,
    review_eligibility,
)


@flow(name="eligibility-review", flow_run_name=lifecycle_name("xét tiêu chuẩn"))
async def eligibility_review(
    as_of: dt.datetime | None = None, campaigns: list[str] | None = None
) -> dict[str, dict[str, int]]:
    """Judge every candidate against the plan's criteria, then put the eligible to the vote."""
    as_of = as_of or clock.now()
    slugs = campaigns or active_campaigns(as_of)
    verdicts = {slug: review_eligibility(slug, as_of) for slug in slugs}
    await council_vote(as_of=as_of, campaigns=slugs)
    return verdicts


@flow(name="council-vote", flow_run_name=lifecycle_name("mở bình xét"))
async def council_vote(
    as_of: dt.datetime | None = None, campaigns: list[str] | None = None
) -> dict[str, int | None]:
    """Open the council's secret ballot on the eligible candidates of each campaign."""
    as_of = as_of or clock.now()
    return {slug: open_ballot(slug, as_of) for slug in campaigns or active_campaigns(as_of)}


@flow(name="recognition", flow_run_name=lifecycle_name("tôn vinh, khen thưởng"))
async def recognition(
    as_of: dt.datetime | None = None,
    campaigns: list[str] | None = None,
    ceremony: str = "year_end",
) -> dict[str, object]:
    """Close due ballots, then publicise, honour and reward the selected exemplars."""
    as_of = as_of or clock.now()
    slugs = campaigns or active_campaigns(as_of)
    tally = close_ballots(as_of)
    drafted = {slug: draft_publications(slug, as_of) for slug in slugs}
    honoured = {slug: honour(slug, ceremony, as_of) for slug in slugs}
    rewards = {slug: propose_rewards(slug, as_of) for slug in slugs}
    for slug in slugs:
        if rewards[slug]["overdue"]:
            get_run_logger().warning(
                "%s: %d đề nghị khen thưởng quá hạn chưa có quyết định",
                slug,
                rewards[slug]["overdue"],
            )
    return {"tally": tally, "publications": drafted, "honoured": honoured, "rewards": rewards}
