"""What browser tests do again and again: sign in in a context of one's own, wait for a live page's
socket, check that a page was never reloaded, choose a file for an upload."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect


def signed_in(new_context, live_server: str, user) -> Page:
    page = new_context(locale="en-GB").new_page()
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
    """Choose in a searchable picker (Tom Select over the select `field_id`): type a part of the name,
    then click the offered person whose line contains `option`."""
    page.locator(f"#{field_id}-ts-control").fill(typed)
    page.locator(f"#{field_id}-ts-dropdown .option", has_text=option).click()
