"""Issue 17's "done when", in the browser: the Belarusian head mentions the Kazakh member in the
general channel; the Kazakh member, with two tabs open on other pages, sees the bell count rise and
a toast, follows it to the message, and the count falls in both tabs; a task set for them, and an
instruction sent to the Kazakh head, arrive the same way and are followed from the bell's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import signed_in
from tests.channels_support import active_group_with_member
from tests.notifications_support import draft_instruction, send_instruction

pytestmark = pytest.mark.browser


def listening(page: Page) -> None:
    expect(page.locator("body[data-notify-connected]")).to_have_count(1)


def bell(page: Page):
    return page.locator("[data-notification-count]")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_mention_rings_the_bell_in_every_tab_and_reading_it_quiets_them(cast, live_server, new_context):
    group = active_group_with_member(cast)
    gid = group["id"]
    kazakh = signed_in(new_context, live_server, cast.people["kz_member"])
    other_tab = kazakh.context.new_page()
    other_tab.goto(f"{live_server}/my-work")
    kazakh.goto(f"{live_server}/")
    for page in (kazakh, other_tab):
        listening(page)
        expect(bell(page)).to_have_text("1")  # being added to the group

    belarusian = signed_in(new_context, live_server, cast.people["by_head"])
    belarusian.goto(f"{live_server}/groups/{gid}/channels")
    expect(belarusian.locator("[data-chat][data-connected]")).to_have_count(1)
    belarusian.get_by_role("textbox", name="Message").fill(
        f"@{cast.people['kz_member'].username} проверьте выписку по счёту")
    belarusian.get_by_role("button", name="Send").click()

    for page in (kazakh, other_tab):
        expect(bell(page)).to_have_text("2")
    toast = kazakh.locator("[data-toasts] [data-toast='mention']")
    expect(toast).to_contain_text("mentioned you")
    expect(kazakh.locator("[data-toasts][aria-live='polite']")).to_have_count(1)
    expect(other_tab.locator("[data-message-count]")).to_have_text("1")

    kazakh.bring_to_front()
    toast.get_by_role("link").click()
    expect(kazakh).to_have_url(re.compile(rf"/groups/{gid}/channels\?channel=\d+#message-\d+$"))
    expect(kazakh.locator(".chat-message-linked")).to_contain_text("проверьте выписку по счёту")
    # The mention is read, and so is being added: the group's own (chat) page is open.
    expect(bell(other_tab)).to_be_hidden()
    expect(bell(kazakh)).to_be_hidden()
    expect(other_tab.locator("[data-message-count]")).to_be_hidden()

    set_task = cast.api.post(f"/api/v1/groups/{gid}/tasks", json={
        "title": "Допросить свидетеля", "assignee_ids": [cast.ids["kz_member"]]}, headers=cast.headers["creator"])
    assert set_task.status_code == 201
    expect(bell(other_tab)).to_have_text("1")
    expect(bell(kazakh)).to_have_text("1")
    follow_from_the_bell(kazakh, "assigned you the task “Допросить свидетеля”", rf"/tasks/{set_task.get_json()['id']}$")
    for page in (kazakh, other_tab):
        expect(bell(page)).to_be_hidden()


def follow_from_the_bell(page: Page, text: str, lands_on: str) -> None:
    """Open the bell's page and follow the unread notice saying `text` to its object."""
    page.bring_to_front()
    page.locator("[data-bell]").click()
    page.locator("[data-notifications]").get_by_role("link", name=re.compile(re.escape(text))).click()
    expect(page).to_have_url(re.compile(lands_on))


def expect_count(page: Page, count: int) -> None:
    if count:
        expect(bell(page)).to_have_text(str(count))
    else:
        expect(bell(page)).to_be_hidden()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_instruction_sent_rings_the_requested_heads_bell_in_every_tab(cast, live_server, new_context):
    draft = draft_instruction(cast)
    head = signed_in(new_context, live_server, cast.people["kz_head"])
    other_tab = head.context.new_page()
    other_tab.goto(f"{live_server}/my-work")
    head.goto(f"{live_server}/")
    for page in (head, other_tab):
        listening(page)
    before = int(bell(head).text_content())  # the group's own notices (added, decisions, status)
    instruction = send_instruction(cast, draft)
    for page in (head, other_tab):
        expect_count(page, before + 1)
    follow_from_the_bell(head, "sent your team the instruction", rf"/instructions/{instruction['id']}$")
    expect(head.get_by_role("main")).to_contain_text("Допросить свидетеля Иванова И.И.")
    for page in (head, other_tab):
        expect_count(page, before)
