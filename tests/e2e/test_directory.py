"""The directory and the public Find-help page in a real browser, with axe-core on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from polku.directory.models import Service
from tests.e2e.helpers import assert_no_serious_violations, login
from tests.factories import OrganisationFactory, make_user


@pytest.fixture
def seeded(areas):
    """The seeded directory (live-server tests flush the database, so it is loaded per test)."""
    from polku.directory.loader import load_directory_facts

    load_directory_facts()


@pytest.fixture
def professional(seeded):
    return make_user(role="professional", profession="psychologist", organisation=OrganisationFactory(),
                     username="psykologi", first_name="Pia", last_name="Psykologi")


@pytest.fixture
def coordinator(seeded):
    return make_user(role="coordinator", organisation=OrganisationFactory(), username="koordinaattori")


def test_a_professional_finds_an_arabic_speaking_trauma_service_in_pirkanmaa_from_the_map_and_search(
        page, live_server, professional):
    login(page, live_server, "psykologi")
    page.get_by_role("link", name="Hakemisto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verkosto- ja tietohakemisto")
    assert_no_serious_violations(page)

    page.locator('svg.finland-map a[aria-label^="Pirkanmaa:"]').click()
    expect(page.locator("#id_area")).to_have_value("PI")
    from polku.directory.selectors import map_counts

    expect(page.locator("svg.finland-map a[aria-current=true]")).to_have_attribute(
        "aria-label", f"Pirkanmaa: palveluja {map_counts('services')['PI']}")
    page.fill("#id_q", "traumaterapiaa arabiaksi")
    page.get_by_role("button", name="Hae", exact=True).click()
    result = page.locator(".result h3 a", has_text="Traumapoliklinikka pakolaistaustaisille")
    expect(result).to_be_visible()
    expect(page.locator(".result h3 a", has_text="Turku")).to_have_count(0)  # the area filter held
    assert_no_serious_violations(page)

    page.select_option("#id_language", "ar")
    page.select_option("#id_service_type", "trauma-therapy")
    page.get_by_role("button", name="Hae", exact=True).click()
    # Two Arabic-speaking trauma experts of the network in Pirkanmaa are found too; then services only.
    expect(page.locator(".result .badge", has_text="Asiantuntija")).to_have_count(2)
    page.select_option("#id_kind", "service")
    page.get_by_role("button", name="Hae", exact=True).click()
    expect(page.locator(".result h3 a")).to_have_count(1)
    page.locator(".result h3 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Traumapoliklinikka pakolaistaustaisille, Pirkanmaa (demo)")
    expect(page.locator("dl.summary")).to_contain_text("arabia — henkilöstö puhuu")
    assert_no_serious_violations(page)


def test_the_map_has_a_table_alternative_that_filters_the_same_way(page, live_server, professional):
    login(page, live_server, "psykologi")
    page.goto(live_server.url + reverse("directory:search") + "?map=projects")
    page.get_by_text("Kartan tiedot taulukkona").click()
    table = page.locator("details.map-table table")
    expect(table.locator("caption")).to_have_text("Hankkeet hyvinvointialueittain")
    table.get_by_role("link", name="Varsinais-Suomi").click()
    expect(page.locator("#id_area")).to_have_value("VS")
    expect(page.locator(".result h3 a", has_text="Parempia palveluja maahanmuuttajille")).to_be_visible()
    assert_no_serious_violations(page)


def test_entry_pages_curation_and_review_list_have_no_serious_accessibility_violations(
        page, live_server, coordinator):
    login(page, live_server, "koordinaattori")
    service = Service.objects.get(name_fi__startswith="Olohuone")
    page.goto(live_server.url + reverse("directory:service", args=[service.uuid]))
    expect(page.get_by_role("heading", name="Muutoshistoria")).to_be_visible()
    assert_no_serious_violations(page)
    page.get_by_role("link", name="Muokkaa").click()
    page.fill("#id_municipality_codes", "837, 999")
    page.get_by_role("button", name="Tallenna muutokset").click()
    expect(page.locator(".error-summary")).to_contain_text("999")
    assert_no_serious_violations(page)
    page.fill("#id_municipality_codes", "837, 980")
    page.get_by_role("button", name="Tallenna muutokset").click()
    expect(page.locator(".message.success")).to_be_visible()
    expect(page.locator("table.history")).to_contain_text("service_areas")
    page.goto(live_server.url + reverse("directory:stale"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tarkistettavat tiedot")
    assert_no_serious_violations(page)
    from polku.directory.models import Project

    for url in (reverse("directory:project", args=[Project.objects.get(short_name="PPMM").uuid]),
                reverse("directory:search") + "?q=kriisipuhelimeen&kind=service"):
        page.goto(live_server.url + url)
        assert_no_serious_violations(page)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="ar", timezone_id="Europe/Helsinki")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_person_using_the_public_page_in_arabic_on_a_phone_finds_a_low_threshold_service_in_tampere(
        phone, live_server, seeded):
    page = phone
    page.goto(live_server.url + "/apua/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("ابحث عن مساعدة")
    assert_no_serious_violations(page)

    page.select_option("#municipality", label="Tampere / Tammerfors")
    page.get_by_role("button", name="اعرض المساعدة").click()
    card = page.locator("article.help-card", has_text="Olohuone")
    expect(card).to_be_visible()
    expect(card).to_contain_text("بدون موعد مسبق")  # no appointment needed (low threshold)
    expect(card).to_contain_text("الموظفون يتحدثون لغتك")  # staff speak your language
    expect(card).to_contain_text("مجاني")  # free
    expect(card.locator("a.call")).to_have_attribute("href", "tel:+358500000101")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    call = card.locator("a.call").bounding_box()
    assert call["height"] >= 44
    assert_no_serious_violations(page)
    assert page.context.cookies() == []


@pytest.mark.parametrize("language", ["fi", "sv", "en", "fa", "prs", "so", "ru", "uk", "ckb"])
def test_the_public_page_in_every_language_has_no_serious_accessibility_violations(phone, live_server, seeded,
                                                                                     language):
    phone.goto(live_server.url + f"/apua/?language={language}&municipality=853")
    expect(phone.locator("html")).to_have_attribute("lang", language)
    expect(phone.locator("article.help-card").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_no_serious_violations(phone)
