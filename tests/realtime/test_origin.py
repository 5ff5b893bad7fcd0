"""A Socket.IO handshake from a foreign Origin is refused, even with a valid token."""

from __future__ import annotations

import pytest
import socketio as socketio_client

from tests.conftest import sign_in_api


def _connect(url: str, token: str, origin: str) -> socketio_client.Client:
    client = socketio_client.Client(reconnection=False)
    client.connect(url, auth={"token": token}, headers={"Origin": origin}, transports=["polling"], wait_timeout=5)
    return client


def test_same_origin_connects_and_foreign_origin_is_refused(live_server, client, make_user):
    token = sign_in_api(client, make_user())
    same = _connect(live_server, token, live_server)
    assert same.connected
    same.disconnect()
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        _connect(live_server, token, "http://evil.example")
