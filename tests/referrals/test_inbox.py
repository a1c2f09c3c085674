"""The receiving service's inbox: only its own referrals, only the disclosed fields, every read logged."""

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from polku.casework.models import ScreeningResponse
from polku.casework.selectors import get_client
from polku.core.errors import AccessDenied
from polku.core.models import AccessLog
from polku.referrals import selectors
from polku.referrals.models import DisclosureItem, Referral, ReferralService, ServiceType
from polku.referrals.services import referrals as services
from tests.referrals.conftest import at, consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(at(2026, 3, 10, 12, 0), tick=False):
        yield


def login(client, user):
    client.force_login(user)
    return client


def test_the_inbox_lists_referrals_to_the_organisations_services_and_logs_them_as_recipient_reads(
        sent_referral, clinic_worker, nurse, client_record, polku_service, manual_service):
    services.create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="draft only")
    services.create_referral(actor=nurse, client=client_record, target_service=manual_service, reason="x",
                             consent=consent(), send=True)
    rows = selectors.list_inbox(viewer=clinic_worker)
    assert [(row.referral_id, row.status, row.client_name, row.service) for row in rows] == [
        (sent_referral.pk, "sent", "Amal Testinen", "Psykiatrian poliklinikka (testi)")]
    log = AccessLog.objects.filter(actor=clinic_worker).get()
    assert (log.client_id, log.basis, log.action, log.object_type) == (
        client_record.pk, "referral_recipient", "read", "referral_inbox")


def test_ended_referrals_leave_the_inbox_unless_asked_for(sent_referral, clinic_worker):
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    services.reject_referral(actor=clinic_worker, referral=sent_referral, reason="Full")
    assert selectors.list_inbox(viewer=clinic_worker) == []
    assert [row.status for row in selectors.list_inbox(viewer=clinic_worker, include_ended=True)] == ["rejected"]


def test_the_recipient_sees_only_what_the_consent_discloses(sent_referral, clinic_worker):
    disclosed = selectors.get_inbox_referral(viewer=clinic_worker, referral_id=sent_referral.pk)
    assert disclosed.items == ["identity", "reason"]
    assert disclosed.identity["family_name_latin"] == "Testinen"
    assert disclosed.identity["identity_code"] == "010180-900X"
    assert (disclosed.contact, disclosed.screenings, disclosed.interpreter) == (None, None, None)
    assert disclosed.reason == "Nightmares and low mood for months"
    assert disclosed.steps == ["received", "callback_missed", "client_unreachable"]
    log = AccessLog.objects.filter(actor=clinic_worker).get()
    assert (log.basis, log.action, log.object_type, log.object_id) == (
        "referral_recipient", "read", "referral", str(sent_referral.pk))


def test_contact_screening_and_interpreter_needs_are_shown_when_disclosed(nurse, client_record, polku_service,
                                                                          clinic_worker):
    ScreeningResponse.objects.create(client=client_record, instrument="phq-9", client_language="ar",
                                     worker_language="fi", answers={}, total=16, band="moderately_severe",
                                     positive=True, administered_at=at(2026, 3, 1, 10, 0), administered_by=nurse)
    ScreeningResponse.objects.create(client=client_record, instrument="phq-9", client_language="ar",
                                     worker_language="fi", answers={}, total=9, band="mild", positive=False,
                                     administered_at=at(2026, 2, 1, 10, 0), administered_by=nurse)
    referral = services.create_referral(
        actor=nurse, client=client_record, target_service=polku_service, reason="Low mood", send=True,
        consent=consent(DisclosureItem.IDENTITY, DisclosureItem.CONTACT_DETAILS, DisclosureItem.SCREENING_RESULTS,
                        DisclosureItem.INTERPRETER_NEEDS))
    disclosed = selectors.get_inbox_referral(viewer=clinic_worker, referral_id=referral.pk)
    assert disclosed.contact == {"phone": "040 123 4567", "email": "amal@example.invalid"}
    assert [(s.instrument, s.total, s.positive) for s in disclosed.screenings] == [("phq-9", 16, True)]
    assert disclosed.interpreter["interpreter_language"] == "ar"
    assert disclosed.reason is None  # the reason was not ticked


