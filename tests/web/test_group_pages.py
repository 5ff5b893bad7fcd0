"""Group pages: the list, the overview, the forms, and every refusal shown where the user looks."""

from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from jit.extensions import db
from jit.models import AuditEvent, JointGroup
from jit.web.groups.routes import term_of
from tests.conftest import csrf_token_in
from tests.evidence_support import evidence_group, register
from tests.groups_support import (
    PURPOSE,
    TITLE,
    TODAY,
    activate,
    advance,
    create_group,
    file_document,
    read_group,
)

EN = {"Accept-Language": "en"}


def submit(client, url: str, data: dict, *, form_url: str | None = None):
    """POST `data` to `url` the way a browser would: with the CSRF token of the page showing the form."""
    token = csrf_token_in(client.get(form_url or url, headers=EN).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, headers=EN)


def as_seen(html: str, gid: int) -> str:
    """The page without what differs by request: its id, the CSRF token (timestamped) and the path
    in the language form."""
    html = re.sub(r"<code>[0-9a-f]{32}</code>", "", html)
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    return html.replace(f"/groups/{gid}", "/groups/ID")


# --- tests ---------------------------------------------------------------------------------

def test_a_group_drafted_on_the_page_keeps_its_cyrillic_text(cast):
    browser = cast.browser("creator")
    form = browser.get("/groups/new", headers=EN)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    for field, label in (("title", "Title"), ("purpose", "Purpose"), ("place_of_activity", "Place of activity"),
                         ("starts_on", "Start of the term"), ("ends_on", "End of the term")):
        assert f'<label class="form-label" for="{field}">{label}</label>' in html

    ends_on = TODAY + timedelta(days=90)
    response = submit(browser, "/groups/new", {
        "title": TITLE, "purpose": PURPOSE.replace("\n", "\r\n"), "place_of_activity": "Минск, Астана",
        "starts_on": TODAY.isoformat(), "ends_on": ends_on.isoformat()})
    assert response.status_code == 302
    gid = int(response.headers["Location"].rsplit("/", 1)[1])

    overview = browser.get(f"/groups/{gid}", headers=EN)
    assert overview.status_code == 200
    html = overview.get_data(as_text=True)
    assert re.search(r"The group JIG-\d{4}-\d{3} is drafted\.", html)
    assert f'<h1 class="h3 mb-0">{TITLE}</h1>' in html
    assert PURPOSE.splitlines()[1] in html
    assert "draft" in html and "90 days left" in html
    assert "w-pct-0" in html  # the term starts today

    fetched = read_group(cast, gid)
    assert (fetched["title"], fetched["purpose"], fetched["place_of_activity"]) == (
        TITLE, PURPOSE, "Минск, Астана")
    assert fetched["ends_on"] == ends_on.isoformat()


def test_a_refused_creation_shows_the_reasons_on_the_fields(cast):
    browser = cast.browser("creator")
    response = submit(browser, "/groups/new", {"title": "", "purpose": "Цель", "place_of_activity": "Минск",
                                               "starts_on": "2025-05-01", "ends_on": "2025-04-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="title-errors"[^>]*>Required\.<', html)
    assert re.search(r'id="ends_on-errors"[^>]*>Must be after the start of the term\.<', html)
    with cast.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JointGroup)) == 0


def test_the_list_shows_only_the_users_groups(cast):
    mine = create_group(cast, title="Моя группа")
    theirs = create_group(cast, who="by_head", title="Чужая группа")
    html = cast.browser("creator").get("/groups/", headers=EN).get_data(as_text=True)
    assert "Моя группа" in html and mine["code"] in html
    assert "Чужая группа" not in html and theirs["code"] not in html
    assert f'href="/groups/{mine["id"]}"' in html
    assert "Draft a new group" in html and "180 days left" in html
    assert 'href="/groups/"' in html  # the "Groups" link of the navigation

    empty = cast.browser("outsider").get("/groups/", headers=EN).get_data(as_text=True)
    assert "You are in no group yet." in empty


