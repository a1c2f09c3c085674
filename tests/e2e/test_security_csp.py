"""The strict Content-Security-Policy in a real browser: the main pages load without a single violation.

Chromium reports every blocked inline script, inline style or foreign resource as a console error, so this
catches inline code left anywhere (templates, server-built SVG, third-party widgets).
"""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_serious_violations, login
from tests.factories import TEST_PASSWORD, add_to_care_team, make_client, make_user
from tests.security.test_two_factor import rfc6238_code


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    return violations


@pytest.fixture
def nurse_with_client(areas):
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory()
    nurse = make_user(role="professional", profession="nurse", organisation=organisation, username="hoitaja")
    record = make_client(organisation=organisation, created_by=nurse, given_names_latin="Amina")
    add_to_care_team(client=record, worker=nurse)
    return nurse, record


def test_main_pages_load_without_any_csp_violation(page, live_server, nurse_with_client):
    _nurse, record = nurse_with_client
    violations = watch_csp(page)
    response = page.goto(live_server.url + reverse("login"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    login(page, live_server, "hoitaja")
    pages = [reverse("home"), reverse("casework:my_clients"), reverse("casework:client_detail", args=[record.pk]),
             reverse("directory:search"), reverse("findhelp:find_help"), reverse("referrals:process_map"),
             reverse("account_security")]
    for url in pages:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        page.wait_for_load_state("load")
        assert not violations, f"CSP violations on {url}: {violations}"
    assert_no_serious_violations(page)

    # The watcher really sees violations: an inline style attribute added now is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    assert any("style" in text for text in violations), "the CSP watcher saw nothing"


def test_two_factor_enrolment_and_login_in_the_browser_without_csp_violations(page, live_server, settings,
                                                                               nurse_with_client):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    violations = watch_csp(page)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "hoitaja")
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    assert_no_serious_violations(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    from datetime import UTC, datetime

    page.fill("#id_code", rfc6238_code(key_hex, datetime.now(UTC)))
    page.locator("main form button[type=submit]").click()
    codes = page.locator(".recovery-codes li")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z2-7]{8,16}", text) for text in codes.all_inner_texts())
    page.get_by_role("link", name=re.compile("continue|jatka", re.I)).click()
    expect(page).to_have_url(live_server.url + reverse("home"))
    assert not violations, violations
