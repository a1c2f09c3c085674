"""OIDC login against a real OpenID provider over HTTP (decision 020).

The provider is a small http.server on 127.0.0.1 in a thread: authorization endpoint (redirects back with a
code), token endpoint (one use per code, PKCE checked, client secret checked), JWKS, userinfo, end-session
and discovery document; ID tokens are RS256-signed with a key made for the test run and carry `auth_time`, the
time the user last logged in at the provider (anew when asked with `prompt=login`, unless a test makes the
provider ignore it). The test plays the browser: Polku's start URL → the provider's authorize URL → back to
Polku's callback with the code.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import secrets
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, clear_url_caches, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from polku.core import oidc
from polku.core.auth_middleware import AUTHENTICATED_AT_KEY
from polku.core.models import ExternalIdentity, User
from polku.core.oidc_config import OIDCConfig
from tests.factories import TEST_PASSWORD, OrganisationFactory, make_user
from tests.security.test_two_factor import rfc6238_code

pytestmark = pytest.mark.django_db

CLIENT_ID = "polku-test"
CLIENT_SECRET = "s3cret-of-the-test-client"
CALLBACK = "http://testserver/kirjaudu/oidc/paluu/"
EMAIL = "hoitaja@hyvinvointialue.example"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    """State of the test provider; tests change `login` (who is logged in there) and `token_changes`."""

    def __init__(self):
        self.key = new_key()
        self.kid = "key-1"
        self.sign_key = self.key  # a test swaps this for a key the JWKS does not publish
        self.token_kid = ""  # a test names another key id in the token header
        self.login: dict = {}
        self.token_changes: dict = {}
        self.codes: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        self.logged_in_at: int | None = None  # the user's login at the provider (auth_time)
        self.honour_prompt = True  # a test makes the provider ignore prompt=login
        self.used_codes: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.base
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def id_token(self, entry: dict) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": entry["nonce"],
                  "auth_time": entry["auth_time"], **entry["login"]}
        for name, value in self.token_changes.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return jwt.encode(claims, self.sign_key, algorithm="RS256", headers={"kid": self.token_kid or self.kid})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def _send(self, status: int, body: dict | None = None, headers: dict | None = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                payload = json.dumps(body).encode() if body is not None else b""
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                if url.path == "/authorize":
                    if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                        return self._send(400, {"error": "invalid_request"})
                    provider.authorize_requests.append(query)
                    if provider.logged_in_at is None or (query.get("prompt") == "login" and provider.honour_prompt):
                        provider.logged_in_at = int(time.time())  # the user logs in (again) at the provider
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"nonce": query.get("nonce"), "redirect_uri": query["redirect_uri"],
                                            "challenge": query.get("code_challenge"), "login": dict(provider.login),
                                            "auth_time": provider.logged_in_at}
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    return self._send(302, None, {"Location": target})
                if url.path == "/jwks":
                    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
                    return self._send(200, {"keys": [{**jwk, "kid": provider.kid, "alg": "RS256", "use": "sig"}]})
                if url.path == "/userinfo":
                    return self._send(200, dict(provider.login))
                if url.path == "/.well-known/openid-configuration":
                    return self._send(200, {
                        "issuer": provider.issuer, "authorization_endpoint": f"{provider.base}/authorize",
                        "token_endpoint": f"{provider.base}/token", "jwks_uri": f"{provider.base}/jwks",
                        "userinfo_endpoint": f"{provider.base}/userinfo",
                        "end_session_endpoint": f"{provider.base}/logout",
                        "id_token_signing_alg_values_supported": ["RS256"]})
                return self._send(404, {"error": "not_found"})

            def do_POST(self):
                if urlsplit(self.path).path != "/token":
                    return self._send(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", "0"))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._send(401, {"error": "invalid_client"})
                code = form.get("code", "")
                entry = provider.codes.get(code)
                if entry is None or code in provider.used_codes or form.get("redirect_uri") != entry["redirect_uri"]:
                    return self._send(400, {"error": "invalid_grant"})
                provider.used_codes.add(code)  # RFC 6749 4.1.2: a code is used once
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if challenge != entry["challenge"]:
                    return self._send(400, {"error": "invalid_grant", "error_description": "PKCE"})
                return self._send(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                        "expires_in": 300, "id_token": provider.id_token(entry)})

        return Handler


@pytest.fixture
def provider():
    running = Provider()
    yield running
    running.stop()


def reload_urls():
    import polku.urls

    importlib.reload(polku.urls)
    clear_url_caches()


@pytest.fixture
def hva(areas):
    """The organisation whose identity provider is configured, with a unit under it."""
    county = OrganisationFactory(name="Testin hyvinvointialue", type="county")
    return county


@pytest.fixture
def unit(hva):
    return OrganisationFactory(name="Maahanmuuttajien mielenterveystiimi", parent=hva)


@pytest.fixture
def oidc_on(settings, provider, hva):
    settings.POLKU_OIDC = OIDCConfig(
        issuer=provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        authorization_endpoint=f"{provider.base}/authorize", token_endpoint=f"{provider.base}/token",
        jwks_endpoint=f"{provider.base}/jwks", userinfo_endpoint="", end_session_endpoint=f"{provider.base}/logout",
        organisation_id=hva.pk, provider_name="Testin hyvinvointialueen tunnus", sign_algorithm="RS256",
        accept_idp_mfa=True, mfa_acr_values=("urn:test:loa:substantial",), require_email_verified=True)
    settings.POLKU_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, oidc.BACKEND_PATH]
    for name, value in {"OIDC_RP_CLIENT_ID": CLIENT_ID, "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
                        "OIDC_RP_SIGN_ALGO": "RS256", "OIDC_RP_SCOPES": "openid email",
                        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{provider.base}/authorize",
                        "OIDC_OP_TOKEN_ENDPOINT": f"{provider.base}/token",
                        "OIDC_OP_JWKS_ENDPOINT": f"{provider.base}/jwks", "OIDC_OP_USER_ENDPOINT": "",
                        "OIDC_USE_NONCE": True, "OIDC_USE_PKCE": True, "OIDC_CREATE_USER": False,
                        "OIDC_STORE_ID_TOKEN": True, "OIDC_TIMEOUT": 5,
                        "OIDC_OP_LOGOUT_URL_METHOD": "polku.core.oidc.provider_logout_url"}.items():
        setattr(settings, name, value)
    reload_urls()
    yield settings.POLKU_OIDC
    settings.POLKU_OIDC_ENABLED = False
    reload_urls()


@pytest.fixture
def hoitaja(unit, provider):
    user = make_user(role="professional", profession="nurse", organisation=unit, username="hoitaja", email=EMAIL)
    provider.login = {"sub": "idp-subject-1", "email": EMAIL.upper(), "email_verified": True}
    return user


def start(client, next_url: str = "") -> str:
    """Polku's start URL: the redirect to the provider, with state, nonce and an S256 PKCE challenge."""
    response = client.get(reverse("oidc_authentication_init") + (f"?{urlencode({'next': next_url})}" if next_url
                                                                   else ""))
    assert response.status_code == 302
    return response["Location"]


