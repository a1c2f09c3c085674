"""Creating and changing through the API: idempotency keys, ETags with If-Match, state transitions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from polku.core.models import DisclosureLog, OrganisationType
from polku.interpreting.models import Booking
from polku.referrals.models import Referral, ReferralTransition
from tests.api.test_auth import assert_problem
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_api")]

REFERRALS = "/api/v1/referrals"


@pytest.fixture
def headers(nurse, make_token, bearer):
    token = make_token(nurse)
    return lambda **extra: bearer(token, **extra)


def _referral_body(client_record, polku_service, **overrides):
    return {"client_id": client_record.pk, "target_service_id": polku_service.pk, "reason": "Nightmares",
            "urgency": "soon", **overrides}


def test_create_returns_201_with_location_and_etag(client, headers, client_record, polku_service):
    response = client.post(REFERRALS, _referral_body(client_record, polku_service), content_type="application/json",
                           **headers())
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get()
    assert body["id"] == referral.pk and body["status"] == "draft" and body["urgency"] == "soon"
    assert response["Location"] == f"/api/v1/referrals/{referral.pk}"
    assert response["ETag"] == f'"referral-{referral.pk}-v{referral.version}"'


def test_same_idempotency_key_and_body_replays_the_first_answer(client, headers, client_record, polku_service):
    body = _referral_body(client_record, polku_service)
    first = client.post(REFERRALS, body, content_type="application/json", **headers(HTTP_IDEMPOTENCY_KEY="k-1"))
    second = client.post(REFERRALS, body, content_type="application/json", **headers(HTTP_IDEMPOTENCY_KEY="k-1"))
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1


def test_same_idempotency_key_with_another_body_is_422(client, headers, client_record, polku_service):
    client.post(REFERRALS, _referral_body(client_record, polku_service), content_type="application/json",
                **headers(HTTP_IDEMPOTENCY_KEY="k-2"))
    response = client.post(REFERRALS, _referral_body(client_record, polku_service, reason="Other"),
                           content_type="application/json", **headers(HTTP_IDEMPOTENCY_KEY="k-2"))
    assert_problem(response, 422, "idempotency_key_reused")
    assert Referral.objects.count() == 1


def test_a_refused_create_does_not_use_up_the_key(client, headers, client_record, polku_service):
    bad = client.post(REFERRALS, _referral_body(client_record, polku_service, reason=" "),
                      content_type="application/json", **headers(HTTP_IDEMPOTENCY_KEY="k-3"))
    assert bad.status_code == 422
    good = client.post(REFERRALS, _referral_body(client_record, polku_service), content_type="application/json",
                       **headers(HTTP_IDEMPOTENCY_KEY="k-3"))
    assert good.status_code == 201


def test_create_for_someone_elses_client_is_404(client, other_worker, make_token, bearer, client_record,
                                                 polku_service):
    response = client.post(REFERRALS, _referral_body(client_record, polku_service), content_type="application/json",
                           **bearer(make_token(other_worker)))
    assert_problem(response, 404)
    assert not Referral.objects.exists()


def _create_with_consent(client, headers, client_record, polku_service) -> dict:
    consent = {"items": ["identity", "reason"], "given_at": timezone.now().isoformat(), "language": "ar"}
    response = client.post(REFERRALS, _referral_body(client_record, polku_service, consent=consent),
                           content_type="application/json", **headers())
    assert response.status_code == 201, response.content
    return response.json()


def test_transition_without_if_match_is_428(client, headers, client_record, polku_service):
    created = _create_with_consent(client, headers, client_record, polku_service)
    response = client.post(f"{REFERRALS}/{created['id']}/transitions", {"step": "sent"},
                           content_type="application/json", **headers())
    assert_problem(response, 428, "if_match_required")
    assert Referral.objects.get().status == "draft"


def test_transition_with_a_stale_etag_is_412(client, headers, client_record, polku_service):
    created = _create_with_consent(client, headers, client_record, polku_service)
    stale = f'"referral-{created["id"]}-v{created["version"] - 1 if created["version"] > 1 else 99}"'
    response = client.post(f"{REFERRALS}/{created['id']}/transitions", {"step": "sent"},
                           content_type="application/json", **headers(HTTP_IF_MATCH=stale))
    assert_problem(response, 412)
    wrong_resource = client.post(f"{REFERRALS}/{created['id']}/transitions", {"step": "sent"},
                                 content_type="application/json", **headers(HTTP_IF_MATCH='"booking-1-v1"'))
    assert_problem(wrong_resource, 412, "etag_mismatch")
    assert Referral.objects.get().status == "draft"


def test_sending_with_the_current_etag_moves_the_state_and_logs_the_disclosure(client, headers, client_record,
                                                                              polku_service, nurse):
    created = _create_with_consent(client, headers, client_record, polku_service)
    etag = client.get(f"{REFERRALS}/{created['id']}", **headers())["ETag"]
    response = client.post(f"{REFERRALS}/{created['id']}/transitions", {"step": "sent"},
                           content_type="application/json", **headers(HTTP_IF_MATCH=etag))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "sent"
    assert response["ETag"] != etag
    assert ReferralTransition.objects.filter(referral_id=created["id"], step="sent").count() == 1
    assert DisclosureLog.objects.filter(client_id=client_record.pk, actor=nurse).count() == 1
    # The old ETag is now stale: a second client that read before the send cannot overwrite.
    again = client.post(f"{REFERRALS}/{created['id']}/transitions", {"step": "withdrawn", "reason": "x"},
                        content_type="application/json", **headers(HTTP_IF_MATCH=etag))
    assert_problem(again, 412)


def test_a_step_the_state_machine_refuses_is_422(client, headers, client_record, polku_service):
    created = _create_with_consent(client, headers, client_record, polku_service)
    etag = f'"referral-{created["id"]}-v{created["version"]}"'
    response = client.post(f"{REFERRALS}/{created['id']}/transitions", {"step": "appointment_held"},
                           content_type="application/json", **headers(HTTP_IF_MATCH=etag))
    assert 400 <= response.status_code < 500 and response.status_code != 412
    assert response["Content-Type"].startswith("application/problem+json")


def test_get_with_if_none_match_is_304(client, headers, client_record, polku_service):
    created = _create_with_consent(client, headers, client_record, polku_service)
    first = client.get(f"{REFERRALS}/{created['id']}", **headers())
    again = client.get(f"{REFERRALS}/{created['id']}", **headers(HTTP_IF_NONE_MATCH=first["ETag"]))
    assert again.status_code == 304


def test_receiving_service_reads_its_inbox_through_the_api_with_a_disclosure_row(
        client, headers, client_record, polku_service, clinic, make_token, bearer):
    from tests.factories import make_user

    created = _create_with_consent(client, headers, client_record, polku_service)
    client.post(f"{REFERRALS}/{created['id']}/transitions", {"step": "sent"}, content_type="application/json",
                **headers(HTTP_IF_MATCH=f'"referral-{created["id"]}-v{created["version"]}"'))
    receiver = make_user(role="professional", profession="nurse", organisation=clinic, username="clinic_nurse")
    token = make_token(receiver)
    inbox = client.get(f"{REFERRALS}/inbox", **bearer(token)).json()
    assert [row["referral_id"] for row in inbox] == [created["id"]]
    before = DisclosureLog.objects.count()
    detail = client.get(f"{REFERRALS}/inbox/{created['id']}", **bearer(token)).json()
    assert detail["reason"] == "Nightmares" and detail["contact"] is None
    assert DisclosureLog.objects.count() == before + 1
    assert DisclosureLog.objects.latest("id").channel == "api"
    # The receiver is not in the care team: the care team's own view stays closed.
    assert_problem(client.get(f"{REFERRALS}/{created['id']}", **bearer(token)), 404)


# --- bookings --------------------------------------------------------------------------------------


@pytest.fixture
def booking(client_record, nurse):
    centre = OrganisationFactory(name="Tulkkikeskus (testi)", type=OrganisationType.INTERPRETER_CENTRE)
    start = timezone.now() + timedelta(days=5)
    return Booking.objects.create(client=client_record, organisation=client_record.organisation, centre=centre,
                                  requested_by=nurse, language="ar", mode="phone", starts_at=start,
                                  ends_at=start + timedelta(hours=1), meeting_minutes=60,
                                  remote_details="040 000 0000")


def test_cancel_booking_needs_if_match_and_then_cancels(client, headers, booking):
    url = f"/api/v1/bookings/{booking.pk}/cancel"
    assert_problem(client.post(url, {"reason": "Client moved"}, content_type="application/json", **headers()), 428)
    stale = f'"booking-{booking.pk}-v{booking.version + 1}"'
    assert_problem(client.post(url, {"reason": "Client moved"}, content_type="application/json",
                               **headers(HTTP_IF_MATCH=stale)), 412)
    etag = client.get(f"/api/v1/bookings/{booking.pk}", **headers())["ETag"]
    response = client.post(url, {"reason": "Client moved"}, content_type="application/json",
                           **headers(HTTP_IF_MATCH=etag))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


def test_bookings_list_shows_my_clients_open_bookings(client, headers, booking):
    body = client.get("/api/v1/bookings", **headers()).json()
    assert [b["id"] for b in body["items"]] == [booking.pk] and body["count"] == 1


def test_an_idempotency_key_is_forgotten_after_a_day(client, headers, client_record, polku_service):
    import time_machine

    client.post(REFERRALS, _referral_body(client_record, polku_service), content_type="application/json",
                **headers(HTTP_IDEMPOTENCY_KEY="k-old"))
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = client.post(REFERRALS, _referral_body(client_record, polku_service, reason="New"),
                               content_type="application/json", **headers(HTTP_IDEMPOTENCY_KEY="k-old"))
    assert response.status_code == 201
    assert Referral.objects.count() == 2
