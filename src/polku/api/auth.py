"""Who is calling the API, and with which scopes: bearer tokens (personal or OAuth2 client) or the browser session.

Usage: ninja endpoints take `auth=ApiAuth({"clients:read"})` and read `request.auth` (an `ApiPrincipal`); any other
view calls `authenticate_request(request, scopes={"fhir:read"})` and maps `ApiAuthError` (`.status`, `.code`,
`.detail`, `.headers`) to its own error format. Client data is then read through the access core as `principal.user`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security.http import HttpBearer
from ninja.utils import check_csrf

from polku.api.language import activate_api_language
from polku.api.models import ApiToken, RateWindow
from polku.core.models import User

TOKEN_PREFIX = "polku_"  # noqa: S105 - a public marker, not a secret

# Each scope and the permissions of which the user needs at least one (empty: any active user).
# A token's effective scopes are its granted scopes narrowed by the user's *current* role, so that a
# role change takes effect on existing tokens at once.
SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    "clients:read": frozenset({"core.work_with_clients"}),
    "clients:write": frozenset({"core.work_with_clients"}),
    "referrals:read": frozenset({"core.work_with_clients"}),
    "referrals:write": frozenset({"core.work_with_clients"}),
    "bookings:read": frozenset({"core.work_with_clients", "core.dispatch_interpreting"}),
    "bookings:write": frozenset({"core.work_with_clients", "core.dispatch_interpreting"}),
    "directory:read": frozenset(),
    "consultations:read": frozenset({"core.ask_consultation", "core.answer_consultation",
                                     "core.coordinate_network"}),
    "trainings:read": frozenset(),
    "reports:read": frozenset({"core.view_aggregate_reports"}),
    "paths:read": frozenset({"core.work_with_clients"}),
    "fhir:read": frozenset({"core.work_with_clients", "core.dispatch_interpreting", "core.curate_directory",
                            "core.review_access_log"}),
    # FHIR writes (a screening, a meeting, an incoming referral) are client work.
    "fhir:write": frozenset({"core.work_with_clients"}),
    "webhooks:manage": frozenset({"core.manage_users"}),
}
ALL_SCOPES: tuple[str, ...] = tuple(SCOPE_PERMISSIONS)


class ApiAuthError(Exception):
    """Authentication or authorisation failed; `status` is 401, 403 or 429."""

    status = 401
    code = "not_authenticated"

    def __init__(self, detail, *, code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(str(detail))
        self.detail = detail
        self.code = code or self.code
        self.headers = headers or {}


class NotAuthenticated(ApiAuthError):
    status = 401
    code = "not_authenticated"


class InsufficientScope(ApiAuthError):
    status = 403
    code = "insufficient_scope"


class RateLimited(ApiAuthError):
    status = 429
    code = "rate_limited"


@dataclass(frozen=True)
class ApiPrincipal:
    """The acting user (a person, or an OAuth2 client's service user), the token if any, and effective scopes."""

    user: User
    scopes: frozenset[str]
    token: ApiToken | None = None

    @property
    def via(self) -> str:
        return "session" if self.token is None else self.token.kind


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_string() -> tuple[str, str, str]:
    """(full token shown once, lookup prefix, hash of the full token)."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, hash_secret(token)


def permitted_scopes(user: User) -> frozenset[str]:
    """Scopes the user's role permits right now."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    return frozenset(scope for scope, perms in SCOPE_PERMISSIONS.items()
                     if not perms or any(user.has_perm(perm) for perm in perms))


def _bearer_token(request: HttpRequest) -> str | None:
    value = request.headers.get("Authorization", "")
    if not value:
        return None
    scheme, _sep, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(_("Use the header 'Authorization: Bearer <token>'."), code="invalid_token",
                               headers={"WWW-Authenticate": 'Bearer error="invalid_request"'})
    return token.strip()


