"""Browser tests: Playwright for Python drives Debian's Chromium against pytest-django's live server.

Every test under tests/e2e is marked `browser`, so `make test` (-m "not browser") leaves them out and
`make e2e` / `make test-all` run them. See docs/decisions/003-browser-tests.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the main thread for as long as the
# browser lives (here: the whole session). Django then sees a "running loop" and refuses ORM calls
# from that thread with SynchronousOnlyOperation, although the tests and fixtures are plain
# synchronous code that never shares a connection with the loop. Test processes only.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # containers and CI runners have no user namespaces for the sandbox
    "--disable-gpu",
    # Nothing in a test may reach the network beyond the live server:
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # A conftest hook sees the whole session's items, so mark only those below this directory.
    for item in items:
        if Path(item.path).resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session; Playwright never downloads a browser here."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed: run `make e2e-setup`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context(browser):
    """A fresh context (cookies, storage) per test, so no test inherits another's session or language."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI",
                                  timezone_id="Europe/Helsinki")
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    """A page in a fresh context; a short default timeout so a broken page fails in seconds."""
    page = browser_context.new_page()
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    yield page
    page.close()


@pytest.fixture(autouse=True)
def _browser_tests_reload_areas(request):
    """Live-server tests are transactional and flush the database after each test: reload the areas."""
    if "live_server" in request.fixturenames:
        request.getfixturevalue("areas")


@pytest.fixture
def open_as(browser, live_server):
    """Log a user in, in a browser context of their own, and switch the UI to English through the switch."""
    from playwright.sync_api import expect

    from tests.e2e.helpers import login

    contexts = []

    def open_as(username: str):
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fi-FI",
                                      timezone_id="Europe/Helsinki")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.set_default_navigation_timeout(15_000)
        login(page, live_server, username)
        page.get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        return page

    yield open_as
    for context in contexts:
        context.close()