def test_the_inbox_page_does_not_show_undisclosed_fields(client, sent_referral, clinic_worker):
    response = login(client, clinic_worker).get(reverse("referrals:inbox_detail", args=[sent_referral.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amal" in body and "Nightmares and low mood for months" in body
    assert "040 123 4567" not in body and "amal@example.invalid" not in body and "Iraqi" not in body
    assert reverse("referrals:inbox_step", args=[sent_referral.pk, "received"]) in body
    assert reverse("referrals:inbox_step", args=[sent_referral.pk, "accepted"]) not in body


def test_an_inbox_user_of_another_organisation_gets_404_and_the_attempt_is_logged(client, sent_referral, stranger,
                                                                                 client_record):
    login(client, stranger)
    assert client.get(reverse("referrals:inbox_detail", args=[sent_referral.pk])).status_code == 404
    response = client.post(reverse("referrals:inbox_step", args=[sent_referral.pk, "received"]), {"version": 2})
    assert response.status_code == 404
    assert b"Amal" not in response.content
    logs = list(AccessLog.objects.filter(actor=stranger).order_by("id").values_list("client_id", "basis", "action",
                                                                                     "object_id"))
    assert logs == [(client_record.pk, "denied", "read", str(sent_referral.pk)),
                    (client_record.pk, "denied", "write", str(sent_referral.pk))]
    assert Referral.objects.get().status == "sent"
    assert selectors.list_inbox(viewer=stranger) == []


def test_a_referral_number_that_does_not_exist_is_a_404_in_the_inbox(client, clinic_worker):
    assert login(client, clinic_worker).get(reverse("referrals:inbox_detail", args=[999])).status_code == 404


def test_a_service_outside_polku_has_no_inbox_even_for_its_own_organisation(manual_referral, manual_service):
    from tests.factories import make_user

    worker = make_user(role="professional", profession="doctor", organisation=manual_service.organisation)
    assert selectors.list_inbox(viewer=worker) == []
    with pytest.raises(AccessDenied):
        selectors.get_inbox_referral(viewer=worker, referral_id=manual_referral.pk)
    assert AccessLog.objects.filter(actor=worker, basis="denied").count() == 1


def test_receiving_a_referral_gives_no_access_to_the_client_record(sent_referral, clinic_worker, client_record):
    with pytest.raises(AccessDenied):
        get_client(viewer=clinic_worker, client_id=client_record.pk)
    assert AccessLog.objects.filter(actor=clinic_worker).get().basis == "denied"


def test_the_recipient_accepts_and_books_through_the_inbox_pages(client, sent_referral, clinic_worker):
    login(client, clinic_worker)
    step = lambda name: reverse("referrals:inbox_step", args=[sent_referral.pk, name])  # noqa: E731
    assert client.post(step("received"), {"version": 2}).status_code == 302
    assert client.post(step("accepted"), {"version": 3}).status_code == 302
    page = client.get(step("appointment_booked"))
    assert page.status_code == 200 and b'name="appointment_date"' in page.content
    response = client.post(step("appointment_booked"), {"version": 4, "appointment_date": "2026-03-20",
                                                        "appointment_time": "09:30"})
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:inbox_detail", args=[sent_referral.pk])
    referral = Referral.objects.get()
    assert (referral.status, referral.appointment_at) == ("appointment_booked", at(2026, 3, 20, 9, 30))


def test_a_stale_one_click_button_returns_to_the_referral_with_the_reason(client, sent_referral, clinic_worker):
    login(client, clinic_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the UI language is chosen, not taken from the browser
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    response = client.post(reverse("referrals:inbox_step", args=[sent_referral.pk, "received"]), {"version": 2},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("referrals:inbox_detail", args=[sent_referral.pk])
    assert "Someone else changed this referral first" in response.content.decode()


def test_rejecting_in_the_inbox_without_a_reason_shows_the_error_on_the_reason_field(client, sent_referral,
                                                                                    clinic_worker):
    login(client, clinic_worker)
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    response = client.post(reverse("referrals:inbox_step", args=[sent_referral.pk, "rejected"]),
                           {"version": 3, "reason": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert Referral.objects.get().status == "received"


def test_the_recipient_cannot_take_the_senders_steps(sent_referral, clinic_worker):
    with pytest.raises(AccessDenied):
        services.withdraw_referral(actor=clinic_worker, referral=sent_referral, reason="not ours")
    assert AccessLog.objects.filter(actor=clinic_worker).get().basis == "denied"


def test_a_service_of_the_same_organisation_that_does_not_use_polku_stays_out_of_the_inbox(
        nurse, client_record, clinic, clinic_worker):
    offline = ReferralService.objects.create(name_fi="Paperilähete (testi)", service_type=ServiceType.TRAUMA_CENTRE,
                                             organisation=clinic, uses_polku=False)
    services.create_referral(actor=nurse, client=client_record, target_service=offline, reason="x",
                             consent=consent(), send=True)
    assert selectors.list_inbox(viewer=clinic_worker) == []
