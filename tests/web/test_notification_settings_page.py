"""The notification settings page under "My account" (issue 17, item 4), in Russian and English: it
shows the person's choices, saves them through the same use case as the API, and puts a refusal next
to its field."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token_in
from tests.groups_support import make_cast

PAGE = "/account/notifications"
RU = {"Accept-Language": "ru"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def cast(make_app):
    return make_cast(make_app(JIT_SMTP_URL="smtp://127.0.0.1:1", JIT_MAIL_FROM="jit@example.org"))


def _form(browser, **fields) -> dict:
    token = csrf_token_in(browser.get(PAGE).get_data(as_text=True))
    return {"csrf_token": token, "email": "", "quiet_from": "", "quiet_until": "", **fields}


def test_the_page_is_reached_from_the_account_and_speaks_both_languages(cast):
    browser = cast.browser("kz_member")
    assert f'href="{PAGE}"' in browser.get("/account/", headers=RU).get_data(as_text=True)
    russian = browser.get(PAGE, headers=RU).get_data(as_text=True)
    assert "Настройки уведомлений" in russian and "Тихие часы (UTC)" in russian
    assert '<label class="form-label" for="kind_mention">Упоминания</label>' in russian
    assert "В ежедневной сводке" in russian and "не отправляет электронную почту" not in russian
    english = browser.get(PAGE, headers=EN).get_data(as_text=True)
    assert "Notification settings" in english and "In the daily digest" in english


def test_saving_keeps_the_choices_and_shows_them_again(cast):
    browser = cast.browser("kz_member")
    saved = browser.post(PAGE, data=_form(browser, email="member@example.kz", quiet_from="22:00",
                                          quiet_until="07:00", kind_mention="immediate",
                                          kind_task_assigned="digest"), headers=RU)
    assert saved.status_code == 302
    page = browser.get(PAGE, headers=RU).get_data(as_text=True)
    assert "Настройки уведомлений сохранены." in page
    assert 'value="member@example.kz"' in page and 'value="22:00"' in page and 'value="07:00"' in page
    assert '<option selected value="immediate">' in page.split('id="kind_mention"')[1].split("</select>")[0]
    answer = cast.api.get("/api/v1/me/notification-preferences", headers=cast.headers["kz_member"]).get_json()
    assert answer["email_kinds"]["task.assigned"] == "digest" and answer["email_kinds"]["task.overdue"] == "off"


def test_a_refusal_stands_next_to_its_field(cast):
    browser = cast.browser("kz_member")
    refused = browser.post(PAGE, data=_form(browser, email="", kind_mention="immediate"), headers=RU)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="email-errors"' in page and "Укажите адрес, на который присылать уведомления." in page
    half = browser.post(PAGE, data=_form(browser, email="member@example.kz", quiet_from="22:00"), headers=EN)
    assert half.status_code == 422 and "Give both ends of the quiet hours, or neither." in half.get_data(as_text=True)


def test_without_mail_the_page_says_notices_stay_in_the_platform(make_app):
    cast = make_cast(make_app())
    page = cast.browser("kz_member").get(PAGE, headers=RU).get_data(as_text=True)
    assert "Этот сервер не отправляет электронную почту" in page
