"""Searching through the API as a client would, for the search tests."""

from __future__ import annotations

from tests.groups_support import Cast


def find(cast: Cast, who: str, q: str, **params) -> dict:
    """The caller's search results (expecting success)."""
    response = cast.api.get("/api/v1/search", query_string={"q": q, **params}, headers=cast.headers[who])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def found(cast: Cast, who: str, q: str, **params) -> set[tuple[str, int]]:
    """(kind, id) of everything the caller's search found, every page of it."""
    hits, cursor = set(), None
    while True:
        page = find(cast, who, q, **params, **({"cursor": cursor} if cursor else {}))
        hits |= {(item["kind"], item["id"]) for item in page["items"]}
        if not (cursor := page["next_cursor"]):
            return hits
