"""The task page, the task board and the evidence page render each person the controls the service
allows them (`allowed_actions`, marked data-action inside data-object), and an action that is theirs
but blocked by an unmet condition disabled, with the condition named."""

from __future__ import annotations

import re

from tests.action_controls_support import actions_on
from tests.conftest import csrf_token_in
from tests.evidence_support import evidence_group, register
from tests.groups_support import advance

EN = {"Accept-Language": "en"}
ROLES = ("creator", "kz_head", "kz_member", "by_legal")  # group head, national head, assignee, legal officer
SUSPENDED = "The group is suspended: nothing can change in it until it is active again."


def _task(cast, setting) -> int:
    response = cast.api.post(f"/api/v1/groups/{setting['gid']}/tasks", json={
        "title": "Допросить свидетеля", "assignee_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _allowed(cast, path: str, who: str) -> set[str]:
    response = cast.api.get(f"/api/v1{path}", headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return set(response.get_json()["allowed_actions"])


def test_the_task_page_shows_each_role_exactly_the_actions_the_service_allows(cast):
    setting = evidence_group(cast)
    tid = _task(cast, setting)
    shown = {}
    for who in ROLES:
        page = cast.browser(who).get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
        shown[who] = actions_on(page, f"task:{tid}")
        assert shown[who] == _allowed(cast, f"/tasks/{tid}", who), who
        assert not actions_on(page, f"task:{tid}", disabled=True), who
    assert shown["creator"] == {"edit", "comment", "to:in_progress", "to:blocked", "to:cancelled"}
    assert shown["kz_member"] == {"comment", "to:in_progress", "to:blocked", "to:cancelled"}  # no edit form
    assert shown["by_legal"] == set()
    assert cast.browser("outsider").get(f"/tasks/{tid}", headers=EN).status_code == 404


def test_a_done_task_offers_reopening_only_to_who_may_reopen_it(cast):
    setting = evidence_group(cast)
    tid = _task(cast, setting)
    for status in ("in_progress", "done"):
        version = cast.api.get(f"/api/v1/tasks/{tid}", headers=cast.headers["kz_member"]).get_json()["version"]
        assert cast.api.patch(f"/api/v1/tasks/{tid}", json={"status": status, "version": version},
                              headers=cast.headers["kz_member"]).status_code == 200
    for who, expected in (("creator", {"to:open", "comment"}), ("kz_member", {"to:open", "comment"}),
                          ("kz_head", {"comment"})):
        page = cast.browser(who).get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
        assert actions_on(page, f"task:{tid}") == expected == _allowed(cast, f"/tasks/{tid}", who), who
        assert "Edit the task" not in page


def test_in_a_suspended_group_the_task_controls_are_disabled_with_the_reason(cast):
    setting = evidence_group(cast)
    gid = setting["gid"]
    tid = _task(cast, setting)
    advance(cast, gid, "suspended")
    page = cast.browser("creator").get(f"/tasks/{tid}", headers=EN).get_data(as_text=True)
    assert actions_on(page, f"task:{tid}", disabled=True) == {"edit", "to:in_progress", "to:blocked",
                                                               "to:cancelled"}
    assert actions_on(page, f"task:{tid}", disabled=False) == {"comment"}  # comments wait only for a closed group
    assert _allowed(cast, f"/tasks/{tid}", "creator") == {"comment"}
    assert re.search(r'<input (?=[^>]*aria-describedby="unmet-move")(?=[^>]*disabled)[^>]*id="move-submit"', page)
    assert 'id="unmet-move"' in page and 'id="unmet-edit"' in page
    assert page.count(SUSPENDED) == 2  # under the moves and under the edit form
    board = cast.browser("creator").get(f"/groups/{gid}/tasks", headers=EN).get_data(as_text=True)
    card = board[board.index(f'id="task-{tid}"'):board.index("</article>", board.index(f'id="task-{tid}"'))]
    assert "data-board-card" not in card  # nothing to drag to
    assert f'disabled aria-describedby="unmet-task-{tid}"' in card and SUSPENDED in card
    assert 'disabled aria-describedby="unmet-create"' in board and "New task</button>" in board


def test_only_who_may_set_tasks_sees_new_task_on_the_board(cast):
    setting = evidence_group(cast)
    link = f'href="/groups/{setting["gid"]}/tasks/new"'
    for who, offered in (("creator", True), ("kz_head", True), ("kz_member", False), ("by_legal", False)):
        board = cast.browser(who).get(f"/groups/{setting['gid']}/tasks", headers=EN).get_data(as_text=True)
        assert (link in board) is offered, who


def test_the_evidence_page_shows_blocked_custody_actions_disabled_and_leaves_out_what_is_not_theirs(cast):
    setting = evidence_group(cast)
    eid = register(cast, setting).get_json()["id"]  # kz_member holds it
    active = {who: actions_on(cast.browser(who).get(f"/evidence/{eid}", headers=EN).get_data(as_text=True),
                              f"evidence:{eid}") for who in ROLES}
    for who in ROLES:
        assert active[who] == _allowed(cast, f"/evidence/{eid}", who), who
    assert {"transfer", "seal", "upload"} <= active["kz_member"]
    assert "transfer" not in active["kz_head"]  # not the custodian: not theirs
    assert active["by_legal"] == set()

    advance(cast, setting["gid"], "suspended")
    page = cast.browser("kz_member").get(f"/evidence/{eid}", headers=EN).get_data(as_text=True)
    assert actions_on(page, f"evidence:{eid}", disabled=True) == active["kz_member"]
    assert actions_on(page, f"evidence:{eid}", disabled=False) == set()
    assert 'id="transfer-heading"' in page and 'disabled aria-describedby="unmet-transfer"' in page
    assert SUSPENDED in page
    held_by_other = cast.browser("kz_head").get(f"/evidence/{eid}", headers=EN).get_data(as_text=True)
    assert 'id="transfer-heading"' not in held_by_other
    assert "transfer" not in actions_on(held_by_other, f"evidence:{eid}")


def test_a_move_refused_by_a_race_returns_to_the_task_page_with_the_reason(cast):
    setting = evidence_group(cast)
    tid = _task(cast, setting)
    member = cast.browser("kz_member")
    page_url = f"http://localhost/tasks/{tid}"
    page = member.get(page_url, headers=EN).get_data(as_text=True)
    assert "to:in_progress" in actions_on(page, f"task:{tid}")
    # Meanwhile the group head gives the task to someone else.
    task = cast.api.get(f"/api/v1/tasks/{tid}", headers=cast.headers["creator"]).get_json()
    assert cast.api.patch(f"/api/v1/tasks/{tid}", json={"assignee_ids": [cast.ids["kz_head"]], "version": task[
        "version"]}, headers=cast.headers["creator"]).status_code == 200
    response = member.post(f"/tasks/{tid}", headers={**EN, "Referer": page_url}, data={
        "action": "move", "version": str(task["version"] + 1), "status": "in_progress",
        "csrf_token": csrf_token_in(page)})
    assert response.status_code == 303 and response.headers["Location"] == page_url
    again = member.get(page_url, headers=EN).get_data(as_text=True)
    assert "Only the group head, the national head of the task&#39;s team or an assignee can change the task." in again
    assert actions_on(again, f"task:{tid}") == {"comment"}
