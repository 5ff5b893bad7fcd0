"""What browser tests do again and again: sign in in a context of one's own, wait for a live page's
socket, check that a page was never reloaded, choose a file for an upload."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect


def signed_in(new_context, live_server: str, user, **context) -> Page:
    """A page signed in as `user` in English (`context`: more browser context options, e.g. `timezone_id`)."""
    page = new_context(locale="en-GB", **context).new_page()
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def watch(page: Page) -> None:
    """Wait until the page's socket is connected, so that no change can slip by unheard; the marker
    left in `window` shows later that the page was never reloaded."""
    expect(page.locator("body[data-live-connected]")).to_have_count(1)
    page.evaluate("window.jitNotReloaded = true")


def choose_file(page: Page, label: str, path: Path, content: bytes) -> None:
    path.write_bytes(content)
    page.get_by_label(label).set_input_files(path)


def still_the_same_page(page: Page) -> bool:
    return page.evaluate("window.jitNotReloaded === true")


def pick(page: Page, field_id: str, typed: str, option: str) -> None:
    """Choose in a searchable picker (Tom Select over the select `field_id`) with the keyboard: type a
    part of the name, wait for the people endpoint's answer where the picker asks it, check that the
    first line offered is `option`'s, take it with Enter and close the list with Escape."""
    control = page.locator(f"#{field_id}-ts-control")
    if page.locator(f"#{field_id}[data-people-url]").count():
        with page.expect_response(lambda answer: "/people?" in answer.url):
            control.fill(typed)
    else:
        control.fill(typed)
    dropdown = page.locator(f"#{field_id}-ts-dropdown")
    # The answer is in once the picker stops loading: the line offered first is then the server's.
    expect(control.locator("xpath=ancestor::div[contains(@class, 'ts-wrapper')]")).not_to_have_class(
        re.compile(r"\bloading\b"))
    expect(dropdown.locator(".option.active")).to_contain_text(option)
    control.press("Enter")
    control.press("Escape")
    expect(dropdown).to_be_hidden()