def at_provider(authorize_url: str) -> str:
    """The browser at the provider: the user is logged in there; it redirects back with a code."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    target = urlsplit(response.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == CALLBACK
    return f"{target.path}?{target.query}"


def log_in(client, next_url: str = ""):
    return client.get(at_provider(start(client, next_url)))


def logged_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def body(response) -> str:
    return response.content.decode()


# --- The flow --------------------------------------------------------------------------------------------

def test_start_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, oidc_on, provider):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == [CALLBACK] and query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["state"][0] in client.session["oidc_states"]


def test_verified_email_of_a_user_in_a_unit_of_the_organisation_logs_in(client, oidc_on, hoitaja):
    response = log_in(client, next_url="/hakemisto/")
    assert response.status_code == 302 and response["Location"] == "/hakemisto/"
    assert logged_in_as(client) == hoitaja
    assert client.session["_auth_user_backend"] == oidc.BACKEND_PATH
    assert client.get(reverse("home")).status_code == 200


def test_an_unsafe_next_is_replaced_by_the_front_page(client, oidc_on, hoitaja):
    response = log_in(client, next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_email_only_from_the_userinfo_endpoint_is_used_when_its_subject_matches(client, settings, oidc_on, provider,
                                                                                hoitaja):
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.base}/userinfo"
    provider.token_changes = {"email": None, "email_verified": None}
    log_in(client)
    assert logged_in_as(client) == hoitaja


def test_userinfo_about_another_subject_is_refused(client, settings, oidc_on, provider, hoitaja):
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.base}/userinfo"
    provider.token_changes = {"email": None, "email_verified": None, "sub": "someone-else"}
    response = log_in(client)
    assert response.status_code == 403 and logged_in_as(client) is None


def test_a_deactivated_user_loses_the_oidc_session(client, oidc_on, hoitaja):
    log_in(client)
    User.objects.filter(pk=hoitaja.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Bad inputs --------------------------------------------------------------------------------------------

def test_a_callback_with_a_state_this_session_did_not_start_is_refused(client, oidc_on, hoitaja):
    callback = at_provider(start(client))
    forged = callback.replace("state=", "state=forged")
    response = client.get(forged)
    assert response.status_code == 400 and logged_in_as(client) is None
    assert "Kirjautuminen" in body(response)


def test_a_callback_without_any_started_login_is_refused(client, oidc_on, provider, hoitaja):
    other = requests.get(f"{provider.base}/authorize?" + urlencode({
        "client_id": CLIENT_ID, "response_type": "code", "redirect_uri": CALLBACK, "state": "x" * 32,
        "nonce": "n" * 32}), allow_redirects=False, timeout=5)
    target = urlsplit(other.headers["Location"])
    response = client.get(f"{target.path}?{target.query}")
    assert response.status_code == 400 and logged_in_as(client) is None


def test_a_replayed_callback_is_refused_because_its_state_was_used(client, oidc_on, hoitaja):
    callback = at_provider(start(client))
    assert client.get(callback).status_code == 302
    client.logout()
    response = client.get(callback)
    assert response.status_code == 400 and logged_in_as(client) is None


def test_a_replayed_code_with_a_fresh_state_is_refused_by_the_provider(client, oidc_on, hoitaja):
    first = parse_qs(urlsplit(at_provider(start(client))).query)
    assert client.get(f"/kirjaudu/oidc/paluu/?{urlencode({'code': first['code'][0], 'state': first['state'][0]})}"
                      ).status_code == 302
    client.logout()
    fresh_state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(f"/kirjaudu/oidc/paluu/?{urlencode({'code': first['code'][0], 'state': fresh_state})}")
    assert response.status_code == 403 and logged_in_as(client) is None


def test_a_provider_error_answer_is_refused(client, oidc_on, hoitaja):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(f"/kirjaudu/oidc/paluu/?{urlencode({'error': 'access_denied', 'state': state})}")
    assert response.status_code == 403 and logged_in_as(client) is None


@pytest.mark.parametrize(("change", "why"), [
    ({"nonce": "forged-nonce"}, "nonce of another login"),
    ({"nonce": None}, "no nonce"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 4000}, "expired"),
    ({"aud": "another-client"}, "another audience"),
    ({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}, "several audiences, another azp"),
    ({"iss": "https://another-issuer.example"}, "another issuer"),
    ({"exp": None}, "no expiry"),
    ({"sub": None}, "no subject"),
])
def test_an_id_token_with_bad_claims_is_refused(client, oidc_on, provider, hoitaja, change, why):
    provider.token_changes = change
    response = log_in(client)
    assert response.status_code == 403, why
    assert logged_in_as(client) is None, why


def test_an_id_token_signed_by_another_key_with_the_published_kid_is_refused(client, oidc_on, provider, hoitaja):
    provider.sign_key = new_key()
    response = log_in(client)
    assert response.status_code == 403 and logged_in_as(client) is None


def test_an_id_token_naming_a_key_the_provider_does_not_publish_is_refused(client, oidc_on, provider, hoitaja):
    provider.token_kid = "key-2"
    response = log_in(client)
    assert response.status_code == 403 and logged_in_as(client) is None


def test_an_unknown_person_sees_a_refusal_page_in_their_language_and_no_user_is_created(client, oidc_on, provider,
                                                                                         hoitaja):
    provider.login = {"sub": "stranger", "email": "tuntematon@hyvinvointialue.example", "email_verified": True}
    users = User.objects.count()
    response = log_in(client)
    assert response.status_code == 403 and logged_in_as(client) is None
    assert User.objects.count() == users
    assert "Polku-tunnusta" in body(response)
    client.cookies["polku_language"] = "sv"
    response = log_in(client)
    assert "Polku-konto" in body(response)


def test_an_email_the_provider_has_not_verified_is_refused(client, oidc_on, provider, hoitaja):
    provider.token_changes = {"email_verified": False}
    assert log_in(client).status_code == 403 and logged_in_as(client) is None


def test_a_user_of_another_organisation_cannot_log_in_through_this_provider(client, oidc_on, provider, areas):
    elsewhere = OrganisationFactory(name="Toinen hyvinvointialue", type="county")
    make_user(role="professional", profession="nurse", organisation=elsewhere, username="muualla", email=EMAIL)
    provider.login = {"sub": "idp-subject-2", "email": EMAIL, "email_verified": True}
    response = log_in(client)
    assert response.status_code == 403 and logged_in_as(client) is None


def test_two_active_users_with_the_same_email_in_the_organisation_are_refused(client, oidc_on, unit, hoitaja):
    make_user(role="interpreter_dispatcher", organisation=unit, username="kaksoset", email=EMAIL)
    assert log_in(client).status_code == 403 and logged_in_as(client) is None


def test_an_inactive_user_cannot_log_in(client, oidc_on, hoitaja):
    User.objects.filter(pk=hoitaja.pk).update(is_active=False)
    assert log_in(client).status_code == 403 and logged_in_as(client) is None


def test_a_user_locked_out_by_wrong_passwords_cannot_log_in_through_the_provider(client, settings, oidc_on,
                                                                                 hoitaja):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "hoitaja", "password": "wrong password 123"})
    response = log_in(client)
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE and logged_in_as(client) is None
    assert "registration/locked_out.html" in [template.name for template in response.templates]


def test_refused_oidc_logins_do_not_lock_the_address_out_of_oidc(client, settings, oidc_on, provider, hoitaja):
    """A refusal is no password guess: axes must not count it against the address (anyone behind it)."""
    provider.token_changes = {"aud": "another-client"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        assert log_in(client).status_code == 403
    provider.token_changes = {}
    assert log_in(client).status_code == 302 and logged_in_as(client) == hoitaja


def test_password_login_still_works_with_oidc_on(client, oidc_on, hoitaja):
    response = client.post(reverse("login"), {"username": "hoitaja", "password": TEST_PASSWORD})
    assert response.status_code == 302 and logged_in_as(client) == hoitaja


def test_a_password_login_post_carrying_code_and_state_never_reaches_the_provider(client, oidc_on, provider, hoitaja):
    response = client.post(reverse("login") + "?code=abc&state=def", {"username": "hoitaja", "password": "wrong"})
    assert response.status_code == 200 and logged_in_as(client) is None
    assert provider.used_codes == set()


# --- Two-step policy -----------------------------------------------------------------------------------

def test_without_proof_of_mfa_from_the_provider_the_user_goes_to_polkus_own_second_step(client, settings, oidc_on,
                                                                                      hoitaja):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    log_in(client)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_enroll"))
    TOTPDevice.objects.create(user=hoitaja, name="authenticator", confirmed=True)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_verify"))


@pytest.mark.parametrize("proof", [{"amr": ["pwd", "mfa"]}, {"amr": ["pwd", "otp"]}, {"amr": ["hwk", "user"]},
                                   {"acr": "urn:test:loa:substantial"}])
def test_mfa_proven_by_the_provider_counts_as_the_second_step(client, settings, oidc_on, provider, hoitaja, proof):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    provider.token_changes = proof
    log_in(client)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("claims", [{"amr": ["pwd"]}, {"amr": ["otp"]}, {"amr": ["hwk", "swk"]}, {"amr": "mfa"},
                                    {"acr": "urn:test:loa:low"}, {"amr": ["pwd", "sms"]}])
def test_a_single_factor_or_malformed_claim_is_no_proof_of_mfa(client, settings, oidc_on, provider, hoitaja, claims):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    provider.token_changes = claims
    log_in(client)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor_enroll"))


def test_a_deployment_can_refuse_to_count_the_providers_mfa(client, settings, oidc_on, provider, hoitaja):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    settings.POLKU_OIDC = OIDCConfig(**{**oidc_on.__dict__, "accept_idp_mfa": False})
    provider.token_changes = {"amr": ["pwd", "mfa"]}
    log_in(client)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_enroll"))


# --- Login page, logout, disabled -----------------------------------------------------------------------

def test_login_page_offers_the_provider_in_finnish_and_swedish(client, oidc_on):
    page = body(client.get(reverse("login") + "?next=/hakemisto/"))
    assert "Kirjaudu: Testin hyvinvointialueen tunnus" in page
    assert f'href="{reverse("oidc_authentication_init")}?next=%2Fhakemisto%2F"' in page
    client.cookies["polku_language"] = "sv"
    assert "Logga in med Testin hyvinvointialueen tunnus" in body(client.get(reverse("login")))


def test_logout_of_an_oidc_session_ends_it_and_goes_to_the_providers_logout(client, oidc_on, provider, hoitaja):
    log_in(client)
    page = body(client.get(reverse("home")))
    assert f'action="{reverse("oidc_logout")}"' in page
    id_token = client.session[oidc.ID_TOKEN_SESSION_KEY]
    response = client.post(reverse("oidc_logout"))
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.base}/logout"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [id_token] and query["client_id"] == [CLIENT_ID]
    assert query["post_logout_redirect_uri"] == ["http://testserver" + reverse("login")]
    assert logged_in_as(client) is None


def test_a_password_session_keeps_polkus_own_logout(client, oidc_on, hoitaja):
    client.post(reverse("login"), {"username": "hoitaja", "password": TEST_PASSWORD})
    assert f'action="{reverse("logout")}"' in body(client.get(reverse("home")))


def test_without_configuration_the_oidc_urls_do_not_exist_and_there_is_no_button(client):
    with pytest.raises(NoReverseMatch):
        reverse("oidc_authentication_init")
    for path in ("/kirjaudu/oidc/aloita/", "/kirjaudu/oidc/paluu/?code=a&state=b", "/kirjaudu/oidc/kirjaudu-ulos/"):
        assert client.get(path).status_code == 404
    page = body(client.get(reverse("login")))
    assert "oidc" not in page and "organisaatiosi" not in page.lower()


# --- Configuration --------------------------------------------------------------------------------------

def test_endpoints_command_prints_the_variables_from_the_discovery_document(provider):
    out = StringIO()
    call_command("oidc_endpoints", provider.issuer, stdout=out)
    lines = out.getvalue().splitlines()
    assert f"POLKU_OIDC_ISSUER={provider.issuer}" in lines
    assert f"POLKU_OIDC_TOKEN_ENDPOINT={provider.base}/token" in lines
    assert f"POLKU_OIDC_JWKS_ENDPOINT={provider.base}/jwks" in lines


def test_endpoints_command_refuses_a_document_naming_another_issuer(provider):
    provider.issuer = "https://elsewhere.example"
    with pytest.raises(CommandError, match="names issuer"):
        call_command("oidc_endpoints", provider.base, stdout=StringIO())


def test_configuration_needs_every_required_variable_and_https_in_production(monkeypatch):
    from polku.config import ConfigError
    from polku.core.oidc_config import oidc_config_from_env

    assert oidc_config_from_env(production=False) is None
    monkeypatch.setenv("POLKU_OIDC_ISSUER", "https://idp.example")
    with pytest.raises(ConfigError, match="POLKU_OIDC_CLIENT_ID"):
        oidc_config_from_env(production=False)
    for name, value in {"POLKU_OIDC_CLIENT_ID": "polku", "POLKU_OIDC_CLIENT_SECRET": "x",
                        "POLKU_OIDC_AUTHORIZATION_ENDPOINT": "https://idp.example/auth",
                        "POLKU_OIDC_TOKEN_ENDPOINT": "http://idp.example/token",
                        "POLKU_OIDC_JWKS_ENDPOINT": "https://idp.example/jwks", "POLKU_OIDC_ORGANISATION": "7"}.items():
        monkeypatch.setenv(name, value)
    assert oidc_config_from_env(production=False).organisation_id == 7
    with pytest.raises(ConfigError, match="POLKU_OIDC_TOKEN_ENDPOINT must use https"):
        oidc_config_from_env(production=True)
    monkeypatch.setenv("POLKU_OIDC_SIGN_ALGO", "HS256")
    with pytest.raises(ConfigError, match="POLKU_OIDC_SIGN_ALGO"):
        oidc_config_from_env(production=False)
    monkeypatch.setenv("POLKU_OIDC_SIGN_ALGO", "RS256")
    monkeypatch.setenv("POLKU_OIDC_ISSUER", "https://idp.example/" + "x" * 300)
    with pytest.raises(ConfigError, match="at most 255"):
        oidc_config_from_env(production=False)


# --- The provider's sub pinned to the account -----------------------------------------------------------

SUBJECT = "idp-subject-1"


def binding_of(user: User) -> ExternalIdentity | None:
    return ExternalIdentity.objects.filter(user=user).first()


def test_the_first_login_binds_the_providers_subject_to_the_user(client, oidc_on, provider, hoitaja):
    assert binding_of(hoitaja) is None
    log_in(client)
    binding = binding_of(hoitaja)
    assert (binding.issuer, binding.subject) == (provider.issuer, SUBJECT)
    assert binding.last_login_at is not None and binding.created_at <= binding.last_login_at
    assert client.session[oidc.SUBJECT_SESSION_KEY] == SUBJECT


def test_a_later_login_is_matched_by_subject_even_after_the_email_changed_at_the_provider(client, oidc_on, provider,
                                                                                         hoitaja):
    log_in(client)
    first_login = binding_of(hoitaja).last_login_at
    client.logout()
    provider.login = {"sub": SUBJECT, "email": "uusi.nimi@hyvinvointialue.example", "email_verified": True}
    response = log_in(client)
    assert response.status_code == 302 and logged_in_as(client) == hoitaja
    assert ExternalIdentity.objects.count() == 1 and binding_of(hoitaja).last_login_at > first_login
    client.logout()
    provider.login = {"sub": SUBJECT}  # no e-mail claim at all: the binding is enough
    assert log_in(client).status_code == 302 and logged_in_as(client) == hoitaja


def test_another_subject_with_the_same_email_is_refused(client, oidc_on, provider, hoitaja, caplog):
    log_in(client)
    client.logout()
    provider.login = {"sub": "idp-subject-of-someone-else", "email": EMAIL, "email_verified": True}
    with caplog.at_level("WARNING", logger="polku.oidc"):
        response = log_in(client)
    assert response.status_code == 403 and logged_in_as(client) is None
    assert "Polku-tunnusta" in body(response)
    assert "bound to another subject" in caplog.text
    assert list(ExternalIdentity.objects.values_list("subject", flat=True)) == [SUBJECT]


def test_a_bound_subject_whose_email_now_names_another_user_is_refused(client, oidc_on, provider, unit, hoitaja,
                                                                       caplog):
    log_in(client)
    client.logout()
    make_user(role="professional", profession="nurse", organisation=unit, username="toinen",
              email="toinen@hyvinvointialue.example")
    provider.login = {"sub": SUBJECT, "email": "toinen@hyvinvointialue.example", "email_verified": True}
    with caplog.at_level("WARNING", logger="polku.oidc"):
        response = log_in(client)
    assert response.status_code == 403 and logged_in_as(client) is None
    assert "now belongs to user(s)" in caplog.text


def test_an_unverified_email_of_another_user_does_not_disturb_a_bound_login(client, oidc_on, provider, unit,
                                                                           hoitaja):
    log_in(client)
    client.logout()
    make_user(role="professional", profession="nurse", organisation=unit, username="toinen",
              email="toinen@hyvinvointialue.example")
    provider.login = {"sub": SUBJECT, "email": "toinen@hyvinvointialue.example", "email_verified": False}
    assert log_in(client).status_code == 302 and logged_in_as(client) == hoitaja


def test_a_deactivated_bound_user_is_refused(client, oidc_on, provider, hoitaja):
    log_in(client)
    client.logout()
    User.objects.filter(pk=hoitaja.pk).update(is_active=False)
    assert log_in(client).status_code == 403 and logged_in_as(client) is None


def test_a_bound_user_moved_to_another_organisation_is_refused(client, oidc_on, provider, areas, hoitaja):
    log_in(client)
    client.logout()
    User.objects.filter(pk=hoitaja.pk).update(organisation=OrganisationFactory(name="Muu alue", type="county"))
    assert log_in(client).status_code == 403 and logged_in_as(client) is None


def test_after_an_administrator_removes_the_binding_the_next_login_binds_again(client, admin_client, oidc_on,
                                                                              provider, hoitaja):
    log_in(client)
    client.logout()
    binding = binding_of(hoitaja)
    page = admin_client.get(reverse("admin:core_externalidentity_changelist"))
    assert page.status_code == 200 and SUBJECT in body(page)
    assert admin_client.get(reverse("admin:core_externalidentity_add")).status_code == 403
    removed = admin_client.post(reverse("admin:core_externalidentity_delete", args=[binding.pk]), {"post": "yes"})
    assert removed.status_code == 302 and binding_of(hoitaja) is None
    provider.login = {"sub": "new-account-at-the-provider", "email": EMAIL, "email_verified": True}
    assert log_in(client).status_code == 302 and logged_in_as(client) == hoitaja
    assert binding_of(hoitaja).subject == "new-account-at-the-provider"


def test_resetting_two_factor_leaves_the_binding(client, oidc_on, hoitaja):
    log_in(client)
    TOTPDevice.objects.create(user=hoitaja, name="authenticator", confirmed=True)
    call_command("reset_two_factor", "hoitaja", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=hoitaja).exists()
    assert binding_of(hoitaja).subject == SUBJECT


@pytest.mark.parametrize("subject", ["", "x" * 256])
def test_an_empty_or_overlong_subject_is_refused(client, oidc_on, provider, hoitaja, subject):
    provider.login = {**provider.login, "sub": subject}
    assert log_in(client).status_code == 403 and logged_in_as(client) is None
    assert not ExternalIdentity.objects.exists()


# --- Re-authentication through the provider ------------------------------------------------------------

REAUTH = reverse("reauthenticate")
PROTECTED = reverse("two_factor_recovery_codes")  # behind require_recent_authentication


def authentication_ages(client, seconds: int = 3600) -> None:
    """The session's last proof of identity (login or re-authentication) lies this far back."""
    session = client.session
    session[AUTHENTICATED_AT_KEY] = time.time() - seconds
    session.save()


