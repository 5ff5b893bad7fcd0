"""Task changes reach the open sockets of the group's people, and nobody else's."""

from __future__ import annotations

from jit.extensions import socketio
from tests.groups_support import activate


def _socket(app, cast, who: str):
    token = cast.headers[who]["Authorization"].removeprefix("Bearer ")
    socket = socketio.test_client(app, auth={"token": token})
    assert socket.is_connected()
    return socket


def _task_events(socket) -> list[dict]:
    return [packet["args"][0] for packet in socket.get_received()
            if packet["name"] == "event" and packet["args"][0]["type"].startswith("task.")]


def _group_with_member(client, cast) -> dict:
    group = activate(cast)
    kz_team = next(team["id"] for team in group["teams"] if team["party"] == "KZ")
    added = client.post(f"/api/v1/groups/{group['id']}/members", json={"user_id": cast.ids["kz_member"],
                                                                       "team_id": kz_team},
                        headers=cast.headers["kz_head"])
    assert added.status_code == 201
    return group


def test_task_changes_reach_members_and_nobody_else(app, client, cast):
    group = _group_with_member(client, cast)
    sockets = {who: _socket(app, cast, who) for who in ("creator", "by_head", "kz_member", "outsider")}
    for socket in sockets.values():
        socket.get_received()  # drop anything from before

    created = client.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": "Допросить свидетеля", "assignee_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
    assert created.status_code == 201
    task = created.get_json()
    for who in ("creator", "by_head", "kz_member"):
        [event] = _task_events(sockets[who])
        assert (event["type"], event["group_id"], event["data"]["task_id"]) == ("task.created", group["id"],
                                                                                 task["id"]), who
    assert _task_events(sockets["outsider"]) == []

    moved = client.patch(f"/api/v1/tasks/{task['id']}", json={"status": "in_progress", "version": task["version"]},
                         headers=cast.headers["kz_member"])
    assert moved.status_code == 200
    [event] = _task_events(sockets["creator"])
    assert (event["type"], event["data"]) == ("task.updated", {
        "task_id": task["id"], "fields": ["status"], "status": "in_progress", "version": 2})
    assert [e["type"] for e in _task_events(sockets["by_head"])] == ["task.updated"]

    commented = client.post(f"/api/v1/tasks/{task['id']}/comments", json={"body": "Начал работу"},
                            headers=cast.headers["kz_member"])
    assert commented.status_code == 201
    assert [e["type"] for e in _task_events(sockets["creator"])] == ["task.commented"]
    assert _task_events(sockets["outsider"]) == []
    for socket in sockets.values():
        socket.disconnect()


def test_refused_changes_send_nothing_and_a_removed_member_hears_no_more(app, client, cast):
    group = _group_with_member(client, cast)
    task = client.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": "Анализ выписок", "assignee_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"]).get_json()
    head, member = _socket(app, cast, "kz_head"), _socket(app, cast, "kz_member")
    head.get_received(), member.get_received()

    stale = client.patch(f"/api/v1/tasks/{task['id']}", json={"title": "Иное", "version": 99},
                         headers=cast.headers["creator"])
    assert stale.status_code == 409
    no_reason = client.patch(f"/api/v1/tasks/{task['id']}", json={"status": "blocked", "version": task["version"]},
                             headers=cast.headers["kz_member"])
    assert no_reason.status_code == 422
    assert _task_events(head) == [] and _task_events(member) == []

    client.delete(f"/api/v1/groups/{group['id']}/members/{cast.ids['kz_member']}", headers=cast.headers["kz_head"])
    member.get_received()
    retitled = client.patch(f"/api/v1/tasks/{task['id']}", json={"title": "Анализ выписок ТОО", "version": task[
        "version"]}, headers=cast.headers["creator"])
    assert retitled.status_code == 200
    assert [e["type"] for e in _task_events(head)] == ["task.updated"]
    assert _task_events(member) == []
    head.disconnect()
    member.disconnect()
