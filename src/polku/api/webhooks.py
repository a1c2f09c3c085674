"""Signed webhooks for referral and booking state changes: an outbox written in the state change's transaction,
delivered by `polku deliver_webhooks` with retries and exponential backoff.

Events are thin: ids, the new status and the time, never client data. A subscriber that needs more reads the
resource through the API with its own token, so the access core decides and logs that read like any other.

Signature (header `Polku-Signature`): `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
A receiver recomputes it over the raw body, compares in constant time and refuses timestamps older than
five minutes (replay protection).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from polku.api.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookSubscription
from polku.api.webhook_targets import OPENER, target_problem

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Polku-Signature"
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 6 * 3600
LEASE_SECONDS = 120
TOLERANCE_SECONDS = 300


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(*, secret: str, header: str, body: bytes, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (and what the tests do): recompute, compare in constant time, refuse stale ones."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at 6 h, after the n-th failed attempt."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


def enqueue(*, event: str, organisation_ids: set[int], event_id: str, data: dict,
            occurred_at: datetime) -> list[WebhookDelivery]:
    """One delivery per active subscription of these organisations to this event; call inside the transaction."""
    subscriptions = [s for s in WebhookSubscription.objects.filter(organisation_id__in=organisation_ids,
                                                                     is_active=True)
                     if event in s.events]
    payload = {"id": event_id, "event": event, "occurred_at": occurred_at.isoformat(), "data": data}
    return WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(subscription=s, event=event, event_id=event_id, payload=payload) for s in subscriptions])


# --- the hooks (registered in ApiConfig.ready) ----------------------------------------------------


def on_referral_transition(sender, instance, created, raw=False, **kwargs) -> None:
    """A referral step was written: tell the sending organisation and the receiving service's organisation."""
    if not created or raw:
        return
    referral = instance.referral
    organisations = {referral.sending_organisation_id, referral.client.organisation_id}
    if referral.target_service_id:
        organisations.add(referral.target_service.organisation_id)
    enqueue(event=WebhookEvent.REFERRAL_STATE_CHANGED, organisation_ids={o for o in organisations if o},
            event_id=f"referral-transition-{instance.pk}", occurred_at=instance.at,
            data={"referral_id": referral.pk, "step": instance.step, "from_status": instance.from_status,
                  "status": instance.to_status, "version": referral.version,
                  "href": f"/api/v1/referrals/{referral.pk}"})


def on_booking_status_change(sender, instance, created, raw=False, **kwargs) -> None:
    """A booking's status was written: tell the client's organisation and the interpreter centre."""
    if not created or raw:
        return
    booking = instance.booking
    enqueue(event=WebhookEvent.BOOKING_STATE_CHANGED,
            organisation_ids={o for o in (booking.organisation_id, booking.centre_id) if o},
            event_id=f"booking-status-{instance.pk}", occurred_at=instance.at,
            data={"booking_id": booking.pk, "uid": str(booking.uid), "from_status": instance.from_status,
                  "status": instance.to_status, "version": booking.version,
                  "href": f"/api/v1/bookings/{booking.pk}"})


# --- delivery --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    retried: int
    failed: int


def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    """Lease the row so that a second worker running at the same time skips it (works on SQLite and PostgreSQL)."""
    return bool(WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING,
                                               next_attempt_at=delivery.next_attempt_at)
                .update(next_attempt_at=now + timedelta(seconds=LEASE_SECONDS)))


def _post(delivery: WebhookDelivery, *, timeout: float) -> tuple[int | None, str]:
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    secret = delivery.subscription.secret
    refused = target_problem(delivery.subscription.url)  # again at delivery: DNS answers change
    if refused:
        return None, refused[:500]
    headers = {"Content-Type": "application/json", "User-Agent": "Polku-Webhooks/1", "Polku-Event": delivery.event,
               "Polku-Delivery": str(delivery.pk), "Polku-Event-Id": delivery.event_id,
               SIGNATURE_HEADER: sign(secret=secret, timestamp=int(time.time()), body=body)}
    url = delivery.subscription.url
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310 - http(s) only
    try:
        with OPENER.open(request, timeout=timeout) as response:  # no redirects: see webhook_targets
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:500]


def deliver_due(*, now: datetime | None = None, limit: int = 100, timeout: float = 10.0) -> DeliveryReport:
    """Send the pending deliveries that are due; 2xx is delivered, anything else is retried with backoff."""
    now = now or timezone.now()
    delivered = retried = failed = 0
    due = list(WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
               .select_related("subscription").order_by("next_attempt_at", "id")[:limit])
    for delivery in due:
        if not _claim(delivery, now):
            continue
        status_code, error = _post(delivery, timeout=timeout)
        attempts = delivery.attempts + 1
        fields = {"attempts": attempts, "last_status_code": status_code, "last_error": error}
        if status_code is not None and 200 <= status_code < 300:
            fields.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), last_error="")
            delivered += 1
        elif attempts >= MAX_ATTEMPTS:
            fields.update(status=DeliveryStatus.FAILED)
            failed += 1
        else:
            fields.update(next_attempt_at=now + backoff(attempts))
            retried += 1
        with transaction.atomic():
            WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return DeliveryReport(delivered=delivered, retried=retried, failed=failed)
