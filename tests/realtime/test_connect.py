"""Socket.IO connections: only a valid token or a signed-in session gets in."""

from __future__ import annotations

from jit.extensions import socketio
from tests.conftest import sign_in_api, sign_in_page


def test_anonymous_connect_is_refused(app):
    client = socketio.test_client(app)
    assert not client.is_connected()


def test_anonymous_connect_is_refused_even_after_other_apps_were_built(make_app):
    """Handlers are registered before init_app, so every app from the factory has them."""
    apps = [make_app() for _ in range(3)]
    for app in (apps[0], apps[-1]):
        assert not socketio.test_client(app).is_connected()


def test_forged_token_is_refused(app):
    assert not socketio.test_client(app, auth={"token": "forged"}).is_connected()


def test_token_connects(app, client, make_user):
    token = sign_in_api(client, make_user())
    socket = socketio.test_client(app, auth={"token": token})
    assert socket.is_connected()
    socket.disconnect()


def test_session_cookie_connects(app, client, make_user):
    sign_in_page(client, make_user())
    socket = socketio.test_client(app, flask_test_client=client)
    assert socket.is_connected()
    socket.disconnect()


def test_revoking_a_token_disconnects_its_sockets_only(app, client, make_user):
    user = make_user()
    revoked = sign_in_api(client, user)
    kept = sign_in_api(client, user)
    revoked_socket = socketio.test_client(app, auth={"token": revoked})
    kept_socket = socketio.test_client(app, auth={"token": kept})
    assert revoked_socket.is_connected() and kept_socket.is_connected()

    response = client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {revoked}"})

    assert response.status_code == 204
    assert not revoked_socket.is_connected()
    assert kept_socket.is_connected()
    assert not socketio.test_client(app, auth={"token": revoked}).is_connected()
    kept_socket.disconnect()
