"""A referral along the whole path in a real browser: the "Done when" of the Referrals and service paths issue.

The nurse sends a referral with the client's consent; the clinic's nurse receives, accepts and books it in
the inbox and records that the client came; the client's path timeline shows every step with its wait; a
break found by the daily check appears on the nurse's to-do list; the process map renders. axe-core checks
every page on the way.
"""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from polku.casework.models import PathEvent
from polku.referrals.events import ReferralEventKind
from polku.referrals.models import PathBreak, Referral, ReferralService, ReferralStatus, ServiceType
from polku.referrals.services.breaks import load_default_break_rules, record_breaks
from polku.referrals.services.referrals import create_referral
from tests.e2e.helpers import assert_no_serious_violations
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user
from tests.referrals.conftest import consent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(areas):
    """The care team's nurse and their client; a psychiatric clinic working in Polku and its nurse."""
    organisation = OrganisationFactory(name="Alkuvaiheen tiimi")
    clinic = OrganisationFactory(name="Psykiatria")
    lead = make_user(role="team_lead", profession="nurse", organisation=organisation, username="vetaja")
    nurse = make_user(role="professional", profession="nurse", organisation=organisation, username="hoitaja",
                      first_name="Hanna", last_name="Hoitaja")
    client = make_client(organisation=organisation, created_by=lead, given_names_latin="Fatima",
                         family_name_latin="Al-Rashid", preferred_language="ar")
    add_to_care_team(client=client, worker=nurse, assigned_by=lead)
    return SimpleNamespace(
        nurse=nurse, client=client,
        clinic_nurse=make_user(role="professional", profession="nurse", organisation=clinic, username="klinikka"),
        service=ReferralService.objects.create(name_fi="Psykiatrian poliklinikka", name_en="Psychiatric clinic",
                                               service_type=ServiceType.PSYCHIATRIC_OUTPATIENT, organisation=clinic,
                                               uses_polku=True),
        second_service=ReferralService.objects.create(name_fi="Kriisikeskus", name_en="Crisis centre",
                                                      service_type=ServiceType.NGO_ACTIVITY,
                                                      organisation=OrganisationFactory(name="Järjestö"),
                                                      uses_polku=True),
    )



def go(page, live_server, name: str, *args) -> None:
    page.goto(live_server.url + reverse(name, args=args))
    assert_no_serious_violations(page)


def click_step(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()
    expect(page.locator(".message.error")).to_have_count(0)
    assert_no_serious_violations(page)


def test_a_referral_travels_the_whole_path_and_a_break_reaches_the_todo_list(open_as, live_server, people):
    # The care team's nurse sends the referral with the client's consent.
    nurse = open_as("hoitaja")
    go(nurse, live_server, "referrals:new", people.client.pk)
    nurse.get_by_label("Service").select_option(str(people.service.pk))
    nurse.locator("#id_reason").fill("Nightmares and low mood for months")
    nurse.get_by_label("The client consents to this referral", exact=False).check()
    with nurse.expect_navigation():
        nurse.get_by_role("button", name="Send the referral").click()
    assert_no_serious_violations(nurse)
    referral = Referral.objects.get(client=people.client)
    assert referral.status == ReferralStatus.SENT and referral.consent.items
    expect(nurse.get_by_role("heading", level=1)).to_contain_text("Referral to")

    # The clinic's nurse finds it in the inbox, receives, accepts and books it.
    clinic = open_as("klinikka")
    go(clinic, live_server, "referrals:inbox")
    with clinic.expect_navigation():
        clinic.get_by_role("link", name="Fatima Al-Rashid").click()
    assert_no_serious_violations(clinic)
    click_step(clinic, "Mark as received")
    click_step(clinic, "Accept")
    with clinic.expect_navigation():
        clinic.get_by_role("link", name="Give an appointment").click()
    assert_no_serious_violations(clinic)
    appointment = timezone.localtime() + timedelta(days=1)
    clinic.get_by_label("Appointment date").fill(appointment.strftime("%Y-%m-%d"))
    clinic.get_by_label("Appointment time").fill("10:00")
    with clinic.expect_navigation():
        clinic.locator("main form button[type=submit]").click()
    assert_no_serious_violations(clinic)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPOINTMENT_BOOKED

    # The appointment time comes (moved to just after the booking, instead of waiting a day) and the clinic
    # records that the client came.
    Referral.objects.filter(pk=referral.pk).update(appointment_at=referral.status_changed_at + timedelta(seconds=1))
    time.sleep(1.5)
    clinic.reload()
    click_step(clinic, "The client attended the appointment")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPOINTMENT_HELD
    activities = list(PathEvent.objects.filter(client=people.client).values_list("activity", flat=True))
    assert activities == [ReferralEventKind.REFERRAL_SENT, ReferralEventKind.REFERRAL_RECEIVED,
                          ReferralEventKind.REFERRAL_ACCEPTED, ReferralEventKind.APPOINTMENT_BOOKED,
                          ReferralEventKind.APPOINTMENT_HELD]

    # The care team sees every step on the client's path, each with its wait after the previous one.
    go(nurse, live_server, "referrals:path_timeline", people.client.pk)
    steps = nurse.locator("ol.timeline > li")
    expect(steps).to_have_count(5)
    for label in ("Referral sent", "Referral received", "Referral accepted", "Appointment booked",
                  "Appointment held"):
        expect(nurse.locator("ol.timeline")).to_contain_text(label)
    expect(steps.filter(has_text="after the previous step")).to_have_count(4)

    # A second referral nobody receives: the daily check (run for a day five weeks ahead) finds the break.
    second = create_referral(actor=people.nurse, client=people.client, target_service=people.second_service,
                             reason="Support group", consent=consent(), send=True)
    load_default_break_rules()
    record_breaks(today=timezone.localdate() + timedelta(days=35))
    broken = PathBreak.objects.get(referral=second, resolved_at__isnull=True)
    go(nurse, live_server, "casework:todo")
    todo = nurse.get_by_role("region", name="Broken paths")
    expect(todo).to_contain_text("Fatima Al-Rashid")
    expect(todo).to_contain_text(f"rule {broken.rule.days} days")
    expect(todo.get_by_role("link", name="Fatima Al-Rashid")).to_have_attribute(
        "href", reverse("referrals:client_referrals", args=[people.client.pk]))

    # The process map of the nurse's own clients renders, with the break highlighted.
    go(nurse, live_server, "referrals:process_map")
    expect(nurse.locator(".map svg")).to_be_visible()
    expect(nurse.locator("#map-cases")).to_have_text("1")
    expect(nurse.locator(".map svg")).to_contain_text("Path broken")
    expect(nurse.locator("#map-edges")).to_contain_text("Appointment held")
