"""Every page a person opens is one read use case: one audit event, named for what the person did,
whatever the page gathers to show it (issue 14, item 5). The group pages' event details are checked
in test_group_pages.py; this walks every page of the platform once, as the person who uses it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jit.extensions import db
from jit.models import AuditEvent
from tests import factories
from tests.channels_support import channels_of, post
from tests.conftest import sign_in_page
from tests.evidence_support import evidence_group, register
from tests.web.test_legal_request_pages import registered

EN = {"Accept-Language": "en"}


def _last_leaf(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(AuditEvent.leaf_index))) or -1


def _operations_after(app, leaf: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [(event.operation, event.outcome) for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.leaf_index > leaf).order_by(AuditEvent.leaf_index))]


# One walk over one world is enough to count events per page; the backends store events alike.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_every_page_view_appends_exactly_one_audit_event(app, cast):
    setting = evidence_group(cast)
    gid, teams, cases = setting["gid"], setting["teams"], setting["cases"]
    eid = register(cast, setting).get_json()["id"]
    tid = cast.api.post(f"/api/v1/groups/{gid}/tasks", json={"title": "Check", "assignee_ids": [cast.ids["kz_member"]]},
                        headers=cast.headers["creator"]).get_json()["id"]
    iid = cast.api.post(f"/api/v1/groups/{gid}/instructions", headers=cast.headers["by_head"], json={
        "from_team_id": teams["BY"], "to_team_id": teams["KZ"], "case_id": cases["BY"], "actions": ["Допрос"],
        "due_on": "2099-01-01", "body": "Прошу допросить"}).get_json()["id"]
    general = channels_of(cast, gid, "creator")["general"]["id"]
    mid = post(cast, general, "creator", "Допросить свидетеля").get_json()["id"]
    identifier = cast.api.post(f"/api/v1/groups/{gid}/identifiers", headers=cast.headers["by_head"], json={
        "kind": "phone", "value": "+375 29 123-45-67", "case_id": cases["BY"], "obtained_under": "Протокол",
        "shareable": False}).get_json()["id"]
    legal = cast.browser("by_legal")
    rid = registered(cast, legal)
    creator = cast.browser("creator")
    with app.app_context():
        admin = factories.create_user(roles=("admin",))
    admin_browser = app.test_client()
    assert sign_in_page(admin_browser, admin).status_code == 302

    pages = [(creator, path) for path in (
        "/", "/my-work", "/account/", "/account/second-factor", "/account/password", "/account/notifications",
        "/groups/", "/groups/new",
        f"/groups/{gid}", f"/groups/{gid}/members", f"/groups/{gid}/documents", f"/groups/{gid}/cases",
        f"/groups/{gid}/timeline", f"/groups/{gid}/edit", f"/groups/{gid}/teams/new", f"/groups/{gid}/members/new",
        f"/groups/{gid}/documents/new", f"/groups/{gid}/cases/new", f"/groups/{gid}/channels",
        f"/groups/{gid}/tasks", f"/groups/{gid}/tasks/new", f"/tasks/{tid}", f"/groups/{gid}/instructions",
        f"/groups/{gid}/instructions/new", f"/instructions/{iid}", f"/groups/{gid}/evidence",
        f"/groups/{gid}/evidence/new", f"/evidence/{eid}", f"/groups/{gid}/identifiers",
        f"/groups/{gid}/identifiers/new", f"/groups/{gid}/identifiers/chart", f"/identifiers/{identifier}",
        f"/groups/{gid}/compliance",
        f"/groups/{gid}/evaluations/{teams['BY']}", f"/messages/{mid}/delete", f"/messages/{mid}/task",
        f"/messages/{mid}/link", "/notifications")]
    pages += [(legal, path) for path in (
        "/legal/", "/legal/rules", "/legal/requests", "/legal/requests/new", f"/legal/requests/{rid}",
        f"/legal/requests/{rid}/edit", "/legal/statistics")]
    pages += [(admin_browser, path) for path in (
        "/admin/", "/admin/parties", "/admin/parties/BY", "/admin/authorities", "/admin/authorities/new",
        f"/admin/authorities/{cast.ids['ic_by']}", "/admin/users", "/admin/users/new",
        f"/admin/users/{cast.ids['kz_head']}", "/audit/", "/search", "/search?q=Check")]

    seen = {}
    for browser, path in pages:
        leaf = _last_leaf(app)
        status = browser.get(path, headers=EN).status_code
        seen[path] = (status, _operations_after(app, leaf))
    wrong = {path: found for path, found in seen.items()
             if found[0] != 200 or len(found[1]) != 1 or found[1][0][1] != "ok"}
    assert not wrong, wrong
