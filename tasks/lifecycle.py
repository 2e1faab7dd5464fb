"""The lifecycle's units of work, one batch per campaign: judge, vote, publicise, honour, reward."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import TypeVar

from prefect import task
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from flows.naming import graph_name
from models.authorities import default_authorities, usual_form
from models.calendar import default_calendar
from models.clock import TIMEZONE
from models.correspondence import council_name
from models.db import unit_of_work
from models.lifecycle import CandidateStage
from models.orm import Ballot, Campaign, Candidate, Council, Publication, RewardProposal
from models.partitions import WHOLE, Partition
from models.recognition import CeremonyKind
from models.services import ballots, recognition
from models.services.ballot_invitations import invite_members
from models.services.dossier_documents import proposal_number
from models.services.eligibility import check_candidates
from models.services.locking import CANDIDATE_LOCKS, lock_campaign, lock_shards
from models.services.partitions import in_id_partition
from models.services.plans import campaign_by_slug
from models.services.process_obligations import open_process_obligations
from models.services.rows import loaded

ACTOR = "hệ thống: vòng đời điển hình"
BALLOT_WORKING_DAYS = 10
PUBLICATION_WORKING_DAYS = 15
T = TypeVar("T")


def _with_campaign(slug: str, work: Callable[[Session, Campaign], T]) -> T:
    """work in one transaction holding the campaign: two workers never judge, draft, honour or
    propose for the same campaign at once (the second waits, then finds the work done)."""
    with unit_of_work() as session:
        campaign = campaign_by_slug(session, slug)
        lock_campaign(session, campaign.id)
        return work(session, campaign)


@task(
    name="review-eligibility",
    task_run_name=graph_name("xét tiêu chuẩn {campaign} {as_of:%d/%m/%Y}"),
)
def review_eligibility(campaign: str, as_of: dt.datetime) -> dict[str, int]:
    """Run the plan's checkable criteria on every candidate being fostered (one batch)."""

    def work(session: Session, row: Campaign) -> dict[str, int]:
        return judge(session, row, as_of, WHOLE)

    return _with_campaign(campaign, work)


def judge(
    session: Session,
    row: Campaign,
    as_of: dt.datetime,
    part: Partition,
    leaders: bool | None = None,
) -> dict[str, int]:
    """Judge the candidates of one partition (by id; `leaders`: only those who lead a unit,
    or only those who do not: models.services.eligibility.check_candidates), holding their
    buckets so a partitioned and a whole review never judge one candidate at once; how many
    were found eligible and ineligible."""
    lock_shards(session, row.id, part.shards, space=CANDIDATE_LOCKS)
    if as_of.year <= row.period_start:
        return {}
    results = check_candidates(
        session,
        row,
        as_of_year=as_of.year,
        at=as_of,
        actor=ACTOR,
        partition=part,
        leaders=leaders,
    )
    return dict(Counter("eligible" if e.eligible else "ineligible" for _, e in results))


def council_of(session: Session, campaign: Campaign) -> Council | None:
    """The campaign issuer's emulation council, built from the directory on first use."""
    code = f"{campaign.issuer.code}.HDTDKT"
    council = session.scalar(select(Council).where(Council.code == code))
    if council is None:
        try:
            council = ballots.council_from_directory(
                session,
                campaign.issuer,
                code=code,
                name=council_name(campaign.issuer.name),
                at=campaign.loaded_at,
                actor=ACTOR,
            )
        except ballots.BallotError:
            return None
    return council


@task(name="open-ballot", task_run_name=graph_name("mở bình xét {campaign} {as_of:%d/%m/%Y}"))
def open_ballot(campaign: str, as_of: dt.datetime) -> int | None:
    """Put every eligible candidate to the council's secret vote, with a deadline."""

    def work(session: Session, row: Campaign) -> int | None:
        eligible = list(
            session.scalars(
                select(Candidate)
                .where(
                    Candidate.campaign_id == row.id,
                    Candidate.stage == CandidateStage.ELIGIBLE,
                    Candidate.stage_changed_at <= as_of,  # as things stood (replays rerun the past)
                )
                .order_by(Candidate.id)  # rows come out in any order on PostgreSQL
            )
        )
        council = council_of(session, row)
        if not eligible or council is None:
            return None
        closes = default_calendar().add_working_days(as_of.date(), BALLOT_WORKING_DAYS)
        ballot = ballots.open_ballot(
            session,
            council,
            row,
            eligible,
            title=f"Bình xét điển hình tiên tiến năm {as_of.year}",
            award="dien-hinh-tien-tien",
            at=as_of,
            actor=ACTOR,
            closes_at=dt.datetime.combine(closes, dt.time(17, 0), TIMEZONE),
        )
        # Each member's vote is owed from now, and each is invited with its link (the next
        # sweep sends the invitations).
        open_process_obligations(session, row, default_calendar(), at=as_of)
        invite_members(session, row, at=as_of)
        return ballot.id

    return _with_campaign(campaign, work)


