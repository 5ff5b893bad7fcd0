"""A group head takes a group from draft to closed, only through the pages, as a person would."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from jit.models import AuthorityKind
from jit.models.types import utcnow
from tests import factories
from tests.browser.support import pick

pytestmark = pytest.mark.browser

TODAY = utcnow().date()
IC_BY = "Investigative Committee of the Republic of Belarus"
MVD_KZ = "Ministry of Internal Affairs of the Republic of Kazakhstan"


def expect_status(page: Page, status: str) -> None:
    expect(page.get_by_label("Status", exact=True)).to_have_text(status)


def tab(page: Page, name: str) -> None:
    """Open one of the group's tabs."""
    tabs = page.get_by_role("navigation", name=re.compile("Sections of the group"))
    tabs.get_by_role("link", name=name, exact=True).click()
    expect(tabs.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")
    # The confirmation dialog is a module script, run only once the page has loaded: a click before that
    # sends the form without it (to the server's confirmation page, as without JavaScript).
    page.wait_for_load_state()


def file_document(page: Page, *, kind: str, party: str, authority: str, reference: str,
                  decision: str | None = None, head: str | None = None) -> None:
    tab(page, "Documents and decisions")
    page.get_by_role("link", name="File a document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("File a document")
    page.get_by_label("Kind").select_option(label=kind)
    if decision:
        page.get_by_label("Decision").select_option(label=decision)
    page.get_by_label("Party").select_option(party)
    page.get_by_label("Authority").select_option(label=authority)
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Dated").fill(TODAY.isoformat())
    page.get_by_label("Signed by").fill("Председатель")
    if head is not None:
        pick(page, "head_id", head[:4].lower(), head)
    page.get_by_role("button", name="File the document").click()
    expect(page.get_by_role("alert")).to_have_text(f"The document {reference} is filed.")


def add_team(page: Page, *, party: str, authority: str, head: str) -> None:
    tab(page, "Members and teams")
    page.get_by_role("link", name="Add a national team").click()
    page.get_by_label("Party").select_option(party)
    page.get_by_label("Authority").select_option(label=authority)
    pick(page, "national_head_id", head.split()[-1][:5].upper(), head)  # a part of the surname, any case
    page.get_by_role("button", name="Add the team").click()
    expect(page.get_by_role("alert")).to_have_text(f"The national team of {party} is added.")


def make_move(page: Page, button: str, status: str, reason: str | None = None) -> None:
    tab(page, "Overview")
    move = page.get_by_role("form", name=button)
    if reason:
        move.get_by_label("Reason (optional)").fill(reason)
    move.get_by_role("button", name=button).click()
    if status in ("suspended", "closed"):  # cannot be undone: a dialog asks first
        page.get_by_role("dialog").get_by_role("button", name=button).click()
    expect(page.get_by_role("alert")).to_have_text(f"The group is now {status}.")
    expect_status(page, status)


def test_a_group_head_takes_a_group_from_draft_to_closed(page: Page, app, live_server):
    with app.app_context():  # people of the parties' authorities: the pickers offer them by name
        ic_by = factories.create_authority("BY", AuthorityKind.CENTRAL, name_en=IC_BY, listed_on=date(2017, 3, 1))
        mvd_kz = factories.create_authority("KZ", AuthorityKind.CENTRAL, name_en=MVD_KZ, listed_on=date(2017, 5, 15))
        head = factories.create_user(username="v.sokolov", full_name="Виктор Соколов", authority=ic_by)
        factories.create_user(full_name="Ольга Ковалёва", authority=ic_by)
        kz_head = factories.create_user(full_name="Айдос Сейткали", authority=mvd_kz)

    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Username").fill(head.username)
    page.get_by_label("Password").fill(head.password)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Groups", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    page.get_by_role("link", name="Draft a new group").click()
    page.get_by_label("Title").fill("ССОГ по делу о киберпреступной организации")
    page.get_by_label("Purpose").fill("Расследование преступлений с использованием ИКТ в Беларуси и Казахстане")
    page.get_by_label("Place of activity").fill("Минск, Астана")
    page.get_by_label("Start of the term").fill(TODAY.isoformat())
    page.get_by_label("End of the term").fill((TODAY + timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Draft the group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ССОГ по делу о киберпреступной организации")
    expect_status(page, "draft")
    expect(page.get_by_role("button", name="Mark as requested")).to_be_disabled()
    expect(page.get_by_text("No creation request is on file.")).to_be_visible()

    file_document(page, kind="creation request", party="BY", authority=IC_BY, reference="№ 1-ССОГ")
    make_move(page, "Mark as requested", "requested", reason="Запрос направлен в МВД Казахстана")

    add_team(page, party="BY", authority=IC_BY, head="Ольга Ковалёва")
    add_team(page, party="KZ", authority=MVD_KZ, head="Айдос Сейткали")
    members = page.get_by_role("table", name="Members of the KZ team")
    cells = members.get_by_role("row", name=re.compile("Айдос Сейткали")).get_by_role("cell")
    expect(cells.nth(0)).to_have_text(kz_head.username)
    expect(cells.nth(1)).to_have_text("national head")

    tab(page, "Overview")
    activate = page.get_by_role("button", name="Activate")
    expect(activate).to_be_disabled()
    for party, authority in (("BY", IC_BY), ("KZ", MVD_KZ)):
        file_document(page, kind="decision", decision="to create the group", party=party, authority=authority,
                      reference=f"№ 2-{party}")
        file_document(page, kind="decision", decision="to appoint the group head", party=party,
                      authority=authority, reference=f"№ 3-{party}", head="Виктор Соколов")
    tab(page, "Overview")
    expect(page.get_by_role("form", name="Activate")).to_contain_text("Possible now.")
    expect(activate).to_be_enabled()
    make_move(page, "Activate", "active")

    make_move(page, "Suspend", "suspended", reason="Ожидание экспертизы")
    make_move(page, "Resume", "active")
    expect(page.get_by_role("button", name="Close the group")).to_be_disabled()
    file_document(page, kind="decision", decision="to terminate the group", party="BY", authority=IC_BY,
                  reference="№ 4-BY")
    make_move(page, "Close the group", "closed")
    expect(page.get_by_text("No further moves: the group is closed.")).to_be_visible()
    tab(page, "Documents and decisions")
    expect(page.get_by_role("link", name="File a document")).to_have_count(0)

    page.get_by_role("link", name="Groups", exact=True).click()
    expect(page.get_by_role("row", name=re.compile("ССОГ по делу"))).to_contain_text("closed")
