"""The UI shell in a real browser: login, language switch, logout, keyboard access, and axe-core."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_serious_violations, login
from tests.factories import OrganisationFactory, make_user


@pytest.fixture
def demo_nurse(areas):
    """A demo-style professional, as `make demo` creates them."""
    return make_user(role="professional", profession="nurse", organisation=OrganisationFactory(),
                     username="hoitaja", first_name="Hanna", last_name="Hoitaja")


def test_login_page_has_no_serious_accessibility_violations(page, live_server):
    page.goto(live_server.url + reverse("login"))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu sisään")
    assert_no_serious_violations(page)


def test_login_error_page_has_no_serious_accessibility_violations(page, live_server, demo_nurse):
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "hoitaja")
    page.fill("#id_password", "wrong password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_serious_violations(page)


def test_language_switch_changes_the_shell_from_finnish_to_swedish_to_english_and_logout_works(
        page, live_server, demo_nurse):
    login(page, live_server, "hoitaja")
    html = page.locator("html")
    logout = page.locator("form.logout button")

    expect(html).to_have_attribute("lang", "fi")
    expect(logout).to_have_text("Kirjaudu ulos")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tervetuloa, Hanna")
    assert_no_serious_violations(page)

    page.get_by_role("button", name="Svenska").click()
    expect(html).to_have_attribute("lang", "sv")
    expect(logout).to_have_text("Logga ut")
    expect(page.get_by_role("link", name="Mina klienter").first).to_be_visible()
    expect(page.get_by_role("button", name="Svenska")).to_have_attribute("aria-current", "true")
    assert_no_serious_violations(page)

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(logout).to_have_text("Log out")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Hanna")
    assert_no_serious_violations(page)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["polku_language"] == "en"

    page.get_by_role("button", name="Suomi").click()
    expect(html).to_have_attribute("lang", "fi")
    expect(logout).to_have_text("Kirjaudu ulos")

    logout.click()
    expect(page).to_have_url(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu sisään")
    page.goto(live_server.url + reverse("home"))
    expect(page).to_have_url(live_server.url + reverse("login") + "?next=/")


def test_first_tab_focuses_the_skip_link_and_activating_it_moves_focus_to_main(page, live_server, demo_nurse):
    for path in (reverse("login"), None):
        if path is None:
            login(page, live_server, "hoitaja")
        else:
            page.goto(live_server.url + path)
        page.locator("body").focus()
        page.keyboard.press("Tab")
        skip = page.locator("a.skip-link")
        expect(skip).to_be_focused()
        expect(skip).to_have_text("Siirry pääsisältöön")
        expect(skip).to_be_in_viewport()  # off-screen until focused, then visible
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()


def test_access_log_page_with_a_filter_error_has_no_serious_accessibility_violations(page, live_server, areas):
    make_user(role="administrator", organisation=OrganisationFactory(), username="yllapitaja")
    login(page, live_server, "yllapitaja")
    page.goto(live_server.url + reverse("access_log") + "?date_from=2026-11-23&date_to=2026-11-01")
    expect(page.locator(".error-summary")).to_contain_text("Päättyen")
    expect(page.locator("#id_date_to")).to_have_attribute("aria-invalid", "true")
    assert_no_serious_violations(page)


def test_locked_out_page_has_no_serious_accessibility_violations(page, live_server, demo_nurse):
    page.goto(live_server.url + reverse("login"))
    for _attempt in range(6):
        page.fill("#id_username", "hoitaja")
        page.fill("#id_password", "wrong password")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        if page.get_by_role("heading", name="Tunnus lukittu").count():
            break
        assert page.url.startswith(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tunnus lukittu")
    assert_no_serious_violations(page)
