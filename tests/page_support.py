"""Checks on a page's HTML that several crawls share (the test client's in tests/web, the browser's in
tests/browser/test_crawl.py): the text a reader sees must say things in words (issue 15, item 4), and no
form may ask for a number standing for a person, an instruction, a case or an event (issue 15, item 2)."""

from __future__ import annotations

import enum
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import jit.models

ENUM_VALUES = {member.value for name in jit.models.__all__ if isinstance(getattr(jit.models, name), enum.EnumMeta)
               for member in getattr(jit.models, name)}
# English pages may use a value that is also an English word ("open", "sent"); a snake_case one never.
RAW_IN_ENGLISH = {value for value in ENUM_VALUES if "_" in value}
# Raw forms seen before the fix, whatever the language: a rule's Python parameters, an operation name,
# a person or group by number, a size in bytes.
RAW_FORMS = [
    re.compile(r"\b(True|False)\b|\bNone\b(?![.:])"),  # "None: not a correction" is English
    re.compile(r"\b[a-z]+_[a-z_]+ = "),
    re.compile(r"\b(socket|work|user)\.[a-z_]+\b"),
    re.compile(r"\(№ ?\d+\)|\(no\. ?\d+\)", re.IGNORECASE),
    re.compile(r"\b(пользователь|user|группа|group) (№ ?|no\. ?)?\d+\b", re.IGNORECASE),
    re.compile(r"Size, bytes|Размер, байт"),
]
# A hash is a value to compare, not a word: its hex letters ("deadbeef", "cafe") are left out of the check.
HASH = re.compile(r"\b[0-9a-f]{12,64}\b")
# Links a crawl does not follow: they sign out, or answer with something other than a page.
NOT_PAGES = ("/logout", "/static/", "/api/", "/health")
# Fields that name a record without an `_id` in their name.
RECORD_FIELDS = {"assignee", "refers_to", "head", "custodian"}


def page_shape(url: str) -> str:
    """Pages of one shape are one template: the same path with other numbers, the same query keys."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + "?" + ",".join(sorted(re.findall(r"(\w+)=", parts.query)))


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
    """The enum values and raw forms in a page's visible text (`visible_text`) in `locale`."""
    # Words standing alone: not part of a file name, a username or a document number ("kaspi-statement.csv");
    # the demo administrator's username is "admin": there the role's value cannot be told from a name.
    text = HASH.sub(" ", text)
    words = set(re.findall(r"(?<![\w.-])[a-z_]+(?![\w.-])", text)) - {"admin"}
    found = sorted(words & (ENUM_VALUES if locale == "ru" else RAW_IN_ENGLISH))
    return found + [match.group() for form in RAW_FORMS for match in form.finditer(text)]


class _Controls(HTMLParser):
    """Every form control of a page: (tag, name, type)."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("name"):
            self.found.append((tag, attrs["name"], attrs.get("type") or "text"))


def names_a_record(name: str) -> bool:
    bare = name.split("-")[-1]  # forms of one page take prefixes (custody-refers_to)
    return bare.endswith(("_id", "_ids")) or bare in RECORD_FIELDS


def record_fields(html: str) -> list[tuple[str, str, str]]:
    """The page's form controls that name a record: (tag, name, type)."""
    controls = _Controls()
    controls.feed(html)
    return [control for control in controls.found if names_a_record(control[1])]


def typed_record_fields(html: str) -> list[tuple[str, str, str]]:
    """Those of them a person would have to type: not a select, and not a hidden field or a checkbox
    (which carry an id the server wrote; nobody types it)."""
    return [(tag, name, kind) for tag, name, kind in record_fields(html)
            if not (tag == "select" or kind in ("hidden", "checkbox"))]
