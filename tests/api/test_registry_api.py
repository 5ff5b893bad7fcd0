"""GET /api/v1/parties and /api/v1/authorities, with pagination."""

from __future__ import annotations

import pytest

from jit.models import AuthorityKind
from tests import factories
from tests.conftest import sign_in_api


@pytest.fixture
def auth_headers(client, make_user):
    return {"Authorization": f"Bearer {sign_in_api(client, make_user())}"}


def test_parties_list_every_cis_party_with_treaty_dates(client, auth_headers):
    body = client.get("/api/v1/parties", headers=auth_headers).get_json()
    assert body["next_cursor"] is None
    by_code = {party["code"]: party for party in body["items"]}
    assert sorted(by_code) == ["AM", "AZ", "BY", "KG", "KZ", "MD", "RU", "TJ", "TM", "UZ"]
    assert by_code["BY"] == {
        "code": "BY", "name_en": "Republic of Belarus", "name_ru": "Республика Беларусь",
        "agreement_2015_in_force_on": None, "chisinau_in_force_on": None,
    }
    assert by_code["RU"]["chisinau_in_force_on"] == "2023-06-28"


def test_parties_page_through_without_gaps_or_repeats(client, auth_headers):
    seen, cursor = [], None
    for _ in range(10):
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/parties", query_string=query, headers=auth_headers).get_json()
        assert len(body["items"]) <= 3
        seen += [party["code"] for party in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["AM", "AZ", "BY", "KG", "KZ", "MD", "RU", "TJ", "TM", "UZ"]


@pytest.mark.parametrize(("query", "field"), [({"limit": 0}, "limit"), ({"limit": 501}, "limit"),
                                              ({"limit": "many"}, "limit"), ({"cursor": "%%%"}, "cursor")])
def test_bad_paging_arguments_name_the_field(client, auth_headers, query, field):
    response = client.get("/api/v1/parties", query_string=query, headers=auth_headers)
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]


def test_registry_needs_a_signed_in_caller(client):
    for path in ("/api/v1/parties", "/api/v1/authorities"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthenticated"


def test_authorities_filter_by_party_and_kind(app, client, auth_headers):
    with app.app_context():
        central = factories.create_authority("BY", AuthorityKind.CENTRAL, name_en="Investigative Committee")
        factories.create_authority("BY", AuthorityKind.COMPETENT)
        factories.create_authority("KZ", AuthorityKind.CENTRAL)
        central_id = central.id
    body = client.get("/api/v1/authorities", query_string={"party": "by", "kind": "central"},
                      headers=auth_headers).get_json()
    assert [item["id"] for item in body["items"]] == [central_id]
    item = body["items"][0]
    assert item["party"] == "BY"
    assert item["kind"] == "central"
    assert item["listed_on"] == "2020-01-01"
    assert item["delisted_on"] is None
    assert len(client.get("/api/v1/authorities", headers=auth_headers).get_json()["items"]) == 3


def test_unknown_authority_kind_is_refused(client, auth_headers):
    response = client.get("/api/v1/authorities", query_string={"kind": "supreme"}, headers=auth_headers)
    assert response.status_code == 422
    assert "kind" in response.get_json()["error"]["fields"]
