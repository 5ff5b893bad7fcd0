"""The pages for changing one's password and for an admin's reset and unlock (issue 13, findings 7 and 8)."""

from __future__ import annotations

import re

from jit.extensions import db
from jit.models import AuditEvent
from tests.conftest import client_from, csrf_token_in, sign_in_page
from tests.factories import UserInfo
from tests.web.test_admin_pages import EN, field_errors, signed_in_admin, submit

NEW = "seven ravens over the steppe"


def _change_form(client, current: str, new: str, confirm: str | None = None):
    return submit(client, "/account/password", {"current_password": current, "new_password": new,
                                                "confirm": new if confirm is None else confirm})


def test_a_user_changes_their_password_on_their_account_page(app, client, make_user):
    user = make_user()
    sign_in_page(client, user)
    assert 'href="/account/password"' in client.get("/account/", headers=EN).get_data(as_text=True)
    weak = _change_form(client, user.password, "qwertyuiop123")
    assert weak.status_code == 422
    assert field_errors(weak.get_data(as_text=True), "new_password").startswith("Too easy to guess.")
    wrong = _change_form(client, "not my password", NEW)
    assert field_errors(wrong.get_data(as_text=True), "current_password") == "This is not your current password."
    mismatch = _change_form(client, user.password, NEW, confirm=NEW + "!")
    assert field_errors(mismatch.get_data(as_text=True), "confirm") == "The two new passwords differ."
    done = _change_form(client, user.password, NEW)
    assert (done.status_code, done.headers["Location"]) == (302, "/account/")
    assert client.get("/account/").status_code == 200  # this browser goes on in a new session
    assert sign_in_page(app.test_client(), user).status_code == 401
    assert sign_in_page(app.test_client(), UserInfo(user.id, user.username, NEW, user.full_name)).status_code == 302


def test_after_an_admin_reset_the_user_is_sent_to_change_it(app, client, make_user):
    signed_in_admin(client, make_user)
    user = make_user()
    url = f"/admin/users/{user.id}"
    assert 'value="Reset the password"' in client.get(url, headers=EN).get_data(as_text=True)
    shown = submit(client, f"{url}/reset-password", {}, form_url=url)
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'<code id="temporary-password">([^<]+)</code>', shown.get_data(as_text=True)).group(1)

    browser = app.test_client()
    signed_in = sign_in_page(browser, UserInfo(user.id, user.username, temporary, user.full_name))
    assert signed_in.headers["Location"] == "/account/password"
    held = browser.get("/groups/")
    assert (held.status_code, held.headers["Location"]) == (302, "/account/password")
    assert "An administrator has reset your password" in browser.get("/account/password", headers=EN).get_data(True)
    assert _change_form(browser, temporary, NEW).status_code == 302
    assert browser.get("/groups/").status_code == 200


def test_an_admin_clears_failed_sign_ins_from_the_users_page(app, client, make_user):
    signed_in_admin(client, make_user)
    user = make_user()
    attacker = client_from(app, "198.51.100.66")
    for _ in range(5):
        attacker.post("/api/v1/auth/token", json={"username": user.username, "password": "wrong password!"})
    url = f"/admin/users/{user.id}"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "In the last 15 minutes: 5." in page
    assert f'action="{url}/unlock"' in page
    cleared = submit(client, f"{url}/unlock", {}, form_url=url)
    assert (cleared.status_code, cleared.headers["Location"]) == (302, url)
    assert "In the last 15 minutes: 0." in client.get(url, headers=EN).get_data(as_text=True)
    assert sign_in_page(client_from(app, "203.0.113.5"), user).status_code == 302
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(operation="user.unlock", outcome="ok").count() == 1


def test_non_admins_cannot_reset_or_unlock(app, client, make_user):
    user, target = make_user(), make_user()
    sign_in_page(client, user)
    token = csrf_token_in(client.get("/account/").get_data(as_text=True))
    for action in ("reset-password", "unlock"):
        assert client.post(f"/admin/users/{target.id}/{action}", data={"csrf_token": token}).status_code == 403
