"""The legal officer's pages of issue 16: the dashboard (findings by group and by rule, filters
chosen by name, pages), the register's filters, a request's own findings, and the monthly chart's
short month names trimmed to the data."""

from __future__ import annotations

import re

import pytest

from jit.services import compliance
from tests.api.test_legal_requests_api import post
from tests.groups_support import activate
from tests.service_support import person
from tests.web.test_instruction_pages import EN

RU = {"Accept-Language": "ru"}


@pytest.fixture
def world(cast) -> dict:
    gid = activate(cast)["id"]
    made = {"overdue": post(cast, due_on="2025-05-01"), "later": post(cast, sent_on="2025-04-01", due_on="2025-06-01"),
            "am": post(cast, requested_party="AM", sent_on="2025-06-10", due_on="2025-07-01"),
            "incoming": post(cast, direction="incoming", requesting_authority_id=cast.ids["mvd_kz"],
                             requested_party="BY", persons=[], substance="", confidential=None, due_on=None)}
    return {"gid": gid, **{name: response.get_json()["id"] for name, response in made.items()}}


def _html_rows(html: str, table: str) -> list[str]:
    body = re.search(rf'id="{table}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return re.findall(r"<tr.*?</tr>", body, re.S)


def _rows(html: str, table: str) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in _html_rows(html, table)]


def _requests_listed(html: str) -> list[int]:
    """The register entries the findings' rows name (by their link: the text names them by case number)."""
    return [int(found.group(1)) for row in _html_rows(html, "findings")
            if (found := re.search(r'href="/legal/requests/(\d+)"', row))]


def test_the_dashboard_counts_by_group_and_rule_and_lists_violations_first(cast, world):
    legal = cast.browser("by_legal")
    html = legal.get("/legal/", headers=EN).get_data(as_text=True)
    by_rule = {row.split()[0]: row for row in _rows(html, "compliance-rules")}
    assert by_rule["MLA-OVERDUE"].endswith("0 3") and by_rule["MLA-CONTENT"].endswith("1 0")
    assert any(row.startswith("Register entries tied to no group") for row in _rows(html, "compliance-groups"))
    findings = _rows(html, "findings")
    assert findings[0].startswith("violation")
    overdue = [row for row in _html_rows(html, "findings") if "MLA-OVERDUE" in row]
    assert [int(re.search(r'href="/legal/requests/(\d+)"', row).group(1)) for row in overdue] == [
        world["overdue"], world["later"], world["am"]]
    assert f'href="/legal/?group={world["gid"]}&amp;rule=' in html  # each rule's count leads to its findings


def test_the_dashboard_filters_are_chosen_by_name_and_refusals_named(cast, world):
    legal = cast.browser("by_legal")
    html = legal.get("/legal/?party=AM&rule=MLA-OVERDUE", headers=EN).get_data(as_text=True)
    assert set(_requests_listed(html)) == {world["am"]}
    assert '<option selected value="AM">' in html and 'Republic of Armenia' in html
    assert f'<option value="{world["gid"]}">' in html  # the group offered by its code and title
    assert re.search(rf'<option value="{world["gid"]}">JIG-[^<]+ — ССОГ', html)
    refused = legal.get("/legal/?group=999999", headers=EN)
    assert refused.status_code == 422
    assert "No such group." in refused.get_data(as_text=True)
    assert legal.get("/legal/?severity=grave", headers=EN).status_code == 422


def test_the_dashboard_pages_on(cast, world):
    legal = cast.browser("by_legal")
    html = legal.get("/legal/?rule=MLA-OVERDUE", headers=EN).get_data(as_text=True)
    assert len(_rows(html, "findings")) == 3 and 'rel="next"' not in html
    with cast.app.app_context():
        first = compliance.dashboard(person(cast, "by_legal"), compliance.Filters(rule="MLA-OVERDUE"), limit=2)
    page = legal.get(f"/legal/?rule=MLA-OVERDUE&cursor={first.page.next_cursor}", headers=EN).get_data(as_text=True)
    assert _requests_listed(page) == [world["am"]]


def test_a_request_page_shows_its_own_findings(cast, world):
    legal = cast.browser("by_legal")
    incoming = legal.get(f"/legal/requests/{world['incoming']}", headers=EN).get_data(as_text=True)
    assert "MLA-CONTENT" in incoming and "MLA-OVERDUE" not in incoming
    overdue = legal.get(f"/legal/requests/{world['overdue']}", headers=EN).get_data(as_text=True)
    assert "MLA-OVERDUE" in overdue and "MLA-CONTENT" not in overdue
    clean = post(cast, due_on="2099-01-01").get_json()["id"]
    assert "No finding on this request." in legal.get(f"/legal/requests/{clean}", headers=EN).get_data(as_text=True)


def _listed(html: str) -> set[int]:
    return {int(number) for number in re.findall(r'href="/legal/requests/(\d+)"', html)}


def test_the_register_filters_by_party_authority_and_dates(cast, world):
    legal = cast.browser("by_legal")
    assert _listed(legal.get("/legal/requests?party=AM", headers=EN).get_data(as_text=True)) == {world["am"]}
    by_authority = legal.get(f"/legal/requests?requesting_authority_id={cast.ids['mvd_kz']}", headers=EN)
    assert _listed(by_authority.get_data(as_text=True)) == {world["incoming"]}
    period = legal.get("/legal/requests?date_from=2025-03-15&date_to=2025-06-30", headers=EN)
    assert _listed(period.get_data(as_text=True)) == {world["later"], world["am"]}
    assert legal.get("/legal/requests?date_from=not-a-day", headers=EN).status_code == 422


def test_the_monthly_chart_names_the_months_in_the_pages_language_from_the_first_to_the_last(cast, world):
    legal = cast.browser("by_legal")
    query = "/legal/statistics?direction=outgoing&date_from=2025-01-01&date_to=2025-12-31"
    labels = re.findall(r'class="chart-label" x="[\d.]+" y="2\d\d" text-anchor="middle">([^<]+)<',
                        legal.get(query, headers=EN).get_data(as_text=True))
    assert labels == ["Mar", "2025", "Apr", "May", "Jun"]  # trimmed to the requests sent, not the period asked
    russian = re.findall(r'class="chart-label" x="[\d.]+" y="2\d\d" text-anchor="middle">([^<]+)<',
                         legal.get(query, headers=RU).get_data(as_text=True))
    assert russian == ["март", "2025", "апр.", "май", "июнь"]