def test_outsiders_get_the_same_404_for_a_group_they_are_not_in_as_for_none(cast):
    gid = activate(cast)["id"]
    browser = cast.browser("outsider")
    token = csrf_token_in(browser.get("/groups/", headers=EN).get_data(as_text=True))
    for path in ["", "/members", "/documents", "/cases", "/timeline", "/edit", "/teams/new", "/members/new",
                 "/documents/new", "/cases/new"]:
        existing = browser.get(f"/groups/{gid}{path}", headers=EN)
        missing = browser.get(f"/groups/99999{path}", headers=EN)
        assert existing.status_code == missing.status_code == 404, path
        assert as_seen(existing.get_data(as_text=True), gid) == as_seen(missing.get_data(as_text=True), 99999)
        assert TITLE not in existing.get_data(as_text=True)
    for path, data in [("/transitions", {"to": "suspended", "version": "1"}),
                       (f"/members/{cast.ids['by_head']}/remove", {}),
                       ("/edit", {"title": "Взлом", "version": "1"})]:
        existing = browser.post(f"/groups/{gid}{path}", data={**data, "csrf_token": token}, headers=EN)
        missing = browser.post(f"/groups/99999{path}", data={**data, "csrf_token": token}, headers=EN)
        assert existing.status_code == missing.status_code == 404, path
    assert read_group(cast, gid)["status"] == "active"


def _tab(browser, gid: int, tab: str = "") -> str:
    page = browser.get(f"/groups/{gid}{tab}", headers=EN)
    assert page.status_code == 200, tab
    return page.get_data(as_text=True)


def test_the_tabs_show_teams_documents_timeline_and_the_overview_the_term(cast, clock):
    gid = activate(cast)["id"]
    clock.advance(days=45)
    kz_head = cast.browser("kz_head")
    html = _tab(kz_head, gid, "/members")
    assert "Republic of Kazakhstan" in html and "Republic of Belarus" in html
    assert "Айдос Сейткали" in html
    # Members are named, never numbered: the username stands beside the name, not the user id.
    assert re.search(rf"<td>{cast.people['kz_head'].username}</td>\s*<td>national head</td>", html)
    documents = _tab(kz_head, gid, "/documents")
    assert "decision: to appoint the group head" in documents and "creation request" in documents
    timeline = _tab(kz_head, gid, "/timeline")
    assert "Group head appointed" in timeline and "Status changed" in timeline
    html = _tab(kz_head, gid)
    assert "Republic of Kazakhstan" not in html and "Group head appointed" not in html  # the overview is short
    assert "135 days left" in html and "w-pct-25" in html
    assert re.search(r'aria-labelledby="group-status-label"><span class="badge [^"]+">active</span>', html)
    # the lifecycle panel is the group head's: a national head sees no move; to the head, suspending
    # is possible now, closing needs a termination decision
    assert 'aria-label="Suspend"' not in html and "No move of the lifecycle is yours to make." in html
    html = cast.browser("creator").get(f"/groups/{gid}", headers=EN).get_data(as_text=True)
    assert 'aria-label="Suspend"' in html
    assert "No termination decision is on file." in html
    assert re.search(r'disabled aria-describedby="unmet-closed">Close the group</button>', html)


def test_a_stale_edit_shows_the_conflict_and_both_titles(cast):
    gid = create_group(cast)["id"]
    browser = cast.browser("creator")
    form = browser.get(f"/groups/{gid}/edit", headers=EN).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form
    token = csrf_token_in(form)
    changed = cast.api.patch(f"/api/v1/groups/{gid}", json={"title": "Их название", "version": 1},
                             headers=cast.headers["creator"])
    assert changed.status_code == 200

    response = browser.post(f"/groups/{gid}/edit", headers=EN, data={
        "csrf_token": token, "version": "1", "title": "Моё название", "purpose": PURPOSE,
        "place_of_activity": "Минск, Астана", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=180)).isoformat()})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The group was changed meanwhile (now version 2). Reload and try again." in html
    assert "Changed meanwhile" in html and "Их название" in html and "Моё название" in html
    assert 'name="version" type="hidden" value="2"' in html
    assert read_group(cast, gid)["title"] == "Их название"

    # having seen theirs, saving again replaces it knowingly
    again = browser.post(f"/groups/{gid}/edit", headers=EN, data={
        "csrf_token": token, "version": "2", "title": "Моё название", "purpose": PURPOSE,
        "place_of_activity": "Минск, Астана", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + timedelta(days=180)).isoformat()})
    assert again.status_code == 302
    assert read_group(cast, gid)["title"] == "Моё название"


