"""The inbox through the API (issue 17): who hears of what, never the actor, never someone who may
not see the object; reading, filters, paging; opening the object marks its notices read."""

from __future__ import annotations

from jit.extensions import socketio
from tests.channels_support import active_group_with_member, channels_of, post, token
from tests.notifications_support import inbox, kinds, mark_read


def _username(cast, who: str) -> str:
    return cast.people[who].username


def _mention_kz_member(cast, group) -> dict:
    general = channels_of(cast, group["id"], "by_head")["general"]
    sent = post(cast, general["id"], "by_head", f"@{_username(cast, 'kz_member')} @{_username(cast, 'outsider')} "
                f"@{_username(cast, 'by_head')} проверьте выписку")
    assert sent.status_code == 201, sent.get_json()
    return sent.get_json()


def test_a_mention_reaches_the_reader_it_names_and_nobody_else(cast):
    group = active_group_with_member(cast)
    message = _mention_kz_member(cast, group)
    assert kinds(cast, "kz_member") == ["mention", "member.added"]
    answer = inbox(cast, "kz_member", kind="mention")
    [notice] = answer["items"]
    assert answer["unread"] == 2  # the count is of every unread notice
    assert (notice["kind"], notice["group_id"], notice["object"], notice["actor"]["id"], notice["read_at"]) == (
        "mention", group["id"], {"type": "message", "id": message["id"]}, cast.ids["by_head"], None)
    assert cast.people["by_head"].full_name in notice["text"] and "general" in notice["text"]
    assert inbox(cast, "outsider") == {"items": [], "next_cursor": None, "unread": 0}  # cannot read the channel
    assert kinds(cast, "by_head", kind="mention") == []  # the author's own act


def test_a_mention_in_a_team_channel_skips_the_other_team(cast):
    group = active_group_with_member(cast)
    by_channel = next(channel for channel in channels_of(cast, group["id"], "by_head").values()
                      if channel["team_id"] is not None)
    assert post(cast, by_channel["id"], "by_head", f"@{_username(cast, 'kz_member')} тайно").status_code == 201
    assert kinds(cast, "kz_member", kind="mention") == []


def test_the_text_is_in_the_readers_language(cast):
    group = active_group_with_member(cast)
    _mention_kz_member(cast, group)
    russian = cast.api.get("/api/v1/notifications", headers={**cast.headers["kz_member"], "Accept-Language": "ru"})
    english = cast.api.get("/api/v1/notifications", headers={**cast.headers["kz_member"], "Accept-Language": "en"})
    assert "упомянул" in russian.get_json()["items"][0]["text"].lower()
    assert "mentioned you" in english.get_json()["items"][0]["text"]


def test_marking_read_by_ids_only_touches_ones_own(cast):
    group = active_group_with_member(cast)
    assert mark_read(cast, "kz_member", all=True).status_code == 204  # being added to the group
    _mention_kz_member(cast, group)
    _mention_kz_member(cast, group)
    second, first = (item["id"] for item in inbox(cast, "kz_member")["items"][:2])
    assert mark_read(cast, "by_head", ids=[first]).status_code == 204  # not theirs: nothing happens
    assert inbox(cast, "kz_member")["unread"] == 2
    assert mark_read(cast, "kz_member", ids=[first]).status_code == 204
    answer = inbox(cast, "kz_member")
    assert answer["unread"] == 1
    assert [item["id"] for item in inbox(cast, "kz_member", unread="true")["items"]] == [second]
    assert mark_read(cast, "kz_member", all=True).status_code == 204
    assert inbox(cast, "kz_member")["unread"] == 0


def test_marking_read_needs_ids_or_all(cast):
    response = mark_read(cast, "kz_member")
    assert response.status_code == 422
    assert "ids" in response.get_json()["error"]["fields"]


def test_filters_and_paging(cast):
    group = active_group_with_member(cast)
    for _ in range(3):
        _mention_kz_member(cast, group)
    task = cast.api.post(f"/api/v1/groups/{group['id']}/tasks", json={
        "title": "Допросить свидетеля", "assignee_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
    assert task.status_code == 201
    assert kinds(cast, "kz_member", kind="task.assigned") == ["task.assigned"]
    assert len(kinds(cast, "kz_member", group_id=group["id"])) == 5  # three mentions, the task, being added
    assert kinds(cast, "kz_member", group_id=group["id"] + 1000) == []
    first = inbox(cast, "kz_member", limit=2)
    second = inbox(cast, "kz_member", limit=2, cursor=first["next_cursor"])
    third = inbox(cast, "kz_member", limit=2, cursor=second["next_cursor"])
    ids = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5 and third["next_cursor"] is None
    bad = cast.api.get("/api/v1/notifications", query_string={"kind": "nonsense"}, headers=cast.headers["kz_member"])
    assert bad.status_code == 422 and "kind" in bad.get_json()["error"]["fields"]


def test_reading_the_channel_marks_its_mentions_read(cast):
    group = active_group_with_member(cast)
    message = _mention_kz_member(cast, group)
    read = cast.api.put(f"/api/v1/channels/{message['channel_id']}/read", json={"seq": message["seq"]},
                        headers=cast.headers["kz_member"])
    assert read.status_code == 200, read.get_json()
    assert inbox(cast, "kz_member", kind="mention")["items"][0]["read_at"] is not None


def test_a_socket_that_connects_hears_the_counts_as_they_stand(app, cast):
    # What changed before the page's socket connected (or while it was down) reaches its badges.
    group = active_group_with_member(cast)
    _mention_kz_member(cast, group)
    socket = socketio.test_client(app, auth={"token": token(cast, "kz_member")})
    counts = [packet["args"][0] for packet in socket.get_received() if packet["name"] == "counts"]
    assert counts == [{"notifications": 2, "messages": 1}]  # being added, and the mention
    socket.disconnect()


def test_the_recipient_socket_hears_the_notice_with_its_unread_count_and_then_the_counts(app, cast):
    group = active_group_with_member(cast)
    sockets = {who: socketio.test_client(app, auth={"token": token(cast, who)}) for who in ("kz_member", "outsider")}
    for socket in sockets.values():
        socket.get_received()
    message = _mention_kz_member(cast, group)
    received = sockets["kz_member"].get_received()
    [notice] = [packet["args"][0] for packet in received if packet["name"] == "notification"]
    assert (notice["kind"], notice["object"], notice["unread"]) == (
        "mention", {"type": "message", "id": message["id"]}, 2)  # being added, and the mention
    assert [p for p in sockets["outsider"].get_received() if p["name"] in ("notification", "counts")] == []
    cast.api.put(f"/api/v1/channels/{message['channel_id']}/read", json={"seq": message["seq"]},
                 headers=cast.headers["kz_member"])
    counts = [packet["args"][0] for packet in sockets["kz_member"].get_received() if packet["name"] == "counts"]
    assert counts == [{"notifications": 1, "messages": 0}]  # being added is still unread
    for socket in sockets.values():
        socket.disconnect()
