"""Tokens and scopes: hashed at rest, expiring, revocable, narrowed by the role; session with CSRF; rate limits."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.test import Client as HttpClient
from django.utils import timezone

from polku.api.auth import permitted_scopes
from polku.api.models import ApiToken
from polku.api.services import create_api_client, create_personal_token, revoke_api_client, revoke_token
from polku.core.errors import DomainError

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_api")]

URL = "/api/v1/clients"


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "instance", "errors"} <= set(body)
    if code:
        assert body["code"] == code
    return body


def test_token_secret_is_stored_only_as_its_sha256_hash(nurse):
    issued = create_personal_token(actor=nurse, name="laptop", scopes={"clients:read"})
    row = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret.startswith("polku_")
    assert row.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert all(issued.secret not in str(getattr(row, f.attname)) for f in ApiToken._meta.concrete_fields)


def test_valid_token_reads_and_records_last_use(client, nurse, make_token, bearer, client_record):
    token = make_token(nurse, {"clients:read"})
    response = client.get(URL, **bearer(token))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [client_record.pk]
    assert ApiToken.objects.get(user=nurse).last_used_at is not None


def test_missing_token_is_401_problem_with_www_authenticate(client):
    body = assert_problem(client.get(URL), 401, "not_authenticated")
    assert body["instance"] == URL


@pytest.mark.parametrize("header", ["Bearer polku_nothere_xyz", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer "])
def test_unknown_or_malformed_token_is_401(client, header, areas):
    response = client.get(URL, HTTP_AUTHORIZATION=header)
    assert_problem(response, 401)
    assert "Bearer" in response["WWW-Authenticate"]


def test_expired_token_is_401(client, nurse, make_token, bearer):
    token = make_token(nurse, {"clients:read"}, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        body = assert_problem(client.get(URL, **bearer(token)), 401, "invalid_token")
    assert "expired" in body["detail"] or "vanhentunut" in body["detail"]


def test_revoked_token_is_401(client, nurse, make_token, bearer):
    token = make_token(nurse, {"clients:read"})
    revoke_token(actor=nurse, token=ApiToken.objects.get(user=nurse))
    assert_problem(client.get(URL, **bearer(token)), 401, "invalid_token")


def test_token_without_the_scope_is_403(client, nurse, make_token, bearer):
    token = make_token(nurse, {"directory:read"})
    response = client.get(URL, **bearer(token))
    assert_problem(response, 403, "insufficient_scope")
    assert 'scope="clients:read"' in response["WWW-Authenticate"]


def test_a_role_change_narrows_existing_tokens(client, nurse, make_token, bearer):
    from django.contrib.auth.models import Group

    token = make_token(nurse, {"clients:read"})
    nurse.groups.set([Group.objects.get(name="role:steering_group")])
    assert_problem(client.get(URL, **bearer(token)), 403, "insufficient_scope")


def test_a_user_cannot_grant_a_token_scopes_beyond_their_role(nurse):
    assert "reports:read" not in permitted_scopes(nurse)
    with pytest.raises(DomainError) as error:
        create_personal_token(actor=nurse, name="x", scopes={"reports:read"})
    assert error.value.field == "scopes"


def test_other_users_cannot_revoke_my_token(nurse, counsellor):
    issued = create_personal_token(actor=nurse, name="x", scopes={"clients:read"})
    with pytest.raises(DomainError):
        revoke_token(actor=counsellor, token=issued.token)
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_rate_limit_answers_429_with_retry_after(client, nurse, make_token, bearer, settings):
    settings.POLKU_API_RATE_LIMIT = 3
    settings.POLKU_API_RATE_WINDOW_SECONDS = 60
    token = make_token(nurse, {"clients:read"})
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        statuses = [client.get(URL, **bearer(token)).status_code for _ in range(3)]
        response = client.get(URL, **bearer(token))
    assert statuses == [200, 200, 200]
    assert_problem(response, 429, "rate_limited")
    assert response["Retry-After"] == "55"


def test_rate_limit_is_per_token(client, nurse, make_token, bearer, settings):
    settings.POLKU_API_RATE_LIMIT = 1
    first, second = make_token(nurse, {"clients:read"}), make_token(nurse, {"clients:read"})
    with time_machine.travel(timezone.now().replace(second=5), tick=False):
        assert client.get(URL, **bearer(first)).status_code == 200
        assert client.get(URL, **bearer(first)).status_code == 429
        assert client.get(URL, **bearer(second)).status_code == 200


def test_session_user_reads_without_a_token(nurse, client_record):
    browser = HttpClient()
    browser.force_login(nurse)
    assert browser.get(URL).status_code == 200


def test_session_write_without_csrf_token_is_refused(nurse, client_record, polku_service):
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(nurse)
    response = browser.post("/api/v1/referrals", {"client_id": client_record.pk, "target_service_id":
                                                  polku_service.pk, "reason": "x"}, content_type="application/json")
    assert_problem(response, 403, "csrf_failed")


def test_session_write_with_csrf_token_passes(nurse, client_record, polku_service):
    from django.middleware.csrf import _get_new_csrf_string

    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(nurse)
    token = _get_new_csrf_string()
    browser.cookies["csrftoken"] = token
    response = browser.post("/api/v1/referrals", {"client_id": client_record.pk, "target_service_id":
                                                  polku_service.pk, "reason": "Sleep"},
                            content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


# --- OAuth2 client credentials ---------------------------------------------------------------------


@pytest.fixture
def api_client(data_controller, organisation):
    return create_api_client(actor=data_controller, name="Tulkkikeskus", organisation=organisation,
                             role="interpreter_dispatcher", scopes={"bookings:read", "directory:read"})


def test_client_credentials_grant_issues_an_expiring_bearer_token(client, api_client):
    response = client.post("/api/v1/oauth/token", {"grant_type": "client_credentials",
                                                   "client_id": api_client.client.client_id,
                                                   "client_secret": api_client.secret, "scope": "directory:read"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "directory:read"
    assert 3500 < body["expires_in"] <= 3600
    assert response["Cache-Control"] == "no-store"
    assert client.get("/api/v1/directory/services", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}"
                      ).status_code == 200
    token = ApiToken.objects.get(api_client=api_client.client)
    assert token.user == api_client.client.service_user and token.user.organisation == api_client.client.organisation


def test_client_credentials_with_http_basic(client, api_client):
    import base64

    basic = base64.b64encode(f"{api_client.client.client_id}:{api_client.secret}".encode()).decode()
    response = client.post("/api/v1/oauth/token", {"grant_type": "client_credentials"},
                           HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200
    assert set(response.json()["scope"].split()) == {"bookings:read", "directory:read"}


def test_wrong_secret_is_401_invalid_client(client, api_client):
    response = client.post("/api/v1/oauth/token", {"grant_type": "client_credentials",
                                                   "client_id": api_client.client.client_id, "client_secret": "no"})
    body = assert_problem(response, 401, "invalid_client")
    assert body["error"] == "invalid_client"


def test_scope_beyond_the_client_is_invalid_scope(client, api_client):
    response = client.post("/api/v1/oauth/token", {"grant_type": "client_credentials", "scope": "clients:read",
                                                   "client_id": api_client.client.client_id,
                                                   "client_secret": api_client.secret})
    assert assert_problem(response, 400, "invalid_scope")["error"] == "invalid_scope"


def test_unsupported_grant_type(client, api_client):
    response = client.post("/api/v1/oauth/token", {"grant_type": "password", "client_id": "x", "client_secret": "y"})
    assert_problem(response, 400, "unsupported_grant_type")


def test_revoking_a_client_revokes_its_tokens(client, api_client, data_controller):
    response = client.post("/api/v1/oauth/token", {"grant_type": "client_credentials",
                                                   "client_id": api_client.client.client_id,
                                                   "client_secret": api_client.secret})
    token = response.json()["access_token"]
    revoke_api_client(actor=data_controller, client=api_client.client)
    assert_problem(client.get("/api/v1/directory/services", HTTP_AUTHORIZATION=f"Bearer {token}"), 401)
    again = client.post("/api/v1/oauth/token", {"grant_type": "client_credentials",
                                                "client_id": api_client.client.client_id,
                                                "client_secret": api_client.secret})
    assert_problem(again, 401, "invalid_client")


def test_only_a_user_manager_creates_clients(nurse, organisation):
    with pytest.raises(DomainError):
        create_api_client(actor=nurse, name="x", organisation=organisation, role="interpreter_dispatcher",
                          scopes={"directory:read"})


def test_old_rate_windows_are_pruned(client, nurse, make_token, bearer):
    from polku.api.models import RateWindow

    token = make_token(nurse, {"clients:read"})
    moment = timezone.now().replace(second=5)
    for minute in range(3):
        with time_machine.travel(moment + timedelta(minutes=minute), tick=False):
            assert client.get(URL, **bearer(token)).status_code == 200
    assert RateWindow.objects.count() == 1
