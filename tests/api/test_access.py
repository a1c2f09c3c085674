"""The API reads client data only through the access core: another organisation's token sees nothing (404),
and every read of client data is in the access log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from polku.casework.models import Meeting, Note, PathEvent, ScreeningResponse
from polku.core.models import AccessBasis, AccessLog, OrganisationType
from polku.interpreting.models import Booking
from polku.referrals.services.referrals import create_referral
from tests.api.test_auth import assert_problem
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_api")]


@pytest.fixture
def records(client_record, nurse, polku_service):
    """One of each client-data object for client_record."""
    now = timezone.now()
    meeting = Meeting.objects.create(client=client_record, starts_at=now - timedelta(days=1), place="office",
                                     actual_minutes=60, outcome="held", created_by=nurse)
    note = Note.objects.create(client=client_record, author=nurse, text="Slept better.", meeting=meeting)
    screening = ScreeningResponse.objects.create(client=client_record, instrument="PHQ-9", client_language="ar",
                                                 worker_language="fi", answers={"1": 1}, total=1, band="minimal",
                                                 positive=False, administered_by=nurse)
    PathEvent.objects.create(client=client_record, activity="MEETING_HELD", actor=nurse)
    referral = create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="Sleep")
    centre = OrganisationFactory(name="Tulkkikeskus (testi)", type=OrganisationType.INTERPRETER_CENTRE)
    booking = Booking.objects.create(client=client_record, organisation=client_record.organisation, centre=centre,
                                     requested_by=nurse, language="ar", mode="phone",
                                     starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=3, hours=1),
                                     meeting_minutes=60)
    return {"meeting": meeting, "note": note, "screening": screening, "referral": referral, "booking": booking}


def detail_paths(client_id: int, records: dict) -> list[str]:
    """Every operation that reads one client's data (the enumeration the access promise covers)."""
    return [
        f"/api/v1/clients/{client_id}",
        f"/api/v1/clients/{client_id}/care-team",
        f"/api/v1/clients/{client_id}/meetings",
        f"/api/v1/clients/{client_id}/notes",
        f"/api/v1/clients/{client_id}/screenings",
        f"/api/v1/clients/{client_id}/path-events",
        f"/api/v1/referrals/{records['referral'].pk}",
        f"/api/v1/bookings/{records['booking'].pk}",
    ]


LIST_PATHS = ["/api/v1/clients", "/api/v1/referrals", "/api/v1/bookings"]


def test_every_client_data_operation_is_enumerated(client):
    """A new client-data path must be added to detail_paths/LIST_PATHS (and so to these access tests)."""
    document = client.get("/api/v1/openapi.json").json()
    client_paths = {p for p in document["paths"] if p.startswith(("/api/v1/clients", "/api/v1/referrals",
                                                                  "/api/v1/bookings"))
                    and "get" in document["paths"][p]}
    # Covered by their own tests: the inbox (test_writes) and the centre's queue (below); services hold no client.
    client_paths -= {"/api/v1/referrals/inbox", "/api/v1/referrals/inbox/{referral_id}",
                     "/api/v1/bookings/dispatch", "/api/v1/bookings/dispatch/{booking_id}",
                     "/api/v1/referrals/services"}
    enumerated = {"/api/v1/clients/{client_id}", "/api/v1/clients/{client_id}/care-team",
                  "/api/v1/clients/{client_id}/meetings", "/api/v1/clients/{client_id}/notes",
                  "/api/v1/clients/{client_id}/screenings", "/api/v1/clients/{client_id}/path-events",
                  "/api/v1/referrals/{referral_id}", "/api/v1/bookings/{booking_id}", *LIST_PATHS}
    assert client_paths == enumerated


def test_token_of_another_organisation_reads_no_client_of_this_one(client, records, client_record, other_worker,
                                                                  other_client, make_token, bearer):
    headers = bearer(make_token(other_worker))
    for path in detail_paths(client_record.pk, records):
        assert_problem(client.get(path, **headers), 404, "not_found")
    for path in LIST_PATHS:
        response = client.get(path, **headers)
        assert response.status_code == 200
        assert client_record.pk not in {item.get("client_id", item.get("id")) for item in response.json()["items"]}
    # The refusals are in the access log, as the UI's are.
    denied = AccessLog.objects.filter(actor=other_worker, client_id=client_record.pk, basis=AccessBasis.DENIED)
    assert denied.count() == len(detail_paths(client_record.pk, records))


