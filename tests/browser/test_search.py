"""Issue 18's "done when", in the browser: the Belarusian member types «выемк» in the header's box and
finds the instruction, the task and the evidence item about the seizure, but not the Kazakh team
channel's message with the same word, which the Kazakh member finds; the register's search finds a
request by a person's surname in another case ending."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.support import signed_in
from tests.channels_support import channels_of, post
from tests.evidence_support import evidence_group, register
from tests.groups_support import TODAY
from tests.web.test_legal_request_pages import registered

pytestmark = pytest.mark.browser

TEAM_MESSAGE = "Выемка в Алматы завершена, протокол у нас"


def _seizure(cast) -> None:
    setting = evidence_group(cast)
    gid, teams = setting["gid"], setting["teams"]
    instruction = cast.api.post(f"/api/v1/groups/{gid}/instructions", headers=cast.headers["by_head"], json={
        "from_team_id": teams["BY"], "to_team_id": teams["KZ"], "case_id": setting["cases"]["BY"],
        "subject": "Выемка документов в банке", "actions": ["Произвести выемку документов"],
        "body": "Прошу произвести выемку в АО «Банк»", "due_on": (TODAY + timedelta(days=30)).isoformat()})
    assert instruction.status_code == 201, instruction.get_json()
    task = cast.api.post(f"/api/v1/groups/{gid}/tasks", headers=cast.headers["creator"], json={
        "title": "Подготовить выемку в банке", "assignee_ids": [cast.ids["kz_member"]]})
    assert task.status_code == 201, task.get_json()
    item = register(cast, setting, title="Документы, изъятые при выемке", obtained_under="Протокол выемки № 3")
    assert item.status_code == 201, item.get_json()
    kz_channel = next(c["id"] for c in channels_of(cast, gid, "kz_member").values() if c["kind"] == "team")
    assert post(cast, kz_channel, "kz_member", TEAM_MESSAGE).status_code == 201


def _search_from_the_header(page, typed: str) -> None:
    page.wait_for_load_state()  # the page's scripts have run
    page.keyboard.press("/")  # the shortcut puts the cursor in the box
    box = page.get_by_role("searchbox", name="Search everything")
    expect(box).to_be_focused()
    box.fill(typed)
    box.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Search")).to_be_visible()


# A browser flow over the search both back ends answer alike (tests/search/test_backends_agree.py).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_belarusian_member_finds_the_seizure_but_not_the_kazakh_team_channel(cast, live_server, new_context):
    _seizure(cast)
    by_head = signed_in(new_context, live_server, cast.people["by_head"])
    _search_from_the_header(by_head, "выемк")
    expect(by_head.get_by_role("region", name="Instructions").get_by_role(
        "link", name="Выемка документов в банке")).to_be_visible()
    expect(by_head.get_by_role("region", name="Tasks").get_by_role(
        "link", name="Подготовить выемку в банке")).to_be_visible()
    expect(by_head.get_by_role("region", name="Evidence").get_by_role(
        "link", name="Документы, изъятые при выемке")).to_be_visible()
    expect(by_head.locator("mark").first).to_have_text(re.compile("^выемк", re.IGNORECASE))
    expect(by_head.get_by_text(TEAM_MESSAGE)).to_have_count(0)
    expect(by_head.get_by_role("region", name="Messages")).to_have_count(0)

    kz_member = signed_in(new_context, live_server, cast.people["kz_member"])
    _search_from_the_header(kz_member, "выемк")
    messages = kz_member.get_by_role("region", name="Messages")
    expect(messages).to_contain_text("в Алматы завершена, протокол у нас")
    messages.get_by_role("link").first.click()
    expect(kz_member.get_by_text(TEAM_MESSAGE)).to_be_visible()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_register_s_search_finds_a_request_by_a_surname_in_another_case(cast, live_server, new_context):
    keeper = cast.browser("by_legal")
    wanted = registered(cast, keeper, persons="Сидорова Анна Викторовна; KZ; г. Алматы; свидетель")
    other = registered(cast, keeper)
    page = signed_in(new_context, live_server, cast.people["by_legal"])
    page.goto(f"{live_server}/legal/requests")
    expect(page.get_by_role("link", name=f"No. {other}")).to_be_visible()
    box = page.get_by_role("searchbox", name="Search the register")
    box.fill("Сидоровой")
    box.press("Enter")
    expect(page.get_by_role("link", name=f"No. {wanted}", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=f"No. {other}", exact=True)).to_have_count(0)
    expect(box).to_have_value("Сидоровой")