@task(name="close-ballots", task_run_name=graph_name("kết thúc bình xét {as_of:%d/%m/%Y}"))
def close_ballots(as_of: dt.datetime) -> dict[str, int]:
    """Close every ballot past its deadline; the tally moves candidates on."""
    selected = rejected = 0
    seal = ballots.paper_seal_from_env()
    with unit_of_work() as session:
        # A ballot another worker is closing is left to it (SKIP LOCKED on PostgreSQL).
        for ballot in session.scalars(
            select(Ballot)
            .where(Ballot.status == "open", Ballot.closes_at <= as_of)
            .order_by(Ballot.id)
            .with_for_update(skip_locked=True)
        ):
            result = ballots.close_ballot(session, ballot, at=as_of, actor=ACTOR, seal=seal)
            selected += len(result.selected_ids)
            rejected += len(result.candidates) - len(result.selected_ids)
    return {"selected": selected, "not_selected": rejected}


@task(
    name="draft-publications", task_run_name=graph_name("tuyên truyền {campaign} {as_of:%d/%m/%Y}")
)
def draft_publications(campaign: str, as_of: dt.datetime) -> int:
    """Articles, press briefs and posts owed for every newly selected exemplar."""

    def work(session: Session, row: Campaign) -> int:
        return draft_selected(session, row, as_of, WHOLE)

    return _with_campaign(campaign, work)


def draft_selected(session: Session, row: Campaign, as_of: dt.datetime, part: Partition) -> int:
    """Draft the publications owed for the newly selected exemplars of one partition of the
    candidates (by id: each exemplar's texts are its own), holding those candidates' buckets
    so a partitioned and a whole publicise never draft one exemplar's texts twice."""
    lock_shards(session, row.id, part.shards, space=CANDIDATE_LOCKS)
    due = default_calendar().add_working_days(as_of.date(), PUBLICATION_WORKING_DAYS)
    drafted = exists().where(Publication.candidate_id == Candidate.id)
    selected = session.scalars(
        select(Candidate)
        .where(
            Candidate.campaign_id == row.id,
            Candidate.stage == CandidateStage.SELECTED,
            Candidate.stage_changed_at <= as_of,
            ~drafted,
            in_id_partition(Candidate.id, part),
        )
        .options(selectinload(Candidate.registered_by), selectinload(Candidate.field))
        .order_by(Candidate.id)  # the same ids for the same drafts on either backend
    ).all()
    publications = recognition.draft_all_publications(
        session, selected, responsible_unit=row.standing_body, due_on=due, at=as_of, actor=ACTOR
    )
    return len(publications)


@task(name="honour", task_run_name=graph_name("tôn vinh {campaign} {kind} {as_of:%d/%m/%Y}"))
def honour(campaign: str, kind: str, as_of: dt.datetime) -> int:
    """Compile the ceremony's honour list, invite, and honour those on it."""

    def work(session: Session, row: Campaign) -> int:
        ceremony = recognition.compile_honour_list(
            session, row, kind=CeremonyKind(kind), held_on=as_of.date(), at=as_of, actor=ACTOR
        )
        # each one's giấy mời went out; the candidates read in one query, not one an entry
        entries = ceremony.entries
        on_list = {c.id: c for c in loaded(session, Candidate, (e.candidate_id for e in entries))}
        invited = [on_list[e.candidate_id] for e in entries]
        recognition.mark_invited(session, ceremony, invited, at=as_of, actor=ACTOR)
        return len(recognition.hold_ceremony(session, ceremony, at=as_of, actor=ACTOR))

    return _with_campaign(campaign, work)


@task(
    name="propose-rewards",
    task_run_name=graph_name("đề nghị khen thưởng {campaign} {as_of:%d/%m/%Y}"),
)
def propose_rewards(campaign: str, as_of: dt.datetime) -> dict[str, int]:
    """Propose the usual form its issuer may decide (models.authorities.usual_form: a Sở's
    Giấy khen, the province's Bằng khen) for every honoured exemplar; flag late decisions."""

    def work(session: Session, row: Campaign) -> dict[str, int]:
        calendar = default_calendar()
        proposed = exists().where(RewardProposal.candidate_id == Candidate.id)
        honoured = session.scalars(
            select(Candidate)
            .where(
                Candidate.campaign_id == row.id,
                Candidate.stage.in_([CandidateStage.HONOURED, CandidateStage.PUBLICISED]),
                Candidate.stage_changed_at <= as_of,  # as things stood then, in a replay too
                ~proposed,
            )
            .order_by(Candidate.id)
        ).all()
        form = usual_form(default_authorities(), row.issuer.kind, row.issuer.code, as_of.date())
        if honoured:  # a day's proposals are one tờ trình, numbered in the body's register
            recognition.propose_rewards(
                session,
                honoured,
                authority=row.issuer,
                form=form,
                submitted_on=as_of.date(),
                calendar=calendar,
                at=as_of,
                actor=ACTOR,
                number=proposal_number(
                    session,
                    row.standing_body,
                    issued_on=as_of.date(),
                    subject=f"Đề nghị tặng {form.label} cho {len(honoured)} tập thể, cá nhân",
                    key=f"to-trinh:{row.slug}:{as_of.date().isoformat()}",
                    at=as_of,
                    actor=ACTOR,
                ),
            )
        late = recognition.overdue_proposals(
            session, today=as_of.date(), calendar=calendar, at=as_of, actor=ACTOR
        )
        return {"proposed": len(honoured), "overdue": len(late)}

    return _with_campaign(campaign, work)
