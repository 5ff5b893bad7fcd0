"""`allowed_actions` on the GET of a group, instruction, task and evidence item and on listed
messages: what the caller may do now, different per role (API.md, last section)."""

from __future__ import annotations

from tests.evidence_support import evidence_group, register
from tests.groups_support import TODAY


def _actions(cast, path: str, who: str) -> list[str]:
    response = cast.api.get(f"/api/v1{path}", headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return response.get_json()["allowed_actions"]


def test_each_object_says_what_the_caller_may_do_now(cast):
    setting = evidence_group(cast)
    gid, teams, cases = setting["gid"], setting["teams"], setting["cases"]
    group = f"/groups/{gid}"
    assert "to:suspended" in _actions(cast, group, "creator") and "remove_member" in _actions(cast, group, "creator")
    assert "to:closed" not in _actions(cast, group, "creator")  # blocked: no termination decision
    assert _actions(cast, group, "kz_head") == ["add_case", "add_member", "remove_member"]
    assert _actions(cast, group, "kz_member") == _actions(cast, group, "by_legal") == []

    instruction = cast.api.post(f"/api/v1/groups/{gid}/instructions", json={
        "from_team_id": teams["KZ"], "to_team_id": teams["BY"], "case_id": cases["KZ"], "actions": ["Допрос"],
        "due_on": TODAY.isoformat(), "body": "Прошу"}, headers=cast.headers["kz_head"]).get_json()
    assert _actions(cast, f"/instructions/{instruction['id']}", "kz_head") == ["add_document", "edit"]
    assert _actions(cast, f"/instructions/{instruction['id']}", "by_head") == []

    task = cast.api.post(f"/api/v1/groups/{gid}/tasks", json={"title": "Выписки", "assignee_ids": [
        cast.ids["kz_member"]]}, headers=cast.headers["creator"]).get_json()
    assert "edit" in _actions(cast, f"/tasks/{task['id']}", "creator")
    assert _actions(cast, f"/tasks/{task['id']}", "kz_member") == [
        "comment", "to:blocked", "to:cancelled", "to:in_progress"]
    assert _actions(cast, f"/tasks/{task['id']}", "by_legal") == []

    item = register(cast, setting).get_json()
    assert "transfer" in _actions(cast, f"/evidence/{item['id']}", "kz_member")
    assert "transfer" not in _actions(cast, f"/evidence/{item['id']}", "kz_head")

    general = cast.api.get(f"/api/v1/groups/{gid}/channels", headers=cast.headers["kz_member"]).get_json()
    channel = general["items"][0]["id"]
    cast.api.post(f"/api/v1/channels/{channel}/messages", json={"body": "Готово"}, headers=cast.headers["kz_member"])
    listed = {who: cast.api.get(f"/api/v1/channels/{channel}/messages", headers=cast.headers[who]).get_json()
              for who in ("kz_member", "creator")}
    assert listed["kz_member"]["items"][0]["allowed_actions"] == ["delete", "edit", "link"]
    assert listed["creator"]["items"][0]["allowed_actions"] == ["history", "link", "to_task"]
