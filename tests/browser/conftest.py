"""Browser tests: Playwright drives Debian's Chromium against the app served from a thread."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.conftest import service_unavailable

# An assertion on a page gives up after 5 s by default: on a loaded two-core machine (two test
# workers, Chromium, the threaded server) a socket event or a page's script can take longer to show.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    if chromium is None:
        service_unavailable("Debian's chromium is not installed (make test installs it when run as root)")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"],
    }
