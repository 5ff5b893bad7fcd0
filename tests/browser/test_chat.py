"""Issue 7's "done when", in the browser: a Belarusian and a Kazakh member chat in the group's
general channel and see each other's messages, typing and presence live; each national team's
channel is invisible to the other team; one browser goes offline, the other sends three messages,
and the first, back online, shows all three exactly once.

Going offline is `context.set_offline(True)`. Chromium's offline emulation does not close a
websocket that is already open, but it fires the page's `offline` event, on which the chat script
drops its socket (as it does for a real network loss); `online` reconnects it, and the reconnect
subscribes with the last sequence number the page has."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import signed_in
from tests.channels_support import active_group_with_member, channels_of

pytestmark = pytest.mark.browser

TRICKY = '<script>document.title="pwned"</script> Привет из Минска! 🇧🇾🤝🇰🇿'


def connected(page: Page) -> None:
    expect(page.locator("[data-chat][data-connected]")).to_have_count(1)


def messages(page: Page):
    return page.get_by_role("list", name="Messages").get_by_role("listitem")


def test_two_members_chat_live_and_catch_up_after_going_offline(cast, live_server, new_context):
    group = active_group_with_member(cast)
    gid = group["id"]
    teams = {"BY": channels_of(cast, gid, "by_head")["team-BY"]["id"],
             "KZ": channels_of(cast, gid, "kz_member")["team-KZ"]["id"]}
    by_name, kz_name = cast.people["by_head"].full_name, cast.people["kz_member"].full_name

    belarusian = signed_in(new_context, live_server, cast.people["by_head"])
    belarusian.goto(f"{live_server}/groups/{gid}")
    belarusian.get_by_role("navigation", name="Sections of the group").get_by_role("link", name="Channels").click()
    expect(belarusian.get_by_role("heading", name="General")).to_be_visible()
    connected(belarusian)
    kazakh = signed_in(new_context, live_server, cast.people["kz_member"])
    kazakh.goto(f"{live_server}/groups/{gid}/channels")
    connected(kazakh)

    # Each sees only their own team's channel.
    channel_list = belarusian.get_by_role("navigation", name="Channels of the group")
    expect(channel_list.get_by_role("link", name="National team BY")).to_be_visible()
    expect(channel_list.get_by_role("link", name="National team KZ")).to_have_count(0)
    expect(kazakh.get_by_role("navigation", name="Channels of the group").get_by_role(
        "link", name="National team BY")).to_have_count(0)
    assert kazakh.goto(f"{live_server}/groups/{gid}/channels?channel={teams['BY']}").status == 404
    kazakh.goto(f"{live_server}/groups/{gid}/channels")
    connected(kazakh)

    # Presence and typing, live.
    expect(belarusian.locator("[data-presence]")).to_contain_text(kz_name)
    expect(kazakh.locator("[data-presence]")).to_contain_text(by_name)
    belarusian.get_by_role("textbox", name="Message").press_sequentially("Добр")
    expect(kazakh.get_by_text(f"{by_name} is typing…")).to_be_visible()
    belarusian.get_by_role("textbox", name="Message").fill(TRICKY)
    belarusian.get_by_role("button", name="Send").click()

    # Markup arrives as text: shown as written, never run.
    expect(messages(kazakh)).to_have_count(1)
    expect(messages(kazakh).first).to_contain_text(TRICKY)
    assert kazakh.locator("[data-messages] script").count() == 0
    assert kazakh.title() != "pwned"
    kazakh.get_by_role("textbox", name="Message").fill("Получил, спасибо 👍")
    kazakh.get_by_role("textbox", name="Message").press("Enter")
    expect(messages(belarusian)).to_have_count(2)
    expect(messages(belarusian).nth(1)).to_contain_text("Получил, спасибо 👍")
    expect(belarusian.get_by_text(f"Seen by {kz_name}")).to_be_visible()
    expect(messages(kazakh)).to_have_count(2)  # its own reply is back too, before the network drops

    # The Kazakh member's network drops; three messages are sent meanwhile.
    kazakh.context.set_offline(True)
    expect(kazakh.locator("[data-chat]:not([data-connected])")).to_have_count(1)
    expect(kazakh.locator("[data-connection]")).to_have_text("Offline: reconnecting…")
    for n in (1, 2, 3):
        belarusian.get_by_role("textbox", name="Message").fill(f"Пока вас не было, {n}")
        belarusian.get_by_role("button", name="Send").click()
        expect(messages(belarusian)).to_have_count(2 + n)
    expect(messages(kazakh)).to_have_count(2)

    kazakh.context.set_offline(False)
    connected(kazakh)
    expect(messages(kazakh)).to_have_count(5)
    for n in (1, 2, 3):
        expect(kazakh.get_by_text(f"Пока вас не было, {n}", exact=True)).to_have_count(1)
    assert [int(seq) for seq in messages(kazakh).evaluate_all("items => items.map(i => i.dataset.seq)")] == [
        1, 2, 3, 4, 5]

    # Written while offline: it goes out once the connection is back, exactly once.
    kazakh.context.set_offline(True)
    expect(kazakh.locator("[data-connection]")).to_have_text("Offline: reconnecting…")
    kazakh.get_by_role("textbox", name="Message").fill("Написано без связи")
    kazakh.get_by_role("button", name="Send").click()
    kazakh.context.set_offline(False)
    connected(kazakh)
    for page in (kazakh, belarusian):
        expect(messages(page)).to_have_count(6)
        expect(page.get_by_text("Написано без связи", exact=True)).to_have_count(1)
    expect(kazakh.locator("[data-composer-error]")).to_have_text("")


def test_the_channels_tab_chats_in_the_general_channel_while_the_page_refreshes_live(cast, live_server, new_context):
    group = active_group_with_member(cast)
    gid = group["id"]
    pages = {}
    for who in ("by_head", "kz_member"):
        pages[who] = signed_in(new_context, live_server, cast.people[who])
        pages[who].goto(f"{live_server}/groups/{gid}/channels")
        connected(pages[who])
    belarusian, kazakh = pages["by_head"], pages["kz_member"]
    expect(kazakh.locator("[data-presence]")).to_contain_text(cast.people["by_head"].full_name)

    belarusian.get_by_role("textbox", name="Message").fill("Со страницы группы")
    belarusian.get_by_role("button", name="Send").click()
    expect(messages(kazakh)).to_have_count(1)

    # A change to the group refreshes the tab's content live; the chat below it stays as it was.
    version = cast.api.get(f"/api/v1/groups/{gid}", headers=cast.headers["creator"]).get_json()["version"]
    renamed = cast.api.patch(f"/api/v1/groups/{gid}", json={"title": "ССОГ «Тень-2»", "version": version},
                             headers=cast.headers["creator"])
    assert renamed.status_code == 200, renamed.get_json()
    expect(kazakh.get_by_text("ССОГ «Тень-2»")).to_be_visible()
    expect(messages(kazakh)).to_have_count(1)
    kazakh.get_by_role("textbox", name="Message").fill("Вижу, спасибо")
    kazakh.get_by_role("button", name="Send").click()
    expect(messages(belarusian)).to_have_count(2)
    expect(messages(belarusian).nth(1)).to_contain_text("Вижу, спасибо")
