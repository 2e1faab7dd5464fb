"""The coordinator's campaign page in headless Chromium (issue 22): the standing body in the
header, counts on the tabs, a filter by unit, a sorted column, days overdue, and the Excel
export downloaded by the browser and read back. Its screenshot goes to
test-artifacts/screenshots/15-coordinator-filtered.png."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest

from notifications.mailbox import LocalMailbox
from tests import test_browser as browser
from tests.browser_helpers import LiveServer, shot
from tests.web_helpers import REMINDER_DAY, SMALL, load_world

try:
    from playwright.sync_api import Page, expect
except ImportError:  # pragma: no cover - playwright is a dev dependency
    pytest.skip("playwright is not installed", allow_module_level=True)

pytestmark = pytest.mark.browser

chromium, clock, live, mailbox, new_page, page = (
    browser.chromium,
    browser.clock,
    browser.live,
    browser.mailbox,
    browser.new_page,
    browser.page,
)

LATE_DAY = dt.date(2023, 3, 7)  # the report was due 28/02/2023: 5 working days late


def test_a_coordinator_filters_sorts_and_exports_the_overdue(
    page: Page, live: LiveServer, mailbox: LocalMailbox
) -> None:
    load_world()
    browser.add_the_coordinator()
    browser.sweep_days(mailbox, REMINDER_DAY, LATE_DAY)
    live.clock.set(LATE_DAY)
    page.goto("/dieu-phoi/dang-nhap")
    username, _, password = browser.COORDINATOR
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header")).to_contain_text("Sở Nội vụ tỉnh Thử")
    expect(page.locator("header")).not_to_contain_text("tdkt-flow")

    page.goto(f"/dieu-phoi/ke-hoach/{SMALL}?trang_thai=overdue")
    expect(page.locator("#tabs a[data-status=overdue]")).to_have_text("Quá hạn (2)")
    page.select_option("select[name=don_vi]", "T.B")
    page.locator("#filters button").click()
    expect(page).to_have_url(re.compile(r"don_vi=T.B"))
    expect(page.locator("#tabs a[data-status=overdue]")).to_have_text("Quá hạn (1)")
    page.locator("th a[data-sort=qua-han]").click()
    expect(page).to_have_url(re.compile(r"sap_xep=-qua-han"))
    rows = page.locator("#obligations tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sở B")
    expect(rows.first.locator("td.days-overdue")).to_have_text("5")
    shot(page, "15-coordinator-filtered")

    with page.expect_download() as download:
        page.locator("#export").click()
    assert download.value.suggested_filename == f"{SMALL}-nghia-vu-07032023.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    ws = book.active
    assert ws is not None
    header, *lines = list(ws.iter_rows(values_only=True))
    assert header[0] == "Đơn vị" and header[6] == "Số ngày làm việc quá hạn"
    assert [(line[1], line[5], line[6]) for line in lines] == [("T.B", "Quá hạn", 5)]