def test_a_refused_transition_shows_the_unmet_conditions_with_409(cast):
    group = create_group(cast)
    browser = cast.browser("creator")
    before = browser.get(f"/groups/{group['id']}", headers=EN).get_data(as_text=True)
    assert "No creation request is on file." in before  # said before anyone tries
    assert re.search(r'disabled aria-describedby="unmet-requested">Mark as requested</button>', before)

    response = submit(browser, f"/groups/{group['id']}/transitions", {"to": "requested", "version": "1"},
                      form_url=f"/groups/{group['id']}")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    alert = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', html, re.S).group(1)
    assert "The move was refused." in alert and "<li>No creation request is on file.</li>" in alert
    assert read_group(cast, group["id"])["status"] == "draft"

    file_document(cast, group["id"], None, "BY")
    moved = submit(browser, f"/groups/{group['id']}/transitions",
                   {"to": "requested", "version": str(read_group(cast, group["id"])["version"]),
                    "reason": "Запрос направлен"}, form_url=f"/groups/{group['id']}")
    assert moved.status_code == 302
    assert "The group is now requested." in _tab(browser, group["id"])
    assert "(Запрос направлен)" in _tab(browser, group["id"], "/timeline")


def test_a_national_head_is_not_removed_from_an_activate(cast):
    gid = activate(cast)["id"]
    response = submit(cast.browser("creator"), f"/groups/{gid}/members/{cast.ids['kz_head']}/remove",
                      {"confirm": "yes"}, form_url=f"/groups/{gid}")
    assert response.status_code == 409
    assert "add the new national head before removing this one" in response.get_data(as_text=True)


def test_a_closed_group_shows_no_action_forms(cast):
    gid = activate(cast)["id"]
    file_document(cast, gid, "terminate", "BY")
    advance(cast, gid, "closed")
    browser = cast.browser("creator")
    html = _tab(browser, gid)
    assert re.search(r'aria-labelledby="group-status-label"><span class="badge [^"]+">closed</span>', html)
    assert "No further moves: the group is closed." in html
    for tab in ("", "/members", "/documents", "/cases", "/timeline"):
        html = _tab(browser, gid, tab)
        for action in ("/edit", "/teams/new", "/members/new", "/documents/new", "/cases/new", "/remove",
                       "/transitions"):
            assert f"{action}\"" not in html, (tab, action)
        main = html.split('id="main"', 1)[1]
        assert "<form" not in main and 'type="submit"' not in main, tab
    # Its channels can still be read, not written to.
    main = _tab(browser, gid, "/channels").split('id="main"', 1)[1]
    assert "data-chat" in main and "The group is closed or suspended: its channels can be read" in main


def test_posts_without_a_csrf_token_are_refused(cast):
    group = create_group(cast)
    browser = cast.browser("creator")
    assert browser.post("/groups/new", data={"title": "Без токена", "purpose": "Цель",
                                             "place_of_activity": "Минск"}).status_code == 400
    assert browser.post(f"/groups/{group['id']}/edit", data={"title": "Без токена", "version": "1"}).status_code == 400
    assert browser.post(f"/groups/{group['id']}/transitions", data={"to": "requested", "version": "1"}
                        ).status_code == 400
    with cast.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JointGroup)) == 1
    assert read_group(cast, group["id"])["title"] == TITLE


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for path in ["/groups/", "/groups/new", "/groups/1", "/groups/1/edit"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(f"/login?next={path}"), path


@pytest.mark.parametrize(("starts", "ends", "today", "days_left", "percent"), [
    (date(2025, 1, 1), date(2025, 1, 21), date(2025, 1, 1), 20, 0),
    (date(2025, 1, 1), date(2025, 1, 21), date(2025, 1, 6), 15, 25),
    (date(2025, 1, 1), date(2025, 1, 21), date(2025, 1, 8), 13, 35),
    (date(2025, 1, 1), date(2025, 1, 21), date(2024, 12, 1), 51, 0),
    (date(2025, 1, 1), date(2025, 1, 21), date(2025, 2, 1), -11, 100),
    (None, date(2025, 1, 21), date(2025, 1, 1), 20, None),
    (None, None, date(2025, 1, 1), None, None),
])
def test_the_term_in_days_left_and_5_percent_steps(starts, ends, today, days_left, percent):
    term = term_of(SimpleNamespace(starts_on=starts, ends_on=ends), today)
    assert (term["days_left"], term["percent"]) == (days_left, percent)


def test_a_document_file_is_attached_and_downloaded_from_the_page(cast):
    import base64
    import hashlib
    import io

    group = create_group(cast)
    document = file_document(cast, group["id"], None, "BY")
    browser = cast.browser("creator")
    documents = _tab(browser, group["id"], "/documents")
    upload_url = f"/groups/{group['id']}/documents/{document['id']}/file"
    assert f'action="{upload_url}"' in documents
    content = "Решение о создании".encode() * 100
    sent = browser.post(upload_url, data={"file": (io.BytesIO(content), "решение.pdf"),
                                          "csrf_token": csrf_token_in(documents)},
                        content_type="multipart/form-data")
    assert sent.status_code == 302
    documents = _tab(browser, group["id"], "/documents")
    assert f'action="{upload_url}"' not in documents
    download = browser.get(upload_url)
    assert download.data == content
    assert download.headers["Digest"] == "sha-256=" + base64.b64encode(hashlib.sha256(content).digest()).decode()


def test_a_page_upload_without_a_file_is_refused_and_nothing_changes(cast):
    group = create_group(cast)
    document = file_document(cast, group["id"], None, "BY")
    browser = cast.browser("creator")
    documents = browser.get(f"/groups/{group['id']}").get_data(as_text=True)
    refused = browser.post(f"/groups/{group['id']}/documents/{document['id']}/file",
                           data={"csrf_token": csrf_token_in(documents)}, headers={"Accept-Language": "en"})
    assert refused.status_code == 302
    assert "Choose a file." in _tab(browser, group["id"], "/documents")
    assert browser.get(f"/groups/{group['id']}/documents/{document['id']}/file").status_code == 404


def _events_after(cast, leaf_index: int) -> list[AuditEvent]:
    with cast.app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.leaf_index > leaf_index)
                                    .order_by(AuditEvent.leaf_index)).all()
        db.session.expunge_all()
        return events


