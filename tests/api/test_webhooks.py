"""Webhooks: the outbox row is written with the state change, signed delivery to a real local HTTP server,
retries with backoff on 500, and nothing left behind when the change rolls back."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from polku.api.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from polku.api.services import create_webhook_subscription
from polku.api.webhooks import MAX_ATTEMPTS, backoff, deliver_due, sign, verify
from polku.core.errors import DomainError
from polku.referrals.services.referrals import create_referral, send_referral
from tests.referrals.conftest import consent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_api")]


class Receiver:
    """A local HTTP endpoint that records what it gets and answers with the queued status codes."""

    def __init__(self, statuses=(200,), location=""):
        self.statuses = list(statuses)
        self.location = location  # where a 3xx answer points
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.location)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def organisation_admin(organisation):
    from tests.factories import make_user

    return make_user(role="administrator", organisation=organisation, username="org_admin")


@pytest.fixture
def draft(nurse, client_record, polku_service):
    return create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="Sleep",
                           consent=consent())


def subscribe(admin, organisation, url) -> WebhookSubscription:
    return create_webhook_subscription(actor=admin, organisation=organisation, url=url,
                                       events=["referral.state_changed", "booking.state_changed"])


def test_sending_a_referral_writes_a_delivery_for_both_organisations(draft, nurse, organisation, organisation_admin,
                                                                      clinic, polku_service):
    from tests.factories import make_user

    mine = subscribe(organisation_admin, organisation, "https://example.invalid/a")
    clinic_admin = make_user(role="administrator", organisation=clinic, username="clinic_admin")
    theirs = subscribe(clinic_admin, clinic, "https://example.invalid/b")
    send_referral(actor=nurse, referral=draft)
    rows = WebhookDelivery.objects.order_by("subscription_id")
    assert [r.subscription_id for r in rows] == [mine.pk, theirs.pk]
    payload = rows[0].payload
    assert payload["event"] == "referral.state_changed"
    assert payload["data"]["referral_id"] == draft.pk and payload["data"]["status"] == "sent"
    # Thin events: no client data in the payload.
    assert "client" not in json.dumps(payload) and "Sleep" not in json.dumps(payload)


def test_a_rolled_back_change_leaves_no_delivery(draft, nurse, organisation, organisation_admin):
    subscribe(organisation_admin, organisation, "https://example.invalid/a")
    with pytest.raises(RuntimeError), transaction.atomic():
        send_referral(actor=nurse, referral=draft)
        raise RuntimeError("the request failed after the step")
    assert not WebhookDelivery.objects.exists()


def test_delivery_is_signed_and_the_receiver_can_verify_it(draft, nurse, organisation, organisation_admin):
    with Receiver() as receiver:
        subscription = subscribe(organisation_admin, organisation, receiver.url)
        send_referral(actor=nurse, referral=draft)
        report = deliver_due()
    assert report.delivered == 1
    headers, body = receiver.received[0]
    assert headers["polku-event"] == "referral.state_changed"
    assert verify(secret=subscription.secret, header=headers["polku-signature"], body=body)
    assert not verify(secret="wrong secret", header=headers["polku-signature"], body=body)
    assert not verify(secret=subscription.secret, header=headers["polku-signature"], body=body + b" ")
    assert json.loads(body)["data"]["referral_id"] == draft.pk
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1 and delivery.last_status_code == 200


def test_signature_is_hmac_sha256_over_timestamp_and_body():
    import hashlib
    import hmac

    header = sign(secret="s3cret", timestamp=1700000000, body=b'{"a":1}')
    expected = hmac.new(b"s3cret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert verify(secret="s3cret", header=header, body=b'{"a":1}', now=1700000100)
    assert not verify(secret="s3cret", header=header, body=b'{"a":1}', now=1700000000 + 301)  # a replay


def test_a_500_is_retried_with_backoff_until_delivered(draft, nurse, organisation, organisation_admin):
    with Receiver(statuses=(500, 500, 200)) as receiver:
        subscribe(organisation_admin, organisation, receiver.url)
        send_referral(actor=nurse, referral=draft)
        start = timezone.now()
        first = deliver_due(now=start)
        delivery = WebhookDelivery.objects.get()
        assert (first.retried, delivery.attempts, delivery.last_status_code) == (1, 1, 500)
        assert delivery.next_attempt_at == start + timedelta(seconds=30)
        assert deliver_due(now=start + timedelta(seconds=29)).retried == 0  # not yet due
        second = deliver_due(now=start + timedelta(seconds=30))
        delivery.refresh_from_db()
        assert second.retried == 1 and delivery.next_attempt_at == start + timedelta(seconds=30 + 60)
        third = deliver_due(now=start + timedelta(seconds=90))
    delivery.refresh_from_db()
    assert third.delivered == 1 and delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert len(receiver.received) == 3
    # Every attempt carried the same event id, so the receiver can drop duplicates.
    assert len({headers["polku-event-id"] for headers, _body in receiver.received}) == 1


def test_an_unreachable_receiver_is_given_up_after_the_last_attempt(draft, nurse, organisation, organisation_admin):
    subscribe(organisation_admin, organisation, "http://127.0.0.1:9/unreachable")
    send_referral(actor=nurse, referral=draft)
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(now=moment, timeout=0.5)
        moment += backoff(MAX_ATTEMPTS)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_error


def test_backoff_doubles_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff(30) == timedelta(hours=6)


def test_booking_status_change_is_delivered_to_the_centre(nurse, client_record, organisation_admin, organisation):
    from polku.core.models import OrganisationType
    from polku.interpreting.models import Booking
    from polku.interpreting.services.bookings import cancel_booking
    from tests.factories import OrganisationFactory, make_user

    centre = OrganisationFactory(name="Tulkkikeskus (testi)", type=OrganisationType.INTERPRETER_CENTRE)
    centre_admin = make_user(role="administrator", organisation=centre, username="centre_admin")
    create_webhook_subscription(actor=centre_admin, organisation=centre, url="https://example.invalid/c",
                                events=["booking.state_changed"])
    start = timezone.now() + timedelta(days=4)
    booking = Booking.objects.create(client=client_record, organisation=organisation, centre=centre,
                                     requested_by=nurse, language="ar", mode="phone", starts_at=start,
                                     ends_at=start + timedelta(hours=1), meeting_minutes=60, remote_details="040")
    cancel_booking(actor=nurse, booking=booking, reason="Moved")
    delivery = WebhookDelivery.objects.get()
    assert delivery.subscription.organisation == centre
    assert delivery.payload["data"] == {**delivery.payload["data"], "booking_id": booking.pk, "status": "cancelled",
                                        "from_status": "requested"}


def test_only_the_organisations_user_administrator_subscribes(nurse, organisation, organisation_admin, clinic):
    with pytest.raises(DomainError):
        create_webhook_subscription(actor=nurse, organisation=organisation, url="https://x.invalid",
                                    events=["referral.state_changed"])
    with pytest.raises(DomainError):
        create_webhook_subscription(actor=organisation_admin, organisation=clinic, url="https://x.invalid",
                                    events=["referral.state_changed"])
    with pytest.raises(DomainError) as error:
        create_webhook_subscription(actor=organisation_admin, organisation=organisation, url="https://x.invalid",
                                    events=["client.read"])
    assert error.value.field == "events"


# --- SSRF guard (polku.api.webhook_targets): production sends over HTTPS to public addresses, never redirects ---

@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "https://127.0.0.1/hook", "https://localhost/hook",
                                 "https://10.1.2.3/hook", "https://169.254.169.254/latest/meta-data",
                                 "https://[::1]/hook", "https://192.168.0.10/hook", "ftp://example.org/hook",
                                 "https://user:pw@example.org/hook", "https://no-such-host.invalid/hook"])
def test_production_refuses_plain_http_local_private_and_credentialed_targets(url, organisation, organisation_admin,
                                                                              settings):
    settings.POLKU_WEBHOOK_ALLOW_HTTP = settings.POLKU_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(DomainError) as refused:
        subscribe(organisation_admin, organisation, url)
    assert refused.value.field == "url" and str(refused.value)
    assert not WebhookSubscription.objects.exists()


def test_a_public_https_address_is_accepted_in_production(organisation, organisation_admin, settings):
    from polku.api.webhook_targets import target_problem

    settings.POLKU_WEBHOOK_ALLOW_HTTP = settings.POLKU_WEBHOOK_ALLOW_PRIVATE = False
    assert target_problem("https://93.184.215.14/hook") == ""  # a literal global address: no DNS needed
    assert "HTTPS" in target_problem("http://93.184.215.14/hook")


def test_a_target_that_became_private_is_refused_at_delivery_and_nothing_is_sent(draft, nurse, organisation,
                                                                               organisation_admin, settings):
    with Receiver() as receiver:
        subscribe(organisation_admin, organisation, receiver.url)  # allowed while the settings allow it
        send_referral(actor=nurse, referral=draft)
        settings.POLKU_WEBHOOK_ALLOW_PRIVATE = False  # e.g. the name now resolves to an internal address
        report = deliver_due()
    assert receiver.received == [] and report.delivered == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "127.0.0.1" in delivery.last_error and delivery.last_status_code is None


def test_a_redirect_is_not_followed(draft, nurse, organisation, organisation_admin):
    with Receiver() as inner, Receiver(statuses=(302,), location="") as outer:
        outer.location = inner.url
        subscribe(organisation_admin, organisation, outer.url)
        send_referral(actor=nurse, referral=draft)
        report = deliver_due()
    assert len(outer.received) == 1 and inner.received == []  # the redirect target never got the request
    delivery = WebhookDelivery.objects.get()
    assert report.delivered == 0 and delivery.last_status_code == 302 and delivery.status == DeliveryStatus.PENDING


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_name_that_rebinds_to_loopback_after_the_check_is_not_connected_to(scheme, draft, nurse, organisation,
                                                                             organisation_admin, settings, monkeypatch):
    """DNS rebinding: the name answers with a public address to the checks (at subscription and before the
    delivery) and with 127.0.0.1 when the HTTP client resolves it again to connect. The connection resolves
    and checks in one step, so the receiver on 127.0.0.1 gets nothing."""
    import socket

    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["93.184.215.14", "93.184.215.14"])  # then loopback for ever

    def rebinding_dns(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    with Receiver() as receiver:
        settings.POLKU_WEBHOOK_ALLOW_HTTP, settings.POLKU_WEBHOOK_ALLOW_PRIVATE = True, False
        monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
        subscribe(organisation_admin, organisation, f"{scheme}://rebind.test:{receiver.server.server_port}/hook")
        send_referral(actor=nurse, referral=draft)
        report = deliver_due()
    assert next(answers, None) is None  # both checks saw the public answer: the refusal came at the connection
    assert receiver.received == [] and report.delivered == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code is None
    assert "127.0.0.1" in delivery.last_error  # refused by the check, not a failed TLS handshake
