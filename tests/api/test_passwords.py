"""Changing and resetting passwords, and what makes one acceptable (issue 13, finding 8)."""

from __future__ import annotations

import pytest

from jit.extensions import db
from jit.models import AuditEvent, User
from tests.conftest import bearer, sign_in_api

WEAK = {
    "qwertyuiop123": "common",  # a keyboard walk on the common-passwords list
    "aaaaaaaaaaaaaaaa": "repeated",
    "abcdefghijklmnop": "sequence",
    "пароль123456": "common in Russian",
    "1234567890123": "digits",
    "short pass": "short",
}


NEW = "seven ravens over the steppe"


def _token_for(client, username: str, password: str):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def _headers_for(client, username: str, password: str) -> dict:
    return {"Authorization": f"Bearer {_token_for(client, username, password).get_json()['token']}"}


def _change(client, headers, current: str, new: str):
    return client.post("/api/v1/me/password", json={"current_password": current, "new_password": new},
                       headers=headers)


def _refused_field(response) -> list[str]:
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "invalid"
    return list(response.get_json()["error"]["fields"])


def test_a_user_changes_their_password(app, client, make_user):
    user = make_user()
    headers = bearer(client, user)
    other_token = {"Authorization": f"Bearer {sign_in_api(client, user)}"}
    assert _change(client, headers, user.password, NEW).status_code == 204
    # Every token of the account is revoked, the one used for the change too.
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers=other_token).status_code == 401
    assert _token_for(client, user.username, user.password).status_code == 401
    assert _token_for(client, user.username, NEW).status_code == 201
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(operation="user.password_change").one()
        assert (event.user_id, event.object_id, event.outcome) == (user.id, str(user.id), "ok")
        assert event.details["tokens_revoked"] == 2


def test_the_current_password_is_required(client, make_user):
    user = make_user()
    headers = bearer(client, user)
    assert _refused_field(_change(client, headers, "not my password", NEW)) == [
        "current_password"]
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # nothing changed


@pytest.mark.parametrize("weak", sorted(WEAK), ids=lambda weak: WEAK[weak])
def test_weak_new_passwords_are_refused_naming_the_field(client, make_user, weak):
    user = make_user()
    response = _change(client, bearer(client, user), user.password, weak)
    assert _refused_field(response) == ["new_password"]
    assert response.get_json()["error"]["fields"]["new_password"]


def test_a_password_containing_the_username_is_refused(client, make_user):
    user = make_user(username="gulnara.sapar")
    assert _refused_field(_change(client, bearer(client, user), user.password, "gulnara.sapar2025!")) == [
        "new_password"]


def test_reused_passwords_are_refused(client, make_user):
    user = make_user()
    assert _refused_field(_change(client, bearer(client, user), user.password, user.password)) == ["new_password"]
    assert _change(client, bearer(client, user), user.password, NEW).status_code == 204
    headers = _headers_for(client, user.username, NEW)
    # Back to the one before: refused too.
    assert _refused_field(_change(client, headers, NEW, user.password)) == ["new_password"]


def test_wrong_current_passwords_are_throttled_like_sign_ins(client, make_user):
    user = make_user()
    headers = bearer(client, user)
    statuses = [_change(client, headers, "not my password", NEW).status_code
                for _ in range(6)]
    assert statuses == [422] * 5 + [429]


def test_weak_passwords_are_refused_when_accounts_are_created(app, client, make_user):
    headers = bearer(client, make_user(roles=("admin",)))
    body = {"username": "g.sapar", "full_name": "Гульнара Сапар", "password": "qwertyuiop123",
            "roles": ["legal_officer"]}
    assert _refused_field(client.post("/api/v1/users", json=body, headers=headers)) == ["password"]
    result = app.test_cli_runner().invoke(args=[
        "jit", "create-user", "--username", "first.admin", "--password", "password1234", "--full-name", "Первый",
        "--role", "admin"])
    assert result.exit_code != 0
    assert "password:" in result.output
    with app.app_context():
        assert db.session.query(User).filter(User.username.in_(["g.sapar", "first.admin"])).count() == 0


def test_an_admin_reset_forces_a_change_at_the_next_sign_in(app, client, make_user):
    user, admin = make_user(), make_user(roles=("admin",))
    old_token = bearer(client, user)
    refused = client.post(f"/api/v1/users/{user.id}/password-reset", headers=bearer(client, make_user()))
    assert refused.status_code == 403
    admin_headers = bearer(client, admin)
    own = client.post(f"/api/v1/users/{admin.id}/password-reset", headers=admin_headers)
    assert own.status_code == 403  # their own goes through POST /me/password, with the current one
    reset = client.post(f"/api/v1/users/{user.id}/password-reset", headers=admin_headers)
    assert reset.status_code == 200
    temporary = reset.get_json()["temporary_password"]
    assert reset.get_json()["user"]["id"] == user.id
    assert client.get("/api/v1/me", headers=old_token).status_code == 401  # tokens revoked
    assert _token_for(client, user.username, user.password).status_code == 401

    signed_in = _token_for(client, user.username, temporary)
    assert signed_in.status_code == 201
    assert signed_in.get_json()["user"]["must_change_password"] is True
    headers = {"Authorization": f"Bearer {signed_in.get_json()['token']}"}
    blocked = client.get("/api/v1/groups", headers=headers)
    assert (blocked.status_code, blocked.get_json()["error"]["code"]) == (403, "password_change_required")
    assert client.get("/api/v1/me", headers=headers).get_json()["must_change_password"] is True
    # The temporary password cannot be kept.
    assert _refused_field(_change(client, headers, temporary, temporary)) == ["new_password"]
    assert _change(client, headers, temporary, NEW).status_code == 204
    fresh = _headers_for(client, user.username, NEW)
    assert client.get("/api/v1/groups", headers=fresh).status_code == 200
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(operation="user.password_reset", outcome="ok").one()
        assert (event.user_id, event.object_id) == (admin.id, str(user.id))
        assert temporary not in str(event.details)
        assert db.session.get(User, user.id).must_change_password is False
