"""Issues 15 and 16, "done when", in the browser: every page of the demo, as each demo role, in Russian
and in English, at 1366 px and at 390 px. The crawl starts at the role's home and at every group's
page and its first instruction, task, evidence item and channels (so new pages are found by their
links, not listed here), and asserts on each page:

- the status the service predicts (200, or 404 on a group's page or object the person may not see);
- no console error, no failed request, no sideways scroll;
- 0 serious or critical axe-core violations (once per page shape, language and width);
- every action control (`data-action` inside `data-object="<kind>:<id>"`) is one the service's
  `allowed_actions` lists for that person and object, asked in-process (a disabled one: listed with
  what it lacks); no form asks to type an id; no enum value or "№ <id>" in the visible text.

SQLite only: a crawl of pages needs one backend. It prints how long it took."""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from flask import url_for
from playwright.sync_api import Browser, Page
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from config import PROJECT_ROOT
from jit import demo
from jit.extensions import db
from jit.models import Authority, EvidenceItem, Instruction, JointGroup, Message, Task, User
from jit.services import authz, channels, evidence, groups, instructions, tasks
from jit.services.errors import NotFound
from tests import factories
from tests.conftest import LiveServer, apps_on
from tests.page_support import (
    NOT_PAGES,
    page_shape,
    raw_values,
    typed_record_fields,
    visible_text,
)

pytestmark = pytest.mark.browser

OUTSIDER = "p.sidorov"  # a Russian investigator in no group of the demo
ROLES = {"group head": "v.sokolov", "national head": "a.nurlanov", "member": "d.seitkali",
         "legal officer": "o.kovalenko", "admin": "admin", "outsider": OUTSIDER}
LOCALES = ("ru", "en")
WIDTHS = (1366, 390)
PER_SHAPE = 1  # pages of one shape (the same template for another record) visited per person and language
SERIOUS = ("serious", "critical")
AXE_FILE = next(path for path in (PROJECT_ROOT / "static/vendor/axe-core/axe.min.js",
                                  PROJECT_ROOT / "node_modules/axe-core/axe.min.js") if path.exists())
# Kinds of `data-object` and, for each, the model and the service's answer of what a person may do with it.
OBJECTS = {"group": (JointGroup, groups.allowed_actions), "instruction": (Instruction, instructions.allowed_actions),
           "task": (Task, tasks.allowed_actions), "evidence": (EvidenceItem, evidence.allowed_actions),
           "message": (Message, channels.allowed_actions)}
# What a page shows, read once it has loaded: the width it takes, its action controls, its same-site links.
PAGE_FACTS = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  controls: [...document.querySelectorAll('[data-action]')].map(control => ({
    action: control.dataset.action,
    object: control.closest('[data-object]')?.dataset.object ?? null,
    disabled: control.disabled === true || control.getAttribute('aria-disabled') === 'true',
    label: (control.textContent || control.value || '').trim().slice(0, 60)})),
  links: [...document.links].filter(link => link.origin === location.origin)
                            .map(link => link.pathname + link.search),
  html: document.documentElement.outerHTML,
})"""
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(rule => ({id: rule.id, impact: rule.impact, help: rule.help,
                 count: rule.nodes.length, targets: rule.nodes.slice(0, 3).map(node => node.target.join(' '))}))"""