def recent(client) -> bool:
    return time.time() - client.session[AUTHENTICATED_AT_KEY] < 60


def reauth_round_trip(client, next_url: str = PROTECTED):
    response = client.get(f"{reverse('oidc_reauthenticate')}?{urlencode({'next': next_url})}")
    assert response.status_code == 302 and response["Location"].startswith("http://127.0.0.1")
    return client.get(at_provider(response["Location"]))


@pytest.fixture
def oidc_only(hoitaja):
    """A user without a usable Polku password: the provider is their only way in."""
    hoitaja.set_unusable_password()
    hoitaja.save()
    return hoitaja


def test_the_reauthentication_page_of_an_oidc_user_without_a_password_offers_the_provider(client, oidc_on,
                                                                                         oidc_only):
    log_in(client)
    authentication_ages(client)
    response = client.get(PROTECTED)
    assert response.status_code == 302 and response["Location"] == f"{REAUTH}?next={PROTECTED.replace('/', '%2F')}"
    page = body(client.get(response["Location"]))
    assert 'name="password"' not in page
    assert f'href="{reverse("oidc_reauthenticate")}?next={PROTECTED.replace("/", "%2F")}"' in page
    assert "Kirjaudu uudelleen: Testin hyvinvointialueen tunnus" in page
    # A password posted anyway is not checked against an unusable one: the page is just shown again.
    assert client.post(REAUTH, {"password": "anything", "next": PROTECTED}).status_code == 200
    assert not recent(client)


