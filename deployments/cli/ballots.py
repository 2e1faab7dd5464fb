"""`tdkt council create` and `tdkt ballot open | vote | close | minutes`: the council vote.

`ballot vote` stands in for the members' web form: it says that the vote was recorded, never
what it was, and nothing it prints or logs links a member to a choice. `vote` and `close` seal
and open the papers with the server's secret key (TDKT_SECRET_KEY or the data directory's key
file), the same key the web app uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from deployments.cli.common import actor, console
from models.clock import TIMEZONE, now
from models.source import InputError, InputErrors
from models.text import vn_date
from models.voting import award_label, percent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.orm import Campaign, Candidate, Contact
    from models.orm.ballots import Ballot, Council
    from models.voting import TallyResult

BallotId = Annotated[int, typer.Argument(help="Số phiếu (in ra khi mở phiếu)")]
Ids = Annotated[list[int] | None, typer.Option(help="Số (id) ứng viên; ghi nhiều lần")]


@contextmanager
def _clear_errors(source: str) -> Iterator[None]:
    """The process's refusals become input errors: one clear line, exit code 2, no traceback."""
    from models.lifecycle import IllegalStageTransition
    from models.services.ballots import BallotError

    try:
        yield
    except (BallotError, IllegalStageTransition) as exc:
        raise InputErrors([InputError(source, None, "", str(exc))]) from None


def _missing(source: str, message: str) -> InputErrors:
    return InputErrors([InputError(source, None, "", message)])


def council_create(
    code: Annotated[str, typer.Argument(help="Mã Hội đồng, ví dụ HD-TDKT-QB")],
    name: Annotated[str, typer.Argument(help="Tên Hội đồng")],
    unit_code: Annotated[str, typer.Argument(help="Mã đơn vị có Hội đồng, ví dụ QB")],
    quorum: Annotated[float, typer.Option(help="Tỷ lệ thành viên phải tham gia")] = 2 / 3,
    approval: Annotated[float, typer.Option(help="Tỷ lệ đồng ý trên tổng số thành viên")] = 0.70,
) -> None:
    """Lập Hội đồng từ các liên hệ 'Chủ tịch' và 'Thành viên Hội đồng TĐKT' của đơn vị."""
    from models.db import unit_of_work
    from models.orm import Unit
    from models.services.ballots import council_from_directory, council_rule

    with unit_of_work() as session, _clear_errors(code):
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise _missing(unit_code, "không có đơn vị này trong danh bạ")
        council = council_from_directory(
            session,
            unit,
            code=code,
            name=name,
            quorum=quorum,
            approval=approval,
            at=now(),
            actor=actor(),
        )
        rule = council_rule(council)
        members = [f"{m.name} ({m.role.label})" for m in council.members]
    console.print(f"[green]Đã lập[/] {name} ({code}), {len(members)} thành viên:")
    for member in members:
        console.print(f"  • {member}")
    console.print(f"Hợp lệ khi {rule.quorum_text}; bình chọn khi {rule.approval_text}.")


def ballot_open(
    campaign: Annotated[str, typer.Argument(help="Id kế hoạch, ví dụ quang-binh-2021-2025")],
    council: Annotated[str, typer.Argument(help="Mã Hội đồng")],
    title: Annotated[str, typer.Option(help="Tên đợt bình xét")],
    award: Annotated[str, typer.Option(help="Danh hiệu, ví dụ giay-khen, bang-khen")],
    closes: Annotated[
        dt.datetime,
        typer.Option(formats=["%Y-%m-%d", "%d/%m/%Y"], help="Hạn bỏ phiếu (hết ngày này)"),
    ],
    candidates: Ids = None,
) -> None:
    """Mở phiếu kín cho các ứng viên đủ tiêu chuẩn (mặc định: mọi ứng viên đủ tiêu chuẩn)."""
    from models.db import unit_of_work
    from models.services.ballots import open_ballot

    closes_at = dt.datetime.combine(closes.date(), dt.time(23, 59, 59), TIMEZONE)
    with unit_of_work() as session, _clear_errors(f"{campaign}/{council}"):
        found_campaign, found_council = _campaign(session, campaign), _council(session, council)
        chosen = _candidates(session, found_campaign, candidates)
        ballot = open_ballot(
            session,
            found_council,
            found_campaign,
            chosen,
            title=title,
            award=award,
            closes_at=closes_at,
            at=now(),
            actor=actor(),
        )
        summary = (ballot.id, len(chosen), len(found_council.members), ballot.approval)
    number, count, members, approval = summary
    console.print(
        f"[green]Đã mở phiếu #{number}[/] ({award_label(award)}): {count} ứng viên, "
        f"{members} thành viên, hạn bỏ phiếu hết ngày {vn_date(closes.date())}; "
        f"bình chọn khi đạt từ {percent(approval)} tổng số thành viên trở lên."
    )