def _last_leaf(cast) -> int:
    with cast.app.app_context():
        return db.session.scalar(select(func.max(AuditEvent.leaf_index)))


CHAT = 'id="chat-body"'  # the open channel, read in the same use case as the rest of the page
LIFECYCLE = 'id="lifecycle-heading"'  # the overview's moves and counts, read with the group


def _page(path: str, operation: str, shows: str | None = None, backend: str = "sqlite"):
    marks = [pytest.mark.postgres] if backend == "postgresql" else []
    return pytest.param(backend, path, operation, shows, marks=marks, id=f"{backend}-{path}")


# Every page of a group and an evidence item's page; the busiest on both backends, the rest on SQLite.
@pytest.mark.parametrize(("backend", "path", "operation", "shows"), [
    _page("/groups/{gid}", "group.read", LIFECYCLE), _page("/groups/{gid}", "group.read", LIFECYCLE, "postgresql"),
    *(_page(f"/groups/{{gid}}/{tab}", "group.read") for tab in ("members", "documents", "cases", "timeline")),
    _page("/groups/{gid}/channels", "channel.list", CHAT),
    _page("/groups/{gid}/channels", "channel.list", CHAT, "postgresql"),
    *(_page(f"/groups/{{gid}}/{form}", "group.read")
      for form in ("edit", "teams/new", "members/new", "documents/new", "cases/new", "tasks/new", "instructions/new",
                   "evidence/new")),
    _page("/groups/{gid}/tasks", "task.list"), _page("/groups/{gid}/instructions", "instruction.list"),
    _page("/groups/{gid}/evidence", "evidence.list"), _page("/groups/{gid}/compliance", "compliance.group"),
    _page("/groups/{gid}/evaluations/{team}", "evaluation.list"),
    _page("/evidence/{item}", "evidence.read"), _page("/evidence/{item}", "evidence.read", backend="postgresql"),
], indirect=["backend"])
def test_opening_a_page_of_a_group_leaves_one_audit_event(cast, path, operation, shows):
    """A page reads the group and whatever it shows of it (its moves, compliance, chat, a list and the
    list's filter choices, an item and its forms' choices): the person opened one page."""
    setting = evidence_group(cast)
    gid = setting["gid"]
    item = register(cast, setting).get_json()["id"]
    browser = cast.browser("creator")
    before = _last_leaf(cast)
    page = browser.get(path.format(gid=gid, item=item, team=setting["teams"]["BY"]), headers=EN)
    assert page.status_code == 200
    assert shows is None or shows in page.get_data(as_text=True)
    [event] = _events_after(cast, before)
    about = ("evidence", str(item)) if path.startswith("/evidence/") else ("group", str(gid))
    assert (event.operation, event.outcome, event.user_id) == (operation, "ok", cast.ids["creator"])
    assert (event.object_type, event.object_id, event.group_id) == (*about, gid)
