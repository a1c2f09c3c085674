"""Curation services: validation of languages and areas, field-level history, verification, reindexing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from polku.core.errors import DomainError
from polku.directory import search, services, services_knowledge
from polku.directory.inputs import CostOptionInput, ExpertInput, LanguageInput, ServiceInput, Texts
from polku.directory.languages import is_language_code, validate_language_codes
from polku.directory.models import ChangeRecord, DirectoryOrganisation, Expert, Service, ServiceArea, ServiceLanguage

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(directory):
    return DirectoryOrganisation.objects.filter(is_demo=True).first()


def service_input(**overrides) -> ServiceInput:
    values = {"name": Texts(fi="Testipalvelu keskusteluapuun (demo)", en="Test service"),
              "description": Texts(fi="Keskusteluapua tulkin kanssa."), "service_types": ("conversation-support",),
              "target_groups": ("adults",), "languages": (LanguageInput(code="ar"),), "municipality_codes": ("837",),
              "cost_options": (CostOptionInput(option="Maksuton", amount=Decimal(0)),), "is_demo": True}
    values.update(overrides)
    return ServiceInput(**values)


@pytest.mark.parametrize("code", ["fi", "ar", "prs", "ckb", "so", "uk", "fse", "ara"])
def test_iso_639_1_and_639_3_codes_are_language_codes(code):
    assert is_language_code(code)


@pytest.mark.parametrize("code", ["", "xx", "arabic", "ar-SY", "a", "qqq", "ARA "])
def test_anything_else_is_not_a_language_code(code):
    assert not is_language_code(code)


def test_language_codes_are_lower_cased_and_deduplicated_and_a_bad_one_names_the_field():
    assert validate_language_codes(["AR", "ar", " prs "]) == ["ar", "prs"]
    with pytest.raises(DomainError) as error:
        validate_language_codes(["ar", "arabic"], field="languages")
    assert (error.value.code, error.value.field, error.value.params) == ("unknown_language_code", "languages",
                                                                         {"code": "arabic"})


def test_a_service_with_an_unknown_language_code_is_refused_and_nothing_is_saved(provider):
    before = Service.objects.count()
    with pytest.raises(DomainError) as error:
        services.create_service(actor=None, organisation=provider,
                                data=service_input(languages=(LanguageInput(code="zz"),)))
    assert (error.value.code, error.value.field) == ("unknown_language_code", "languages")
    assert Service.objects.count() == before


def test_a_service_area_naming_a_non_existent_municipality_is_refused_and_the_old_areas_stay(provider, coordinator):
    service = services.create_service(actor=None, organisation=provider, data=service_input())
    with pytest.raises(DomainError) as error:
        services.set_service_areas(actor=coordinator, service=service, municipality_codes=["837", "999"])
    assert (error.value.code, error.value.field, error.value.params) == (
        "unknown_municipality", "service_areas", {"codes": ["999"]})
    assert list(ServiceArea.objects.filter(service=service).values_list("municipality__code", flat=True)) == ["837"]
    with pytest.raises(DomainError) as error:
        services.set_service_areas(actor=coordinator, service=service, area_codes=["XX"])
    assert error.value.code == "unknown_area"


def test_setting_areas_and_languages_records_who_changed_what(provider, coordinator):
    service = services.create_service(actor=None, organisation=provider, data=service_input())
    services.set_service_areas(actor=coordinator, service=service, municipality_codes=["853"], area_codes=["PI"])
    services.set_service_languages(actor=coordinator, service=service,
                                   languages=[LanguageInput(code="ar"),
                                              LanguageInput(code="ckb", provision="interpreter")])
    rows = list(ChangeRecord.objects.filter(resource_uuid=service.uuid, action="update").values_list(
        "field_name", "previous_value", "replacement_value", "updated_by"))
    assert rows == [("service_areas", "municipality:837", "municipality:853, area:PI", "koordinaattori"),
                    ("languages", "ar:staff", "ar:staff, ckb:interpreter", "koordinaattori")]
    assert set(ServiceLanguage.objects.filter(service=service).values_list("code", flat=True)) == {"ar", "ckb"}


def test_updating_an_entry_writes_one_history_row_per_changed_field_and_reindexes_it(provider, coordinator):
    service = services.create_service(actor=None, organisation=provider, data=service_input())
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        services.update_entry(actor=coordinator, entry=service, changes={
            "name_fi": "Uniongelmien vastaanotto (demo)", "description_fi": service.description_fi,
            "target_groups": ["adults", "refugees"], "interpretation_available": True})
    rows = ChangeRecord.objects.filter(resource_uuid=service.uuid, action="update").order_by("id")
    assert [(r.field_name, r.previous_value, r.replacement_value) for r in rows] == [
        ("name_fi", "Testipalvelu keskusteluapuun (demo)", "Uniongelmien vastaanotto (demo)"),
        ("target_groups", "adults", "adults, refugees"), ("interpretation_available", "false", "true")]
    assert {(r.updated_by, r.actor_id, r.at.isoformat()) for r in rows} == {
        ("koordinaattori", coordinator.pk, "2026-03-02T10:00:00+00:00")}
    hits = search.search("uniongelmiin").hits
    assert [hit.object_id for hit in hits if hit.kind == "service"] == [service.pk]


def test_a_field_outside_the_editable_ones_is_refused(provider, coordinator):
    service = Service.objects.filter(is_demo=True).first()
    with pytest.raises(DomainError) as error:
        services.update_entry(actor=coordinator, entry=service, changes={"organisation_id": 1})
    assert (error.value.code, error.value.field) == ("not_editable", "organisation_id")


def test_an_invalid_value_is_a_field_error_and_nothing_changes(provider, coordinator):
    service = services.create_service(actor=None, organisation=provider, data=service_input())
    with pytest.raises(DomainError) as error:
        services.update_entry(actor=coordinator, entry=service, changes={"status": "maybe"})
    assert error.value.field == "status"
    with pytest.raises(DomainError) as error:
        services.update_entry(actor=coordinator, entry=service, changes={"minimum_age": 30, "maximum_age": 20})
    assert error.value.code == "invalid_value"
    service.refresh_from_db()
    assert (service.status, service.minimum_age) == ("active", None)
    assert not ChangeRecord.objects.filter(resource_uuid=service.uuid, action="update").exists()


def test_verifying_an_entry_sets_the_date_and_keeps_the_previous_one_in_history(coordinator, directory):
    expert = Expert.objects.first()
    previous = expert.last_verified
    with time_machine.travel(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC), tick=False):
        services.verify_entry(actor=coordinator, entry=expert)
        with pytest.raises(DomainError) as error:
            services.verify_entry(actor=coordinator, entry=expert, on=dt.date(2026, 6, 1))
    expert.refresh_from_db()
    assert expert.last_verified == dt.date(2026, 5, 4)
    record = ChangeRecord.objects.get(resource_uuid=expert.uuid, action="verify")
    assert (record.previous_value, record.replacement_value) == (previous.isoformat() if previous else "", "2026-05-04")
    assert error.value.code == "verified_in_future"


def test_cost_options_decide_free_of_charge_and_a_negative_cost_is_refused(provider, coordinator):
    service = services.create_service(actor=None, organisation=provider, data=service_input())
    assert service.free_of_charge
    services.set_cost_options(actor=coordinator, service=service,
                              options=[CostOptionInput(option="Käynti", amount=Decimal("20.90"))])
    service.refresh_from_db()
    assert not service.free_of_charge
    with pytest.raises(DomainError):
        services.set_cost_options(actor=coordinator, service=service,
                                  options=[CostOptionInput(option="x", amount=Decimal("-1"))])


def test_an_expert_with_an_unknown_language_or_an_area_actor_without_area_is_refused(directory):
    with pytest.raises(DomainError) as error:
        services_knowledge.create_expert(actor=None, organisation=None, data=ExpertInput(
            name="Testi Asiantuntija (demo)", profession="psychologist", languages=("ar", "klingon")))
    assert error.value.code == "unknown_language_code"
    with pytest.raises(DomainError):
        services_knowledge.create_expert(actor=None, organisation=None, data=ExpertInput(
            name="Testi Asiantuntija (demo)", profession="psychologist", roles=(("area_actor", ""),)))
    assert not Expert.objects.filter(name="Testi Asiantuntija (demo)").exists()
