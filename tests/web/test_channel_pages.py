"""The chat page and the unread count in the navigation (the live part is tests/browser/test_chat.py)."""

from __future__ import annotations

from tests.channels_support import active_group_with_member, channels_of, post


def test_the_chat_page_lists_readable_channels_with_unread_counts(cast):
    group = active_group_with_member(cast)
    gid = group["id"]
    kz_team = channels_of(cast, gid, "kz_head")["team-KZ"]["id"]
    general = channels_of(cast, gid, "kz_head")["general"]["id"]
    for n in (1, 2):
        assert post(cast, general, "kz_head", f"Сообщение {n}").status_code == 201

    browser = cast.browser("by_head")
    home = browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'aria-label="2 unread messages">2</span>' in home
    page = browser.get(f"/groups/{gid}/channels").get_data(as_text=True)
    assert f'data-channel-id="{general}" data-last-seq="2"' in page
    assert "team-BY" not in page and f'data-channel-id="{kz_team}"' not in page
    assert browser.get(f"/groups/{gid}/channels?channel={kz_team}").status_code == 404
    assert '<script src="/static/js/chat.js"' not in page and "js/chat.js" in page

    observer = cast.browser("by_legal").get(f"/groups/{gid}/channels").get_data(as_text=True)
    assert "data-chat" not in observer and "js/chat.js" not in observer
    assert cast.browser("outsider").get(f"/groups/{gid}/channels").status_code == 404


def test_the_group_page_carries_the_chat_panel_of_its_general_channel(cast):
    group = active_group_with_member(cast)
    gid = group["id"]
    general = channels_of(cast, gid, "kz_member")["general"]["id"]
    assert post(cast, general, "kz_head", "Совещание в 15:00").status_code == 201

    page = cast.browser("kz_member").get(f"/groups/{gid}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    content, steady = page.split('<div data-live-region="content">', 1)[1].split("</main>", 1)[0].rsplit(
        'aria-labelledby="chat-heading"', 1)
    # Outside the region live.js replaces: a refresh of the page must not take the chat from under the reader.
    assert "data-chat" not in content
    assert f'data-chat\n           data-channel-id="{general}"' in steady and "data-composer" in steady
    assert "js/chat.js" in page
    observer = cast.browser("by_legal").get(f"/groups/{gid}").get_data(as_text=True)
    assert "data-chat" not in observer and "js/chat.js" not in observer
