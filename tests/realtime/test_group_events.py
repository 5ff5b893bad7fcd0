"""Group and member changes reach the open sockets of the people allowed to see them, and only them."""

from __future__ import annotations

from jit.extensions import socketio
from tests.groups_support import activate


def _socket(app, cast, who: str):
    token = cast.headers[who]["Authorization"].removeprefix("Bearer ")
    socket = socketio.test_client(app, auth={"token": token})
    assert socket.is_connected()
    return socket


def _group_events(socket) -> list[dict]:
    return [packet["args"][0] for packet in socket.get_received() if packet["name"] == "event"]


def test_member_changes_reach_members_and_nobody_else(app, client, cast):
    group = activate(cast)
    kz_team = next(team["id"] for team in group["teams"] if team["party"] == "KZ")
    head, member, outsider = (_socket(app, cast, who) for who in ("kz_head", "kz_member", "outsider"))
    for socket in (head, member, outsider):
        socket.get_received()  # drop anything from before

    added = client.post(f"/api/v1/groups/{group['id']}/members", json={"user_id": cast.ids["kz_member"],
                                                                       "team_id": kz_team},
                        headers=cast.headers["kz_head"])
    assert added.status_code == 201
    [to_head] = _group_events(head)
    assert (to_head["type"], to_head["group_id"], to_head["data"]["user_id"]) == (
        "member.added", group["id"], cast.ids["kz_member"])
    assert [event["type"] for event in _group_events(member)] == ["member.added"]
    assert _group_events(outsider) == []

    client.delete(f"/api/v1/groups/{group['id']}/members/{cast.ids['kz_member']}", headers=cast.headers["kz_head"])
    assert [event["type"] for event in _group_events(member)] == ["member.removed"]
    # Once removed, the member hears nothing more of the group.
    group = client.get(f"/api/v1/groups/{group['id']}", headers=cast.headers["creator"]).get_json()
    client.post(f"/api/v1/groups/{group['id']}/transitions", json={"to": "suspended", "version": group["version"]},
                headers=cast.headers["creator"])
    assert [event["type"] for event in _group_events(head)] == ["member.removed", "group.transitioned"]
    assert _group_events(member) == []
    for socket in (head, member, outsider):
        socket.disconnect()


def test_a_refused_change_sends_nothing(app, client, cast):
    group = activate(cast)
    head = _socket(app, cast, "kz_head")
    head.get_received()
    stale = client.post(f"/api/v1/groups/{group['id']}/transitions", json={"to": "suspended", "version": 1},
                        headers=cast.headers["creator"])
    assert stale.status_code == 409
    assert _group_events(head) == []
    head.disconnect()