@dataclass
class Site:
    app: object
    url: str
    seeds: list[tuple[str, int]]  # (page, its group's id): where every crawl starts besides the home
    axe_done: set = field(default_factory=set)  # (shape, locale, width) already checked
    timings: dict = field(default_factory=dict)
    spent: Counter = field(default_factory=Counter)  # seconds, by step of a visit

    @contextmanager
    def timed(self, step: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.spent[step] += time.perf_counter() - started


@pytest.fixture(scope="module")
def site(sqlite_backend):
    with apps_on(sqlite_backend) as build:
        # The browser keeps the static files for the crawl (as behind nginx), instead of asking again for each
        # of them on each of the hundreds of pages.
        app = build(JIT_LOGIN_RATE_LIMIT="1000000 per second", SEND_FILE_MAX_AGE_DEFAULT=3600)
        with app.app_context():
            demo.load_demo()
            russian = db.session.scalar(select(Authority).where(Authority.party_code == "RU"))
            factories.create_user(username=OUTSIDER, full_name="Пётр Сидоров", password=demo.DEMO_PASSWORD,
                                  authority=russian)
        with app.test_request_context():
            seeds = _seeds()
        server = LiveServer(app)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Site(app, f"http://127.0.0.1:{server.server_port}", seeds)
        finally:
            server.stop()
            thread.join(timeout=5)


def _seeds() -> list[tuple[str, int]]:
    """Every group's page and channels, and its first instruction, task and evidence item."""
    pages = []
    for group_id in db.session.scalars(select(JointGroup.id).order_by(JointGroup.id)):
        pages += [(url_for("groups.overview", gid=group_id), group_id),
                  (url_for("channels.page", gid=group_id), group_id)]
        for model, endpoint, key in ((Instruction, "instructions.detail", "iid"), (Task, "tasks.detail", "tid"),
                                     (EvidenceItem, "evidence.detail", "eid")):
            first = db.session.scalar(select(model.id).where(model.group_id == group_id).order_by(model.id))
            if first is not None:
                pages.append((url_for(endpoint, **{key: first}), group_id))
    return pages


class Visitor:
    """One person in one browser context: signs in, visits pages and says what is wrong with each."""

    def __init__(self, site: Site, browser: Browser, username: str, locale: str):
        self.site, self.username, self.locale = site, username, locale
        self.context = browser.new_context(locale="ru-RU" if locale == "ru" else "en-GB",
                                           viewport={"width": WIDTHS[0], "height": 900})
        self.page: Page = self.context.new_page()
        self.heard: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.heard.append(
            f"console: {message.text} ({message.location.get('url')})"))
        self.page.on("pageerror", lambda error: self.heard.append(f"script error: {error}"))
        # A request the page still had running when the crawl moved on is aborted by the browser (ERR_ABORTED):
        # the crawl's doing, not the server's.
        self.page.on("requestfailed", lambda request: "ERR_ABORTED" not in (request.failure or "")
                     and self.heard.append(f"request failed: {request.url} {request.failure}"))
        self.page.on("response", lambda response: response.status >= 400 and response.request.resource_type
                     != "document" and self.heard.append(f"request answered {response.status}: {response.url}"))
        self.answers: dict[str, dict[str, list[str]] | None] = {}

    def sign_in(self) -> None:
        page = self.page
        page.goto(f"{self.site.url}/login")
        page.locator("input[name=username]").fill(self.username)
        page.locator("input[name=password]").fill(demo.DEMO_PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)
        page.locator(f"button[name=locale][value={self.locale}]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == self.locale

    def expected_status(self, group_id: int | None) -> int:
        if group_id is None:
            return 200
        with self.site.app.app_context():
            return 200 if authz.can_view_group(self._user(), db.session.get(JointGroup, group_id)) else 404

    def visit(self, url: str, expected: int, width: int) -> tuple[list[str], list[str]] | None:
        """(problems, links) of the page, or None when the link is a download rather than a page."""
        self.heard.clear()
        try:
            with self.site.timed("loading"):
                response = self.page.goto(self.site.url + url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                return None
            raise
        problems = [] if response.status == expected else [f"status {response.status}, expected {expected}"]
        if "text/html" not in response.headers.get("content-type", ""):
            return [*problems, "not a page"], []
        with self.site.timed("reading"):
            facts = self.page.evaluate(PAGE_FACTS)
        if expected != 200:
            # The 404 page's own document is the one failure expected: Chromium reports it in the console.
            self.heard[:] = [heard for heard in self.heard if not heard.startswith("console: Failed to load resource")]
            return problems + self.heard, []
        if facts["overflow"] > 2:
            problems.append(f"sideways scroll of {facts['overflow']} px at {width} px")
        with self.site.timed("axe"):
            problems += self._axe(url, width)
        with self.site.timed("checking"):
            problems += self._controls(facts["controls"]) + self._words(url, facts["html"])
        problems += self.heard
        return problems, facts["links"]

    def _axe(self, url: str, width: int) -> list[str]:
        key = (page_shape(url), self.locale, width)
        if key in self.site.axe_done:
            return []
        self.site.axe_done.add(key)
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.evaluate(AXE_FILE.read_text())
        violations = self.page.evaluate(AXE_RUN)
        return [f"axe {rule['impact']} {rule['id']}: {rule['help']} at {rule['count']} places: {rule['targets']}"
                for rule in violations if rule["impact"] in SERIOUS]

    def _controls(self, controls: list[dict]) -> list[str]:
        problems = []
        for control in controls:
            what = f"control «{control['label']}» ({control['action']} on {control['object']})"
            actions = self._allowed(control["object"]) if control["object"] else None
            if actions is None:
                problems.append(f"{what}: no object the service knows the person may see")
            elif control["action"] not in actions:
                problems.append(f"{what}: not an action the service allows (it lists {sorted(actions)})")
            elif actions[control["action"]] and not control["disabled"]:
                problems.append(f"{what}: offered, but the service says it still lacks {actions[control['action']]}")
        return problems

    def _allowed(self, reference: str) -> dict[str, list[str]] | None:
        if reference not in self.answers:
            kind, _, number = reference.partition(":")
            model, answer = OBJECTS.get(kind, (None, None))
            with self.site.app.app_context():
                record = db.session.get(model, int(number)) if model and number.isdigit() else None
                try:
                    self.answers[reference] = answer(self._user(), record) if record else None
                except NotFound:
                    self.answers[reference] = None
        return self.answers[reference]

    def _words(self, url: str, html: str) -> list[str]:
        text, _ = visible_text(html)
        return [f"a typed id field: {control}" for control in typed_record_fields(html)] + [
            f"raw value shown: {raw!r}" for raw in raw_values(text, self.locale)]

    def _user(self) -> User:
        return db.session.scalar(select(User).where(User.username == self.username))


def crawl(visitor: Visitor) -> dict[str, list[str]]:
    """Every page the person reaches from home and the seeds at the wide width, then the same pages at
    the narrow one: url@width -> its problems."""
    site, found = visitor.site, {}
    queue = [("/", None, "home"), *((url, group_id, "the seeds") for url, group_id in site.seeds)]
    seen, shapes, pages = {url for url, *_ in queue}, Counter(page_shape(url) for url, *_ in queue), []
    while queue:
        url, group_id, source = queue.pop(0)
        expected = visitor.expected_status(group_id)
        result = visitor.visit(url, expected, WIDTHS[0])
        if result is None:
            continue
        pages.append((url, expected))
        problems, links = result
        found[f"{url} (from {source}) @ {WIDTHS[0]}"] = problems
        for link in links:
            if link.startswith(NOT_PAGES) or link in seen or shapes[page_shape(link)] >= PER_SHAPE:
                continue
            seen.add(link)
            shapes[page_shape(link)] += 1
            queue.append((link, None, url))
    visitor.page.set_viewport_size({"width": WIDTHS[1], "height": 844})
    for url, expected in pages:
        problems, _ = visitor.visit(url, expected, WIDTHS[1])
        found[f"{url} @ {WIDTHS[1]}"] = problems
    return found


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_as_each_role_in_both_languages_and_widths(role, site, browser, capsys):
    started, problems, visited = time.perf_counter(), defaultdict(list), 0
    for locale in LOCALES:
        visitor = Visitor(site, browser, ROLES[role], locale)
        try:
            visitor.sign_in()
            pages = crawl(visitor)
        finally:
            visitor.context.close()
        visited += len(pages)
        for page, found in pages.items():
            if found:
                problems[f"{locale} {page}"] += found
    site.timings[role] = time.perf_counter() - started
    with capsys.disabled():
        print(f"\ncrawl as the {role}: {visited} page visits in {site.timings[role]:.1f} s "
              f"(all roles so far: {sum(site.timings.values()):.1f} s, {len(site.axe_done)} axe runs; "
              + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in site.spent.items()) + ")")
    assert visited > 20  # the crawl really went through the demo
    assert not problems, "\n".join(f"{page}: {found}" for page, found in problems.items())
