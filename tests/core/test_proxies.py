"""Behind reverse proxies the client's address comes from X-Forwarded-For, as far as the deployment trusts it
(POLKU_TRUSTED_PROXIES, polku.core.proxies): for the access log and for the login lockout.

The requests go through the WSGI interface, as a server sends them (werkzeug's test client against Django's
WSGI handler wrapped as polku.wsgi wraps it), because the address is set there, below Django."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client as DjangoClient
from werkzeug.test import Client

from polku.core.models import AccessLog
from polku.core.proxies import behind_trusted_proxies
from tests.factories import add_to_care_team, make_client

PROXY = "10.0.0.2"  # the last proxy, as the server sees it


@pytest.fixture(autouse=True)
def _keep_the_test_transactions_connection():
    """A served request closes the database connection when it ends; here that connection holds the test's
    transaction, so the requests leave it open, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _browser(proxies: int) -> Client:
    return Client(behind_trusted_proxies(WSGIHandler(), proxies))


def _failed_login(browser: Client, forwarded_for: str | None) -> int:
    environ = {"REMOTE_ADDR": PROXY, "HTTP_HOST": "localhost"}
    if forwarded_for is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded_for
    page = browser.get("/kirjaudu/", environ_overrides=environ)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = browser.post("/kirjaudu/", environ_overrides=environ,
                            data={"csrfmiddlewaretoken": token, "username": "nurse", "password": "wrong password"})
    return response.status_code  # 200: the form again, with its error; 429: locked out


@pytest.mark.django_db
@pytest.mark.parametrize(("proxies", "forwarded_for", "seen"), [
    (0, None, PROXY),
    (0, "203.0.113.7", PROXY),  # no proxy declared: the header is the client's own words
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "198.51.100.66, 203.0.113.7", "203.0.113.7"),  # the client wrote the first entry itself
    (2, "198.51.100.66, 203.0.113.7, 10.0.0.3", "203.0.113.7"),
    (2, "203.0.113.7", PROXY),  # fewer entries than proxies: not trusted, the connection's address stays
])
def test_the_login_lockout_counts_the_address_the_trusted_proxies_report(nurse, proxies, forwarded_for, seen):
    assert _failed_login(_browser(proxies), forwarded_for) == 200
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [seen]


@pytest.mark.django_db
def test_two_workstations_behind_one_proxy_do_not_share_a_lockout(nurse):
    browser = _browser(1)
    statuses = [_failed_login(browser, "203.0.113.7") for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[-1] == 429  # this workstation is locked out for the user name
    # A colleague at another workstation, through the same proxy: the login form, not the lockout.
    assert _failed_login(_browser(1), "203.0.113.8") == 200
    assert AccessAttempt.objects.get(ip_address="203.0.113.8").failures_since_start == 1


@pytest.mark.django_db
def test_the_access_log_records_the_address_the_trusted_proxy_reports(organisation, nurse):
    client = make_client(organisation=organisation, created_by=nurse)
    add_to_care_team(client=client, worker=nurse)
    session = DjangoClient()
    session.force_login(nurse)
    browser = _browser(1)
    browser.set_cookie(settings.SESSION_COOKIE_NAME, session.cookies[settings.SESSION_COOKIE_NAME].value,
                       domain="localhost")
    response = browser.get(f"/asiakastyo/{client.pk}/", environ_overrides={
        "REMOTE_ADDR": PROXY, "HTTP_HOST": "localhost", "HTTP_X_FORWARDED_FOR": "198.51.100.66, 203.0.113.7"})
    assert response.status_code == 200
    assert list(AccessLog.objects.filter(client_id=client.pk).values_list("client_ip", flat=True)) == ["203.0.113.7"]
