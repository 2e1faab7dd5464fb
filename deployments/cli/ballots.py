"""`tdkt council create` and `tdkt ballot open | vote | opinion | close | minutes`: the vote.

`ballot vote` stands in for the members' web form: it says that the vote was recorded, never
what it was, and nothing it prints or logs links a member to a choice. `ballot opinion` is the
council secretary entering an absent member's written opinion with its document's reference;
the secretary reads the paper to type it, but nothing stored or printed keeps the choice.
`vote`, `opinion` and `close` seal and open the papers with the server's secret key
(TDKT_SECRET_KEY or the data directory's key file), the same key the web app uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from deployments.cli.common import Choice, actor, console
from models.clock import TIMEZONE, now
from models.source import InputError, InputErrors
from models.text import vn_date
from models.voting import ConflictCounting, VoteChoice, award_label, percent

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
    conflict_counting: Annotated[
        ConflictCounting,
        typer.Option(
            parser=Choice(ConflictCounting, "quy chế về xung đột lợi ích"),
            metavar="QUY_CHẾ",
            help="Quy chế về xung đột lợi ích: counted (vẫn tính trong tổng số thành viên) "
            "hoặc excluded (không tính thành viên đó khi xét ứng viên liên quan)",
        ),
    ] = ConflictCounting.COUNTED,
) -> None:
    """Lập Hội đồng từ các liên hệ 'Chủ tịch' và 'Thành viên Hội đồng TĐKT' của đơn vị."""
    from models.db import unit_of_work
    from models.services.ballots import council_from_directory, council_rule
    from models.services.lookup import require_unit

    with unit_of_work() as session, _clear_errors(code):
        unit = require_unit(session, unit_code)
        council = council_from_directory(
            session,
            unit,
            code=code,
            name=name,
            quorum=quorum,
            approval=approval,
            at=now(),
            actor=actor(),
            conflict_counting=conflict_counting,
        )
        rule = council_rule(council)
        members = [f"{m.name} ({m.role.label})" for m in council.members]
    console.print(f"[green]Đã lập[/] {name} ({code}), {len(members)} thành viên:")
    for member in members:
        console.print(f"  • {member}")
    console.print(f"Hợp lệ khi {rule.quorum_text}; bình chọn khi {rule.approval_text}.")
    console.print(f"Thành viên có xung đột lợi ích: {conflict_counting.label}.")


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
    """Mở phiếu kín cho các ứng viên (mặc định: mọi ứng viên đủ tiêu chuẩn và ứng viên của
    phiên họp bị hoãn)."""
    from models.db import unit_of_work
    from models.services.ballots import open_ballot
    from models.voting_basis import basis_named

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
        basis = basis_named(ballot.basis)
    number, count, members, approval = summary
    console.print(
        f"[green]Đã mở phiếu #{number}[/] ({award_label(award)}): {count} ứng viên, "
        f"{members} thành viên, hạn bỏ phiếu hết ngày {vn_date(closes.date())}; "
        f"bình chọn khi đạt từ {percent(approval)} tổng số thành viên trở lên."
    )
    if basis is not None:
        console.print(f"Căn cứ: {basis.citation}.")


def ballot_vote(
    ballot: BallotId,
    member_email: Annotated[str, typer.Argument(help="Email của thành viên Hội đồng")],
    approve: Ids = None,
    reject: Ids = None,
    conflict: Annotated[
        list[int] | None, typer.Option(help="Ứng viên có xung đột lợi ích (không biểu quyết)")
    ] = None,
    written: Annotated[
        bool, typer.Option("--written", help="Thành viên vắng mặt, gửi ý kiến bằng văn bản")
    ] = False,
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
            written=written,
        )
        name = member.name
    what = "ý kiến bằng văn bản" if written else "phiếu"
    console.print(
        f"[green]Đã ghi nhận {what} của {name}[/] "
        "(phiếu kín: nội dung phiếu không gắn với người bỏ phiếu)."
    )


def ballot_opinion(
    ballot: BallotId,
    member_email: Annotated[str, typer.Argument(help="Email của thành viên vắng mặt")],
    document: Annotated[str, typer.Option(help="Số, ký hiệu văn bản ghi ý kiến của thành viên")],
    choice: Annotated[
        list[str] | None,
        typer.Option(help="ID=approve|reject|abstain cho từng ứng viên; ghi nhiều lần"),
    ] = None,
    conflict: Annotated[
        list[int] | None, typer.Option(help="Ứng viên thành viên tự khai xung đột lợi ích")
    ] = None,
) -> None:
    """Thư ký Hội đồng nhập ý kiến bằng văn bản của thành viên vắng mặt (phiếu vẫn niêm phong)."""
    from models.db import unit_of_work
    from models.services.ballots import enter_written_opinion, paper_seal_from_env

    choices = _parse_choices(choice or [])
    with unit_of_work() as session, _clear_errors(f"phiếu #{ballot}"):
        found = _ballot(session, ballot)
        member = _member(session, found, member_email)
        enter_written_opinion(
            session,
            found,
            member,
            choices,
            set(conflict or []),
            document=document,
            at=now(),
            actor=actor(),
            seal=paper_seal_from_env(),
        )
        name = member.name
    console.print(
        f"[green]Đã nhập ý kiến bằng văn bản của {name}[/] (văn bản số {' '.join(document.split())}"
        "); phiếu được niêm phong như phiếu bầu, nội dung không được lưu kèm tên thành viên."
    )


def _parse_choices(given: list[str]) -> dict[int, str]:
    """'3=approve' → {3: 'approve'}; a malformed or repeated entry is one clear refusal."""
    allowed = {c.value for c in VoteChoice}
    choices: dict[int, str] = {}
    for entry in given:
        number, _, value = entry.partition("=")
        if not number.strip().isdigit() or value.strip() not in allowed:
            raise _missing(entry, f"ghi dạng ID=lựa chọn, lựa chọn là {', '.join(sorted(allowed))}")
        cid = int(number)
        if cid in choices:
            raise _missing(entry, "một ứng viên được ghi hai lần")
        choices[cid] = value.strip()
    return choices


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
    """The count as a table, with the rule and whether the quorum was met; a postponed session
    has no count, only who was present."""
    if result.postponed:
        console.print(
            f"[bold]Phiếu #{number}: hoãn phiên họp[/]: chỉ {result.present}/{result.members} "
            f"thành viên có mặt (cần {result.quorum_required}); không kiểm phiếu, không quyết "
            f"định. {len(result.candidates)} ứng viên giữ giai đoạn 'Đưa ra bình xét'; mở phiếu "
            "mới để bình xét lại."
        )
    else:
        _print_counts(result, names)
    console.print(f"In biên bản: tdkt ballot minutes {number} \\[--html]")


def _print_counts(result: TallyResult, names: dict[int, str]) -> None:
    """The count of a session that had its quorum."""
    rule = result.rule
    console.print(
        f"[bold]Kết quả[/]: {result.participated}/{result.members} thành viên "
        f"tham gia ({result.present} có mặt, {result.written} ý kiến bằng văn bản; cần "
        f"{result.quorum_required} có mặt: đạt); bình chọn khi {rule.approval_text} "
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
            verdict,
        )
    console.print(table)


def _campaign(session: Session, slug: str) -> Campaign:
    from models.services.lookup import require_campaign

    return require_campaign(session, slug)


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
    """The candidates named, or every candidate of the campaign awaiting a vote."""
    from models.orm import Candidate
    from models.services.ballots import awaiting_vote

    query = select(Candidate).where(Candidate.campaign_id == campaign.id).order_by(Candidate.id)
    if ids:
        found = list(session.scalars(query.where(Candidate.id.in_(ids))))
        unknown = sorted(set(ids) - {c.id for c in found})
        if unknown:
            listed = ", ".join(f"#{i}" for i in unknown)
            raise _missing(campaign.slug, f"kế hoạch không có ứng viên {listed}")
        return found
    return awaiting_vote(session, campaign)


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
