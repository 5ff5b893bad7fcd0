"""The home page and the group's tabs (issue 16, items 1 and 2): every number on the home page links
to a list showing exactly what it counted; each tab is its own page, marked current, for whoever
may see the group, and the same 404 for anyone else."""

from __future__ import annotations

import html as markup
import re

import pytest

from tests.conftest import bearer
from tests.home_support import LATE_BY, late_world

EN = {"Accept-Language": "en"}
LINK = re.compile(r'<a[^>]*href="([^"]+)"[^>]*data-link="([^"]+)"><span[^>]*>(\d+)</span>')
TABS = ("", "/members", "/documents", "/cases", "/instructions", "/tasks", "/evidence", "/identifiers", "/channels",
        "/timeline")


def _glance(page: str, gid: int) -> str:
    return re.search(rf'<article[^>]*data-glance="{gid}">(.*?)</article>', page, re.S).group(1)


def _links(fragment: str) -> list[tuple[str, str, int]]:
    return [(markup.unescape(url), kind, int(count)) for url, kind, count in LINK.findall(fragment)]


def _listed(page: str, kind: str) -> set[str]:
    """What a list page shows: the instructions of the list, the cards of the board, the findings."""
    if kind == "instructions":
        return set(re.findall(r'<a class="stretched-link" href="/instructions/(\d+)"', page))
    if kind == "tasks":
        return set(re.findall(r'<article class="card[^"]*" id="task-(\d+)"', page))
    # A finding's row: its rule and what it names (an object some readers see without a link, a party).
    return {(rule, re.sub(r"\s+", " ", row)) for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
            for rule in re.findall(r'<td><span class="badge [^"]+">[^<]+</span> <code>([^<]+)</code>', row)}


def _follow(browser, fragment: str) -> dict[str, tuple[int, set]]:
    """Each link's count beside what the page it opens lists (keyed by the link's kind)."""
    seen = {}
    for url, kind, count in _links(fragment):
        page = browser.get(url, headers=EN)
        assert page.status_code == 200, url
        seen[kind] = (count, _listed(page.get_data(as_text=True), kind.split("-")[0]))
    return seen


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_each_number_on_the_heads_home_lands_on_the_list_it_counts(cast, clock):
    world = late_world(cast, clock)
    head = cast.browser("creator")
    page = head.get("/", headers=EN).get_data(as_text=True)
    lapsed = _glance(page, world.lapsed)
    assert f"past term by {LATE_BY} days" in lapsed
    running = _glance(page, world.gid)
    overdue = re.search(r'data-overdue="group">(.*?)</p>', running, re.S).group(1)
    followed = _follow(head, overdue)
    assert followed == {"instructions": (1, {str(world.instruction)}),
                        "tasks": (2, {str(world.team_task), str(world.head_task)})}
    for gid, fragment in ((world.lapsed, lapsed), (world.gid, running)):
        findings = {kind: found for kind, found in _follow(head, fragment).items() if kind.startswith("findings")}
        assert set(findings) == {"findings-violation", "findings-warning"}
        for kind, (count, listed) in findings.items():
            assert len(listed) == count, (gid, kind)
    assert _follow(head, lapsed)["findings-violation"][0] >= 1  # AGR-TERM at least

    kz_head = cast.browser("kz_head")
    team = re.search(r'data-overdue="KZ">(.*?)</p>', _glance(kz_head.get("/", headers=EN).get_data(as_text=True),
                                                            world.gid), re.S).group(1)
    assert _follow(kz_head, team) == {"instructions": (1, {str(world.instruction)}),
                                      "tasks": (1, {str(world.team_task)})}


def test_a_legal_officer_follows_the_findings_by_rule(cast, clock):
    world = late_world(cast, clock)
    legal = cast.browser("by_legal")
    lapsed = _glance(legal.get("/", headers=EN).get_data(as_text=True), world.lapsed)
    rules = re.findall(r'href="([^"]+rule=([^"&]+))"[^>]*data-link="rule-[^"]+"><code>[^<]+</code> (\d+)</a>', lapsed)
    assert ("AGR-TERM" in {rule for _, rule, _ in rules}) and 'data-overdue' not in lapsed
    for url, rule, count in rules:
        listed = _listed(legal.get(markup.unescape(url), headers=EN).get_data(as_text=True), "findings")
        assert {found_rule for found_rule, _ in listed} == {rule} and len(listed) == int(count)
    assert "past term" not in _glance(cast.browser("creator").get("/", headers=EN).get_data(as_text=True), world.gid)


def test_a_filter_outside_the_choices_names_its_field(cast, clock):
    world = late_world(cast, clock)
    browser = cast.browser("creator")
    assert browser.get(f"/groups/{world.gid}/compliance?severity=fatal", headers=EN).status_code == 422
    assert browser.get(f"/groups/{world.gid}/instructions?to_team=99999", headers=EN).status_code == 422


def test_the_api_overview_has_the_figures_of_the_page(cast, clock):
    world = late_world(cast, clock)
    signed = {who: bearer(cast.api, cast.people[who]) for who in ("creator", "outsider")}  # the old tokens lapsed
    answer = cast.api.get("/api/v1/home", headers=signed["creator"])
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["waiting"] == {"instructions": 0, "tasks": 0, "overdue_led": 3}
    groups = {group["id"]: group for group in body["groups"]}
    assert groups[world.lapsed]["past_term"] == LATE_BY and groups[world.lapsed]["findings"]["violation"] >= 1
    assert groups[world.gid]["overdue"] == [{"team_id": None, "party": None, "instructions": 1, "tasks": 2}]
    assert body["activity"] and {event["group_id"] for event in body["activity"]} <= set(groups)
    assert cast.api.get("/api/v1/home").status_code == 401
    assert cast.api.get("/api/v1/home", headers=signed["outsider"]).get_json()["groups"] == []


@pytest.mark.parametrize("who", ["kz_member", "creator", "by_legal"])
def test_every_tab_is_its_own_page_marked_current(cast, clock, who):
    world = late_world(cast, clock)
    browser = cast.browser(who)
    for tab in TABS:
        page = browser.get(f"/groups/{world.gid}{tab}", headers=EN)
        assert page.status_code == 200, tab
        html = page.get_data(as_text=True)
        current = re.findall(r'<a class="nav-link active" href="([^"]+)" aria-current="page">', html)
        assert current == [f"/groups/{world.gid}{tab}"], tab
        assert re.search(r'href="/groups/"[^>]*aria-current="page"', html), tab  # the top menu's section
    overview = browser.get(f"/groups/{world.gid}", headers=EN).get_data(as_text=True)
    counts = dict(re.findall(r'href="/groups/\d+/(\w+)" data-count="\w+"><span class="fw-semibold">(\d+)</span>',
                             overview))
    assert (counts["instructions"], counts["tasks"], counts["cases"]) == ("1", "2", "1")
    members = browser.get(f"/groups/{world.gid}/members", headers=EN).get_data(as_text=True)
    assert (f'href="/groups/{world.gid}/members/new"' in members) == (who == "creator")  # only the head adds


def test_an_outsider_gets_404_on_every_tab(cast, clock):
    world = late_world(cast, clock)
    browser = cast.browser("outsider")
    for tab in TABS:
        assert browser.get(f"/groups/{world.gid}{tab}", headers=EN).status_code == 404, tab
        assert browser.get(f"/groups/99999{tab}", headers=EN).status_code == 404, tab
    home = browser.get("/", headers=EN).get_data(as_text=True)
    assert "You are in no group yet." in home and "data-glance" not in home
