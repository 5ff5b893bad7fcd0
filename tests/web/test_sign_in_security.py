"""Lockout, session limits and rotation, and the second factor, through the pages and the API."""

from __future__ import annotations

import re

import pyotp
import pytest

from jit.extensions import db, socketio
from jit.models import User
from tests.conftest import Clock, csrf_token_in, sign_in_api, sign_in_page


def _token_attempt(client, user, password, otp=None):
    body = {"username": user.username, "password": password, **({"otp": otp} if otp else {})}
    return client.post("/api/v1/auth/token", json=body)


# --- lockout -------------------------------------------------------------------------------

def test_five_failures_within_fifteen_minutes_lock_the_account_for_thirty(client, make_user, clock: Clock):
    user = make_user()
    for _ in range(4):
        assert _token_attempt(client, user, "wrong password!").status_code == 401
        clock.advance(minutes=3)
    fifth = _token_attempt(client, user, "wrong password!")
    assert fifth.status_code == 429
    assert fifth.get_json()["error"]["code"] == "locked"
    # Even the right password is refused while locked.
    assert _token_attempt(client, user, user.password).get_json()["error"]["code"] == "locked"
    clock.advance(minutes=29)
    assert _token_attempt(client, user, user.password).status_code == 429
    clock.advance(minutes=2)
    assert _token_attempt(client, user, user.password).status_code == 201


def test_failures_spread_beyond_the_window_do_not_lock(client, make_user, clock: Clock):
    user = make_user()
    for _ in range(8):
        assert _token_attempt(client, user, "wrong password!").status_code == 401
        clock.advance(minutes=4)
    assert _token_attempt(client, user, user.password).status_code == 201


def test_a_success_resets_the_count(client, make_user, clock: Clock):
    user = make_user()
    for _ in range(4):
        _token_attempt(client, user, "wrong password!")
    assert _token_attempt(client, user, user.password).status_code == 201
    for _ in range(4):
        assert _token_attempt(client, user, "wrong password!").status_code == 401


def test_lockout_through_the_login_page_is_audited(app, client, make_user, clock: Clock):
    user = make_user()
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    statuses = [client.post("/login", data={"username": user.username, "password": "nope nope nope",
                                            "csrf_token": token}).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    from jit.models import AuditEvent
    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(operation="auth.password").all()
        assert [event.outcome for event in events] == ["denied"] * 4 + ["error"]
        assert events[-1].details["code"] == "locked"
        assert "locked_until" in events[-1].details
        assert db.session.get(User, user.id).locked_until is not None


# --- sessions ------------------------------------------------------------------------------

def test_idle_session_expires_after_thirty_minutes(client, make_user, clock: Clock):
    sign_in_page(client, make_user())
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=29)  # 29 minutes since the last request: still alive
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    expired = client.get("/", headers={"Accept-Language": "en"})
    assert expired.status_code == 302
    assert expired.headers["Location"].startswith("/login")
    assert "Your session has expired" in client.get("/login", headers={"Accept-Language": "en"}).get_data(True)
    assert client.get("/").status_code == 302


def test_session_ends_after_twelve_hours_even_when_busy(client, make_user, clock: Clock):
    sign_in_page(client, make_user())
    for _ in range(35):  # a request every 20 minutes for 11 h 40 min
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200
    clock.advance(minutes=21)
    assert client.get("/").status_code == 302


def test_expired_cookie_session_is_refused_by_the_api(client, make_user, clock: Clock):
    sign_in_page(client, make_user())
    assert client.get("/api/v1/me").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_session_is_replaced_on_sign_in(client, make_user):
    user = make_user()
    client.get("/login")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    sign_in_page(client, user)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["_user_id"] == str(user.id)


def test_limits_are_configurable(make_app, clock: Clock):
    from datetime import timedelta

    app = make_app(JIT_SESSION_IDLE_TIMEOUT=timedelta(minutes=5))
    client = app.test_client()
    with app.app_context():
        from tests import factories
        user = factories.create_user()
    sign_in_page(client, user)
    clock.advance(minutes=6)
    assert client.get("/").status_code == 302


def test_sign_out_disconnects_that_sessions_sockets(app, client, make_user):
    user = make_user()
    sign_in_page(client, user)
    browser_socket = socketio.test_client(app, flask_test_client=client)
    api_socket = socketio.test_client(app, auth={"token": sign_in_api(app.test_client(), user)})
    assert browser_socket.is_connected() and api_socket.is_connected()
    client.post("/logout", data={"csrf_token": csrf_token_in(client.get("/").get_data(as_text=True))})
    assert not browser_socket.is_connected()
    assert api_socket.is_connected()
    api_socket.disconnect()


# --- second factor -------------------------------------------------------------------------

