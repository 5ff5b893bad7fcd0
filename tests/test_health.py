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
