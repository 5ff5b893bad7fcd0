"""A chat message's actions in the browser: a message heard live gets the reader's own actions from
the server; deleting asks in a dialog (cancel keeps it, confirming deletes it); Make a task opens the
form filled from the message."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import signed_in
from tests.browser.test_chat import connected, messages
from tests.channels_support import active_group_with_member, channels_of, post

pytestmark = pytest.mark.browser


def test_deleting_a_message_asks_in_a_dialog_and_a_live_message_offers_the_readers_actions(cast, live_server,
                                                                                          new_context):
    gid = active_group_with_member(cast)["id"]
    general = channels_of(cast, gid, "kz_member")["general"]["id"]
    author = signed_in(new_context, live_server, cast.people["kz_member"])
    author.goto(f"{live_server}/groups/{gid}/channels")
    connected(author)
    head = signed_in(new_context, live_server, cast.people["creator"])
    head.goto(f"{live_server}/groups/{gid}/channels")
    connected(head)

    post(cast, general, "kz_member", "Допросить свидетеля Иванова")
    mine, theirs = messages(author).first, messages(head).first
    expect(mine).to_contain_text("Допросить свидетеля Иванова")
    expect(mine.get_by_role("button", name="Delete")).to_be_visible()
    expect(mine.get_by_role("link", name="Make a task")).to_have_count(0)  # a member sets no tasks
    expect(theirs.get_by_role("link", name="Make a task")).to_be_visible()  # the group head does
    expect(theirs.get_by_role("button", name="Delete")).to_have_count(0)  # not the author

    mine.get_by_role("button", name="Delete").click()
    dialog = author.get_by_role("dialog")
    expect(dialog).to_contain_text("Are you sure? Delete your message?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(mine).to_contain_text("Допросить свидетеля Иванова")
    mine.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete").click()
    expect(author.get_by_role("alert")).to_contain_text("Your message is deleted")
    expect(messages(author).first).to_contain_text("Message deleted")
    expect(messages(head).first).to_contain_text("Message deleted")  # live, on the other page


def test_make_a_task_opens_the_form_filled_from_the_message(cast, live_server, new_context):
    gid = active_group_with_member(cast)["id"]
    general = channels_of(cast, gid, "creator")["general"]["id"]
    post(cast, general, "kz_member", "Проверить счета ТОО «Арман»\nдо пятницы")
    head = signed_in(new_context, live_server, cast.people["creator"])
    head.goto(f"{live_server}/groups/{gid}/channels")
    connected(head)
    messages(head).first.get_by_role("link", name="Make a task").click()
    expect(head.get_by_role("heading", name="A task from a message")).to_be_visible()
    expect(head.get_by_label("Title")).to_have_value("Проверить счета ТОО «Арман»")
    expect(head.get_by_label("Description")).to_have_value("Проверить счета ТОО «Арман»\nдо пятницы")
