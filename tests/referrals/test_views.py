"""The care team's referral pages: the form, the steps offered, manual recording, breaks, wait times, partials."""

from datetime import date

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from polku.casework.models import PathEvent
from polku.core.models import AccessLog
from polku.referrals.models import Referral, ReferralConsent
from polku.referrals.services import referrals as services
from polku.referrals.services.breaks import load_default_break_rules, record_breaks
from polku.referrals.views import section_context
from tests.factories import make_user
from tests.referrals.conftest import at, consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(at(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def browser(client, nurse):
    client.force_login(nurse)
    client.cookies.load({"polku_language": "en"})
    return client


def new_referral_data(service, **extra):
    data = {"target_service": service.pk, "reason": "Nightmares", "urgency": "routine", "consent_given": "on",
            "disclose": ["identity", "reason"], "consent_date": "2026-03-10", "consent_language": "ar", "send": "1"}
    data.update(extra)
    return data


def test_the_new_referral_form_offers_other_services_but_not_the_own_team(browser, client_record, polku_service,
                                                                          manual_service, own_team_service):
    response = browser.get(reverse("referrals:new", args=[client_record.pk]))
    assert response.status_code == 200
    choices = [pk for pk, _label in response.context["form"].fields["target_service"].choices if pk]
    assert {int(str(pk)) for pk in choices} == {polku_service.pk, manual_service.pk}
    body = response.content.decode()
    assert 'for="id_disclose_0"' in body and "<legend>" in body


def test_sending_from_the_form_with_consent_sends_and_shows_the_referral(browser, client_record, polku_service):
    response = browser.post(reverse("referrals:new", args=[client_record.pk]), new_referral_data(polku_service))
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.status == "sent"
    assert ReferralConsent.objects.get().items == ["identity", "reason"]
    assert PathEvent.objects.get().activity == "REFERRAL_SENT"


def test_sending_from_the_form_without_consent_is_refused_on_the_consent_field_and_saves_nothing(
        browser, client_record, polku_service):
    response = browser.post(reverse("referrals:new", args=[client_record.pk]),
                            new_referral_data(polku_service, consent_given=""))
    assert response.status_code == 400
    assert "consent" in str(response.context["form"].errors["consent_given"][0]).lower()
    assert 'href="#id_consent_given"' in response.content.decode()
    assert not Referral.objects.exists()


def test_saving_a_draft_without_consent_works_and_the_consent_can_be_added_on_its_page(browser, client_record,
                                                                                       polku_service):
    data = new_referral_data(polku_service, consent_given="")
    del data["send"]
    browser.post(reverse("referrals:new", args=[client_record.pk]), {**data, "draft": "1"})
    referral = Referral.objects.get()
    assert referral.status == "draft"
    page = browser.get(reverse("referrals:detail", args=[referral.pk]))
    assert b"No consent recorded yet" in page.content
    assert reverse("referrals:consent", args=[referral.pk]).encode() in page.content
    response = browser.post(reverse("referrals:consent", args=[referral.pk]), {
        "version": referral.version, "consent_given": "on", "disclose": ["identity", "interpreter_needs"],
        "consent_date": "2026-03-09", "consent_language": "ar"})
    assert response.status_code == 302
    assert ReferralConsent.objects.get().items == ["identity", "interpreter_needs"]
    assert browser.post(reverse("referrals:step", args=[referral.pk, "sent"]), {"version": 2}).status_code == 302
    assert Referral.objects.get().status == "sent"


def test_a_consent_without_identity_is_shown_as_an_error_on_the_checklist(browser, client_record, polku_service):
    response = browser.post(reverse("referrals:new", args=[client_record.pk]),
                            new_referral_data(polku_service, disclose=["reason"]))
    assert response.status_code == 400
    assert response.context["form"].errors["disclose"]
    assert 'href="#id_disclose_0"' in response.content.decode()


def test_the_detail_page_offers_only_the_steps_the_machine_and_the_side_allow(browser, sent_referral,
                                                                              manual_referral):
    polku_page = browser.get(reverse("referrals:detail", args=[sent_referral.pk])).content.decode()
    # A service in Polku answers itself: the care team may only withdraw or add notes.
    assert reverse("referrals:step", args=[sent_referral.pk, "withdrawn"]) in polku_page
    assert reverse("referrals:step", args=[sent_referral.pk, "received"]) not in polku_page
    manual_page = browser.get(reverse("referrals:detail", args=[manual_referral.pk])).content.decode()
    assert reverse("referrals:step", args=[manual_referral.pk, "received"]) in manual_page
    assert reverse("referrals:step", args=[manual_referral.pk, "appointment_held"]) not in manual_page
    assert "does not use Polku" in manual_page


def test_held_before_booked_posted_by_hand_is_refused_with_the_allowed_next_states(browser, manual_referral,
                                                                                   nurse):
    services.receive_referral(actor=nurse, referral=manual_referral)
    services.accept_referral(actor=nurse, referral=manual_referral)
    response = browser.post(reverse("referrals:step", args=[manual_referral.pk, "appointment_held"]),
                            {"version": 4})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Allowed next states: Appointment booked, Withdrawn, Expired." in errors
    assert Referral.objects.get().status == "accepted"


def test_the_manual_booking_form_records_the_appointment_and_the_day_it_was_given(browser, manual_referral, nurse):
    services.receive_referral(actor=nurse, referral=manual_referral)
    services.accept_referral(actor=nurse, referral=manual_referral)
    url = reverse("referrals:step", args=[manual_referral.pk, "appointment_booked"])
    form = browser.get(url).content.decode()
    assert 'name="occurred_date"' in form and 'name="appointment_date"' in form
    response = browser.post(url, {"version": 4, "appointment_date": "2026-03-12", "appointment_time": "10:00",
                                  "occurred_date": "2026-03-10", "occurred_time": "12:00"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.appointment_at, referral.appointment_booked_at) == (at(2026, 3, 12, 10, 0),
                                                                         at(2026, 3, 10, 12, 0))


def test_a_worker_outside_the_care_team_gets_404_on_the_referral_and_it_is_logged(client, sent_referral, outsider):
    client.force_login(outsider)
    assert client.get(reverse("referrals:detail", args=[sent_referral.pk])).status_code == 404
    assert client.get(reverse("referrals:new", args=[sent_referral.client_id])).status_code == 404
    assert set(AccessLog.objects.filter(actor=outsider).values_list("basis", flat=True)) == {"denied"}


def test_an_unknown_step_is_a_404(browser, sent_referral):
    assert browser.post(reverse("referrals:step", args=[sent_referral.pk, "teleported"])).status_code == 404


def test_a_role_without_client_work_cannot_open_the_pages(client, organisation, sent_referral):
    client.force_login(make_user(role="coordinator", organisation=organisation))
    assert client.get(reverse("referrals:inbox")).status_code == 403
    assert client.get(reverse("referrals:detail", args=[sent_referral.pk])).status_code == 403


def test_the_breaks_page_lists_the_open_breaks_of_my_clients_and_logs_them(browser, nurse, counsellor,
                                                                           client_record, sent_referral):
    load_default_break_rules()
    record_breaks(today=date(2026, 3, 25))
    response = browser.get(reverse("referrals:breaks"))
    body = response.content.decode()
    assert response.status_code == 200 and "Amal Testinen" in body and "Sent but not received" in body
    log = AccessLog.objects.filter(actor=nurse, object_type="path_breaks").get()
    assert log.client_id == client_record.pk


def test_the_wait_times_page_hides_small_groups_outside_the_care_team(client, browser, nurse, organisation,
                                                                      sent_referral):
    coordinator = make_user(role="coordinator", organisation=organisation)
    Referral.objects.filter(pk=sent_referral.pk).update(appointment_held_at=at(2026, 3, 20, 9, 0))
    body = browser.get(reverse("referrals:wait_times")).content.decode()
    assert "fewer than 5" in body
    mine = browser.get(reverse("referrals:wait_times") + "?omat=1").content.decode()
    assert "fewer than 5" not in mine and "9.9" in mine
    client.force_login(coordinator)
    assert client.get(reverse("referrals:wait_times")).status_code == 200
    assert client.get(reverse("referrals:wait_times") + "?omat=1").status_code == 403


def test_the_client_page_partials_render_referrals_and_the_path_with_waits_and_breaks(nurse, client_record,
                                                                                      sent_referral):
    load_default_break_rules()
    record_breaks(today=date(2026, 3, 25))
    request = RequestFactory().get("/")
    request.user = nurse
    context = section_context(viewer=nurse, client=client_record)
    referrals_html = render_to_string("referrals/includes/_referrals.html", context, request=request)
    assert "Psykiatrian poliklinikka (testi)" in referrals_html
    assert reverse("referrals:new", args=[client_record.pk]) in referrals_html
    timeline_html = render_to_string("referrals/includes/_path_timeline.html", context, request=request)
    assert timeline_html.count("<li>") >= 3  # the sent event, the break event, and the open break
    assert "badge warn" in timeline_html
    entries = context["path_timeline_section"]["timeline"].entries
    assert [e.event.activity for e in entries] == ["REFERRAL_SENT", "PATH_BROKEN"]
    assert entries[1].is_break and entries[1].wait_days == 7  # sent 10.3. 12:00, broken from 18.3. 00:00


def test_the_navigation_links_to_the_inbox_for_client_workers(browser):
    body = browser.get(reverse("referrals:inbox")).content.decode()
    assert f'href="{reverse("referrals:inbox")}"' in body and "Referrals inbox" in body


def test_the_client_referrals_and_path_pages_render_for_the_care_team(browser, client_record, sent_referral):
    assert browser.get(reverse("referrals:client_referrals", args=[client_record.pk])).status_code == 200
    assert browser.get(reverse("referrals:path_timeline", args=[client_record.pk])).status_code == 200


def test_creating_a_referral_through_the_service_and_the_consent_helper_agree(nurse, client_record, polku_service):
    referral = services.create_referral(actor=nurse, client=client_record, target_service=polku_service,
                                        reason="x", consent=consent(), send=True)
    assert referral.sent_at == at(2026, 3, 10, 12, 0)


def test_the_admin_shows_services_rules_referrals_and_breaks_and_edits_only_the_configuration(
        client, organisation, sent_referral):
    from polku.core.models import User

    admin = User.objects.create_superuser(username="root", password="x" * 16, organisation=organisation)
    client.force_login(admin)
    for name in ("referralservice", "breakrule", "referral", "pathbreak"):
        assert client.get(reverse(f"admin:referrals_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:referrals_referral_change", args=[sent_referral.pk])).status_code == 200
    assert client.get(reverse("admin:referrals_referral_add")).status_code == 403
    assert client.get(reverse("admin:referrals_breakrule_add")).status_code == 200
