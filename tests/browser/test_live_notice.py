"""Issue 15, item 3: the notice "someone changed this page" stays out of sight until a change arrives
while the person is typing; a change that can be shown in place needs no notice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import signed_in, still_the_same_page, watch
from tests.groups_support import activate

pytestmark = pytest.mark.browser


def test_the_notice_appears_only_when_a_change_meets_typing(cast, live_server, new_context):
    group = activate(cast)
    task = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": "Сверить выписки", "assignee_ids": [cast.ids["by_head"]]}, headers=cast.headers["creator"]).get_json()
    head = signed_in(new_context, live_server, cast.people["creator"])
    head.goto(f"{live_server}/tasks/{task['id']}")
    watch(head)
    notice = head.locator("[data-live-notice]")
    expect(notice).to_be_hidden()

    def move(status: str, version: int) -> int:
        moved = cast.api.patch(f"/api/v1/tasks/{task['id']}", json={"status": status, "version": version},
                               headers=cast.headers["by_head"])
        assert moved.status_code == 200, moved.get_json()
        return moved.get_json()["version"]

    # Nobody is typing: the page changes in place, no notice.
    version = move("in_progress", task["version"])
    expect(head.locator("#task-status")).to_have_text("in progress")
    expect(notice).to_be_hidden()

    # Typing meets a change: the notice appears, the draft stays.
    head.get_by_role("textbox", name="Comment").fill("Черновик")
    move("done", version)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Someone changed this page while you were working on it.")
    expect(head.get_by_role("textbox", name="Comment")).to_have_value("Черновик")
    assert still_the_same_page(head)
