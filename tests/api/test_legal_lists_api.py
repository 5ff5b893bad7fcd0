"""The legal officer's lists through the API, each filter as a query parameter: the compliance
findings (`GET /compliance/findings`) and the register (`GET /legal-requests`), paged by cursor."""

from __future__ import annotations

import pytest

from tests.api.test_legal_requests_api import post
from tests.groups_support import activate


@pytest.fixture
def register(cast) -> dict:
    """An active BY–KZ group and requests of each kind: ids by what they are."""
    gid = activate(cast)["id"]
    made = {
        "overdue_kz": post(cast, due_on="2025-05-01"),
        "overdue_am": post(cast, requested_party="AM", sent_on="2025-06-10", due_on="2025-07-01", group_id=gid),
        "bilateral": post(cast, instrument="bilateral", instrument_reason="Двусторонний договор",
                          due_on="2099-01-01", sent_on="2025-08-01"),
        "incoming": post(cast, direction="incoming", requesting_authority_id=cast.ids["mvd_kz"],
                         requested_party="BY", persons=[], substance="", confidential=None, sent_on="2025-09-01",
                         due_on=None),
    }
    assert all(response.status_code == 201 for response in made.values())
    return {"gid": gid, **{name: response.get_json()["id"] for name, response in made.items()}}


def findings(cast, who: str = "by_legal", **query):
    return cast.api.get("/api/v1/compliance/findings", query_string=query, headers=cast.headers[who])


def _objects(body: dict) -> set:
    return {(item["rule"], item["object"]["type"], item["object"]["id"]) for item in body["items"]}


@pytest.mark.parametrize(("query", "expected"), [
    ({"rule": "MLA-OVERDUE"}, {("MLA-OVERDUE", "overdue_kz"), ("MLA-OVERDUE", "overdue_am")}),
    ({"rule": "MLA-CONTENT"}, {("MLA-CONTENT", "incoming")}),
    ({"rule": "MLA-INSTRUMENT", "confirmed_basis": "true"}, {("MLA-INSTRUMENT", "bilateral")}),
    ({"rule": "MLA-OVERDUE", "confirmed_basis": "true"}, set()),
    ({"party": "AM"}, {("MLA-OVERDUE", "overdue_am")}),
    ({"severity": "violation", "rule": "MLA-CONTENT"}, {("MLA-CONTENT", "incoming")}),
    ({"severity": "warning", "rule": "MLA-CONTENT"}, set()),
])
def test_each_findings_filter_is_a_query_parameter(cast, register, query, expected):
    response = findings(cast, **query)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert _objects(body) == {(rule, "legal_request", register[name]) for rule, name in expected}
    assert body["total"]["total"] == len(expected)
    assert sum(row["total"] for row in body["by_rule"]) == len(expected)


def test_the_group_filter_keeps_the_groups_findings_and_its_requests(cast, register):
    body = findings(cast, group_id=register["gid"], limit=500).get_json()
    assert body["items"] and {item["group_id"] for item in body["items"]} == {register["gid"]}
    assert ("MLA-OVERDUE", "legal_request", register["overdue_am"]) in _objects(body)
    assert [row["group_id"] for row in body["by_group"]] == [register["gid"]]


def test_findings_page_by_cursor_violations_first_then_the_oldest(cast, register):
    every = findings(cast, limit=500).get_json()
    listed, cursor = [], None
    while True:
        body = findings(cast, limit=2, **({"cursor": cursor} if cursor else {})).get_json()
        listed += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert listed == every["items"] and len(listed) == every["total"]["total"]
    severities = [item["severity"] for item in listed]
    assert severities == sorted(severities, key=["violation", "warning"].index)
    overdue = [item["since"] for item in listed if item["rule"] == "MLA-OVERDUE"]
    assert overdue == ["2025-05-01", "2025-07-01"]


def test_findings_refuse_unknown_filters_by_name_and_other_roles(cast, register):
    refused = findings(cast, rule="NO-SUCH", party="XX", group_id=10**6)
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"rule", "party", "group_id"}
    assert findings(cast, cursor="bm90LWEtY3Vyc29y").status_code == 422
    assert findings(cast, who="creator").status_code == 403


def requests_listed(cast, **query) -> set[int]:
    response = cast.api.get("/api/v1/legal-requests", query_string={"limit": 500, **query},
                            headers=cast.headers["by_legal"])
    assert response.status_code == 200, response.get_json()
    return {item["id"] for item in response.get_json()["items"]}


@pytest.mark.parametrize(("query", "expected"), [
    ({"direction": "incoming"}, {"incoming"}),
    ({"status": "received"}, {"incoming"}),
    ({"party": "AM"}, {"overdue_am"}),
    ({"party": "KZ"}, {"overdue_kz", "bilateral", "incoming"}),
    ({"requested_party": "BY"}, {"incoming"}),
    ({"requesting_authority_id": "mvd_kz"}, {"incoming"}),
    ({"from": "2025-06-01", "to": "2025-08-31"}, {"overdue_am", "bilateral"}),
    ({"from": "2025-08-02"}, {"incoming"}),
    ({"overdue": "true"}, {"overdue_kz", "overdue_am"}),
])
def test_each_register_filter_is_a_query_parameter(cast, register, query, expected):
    query = {name: cast.ids[value] if name == "requesting_authority_id" else value for name, value in query.items()}
    assert requests_listed(cast, **query) == {register[name] for name in expected}


def test_the_register_pages_by_cursor_and_refuses_a_backwards_period(cast, register):
    first = cast.api.get("/api/v1/legal-requests", query_string={"limit": 3}, headers=cast.headers["by_legal"])
    rest = cast.api.get("/api/v1/legal-requests", query_string={"limit": 3, "cursor": first.get_json()["next_cursor"]},
                        headers=cast.headers["by_legal"]).get_json()
    ids = [item["id"] for item in first.get_json()["items"] + rest["items"]]
    assert ids == sorted({register[name] for name in register if name != "gid"}, reverse=True)
    backwards = cast.api.get("/api/v1/legal-requests", query_string={"from": "2025-09-01", "to": "2025-01-01"},
                             headers=cast.headers["by_legal"])
    assert (backwards.status_code, set(backwards.get_json()["error"]["fields"])) == (422, {"to"})
