"""The group head sets a task for two people by typing parts of their names (issue 15, item 2):
the picker asks the people endpoint and keeps the field's label."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import pick, signed_in
from tests.groups_support import activate

pytestmark = pytest.mark.browser


def test_a_task_is_set_for_two_people_found_by_parts_of_their_names(cast, live_server, new_context):
    gid = activate(cast)["id"]
    head = signed_in(new_context, live_server, cast.people["creator"])
    head.goto(f"{live_server}/groups/{gid}/tasks/new")
    head.get_by_label("Title", exact=True).fill("Сверить показания")
    # The picker is reached by its label, as a screen reader user would (Tom Select keeps the association).
    assignees = head.get_by_role("combobox", name="Assignees")
    expect(assignees).to_be_visible()
    with head.expect_response(lambda answer: f"/api/v1/groups/{gid}/people" in answer.url and "q=" in answer.url):
        assignees.fill("айд")  # lower case, a part of the first name
    expect(head.locator("#assignee_ids-ts-dropdown .option")).to_have_count(1)
    head.locator("#assignee_ids-ts-dropdown .option", has_text="Айдос Сейткали").click()
    pick(head, "assignee_ids", "КОВАЛ", "Ольга Ковалёва")  # upper case, a part of the surname
    head.get_by_role("button", name="Set the task").click()
    expect(head.get_by_role("alert")).to_contain_text("is set.")
    expect(head.locator("#task-assignees")).to_contain_text("Айдос Сейткали")
    expect(head.locator("#task-assignees")).to_contain_text("Ольга Ковалёва")
