"""Suggested identifiers on the pages (issue 19, item 2): beside the task, the instruction's results and
the evidence item they were found in, and on the group's register, with confirm and dismiss forms for
the members who may decide them."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token_in
from tests.evidence_support import evidence_group
from tests.suggestions_support import CARD, TEXT, suggested, write_evidence, write_instruction, write_task

EN = {"Accept-Language": "en"}
RECORD_PAGES = {"task": (write_task, "/tasks/{}"), "instruction": (write_instruction, "/instructions/{}"),
                "evidence": (write_evidence, "/evidence/{}")}


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


def _suggested_section(html: str) -> str:
    found = re.search(r'<section[^>]*"suggested-heading".*?</section>', html, re.DOTALL)
    return found.group() if found else ""


def _decide(browser, page_url: str, suggestion_id: int, action: str, **fields):
    """Submit a suggestion's form as it is on `page_url`."""
    page = browser.get(page_url, headers=EN).get_data(as_text=True)
    prefix = "suggestion" if action == "confirm" else "dismiss"
    back = re.search(rf'name="{prefix}-{suggestion_id}-back" type="hidden" value="([^"]*)"', page).group(1)
    body = {f"{prefix}-{suggestion_id}-csrf_token": csrf_token_in(page), f"{prefix}-{suggestion_id}-back": back,
            **{f"{prefix}-{suggestion_id}-{name}": value for name, value in fields.items()}}
    return browser.post(f"/identifier-suggestions/{suggestion_id}/{action}", data=body, headers=EN)


@pytest.mark.parametrize("record_type", RECORD_PAGES)
def test_suggestions_are_shown_beside_their_record(cast, setting, record_type):
    write, page = RECORD_PAGES[record_type]
    record_id = write(cast, setting, TEXT)
    section = _suggested_section(cast.browser("by_head").get(page.format(record_id), headers=EN).get_data(
        as_text=True))
    assert "4400 •••• •••• 0009" in section and "BY13NBRB3600900000002Z00AB00" in section and CARD not in section
    assert section.count('action="/identifier-suggestions/') == 6  # confirm and dismiss of each of the three


def test_a_member_confirms_and_dismisses_on_the_register(cast, setting):
    write_task(cast, setting, TEXT)
    items = {item["kind"]: item["id"] for item in suggested(cast, setting)}
    browser = cast.browser("kz_member")
    register = f"/groups/{setting['gid']}/identifiers"
    refused = _decide(browser, register, items["phone"], "confirm", obtained_under="")
    assert refused.status_code == 302 and refused.location.startswith(register)
    assert "Required" in browser.get(register, headers=EN).get_data(as_text=True)
    confirmed = _decide(browser, register, items["phone"], "confirm", obtained_under="Выписка № 3", shareable="y")
    assert confirmed.status_code == 302
    dismissed = _decide(browser, register, items["bank_account"], "dismiss")
    assert dismissed.status_code == 302
    page = browser.get(register, headers=EN).get_data(as_text=True)
    section = _suggested_section(page)
    assert "+375291234567" not in section and "+375291234567" in page.replace(section, "")  # in the register now
    assert "4400 •••• •••• 0009" in section
    assert [item["kind"] for item in suggested(cast, setting)] == ["payment_card"]


def test_observers_see_suggestions_without_the_forms_and_cannot_post_them(cast, setting):
    write_task(cast, setting, TEXT)
    first = suggested(cast, setting)[0]["id"]
    register = f"/groups/{setting['gid']}/identifiers"
    observer = cast.browser("by_legal")
    section = _suggested_section(observer.get(register, headers=EN).get_data(as_text=True))
    assert "BY13NBRB3600900000002Z00AB00" in section and 'action="/identifier-suggestions/' not in section
    member_section = _suggested_section(cast.browser("by_head").get(register, headers=EN).get_data(as_text=True))
    token = csrf_token_in(observer.get("/account/").get_data(as_text=True))
    posted = observer.post(f"/identifier-suggestions/{first}/dismiss",
                           data={f"dismiss-{first}-csrf_token": token, f"dismiss-{first}-back": register})
    assert posted.status_code == 403
    outsider = cast.browser("outsider")
    token = csrf_token_in(outsider.get("/account/").get_data(as_text=True))
    assert outsider.post(f"/identifier-suggestions/{first}/dismiss", data={
        f"dismiss-{first}-csrf_token": token, f"dismiss-{first}-back": register}).status_code == 404
    assert 'action="/identifier-suggestions/' in member_section
