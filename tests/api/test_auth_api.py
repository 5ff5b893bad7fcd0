"""POST/DELETE /api/v1/auth/token, GET /api/v1/me and the error format."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_in, sign_in_api, sign_in_page


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()["error"]
    assert body["code"] == code
    assert body["message"]
    assert isinstance(body["fields"], dict)
    return body


def test_token_for_valid_credentials(client, make_user):
    user = make_user(username="a.nurlanov", full_name="Алибек Нурланов", time_zone="Asia/Almaty")
    response = client.post("/api/v1/auth/token", json={"username": "a.nurlanov", "password": user.password})
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["token"]) >= 40
    assert body["expires_at"].endswith("+00:00")
    assert body["user"]["username"] == "a.nurlanov"
    assert body["user"]["full_name"] == "Алибек Нурланов"
    assert body["user"]["roles"] == ["investigator"]
    assert "Алибек" in response.get_data(as_text=True)  # UTF-8, not \\u escapes


def test_unknown_user_and_wrong_password_get_the_same_answer(client, make_user):
    user = make_user()
    unknown = client.post("/api/v1/auth/token", json={"username": "no.such.user", "password": "whatever-1234"})
    wrong = client.post("/api/v1/auth/token", json={"username": user.username, "password": "not the password"})
    assert _assert_error(unknown, 401, "invalid_credentials") == _assert_error(wrong, 401, "invalid_credentials")


def test_malformed_json_is_a_400_in_the_error_format(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    _assert_error(response, 400, "bad_request")


def test_missing_field_is_named(client):
    response = client.post("/api/v1/auth/token", json={"username": "someone"})
    body = _assert_error(response, 422, "invalid")
    assert set(body["fields"]) == {"password"}


def test_errors_answer_in_the_callers_language(client):
    response = client.post(
        "/api/v1/auth/token", json={"username": "someone"}, headers={"Accept-Language": "ru"}
    )
    body = _assert_error(response, 422, "invalid")
    assert body["message"] == "Некоторые поля заполнены неверно."
    assert body["fields"]["password"] == "Обязательное поле."


def test_unknown_api_route_is_a_json_404(client):
    _assert_error(client.get("/api/v1/no/such/thing"), 404, "not_found")


def test_wrong_method_is_a_json_405(client):
    _assert_error(client.put("/api/v1/auth/token", json={}), 405, "method_not_allowed")


def test_me_requires_a_token(client):
    _assert_error(client.get("/api/v1/me"), 401, "unauthenticated")
    _assert_error(client.get("/api/v1/me", headers={"Authorization": "Bearer forged"}), 401, "unauthenticated")


def test_me_describes_the_caller(app, client, make_user):
    from jit.extensions import db
    from jit.models import AuthorityKind
    from tests import factories

    with app.app_context():
        authority = factories.create_authority("KZ", AuthorityKind.CENTRAL, name_en="MVD of Kazakhstan",
                                               name_ru="МВД Республики Казахстан")
        authority_id = authority.id
        db.session.expunge_all()
    user = make_user(authority=authority, time_zone="Asia/Almaty", roles=("investigator", "legal_officer"))
    token = sign_in_api(client, user)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    assert me.status_code == 200
    assert me.get_json() == {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "authority": {"id": authority_id, "name": "MVD of Kazakhstan", "party": "KZ"},
        "roles": ["investigator", "legal_officer"],
        "locale": None,
        "time_zone": "Asia/Almaty",
        "must_change_password": False,
    }


def test_revoked_token_stops_working(client, make_user):
    token = sign_in_api(client, make_user())
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    _assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthenticated")
    _assert_error(client.delete("/api/v1/auth/token", headers=headers), 401, "unauthenticated")


def test_delete_token_without_a_bearer_token_is_401(client):
    _assert_error(client.delete("/api/v1/auth/token"), 401, "unauthenticated")


def test_cookie_session_writes_to_the_api_need_the_csrf_token(client, make_user):
    user = make_user()
    assert sign_in_page(client, user).status_code == 302
    refused = client.post("/api/v1/auth/token", json={"username": user.username, "password": user.password})
    _assert_error(refused, 400, "csrf_failed")
    token = csrf_token_in(client.get("/").get_data(as_text=True))
    accepted = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": user.password},
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201
    # Reads with the cookie alone are fine.
    assert client.get("/api/v1/me").get_json()["username"] == user.username


def test_login_attempts_are_rate_limited_per_address(make_app):
    client = make_app(JIT_LOGIN_RATE_LIMIT="3 per minute").test_client()
    statuses = [
        client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}).status_code for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    _assert_error(client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}), 429, "rate_limited")


@pytest.mark.redis
def test_login_rate_limit_is_shared_between_processes_through_redis(make_app, redis_url):
    """Two server processes count one address's attempts together when Redis stores the limit."""

    def server():
        return make_app(JIT_LOGIN_RATE_LIMIT="3 per minute", SOCKETIO_MESSAGE_QUEUE=redis_url,
                        RATELIMIT_STORAGE_URI=redis_url)

    attempt = {"username": "x", "password": "y"}
    first = server().test_client()
    assert [first.post("/api/v1/auth/token", json=attempt).status_code for _ in range(3)] == [401] * 3
    second = server().test_client()
    _assert_error(second.post("/api/v1/auth/token", json=attempt), 429, "rate_limited")