def _invalid_token(detail) -> NotAuthenticated:
    return NotAuthenticated(detail, code="invalid_token",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def _token_principal(token_string: str) -> ApiPrincipal:
    if not token_string.startswith(TOKEN_PREFIX) or token_string.count("_") < 2:
        raise _invalid_token(_("The token is not valid."))
    prefix = token_string[len(TOKEN_PREFIX):].split("_", 1)[0]
    token = ApiToken.objects.select_related("user", "api_client").filter(prefix=prefix).first()
    # Compare the hash even when the prefix is unknown, so timing does not tell which prefixes exist.
    expected = token.secret_hash if token else hash_secret("")
    if not hmac.compare_digest(expected, hash_secret(token_string)) or token is None:
        raise _invalid_token(_("The token is not valid."))
    now = timezone.now()
    if token.revoked_at is not None or (token.api_client_id and token.api_client.revoked_at is not None):
        raise _invalid_token(_("The token has been revoked."))
    if token.expires_at <= now:
        raise _invalid_token(_("The token has expired."))
    if not token.user.is_active:
        raise _invalid_token(_("The token's user account is not active."))
    _count_request(f"token:{token.pk}")
    # Bounded write: last use at most once a minute per token, not on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    scopes = frozenset(token.scopes) & permitted_scopes(token.user)
    return ApiPrincipal(user=token.user, scopes=scopes, token=token)


def _count_request(bucket: str) -> None:
    """Fixed-window rate limit per token; raises RateLimited with Retry-After when the window is full."""
    limit = settings.POLKU_API_RATE_LIMIT
    window = settings.POLKU_API_RATE_WINDOW_SECONDS
    now = timezone.now()
    start_ts = int(now.timestamp()) // window * window
    start = now.fromtimestamp(start_ts, tz=now.tzinfo)
    # Its own savepoint: a lost race on the unique row must not break the caller's transaction.
    updated = RateWindow.objects.filter(bucket=bucket, window_start=start).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                RateWindow.objects.create(bucket=bucket, window_start=start, count=1)
        except IntegrityError:
            RateWindow.objects.filter(bucket=bucket, window_start=start).update(count=F("count") + 1)
        # Once per window and token: the earlier windows of this token are no longer needed.
        RateWindow.objects.filter(bucket=bucket, window_start__lt=start).delete()
    count = RateWindow.objects.filter(bucket=bucket, window_start=start).values_list("count", flat=True).first()
    if count is not None and count > limit:
        retry_after = max(1, start_ts + window - int(now.timestamp()))
        raise RateLimited(_("Too many requests with this token; try again in %(seconds)s seconds.")
                          % {"seconds": retry_after}, headers={"Retry-After": str(retry_after)})


def _session_principal(request: HttpRequest) -> ApiPrincipal | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and check_csrf(request) is not None:
        # A cross-site form could otherwise act with the browser's session cookie.
        raise InsufficientScope(_("The CSRF check failed; send the X-CSRFToken header."), code="csrf_failed")
    return ApiPrincipal(user=user, scopes=permitted_scopes(user))


def authenticate_request(request: HttpRequest, *, scopes: set[str] | frozenset[str]) -> ApiPrincipal:
    """The caller as a principal holding all the given scopes; raises NotAuthenticated/InsufficientScope/RateLimited."""
    token_string = _bearer_token(request)
    principal = _token_principal(token_string) if token_string else _session_principal(request)
    if principal is None:
        raise NotAuthenticated(_("Authentication is required: send a bearer token."),
                               headers={"WWW-Authenticate": 'Bearer realm="polku"'})
    missing = set(scopes) - principal.scopes
    if missing:
        needed = " ".join(sorted(scopes))
        raise InsufficientScope(
            _("This operation needs the scope(s): %(scopes)s.") % {"scopes": ", ".join(sorted(missing))},
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'})
    return principal


class ApiAuth(HttpBearer):
    """Ninja auth: a bearer token or the browser session, holding the given scopes."""

    def __init__(self, scopes: set[str] | frozenset[str] = frozenset()):
        unknown = set(scopes) - set(SCOPE_PERMISSIONS)
        if unknown:
            raise ValueError(f"unknown scopes {unknown}")
        self.scopes = frozenset(scopes)
        super().__init__()

    def __call__(self, request: HttpRequest) -> ApiPrincipal:
        # Overrides HttpBearer so that a missing header falls back to the session instead of failing.
        principal = authenticate_request(request, scopes=self.scopes)
        # Messages from here on speak the user's language unless the request named one.
        activate_api_language(request, principal.user)
        return principal

    def authenticate(self, request: HttpRequest, token: str) -> ApiPrincipal:  # pragma: no cover - not used
        return authenticate_request(request, scopes=self.scopes)
