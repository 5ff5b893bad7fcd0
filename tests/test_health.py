"""GET /healthz reports whether the database (and the message queue, if any) is reachable."""

from __future__ import annotations

from jit import create_app
from tests.conftest import make_config


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "message_queue": "in-process"}


def test_unreachable_database_is_reported(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path}/missing-dir/nothing.sqlite3"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_message_queue_state(make_app, redis_url):
    reachable = make_app(SOCKETIO_MESSAGE_QUEUE=redis_url)
    assert reachable.test_client().get("/healthz").get_json()["message_queue"] == "ok"
    unreachable = make_app(SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:1/0")
    response = unreachable.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["message_queue"] == "unreachable"


def test_without_redis_at_start_a_single_process_still_serves_and_says_so(make_app, cast):
    """The queue is down from the start: /healthz says so (503), and sign-in, pages and a channel
    message still work, stored first, their live delivery lost (the database is the truth)."""
    from tests.channels_support import active_group_with_member, channels_of

    group = active_group_with_member(cast)
    general = channels_of(cast, group["id"], "by_head")["general"]["id"]
    lonely = make_app(SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:1/0", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
    client = lonely.test_client()
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()["message_queue"], health.get_json()["database"]) == (
        503, "unreachable", "ok")
    signed_in = client.post("/api/v1/auth/token", json={"username": cast.people["by_head"].username,
                                                        "password": cast.people["by_head"].password})
    assert signed_in.status_code == 201
    headers = {"Authorization": f"Bearer {signed_in.get_json()['token']}"}
    sent = client.post(f"/api/v1/channels/{general}/messages", json={"body": "Без Redis"}, headers=headers)
    assert (sent.status_code, sent.get_json()["seq"]) == (201, 1)
    listed = client.get(f"/api/v1/channels/{general}/messages", headers=headers).get_json()["items"]
    assert [message["body"] for message in listed] == ["Без Redis"]
