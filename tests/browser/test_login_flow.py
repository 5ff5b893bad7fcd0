"""A person signs in through the page, in Russian and in English, and sees the greeting."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_sign_in_in_russian_then_switch_to_english(page: Page, live_server, make_user):
    make_user(username="i.petrov", full_name="Иван Петров")
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="Русский").click()
    page.get_by_label("Имя пользователя").fill("i.petrov")
    page.get_by_label("Пароль").fill("wrong password")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("alert")).to_have_text("Неверное имя пользователя или пароль.")

    page.get_by_label("Пароль").fill("correct horse battery")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Добро пожаловать, Иван Петров")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Иван Петров")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_page_is_styled_from_the_local_bootstrap(page: Page, live_server):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{live_server}/login")
    button = page.get_by_role("button", name=re.compile("Sign in|Войти"))
    # Bootstrap's .btn-primary paints the button blue; without the stylesheet it stays grey.
    colour = button.evaluate("element => getComputedStyle(element).backgroundColor")
    assert colour == "rgb(13, 110, 253)"
    assert failed == []
