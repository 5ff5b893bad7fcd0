"""Browser sessions live on the server: signing out, or ending all of an account's sessions, ends
them for every copy of the cookie, on HTTP and on sockets alike."""

from __future__ import annotations

from sqlalchemy import select

from jit.extensions import db, socketio
from jit.models import User, UserSession
from jit.services import accounts
from jit.services.audit import use_case
from tests.conftest import csrf_token_in, sign_in_api, sign_in_page


def holding(app, cookie: str):
    """A client holding this session cookie, as someone who copied it would."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def sign_out(browser):
    token = csrf_token_in(browser.get("/").get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302


def test_a_copied_cookie_is_dead_after_sign_out(app, client, make_user):
    sign_in_page(client, make_user())
    cookie = client.get_cookie("session").value
    assert holding(app, cookie).get("/api/v1/me").status_code == 200
    earlier_socket = socketio.test_client(app, flask_test_client=holding(app, cookie))
    assert earlier_socket.is_connected()

    sign_out(client)

    assert not earlier_socket.is_connected()
    refused = holding(app, cookie).get("/api/v1/me")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (401, "unauthenticated")
    assert holding(app, cookie).get("/").headers["Location"].startswith("/login")
    assert not socketio.test_client(app, flask_test_client=holding(app, cookie)).is_connected()


def test_sign_in_and_out_are_recorded_on_the_server(app, client, make_user):
    user = make_user()
    sign_in_page(client, user)
    with app.app_context():
        live = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
        assert (live.ended_at, live.end_reason) == (None, None)
        assert live.started_at == live.seen_at
    sign_out(client)
    with app.app_context():
        ended = db.session.get(UserSession, live.id)
        assert ended.ended_at is not None and ended.end_reason == "signed_out"


@use_case("test.end_all_sessions")
def _end_all_sessions(actor, user_id: int, keep: str | None = None) -> int:
    """What a password change or an admin reset does inside its own use case."""
    return accounts.end_all_sessions(db.session.get(User, user_id), keep_session_key=keep)


def test_ending_all_sessions_signs_out_every_browser_and_closes_their_sockets(app, make_user):
    user = make_user()
    browsers = [app.test_client() for _ in range(3)]
    for browser in browsers:
        sign_in_page(browser, user)
    sockets = [socketio.test_client(app, flask_test_client=browser) for browser in browsers]
    api_socket = socketio.test_client(app, auth={"token": sign_in_api(app.test_client(), user)})
    assert all(socket.is_connected() for socket in [*sockets, api_socket])
    with browsers[0].session_transaction() as kept_session:
        kept = kept_session["key"]

    with app.app_context():
        assert _end_all_sessions(None, user.id, keep=kept) == 2

    assert sockets[0].is_connected() and api_socket.is_connected()
    assert not sockets[1].is_connected() and not sockets[2].is_connected()
    assert browsers[0].get("/api/v1/me").status_code == 200
    for browser in browsers[1:]:
        assert browser.get("/api/v1/me").status_code == 401
        assert not socketio.test_client(app, flask_test_client=browser).is_connected()
    with app.app_context():
        reasons = db.session.scalars(select(UserSession.end_reason).where(UserSession.user_id == user.id)).all()
    assert sorted(reasons, key=str) == [None, "revoked", "revoked"]
    sockets[0].disconnect()
    api_socket.disconnect()


def test_deactivating_an_account_ends_its_sessions(app, client, make_user):
    user = make_user()
    sign_in_page(client, user)
    admin_api = app.test_client()
    headers = {"Authorization": f"Bearer {sign_in_api(admin_api, make_user(roles=('admin',)))}"}
    assert admin_api.patch(f"/api/v1/users/{user.id}", json={"active": False}, headers=headers).status_code == 200
    with app.app_context():
        ended = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
        assert ended.end_reason == "deactivated"
