"""Pages show each person only the actions the service allows them; steps that cannot be undone
ask first (a confirmation page without JavaScript); a refusal that still happens returns to the
page it came from with the reason."""

from __future__ import annotations

import re

from tests.conftest import csrf_token_in
from tests.evidence_support import custody, evidence_group, register
from tests.groups_support import file_document, read_group

EN = {"Accept-Language": "en"}
LIFECYCLE_AND_COMPOSITION = ('aria-label="Suspend"', 'aria-label="Close the group"', "/remove", "/members/new",
                             "/documents/new")


def test_only_the_group_head_sees_suspend_close_remove_and_adding(cast):
    gid = evidence_group(cast)["gid"]
    # The lifecycle is on the overview, removing and adding members on their tab, filing on the documents tab.
    tabs = (f"/groups/{gid}", f"/groups/{gid}/members", f"/groups/{gid}/documents")
    pages = {who: "".join(cast.browser(who).get(tab, headers=EN).get_data(as_text=True) for tab in tabs)
             for who in ("creator", "kz_member", "by_legal")}
    for control in LIFECYCLE_AND_COMPOSITION:
        assert control in pages["creator"], control
        assert control not in pages["kz_member"] and control not in pages["by_legal"], control
    # Closing is the head's but still needs a termination decision: shown disabled, with what is missing.
    assert re.search(r'disabled aria-describedby="unmet-closed">Close the group</button>', pages["creator"])


def test_suspending_asks_first_and_resuming_is_called_resume(cast):
    gid = evidence_group(cast)["gid"]
    browser = cast.browser("creator")
    token = csrf_token_in(browser.get(f"/groups/{gid}", headers=EN).get_data(as_text=True))
    version = read_group(cast, gid)["version"]
    unconfirmed = browser.post(f"/groups/{gid}/transitions", headers=EN, data={
        "csrf_token": token, "to": "suspended", "version": version, "reason": "Экспертиза"})
    assert unconfirmed.status_code == 303 and read_group(cast, gid)["status"] == "active"
    page = browser.get(unconfirmed.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Are you sure? Suspend" in page and "Nothing can change in the group until it is resumed" in page
    assert 'name="confirm" value="yes"' in page and 'value="Экспертиза"' in page
    confirmed = browser.post(f"/groups/{gid}/transitions", headers=EN, data={
        "csrf_token": csrf_token_in(page), "to": "suspended", "version": version, "confirm": "yes"})
    assert confirmed.status_code == 302 and read_group(cast, gid)["status"] == "suspended"
    html = browser.get(f"/groups/{gid}", headers=EN).get_data(as_text=True)
    assert 'aria-label="Resume"' in html and 'aria-label="Activate"' not in html


def test_removing_a_member_asks_first(cast):
    gid = evidence_group(cast)["gid"]
    browser = cast.browser("creator")
    url = f"/groups/{gid}/members/{cast.ids['kz_member']}/remove"
    token = csrf_token_in(browser.get(f"/groups/{gid}", headers=EN).get_data(as_text=True))
    asked = browser.post(url, headers=EN, data={"csrf_token": token})
    assert asked.status_code == 200 and "Are you sure? Remove" in asked.get_data(as_text=True)
    assert any(member["user"]["id"] == cast.ids["kz_member"]
               for team in read_group(cast, gid)["teams"] for member in team["members"])
    assert browser.post(url, headers=EN, data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    assert not any(member["user"]["id"] == cast.ids["kz_member"]
                   for team in read_group(cast, gid)["teams"] for member in team["members"])


def test_a_closed_group_shows_no_days_left_and_a_pending_appointment_names_the_awaited_party(cast):
    gid = evidence_group(cast)["gid"]
    file_document(cast, gid, "appoint_head", "BY", head_id=cast.ids["by_head"])
    html = cast.browser("creator").get(f"/groups/{gid}", headers=EN).get_data(as_text=True)
    assert "awaited: the matching decision of KZ." in html
    assert "days left" in html
    file_document(cast, gid, "terminate", "BY")
    browser = cast.browser("creator")
    token = csrf_token_in(browser.get(f"/groups/{gid}", headers=EN).get_data(as_text=True))
    browser.post(f"/groups/{gid}/transitions", data={"csrf_token": token, "to": "closed", "confirm": "yes",
                                                     "version": read_group(cast, gid)["version"]})
    assert read_group(cast, gid)["status"] == "closed"
    assert "days left" not in browser.get(f"/groups/{gid}", headers=EN).get_data(as_text=True)
    assert "days left" not in browser.get("/groups/", headers=EN).get_data(as_text=True)


def test_a_refusal_that_still_happens_returns_to_its_page_with_the_reason(cast):
    setting = evidence_group(cast)
    eid = register(cast, setting).get_json()["id"]
    browser = cast.browser("kz_member")
    page_url = f"http://localhost/evidence/{eid}"
    form = browser.get(page_url, headers=EN).get_data(as_text=True)
    assert "transfer-heading" in form  # the custodian is offered the transfer
    # Meanwhile the group head takes the item over; the form sent from the old page is refused.
    assert custody(cast, eid, "creator", type="transferred", to_user_id=cast.ids["kz_head"]).status_code == 201
    response = browser.post(f"/evidence/{eid}/transfer", headers={**EN, "Referer": page_url}, data={
        "csrf_token": csrf_token_in(form), "transfer-to_user_id": cast.ids["creator"], "transfer-place": "Астана"})
    assert response.status_code == 303 and response.headers["Location"] == page_url
    again = browser.get(page_url, headers=EN).get_data(as_text=True)
    assert "Only the item&#39;s current custodian or the group head can do this." in again
    assert "transfer-heading" not in again
