"""An exemplar's path after discovery, as flows: each stage starts the next.

- eligibility-review (scheduled early December): the plan's checkable criteria on every
  candidate being fostered, then the council vote on those found eligible;
- recognition (scheduled after the ballot closes): close the ballot, then the publicise,
  honour and reward flows; honour also runs on its own for the ceremonies plans date
  (19/5, 11/6).

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
from tasks.partitions import partition_count, publicise_partitioned, review_partitioned


@flow(name="eligibility-review", flow_run_name=lifecycle_name("xét tiêu chuẩn"))
async def eligibility_review(
    as_of: dt.datetime | None = None, campaigns: list[str] | None = None
) -> dict[str, dict[str, int]]:
    """Judge every candidate against the plan's criteria, then put the eligible to the vote."""
    as_of = as_of or clock.now()
    slugs = campaigns or active_campaigns(as_of)
    count = partition_count()
    verdicts = {
        slug: review_eligibility(slug, as_of)
        if count == 1
        else await review_partitioned(slug, as_of, count)
        for slug in slugs
    }
    await council_vote(as_of=as_of, campaigns=slugs)
    return verdicts


@flow(name="council-vote", flow_run_name=lifecycle_name("mở bình xét"))
async def council_vote(
    as_of: dt.datetime | None = None, campaigns: list[str] | None = None
) -> dict[str, int | None]:
    """Open the council's secret ballot on the eligible candidates of each campaign."""
    as_of = as_of or clock.now()
    return {slug: open_ballot(slug, as_of) for slug in campaigns or active_campaigns(as_of)}


@flow(name="recognition", flow_run_name=lifecycle_name("kết thúc bình xét"))
async def recognition(
    as_of: dt.datetime | None = None,
    campaigns: list[str] | None = None,
    ceremony: str = "year_end",
) -> dict[str, object]:
    """Close due ballots, then publicise, honour and reward the selected exemplars."""
    as_of = as_of or clock.now()
    slugs = campaigns or active_campaigns(as_of)
    tally = close_ballots(as_of)
    drafted = await publicise(as_of=as_of, campaigns=slugs)
    honoured = await honour_exemplars(as_of=as_of, campaigns=slugs, ceremony=ceremony)
    rewards = await reward_exemplars(as_of=as_of, campaigns=slugs)
    return {"tally": tally, "publications": drafted, "honoured": honoured, "rewards": rewards}


@flow(name="publicise", flow_run_name=lifecycle_name("tuyên truyền"))
async def publicise(
    as_of: dt.datetime | None = None, campaigns: list[str] | None = None
) -> dict[str, int]:
    """Articles, press briefs and posts owed by the communication office (chased as obligations)."""
    as_of = as_of or clock.now()
    count = partition_count()
    return {
        slug: draft_publications(slug, as_of)
        if count == 1
        else await publicise_partitioned(slug, as_of, count)
        for slug in campaigns or active_campaigns(as_of)
    }


@flow(name="honour", flow_run_name=lifecycle_name("tôn vinh"))
async def honour_exemplars(
    as_of: dt.datetime | None = None,
    campaigns: list[str] | None = None,
    ceremony: str = "year_end",
) -> dict[str, int]:
    """A ceremony the plan names (year-end review, 19/5, 11/6, final review): honour list,
    invitations, and the exemplars honoured."""
    as_of = as_of or clock.now()
    return {slug: honour(slug, ceremony, as_of) for slug in campaigns or active_campaigns(as_of)}


@flow(name="reward", flow_run_name=lifecycle_name("khen thưởng"))
async def reward_exemplars(
    as_of: dt.datetime | None = None, campaigns: list[str] | None = None
) -> dict[str, dict[str, int]]:
    """Propose rewards for honoured exemplars; decisions awaited are chased by the sweep."""
    as_of = as_of or clock.now()
    rewards = {slug: propose_rewards(slug, as_of) for slug in campaigns or active_campaigns(as_of)}
    for slug, counts in rewards.items():
        if counts["overdue"]:
            get_run_logger().warning(
                "%s: %d đề nghị khen thưởng quá hạn chưa có quyết định", slug, counts["overdue"]
            )
    return rewards
