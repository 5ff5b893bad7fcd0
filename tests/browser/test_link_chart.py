"""The identifier link chart in the browser: the chart is drawn above its table, at 390 px it keeps
to the page's width, the page passes axe and logs no console error (the page's CSP included)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import signed_in
from tests.browser.test_crawl import AXE_FILE, AXE_RUN, SERIOUS
from tests.evidence_support import evidence_group, register
from tests.identifiers.test_link_chart import record

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("width", [1366, 390])
def test_the_chart_draws_the_tables_links_within_the_page(cast, live_server, new_context, width):
    setting = evidence_group(cast)
    item = register(cast, setting).get_json()
    record(cast, setting, "by_head", case_id=setting["cases"]["BY"])
    record(cast, setting, "kz_member", evidence_id=item["id"])
    page = signed_in(new_context, live_server, cast.people["kz_member"])
    page.set_viewport_size({"width": width, "height": 800})
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server}/groups/{setting['gid']}/identifiers")
    page.get_by_role("link", name="Link chart").click()
    expect(page.get_by_role("heading", level=1, name="Link chart")).to_be_visible()
    chart = page.get_by_role("img", name="Chart of the identifiers and the records they link")
    expect(chart).to_be_visible()
    expect(chart.locator("canvas").first).to_be_attached()
    expect(page.get_by_role("table").get_by_role("link", name="+375291234567")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.evaluate(AXE_FILE.read_text())
    serious = [rule for rule in page.evaluate(AXE_RUN) if rule["impact"] in SERIOUS]
    assert serious == []
    assert errors == []
