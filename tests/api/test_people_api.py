"""GET /api/v1/groups/{gid}/people (API.md, last section): whom the caller may choose, by name."""

from __future__ import annotations

from jit.extensions import db
from jit.models import Authority
from tests import factories
from tests.evidence_support import evidence_group


def test_people_to_choose_by_a_part_of_the_username(cast):
    gid = evidence_group(cast)["gid"]
    with cast.app.app_context():
        kz = db.session.get(Authority, cast.ids["mvd_kz"])
        nurlanov = factories.create_user(username="a.nurlanov", full_name="Арман Нурланов", authority=kz).id

    def ask(who: str, **query):
        return cast.api.get(f"/api/v1/groups/{gid}/people", query_string=query, headers=cast.headers[who])

    answer = ask("kz_head", purpose="member", q="nurl")
    assert answer.status_code == 200
    [found] = answer.get_json()["items"]
    assert {key: found[key] for key in ("id", "full_name", "username")} == {
        "id": nurlanov, "full_name": "Арман Нурланов", "username": "a.nurlanov"}
    assert (found["team"]["party"], found["authority"]["id"]) == ("KZ", cast.ids["mvd_kz"])
    assert [p["full_name"] for p in ask("creator", purpose="assignee", q="айд").get_json()["items"]] == [
        "Айдос Сейткали"]
    assert ask("kz_member", purpose="assignee").get_json() == {"items": []}  # may assign nobody
    assert ask("outsider", purpose="assignee").status_code == 404
    assert ask("creator", purpose="friend").status_code == 422