def _enrol(client, clock: Clock) -> tuple[str, list[str]]:
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    token = csrf_token_in(page)
    wrong = client.post("/account/second-factor", data={"code": "000000", "csrf_token": token},
                        headers={"Accept-Language": "en"})
    assert "The code does not match" in wrong.get_data(as_text=True)
    done = client.post("/account/second-factor", data={"code": pyotp.TOTP(secret).at(clock.now), "csrf_token": token})
    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", done.get_data(as_text=True))
    return secret, codes


def _sign_in_with_code(app, user, code: str):
    browser = app.test_client()
    first = sign_in_page(browser, user)
    assert first.headers["Location"] == "/login/code"
    token = csrf_token_in(browser.get("/login/code").get_data(as_text=True))
    return browser, browser.post("/login/code", data={"code": code, "csrf_token": token})


def _cookie_session(app, client) -> dict:
    """What the browser holds: the session cookie decoded (signed, not encrypted: anyone can read it)."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(client.get_cookie("session").value)


def test_the_secret_being_set_up_stays_on_the_server(app, client, make_user, clock: Clock):
    user = make_user()
    sign_in_page(client, user)
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    assert secret not in repr(_cookie_session(app, client))
    # Another browser of the same account is shown the same pending secret, from the database.
    other = app.test_client()
    sign_in_page(other, user)
    assert f"<code>{secret}</code>" in other.get("/account/second-factor").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret is None  # pending until a code confirms it
    _enrol(client, clock)
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret == secret


def test_signed_in_pages_and_the_api_are_not_stored(client, make_user):
    sign_in_page(client, make_user())
    for path in ["/", "/account/", "/account/second-factor", "/api/v1/me", "/api/v1/groups"]:
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    assert client.get("/static/css/app.css").headers.get("Cache-Control") != "no-store"


def test_enrol_then_sign_in_with_a_code(app, client, make_user, clock: Clock):
    user = make_user()
    sign_in_page(client, user)
    secret, codes = _enrol(client, clock)
    assert len(codes) == 10 and len(set(codes)) == 10
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.has_second_factor
        assert all(code.replace("-", "") not in recovery.code_hash for code in codes
                   for recovery in stored.recovery_codes)

    clock.advance(seconds=60)
    code = pyotp.TOTP(secret).at(clock.now)
    browser, answer = _sign_in_with_code(app, user, code)
    assert answer.headers["Location"] == "/"
    assert browser.get("/").status_code == 200
    # The same code cannot be used twice.
    _, replay = _sign_in_with_code(app, user, code)
    assert replay.status_code == 401


def test_recovery_code_works_once(app, client, make_user, clock: Clock):
    user = make_user()
    sign_in_page(client, user)
    _, codes = _enrol(client, clock)
    _, first = _sign_in_with_code(app, user, codes[3])
    assert first.status_code == 302
    _, again = _sign_in_with_code(app, user, codes[3])
    assert again.status_code == 401


def test_api_asks_for_the_code(app, client, make_user, clock: Clock):
    user = make_user()
    sign_in_page(client, user)
    secret, _ = _enrol(client, clock)
    missing = _token_attempt(app.test_client(), user, user.password)
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (401, "otp_required")
    wrong = _token_attempt(app.test_client(), user, user.password, otp="123456")
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (401, "invalid_credentials")
    clock.advance(seconds=60)
    right = _token_attempt(app.test_client(), user, user.password, otp=pyotp.TOTP(secret).at(clock.now))
    assert right.status_code == 201


@pytest.fixture
def strict_app(make_app):
    """An app where every account must have a second factor (the production default)."""
    return make_app(JIT_REQUIRE_2FA=True)


def test_mandatory_second_factor_sends_users_to_set_it_up(strict_app, clock: Clock):
    from tests import factories

    with strict_app.app_context():
        user = factories.create_user()
    client = strict_app.test_client()
    assert sign_in_page(client, user).headers["Location"] == "/account/second-factor"
    blocked = client.get("/audit/")
    assert blocked.status_code == 302
    assert blocked.headers["Location"] == "/account/second-factor"
    refused = _token_attempt(strict_app.test_client(), user, user.password)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "otp_enrolment_required")
    _enrol(client, clock)
    assert client.get("/audit/").status_code == 200


def test_admin_resets_a_lost_factor(app, client, make_user, clock: Clock):
    user = make_user()
    sign_in_page(client, user)
    _enrol(client, clock)
    admin = make_user(roles=("admin",))
    admin_client = app.test_client()
    headers = {"Authorization": f"Bearer {sign_in_api(admin_client, admin)}"}
    assert admin_client.delete(f"/api/v1/users/{user.id}/second-factor", headers=headers).status_code == 204
    assert _token_attempt(app.test_client(), user, user.password).status_code == 201
    from jit.models import AuditEvent
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(operation="user.second_factor_reset").one()
        assert (event.user_id, event.object_id, event.outcome) == (admin.id, str(user.id), "ok")
