"""Reading a cast member's inbox through the API, for the notification tests."""

from __future__ import annotations

from tests.groups_support import Cast


def inbox(cast: Cast, who: str, **query) -> dict:
    response = cast.api.get("/api/v1/notifications", query_string=query, headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def kinds(cast: Cast, who: str, **query) -> list[str]:
    """The kinds of `who`'s notices, newest first."""
    return [item["kind"] for item in inbox(cast, who, **query)["items"]]


def mark_read(cast: Cast, who: str, **body):
    return cast.api.post("/api/v1/notifications/read", json=body, headers=cast.headers[who])
