"""Evaluations at closure through the API: each national head writes their team's once a termination
decision is on file (also after closing), and the refusals: outsiders, non-heads, too early, stale."""

from __future__ import annotations

import pytest

from tests.groups_support import activate, advance, file_document

EVALUATION = {"what_worked": "Прямой канал между руководителями", "what_did_not": "Перевод документов",
              "persons_charged": 7, "assets_seized": "1,2 млн BYN, три сервера", "requests_avoided": 41}


@pytest.fixture
def setting(cast):
    """An active BY–KZ group: (group id, team ids by party)."""
    group = activate(cast)
    return group["id"], {team["party"]: team["id"] for team in group["teams"]}


def terminate(cast, gid: int) -> None:
    for party in ("BY", "KZ"):
        file_document(cast, gid, "terminate", party)


def save(cast, gid: int, team_id: int, who: str = "by_head", **changes):
    return cast.api.post(f"/api/v1/groups/{gid}/evaluations", json={"team_id": team_id, **EVALUATION, **changes},
                         headers={**cast.headers[who], "Accept-Language": "en"})


def listed(cast, gid: int, who: str = "creator") -> dict:
    response = cast.api.get(f"/api/v1/groups/{gid}/evaluations", headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return {item["team"]["party"]: item["evaluation"] for item in response.get_json()["items"]}


def error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    return response.get_json()["error"]


def test_each_national_head_evaluates_once_termination_is_decided(cast, setting):
    gid, teams = setting
    assert listed(cast, gid) == {"BY": None, "KZ": None}
    early = error(save(cast, gid, teams["BY"]), 409, "evaluation_not_due")
    assert "termination decision" in early["message"]
    terminate(cast, gid)
    created = save(cast, gid, teams["BY"])
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert {key: body[key] for key in EVALUATION} == EVALUATION
    assert (body["team_id"], body["party"], body["author"]["id"], body["version"]) == (
        teams["BY"], "BY", cast.ids["by_head"], 1)
    # Everyone who sees the group reads them; the Kazakh one is still missing.
    seen = listed(cast, gid, "by_legal")
    assert (seen["BY"]["what_worked"], seen["BY"]["persons_charged"], seen["KZ"]) == (
        "Прямой канал между руководителями", 7, None)
    # Closing does not wait for it, and it is still written after.
    advance(cast, gid, "closed")
    late = save(cast, gid, teams["KZ"], who="kz_head", persons_charged=3, requests_avoided=12)
    assert late.status_code == 201, late.get_json()
    assert (listed(cast, gid)["KZ"]["persons_charged"], listed(cast, gid)["KZ"]["requests_avoided"]) == (3, 12)


def test_replacing_an_evaluation_needs_the_version_read(cast, setting):
    gid, teams = setting
    terminate(cast, gid)
    assert save(cast, gid, teams["BY"]).status_code == 201
    stale = error(save(cast, gid, teams["BY"], what_worked="Иное", version=None), 409, "conflict")
    assert stale["fields"] == {"version": "1"}
    replaced = save(cast, gid, teams["BY"], what_worked="Общий чат и поручения", version=1)
    assert replaced.status_code == 200, replaced.get_json()
    assert (replaced.get_json()["what_worked"], replaced.get_json()["version"]) == ("Общий чат и поручения", 2)
    assert listed(cast, gid)["BY"]["what_worked"] == "Общий чат и поручения"


def test_outsiders_learn_nothing(cast, setting):
    gid, teams = setting
    terminate(cast, gid)
    for url in (f"/api/v1/groups/{gid}/evaluations", "/api/v1/groups/99999/evaluations"):
        assert error(cast.api.get(url, headers=cast.headers["outsider"]), 404, "not_found")
        assert error(cast.api.post(url, json={"team_id": teams["KZ"], **EVALUATION},
                                   headers=cast.headers["outsider"]), 404, "not_found")


@pytest.mark.parametrize(("who", "party"), [("creator", "BY"), ("by_legal", "BY"), ("by_head", "KZ")])
def test_only_the_teams_national_head_evaluates_for_it(cast, setting, who, party):
    gid, teams = setting
    terminate(cast, gid)
    refused = error(save(cast, gid, teams[party], who=who), 403, "forbidden")
    assert "national head" in refused["message"]
    assert listed(cast, gid)[party] is None


def test_bad_evaluations_name_each_field(cast, setting):
    gid, teams = setting
    terminate(cast, gid)
    refused = error(save(cast, gid, teams["BY"], what_worked=" ", what_did_not="", persons_charged=-1), 422,
                    "invalid")
    assert set(refused["fields"]) == {"what_worked", "what_did_not", "persons_charged"}
    assert set(error(save(cast, gid, 99999), 422, "invalid")["fields"]) == {"team_id"}
    assert listed(cast, gid)["BY"] is None
