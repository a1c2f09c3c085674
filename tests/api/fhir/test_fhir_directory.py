"""Organization, Location and HealthcareService from the directory: public reference data, no access-log rows."""

from __future__ import annotations

import pytest

from polku.core.models import AccessLog, Municipality
from polku.directory.models import DirectoryOrganisation, Location, Service, ServiceAtLocation, ServiceLanguage

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(organisation):
    organisation.business_id = "1234567-8"
    organisation.save()
    entry = DirectoryOrganisation.objects.create(organisation=organisation, description_fi="Kuvaus")
    place = Location.objects.create(organisation=entry, name_fi="Toimipiste", address_1="Katu 1", postal_code="00100",
                                    municipality=Municipality.objects.get(code="091"), latitude=60.17,
                                    longitude=24.94)
    found = Service.objects.create(organisation=entry, name_fi="Traumaterapia", description_fi="Terapiaa",
                                   email="apu@example.org")
    ServiceAtLocation.objects.create(service=found, location=place)
    ServiceLanguage.objects.create(service=found, code="ar")
    ServiceLanguage.objects.create(service=found, code="fi")
    return found


def test_healthcare_service_names_its_organisation_location_and_languages(fhir, service):
    _response, found = fhir.get(f"/fhir/HealthcareService/{service.uuid}")
    assert found["name"] == "Traumaterapia"
    assert found["active"] is True
    assert found["providedBy"] == {"reference": f"Organization/{service.organisation.organisation_id}"}
    place = service.service_at_locations.get().location
    assert found["location"] == [{"reference": f"Location/{place.uuid}"}]
    assert sorted(c["coding"][0]["code"] for c in found["communication"]) == ["ar", "fi"]
    _response, location = fhir.get(f"/fhir/Location/{place.uuid}")
    assert (location["address"]["city"], location["address"]["postalCode"]) == ("Helsinki", "00100")
    assert location["position"] == {"latitude": 60.17, "longitude": 24.94}
    _response, organization = fhir.get(f"/fhir/Organization/{service.organisation.organisation_id}")
    assert organization["identifier"] == [{"system": "urn:oid:1.2.246.10", "value": "1234567-8"}]
    assert not AccessLog.objects.exists()


def test_directory_searches_filter_by_language_organisation_and_city(fhir, service):
    organisation_id = service.organisation.organisation_id
    query = f"language=ar&organization=Organization/{organisation_id}"
    _response, by_language = fhir.get(f"/fhir/HealthcareService?{query}")
    assert [e["resource"]["id"] for e in by_language["entry"]] == [str(service.uuid)]
    _response, other_language = fhir.get("/fhir/HealthcareService?language=so")
    assert other_language["total"] == 0
    _response, in_city = fhir.get("/fhir/Location?address-city=Hels")
    assert in_city["total"] == 1
    _response, named = fhir.get("/fhir/Organization?name=Testiorganisaatio")
    assert [e["resource"]["id"] for e in named["entry"]] == [str(organisation_id)]