def ballot_vote(
    ballot: BallotId,
    member_email: Annotated[str, typer.Argument(help="Email của thành viên Hội đồng")],
    approve: Ids = None,
    reject: Ids = None,
    conflict: Annotated[
        list[int] | None, typer.Option(help="Ứng viên có xung đột lợi ích (không biểu quyết)")
    ] = None,
) -> None:
    """Ghi phiếu của một thành viên (thay biểu mẫu web); ứng viên không ghi: không biểu quyết."""
    from models.db import unit_of_work
    from models.services.ballots import cast_vote, paper_seal_from_env

    choices = {cid: "approve" for cid in approve or []}
    for cid in reject or []:
        if cid in choices:
            raise _missing(str(cid), "một ứng viên không thể vừa đồng ý vừa không đồng ý")
        choices[cid] = "reject"
    with unit_of_work() as session, _clear_errors(f"phiếu #{ballot}"):
        found = _ballot(session, ballot)
        member = _member(session, found, member_email)
        cast_vote(
            session,
            found,
            member,
            choices,
            set(conflict or []),
            at=now(),
            seal=paper_seal_from_env(),
        )
        name = member.name
    console.print(
        f"[green]Đã ghi nhận phiếu của {name}[/] "
        "(phiếu kín: nội dung phiếu không gắn với người bỏ phiếu)."
    )


def ballot_close(ballot: BallotId) -> None:
    """Kết thúc bỏ phiếu, kiểm phiếu, chuyển giai đoạn ứng viên và lập biên bản."""
    from models.db import unit_of_work
    from models.services.ballots import close_ballot, paper_seal_from_env

    with unit_of_work() as session, _clear_errors(f"phiếu #{ballot}"):
        found = _ballot(session, ballot)
        seal = paper_seal_from_env()
        result = close_ballot(session, found, at=now(), actor=actor(), seal=seal)
        names = {c.id: c.name for c in found.candidates}
    print_tally(ballot, result, names)


def ballot_minutes(
    ballot: BallotId,
    html: Annotated[bool, typer.Option("--html", help="In biên bản dạng HTML")] = False,
) -> None:
    """In biên bản bình xét của một phiếu đã kết thúc."""
    from models.db import unit_of_work
    from models.services.ballots import render_minutes

    with unit_of_work() as session, _clear_errors(f"phiếu #{ballot}"):
        found = _ballot(session, ballot)
        text = render_minutes(session, found, html=True) if html else found.minutes
        if text is None:
            text = render_minutes(session, found)
    print(text, end="")


def print_tally(number: int, result: TallyResult, names: dict[int, str]) -> None:
    """The count as a table, with the rule and whether the quorum was met."""
    rule = result.rule
    quorum = "đạt" if result.quorum_met else "[red]không đạt, không xét[/]"
    console.print(
        f"[bold]Kết quả phiếu #{number}[/]: {result.participated}/{result.members} thành viên "
        f"tham gia (cần {result.quorum_required}: {quorum}); bình chọn khi {rule.approval_text} "
        f"(tối thiểu {result.approval_required} phiếu đồng ý)."
    )
    table = Table(title_justify="left")
    for column in ("Số", "Ứng viên", "Đồng ý", "Không đồng ý", "Không biểu quyết", "Tỷ lệ"):
        table.add_column(column, justify="right" if column != "Ứng viên" else "left")
    table.add_column("Kết quả")
    for row in result.candidates:
        verdict = "[green]Đạt[/]" if row.selected else "Không đạt"
        table.add_row(
            str(row.candidate_id),
            names.get(row.candidate_id, ""),
            str(row.approve),
            str(row.reject),
            str(row.abstain),
            percent(row.ratio_of_all_members),
            verdict if result.quorum_met else "Không xét",
        )
    console.print(table)
    console.print(f"In biên bản: tdkt ballot minutes {number} \\[--html]")


def _campaign(session: Session, slug: str) -> Campaign:
    from models.orm import Campaign

    found = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if found is None:
        raise _missing(slug, "không có kế hoạch đã nạp nào mang id này")
    return found


def _council(session: Session, code: str) -> Council:
    from models.orm.ballots import Council

    found = session.scalar(select(Council).where(Council.code == code))
    if found is None:
        raise _missing(code, "không có Hội đồng mang mã này (lập bằng tdkt council create)")
    return found


def _ballot(session: Session, number: int) -> Ballot:
    from models.orm.ballots import Ballot

    found = session.get(Ballot, number)
    if found is None:
        raise _missing(f"phiếu #{number}", "không có phiếu này")
    return found


def _candidates(session: Session, campaign: Campaign, ids: list[int] | None) -> list[Candidate]:
    """The candidates named, or every eligible candidate of the campaign."""
    from models.lifecycle import CandidateStage
    from models.orm import Candidate

    query = select(Candidate).where(Candidate.campaign_id == campaign.id).order_by(Candidate.id)
    if ids:
        found = list(session.scalars(query.where(Candidate.id.in_(ids))))
        unknown = sorted(set(ids) - {c.id for c in found})
        if unknown:
            listed = ", ".join(f"#{i}" for i in unknown)
            raise _missing(campaign.slug, f"kế hoạch không có ứng viên {listed}")
        return found
    return list(session.scalars(query.where(Candidate.stage == CandidateStage.ELIGIBLE)))


def _member(session: Session, ballot: Ballot, email: str) -> Contact:
    """The contact on the ballot's roll with this email (a person may have several roles)."""
    from models.orm import Contact
    from models.orm.ballots import BallotParticipation

    found = session.scalar(
        select(Contact)
        .join(BallotParticipation, BallotParticipation.contact_id == Contact.id)
        .where(BallotParticipation.ballot_id == ballot.id, Contact.email == email.lower())
    )
    if found is None:
        raise _missing(email, f"không phải thành viên Hội đồng bỏ phiếu #{ballot.id}")
    return found
