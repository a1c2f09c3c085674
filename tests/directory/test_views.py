"""Directory pages: search with filters and the map, entry pages, curation with history, the review list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from polku.directory.models import ChangeRecord, Project, Publication, Service, Training
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def professional(directory, organisation):
    return make_user(role="professional", profession="nurse", organisation=organisation, username="hoitaja2")


def test_the_directory_needs_a_login(directory, client):
    response = client.get(reverse("directory:search"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_search_lists_ranked_results_with_the_query_words_marked(client, professional):
    client.force_login(professional)
    response = client.get(reverse("directory:search"), {"q": "traumaterapiaan"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Traumaterapia</mark> maahanmuuttajille, Turku (demo)" in body
    assert response.context["result"].total >= 1
    assert f'{response.context["result"].total} ' in body


def test_the_page_shows_a_map_with_a_link_per_area_and_a_table_alternative_with_attribution(client, professional):
    client.force_login(professional)
    body = client.get(reverse("directory:search"), {"map": "services"}).content.decode()
    assert body.count('class="map-area"') == 23  # 21 counties, the City of Helsinki and Åland
    assert 'href="?area=PI&amp;map=services"' in body
    assert body.count('class="collaboration-outline"') == 5
    assert "<table>" in body and "CC BY 4.0" in body


def test_choosing_an_area_on_the_map_filters_the_directory_to_it(client, professional):
    client.force_login(professional)
    response = client.get(reverse("directory:search"), {"area": "PI", "map": "services"})
    hits = response.context["result"].hits
    assert hits and all("api" in hit.document.facets.split() for hit in hits)
    assert 'aria-current="true" class="map-area"' in response.content.decode()


@pytest.mark.parametrize("params", [{"q": "x"}, {"q": "'\"&|!:*()"}, {"q": ""}, {"area": "NOPE"},
                                    {"page": "-5"}, {"page": "abc"}, {"map": "<script>"}, {"q": "a" * 500}])
def test_odd_queries_and_parameters_give_a_page_not_an_error(client, professional, params):
    client.force_login(professional)
    response = client.get(reverse("directory:search"), params)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_every_kind_of_entry_has_a_page(client, professional):
    client.force_login(professional)
    service = Service.objects.get(name_fi__startswith="Kriisiapu arabiaksi")
    pages = [reverse("directory:service", args=[service.uuid]),
             reverse("directory:project", args=[Project.objects.get(short_name="PPMM").uuid]),
             reverse("directory:training", args=[Training.objects.get(name_fi="PALOMA-koulutus").uuid]),
             reverse("directory:publication", args=[Publication.objects.first().uuid]),
             reverse("directory:organisation", args=[service.organisation.organisation_id])]
    from polku.directory.models import Expert

    pages.append(reverse("directory:expert", args=[Expert.objects.first().uuid]))
    for url in pages:
        assert client.get(url).status_code == 200, url
    body = client.get(pages[1]).content.decode()
    assert "S20742" in body and "1.9.2016–31.5.2018" in body


def test_a_professional_cannot_edit_or_verify(client, professional):
    client.force_login(professional)
    service = Service.objects.first()
    assert client.get(reverse("directory:edit", args=["service", service.uuid])).status_code == 403
    assert client.post(reverse("directory:verify", args=["service", service.uuid])).status_code == 403
    assert client.get(reverse("directory:stale")).status_code == 403
    assert "Muokkaa" not in client.get(reverse("directory:service", args=[service.uuid])).content.decode()


def _form_data(response) -> dict:
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(field, "prepare_value"):
            value = field.prepare_value(value)
        if value is None or value is False:
            continue
        data[name] = value
    return data


def test_a_coordinator_edits_a_service_and_the_change_is_in_its_history(client, coordinator, directory):
    client.force_login(coordinator)
    service = Service.objects.get(name_fi__startswith="Olohuone")
    url = reverse("directory:edit", args=["service", service.uuid])
    data = _form_data(client.get(url))
    data |= {"name_en": "Olohuone – drop-in for a talk (demo)", "interpreter_languages": "prs, so, fa, ckb, ti"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    service.refresh_from_db()
    assert service.name_en == "Olohuone – drop-in for a talk (demo)"
    fields = set(ChangeRecord.objects.filter(resource_uuid=service.uuid, action="update", updated_by="koordinaattori")
                 .values_list("field_name", flat=True))
    assert fields == {"name_en", "languages"}
    page = client.get(reverse("directory:service", args=[service.uuid])).content.decode()
    assert "name_en" in page and "koordinaattori" in page


def test_a_non_existent_municipality_in_the_edit_form_is_an_error_on_that_field_and_nothing_is_saved(
        client, coordinator, directory):
    client.force_login(coordinator)
    service = Service.objects.get(name_fi__startswith="Olohuone")
    url = reverse("directory:edit", args=["service", service.uuid])
    data = _form_data(client.get(url)) | {"municipality_codes": "837, 999", "name_fi": "Muutettu nimi (demo)"}
    response = client.post(url, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["municipality_codes"] and "999" in errors["municipality_codes"][0]
    service.refresh_from_db()
    assert service.name_fi.startswith("Olohuone")
    assert not ChangeRecord.objects.filter(resource_uuid=service.uuid, action="update").exists()


def test_an_unknown_language_code_in_the_edit_form_is_an_error(client, coordinator, directory):
    client.force_login(coordinator)
    service = Service.objects.get(name_fi__startswith="Olohuone")
    url = reverse("directory:edit", args=["service", service.uuid])
    response = client.post(url, _form_data(client.get(url)) | {"staff_languages": "fi, arabic"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["staff_languages"]
    assert "arabic" in response.context["form"].errors["staff_languages"][0]


def test_stale_entries_are_listed_for_review_and_verifying_takes_one_off_the_list(client, coordinator, directory):
    client.force_login(coordinator)
    stale = Service.objects.filter(last_verified__lt=dt.date.today() - dt.timedelta(days=365)).first()
    assert stale is not None
    body = client.get(reverse("directory:stale")).content.decode()
    assert stale.name_fi in body and "PALOMA-koulutus" in body  # never verified
    response = client.post(reverse("directory:verify", args=["service", stale.uuid]),
                           {"next": reverse("directory:stale")})
    assert response.status_code == 302 and response.url == reverse("directory:stale")
    assert stale.name_fi not in client.get(reverse("directory:stale")).content.decode()
    assert ChangeRecord.objects.filter(resource_uuid=stale.uuid, action="verify", updated_by="koordinaattori").exists()


def test_verify_never_redirects_to_another_site(client, coordinator, directory):
    client.force_login(coordinator)
    service = Service.objects.first()
    response = client.post(reverse("directory:verify", args=["service", service.uuid]),
                           {"next": "//evil.example/"})
    assert response.url == reverse("directory:service", args=[service.uuid])


def test_an_unknown_kind_or_entry_is_not_found(client, coordinator, directory):
    client.force_login(coordinator)
    service = Service.objects.first()
    assert client.get(reverse("directory:edit", args=["client", service.uuid])).status_code == 404
    assert client.get(reverse("directory:edit", args=["project", service.uuid])).status_code == 404


def test_map_counts_count_each_entry_once_per_area_as_walking_the_entries_does(directory):
    """The map's SQL counting against a plain walk over the entries (the definition of the figures)."""
    from collections import Counter

    from polku.core.models import Area, Municipality
    from polku.directory.models import ServiceArea
    from polku.directory.selectors import map_counts

    tampere = Municipality.objects.get(code="837")  # in Pirkanmaa (PI)
    service = Service.objects.filter(status="active").exclude(service_areas__area__code="PI").exclude(
        service_areas__municipality__area__code="PI").first()
    # Offered in Pirkanmaa twice over (the whole area and one of its municipalities): still one service there.
    ServiceArea.objects.create(service=service, area=Area.objects.get(code="PI"))
    ServiceArea.objects.create(service=service, municipality=tampere)
    Service.objects.filter(status="active").exclude(pk=service.pk).filter(service_areas__area__code="PI").update(
        status="inactive")
    project = Project.objects.get(short_name="PPMM")
    project.areas.add(Area.objects.get(code="PI"))
    project.municipalities.add(tampere)

    walked: dict[str, Counter] = {"services": Counter(), "projects": Counter()}
    for entry in Service.objects.filter(status="active"):
        walked["services"].update({row.area.code if row.area_id else row.municipality.area.code
                                   for row in entry.service_areas.all()})
    for entry in Project.objects.all():
        walked["projects"].update({a.code for a in entry.areas.all()}
                                  | {m.area.code for m in entry.municipalities.all()})
    assert map_counts("services") == dict(walked["services"])
    assert map_counts("projects") == dict(walked["projects"])
    assert walked["services"]["PI"] >= 1
    assert walked["projects"]["PI"] >= 1
