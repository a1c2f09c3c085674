"""Writes of the api app: personal access tokens, OAuth2 clients and their tokens, webhook subscriptions."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.api.auth import ALL_SCOPES, hash_secret, new_token_string, permitted_scopes
from polku.api.models import ApiClient, ApiToken, TokenKind, WebhookEvent, WebhookSubscription
from polku.api.webhook_targets import target_problem
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import Organisation, User
from polku.core.roles import Role, group_name

MAX_PERSONAL_TOKEN_DAYS = 365


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the full bearer token, shown once and never stored


def _check_scopes(scopes: list[str] | set[str], *, allowed: frozenset[str], field: str = "scopes") -> list[str]:
    scopes = sorted(set(scopes))
    if not scopes:
        raise DomainError("scopes_required", _("Choose at least one scope."), field=field)
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise DomainError("unknown_scope", _("Unknown scope: %(scope)s.") % {"scope": unknown[0]}, field=field)
    refused = [s for s in scopes if s not in allowed]
    if refused:
        raise DomainError("scope_not_permitted", _("Your role does not permit the scope %(scope)s.")
                          % {"scope": refused[0]}, field=field)
    return scopes


@transaction.atomic
def create_personal_token(*, actor: User, name: str, scopes: list[str] | set[str], days: int = 90) -> IssuedToken:
    """A personal access token of the actor, limited to scopes the actor's role permits, expiring in ≤ 1 year."""
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("Give the token a name."), field="name")
    if not 1 <= days <= MAX_PERSONAL_TOKEN_DAYS:
        raise DomainError("invalid_lifetime", _("A token is valid for 1 to %(days)s days.")
                          % {"days": MAX_PERSONAL_TOKEN_DAYS}, field="days")
    scopes = _check_scopes(scopes, allowed=permitted_scopes(actor))
    secret, prefix, digest = new_token_string()
    now = timezone.now()
    token = ApiToken.objects.create(kind=TokenKind.PERSONAL, user=actor, name=name[:100], prefix=prefix,
                                    secret_hash=digest, scopes=scopes, created_at=now,
                                    expires_at=now + timedelta(days=days))
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner may, and so may a user manager; revoking twice keeps the first time."""
    if token.user_id != actor.pk and not actor.has_perm("core.manage_users"):
        raise AccessDenied("not_your_token", _("You can revoke only your own tokens."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@dataclass(frozen=True)
class CreatedClient:
    client: ApiClient
    secret: str


@transaction.atomic
def create_api_client(*, actor: User, name: str, organisation: Organisation, role: Role | str,
                      scopes: list[str] | set[str], token_lifetime_seconds: int = 3600) -> CreatedClient:
    """An OAuth2 client-credentials client with its own service user (the role sets what it may do)."""
    if not actor.has_perm("core.manage_users"):
        raise AccessDenied("manage_users_required", _("Only a user administrator can create API clients."))
    if not 60 <= token_lifetime_seconds <= 24 * 3600:
        raise DomainError("invalid_lifetime", _("A client token lives 60 seconds to 24 hours."),
                          field="token_lifetime_seconds")
    from django.contrib.auth.models import Group

    role = Role(role)
    client_id = f"plk-{secrets.token_hex(8)}"
    user = User.objects.create(username=f"api:{client_id}", organisation=organisation, role=role,
                               first_name=name[:150])
    user.set_unusable_password()  # a service user never logs in through the UI
    user.save(update_fields=["password"])
    group, _created = Group.objects.get_or_create(name=group_name(role))
    user.groups.add(group)
    user = User.objects.get(pk=user.pk)  # fresh permission cache
    scopes = _check_scopes(scopes, allowed=permitted_scopes(user))
    secret = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, client_id=client_id, secret_hash=hash_secret(secret),
                                      organisation=organisation, service_user=user, scopes=scopes,
                                      token_lifetime_seconds=token_lifetime_seconds, created_by=actor)
    return CreatedClient(client=client, secret=secret)


@transaction.atomic
def revoke_api_client(*, actor: User, client: ApiClient) -> ApiClient:
    """Revoke a client and with it every token it holds."""
    if not actor.has_perm("core.manage_users"):
        raise AccessDenied("manage_users_required", _("Only a user administrator can revoke API clients."))
    now = timezone.now()
    ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(revoked_at=now)
    ApiToken.objects.filter(api_client=client, revoked_at__isnull=True).update(revoked_at=now)
    client.refresh_from_db()
    return client


class OAuthError(Exception):
    """An RFC 6749 §5.2 error: `error` code and a description."""

    def __init__(self, error: str, description, status: int = 400):
        super().__init__(str(description))
        self.error = error
        self.description = description
        self.status = status


def issue_client_token(*, client_id: str, client_secret: str, scope: str = "") -> IssuedToken:
    """Client-credentials grant: a bearer token for the client's requested (or all its) scopes."""
    client = ApiClient.objects.select_related("service_user").filter(client_id=client_id).first()
    expected = client.secret_hash if client else hash_secret("")
    if client is None or not hmac.compare_digest(expected, hash_secret(client_secret or "")) \
            or client.revoked_at is not None or not client.service_user.is_active:
        raise OAuthError("invalid_client", _("Unknown client or wrong secret."), status=401)
    requested = set(scope.split()) if scope.strip() else set(client.scopes)
    allowed = set(client.scopes) & permitted_scopes(client.service_user)
    if not requested <= allowed:
        raise OAuthError("invalid_scope", _("The client may not request the scope(s): %(scopes)s.")
                         % {"scopes": " ".join(sorted(requested - allowed))})
    secret, prefix, digest = new_token_string()
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(kind=TokenKind.CLIENT_CREDENTIALS, user=client.service_user,
                                        api_client=client, name=client.name[:100], prefix=prefix,
                                        secret_hash=digest, scopes=sorted(requested), created_at=now,
                                        expires_at=now + timedelta(seconds=client.token_lifetime_seconds))
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def create_webhook_subscription(*, actor: User, organisation: Organisation, url: str,
                                events: list[str]) -> WebhookSubscription:
    """Subscribe an organisation's endpoint; only its user administrator may. Returns it with a fresh secret."""
    if not actor.has_perm("core.manage_users") or actor.organisation_id != organisation.pk:
        raise AccessDenied("manage_users_required",
                           _("Only a user administrator of the organisation can manage its webhooks."))
    unknown = [e for e in events if e not in WebhookEvent.values]
    if not events or unknown:
        raise DomainError("invalid_event", _("Choose events from: %(events)s.")
                          % {"events": ", ".join(WebhookEvent.values)}, field="events")
    refused = target_problem(url)
    if refused:
        raise DomainError("invalid_url", refused, field="url")
    return WebhookSubscription.objects.create(organisation=organisation, url=url, events=sorted(set(events)),
                                              secret=secrets.token_urlsafe(32), created_by=actor)
