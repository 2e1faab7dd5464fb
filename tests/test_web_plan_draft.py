"""The coordinator's drafting page (issue 24): signed in only, the upload bounded, the draft
beside the text with the phrases found highlighted, and a corrected draft saved as a plan file
through models.services.plan_drafts."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests import test_web

# The small world and its signed-in coordinator, as tests/test_web.py builds them.
app, client, clock, coordinator = (
    test_web.app,
    test_web.client,
    test_web.clock,
    test_web.coordinator,
)
mailbox, small_template, staff, world = (
    test_web.mailbox,
    test_web.small_template,
    test_web.staff,
    test_web.world,
)
hidden = test_web.hidden

EXCERPT = (Path(__file__).parent / "data" / "plan_draft_excerpt.txt").read_bytes()


def _csrf(staff: TestClient) -> str:
    page = staff.get("/dieu-phoi/du-thao")
    assert page.status_code == 200
    assert "Lập bản nháp tệp kế hoạch" in page.text
    return hidden(page.text)["csrf"]


def test_a_visitor_not_signed_in_is_sent_to_the_login(client: TestClient) -> None:
    response = client.get("/dieu-phoi/du-thao", follow_redirects=False)
    assert response.status_code == 303
    files = {"document": ("kh.txt", EXCERPT, "text/plain")}
    response = client.post("/dieu-phoi/du-thao", files=files, follow_redirects=False)
    assert response.status_code == 303


def test_the_draft_stands_beside_the_text_and_saves_as_a_plan_file(
    staff: TestClient, data_dir: Path
) -> None:
    csrf = _csrf(staff)
    files = {"document": ("kh.txt", EXCERPT, "text/plain")}
    refused = staff.post("/dieu-phoi/du-thao", files=files, data={"csrf": "sai"})
    assert refused.status_code == 403
    page = staff.post("/dieu-phoi/du-thao", files=files, data={"csrf": csrf})
    assert page.status_code == 200, page.text
    assert '<mark title="Mục III.1">chậm nhất trong tháng 10 năm 2022</mark>' in page.text
    assert "phrase: chậm nhất trong tháng 10 năm 2022" in page.text
    start = page.text.index('<textarea name="yaml"')
    yaml_text = page.text[page.text.index(">", start) + 1 : page.text.index("</textarea>")]
    from html import unescape

    saved = staff.post("/dieu-phoi/du-thao/luu", data={"csrf": csrf, "yaml": unescape(yaml_text)})
    assert saved.status_code == 200, saved.text
    assert "Đã lưu tệp kế hoạch" in saved.text and "CAN-DIEN" in saved.text
    assert list((data_dir / "plan-drafts").glob("*.yaml"))
    broken = staff.post("/dieu-phoi/du-thao/luu", data={"csrf": csrf, "yaml": "format: 1\n"})
    assert broken.status_code == 400 and "chưa đúng định dạng" in broken.text


def test_a_document_without_text_is_refused_in_vietnamese(staff: TestClient) -> None:
    csrf = _csrf(staff)
    files = {"document": ("kh.txt", b"\xff\xfe\x00", "text/plain")}
    page = staff.post("/dieu-phoi/du-thao", files=files, data={"csrf": csrf})
    assert page.status_code == 400 and "UTF-8" in page.text
