"""Sessions: fixation, inactivity and absolute limits, re-authentication, open redirects, CSRF, lockout."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from polku.core.models import BreakTheGlassGrant
from tests.factories import TEST_PASSWORD, add_to_care_team, make_client
from tests.security.test_two_factor import rfc6238_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("home")
REAUTH = reverse("reauthenticate")
START = datetime(2026, 5, 4, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def login(client, username="nurse", password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


# --- Session fixation and lifetime -------------------------------------------------------------------

def test_session_key_planted_before_login_is_replaced_at_login(client, nurse):
    client.get(LOGIN)
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    assert login(client).status_code == 302
    assert client.cookies["sessionid"].value != planted
    # The old key no longer authenticates anyone.
    attacker = Client()
    attacker.cookies["sessionid"] = planted
    assert attacker.get(HOME).status_code == 302


def test_session_ends_after_thirty_minutes_without_requests(client, nurse, clock, settings):
    assert settings.POLKU_SESSION_IDLE_MINUTES == 30
    login(client)
    clock.shift(timedelta(minutes=29))
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=29))  # active 29 min ago: still in
    assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN + "?next=")
    assert "_auth_user_id" not in client.session


def test_session_ends_ten_hours_after_login_however_active(client, nurse, clock):
    login(client)
    for _ in range(20):  # a request every 29 minutes: 9 h 40 min
        clock.shift(timedelta(minutes=29))
        assert client.get(HOME).status_code == 200
    clock.shift(timedelta(minutes=21))  # 10 h 1 min after login
    assert client.get(HOME).status_code == 302
    assert "_auth_user_id" not in client.session


def test_expired_api_session_gets_401_json(client, nurse, clock):
    login(client)
    clock.shift(timedelta(minutes=31))
    response = client.get("/api/v1/clients/")
    assert response.status_code == 401 and response.json()["code"] == "session_expired"


# --- Re-authentication before break-the-glass and exports --------------------------------------------

@pytest.fixture
def other_client(nurse, organisation):
    return make_client(organisation=organisation, created_by=nurse, given_names_latin="Zainab")


def test_break_the_glass_after_fifteen_minutes_asks_for_the_password_again(client, outsider, other_client,
                                                                           clock):
    url = reverse("casework:break_the_glass", args=[other_client.pk])
    login(client, "outsider")
    assert client.get(url).status_code == 200
    clock.shift(timedelta(minutes=16))
    response = client.post(url, {"reason": "Client in crisis"})
    assert response.status_code == 302 and response["Location"] == f"{REAUTH}?next={url.replace('/', '%2F')}"
    assert not BreakTheGlassGrant.objects.exists()

    wrong = client.post(REAUTH, {"password": "not-it", "next": url})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    right = client.post(REAUTH, {"password": TEST_PASSWORD, "next": url})
    assert right.status_code == 302 and right["Location"] == url
    assert client.post(url, {"reason": "Client in crisis"}).status_code == 302
    assert BreakTheGlassGrant.objects.get().user == outsider


def test_re_authentication_of_an_enrolled_user_needs_the_code_too(client, settings, outsider, other_client,
                                                                  clock):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    device = TOTPDevice.objects.create(user=outsider, name="authenticator", confirmed=True,
                                       key="3132333435363738393031323334353637383930")
    login(client, "outsider")
    assert client.post(reverse("two_factor_verify"), {"code": rfc6238_code(device.key, START)}).status_code == 302
    clock.shift(timedelta(minutes=20))
    url = reverse("casework:break_the_glass", args=[other_client.pk])
    assert client.get(url)["Location"].startswith(REAUTH)
    no_code = client.post(REAUTH, {"password": TEST_PASSWORD, "next": url})
    assert no_code.status_code == 200
    replayed = client.post(REAUTH, {"password": TEST_PASSWORD, "code": rfc6238_code(device.key, START),
                                    "next": url})
    assert replayed.status_code == 200  # the login's code, used again 20 min later (and out of its window)
    clock.shift(timedelta(seconds=2))  # past the throttle delay the wrong code started
    fresh = client.post(REAUTH, {"password": TEST_PASSWORD, "next": url,
                                 "code": rfc6238_code(device.key, START + timedelta(minutes=20, seconds=2))})
    assert fresh.status_code == 302 and fresh["Location"] == url
    assert client.get(url).status_code == 200


def test_claim_export_needs_recent_authentication_but_the_claim_page_does_not(client, team_lead, clock):
    login(client, "lead")
    clock.shift(timedelta(minutes=16))
    url = reverse("interpreting:claim")
    query = {"first_day": date(2026, 1, 1).isoformat(), "last_day": date(2026, 3, 31).isoformat()}
    assert client.get(url, query).status_code == 200
    response = client.get(url, {**query, "muoto": "csv"})
    assert response.status_code == 302 and response["Location"].startswith(REAUTH + "?next=")
    client.post(REAUTH, {"password": TEST_PASSWORD})
    exported = client.get(url, {**query, "muoto": "csv"})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")


# --- Open redirects --------------------------------------------------------------------------------------

EVIL = ["https://evil.example/", "//evil.example/", "\\\\evil.example", "https:evil.example", "/\\evil.example",
        "javascript:alert(1)"]


@pytest.mark.parametrize("target", EVIL)
def test_login_next_to_another_site_is_refused(client, nurse, target):
    response = client.post(LOGIN + "?next=x", {"username": "nurse", "password": TEST_PASSWORD, "next": target})
    assert response.status_code == 302 and response["Location"] == HOME


# Not paths: redirect() would have taken a bare word for a URL name (a server error before).
BARE_WORDS = ["123456", "casework:my_clients"]


@pytest.mark.parametrize("target", EVIL + BARE_WORDS)
def test_re_authentication_next_to_another_site_is_refused(client, nurse, target):
    login(client)
    response = client.post(REAUTH, {"password": TEST_PASSWORD, "next": target})
    assert response.status_code == 302 and response["Location"] == HOME


@pytest.mark.parametrize("target", EVIL + BARE_WORDS)
def test_two_factor_next_to_another_site_is_refused(client, settings, nurse, clock, target):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    device = TOTPDevice.objects.create(user=nurse, name="authenticator", confirmed=True,
                                       key="3132333435363738393031323334353637383930")
    login(client)
    response = client.post(reverse("two_factor_verify"), {"code": rfc6238_code(device.key, START),
                                                          "next": target})
    assert response.status_code == 302 and response["Location"] == HOME


def test_login_next_inside_the_site_is_followed(client, nurse):
    target = reverse("casework:my_clients")
    response = client.post(LOGIN, {"username": "nurse", "password": TEST_PASSWORD, "next": target})
    assert response["Location"] == target


# --- CSRF ------------------------------------------------------------------------------------------------

def test_post_from_another_origin_without_the_token_is_refused(nurse, organisation):
    record = make_client(organisation=organisation, created_by=nurse)
    add_to_care_team(client=record, worker=nurse)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(nurse)
    url = reverse("casework:break_the_glass", args=[record.pk])
    response = browser.post(url, {"reason": "forged"}, HTTP_ORIGIN="https://evil.example",
                            HTTP_REFERER="https://evil.example/form")
    assert response.status_code == 403
    assert not BreakTheGlassGrant.objects.exists()


def test_login_form_from_another_origin_is_refused(nurse):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(LOGIN, {"username": "nurse", "password": TEST_PASSWORD},
                            HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session


def test_post_with_a_token_from_the_page_is_accepted(nurse):
    browser = Client(enforce_csrf_checks=True)
    browser.get(LOGIN)
    token = browser.cookies["csrftoken"].value
    response = browser.post(LOGIN, {"username": "nurse", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- Credential stuffing: many user names from one address are each locked after five failures ---------

def test_credential_stuffing_across_user_names_locks_each_pair_and_logs_nobody_in(client, nurse, counsellor):
    for username in ("nurse", "counsellor"):
        for attempt in range(5):
            client.post(LOGIN, {"username": username, "password": f"guess-{attempt}"})
    for username in ("nurse", "counsellor"):
        response = client.post(LOGIN, {"username": username, "password": TEST_PASSWORD})
        assert response.status_code == 429
    assert "_auth_user_id" not in client.session
