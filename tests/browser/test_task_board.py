"""Issue 15, item 7, in the browser: the group head drags a task to «В работе» (in progress) and it
stays there after a reload; a drag made with a card whose task changed meanwhile is refused with the
conflict said in the board's live region, and the card goes back where the server has it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from jit.extensions import db
from jit.models import Task
from tests.browser.support import signed_in, watch
from tests.groups_support import activate

pytestmark = pytest.mark.browser


def _task(cast, gid: int, title: str) -> int:
    response = cast.api.post(f"/api/v1/groups/{gid}/tasks", json={
        "title": title, "assignee_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _drag(page: Page, tid: int, status: str) -> None:
    """Press on the card's text, move the pointer over the target column in steps, let go."""
    grip = page.locator(f"#task-{tid} .small").first.bounding_box()
    target = page.locator(f'[data-board-column="{status}"]').bounding_box()
    page.mouse.move(grip["x"] + 5, grip["y"] + 5)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 10, steps=15)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=5)
    page.mouse.up()


def test_the_group_head_drags_a_task_to_in_progress_and_a_stale_drag_is_refused(cast, live_server, new_context):
    group = activate(cast)
    kz_team = next(team["id"] for team in group["teams"] if team["party"] == "KZ")
    joined = cast.api.post(f"/api/v1/groups/{group['id']}/members", json={
        "user_id": cast.ids["kz_member"], "team_id": kz_team}, headers=cast.headers["kz_head"])
    assert joined.status_code == 201, joined.get_json()
    first, second = _task(cast, group["id"], "Допросить свидетеля"), _task(cast, group["id"], "Истребовать выписку")

    head = signed_in(new_context, live_server, cast.people["creator"])
    head.goto(f"{live_server}/groups/{group['id']}/tasks")
    watch(head)
    _drag(head, first, "in_progress")
    expect(head.locator(f'[data-board-column="in_progress"] #task-{first}')).to_have_count(1)
    expect(head.locator(f"#task-{first} select[name=status] option")).to_have_text(
        ["blocked", "done", "cancelled"])  # the card was read again: the moves of its new status
    head.reload()
    expect(head.locator(f'[data-board-column="in_progress"] #task-{first}')).to_have_count(1)

    # Someone else's change whose event has not reached this page yet: the card's version is old.
    with cast.app.app_context():
        db.session.execute(update(Task).where(Task.id == second).values(version=Task.version + 1))
        db.session.commit()
    _drag(head, second, "in_progress")
    expect(head.get_by_role("status").filter(has_text="changed meanwhile")).to_have_text(
        "The task was changed meanwhile (now version 2). Reload and try again.")
    expect(head.locator(f'[data-board-column="open"] #task-{second}')).to_have_count(1)
    head.reload()
    expect(head.locator(f'[data-board-column="open"] #task-{second}')).to_have_count(1)
