"""Issue 15, item 4: the audit page in words. People by name, operations by label, objects by their
code or subject; views hidden unless asked for; the filter chooses people and groups by name."""

from __future__ import annotations

import re

from sqlalchemy import select

from jit.extensions import db
from jit.models import AuditEvent, User
from jit.services import naming
from jit.web.audit.words import detail_value
from tests.conftest import sign_in_page
from tests.groups_support import activate
from tests.web.test_words_not_codes import visible_text


def _admin(cast, make_user, locale="en"):
    admin = make_user(roles=("admin",), full_name="Анна Админова")
    with cast.app.app_context():
        db.session.get(User, admin.id).locale = locale
        db.session.commit()
    return cast.app.test_client(), admin


def _rows(response) -> str:
    """The visible text of the listing (the filter's options name every operation and person)."""
    html = response.get_data(as_text=True)
    return visible_text(html[html.index("<tbody>"):])[0]


def _signed_in(client, user):
    assert sign_in_page(client, user).status_code == 302
    return client


def test_events_read_in_words_and_views_are_hidden_until_asked_for(cast, make_user):
    group = activate(cast)
    cast.api.get(f"/api/v1/groups/{group['id']}", headers=cast.headers["kz_head"])  # a view
    client, admin = _admin(cast, make_user)
    page = _signed_in(client, admin).get("/audit/")
    assert page.status_code == 200
    text = _rows(page)
    assert "Changing a group's status" in text  # group.transition, in words
    assert group["code"] in text and "Виктор Соколов" in text  # the group by code, the person by name
    assert "Viewing a group" not in text and "group.transition" not in text
    assert "Page views and live-update connections are hidden." in visible_text(page.get_data(as_text=True))[0]

    with_views = _rows(client.get("/audit/?views=y"))
    assert "Viewing a group" in with_views and "Айдос Сейткали" in with_views


def test_a_refused_view_stays_in_the_default_listing(cast, make_user):
    group = activate(cast)
    assert cast.api.get(f"/api/v1/groups/{group['id']}", headers=cast.headers["outsider"]).status_code == 404
    client, admin = _admin(cast, make_user)
    text = _rows(_signed_in(client, admin).get("/audit/"))
    assert "Viewing a group" in text and "denied" in text


def test_the_filter_chooses_a_person_and_a_group_by_name(cast, make_user):
    group = activate(cast)
    client, admin = _admin(cast, make_user)
    html = _signed_in(client, admin).get("/audit/").get_data(as_text=True)
    assert not re.search(r'<input[^>]+name="(user_id|group_id)"', html)  # no typed number
    assert re.search(rf'<option value="{cast.ids["kz_head"]}">Айдос Сейткали \(', html)
    assert re.search(rf'<option value="{group["id"]}">{group["code"]} — ', html)
    text = _rows(client.get(f"/audit/?user_id={cast.ids['creator']}&group_id={group['id']}"))
    assert "Виктор Соколов" in text and "Changing a group's status" in text
    assert "Айдос Сейткали" not in text
    assert client.get("/audit/?user_id=999999").status_code == 422  # nobody the caller may choose


def test_someone_who_reads_only_their_own_events_is_offered_no_one_else(cast):
    activate(cast)
    html = cast.browser("kz_head").get("/audit/").get_data(as_text=True)
    assert 'name="user_id"' not in html
    assert cast.browser("kz_head").get(f"/audit/?user_id={cast.ids['creator']}").status_code == 422


def test_the_page_is_in_russian_for_a_russian_reader(cast, make_user):
    activate(cast)
    client, admin = _admin(cast, make_user, locale="ru")
    text = _rows(_signed_in(client, admin).get("/audit/?views=y"))
    assert "Изменение статуса группы" in text and "Просмотр группы" in text
    assert "Changing a group's status" not in text


def test_a_record_in_a_group_the_reader_cannot_see_is_not_named(cast):
    group = activate(cast)
    with cast.app.app_context():
        outsider = db.session.get(User, cast.ids["outsider"])
        creator = db.session.get(User, cast.ids["creator"])
        ref = ("group", str(group["id"]))
        assert naming.names(creator, [ref]) == {ref: group["code"]}
        assert naming.names(outsider, [ref]) == {}
        # Nor do the outsider's own refused attempts carry the group: nothing of it reaches their trail.
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.user_id == outsider.id,
                                                           AuditEvent.group_id == group["id"])).all() == []


def test_details_read_in_words(app_context):
    names = {("user", "7"): "Айдос Сейткали", ("user", "8"): "Ольга Ковалёва"}
    assert detail_value("roles", "legal_officer,admin", names) == "legal officer, administrator"
    assert detail_value("assignees", "7,8,9", names) == "Айдос Сейткали, Ольга Ковалёва, not shown"
    assert detail_value("certified", True, names) == "yes"
    assert detail_value("to", None, names) == "—"
    assert detail_value("path", "GET /groups/3", names) == "GET /groups/3"
