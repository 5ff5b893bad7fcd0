"""Issue 8's "done when", in the browser: on the demo data, the Belarusian legal officer sees the
dashboard flag the seeded violation (a group active past its term, AGR-TERM), follows the link to
the group, and the statistics page shows the story's figures for January–October 2025: Kazakhstan
982 requests, 11%, rank 2 after Russia."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from jit import demo

pytestmark = pytest.mark.browser


def test_the_legal_officer_finds_the_violation_and_the_982(app, live_server, new_context):
    with app.app_context():
        demo.load_demo()
    page = new_context(locale="en-GB").new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("o.kovalenko")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").or_(page.get_by_role("button", name="Sign in")).click()
    page.get_by_role("button", name="English").click()  # her account speaks Russian
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="Legal work").click()
    groups = page.locator("#compliance-groups tbody tr")
    expect(groups.first).to_contain_text("ССОГ по делу о хищении криптовалюты")
    expect(groups.first).to_contain_text("AGR-TERM")
    violation = page.get_by_role("row", name=re.compile("AGR-TERM")).filter(has_text="violation").first
    expect(violation).to_contain_text("the group is still active")
    violation.get_by_role("link", name=re.compile(r"^group JIG-\d{4}-\d{3}$")).click()  # by its code, not a number
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "ССОГ по делу о хищении криптовалюты через поддельные биржи")
    expect(page.locator("#compliance-badges")).to_contain_text("1 violations")

    page.get_by_role("link", name="Legal work").click()
    page.get_by_role("link", name="Statistics").click()
    page.get_by_label("Direction", exact=True).select_option("outgoing")
    page.get_by_label("Sent from").fill("2025-01-01")
    page.get_by_label("Sent until").fill("2025-10-31")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#stats-total")).to_have_text("8900")
    kazakhstan = page.get_by_role("row", name=re.compile("Republic of Kazakhstan"))
    expect(kazakhstan.locator("td")).to_have_text(["2", "982", "11%", re.compile(r"\d+"), "52", "exists"])
    russia = page.get_by_role("row", name=re.compile("Russian Federation"))
    expect(russia.locator("td").first).to_have_text("1")
    expect(page.get_by_role("img", name="Requests by partner party")).to_be_visible()
