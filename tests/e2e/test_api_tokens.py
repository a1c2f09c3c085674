"""The API token pages in a real browser: create a token (shown once), see it listed, revoke it with confirmation;
no serious axe-core violations on any of the pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_no_serious_violations, login

pytestmark = pytest.mark.urls("tests.api.urls_with_tokens")

BASE = "/tili/api-avaimet/"


@pytest.fixture
def worker(transactional_db, areas):
    from tests.factories import OrganisationFactory, make_user

    return make_user(role="professional", profession="nurse", organisation=OrganisationFactory(),
                     username="token_nurse")


def test_create_list_and_revoke_a_token(page, live_server, worker):
    from polku.api.models import ApiToken

    login(page, live_server, "token_nurse")
    page.goto(live_server.url + BASE)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_serious_violations(page)
    page.goto(live_server.url + BASE + "uusi/")
    assert_no_serious_violations(page)
    page.fill("#id_name", "Raportointiskripti")
    page.locator("input[value='clients:read']").check()
    page.locator("main form button[type=submit]").click()
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("polku_")
    assert_no_serious_violations(page)
    page.goto(live_server.url + BASE)
    expect(page.get_by_role("cell", name="Raportointiskripti", exact=True)).to_be_visible()
    token = ApiToken.objects.get(user=worker)
    page.goto(live_server.url + f"{BASE}{token.pk}/peru/")
    assert_no_serious_violations(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + BASE)
    token.refresh_from_db()
    assert token.revoked_at is not None