def test_a_client_credentials_token_of_another_organisation_reads_nothing(client, records, client_record,
                                                                          other_organisation, data_controller):
    from polku.api.services import create_api_client

    created = create_api_client(actor=data_controller, name="Muu järjestelmä", organisation=other_organisation,
                                role="professional", scopes={"clients:read", "referrals:read", "bookings:read",
                                                             "paths:read"})
    token = client.post("/api/v1/oauth/token", {"grant_type": "client_credentials",
                                                "client_id": created.client.client_id,
                                                "client_secret": created.secret}).json()["access_token"]
    for path in detail_paths(client_record.pk, records):
        assert_problem(client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}"), 404)
    listed = client.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert listed["count"] == 0


def test_every_read_of_client_data_is_in_the_access_log(client, records, client_record, nurse, make_token, bearer):
    headers = bearer(make_token(nurse))
    for path in detail_paths(client_record.pk, records) + LIST_PATHS:
        before = AccessLog.objects.filter(actor=nurse, client_id=client_record.pk).count()
        response = client.get(path, **headers)
        assert response.status_code == 200, (path, response.content)
        rows = AccessLog.objects.filter(actor=nurse, client_id=client_record.pk).order_by("id")[before:]
        assert rows, f"no access-log row for {path}"
        assert all(row.basis == AccessBasis.CARE_RELATIONSHIP and row.action == "read" for row in rows)
        assert all(row.path == path for row in rows)


def test_detail_reads_return_the_records_of_this_client(client, records, client_record, nurse, make_token, bearer):
    headers = bearer(make_token(nurse))
    base = f"/api/v1/clients/{client_record.pk}"
    assert client.get(base, **headers).json()["family_name_latin"] == "Testinen"
    assert [m["id"] for m in client.get(f"{base}/meetings", **headers).json()["items"]] == [records["meeting"].pk]
    assert [n["text"] for n in client.get(f"{base}/notes", **headers).json()["items"]] == ["Slept better."]
    assert [s["instrument"] for s in client.get(f"{base}/screenings", **headers).json()] == ["PHQ-9"]
    activities = [e["activity"] for e in client.get(f"{base}/path-events", **headers).json()]
    assert "MEETING_HELD" in activities
    team = client.get(f"{base}/care-team", **headers).json()
    assert [(m["worker_id"], m["role"]) for m in team] == [(nurse.pk, "nurse")]


def test_the_interpreter_centre_reads_its_queue_and_the_detail_read_is_a_disclosure(client, records, make_token,
                                                                                     bearer, client_record):
    from polku.core.models import DisclosureLog
    from tests.factories import make_user

    booking = records["booking"]
    dispatcher = make_user(role="interpreter_dispatcher", organisation=booking.centre, username="dispatcher")
    headers = bearer(make_token(dispatcher, {"bookings:read"}))
    queue = client.get("/api/v1/bookings/dispatch", **headers).json()
    assert [row["id"] for row in queue["items"]] == [booking.pk]
    assert "client_id" not in queue["items"][0] and "Testinen" not in queue["items"][0]["client_label"]
    assert AccessLog.objects.filter(actor=dispatcher, client_id=client_record.pk,
                                    basis=AccessBasis.ADMINISTRATIVE).count() == 1
    detail = client.get(f"/api/v1/bookings/dispatch/{booking.pk}", **headers)
    assert detail.status_code == 200 and detail.json()["language"] == "ar"
    disclosure = DisclosureLog.objects.get(actor=dispatcher)
    assert disclosure.client_id == client_record.pk and disclosure.channel == "api"


def test_another_centres_dispatcher_sees_nothing(client, records, make_token, bearer):
    from tests.factories import make_user

    other_centre = OrganisationFactory(name="Toinen tulkkikeskus", type=OrganisationType.INTERPRETER_CENTRE)
    dispatcher = make_user(role="interpreter_dispatcher", organisation=other_centre, username="dispatcher2")
    headers = bearer(make_token(dispatcher, {"bookings:read"}))
    assert client.get("/api/v1/bookings/dispatch", **headers).json()["count"] == 0
    assert_problem(client.get(f"/api/v1/bookings/dispatch/{records['booking'].pk}", **headers), 404)
