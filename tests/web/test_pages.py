"""The web shell: sign-in, sign-out, language, error pages, assets served locally."""

from __future__ import annotations

import re

from jit.extensions import db
from jit.models import User
from tests.conftest import csrf_token_in, sign_in_page


def test_home_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/")


def test_login_page_has_labelled_fields(client):
    html = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r'<label[^>]*for="username"[^>]*>Username</label>', html)
    assert re.search(r'<label[^>]*for="password"[^>]*>Password</label>', html)


def test_sign_in_greets_the_user(client, make_user):
    user = make_user(full_name="Иван Петров")
    response = sign_in_page(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/", headers={"Accept-Language": "en"})
    assert "Welcome, Иван Петров" in home.get_data(as_text=True)


def test_wrong_password_and_unknown_user_read_the_same(client, make_user):
    user = make_user()
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    answers = []
    for username, password in [(user.username, "not it at all"), ("nobody.here", "whatever-it-is")]:
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                               headers={"Accept-Language": "en"})
        assert response.status_code == 401
        answers.append(re.search(r'role="alert">([^<]*)<', response.get_data(as_text=True)).group(1))
    assert answers == ["Wrong username or password."] * 2


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": user.password})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still signed out


def test_next_only_redirects_within_the_site(client, make_user):
    user = make_user()
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": user.username, "password": user.password,
                                           "csrf_token": token, "next": "//evil.example/steal"})
    assert response.headers["Location"] == "/"


def test_sign_out(client, make_user):
    sign_in_page(client, make_user())
    token = csrf_token_in(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_language_switch_is_remembered_on_the_account(app, client, make_user):
    user = make_user(full_name="Ольга Коваленко")
    sign_in_page(client, user)
    token = csrf_token_in(client.get("/").get_data(as_text=True))
    client.post("/language", data={"locale": "ru", "next": "/", "csrf_token": token})
    with app.app_context():
        assert db.session.get(User, user.id).locale == "ru"
    # A new browser (no session cookie) signing in gets Russian from the account, whatever it asks for.
    other_browser = app.test_client()
    sign_in_page(other_browser, user)
    html = other_browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Добро пожаловать, Ольга Коваленко" in html
    assert '<html lang="ru">' in html


def test_language_chosen_before_sign_in_carries_over(app, client, make_user):
    user = make_user()
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    client.post("/language", data={"locale": "en", "next": "/login", "csrf_token": token})
    assert "Sign in" in client.get("/login", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    sign_in_page(client, user)
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"


def test_unknown_page_is_an_html_404_in_the_users_language(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Ошибка 404" in html
    assert response.headers["X-Request-ID"] in html


def test_pages_load_only_local_assets(client):
    html = client.get("/login").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/bootstrap/bootstrap.min.css" in assets
    assert all(not asset.startswith(("http:", "https:", "//")) for asset in assets)
    for asset in assets:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_language_picked_on_the_login_page_replaces_the_saved_one(app, client, make_user):
    user = make_user(locale="en")
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    client.post("/language", data={"locale": "ru", "next": "/login", "csrf_token": token})
    sign_in_page(client, user)
    with app.app_context():
        assert db.session.get(User, user.id).locale == "ru"
    assert "Добро пожаловать" in client.get("/").get_data(as_text=True)
