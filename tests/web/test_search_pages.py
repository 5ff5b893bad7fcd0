"""The search page and the header's box: results grouped by kind, the match highlighted and escaped,
filters by name, paging, and the refusals named on the page."""

from __future__ import annotations

from tests.channels_support import active_group_with_member, channels_of, post


def _seed(cast) -> dict:
    group = active_group_with_member(cast)
    gid = group["id"]
    general = next(c["id"] for c in channels_of(cast, gid, "kz_member").values() if c["kind"] == "general")
    kz_team = next(c["id"] for c in channels_of(cast, gid, "kz_member").values() if c["kind"] == "team")
    assert post(cast, general, "kz_member", "Выемка <b>назначена</b> на завтра").status_code == 201
    assert post(cast, kz_team, "kz_member", "Выемка только для своих").status_code == 201
    task = cast.api.post(f"/api/v1/groups/{gid}/tasks", headers=cast.headers["creator"], json={
        "title": "Подготовить выемку", "assignee_ids": [cast.ids["by_head"]]}).get_json()
    return {"gid": gid, "task": task["id"], "general": general}


def test_the_results_are_grouped_by_kind_with_the_match_marked_and_escaped(cast):
    seeded = _seed(cast)
    page = cast.browser("by_head").get("/search", query_string={"q": "выемки"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index('id="found-message"') < html.index('id="found-task"')
    assert "<mark>Выемка</mark> &lt;b&gt;назначена&lt;/b&gt;" in html
    assert f'href="/tasks/{seeded["task"]}"' in html
    assert f'/groups/{seeded["gid"]}/channels?channel={seeded["general"]}' in html
    assert "только для своих" not in html  # the Kazakh team's channel
    assert "2 matches" in html or "2 совпадения" in html


def test_the_header_has_a_search_box_on_every_page(cast):
    html = cast.browser("by_head").get("/").get_data(as_text=True)
    assert 'role="search"' in html and 'name="q"' in html and 'aria-keyshortcuts="/ Control+K"' in html


def test_filters_are_chosen_by_name_and_refusals_named(cast):
    seeded = _seed(cast)
    client = cast.browser("by_head")
    page = client.get("/search", query_string={"q": "выемка", "kind": "task"}).get_data(as_text=True)
    assert 'id="found-task"' in page and 'id="found-message"' not in page
    assert "ССОГ по делу" in page and "Ольга Ковалёва" in page  # the group and people by name, not by number
    bad = client.get("/search", query_string={"q": "выемка", "date_from": "2025-05-02", "date_to": "2025-05-01"})
    assert bad.status_code == 422
    assert "invalid-feedback" in bad.get_data(as_text=True)
    hidden = client.get("/search", query_string={"q": "выемка", "group": str(seeded["gid"] + 100)})
    assert hidden.status_code == 404