def test_an_oidc_user_with_a_password_may_use_either(client, oidc_on, hoitaja):
    log_in(client)
    authentication_ages(client)
    page = body(client.get(REAUTH))
    assert 'name="password"' in page and reverse("oidc_reauthenticate") in page
    response = client.post(REAUTH, {"password": TEST_PASSWORD, "next": PROTECTED})
    assert response.status_code == 302 and recent(client)


def test_a_password_session_gets_no_provider_round_trip(client, oidc_on, hoitaja):
    client.post(reverse("login"), {"username": "hoitaja", "password": TEST_PASSWORD})
    authentication_ages(client)
    assert reverse("oidc_reauthenticate") not in body(client.get(REAUTH))
    response = client.get(f"{reverse('oidc_reauthenticate')}?next={PROTECTED}")
    assert response.status_code == 302 and response["Location"].startswith(REAUTH)
    assert client.session.get("oidc_states", {}) == {}


def test_an_anonymous_visitor_cannot_start_a_reauthentication(client, oidc_on, hoitaja):
    response = client.get(reverse("oidc_reauthenticate"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_round_trip_asks_for_a_fresh_login_and_then_counts_as_recent(client, oidc_on, provider, oidc_only):
    log_in(client)
    authentication_ages(client)
    session_key = client.session.session_key
    response = reauth_round_trip(client)
    assert provider.authorize_requests[-1]["prompt"] == "login"
    assert provider.authorize_requests[-1]["max_age"] == "0"
    assert "prompt" not in provider.authorize_requests[0]  # the login itself asked for no fresh login
    assert response.status_code == 302 and response["Location"] == PROTECTED
    assert recent(client) and client.session.session_key != session_key
    assert logged_in_as(client) == oidc_only
    # Not enrolled: the protected view itself now answers (it sends a user without an authenticator to enrol).
    assert client.get(PROTECTED)["Location"].startswith(reverse("two_factor_enroll"))


def test_an_unsafe_next_after_the_round_trip_goes_to_the_front_page(client, oidc_on, oidc_only):
    log_in(client)
    authentication_ages(client)
    response = reauth_round_trip(client, next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_stale_auth_time_is_refused(client, oidc_on, provider, oidc_only):
    """The provider ignores prompt=login and answers with its hour-old login."""
    log_in(client)
    authentication_ages(client)
    provider.honour_prompt = False
    provider.logged_in_at = int(time.time()) - 3600
    response = reauth_round_trip(client)
    assert response.status_code == 302 and response["Location"].startswith(REAUTH)
    assert not recent(client)
    assert "ei vahvistanut" in body(client.get(response["Location"]))
    assert client.get(PROTECTED)["Location"].startswith(REAUTH)


def test_an_auth_time_from_before_the_round_trip_is_refused_even_if_recent(client, oidc_on, provider, oidc_only):
    log_in(client)
    authentication_ages(client)
    provider.honour_prompt = False
    provider.logged_in_at = int(time.time()) - 120  # two minutes ago: recent, but no login in this round trip
    reauth_round_trip(client)
    assert not recent(client)


@pytest.mark.parametrize(("auth_time", "why"), [(None, "missing"), ("now", "a string"), (True, "a boolean"),
                                                (int(time.time()) + 3600, "in the future")])
def test_a_missing_or_malformed_auth_time_is_refused(client, oidc_on, provider, oidc_only, auth_time, why):
    log_in(client)
    authentication_ages(client)
    provider.token_changes = {"auth_time": auth_time}
    reauth_round_trip(client)
    assert not recent(client), why


def test_a_different_subject_at_the_provider_is_refused(client, oidc_on, provider, unit, oidc_only, caplog):
    """Someone else logs in at the provider during the round trip, even one with a Polku account of their own."""
    log_in(client)
    authentication_ages(client)
    other = make_user(role="professional", profession="nurse", organisation=unit, username="toinen",
                      email="toinen@hyvinvointialue.example")
    ExternalIdentity.objects.create(user=other, issuer=provider.issuer, subject="idp-subject-2")
    provider.login = {"sub": "idp-subject-2", "email": "toinen@hyvinvointialue.example", "email_verified": True}
    with caplog.at_level("WARNING", logger="polku.oidc"):
        response = reauth_round_trip(client)
    assert response["Location"].startswith(REAUTH) and not recent(client)
    assert logged_in_as(client) == oidc_only
    assert "not the subject bound to this session" in caplog.text


def test_a_removed_binding_is_no_longer_confirmed(client, oidc_on, oidc_only):
    log_in(client)
    authentication_ages(client)
    ExternalIdentity.objects.filter(user=oidc_only).delete()
    reauth_round_trip(client)
    assert not recent(client)


def test_a_reauthentication_answer_is_no_login(client, oidc_on, provider, oidc_only):
    """The answer to a round trip started in one session, replayed in another browser, logs nobody in."""
    log_in(client)
    authentication_ages(client)
    start_response = client.get(reverse("oidc_reauthenticate"))
    callback = at_provider(start_response["Location"])
    stranger = type(client)()
    response = stranger.get(callback)
    assert response.status_code == 400 and "_auth_user_id" not in stranger.session


def test_an_enrolled_user_without_mfa_proof_from_the_provider_also_gives_a_code(client, settings, oidc_on, provider,
                                                                                oidc_only):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    device = TOTPDevice.objects.create(user=oidc_only, name="authenticator", confirmed=True,
                                       key="3132333435363738393031323334353637383930")
    provider.token_changes = {"amr": ["pwd", "otp"]}  # the login itself proved MFA
    log_in(client)
    authentication_ages(client)
    provider.token_changes = {"amr": ["pwd"]}  # the re-authentication does not
    response = reauth_round_trip(client)
    assert response.status_code == 302 and response["Location"].startswith(REAUTH) and not recent(client)
    page = body(client.get(response["Location"]))
    assert 'name="code"' in page and 'name="password"' not in page
    code = rfc6238_code(device.key, datetime.now(UTC))
    done = client.post(REAUTH, {"code": code, "next": PROTECTED})
    assert done.status_code == 302 and done["Location"] == PROTECTED and recent(client)
    assert client.get(PROTECTED).status_code == 200


def test_a_wrong_code_after_the_round_trip_is_refused(client, settings, oidc_on, provider, oidc_only):
    TOTPDevice.objects.create(user=oidc_only, name="authenticator", confirmed=True,
                              key="3132333435363738393031323334353637383930")
    log_in(client)
    authentication_ages(client)
    reauth_round_trip(client)
    wrong = client.post(REAUTH, {"code": "000000", "next": PROTECTED})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in body(wrong) and not recent(client)


def test_the_code_step_expires(client, oidc_on, provider, oidc_only):
    device = TOTPDevice.objects.create(user=oidc_only, name="authenticator", confirmed=True,
                                       key="3132333435363738393031323334353637383930")
    log_in(client)
    authentication_ages(client)
    reauth_round_trip(client)
    session = client.session
    session[oidc.PENDING_CODE_SESSION_KEY]["at"] -= oidc.REAUTH_MAX_AGE_SECONDS + 1
    session.save()
    page = body(client.get(REAUTH))
    assert 'name="code"' not in page and reverse("oidc_reauthenticate") in page
    client.post(REAUTH, {"code": rfc6238_code(device.key, datetime.now(UTC)), "next": PROTECTED})
    assert not recent(client)


def test_mfa_proven_by_the_provider_in_the_round_trip_needs_no_code(client, settings, oidc_on, provider, oidc_only):
    settings.POLKU_REQUIRE_TWO_FACTOR = True
    TOTPDevice.objects.create(user=oidc_only, name="authenticator", confirmed=True)
    provider.token_changes = {"amr": ["pwd", "mfa"]}
    log_in(client)
    authentication_ages(client)
    response = reauth_round_trip(client)
    assert response["Location"] == PROTECTED and recent(client)
    assert client.get(PROTECTED).status_code == 200
