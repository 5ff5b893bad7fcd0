"""Issue 13, finding 13: crafted input is refused (400, 404 or 422, with the usual error body on the
API) and never reaches the database as a 500, through the JSON API, the pages and the socket
alike, on SQLite and PostgreSQL: cursors that decode to other JSON, ids beyond the database's
integer, NUL characters, unpaired surrogates, JSON nested without end, numbers of thousands of
digits or beyond a float's range."""

from __future__ import annotations

import base64
import json

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select

import jit.web  # noqa: F401 - every page form is defined once the pages are imported
from jit.extensions import db, socketio
from jit.web.forms import Form
from tests.channels_support import active_group_with_member, channels_of, post, token
from tests.conftest import apps_on, csrf_token_in
from tests.groups_support import make_cast

BEYOND = 2**31  # one past PostgreSQL's integer
HUGE = 2**64
DIGITS = "9" * 5000
NEST = "[" * 1000 + "]" * 1000


def cursor_of(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


CURSORS = [cursor_of({"a": 1}), cursor_of([1, 2]), cursor_of(None), cursor_of(BEYOND), cursor_of("x\u0000"),
           cursor_of(1.5), cursor_of(True), base64.urlsafe_b64encode(NEST.encode()).decode()]
CURSOR_IDS = ["object", "list", "null", "2^31", "nul", "float", "bool", "nested"]


# The tests only send what must be refused, so they share one app, cast and group per backend
# (building them is most of a test's time); after each test its data is checked unchanged.
@pytest.fixture(scope="module")
def app(module_backend):
    with apps_on(module_backend) as build:
        yield build()


@pytest.fixture(scope="module")
def cast(app):
    return make_cast(app)


@pytest.fixture(scope="module")
def world(cast) -> dict:
    """An active group with its general channel, a message in it and a task."""
    gid = active_group_with_member(cast)["id"]
    cid = channels_of(cast, gid, "by_head")["general"]["id"]
    mid = post(cast, cid, "by_head", "Добрый день").get_json()["id"]
    task = cast.api.post(f"/api/v1/groups/{gid}/tasks", headers=cast.headers["creator"],
                         json={"title": "Допросить", "assignee_ids": [cast.ids["by_head"]]})
    assert task.status_code == 201, task.get_json()
    return {"gid": gid, "cid": cid, "mid": mid, "tid": task.get_json()["id"]}


@pytest.fixture(scope="module")
def creator_browser(cast):
    """The creator signed in once through the login page (a sign-in per test would meet its rate limit)."""
    return cast.browser("creator")


# What a refused request still writes: its audit event (a leaf of the audit ledger), this process's
# record as a socket server (at its first socket), and the browser session's last activity (every 10 s).
UNCHECKED_TABLES = {"audit_events", "ledger_nodes", "ledger_heads", "socket_servers"}
UNCHECKED_COLUMNS = {"user_sessions": {"seen_at"}}


def stored_data(app) -> dict[str, list[tuple]]:
    """Every row of every other table, in primary-key order."""
    data = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name not in UNCHECKED_TABLES:
                columns = [column for column in table.columns
                           if column.name not in UNCHECKED_COLUMNS.get(table.name, ())]
                data[table.name] = [tuple(row) for row in
                                    db.session.execute(select(*columns).order_by(*table.primary_key))]
        db.session.remove()
    return data


@pytest.fixture(autouse=True)
def nothing_is_stored(request):
    """Crafted input is refused without a trace in the data: each test leaves the shared group as it found it."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    before = stored_data(app)
    yield
    after = stored_data(app)
    assert after == before, [name for name in before if after[name] != before[name]]


def assert_refused(response, statuses: tuple[int, ...], field: str | None = None) -> None:
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    if field is not None:
        assert field in body["error"]["fields"], body


# --- the JSON API ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/v1/groups/{n}", "/api/v1/tasks/{n}", "/api/v1/messages/{n}/history", "/api/v1/channels/{n}/messages",
    "/api/v1/evidence/{n}", "/api/v1/legal-requests/{n}", "/api/v1/groups/{gid}/members/{n}",
])
@pytest.mark.parametrize("number", [BEYOND, HUGE, DIGITS], ids=["2^31", "2^64", "5000 digits"])
def test_ids_in_paths_beyond_the_database_integer_are_not_found(cast, world, path, number):
    method = "delete" if path.endswith("members/{n}") else "get"
    response = getattr(cast.api, method)(path.format(n=number, **world), headers=cast.headers["creator"])
    assert_refused(response, (404,))


def test_a_text_path_parameter_with_nul_is_not_found(cast):
    assert_refused(cast.api.patch("/api/v1/parties/B%00", json={}, headers=cast.headers["creator"]), (404,))


@pytest.mark.parametrize("path", ["/api/v1/groups", "/api/v1/channels/{cid}/messages", "/api/v1/parties",
                                  "/api/v1/legal-requests", "/api/v1/audit", "/api/v1/groups/{gid}/tasks"])
@pytest.mark.parametrize("cursor", CURSORS, ids=CURSOR_IDS)
def test_cursors_that_are_not_a_key_of_the_list_are_invalid(cast, world, path, cursor):
    response = cast.api.get(path.format(**world), query_string={"cursor": cursor}, headers=cast.headers["creator"])
    assert_refused(response, (422,), "cursor")


@pytest.mark.parametrize(("path", "query", "field"), [
    ("/api/v1/channels/{cid}/messages", {"after_seq": BEYOND}, "after_seq"),
    ("/api/v1/audit", {"group_id": BEYOND}, "group_id"),
    ("/api/v1/audit", {"user_id": DIGITS}, "user_id"),
    ("/api/v1/groups/{gid}/tasks", {"assignee_id": HUGE}, "assignee_id"),
    ("/api/v1/legal-requests/stats", {"requesting_authority_id": BEYOND}, "requesting_authority_id"),
    ("/api/v1/audit", {"operation": "group.\x00"}, "operation"),
    ("/api/v1/legal-requests", {"requested_party": "\x00"}, "requested_party"),
])
def test_query_parameters_that_cannot_be_stored_are_invalid(cast, world, path, query, field):
    response = cast.api.get(path.format(**world), query_string=query, headers=cast.headers["creator"])
    assert_refused(response, (422,), field)


def with_(template: str, value) -> str:
    return template.replace("$", str(value))


# (method, path, raw JSON body, accepted statuses, the field named when it is a 422)
BODIES = [
    ("post", "/api/v1/groups/{gid}/transitions", with_('{"to": "suspended", "version": $}', DIGITS), (400,), None),
    ("post", "/api/v1/groups/{gid}/transitions", with_('{"to": "suspended", "version": $}', BEYOND), (422,), "version"),
    ("post", "/api/v1/groups/{gid}/transitions", '{"to": "suspended", "version": 1e999}', (400,), None),
    ("post", "/api/v1/groups/{gid}/transitions", '{"to": "suspended", "version": NaN}', (400,), None),
    ("patch", "/api/v1/tasks/{tid}", with_('{"version": $}', HUGE), (422,), "version"),
    ("patch", "/api/v1/tasks/{tid}", '{"version": 1, "title": "a\\u0000b"}', (422,), "title"),
    ("patch", "/api/v1/tasks/{tid}", with_('{"version": 1, "assignee_ids": [1, $]}', BEYOND), (422,), "assignee_ids.1"),
    ("post", "/api/v1/groups/{gid}/members", with_('{"user_id": $, "team_id": 1, "role": "member"}', BEYOND), (422,),
     "user_id"),
    ("post", "/api/v1/channels/{cid}/messages", '{"body": "a\\u0000b"}', (422,), "body"),
    ("post", "/api/v1/channels/{cid}/messages", '{"body": "a\\ud800b"}', (422,), "body"),
    ("post", "/api/v1/channels/{cid}/messages", '{"body": "a", "\\udfff": 1}', (422,), "\ufffd"),
    ("post", "/api/v1/channels/{cid}/messages", with_('{"body": "x", "client_msg_id": $}', NEST), (400, 422), None),
    ("post", "/api/v1/channels/{cid}/messages", NEST, (400, 422), None),
    ("post", "/api/v1/channels/{cid}/messages", with_('{"body": $}', ("[" * 40 + "]" * 40)), (422,), None),
    ("put", "/api/v1/messages/{mid}/link", with_('{"type": "task", "id": $}', HUGE), (422,), "id"),
    ("post", "/api/v1/groups", '{"title": "\\u0000", "purpose": "p", "place_of_activity": "Минск"}', (422,), "title"),
    ("post", "/api/v1/legal-requests", '{"direction": "outgoing", "case_number": "\\ud800"}', (422,), "case_number"),
]


@pytest.mark.parametrize(("method", "path", "body", "statuses", "field"), BODIES,
                         ids=[f"{method} {path} {number}" for number, (method, path, *_) in enumerate(BODIES)])
def test_json_bodies_that_cannot_be_stored_or_read_are_refused(cast, world, method, path, body, statuses, field):
    response = getattr(cast.api, method)(path.format(**world), data=body.encode("utf-8", "surrogatepass"),
                                         content_type="application/json", headers=cast.headers["creator"])
    assert_refused(response, statuses, field)


# --- the pages ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "status"), [
    ("/groups/{big}", 404), ("/tasks/{big}", 404), ("/evidence/{digits}", 404), ("/groups/{gid}/channels/x", 404),
    ("/admin/parties/B%00", 404), ("/groups/{gid}/channels?channel={big}", 404),
    ("/groups/?cursor={cursor}", 422), ("/legal/requests?cursor={cursor}", 422),
    ("/groups/{gid}/evidence?cursor={cursor}", 422), ("/groups/{gid}/instructions?cursor={cursor}", 422),
    ("/audit/?group_id={big}", 422), ("/audit/?user_id={digits}", 422), ("/groups/{gid}/tasks?assignee={big}", 422),
    ("/legal/requests?requested_party=%00", 422), ("/groups/?q=%00", 422),
])
def test_pages_refuse_crafted_paths_and_query_strings(creator_browser, world, url, status):
    for cursor in (CURSORS[0], CURSORS[4]):
        response = creator_browser.get(url.format(big=BEYOND, digits=DIGITS, cursor=cursor, **world))
        assert response.status_code == status, (url, response.status_code)


@pytest.mark.parametrize(("page", "form"), [
    ("/groups/new", {"title": "ССОГ\x00", "purpose": "Цель", "place_of_activity": "Минск"}),
    ("/tasks/{tid}", {"action": "edit", "version": str(BEYOND), "title": "Проверить", "priority": "normal"}),
    ("/tasks/{tid}", {"action": "edit", "version": DIGITS, "title": "Проверить", "priority": "normal"}),
    ("/groups/{gid}/members/new", {"user_id": str(HUGE), "team_id": "1", "role": "member"}),
    ("/groups/{gid}/tasks/new", {"title": "Допросить", "assignee_ids": ["1", str(BEYOND)], "priority": "normal"}),
])
def test_page_forms_refuse_what_cannot_be_stored(creator_browser, world, page, form):
    url = page.format(**world)
    token_ = csrf_token_in(creator_browser.get(url).get_data(as_text=True))
    response = creator_browser.post(url, data={**form, "csrf_token": token_})
    assert response.status_code == 422, (url, response.status_code)


def test_every_page_form_checks_numbers_through_the_base_form():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    page_forms = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("jit.web")]
    assert page_forms and all(issubclass(cls, Form) for cls in page_forms), [
        cls for cls in page_forms if not issubclass(cls, Form)]


# --- the socket ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("event", "data", "field"), [
    ("subscribe", {"channel_id": BEYOND}, "channel_id"),
    ("subscribe", {"channel_id": "{cid}", "after_seq": HUGE}, "after_seq"),
    ("send", {"channel_id": "{cid}", "body": "a\x00b", "client_msg_id": "c-1"}, "body"),
    ("send", {"channel_id": "{cid}", "body": "a\ud800b", "client_msg_id": "c-2"}, "body"),
    ("read", {"channel_id": "{cid}", "seq": BEYOND}, "seq"),
])
def test_socket_events_refuse_what_cannot_be_stored(app, cast, world, event, data, field):
    data = {key: world["cid"] if value == "{cid}" else value for key, value in data.items()}
    socket = socketio.test_client(app, auth={"token": token(cast, "by_head")})
    try:
        ack = socket.emit(event, data, callback=True)
    finally:
        socket.disconnect()
    assert (ack["ok"], ack["error"]["code"], list(ack["error"]["fields"])) == (False, "invalid", [field])

