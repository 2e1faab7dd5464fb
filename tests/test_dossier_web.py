"""A unit's upload through its personal link joins a proposal's dossier as the piece it names
(the web intake, deployments/web/agency.py; models.services.dossier.join_sent_document)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from models.calendar import default_calendar
from models.db import unit_of_work
from models.dossier import BAO_CAO
from models.lifecycle import CandidateStage
from models.orm import Campaign, SubmittedDocument, Unit
from models.services import recognition as service
from models.services.candidates import move, register
from models.vocabulary import SubjectKind
from tests import test_web as web
from tests.chase_helpers import SMALL
from tests.test_web import World, open_form, upload
from tests.web_helpers import REMINDER_DAY, during, pdf_bytes

# The small world's fixtures (an agency's browser, its personal links), shared with test_web.
secret_key, small_template, mailbox, world, clock, app, client = (
    web.secret_key,
    web.small_template,
    web.mailbox,
    web.world,
    web.clock,
    web.app,
    web.client,
)


def _preparing(name: str) -> int:
    """A proposal still preparing, for a candidate Sở A registered in the small campaign."""
    with unit_of_work() as s:
        campaign = s.scalars(select(Campaign).where(Campaign.slug == SMALL)).one()
        unit = s.scalars(select(Unit).where(Unit.code == "T.A")).one()
        at = during(REMINDER_DAY)
        candidate = register(
            s,
            campaign,
            unit=unit,
            subject=SubjectKind.INDIVIDUAL,
            name=name,
            subject_ref=name,
            year=at.year,
            at=at,
            actor="test",
        )
        for stage in ("fostering", "eligible", "nominated", "selected"):
            move(s, candidate, CandidateStage(stage), at=at, actor="test")
        proposal = service.propose_reward(
            s,
            candidate,
            authority=s.scalars(select(Unit).where(Unit.code == "T")).one(),
            form="bang_khen",
            submitted_on=at.date(),
            calendar=default_calendar(),
            at=at,
            actor="test",
        )
        return proposal.id


def test_an_upload_through_the_link_joins_the_piece_it_names(
    client: TestClient, world: World
) -> None:
    proposal_id = _preparing("Đào Liên Kết")
    page = client.get(world.a).text
    value = f"{proposal_id}:{BAO_CAO}"
    assert re.search(rf'<option value="{value}">Báo cáo thành tích [^<]*Đào Liên Kết', page)
    assert f'value="{proposal_id}:to_trinh"' not in page  # generated, not the unit's to send
    assert value not in client.get(world.b).text  # Sở B did not register this nominee
    fields = {**open_form(client, world.a), "piece": value}
    response = upload(client, world.a, fields, data=pdf_bytes("Báo cáo thành tích"))
    assert response.status_code == 303, response.text
    with unit_of_work() as s:
        from models.orm.recognition import RewardProposal

        proposal = s.get_one(RewardProposal, proposal_id)
        (sent,) = s.scalars(select(SubmittedDocument)).all()
        item = next(i for i in proposal.dossier if i["code"] == BAO_CAO)
        assert item["received"] and item["file"]["document_id"] == sent.id
        assert item["file"]["sha256"] == sent.sha256
    assert value not in client.get(world.a).text  # sent: no longer offered


def test_a_piece_not_the_units_is_refused_and_nothing_is_kept(
    client: TestClient, world: World
) -> None:
    proposal_id = _preparing("Hồ Từ Chối")
    fields = {**open_form(client, world.b), "piece": f"{proposal_id}:{BAO_CAO}"}
    response = upload(client, world.b, fields)
    assert response.status_code == 400
    assert "không còn chờ đơn vị gửi" in response.text
    with unit_of_work() as s:
        assert s.scalars(select(SubmittedDocument)).all() == []
