"""Interpreting in a real browser: a letter in Arabic (right to left) and one in Finnish, and no serious
axe-core violations on the dispatcher's queue, a dispatcher's booking page and the worker's request form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from polku.interpreting.services.bookings import request_booking
from tests.e2e.helpers import assert_no_serious_violations, login
from tests.interpreting.conftest import make_interpreter


@pytest.fixture
def world(transactional_db, areas):
    from polku.core.models import Municipality, OrganisationType
    from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user

    organisation = OrganisationFactory()
    centre = OrganisationFactory(name="Tulkkikeskus E2E", type=OrganisationType.INTERPRETER_CENTRE)
    nurse = make_user(role="professional", profession="nurse", organisation=organisation, username="hoitaja")
    make_user(role="interpreter_dispatcher", organisation=centre, username="valittaja")
    client = make_client(organisation=organisation, created_by=nurse, preferred_language="ar",
                         interpreter_language="ar", municipality=Municipality.objects.get(code="853"),
                         given_names_latin="Amal", family_name_latin="Haddad")
    add_to_care_team(client=client, worker=nurse)
    make_interpreter(name="Amira Tulkki", centre=centre, weekdays=range(7))
    start = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    booking = request_booking(actor=nurse, client=client, starts_at=start, ends_at=start + timedelta(hours=1),
                              language="ar", mode="on_site", centre=centre, address="Yliopistonkatu 1 A, huone 301",
                              contact_person="Hanna Hoitaja")
    return {"booking": booking, "client": client}


def test_the_arabic_letter_reads_right_to_left_and_the_finnish_one_left_to_right(page, live_server, world):
    login(page, live_server, "hoitaja")
    url = live_server.url + reverse("interpreting:booking_letter", args=[world["booking"].pk])

    page.goto(url)
    letter = page.locator("article.letter")
    expect(letter).to_have_attribute("lang", "ar")
    expect(letter).to_have_attribute("dir", "rtl")
    expect(letter.get_by_role("heading", level=2)).to_have_text("تم حجز مترجم لموعدك")
    assert letter.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert_no_serious_violations(page)

    page.goto(url + "?kieli=fi")
    expect(letter).to_have_attribute("lang", "fi")
    expect(letter).to_have_attribute("dir", "ltr")
    expect(letter.get_by_role("heading", level=2)).to_have_text("Tulkki on varattu tapaamiseesi")
    expect(letter).to_contain_text("Yliopistonkatu 1 A, huone 301")
    assert letter.evaluate("el => getComputedStyle(el).direction") == "ltr"
    assert_no_serious_violations(page)


def test_the_dispatcher_pages_have_no_serious_accessibility_violations(page, live_server, world):
    login(page, live_server, "valittaja")

    page.goto(live_server.url + reverse("interpreting:queue"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main table")).to_contain_text(world["booking"].reference)
    expect(page.locator("main")).not_to_contain_text("Haddad")  # no name without the client's consent
    assert_no_serious_violations(page)

    page.goto(live_server.url + reverse("interpreting:dispatch_booking", args=[world["booking"].pk]))
    expect(page.locator("main")).to_contain_text("Amira Tulkki")
    assert_no_serious_violations(page)
    page.select_option("#id_interpreter", label="Amira Tulkki")
    page.locator("main form button.primary").click()
    expect(page.locator(".messages")).to_be_visible()
    assert_no_serious_violations(page)


def test_the_booking_form_and_its_errors_have_no_serious_accessibility_violations(page, live_server, world):
    login(page, live_server, "hoitaja")
    page.goto(live_server.url + reverse("interpreting:booking_new", args=[world["client"].pk]))
    assert_no_serious_violations(page)

    page.fill("#id_date", "2020-01-01")
    page.fill("#id_start_time", "10:00")
    page.fill("#id_end_time", "09:00")
    page.locator("main form button.primary").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_serious_violations(page)
