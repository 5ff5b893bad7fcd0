"""Issue 13, findings 2 and 14: a message in a channel the caller cannot read does not exist for
them. Every message and channel route, through the JSON API, the pages and the socket, answers
such a caller exactly as it answers for a message or channel that does not exist: the Kazakh team
channel to the Belarusian national head, the group head and a legal officer; a custom channel to a
member left out of it; both to an outsider."""

from __future__ import annotations

import pytest

from jit.extensions import socketio
from tests.channels_support import active_group_with_member, bodies, channels_of, post, token

MISSING = 2**31 - 1  # the largest id there is room for, and none of this test's

# Each message route and each channel route, with a body the route accepts.
MESSAGE_ROUTES = [
    ("get", "/api/v1/messages/{mid}/history", None),
    ("patch", "/api/v1/messages/{mid}", {"body": "Правка"}),
    ("delete", "/api/v1/messages/{mid}", None),
    ("post", "/api/v1/messages/{mid}/task", {"assignee_ids": []}),
    ("put", "/api/v1/messages/{mid}/link", {"type": "task", "id": 1}),
]
CHANNEL_ROUTES = [
    ("get", "/api/v1/channels/{cid}/messages", None),
    ("post", "/api/v1/channels/{cid}/messages", {"body": "Можно?"}),
    ("get", "/api/v1/channels/{cid}/reads", None),
    ("put", "/api/v1/channels/{cid}/read", {"seq": 1}),
    ("get", "/api/v1/channels/{cid}/members", None),
]
# Who cannot read which channel: the other team, the group head (in no team), a legal officer of a
# participating party, a member the head left out of a custom channel, and an outsider.
KEPT_FROM = {"team": ("by_head", "creator", "by_legal", "outsider"),
             "custom": ("kz_member", "by_head", "by_legal", "outsider")}


@pytest.fixture
def hidden(cast) -> dict:
    """A message of the Kazakh team channel, edited once (so it has a history), and one of a custom
    channel the group head opened for the Kazakh national head alone; keyed by channel kind."""
    gid = active_group_with_member(cast)["id"]
    team = channels_of(cast, gid, "kz_member")["team-KZ"]["id"]
    custom = cast.api.post(f"/api/v1/groups/{gid}/channels", json={"name": "Штаб", "member_ids": [cast.ids["kz_head"]]},
                           headers=cast.headers["creator"])
    assert custom.status_code == 201, custom.get_json()
    found = {}
    for kind, channel_id, author in (("team", team, "kz_member"), ("custom", custom.get_json()["id"], "kz_head")):
        message = post(cast, channel_id, author, "Только для своих").get_json()
        edited = cast.api.patch(f"/api/v1/messages/{message['id']}", json={"body": "Только для своих!"},
                                headers=cast.headers[author])
        assert edited.status_code == 200
        found[kind] = {"cid": channel_id, "mid": message["id"], "author": author}
    return found


def _call(cast, who: str, method: str, path: str, body, **ids):
    response = getattr(cast.api, method)(path.format(**ids), json=body, headers=cast.headers[who])
    return response.status_code, response.get_json()


@pytest.mark.parametrize("kind", ["team", "custom"])
def test_every_message_and_channel_route_answers_as_for_nothing_to_those_who_cannot_read_it(cast, hidden, kind):
    target = hidden[kind]
    for who in KEPT_FROM[kind]:
        for method, path, body in MESSAGE_ROUTES:
            absent = _call(cast, who, method, path, body, mid=MISSING)
            assert absent[0] == 404 and absent[1]["error"]["code"] == "not_found"
            assert _call(cast, who, method, path, body, mid=target["mid"]) == absent, (who, method, path)
        for method, path, body in CHANNEL_ROUTES:
            absent = _call(cast, who, method, path, body, cid=MISSING)
            assert _call(cast, who, method, path, body, cid=target["cid"]) == absent, (who, method, path)
    # Nothing was changed, linked or posted meanwhile, and the history is still the readers'.
    assert bodies(cast, target["cid"], target["author"], after_seq=0) == [(1, "Только для своих!")]
    history = cast.api.get(f"/api/v1/messages/{target['mid']}/history", headers=cast.headers[target["author"]])
    assert history.status_code == 403  # a reader of the channel, but neither its group head nor a legal officer


def test_the_group_head_reads_the_history_of_a_channel_they_read(cast, hidden):
    history = cast.api.get(f"/api/v1/messages/{hidden['custom']['mid']}/history", headers=cast.headers["creator"])
    assert history.status_code == 200
    assert [item["previous_body"] for item in history.get_json()["items"]] == ["Только для своих"]


@pytest.mark.parametrize("kind", ["team", "custom"])
def test_the_chat_page_of_an_unreadable_channel_is_not_found(cast, hidden, kind):
    gid = cast.api.get("/api/v1/groups", headers=cast.headers["creator"]).get_json()["items"][0]["id"]
    for who in KEPT_FROM[kind]:
        browser = cast.browser(who)
        absent = browser.get(f"/groups/{gid}/channels?channel={MISSING}")
        assert absent.status_code == 404
        assert browser.get(f"/groups/{gid}/channels?channel={hidden[kind]['cid']}").status_code == 404, who


@pytest.mark.parametrize("kind", ["team", "custom"])
def test_socket_events_on_an_unreadable_channel_answer_as_for_none(app, cast, hidden, kind):
    channel_id = hidden[kind]["cid"]
    events = [("subscribe", {}), ("send", {"body": "Можно?", "client_msg_id": "x-1"}), ("read", {"seq": 1}),
              ("typing", {})]
    for who in KEPT_FROM[kind]:
        socket = socketio.test_client(app, auth={"token": token(cast, who)})
        try:
            for event, data in events:
                absent = socket.emit(event, {"channel_id": MISSING, **data}, callback=True)
                assert absent["error"]["code"] == "not_found"
                assert socket.emit(event, {"channel_id": channel_id, **data}, callback=True) == absent, (who, event)
        finally:
            socket.disconnect()
    assert bodies(cast, channel_id, hidden[kind]["author"], after_seq=0) == [(1, "Только для своих!")]
