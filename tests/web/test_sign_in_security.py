"""Lockout, session limits and rotation, and the second factor, through the pages and the API."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest

from jit.extensions import db, socketio
from jit.models import User
from tests.conftest import Clock, client_from, csrf_token_in, sign_in_api, sign_in_page


def _token_attempt(client, user, password, otp=None):
    body = {"username": user.username, "password": password, **({"otp": otp} if otp else {})}
    return client.post("/api/v1/auth/token", json=body)


# --- throttling (issue 13, finding 7) -------------------------------------------------------

def _answer(response) -> tuple:
    """Status, body and, in whole minutes, Retry-After: the per-address rate limiter re-derives the
    header from its own clock, a second either way of ours."""
    retry_after = response.headers.get("Retry-After")
    return response.status_code, response.get_json(), round(int(retry_after) / 60) if retry_after else None


def test_unknown_and_known_usernames_are_answered_alike(app, make_user, clock: Clock):
    user = make_user()
    answers = {}
    for name in (user.username, "no.such.person"):
        client = client_from(app, "10.0.0.7")
        attempts = [_answer(client.post("/api/v1/auth/token", json={"username": name, "password": "wrong password!"}))
                    for _ in range(6)]
        answers[name] = attempts
    assert answers[user.username] == answers["no.such.person"]
    assert [status for status, _body, _wait in answers["no.such.person"]] == [401] * 5 + [429]
    _status, body, retry_after_minutes = answers["no.such.person"][-1]
    assert (body["error"]["code"], retry_after_minutes) == ("rate_limited", 15)
    # Held back, even the right password is refused from there, the same way.
    assert _answer(_token_attempt(client_from(app, "10.0.0.7"), user, user.password)) == answers[user.username][-1]


def test_an_unknown_username_costs_a_password_hash_like_a_known_one(app, make_user, monkeypatch):
    from jit.services import passwords

    user = make_user()
    verified = []
    original = passwords.matches

    def counting(stored, given):
        verified.append(stored)
        return original(stored, given)

    monkeypatch.setattr(passwords, "matches", counting)
    for name in (user.username, "no.such.person"):
        app.test_client().post("/api/v1/auth/token", json={"username": name, "password": "wrong password!"})
    assert len(verified) == 2 and all(stored.startswith("$argon2id$") for stored in verified)


def test_throttling_slides_instead_of_locking(app, make_user, clock: Clock):
    user = make_user()
    client = client_from(app, "10.0.0.7")
    for _ in range(5):
        assert _token_attempt(client, user, "wrong password!").status_code == 401
        clock.advance(minutes=2)
    refused = _token_attempt(client, user, user.password)
    assert refused.status_code == 429
    assert abs(int(refused.headers["Retry-After"]) - 5 * 60) <= 1  # when the first failure leaves the window
    clock.advance(minutes=5, seconds=1)
    assert _token_attempt(client, user, user.password).status_code == 201


def test_an_attacker_elsewhere_cannot_lock_out_the_owner(app, make_user, clock: Clock):
    """Failures from an address the owner never signed in from hold back that address only, where
    the owner signs in from an address they used before."""
    admin = make_user(roles=("admin",))
    owner = client_from(app, "192.0.2.10")
    assert _token_attempt(owner, admin, admin.password).status_code == 201
    attacker = client_from(app, "198.51.100.66")
    statuses = [_token_attempt(attacker, admin, "guess number one").status_code for _ in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    assert _token_attempt(owner, admin, admin.password).status_code == 201


def test_no_more_than_five_guesses_per_fifteen_minutes_from_all_new_addresses(app, make_user, clock: Clock):
    user = make_user()
    for number in range(5):
        assert _token_attempt(client_from(app, f"203.0.113.{number}"), user, "wrong password!").status_code == 401
    for address in ("203.0.113.99", "2001:db8::1"):
        assert _token_attempt(client_from(app, address), user, user.password).status_code == 429
    clock.advance(minutes=15, seconds=1)
    assert _token_attempt(client_from(app, "203.0.113.99"), user, user.password).status_code == 201


def test_wrong_second_factor_codes_count_too(app, client, make_user, clock: Clock):
    user = make_user()
    sign_in_page(client, user)
    _enrol(client, clock)
    attacker = client_from(app, "198.51.100.66")
    statuses = [_token_attempt(attacker, user, user.password, otp="000000").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_throttling_through_the_login_page_is_audited_as_denied(app, make_user, clock: Clock):
    user = make_user()
    client = client_from(app, "10.0.0.7")
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    answers = [client.post("/login", data={"username": user.username, "password": "nope nope nope",
                                           "csrf_token": token}) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [401] * 5 + [429]
    assert answers[-1].headers["Retry-After"]
    from jit.models import AuditEvent
    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(operation="auth.password").all()
        assert [event.outcome for event in events] == ["denied"] * 6
        assert events[-1].details["code"] == "rate_limited"
        assert events[-1].details["path"] == "POST /login"
        assert events[-1].source_address == "10.0.0.7"


def test_admin_unlock_clears_the_failures_and_is_audited(app, make_user, clock: Clock):
    user, admin, investigator = make_user(), make_user(roles=("admin",)), make_user()
    traveller = client_from(app, "203.0.113.5")
    for _ in range(5):
        _token_attempt(client_from(app, "198.51.100.66"), user, "wrong password!")
    assert _token_attempt(traveller, user, user.password).status_code == 429
    not_admin = {"Authorization": f"Bearer {sign_in_api(app.test_client(), investigator)}"}
    refused = app.test_client().post(f"/api/v1/users/{user.id}/unlock", headers=not_admin)
    assert refused.status_code == 403
    headers = {"Authorization": f"Bearer {sign_in_api(app.test_client(), admin)}"}
    assert app.test_client().post(f"/api/v1/users/{user.id}/unlock", headers=headers).status_code == 204
    assert _token_attempt(traveller, user, user.password).status_code == 201
    assert app.test_client().post("/api/v1/users/999999/unlock", headers=headers).status_code == 404
    from jit.models import AuditEvent
    with app.app_context():
        unlocks = db.session.query(AuditEvent).filter_by(operation="user.unlock").order_by(AuditEvent.id).all()
        assert [(event.outcome, event.object_id) for event in unlocks][:2] == [("denied", None), ("ok", str(user.id))]
        assert unlocks[1].user_id == admin.id and unlocks[1].details["cleared_sign_in_failures"] == 5


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


def test_simultaneous_guesses_do_not_slip_past_the_count(app):
    """Ten guesses at one name sent at the same moment: five are tried, the rest refused."""
    start = threading.Barrier(10)
    app.test_client().get("/api/v1/me")  # the audit ledger's first entry, written before the rush

    def guess(number: int) -> int:
        client = client_from(app, "198.51.100.66")
        start.wait()
        return client.post("/api/v1/auth/token", json={"username": "target", "password": f"guess {number}"}).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = sorted(pool.map(guess, range(10)))
    assert statuses == [401] * 5 + [429] * 5
