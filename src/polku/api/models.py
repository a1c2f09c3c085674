"""Models of the api app: tokens and OAuth2 clients, idempotency keys, rate windows, webhooks.

Secrets (token secrets, client secrets) are stored only as SHA-256 hashes of high-entropy random
strings: a stolen database does not yield usable credentials, and a fast hash is enough because the
secret is not a guessable password. A short public prefix finds the row without scanning.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TokenKind(models.TextChoices):
    PERSONAL = "personal", _("Personal access token")
    CLIENT_CREDENTIALS = "client_credentials", _("OAuth2 client-credentials token")


class ApiClient(models.Model):
    """An OAuth2 client (another system) of one organisation; acts as its own service user."""

    name = models.CharField(_("name"), max_length=200)
    client_id = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="api_clients")
    service_user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        related_name="api_client")
    # The most a token of this client may carry; the service user's role narrows it further.
    scopes = models.JSONField(default=list)
    token_lifetime_seconds = models.PositiveIntegerField(default=3600)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class ApiToken(models.Model):
    """A bearer token: a user's personal access token, or one issued to an OAuth2 client."""

    kind = models.CharField(max_length=24, choices=TokenKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    api_client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")),
                                   name="api_token_expires_after_creation"),
            models.CheckConstraint(
                condition=Q(kind="personal", api_client__isnull=True)
                | Q(kind="client_credentials", api_client__isnull=False),
                name="api_token_client_only_for_client_credentials"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RateWindow(models.Model):
    """Requests counted per token (or user) in a fixed window; in the database so all workers share it."""

    bucket = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "window_start"], name="rate_window_unique")]


class IdempotencyRecord(models.Model):
    """The stored answer to a create request, replayed when the same key comes again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.BinaryField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]


class WebhookEvent(models.TextChoices):
    REFERRAL_STATE_CHANGED = "referral.state_changed", _("Referral state changed")
    BOOKING_STATE_CHANGED = "booking.state_changed", _("Interpreter booking state changed")


class WebhookSubscription(models.Model):
    """An organisation's endpoint for event notifications; signed with its own secret."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE,
                                     related_name="webhook_subscriptions")
    url = models.URLField(_("URL"), max_length=500)
    # Kept in clear: the sender needs it to sign. It is the subscriber's shared secret, not a login.
    secret = models.CharField(max_length=128)
    events = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation", "url"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", pgettext_lazy("webhook delivery", "Delivered")
    FAILED = "failed", _("Failed (gave up)")


class WebhookDelivery(models.Model):
    """One event to one subscription; written in the state change's transaction (an outbox)."""

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=64)
    event_id = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [models.UniqueConstraint(fields=["subscription", "event_id"],
                                               name="webhook_delivery_once_per_event")]
