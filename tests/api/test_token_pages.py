"""The token pages: create (shown once, after proving the password recently), list, revoke with confirmation."""

from __future__ import annotations

import hashlib
import re
import time

import pytest

from polku.api.models import ApiToken
from polku.core.auth_middleware import AUTHENTICATED_AT_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_with_tokens")]

BASE = "/tili/api-avaimet/"


@pytest.fixture
def browser(client, nurse):
    client.force_login(nurse)
    session = client.session
    session[AUTHENTICATED_AT_KEY] = time.time()
    session.save()
    client.cookies["polku_language"] = "en"
    return client


def test_creating_a_token_shows_it_once_and_stores_only_its_hash(browser, nurse):
    response = browser.post(f"{BASE}uusi/", {"name": "Laptop script", "scopes": ["clients:read"], "days": "30"})
    assert response.status_code == 200
    secret = re.search(r'value="(polku_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=nurse)
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.scopes == ["clients:read"]
    listing = browser.get(BASE).content.decode()
    assert "Laptop script" in listing and secret not in listing
    assert browser.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_the_form_offers_only_scopes_the_role_permits(browser):
    page = browser.get(f"{BASE}uusi/").content.decode()
    assert 'value="clients:read"' in page
    assert 'value="reports:read"' not in page and 'value="webhooks:manage"' not in page


def test_a_scope_beyond_the_role_is_refused_on_the_field(browser, nurse):
    response = browser.post(f"{BASE}uusi/", {"name": "x", "scopes": ["reports:read"], "days": "30"})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=nurse).exists()


def test_creating_needs_a_recent_password(client, nurse):
    client.force_login(nurse)
    session = client.session
    session[AUTHENTICATED_AT_KEY] = time.time() - 24 * 3600
    session.save()
    response = client.post(f"{BASE}uusi/", {"name": "x", "scopes": ["clients:read"], "days": "30"})
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_and_then_the_token_stops_working(browser, nurse, make_token):
    secret = make_token(nurse, {"clients:read"})
    token = ApiToken.objects.get(user=nurse)
    confirm = browser.get(f"{BASE}{token.pk}/peru/")
    assert confirm.status_code == 200 and ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert browser.post(f"{BASE}{token.pk}/peru/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert browser.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_another_users_token_cannot_be_revoked_here(browser, counsellor, make_token):
    make_token(counsellor, {"clients:read"})
    token = ApiToken.objects.get(user=counsellor)
    assert browser.post(f"{BASE}{token.pk}/peru/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
