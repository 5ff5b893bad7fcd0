"""Issue 15, item 4: pages say things in words. Every page reachable from the home page of the demo story
is crawled as a group head, a legal officer and an administrator, in Russian and in English; no page's
visible text may show a model enum's raw value or a "№ <number>" standing for a person or a group."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from jit import demo
from jit.extensions import db
from jit.models import User
from tests.conftest import sign_in_page
from tests.factories import UserInfo
from tests.page_support import NOT_PAGES, page_shape, raw_values, visible_text

PEOPLE = ("v.sokolov", "o.kovalenko", "admin")
# Pages that once showed codes, which the crawl must reach: the audit trail, the legal dashboard, a group's compliance.
MUST_REACH = {"v.sokolov": (r"^/audit/", r"^/groups/\d+/compliance$"),
              "o.kovalenko": (r"^/audit/", r"^/legal/$", r"^/groups/\d+/compliance$"),
              "admin": (r"^/audit/", r"^/legal/$", r"^/groups/\d+/compliance$")}
PER_SHAPE = 2  # pages of one shape (same path with other numbers) looked at


def crawl(browser) -> dict[str, str]:
    """Every page reachable from the home page, PER_SHAPE of each shape: url -> visible text."""
    queue, seen, shapes, texts = ["/"], {"/"}, Counter(), {}
    while queue:
        url = queue.pop(0)
        response = browser.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        texts[url], links = visible_text(response.get_data(as_text=True))
        for link in links:
            link = link.split("#")[0]
            if (not link.startswith("/") or link.startswith(NOT_PAGES) or link in seen
                    or shapes[page_shape(link)] >= PER_SHAPE):
                continue
            seen.add(link)
            shapes[page_shape(link)] += 1
            queue.append(link)
    return texts


@pytest.fixture
def demo_app(make_app):
    app = make_app(JIT_LOGIN_RATE_LIMIT="1000000 per second")
    with app.app_context():
        demo.load_demo()
    return app


def test_no_page_shows_a_raw_value_in_either_language(demo_app):
    found, pages = {}, 0
    for username in PEOPLE:
        browser = demo_app.test_client()
        assert sign_in_page(browser, UserInfo(0, username, demo.DEMO_PASSWORD, "")).status_code == 302
        for locale in ("ru", "en"):
            with demo_app.app_context():
                db.session.scalar(select(User).where(User.username == username)).locale = locale
                db.session.commit()
            texts = crawl(browser)
            pages += len(texts)
            assert all(any(re.match(path, url) for url in texts) for path in MUST_REACH[username]), username
            found |= {(username, locale, url): raw for url, text in texts.items()
                      if (raw := raw_values(text, locale))}
    assert pages > 60  # the crawl really went through the story
    assert not found, "\n".join(f"{key}: {raw}" for key, raw in found.items())
