"""A group to chat in, for the channel tests: the Belarus–Kazakhstan cast, active, the Kazakh
member in the Kazakh team, and its channels by name."""

from __future__ import annotations

from tests.groups_support import Cast, activate


def active_group_with_member(cast: Cast) -> dict:
    group = activate(cast)
    kz_team = next(team["id"] for team in group["teams"] if team["party"] == "KZ")
    added = cast.api.post(f"/api/v1/groups/{group['id']}/members", json={
        "user_id": cast.ids["kz_member"], "team_id": kz_team, "role": "member"}, headers=cast.headers["kz_head"])
    assert added.status_code == 201, added.get_json()
    return group


def channels_of(cast: Cast, gid: int, who: str) -> dict[str, dict]:
    response = cast.api.get(f"/api/v1/groups/{gid}/channels", headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return {channel["name"]: channel for channel in response.get_json()["items"]}


def token(cast: Cast, who: str) -> str:
    """The bearer token of a cast member, for socket clients' `auth`."""
    return cast.headers[who]["Authorization"].removeprefix("Bearer ")


def post(cast: Cast, channel_id: int, who: str, body: str, **extra):
    return cast.api.post(f"/api/v1/channels/{channel_id}/messages", json={"body": body, **extra},
                         headers=cast.headers[who])


def bodies(cast: Cast, channel_id: int, who: str, **query) -> list:
    response = cast.api.get(f"/api/v1/channels/{channel_id}/messages", query_string=query, headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return [(message["seq"], message["body"]) for message in response.get_json()["items"]]
