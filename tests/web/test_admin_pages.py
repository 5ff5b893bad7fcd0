"""The administration pages: parties' treaty dates, Art. 11 authorities, accounts."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from jit.extensions import db
from jit.models import AuditEvent, Authority, Party, User
from jit.models.types import utcnow
from jit.services import second_factors
from tests import factories
from tests.conftest import csrf_token_in, sign_in_page

EN = {"Accept-Language": "en"}


def signed_in_admin(client, make_user) -> factories.UserInfo:
    admin = make_user(roles=("admin",), full_name="Анна Админова")
    assert sign_in_page(client, admin).status_code == 302
    return admin


def submit(client, url: str, data: dict, *, form_url: str | None = None):
    """POST `data` to `url` the way a browser would: with the CSRF token of the page showing the form."""
    token = csrf_token_in(client.get(form_url or url, headers=EN).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, headers=EN)


def field_errors(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-errors"[^>]*>([^<]*)<', html)
    return found.group(1) if found else ""


def count_authorities(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Authority))


# --- parties -------------------------------------------------------------------------------

def test_admin_lists_the_parties_and_edits_their_treaty_dates(app, client, make_user):
    signed_in_admin(client, make_user)
    listing = client.get("/admin/parties", headers=EN)
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert len(re.findall(r'href="/admin/parties/[A-Z]{2}"', html)) == 10
    assert "Republic of Belarus" in html and "unknown" in html
    assert 'datetime="2023-06-28"' in html  # Chisinau Convention for Russia, from the migration

    form = client.get("/admin/parties/BY", headers=EN).get_data(as_text=True)
    assert re.search(r'<label class="form-label" for="agreement_2015_in_force_on">2015 Agreement in force on</label>',
                     form)
    assert 'type="date"' in form

    response = submit(client, "/admin/parties/BY",
                      {"agreement_2015_in_force_on": "2021-03-15", "chisinau_in_force_on": ""})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/parties"
    html = client.get("/admin/parties", headers=EN).get_data(as_text=True)
    assert "The treaty dates of Republic of Belarus are saved." in html
    assert 'datetime="2021-03-15"' in html
    with app.app_context():
        belarus = db.session.get(Party, "BY")
        assert belarus.agreement_2015_in_force_on == date(2021, 3, 15)
        assert belarus.chisinau_in_force_on is None
    assert 'value="2021-03-15"' in client.get("/admin/parties/BY").get_data(as_text=True)

    # An empty field means "not known": the date the migration loaded for Russia can be taken back.
    assert submit(client, "/admin/parties/RU", {"agreement_2015_in_force_on": "",
                                                "chisinau_in_force_on": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Party, "RU").chisinau_in_force_on is None


def test_unknown_party_is_a_404(client, make_user):
    signed_in_admin(client, make_user)
    assert client.get("/admin/parties/XX").status_code == 404


def test_party_names_follow_the_users_language(client, make_user):
    signed_in_admin(client, make_user)
    html = client.get("/admin/parties", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Республика Беларусь" in html and "Republic of Belarus" not in html


# --- authorities ---------------------------------------------------------------------------

def test_admin_creates_an_authority(app, client, make_user):
    signed_in_admin(client, make_user)
    form = client.get("/admin/authorities/new", headers=EN).get_data(as_text=True)
    for field, label in [("party", "Party"), ("name_en", "Name in English"), ("name_ru", "Name in Russian"),
                         ("kind", "Kind"), ("listed_on", "Listed on")]:
        assert re.search(rf'<label class="form-label" for="{field}">{label}</label>', form), field

    response = submit(client, "/admin/authorities/new", {
        "party": "KZ", "name_en": "Prosecutor General's Office", "name_ru": "Генеральная прокуратура",
        "kind": "central", "listed_on": "2019-05-01",
    })
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/authorities?party=KZ"
    html = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "The authority “Prosecutor General&#39;s Office” is added." in html
    assert "Prosecutor General&#39;s Office" in html and "central competent authority" in html
    assert 'datetime="2019-05-01"' in html
    with app.app_context():
        authority = db.session.scalar(select(Authority))
        assert (authority.party_code, authority.kind.value, authority.listed_on) == ("KZ", "central", date(2019, 5, 1))
        assert authority.name_ru == "Генеральная прокуратура"


def test_bad_authority_forms_are_shown_again_with_field_errors_and_change_nothing(app, client, make_user):
    signed_in_admin(client, make_user)
    response = submit(client, "/admin/authorities/new", {
        "party": "BY", "name_en": "  ", "name_ru": "", "kind": "competent", "listed_on": "2020-01-01",
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "name_en") == "Required."
    assert field_errors(html, "name_ru") == "Required."
    assert 'aria-describedby="name_en-errors"' in html
    assert count_authorities(app) == 0

    response = submit(client, "/admin/authorities/new", {
        "party": "BY", "name_en": "Investigative Committee", "name_ru": "Следственный комитет",
        "kind": "competent", "listed_on": "not a date",
    })
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "listed_on")
    assert count_authorities(app) == 0

    with app.app_context():
        authority_id = factories.create_authority(party="BY", name_en="KGB", listed_on=date(2020, 1, 1)).id
    url = f"/admin/authorities/{authority_id}"
    assert 'value="KGB"' in client.get(url, headers=EN).get_data(as_text=True)
    response = submit(client, url, {"name_en": "KGB renamed", "name_ru": "КГБ", "delisted_on": "2019-12-31"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "delisted_on") == "Must be after the date it was listed (2020-01-01)."
    assert 'value="2019-12-31"' in html  # what was typed stays in the form
    with app.app_context():
        authority = db.session.get(Authority, authority_id)
        assert (authority.name_en, authority.delisted_on) == ("KGB", None)


def test_admin_delists_and_renames_an_authority(app, client, make_user):
    signed_in_admin(client, make_user)
    with app.app_context():
        authority_id = factories.create_authority(party="AM", listed_on=date(2020, 1, 1)).id
    response = submit(client, f"/admin/authorities/{authority_id}",
                      {"name_en": "Investigative Committee", "name_ru": "Следственный комитет",
                       "delisted_on": "2024-07-01"})
    assert response.status_code == 302
    html = client.get("/admin/authorities?party=AM", headers=EN).get_data(as_text=True)
    assert "Investigative Committee" in html and 'datetime="2024-07-01"' in html
    with app.app_context():
        authority = db.session.get(Authority, authority_id)
        assert (authority.name_ru, authority.delisted_on) == ("Следственный комитет", date(2024, 7, 1))


def test_authorities_filter_by_party_and_page_on(app, client, make_user):
    signed_in_admin(client, make_user)
    with app.app_context():
        for number in range(51):
            factories.create_authority(party="BY", name_en=f"Belarusian body {number:02d}")
        factories.create_authority(party="TJ", name_en="Tajik body")

    only_tajik = client.get("/admin/authorities?party=TJ", headers=EN).get_data(as_text=True)
    assert "Tajik body" in only_tajik and "Belarusian body" not in only_tajik
    assert 'rel="next"' not in only_tajik

    first = client.get("/admin/authorities?party=BY", headers=EN).get_data(as_text=True)
    assert len(re.findall("Belarusian body", first)) == 2 * 50  # name cell + hidden link text
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "party=BY" in next_url
    second = client.get(next_url, headers=EN).get_data(as_text=True)
    assert "Belarusian body 50" in second and "Belarusian body 00" not in second
    assert 'rel="next"' not in second


# --- users ---------------------------------------------------------------------------------

def test_admin_creates_a_user_who_can_then_sign_in(app, client, make_user):
    signed_in_admin(client, make_user)
    with app.app_context():
        authority_id = factories.create_authority(party="BY", name_en="Investigative Committee").id
    form = client.get("/admin/users/new", headers=EN).get_data(as_text=True)
    assert re.search(r'<label class="form-label" for="username">Username</label>', form)
    assert re.search(r'<input class="form-check-input" id="roles-\d" name="roles" type="checkbox" value="investigator">'
                     r'\s*<label class="form-check-label" for="roles-\d">investigator</label>', form)
    assert 'value="UTC"' in form

    response = submit(client, "/admin/users/new", {
        "username": "p.sidorov", "full_name": "Пётр Сидоров", "password": "long enough password",
        "roles": ["investigator", "legal_officer"], "authority_id": str(authority_id), "time_zone": "Europe/Minsk",
    })
    assert response.status_code == 302
    html = client.get("/admin/users", headers=EN).get_data(as_text=True)
    assert "The account p.sidorov is created." in html
    row = re.search(r"<th scope=\"row\">p\.sidorov</th>(.*?)</tr>", html, re.S).group(1)
    assert "Пётр Сидоров" in row and "Investigative Committee (BY)" in row
    assert "investigator, legal officer" in row

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "p.sidorov"))
        assert (user.roles, user.time_zone, user.authority_id) == (["investigator", "legal_officer"],
                                                                  "Europe/Minsk", authority_id)
        created = factories.UserInfo(id=user.id, username="p.sidorov", password="long enough password",
                                     full_name=user.full_name)
    new_browser = app.test_client()
    assert sign_in_page(new_browser, created).headers["Location"] == "/"
    assert "Пётр Сидоров" in new_browser.get("/", headers=EN).get_data(as_text=True)


def test_bad_user_form_is_shown_again_with_the_services_errors(app, client, make_user):
    signed_in_admin(client, make_user)
    taken = make_user(username="taken.name")
    response = submit(client, "/admin/users/new", {
        "username": "x", "full_name": "", "password": "short", "time_zone": "Mars/Olympus",
    })
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html, "username") == "3 to 64 letters, digits, dots, dashes or underscores."
    assert field_errors(html, "full_name") == "Required."
    assert field_errors(html, "password") == "At least 12 characters."
    assert field_errors(html, "roles").startswith("One or more of:")
    assert field_errors(html, "time_zone") == "Not a known time zone name (e.g. Europe/Minsk)."
    assert 'value="short"' not in html  # a password is never sent back

    response = submit(client, "/admin/users/new", {
        "username": taken.username, "full_name": "Someone Else", "password": "long enough password",
        "roles": ["investigator"], "time_zone": "UTC",
    })
    assert response.status_code == 409
    assert field_errors(response.get_data(as_text=True), "username") == "The username is taken."
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_admin_deactivates_a_user_who_can_then_no_longer_sign_in(app, client, make_user):
    signed_in_admin(client, make_user)
    target = make_user(full_name="Олег Уходящий")
    their_browser = app.test_client()
    sign_in_page(their_browser, target)
    assert their_browser.get("/").status_code == 200

    url = f"/admin/users/{target.id}"
    form = client.get(url, headers=EN).get_data(as_text=True)
    assert re.search(r'<input checked class="form-check-input" id="active" name="active" type="checkbox" value="y">',
                     form)
    response = submit(client, url, {"full_name": target.full_name, "roles": ["investigator"], "time_zone": "UTC"})
    assert response.status_code == 302
    html = client.get("/admin/users", headers=EN).get_data(as_text=True)
    row = re.search(rf'<th scope="row">{target.username}</th>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>(yes|no)</td>", row) == ["no", "no", "no"]  # active, second factor, must change

    assert their_browser.get("/").status_code == 302  # the open session ends at once
    refused = sign_in_page(app.test_client(), target)
    assert refused.status_code == 401
    with app.app_context():
        assert db.session.get(User, target.id).active is False


def test_admin_changes_roles_and_cannot_deactivate_themselves(app, client, make_user):
    admin = signed_in_admin(client, make_user)
    target = make_user()
    response = submit(client, f"/admin/users/{target.id}", {
        "full_name": "Новое Имя", "roles": ["legal_officer"], "time_zone": "Asia/Almaty", "active": "y",
    })
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, target.id)
        assert (user.full_name, user.roles, user.time_zone, user.active) == (
            "Новое Имя", ["legal_officer"], "Asia/Almaty", True)

    response = submit(client, f"/admin/users/{admin.id}", {
        "full_name": admin.full_name, "roles": ["admin"], "time_zone": "UTC",
    })
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "active") == "You cannot deactivate your own account."
    with app.app_context():
        assert db.session.get(User, admin.id).active is True


def test_admin_resets_a_users_second_factor(app, client, make_user):
    signed_in_admin(client, make_user)
    target = make_user()
    with app.app_context():
        user = db.session.get(User, target.id)
        user.totp_secret = second_factors.new_totp_secret()
        user.totp_enabled_at = utcnow()
        db.session.commit()

    listing = client.get("/admin/users", headers=EN).get_data(as_text=True)
    row = re.search(rf'<th scope="row">{target.username}</th>(.*?)</tr>', listing, re.S).group(1)
    assert re.findall(r"<td>(yes|no)</td>", row) == ["yes", "yes", "no"]
    url = f"/admin/users/{target.id}"
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert f'action="{url}/reset-second-factor"' in page
    assert 'value="Reset second factor"' in page

    response = submit(client, f"{url}/reset-second-factor", {}, form_url=url)
    assert response.status_code == 302
    assert response.headers["Location"] == url
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "is reset" in page
    assert "Not set up." in page and "reset-second-factor" not in page
    with app.app_context():
        user = db.session.get(User, target.id)
        assert (user.totp_secret, user.totp_enabled_at, user.has_second_factor) == (None, None, False)


# --- who may come in -----------------------------------------------------------------------

def test_only_admins_see_the_administration_link(app, client, make_user):
    signed_in_admin(client, make_user)
    assert 'href="/admin/"' in client.get("/", headers=EN).get_data(as_text=True)
    investigator_browser = app.test_client()
    sign_in_page(investigator_browser, make_user(roles=("investigator",)))
    assert 'href="/admin/"' not in investigator_browser.get("/", headers=EN).get_data(as_text=True)


def test_an_investigator_is_refused(app, client, make_user):
    sign_in_page(client, make_user(roles=("investigator",)))
    other = make_user()
    response = client.get("/admin/users", headers=EN)
    assert response.status_code == 403
    assert "You are not allowed to do this." in response.get_data(as_text=True)
    assert client.get(f"/admin/users/{other.id}").status_code == 403

    token = csrf_token_in(client.get("/", headers=EN).get_data(as_text=True))
    refused = client.post("/admin/parties/BY", data={"csrf_token": token, "agreement_2015_in_force_on": "2020-01-01"})
    assert refused.status_code == 403
    refused = client.post("/admin/users/new", data={
        "csrf_token": token, "username": "sneaky.admin", "full_name": "Sneaky", "password": "long enough password",
        "roles": ["admin"], "time_zone": "UTC",
    })
    assert refused.status_code == 403
    assert client.post(f"/admin/users/{other.id}/reset-second-factor", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.get(Party, "BY").agreement_2015_in_force_on is None
        assert db.session.scalar(select(User).where(User.username == "sneaky.admin")) is None


def test_an_investigator_gets_no_edit_form_nor_edit_links(app, client, make_user):
    with app.app_context():
        authority_id = factories.create_authority("BY").id
    sign_in_page(client, make_user(roles=("investigator",)))
    for path in ["/admin/parties/BY", "/admin/authorities/new", f"/admin/authorities/{authority_id}",
                 "/admin/users/new"]:
        response = client.get(path, headers=EN)
        assert response.status_code == 403, path
        assert "<form" not in response.get_data(as_text=True).split("</header>")[1], path
    # The registry itself stays readable, without the links to forms it would refuse.
    parties = client.get("/admin/parties", headers=EN)
    authorities = client.get("/admin/authorities", headers=EN)
    assert parties.status_code == authorities.status_code == 200
    assert "/admin/parties/BY" not in parties.get_data(as_text=True)
    assert "Republic of Belarus" in parties.get_data(as_text=True)
    assert f"/admin/authorities/{authority_id}" not in authorities.get_data(as_text=True)
    assert "/admin/authorities/new" not in authorities.get_data(as_text=True)
    with app.app_context():
        refused = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [event.details["path"] for event in refused] == [
        "/admin/parties/BY", "/admin/authorities/new", f"/admin/authorities/{authority_id}", "/admin/users/new"]


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for path in ["/admin/", "/admin/parties", "/admin/authorities/new", "/admin/users", "/admin/users/1"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(f"/login?next={path}"), path


def test_posts_without_a_csrf_token_are_refused(app, client, make_user):
    signed_in_admin(client, make_user)
    target = make_user()
    assert client.post("/admin/parties/BY", data={"agreement_2015_in_force_on": "2020-01-01"}).status_code == 400
    assert client.post(f"/admin/users/{target.id}", data={"full_name": "X", "roles": ["investigator"],
                                                          "time_zone": "UTC"}).status_code == 400
    assert client.post("/admin/authorities/new", data={
        "party": "BY", "name_en": "A", "name_ru": "Б", "kind": "central", "listed_on": "2020-01-01",
    }).status_code == 400
    with app.app_context():
        assert db.session.get(Party, "BY").agreement_2015_in_force_on is None
        assert db.session.get(User, target.id).active is True
    assert count_authorities(app) == 0
