"""Registry and account administration through the API: admins only, validated, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jit.extensions import db, socketio
from jit.models import AuditEvent
from tests.conftest import bearer, sign_in_api

AUTHORITY = {"party": "KZ", "name_en": "Anti-Corruption Agency", "name_ru": "Антикоррупционная служба",
             "kind": "competent", "listed_on": "2019-06-01"}


@pytest.fixture
def admin_headers(client, make_user):
    return bearer(client, make_user(roles=("admin",)))


@pytest.fixture
def investigator_headers(client, make_user):
    return bearer(client, make_user())


def test_admin_sets_and_clears_treaty_dates(client, admin_headers):
    response = client.patch("/api/v1/parties/kz", json={"agreement_2015_in_force_on": "2017-05-15",
                                                        "chisinau_in_force_on": "2004-04-19"}, headers=admin_headers)
    assert response.status_code == 200
    assert response.get_json()["agreement_2015_in_force_on"] == "2017-05-15"
    cleared = client.patch("/api/v1/parties/KZ", json={"chisinau_in_force_on": None}, headers=admin_headers)
    assert cleared.get_json()["chisinau_in_force_on"] is None
    assert cleared.get_json()["agreement_2015_in_force_on"] == "2017-05-15"


@pytest.mark.parametrize(("path", "body", "status", "field"), [
    ("/api/v1/parties/XX", {"chisinau_in_force_on": "2004-01-01"}, 404, None),
    ("/api/v1/parties/KZ", {"chisinau_in_force_on": "31.12.2004"}, 422, "chisinau_in_force_on"),
    ("/api/v1/parties/KZ", {"flag": "blue"}, 422, "flag"),
])
def test_party_update_refusals(client, admin_headers, path, body, status, field):
    response = client.patch(path, json=body, headers=admin_headers)
    assert response.status_code == status
    assert list(response.get_json()["error"]["fields"]) == ([field] if field else [])


def test_admin_lists_and_delists_an_authority(app, client, admin_headers):
    created = client.post("/api/v1/authorities", json=AUTHORITY, headers=admin_headers)
    assert created.status_code == 201
    authority = created.get_json()
    assert (authority["party"], authority["kind"], authority["delisted_on"]) == ("KZ", "competent", None)
    too_early = client.patch(f"/api/v1/authorities/{authority['id']}", json={"delisted_on": "2019-01-01"},
                             headers=admin_headers)
    assert (too_early.status_code, list(too_early.get_json()["error"]["fields"])) == (422, ["delisted_on"])
    delisted = client.patch(f"/api/v1/authorities/{authority['id']}", json={"delisted_on": "2024-12-31"},
                            headers=admin_headers)
    assert delisted.get_json()["delisted_on"] == "2024-12-31"
    with app.app_context():
        operations = db.session.scalars(select(AuditEvent.operation).where(AuditEvent.object_type == "authority",
                                                                            AuditEvent.outcome == "ok")).all()
    assert operations.count("authority.create") == 1
    assert operations.count("authority.update") == 1


@pytest.mark.parametrize(("body", "fields"), [
    ({**AUTHORITY, "party": "FR"}, {"party"}),
    ({**AUTHORITY, "name_en": " ", "name_ru": ""}, {"name_en", "name_ru"}),
    ({**AUTHORITY, "kind": "supreme"}, {"kind"}),
    ({key: value for key, value in AUTHORITY.items() if key != "listed_on"}, {"listed_on"}),
])
def test_authority_creation_names_bad_fields(client, admin_headers, body, fields):
    response = client.post("/api/v1/authorities", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields


def test_registry_changes_are_for_admins_only(client, investigator_headers, admin_headers):
    authority = client.post("/api/v1/authorities", json=AUTHORITY, headers=admin_headers).get_json()
    for method, path, body in [("patch", "/api/v1/parties/KZ", {"chisinau_in_force_on": None}),
                               ("post", "/api/v1/authorities", AUTHORITY),
                               ("patch", f"/api/v1/authorities/{authority['id']}", {"name_en": "X"}),
                               ("post", "/api/v1/users", {"username": "x.y.z", "full_name": "X", "password": "p" * 12,
                                                          "roles": ["admin"]})]:
        response = getattr(client, method)(path, json=body, headers=investigator_headers)
        assert (response.status_code, response.get_json()["error"]["code"]) == (403, "forbidden"), path


def test_admin_creates_a_user_who_can_sign_in(client, admin_headers):
    body = {"username": "g.sapar", "full_name": "Гульнара Сапар", "password": "a good long password",
            "roles": ["legal_officer"], "time_zone": "Asia/Almaty"}
    created = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert created.status_code == 201
    account = created.get_json()
    assert (account["roles"], account["active"], account["second_factor"]) == (["legal_officer"], True, False)
    assert "password" not in account
    assert client.post("/api/v1/auth/token", json={"username": "g.sapar", "password": body["password"]}
                       ).status_code == 201
    duplicate = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert (duplicate.status_code, list(duplicate.get_json()["error"]["fields"])) == (409, ["username"])
    bad = client.post("/api/v1/users", json={**body, "username": "other", "roles": ["root"]}, headers=admin_headers)
    assert bad.status_code == 422
    assert "roles.0" in bad.get_json()["error"]["fields"]


def test_deactivation_ends_tokens_and_sockets_at_once(app, client, make_user, admin_headers):
    user = make_user()
    token = sign_in_api(client, user)
    socket = socketio.test_client(app, auth={"token": token})
    assert socket.is_connected()
    response = client.patch(f"/api/v1/users/{user.id}", json={"active": False}, headers=admin_headers)
    assert (response.status_code, response.get_json()["active"]) == (200, False)
    assert not socket.is_connected()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    refused = client.post("/api/v1/auth/token", json={"username": user.username, "password": user.password})
    assert refused.get_json()["error"]["code"] == "invalid_credentials"


def test_admin_cannot_deactivate_themselves(client, make_user):
    admin = make_user(roles=("admin",))
    response = client.patch(f"/api/v1/users/{admin.id}", json={"active": False}, headers=bearer(client, admin))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["active"])


def test_unknown_user_is_404(client, admin_headers):
    assert client.get("/api/v1/users/99999", headers=admin_headers).status_code == 404
    assert client.delete("/api/v1/users/99999/second-factor", headers=admin_headers).status_code == 404


def test_admin_cannot_drop_their_own_admin_role(client, make_user):
    admin = make_user(roles=("admin",))
    response = client.patch(f"/api/v1/users/{admin.id}", json={"roles": ["investigator"]},
                            headers=bearer(client, admin))
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["roles"])


def test_overlong_names_are_refused_not_truncated(client, admin_headers):
    response = client.post("/api/v1/authorities", json={**AUTHORITY, "name_ru": "Я" * 301}, headers=admin_headers)
    assert (response.status_code, list(response.get_json()["error"]["fields"])) == (422, ["name_ru"])
