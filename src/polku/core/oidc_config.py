"""OIDC login settings from the environment (decision 020; docs/security/authentication.md).

Pure: no Django import, so settings.py can call it. OIDC login is off unless POLKU_OIDC_ISSUER is set; when
it is set, every other required variable must be set too, or the server refuses to start with one line that
names the missing variables. Endpoints are given explicitly: nothing is fetched from the network while the
settings load (`polku oidc_endpoints ISSUER` prints them from the provider's discovery document).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from polku.config import ConfigError, flag_from_env

REQUIRED = ("POLKU_OIDC_ISSUER", "POLKU_OIDC_CLIENT_ID", "POLKU_OIDC_CLIENT_SECRET",
            "POLKU_OIDC_AUTHORIZATION_ENDPOINT", "POLKU_OIDC_TOKEN_ENDPOINT", "POLKU_OIDC_JWKS_ENDPOINT",
            "POLKU_OIDC_ORGANISATION")
# Asymmetric algorithms only: with HS256 the client secret would also be the token-signing key.
MAX_ISSUER_LENGTH = 255
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


@dataclass(frozen=True)
class OIDCConfig:
    issuer: str
    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_endpoint: str
    userinfo_endpoint: str
    end_session_endpoint: str
    organisation_id: int
    provider_name: str
    sign_algorithm: str
    accept_idp_mfa: bool
    mfa_acr_values: tuple[str, ...]
    require_email_verified: bool


def _get(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def oidc_config_from_env(*, production: bool) -> OIDCConfig | None:
    """The OIDC configuration, or None when POLKU_OIDC_ISSUER is unset (OIDC login off)."""
    if not _get("POLKU_OIDC_ISSUER"):
        return None
    missing = [name for name in REQUIRED if not _get(name)]
    if missing:
        raise ConfigError(f"POLKU_OIDC_ISSUER is set, so these must be set too: {', '.join(missing)}")
    endpoints = {name: _get(name) for name in ("POLKU_OIDC_ISSUER", "POLKU_OIDC_AUTHORIZATION_ENDPOINT",
                                               "POLKU_OIDC_TOKEN_ENDPOINT", "POLKU_OIDC_JWKS_ENDPOINT",
                                               "POLKU_OIDC_USERINFO_ENDPOINT", "POLKU_OIDC_END_SESSION_ENDPOINT")}
    for name, url in endpoints.items():
        if url and not url.startswith(("https://", "http://")):
            raise ConfigError(f"{name} must be an https:// URL, got {url!r}")
        if url and production and not url.startswith("https://"):
            raise ConfigError(f"{name} must use https:// when POLKU_ENV=production")
    if len(endpoints["POLKU_OIDC_ISSUER"]) > MAX_ISSUER_LENGTH:  # stored with each user's binding (ExternalIdentity)
        raise ConfigError(f"POLKU_OIDC_ISSUER must be at most {MAX_ISSUER_LENGTH} characters")
    organisation = _get("POLKU_OIDC_ORGANISATION")
    if not organisation.isdigit():
        raise ConfigError(f"POLKU_OIDC_ORGANISATION must be the organisation's id (a number), got {organisation!r}")
    algorithm = _get("POLKU_OIDC_SIGN_ALGO", "RS256")
    if algorithm not in SIGNING_ALGORITHMS:
        raise ConfigError(f"POLKU_OIDC_SIGN_ALGO must be one of {', '.join(SIGNING_ALGORITHMS)}, got {algorithm!r}")
    return OIDCConfig(
        issuer=endpoints["POLKU_OIDC_ISSUER"], client_id=_get("POLKU_OIDC_CLIENT_ID"),
        client_secret=_get("POLKU_OIDC_CLIENT_SECRET"),
        authorization_endpoint=endpoints["POLKU_OIDC_AUTHORIZATION_ENDPOINT"],
        token_endpoint=endpoints["POLKU_OIDC_TOKEN_ENDPOINT"], jwks_endpoint=endpoints["POLKU_OIDC_JWKS_ENDPOINT"],
        userinfo_endpoint=endpoints["POLKU_OIDC_USERINFO_ENDPOINT"],
        end_session_endpoint=endpoints["POLKU_OIDC_END_SESSION_ENDPOINT"],
        organisation_id=int(organisation), provider_name=_get("POLKU_OIDC_PROVIDER_NAME"),
        sign_algorithm=algorithm, accept_idp_mfa=flag_from_env("POLKU_OIDC_ACCEPT_IDP_MFA", True),
        mfa_acr_values=tuple(part.strip() for part in _get("POLKU_OIDC_MFA_ACR_VALUES").split() if part.strip()),
        require_email_verified=flag_from_env("POLKU_OIDC_REQUIRE_EMAIL_VERIFIED", True),
    )
