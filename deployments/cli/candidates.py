"""`tdkt register | mentor | assess | candidates`: discovering and fostering exemplars."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from deployments.cli.common import Choice, actor, choices_help, console
from models.clock import now
from models.source import InputError, InputErrors
from models.vocabulary import SubjectKind

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.orm import Campaign, Candidate

CampaignArg = Annotated[str, typer.Argument(help="Id của kế hoạch")]
SUBJECT = Choice(SubjectKind, "loại điển hình")
CandidateArg = Annotated[int, typer.Argument(help="Số của nhân tố (xem tdkt candidates)")]


def _campaign(session: Session, slug: str) -> Campaign:
    from models.services.lookup import require_campaign

    return require_campaign(session, slug)


def _candidate(session: Session, number: int) -> Candidate:
    from models.services.lookup import require_candidate

    return require_candidate(session, number)


def register(
    campaign: CampaignArg,
    unit: Annotated[str, typer.Option(help="Mã đơn vị đăng ký")],
    subject: Annotated[
        SubjectKind,
        typer.Option(parser=SUBJECT, metavar="LOẠI", help=choices_help("Loại điển hình", SUBJECT)),
    ],
    name: Annotated[str, typer.Option(help="Tên tập thể, cá nhân, hộ gia đình")],
    year: Annotated[int, typer.Option(help="Năm đăng ký")],
    field: Annotated[str | None, typer.Option(help="Mã lĩnh vực của kế hoạch")] = None,
    ref: Annotated[str | None, typer.Option(help="Mã hồ sơ (mặc định: tên)")] = None,
    party_member: Annotated[bool, typer.Option(help="Là đảng viên")] = False,
) -> None:
    """Đăng ký xây dựng điển hình cho một lĩnh vực của kế hoạch."""
    from models.db import unit_of_work
    from models.services.candidates import RegistrationError
    from models.services.candidates import register as register_candidate
    from models.services.lookup import require_unit

    with unit_of_work() as session:
        by = require_unit(session, unit)
        try:
            candidate = register_candidate(
                session,
                _campaign(session, campaign),
                unit=by,
                subject=subject,
                name=name,
                subject_ref=ref or name,
                year=year,
                field_code=field,
                party_member=party_member,
                at=now(),
                actor=actor(),
            )
        except RegistrationError as exc:
            raise InputErrors([InputError(campaign, None, "", str(exc))]) from None
        number = candidate.id
    console.print(f"[green]Đã đăng ký[/] nhân tố số {number}: {name}.")


def mentor(
    candidate: CandidateArg,
    email: Annotated[str, typer.Option(help="Email của người theo dõi, bồi dưỡng")],
) -> None:
    """Phân công người theo dõi, bồi dưỡng; từ đây đến hạn đánh giá định kỳ."""
    from models.db import unit_of_work
    from models.orm import Contact
    from models.services.candidates import assign_mentor

    with unit_of_work() as session:
        contact = session.scalars(select(Contact).where(Contact.email == email.lower())).first()
        if contact is None:
            raise InputErrors([InputError(email, None, "--email", "không có liên hệ này")])
        found = _candidate(session, candidate)
        assign_mentor(session, found, contact, at=now(), actor=actor())
        name = found.name
    console.print(f"Đã phân công {contact.name} bồi dưỡng '{name}'.")


def assess(
    candidate: CandidateArg,
    period: Annotated[str, typer.Option(help="Kỳ: 2024, 2024-Q1, 2024-03")],
    progress: Annotated[str, typer.Option(help="Tiến độ, kết quả")],
    difficulties: Annotated[str | None, typer.Option(help="Khó khăn")] = None,
    support: Annotated[str | None, typer.Option(help="Hỗ trợ đã thực hiện")] = None,
) -> None:
    """Ghi đánh giá định kỳ của người bồi dưỡng (hoàn thành nghĩa vụ đánh giá kỳ đó)."""
    from models.db import unit_of_work
    from models.services.candidates import record_assessment

    with unit_of_work() as session:
        record_assessment(
            session,
            _candidate(session, candidate),
            period=period,
            progress=progress,
            difficulties=difficulties,
            support=support,
            at=now(),
            actor=actor(),
        )
    console.print(f"Đã ghi đánh giá kỳ {period}.")


def candidates(campaign: CampaignArg) -> None:
    """Liệt kê nhân tố, điển hình của kế hoạch và giai đoạn của từng nhân tố."""
    from models.db import unit_of_work
    from models.orm import Candidate

    with unit_of_work() as session:
        rows = session.scalars(
            select(Candidate)
            .where(Candidate.campaign_id == _campaign(session, campaign).id)
            .order_by(Candidate.id)
        ).all()
        table = Table(title=f"Nhân tố, điển hình — {campaign}", title_justify="left")
        for column in ("Số", "Tên", "Đối tượng", "Lĩnh vực", "Đơn vị đăng ký", "Năm", "Giai đoạn"):
            table.add_column(column)
        for c in rows:
            table.add_row(
                str(c.id),
                c.name,
                c.subject.label,
                c.field.code if c.field else "—",
                c.registered_by.code,
                str(c.year),
                c.stage.label,
            )
    console.print(table if rows else "Chưa có nhân tố nào.")
