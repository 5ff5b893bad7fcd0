"""Channels over Socket.IO: subscribe with catch-up, send, typing, presence, read positions, and
access ending at once for a removed member or a revoked token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jit.extensions import db, socketio
from jit.models import AuditEvent
from tests.channels_support import active_group_with_member, channels_of, post
from tests.groups_support import file_document


@pytest.fixture
def group(cast) -> dict:
    return active_group_with_member(cast)


@pytest.fixture
def general(cast, group) -> int:
    return channels_of(cast, group["id"], "by_head")["general"]["id"]


def connect(app, cast, who: str):
    token = cast.headers[who]["Authorization"].removeprefix("Bearer ")
    socket = socketio.test_client(app, auth={"token": token})
    assert socket.is_connected()
    return socket


def received(socket, name: str) -> list:
    # The test client hands a `message` event's data over unwrapped (it is Socket.IO's send()).
    return [packet["args"] if name == "message" else packet["args"][0]
            for packet in socket.get_received() if packet["name"] == name]


def subscribe(socket, channel_id, **extra) -> dict:
    return socket.emit("subscribe", {"channel_id": channel_id, **extra}, callback=True)


def test_subscribing_to_another_teams_or_groups_channel_is_refused_and_audited(app, cast, group, general):
    kz_team = channels_of(cast, group["id"], "kz_head")["team-KZ"]["id"]
    by_member, outsider = connect(app, cast, "by_head"), connect(app, cast, "outsider")
    for socket, channel_id in ((by_member, kz_team), (outsider, general), (outsider, kz_team)):
        ack = subscribe(socket, channel_id)
        assert ack == {"ok": False, "error": {"code": "not_found", "message": "Не найдено.", "fields": {}}}
    assert subscribe(by_member, 10_000)["error"]["code"] == "not_found"
    bad = subscribe(by_member, "general")
    assert (bad["ok"], bad["error"]["code"], list(bad["error"]["fields"])) == (False, "invalid", ["channel_id"])
    by_member.disconnect()
    outsider.disconnect()

    with app.app_context():
        refusals = db.session.execute(select(AuditEvent.user_id, AuditEvent.object_id, AuditEvent.group_id).where(
            AuditEvent.operation == "channel.subscribe", AuditEvent.outcome == "denied").order_by(
            AuditEvent.leaf_index)).all()
    assert refusals == [(cast.ids["by_head"], str(kz_team), group["id"]), (cast.ids["outsider"], str(general),
                                                                          group["id"]),
                        (cast.ids["outsider"], str(kz_team), group["id"]), (cast.ids["by_head"], None, None)]


def test_a_message_sent_on_a_socket_is_stored_then_reaches_the_channel_only(app, cast, group, general):
    by_head, kz_head, kz_member = (connect(app, cast, who) for who in ("by_head", "kz_head", "kz_member"))
    assert subscribe(by_head, general) == {"ok": True, "last_seq": 0, "missed": [], "more": False}
    assert subscribe(kz_head, general)["ok"]
    for socket in (by_head, kz_head, kz_member):
        socket.get_received()

    ack = by_head.emit("send", {"channel_id": general, "body": "<b>Добрый день</b> 👋", "client_msg_id": "m-1"},
                       callback=True)
    assert ack["ok"] and (ack["message"]["seq"], ack["message"]["body"]) == (1, "<b>Добрый день</b> 👋")
    assert received(kz_head, "message") == [ack["message"]]
    assert received(by_head, "message") == [ack["message"]]
    assert received(kz_member, "message") == []  # not subscribed: hears nothing of the channel

    repeated = by_head.emit("send", {"channel_id": general, "body": "<b>Добрый день</b> 👋", "client_msg_id": "m-1"},
                            callback=True)
    assert repeated == ack
    assert received(kz_head, "message") == []  # nothing new was stored, nothing delivered
    empty = by_head.emit("send", {"channel_id": general, "body": "   ", "client_msg_id": "m-2"}, callback=True)
    assert (empty["ok"], empty["error"]["code"], list(empty["error"]["fields"])) == (False, "invalid", ["body"])

    edited = cast.api.patch(f"/api/v1/messages/{ack['message']['id']}", json={"body": "Добрый вечер"},
                            headers=cast.headers["by_head"]).get_json()
    assert received(kz_head, "message_updated") == [edited]
    for socket in (by_head, kz_head, kz_member):
        socket.disconnect()


def test_catch_up_after_a_disconnect_returns_exactly_the_missed_messages_in_order(app, cast, group, general):
    reader = connect(app, cast, "kz_member")
    assert subscribe(reader, general)["ok"]
    for n in (1, 2):
        post(cast, general, "by_head", f"До обрыва {n}")
    last_seen = max(message["seq"] for message in received(reader, "message"))
    assert last_seen == 2
    reader.disconnect()

    for n in (1, 2, 3):
        post(cast, general, "by_head" if n != 2 else "kz_head", f"Во время обрыва {n}")

    reader = connect(app, cast, "kz_member")
    ack = subscribe(reader, general, after_seq=last_seen)
    assert (ack["ok"], ack["last_seq"], ack["more"]) == (True, 5, False)
    assert [(message["seq"], message["body"]) for message in ack["missed"]] == [
        (3, "Во время обрыва 1"), (4, "Во время обрыва 2"), (5, "Во время обрыва 3")]
    post(cast, general, "by_head", "После")
    assert [message["seq"] for message in received(reader, "message")] == [6]
    reader.disconnect()


def test_presence_follows_subscriptions_and_disconnects(app, cast, group, general):
    first, second = connect(app, cast, "by_head"), connect(app, cast, "kz_head")
    subscribe(first, general)
    assert received(first, "presence") == [{"channel_id": general, "user_ids": [cast.ids["by_head"]]}]
    subscribe(second, general)
    both = {"channel_id": general, "user_ids": sorted([cast.ids["by_head"], cast.ids["kz_head"]])}
    assert received(first, "presence") == [both]
    assert received(second, "presence") == [both]
    second.disconnect()
    assert received(first, "presence") == [{"channel_id": general, "user_ids": [cast.ids["by_head"]]}]
    assert first.emit("unsubscribe", {"channel_id": general}, callback=True) == {"ok": True}
    post(cast, general, "kz_head", "Кто-нибудь?")
    assert received(first, "message") == []
    first.disconnect()


def test_typing_is_throttled_and_not_echoed_to_the_typist(app, cast, group, general):
    typist, reader = connect(app, cast, "by_head"), connect(app, cast, "kz_head")
    subscribe(typist, general)
    subscribe(reader, general)
    typist.get_received(), reader.get_received()
    answers = [typist.emit("typing", {"channel_id": general}, callback=True) for _ in range(5)]
    assert answers == [{"ok": True, "sent": True}] + [{"ok": True, "sent": False}] * 4
    assert received(reader, "typing") == [{"channel_id": general, "user_id": cast.ids["by_head"]}]
    assert received(typist, "typing") == []
    kz_team = channels_of(cast, group["id"], "kz_head")["team-KZ"]["id"]
    assert typist.emit("typing", {"channel_id": kz_team}, callback=True)["error"]["code"] == "not_found"
    typist.disconnect()
    reader.disconnect()


def test_read_positions_are_heard_by_the_channel(app, cast, group, general):
    writer, reader = connect(app, cast, "by_head"), connect(app, cast, "kz_head")
    subscribe(writer, general)
    subscribe(reader, general)
    for n in range(3):
        post(cast, general, "by_head", f"Строка {n}")
    writer.get_received()
    assert reader.emit("read", {"channel_id": general, "seq": 2}, callback=True) == {
        "ok": True, "last_read_seq": 2, "unread": 1}
    assert received(writer, "read") == [{"channel_id": general, "user_id": cast.ids["kz_head"], "seq": 2}]
    writer.disconnect()
    reader.disconnect()


def test_mentions_reach_members_who_may_read_the_channel(app, cast, group, general):
    kz_team = channels_of(cast, group["id"], "kz_head")["team-KZ"]["id"]
    mentioned = {who: connect(app, cast, who) for who in ("by_head", "kz_member", "outsider")}
    for socket in mentioned.values():
        socket.get_received()
    names = {who: cast.people[who].username for who in mentioned}
    sent = post(cast, general, "kz_head", f"@{names['kz_member']}, @{names['by_head']}: см. выше. "
                                          f"@{names['outsider']} mail@{names['by_head']}").get_json()
    for who in ("by_head", "kz_member"):
        assert received(mentioned[who], "event") == [{"type": "message.mention", "group_id": group["id"], "data": {
            "channel_id": general, "message_id": sent["id"], "seq": 1, "author_id": cast.ids["kz_head"]}}], who
    assert received(mentioned["outsider"], "event") == []
    post(cast, kz_team, "kz_head", f"@{names['by_head']} не увидит: канал команды")
    assert received(mentioned["by_head"], "event") == []
    for socket in mentioned.values():
        socket.disconnect()


def test_a_removed_member_stops_receiving_at_once_and_cannot_subscribe_again(app, cast, group, general):
    kz_team = channels_of(cast, group["id"], "kz_member")["team-KZ"]["id"]
    member, head = connect(app, cast, "kz_member"), connect(app, cast, "kz_head")
    for channel_id in (general, kz_team):
        assert subscribe(member, channel_id)["ok"]
    subscribe(head, general)
    member.get_received(), head.get_received()

    removed = cast.api.delete(f"/api/v1/groups/{group['id']}/members/{cast.ids['kz_member']}",
                              headers=cast.headers["kz_head"])
    assert removed.status_code == 204
    assert received(head, "presence") == [{"channel_id": general, "user_ids": [cast.ids["kz_head"]]}]
    post(cast, general, "by_head", "Уже без него")
    post(cast, kz_team, "kz_head", "И здесь без него")
    assert received(member, "message") == []
    assert member.is_connected()  # still signed in, just out of the group
    assert subscribe(member, general)["error"]["code"] == "not_found"
    assert member.emit("send", {"channel_id": general, "body": "Эй", "client_msg_id": None},
                       callback=True)["error"]["code"] == "not_found"
    member.disconnect()
    head.disconnect()


def test_a_replaced_group_head_stops_hearing_the_channels_they_read_only_as_head(app, cast, group, general):
    # The creator heads the group without being in a team: as head they read every channel.
    created = cast.api.post(f"/api/v1/groups/{group['id']}/channels", json={
        "name": "оперативный штаб", "member_ids": [cast.ids["by_head"]]}, headers=cast.headers["creator"])
    assert created.status_code == 201, created.get_json()
    custom = created.get_json()["id"]
    former = connect(app, cast, "creator")
    for channel_id in (general, custom):
        assert subscribe(former, channel_id)["ok"]
    former.get_received()

    for party in ("BY", "KZ"):
        file_document(cast, group["id"], "appoint_head", party, head_id=cast.ids["by_head"])
    assert cast.api.get(f"/api/v1/groups/{group['id']}", headers=cast.headers["by_head"]).get_json()["head"]["id"] \
        == cast.ids["by_head"]
    post(cast, general, "by_head", "Новый руководитель на связи")
    post(cast, custom, "by_head", "Штаб: без прежнего руководителя")
    assert received(former, "message") == []
    assert subscribe(former, custom)["error"]["code"] == "not_found"
    former.disconnect()


def test_a_token_revoked_while_connected_disconnects_and_leaves_the_channel(app, cast, group, general):
    watcher, revoked = connect(app, cast, "by_head"), connect(app, cast, "kz_head")
    subscribe(watcher, general)
    subscribe(revoked, general)
    watcher.get_received()
    response = cast.api.delete("/api/v1/auth/token", headers=cast.headers["kz_head"])
    assert response.status_code == 204
    assert not revoked.is_connected()
    assert received(watcher, "presence") == [{"channel_id": general, "user_ids": [cast.ids["by_head"]]}]
    watcher.disconnect()


def test_a_flood_on_one_socket_is_limited_while_another_user_sends(app, cast, group, general):
    flooder, other = connect(app, cast, "by_head"), connect(app, cast, "kz_head")
    acks = [flooder.emit("send", {"channel_id": general, "body": f"Флуд {n}", "client_msg_id": f"f{n}"},
                         callback=True) for n in range(40)]
    assert [ack["ok"] for ack in acks] == [True] * 30 + [False] * 10
    assert {ack["error"]["code"] for ack in acks[30:]} == {"rate_limited"}
    ack = other.emit("send", {"channel_id": general, "body": "Я в порядке", "client_msg_id": "ok"}, callback=True)
    assert (ack["ok"], ack["message"]["seq"]) == (True, 31)
    flooder.disconnect()
    other.disconnect()
