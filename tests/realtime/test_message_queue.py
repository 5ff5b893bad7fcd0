"""Socket.IO through Redis: another process (here, this test process playing a CLI command or a
second web worker) reaches clients of a real gunicorn server, and can disconnect them."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest
import requests
import socketio as socketio_client

from jit import notify
from jit.extensions import db
from jit.models import User
from jit.services import tokens
from tests.conftest import SOCKETIO_CHANNEL
from tests.factories import UserInfo
from tests.realtime.servers import gunicorn, wait_until

pytestmark = pytest.mark.redis


@pytest.fixture
def gunicorn_server(app, backend, redis_url, tmp_path):
    """One production-style server process (gunicorn, threaded worker) on the test database."""
    with gunicorn(backend.url, redis_url, tmp_path / "gunicorn.log") as url:
        yield url


@dataclass
class ConnectedClient:
    client: socketio_client.Client
    user: UserInfo
    token: str
    events: list[dict]
    arrived: threading.Event


@pytest.fixture
def connected_client(gunicorn_server, make_user):
    """A websocket client of the gunicorn process, signed in with a token from its API."""
    user = make_user()
    token = requests.post(f"{gunicorn_server}/api/v1/auth/token",
                          json={"username": user.username, "password": user.password}, timeout=10).json()["token"]
    client = socketio_client.Client(reconnection=False)
    events: list[dict] = []
    arrived = threading.Event()

    @client.on("event")
    def on_event(data):
        events.append(data)
        arrived.set()

    client.connect(gunicorn_server, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    yield ConnectedClient(client, user, token, events, arrived)
    if client.connected:
        client.disconnect()


@pytest.fixture
def other_process_app(make_app, redis_url):
    return make_app(SOCKETIO_MESSAGE_QUEUE=redis_url)


def test_websocket_transport_is_served_by_gunicorn(connected_client):
    assert connected_client.client.connected
    assert connected_client.client.transport() == "websocket"


def test_an_emission_from_another_process_reaches_the_client(connected_client, other_process_app):
    room = notify.user_room(connected_client.user.id)
    with other_process_app.app_context():
        notify.emit_after_commit("event", {"type": "test.ping", "data": {"n": 1}}, room=room)
        db.session.commit()
    assert connected_client.arrived.wait(10)
    assert connected_client.events == [{"type": "test.ping", "data": {"n": 1}}]


def test_nothing_is_emitted_when_the_transaction_rolls_back(connected_client, other_process_app):
    room = notify.user_room(connected_client.user.id)
    with other_process_app.app_context():
        notify.emit_after_commit("event", {"type": "test.rolled_back"}, room=room)
        db.session.rollback()
        notify.emit_after_commit("event", {"type": "test.committed"}, room=room)
        db.session.commit()
    assert connected_client.arrived.wait(10)
    time.sleep(0.3)  # give a wrongly sent first event time to arrive too
    assert [event["type"] for event in connected_client.events] == ["test.committed"]


def test_revoking_a_token_in_another_process_disconnects_its_socket(connected_client, other_process_app):
    with other_process_app.app_context():
        tokens.revoke_token(db.session.get(User, connected_client.user.id), connected_client.token)
    assert wait_until(lambda: not connected_client.client.connected, 10)


def test_an_emission_on_another_channel_does_not_reach_the_client(connected_client, make_app, redis_url):
    """Deployments sharing one Redis stay apart by SOCKETIO_CHANNEL (Redis's database number does not
    separate publish/subscribe)."""
    room = notify.user_room(connected_client.user.id)
    # One after the other: the last app built in a process is the one whose queue `socketio` emits on.
    for channel, kind in (("another-deployment", "test.elsewhere"), (SOCKETIO_CHANNEL, "test.here")):
        with make_app(SOCKETIO_MESSAGE_QUEUE=redis_url, SOCKETIO_CHANNEL=channel).app_context():
            notify.emit_after_commit("event", {"type": kind}, room=room)
            db.session.commit()
    assert connected_client.arrived.wait(10)
    time.sleep(0.3)  # give a wrongly delivered first event time to arrive too
    assert [event["type"] for event in connected_client.events] == ["test.here"]
