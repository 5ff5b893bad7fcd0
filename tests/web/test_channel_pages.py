"""The chat page and the unread count in the navigation (the live part is tests/browser/test_chat.py)."""

from __future__ import annotations

import re

from jit.extensions import db
from jit.models import User
from tests.channels_support import active_group_with_member, channels_of, post
from tests.conftest import csrf_token_in

HEAD = "creator"  # the group head


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


def _live_region_and_after(page: str) -> tuple[str, str]:
    """The HTML inside the element live.js replaces, and what follows it up to the end of <main>."""
    start = page.index('<div data-live-region="content"')
    depth, position = 0, start
    for tag in re.finditer(r"<(/?)div\b", page[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            position = start + tag.end()
            break
    return page[start:position], page[position:page.index("</main>")]


def test_the_channels_tab_keeps_its_chat_panel_out_of_the_live_region(cast):
    group = active_group_with_member(cast)
    gid = group["id"]
    general = channels_of(cast, gid, "kz_member")["general"]["id"]
    assert post(cast, general, "kz_head", "Совещание в 15:00").status_code == 201

    page = cast.browser("kz_member").get(f"/groups/{gid}/channels", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    content, steady = _live_region_and_after(page)
    # Outside the region live.js replaces: a refresh of the page must not take the chat from under the reader.
    assert "data-chat" not in content and "Channels" in content
    assert f'data-chat\n           data-channel-id="{general}"' in steady and "data-composer" in steady
    assert "js/chat.js" in page
    observer = cast.browser("by_legal").get(f"/groups/{gid}/channels").get_data(as_text=True)
    assert "data-chat" not in observer and "js/chat.js" not in observer


def test_the_group_head_opens_a_custom_channel_with_two_members_chosen_by_name(cast):
    group = active_group_with_member(cast)
    gid = group["id"]
    browser = cast.browser(HEAD)
    page = browser.get(f"/groups/{gid}/channels", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert 'name="member_ids" multiple' in page and "Новый канал" in page
    with cast.app.app_context():
        names = {who: db.session.get(User, cast.ids[who]).full_name for who in ("kz_member", "by_head")}
    for who, name in names.items():
        assert f'<option value="{cast.ids[who]}">{name}</option>' in page  # chosen by name, never a typed id
    opened = browser.post(f"/groups/{gid}/channels", data={
        "name": "Финансовый след", "member_ids": [cast.ids["kz_member"], cast.ids["by_head"]],
        "csrf_token": csrf_token_in(page)})
    assert opened.status_code == 302
    channel = channels_of(cast, gid, "kz_member")["Финансовый след"]
    assert opened.headers["Location"].endswith(f"/groups/{gid}/channels?channel={channel['id']}")
    members = cast.api.get(f"/api/v1/channels/{channel['id']}/members", headers=cast.headers[HEAD]).get_json()
    assert {cast.ids["kz_member"], cast.ids["by_head"]} <= {m["id"] for m in members["items"]}
    shown = browser.get(opened.headers["Location"], headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Финансовый след" in shown
    assert '<p class="text-muted mb-0" data-empty>Сообщений пока нет</p>' in shown


def test_a_channel_with_messages_does_not_say_it_is_empty_and_members_cannot_open_channels(cast):
    group = active_group_with_member(cast)
    gid = group["id"]
    general = channels_of(cast, gid, "kz_member")["general"]["id"]
    assert post(cast, general, HEAD, "Совещание в 15:00").status_code == 201
    page = cast.browser("kz_member").get(f"/groups/{gid}/channels", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "data-empty hidden" in page
    assert "New channel" not in page and 'name="member_ids"' not in page
    for who in ("kz_member", "by_legal"):
        browser = cast.browser(who)
        token = csrf_token_in(browser.get("/").get_data(as_text=True))
        refused = browser.post(f"/groups/{gid}/channels", data={"name": "x", "member_ids": [], "csrf_token": token})
        assert refused.status_code == 403
    observer = cast.browser("by_legal").get(f"/groups/{gid}/channels").get_data(as_text=True)
    assert "New channel" not in observer and 'name="member_ids"' not in observer
