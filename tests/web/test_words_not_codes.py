"""Issue 15, item 4: pages say things in words. Every page reachable from the home page of the demo story
is crawled as a group head, a legal officer and an administrator, in Russian and in English; no page's
visible text may show a model enum's raw value or a "№ <number>" standing for a person or a group."""

from __future__ import annotations

import enum
import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

import jit.models
from jit import demo
from jit.extensions import db
from jit.models import User
from tests.conftest import sign_in_page
from tests.factories import UserInfo

ENUM_VALUES = {member.value for name in jit.models.__all__ if isinstance(getattr(jit.models, name), enum.EnumMeta)
               for member in getattr(jit.models, name)}
# English pages may use a value that is also an English word ("open", "sent"); a snake_case one never.
RAW_IN_ENGLISH = {value for value in ENUM_VALUES if "_" in value}
# Raw forms seen before the fix, whatever the language: a rule's Python parameters, an operation name,
# a person or group by number, a size in bytes.
RAW_FORMS = [
    re.compile(r"\b(True|False)\b|\bNone\b(?!\.)"),
    re.compile(r"\b[a-z]+_[a-z_]+ = "),
    re.compile(r"\b(socket|work|user)\.[a-z_]+\b"),
    re.compile(r"\(№ ?\d+\)|\(no\. ?\d+\)", re.IGNORECASE),
    re.compile(r"\b(пользователь|user|группа|group) (№ ?|no\. ?)?\d+\b", re.IGNORECASE),
    re.compile(r"Size, bytes|Размер, байт"),
]
PEOPLE = ("v.sokolov", "o.kovalenko", "admin")
SKIPPED = ("/logout", "/static/", "/api/", "/health")
# Not in words yet (issue 15, item 4, left open): the audit trail, and compliance findings, whose messages the
# rules in jit/compliance write with raw values and whose objects are named by type and number.
# The home page links to the compliance page filtered (by severity, by rule): the same findings.
NOT_YET_IN_WORDS = re.compile(r"^/audit/|^/legal/$|^/groups/\d+/compliance(\?|$)")
PER_SHAPE = 2  # pages of one shape (same path with other numbers) looked at


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            self.links += [value for name, value in attrs if name == "href" and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> tuple[str, list[str]]:
    """The text, one piece per text node (so that two cells never read as one phrase), and the links."""
    parser = _Text()
    parser.feed(html)
    pieces = (re.sub(r"\s+", " ", part).strip() for part in parser.parts)
    return " ¦ ".join(piece for piece in pieces if piece), parser.links


def raw_values(text: str, locale: str) -> list[str]:
    # Words standing alone: not part of a file name, a username or a document number ("kaspi-statement.csv");
    # the demo administrator's username is "admin": there the role's value cannot be told from a name.
    words = set(re.findall(r"(?<![\w.-])[a-z_]+(?![\w.-])", text)) - {"admin"}
    found = sorted(words & (ENUM_VALUES if locale == "ru" else RAW_IN_ENGLISH))
    return found + [match.group() for form in RAW_FORMS for match in form.finditer(text)]


def _shape(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + "?" + ",".join(sorted(re.findall(r"(\w+)=", parts.query)))


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
            if (not link.startswith("/") or link.startswith(SKIPPED) or link in seen
                    or shapes[_shape(link)] >= PER_SHAPE):
                continue
            seen.add(link)
            shapes[_shape(link)] += 1
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
            found |= {(username, locale, url): raw for url, text in texts.items()
                      if not NOT_YET_IN_WORDS.match(url) and (raw := raw_values(text, locale))}
    assert pages > 60  # the crawl really went through the story
    assert not found, "\n".join(f"{key}: {raw}" for key, raw in found.items())
