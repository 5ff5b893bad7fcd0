"""The bell and the inbox page (issue 17): the count in the header, the list in words with links to
the objects, the filters, "mark all read", and following a notification to its object."""

from __future__ import annotations

import re

from tests.channels_support import active_group_with_member, channels_of, post
from tests.conftest import csrf_token_in
from tests.notifications_support import inbox

RU = {"Accept-Language": "ru"}


def _bell(html: str) -> str:
    return re.search(r"data-notification-count[^>]*>(\d+)<", html).group(1)


def _mention(cast, group) -> dict:
    general = channels_of(cast, group["id"], "by_head")["general"]
    sent = post(cast, general["id"], "by_head", f"@{cast.people['kz_member'].username} посмотрите выписку")
    assert sent.status_code == 201
    return sent.get_json()


def test_the_bell_counts_and_the_inbox_lists_in_words_with_links(cast):
    group = active_group_with_member(cast)
    message = _mention(cast, group)
    browser = cast.browser("kz_member")
    home = browser.get("/", headers=RU).get_data(as_text=True)
    assert _bell(home) == "2"  # added to the group, mentioned
    page = browser.get("/notifications", headers=RU).get_data(as_text=True)
    assert "вас упомянули в группе" in page and "вы включены в состав группы" in page
    assert f'channel={general_id(cast, group)}#message-{message["seq"]}' in page
    assert f'href="/groups/{group["id"]}"' in page
    only_mentions = browser.get("/notifications?kind=mention", headers=RU).get_data(as_text=True)
    assert "вы включены в состав группы" not in only_mentions and "вас упомянули" in only_mentions
    assert "Упоминания" in page  # the filter's choices in words


def general_id(cast, group) -> int:
    return channels_of(cast, group["id"], "kz_member")["general"]["id"]


def test_mark_all_read_empties_the_bell(cast):
    group = active_group_with_member(cast)
    _mention(cast, group)
    browser = cast.browser("kz_member")
    token = csrf_token_in(browser.get("/notifications").get_data(as_text=True))
    response = browser.post("/notifications/read", data={"csrf_token": token}, headers=RU)
    assert response.status_code == 302
    assert _bell(browser.get("/notifications", headers=RU).get_data(as_text=True)) == "0"
    assert inbox(cast, "kz_member")["unread"] == 0


def test_following_a_notification_leads_to_its_object_and_opening_marks_it_read(cast):
    group = active_group_with_member(cast)
    browser = cast.browser("kz_member")
    [added] = inbox(cast, "kz_member", kind="member.added")["items"]
    followed = browser.get(f"/notifications/{added['id']}")
    assert followed.status_code == 302 and followed.headers["Location"].endswith(f"/groups/{group['id']}")
    assert browser.get(followed.headers["Location"]).status_code == 200
    assert inbox(cast, "kz_member", kind="member.added")["items"][0]["read_at"] is not None
    # another person's notice does not exist for them
    assert cast.browser("outsider").get(f"/notifications/{added['id']}").status_code == 404


def test_an_unknown_kind_is_refused_with_a_message(cast):
    browser = cast.browser("kz_member")
    response = browser.get("/notifications?kind=nonsense", headers=RU, follow_redirects=True)
    assert response.status_code == 200
    assert "Одно из" in response.get_data(as_text=True)
