"""Issue 15, item 4: chat times are dated and in the reader's own time zone (their account's), not
the browser's clock: the browser here runs in New York, the reader's account says Almaty."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from jit.extensions import db
from jit.models import User
from tests.browser.support import signed_in
from tests.channels_support import active_group_with_member, channels_of, post

pytestmark = pytest.mark.browser


def test_a_message_shows_its_date_and_time_in_the_readers_time_zone(cast, live_server, new_context):
    group = active_group_with_member(cast)
    general = channels_of(cast, group["id"], "kz_member")["general"]["id"]
    with cast.app.app_context():
        db.session.get(User, cast.ids["kz_member"]).time_zone = "Asia/Almaty"
        db.session.commit()
    sent = post(cast, general, "by_head", "Встреча в 10:00").get_json()

    page = signed_in(new_context, live_server, cast.people["kz_member"], timezone_id="America/New_York")
    page.goto(f"{live_server}/groups/{group['id']}/channels")
    shown = page.get_by_role("list", name="Messages").get_by_role("listitem").first.locator("time")
    expect(shown).to_have_attribute("datetime", sent["created_at"])

    in_almaty = datetime.fromisoformat(sent["created_at"]).astimezone(ZoneInfo("Asia/Almaty"))
    in_new_york = in_almaty.astimezone(ZoneInfo("America/New_York"))
    # The page's language is English: Intl's medium date and short time read "Dec 7, 2026, 3:47 AM".
    text = shown.inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert text == _written(in_almaty), text
    assert text != _written(in_new_york)
    page.context.close()  # the socket's disconnect is recorded while the test's database still exists


def _written(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}, {moment.year}, {moment.hour % 12 or 12}:{moment:%M} {moment:%p}"
