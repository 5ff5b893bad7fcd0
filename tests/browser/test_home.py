"""Issue 16, item 1, in the browser: the group head's home lists his group's overdue instruction and
his other group past its term, and each number leads to the list that shows what it counted."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import signed_in
from tests.home_support import LATE_BY, late_world

pytestmark = pytest.mark.browser


def test_the_group_heads_home_lists_the_overdue_instruction_and_the_group_past_its_term(
        cast, clock, live_server, new_context):
    world = late_world(cast, clock)
    head = signed_in(new_context, live_server, cast.people["creator"])
    expect(head.get_by_role("link", name="Home", exact=True)).to_have_attribute("aria-current", "page")
    expect(head.locator("[data-glance]")).to_have_count(2)
    lapsed = head.locator(f'[data-glance="{world.lapsed}"]')
    expect(lapsed).to_contain_text(f"past term by {LATE_BY} days")
    running = head.locator(f'[data-glance="{world.gid}"]')
    overdue = running.locator('[data-overdue="group"]')
    expect(overdue).to_contain_text("1 instruction")
    expect(overdue).to_contain_text("2 tasks")

    overdue.get_by_role("link", name="1 instruction").click()
    expect(head).to_have_url(re.compile(rf"/groups/{world.gid}/instructions\?overdue=1$"))
    expect(head.get_by_label("Overdue only")).to_be_checked()
    rows = head.get_by_role("table").get_by_role("rowheader")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_text("Допрос")
    expect(head.get_by_role("link", name="Instructions", exact=True)).to_have_attribute("aria-current", "page")

    head.go_back()
    overdue.get_by_role("link", name="2 tasks").click()
    expect(head).to_have_url(re.compile(rf"/groups/{world.gid}/tasks\?overdue=1$"))
    expect(head.locator("article.board-card")).to_have_count(2)
    expect(head.locator(f"#task-{world.team_task}")).to_be_visible()
    expect(head.locator(f"#task-{world.head_task}")).to_be_visible()

    head.go_back()
    violations = lapsed.locator('[data-link="findings-violation"]')
    counted = int(violations.locator(".badge").inner_text())
    assert counted >= 1
    violations.click()
    expect(head).to_have_url(re.compile(rf"/groups/{world.lapsed}/compliance\?severity=violation$"))
    findings = head.get_by_role("table").get_by_role("row").filter(has=head.locator("code"))
    expect(findings).to_have_count(counted)
    expect(findings.filter(has_text="AGR-TERM")).to_have_count(1)
