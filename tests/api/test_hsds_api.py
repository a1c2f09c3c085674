"""The HSDS 3.0 API at /api/hsds/: every response validates against the specification's schemas, the
records are the export's, paging and filters follow the specification's parameters, and bad
parameters get a 400 problem-details answer naming the parameter (never a 500)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from django.test import Client as HttpClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from polku.directory import hsds
from polku.directory.models import DirectoryOrganisation, Service, ServiceAtLocation, TaxonomyTerm
from tests.directory.test_hsds import official_validator

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "hsds-3.0"


@pytest.fixture
def api(directory):
    return HttpClient()


def compiled_validator(name: str) -> Draft202012Validator:
    """The specification's compiled (self-contained) schema, or the plain one when shared/ is absent."""
    path = SHARED / "compiled" / name
    if not path.exists():
        return official_validator(name)
    schema = json.loads(path.read_text())
    return Draft202012Validator(schema, registry=Registry().with_resources(
        [(p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012))
         for p in SHARED.glob("*.json") if p.name != "openapi.json"]), format_checker=FormatChecker())


def assert_valid(validator: Draft202012Validator, record: dict) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(record)]
    assert not errors, (record.get("id"), errors)


def get(api, path: str, **params):
    response = api.get(f"/api/hsds{path}", params)
    return response, (response.json() if response["Content-Type"].startswith("application/") else None)


def test_root_names_the_version_and_the_openapi_document_which_lists_the_specifications_paths(api):
    response, body = get(api, "/")
    assert response.status_code == 200 and body["version"] == "3.0"
    document = api.get(body["openapi_url"].replace("http://testserver", "")).json()
    spec = json.loads((hsds.SCHEMA_DIR / "openapi.json").read_text())
    assert set(document["paths"]) == set(spec["paths"])
    assert document["servers"][0]["url"] == "http://testserver/api/hsds"


def test_a_service_is_the_exports_record_and_validates_against_the_compiled_service_schema(api):
    exported = {record["id"]: record for record in hsds.export_records()["services.json"]}
    validator = compiled_validator("service.json")
    for service in Service.objects.all()[:10]:
        response, body = get(api, f"/services/{service.uuid}")
        assert response.status_code == 200
        assert body == exported[str(service.uuid)]
        assert_valid(validator, body)


def test_the_service_list_pages_through_every_service_once_with_a_correct_page_envelope(api):
    total = Service.objects.count()
    per_page = 7
    seen = []
    for page in range(1, math.ceil(total / per_page) + 1):
        response, body = get(api, "/services", page=page, per_page=per_page)
        assert response.status_code == 200
        assert (body["total_items"], body["total_pages"], body["page_number"]) == (
            total, math.ceil(total / per_page), page)
        assert body["first_page"] == (page == 1) and body["last_page"] == (page == body["total_pages"])
        assert body["size"] == len(body["contents"]) == min(per_page, total - (page - 1) * per_page)
        for item in body["contents"]:
            assert not any(isinstance(v, list) for v in item.values())  # one-to-one fields only
            assert_valid(official_validator("service.json"), item)
        seen += [item["id"] for item in body["contents"]]
    assert sorted(seen) == sorted(str(u) for u in Service.objects.values_list("uuid", flat=True))
    _, past_the_end = get(api, "/services", page=99, per_page=per_page)
    assert past_the_end["empty"] and past_the_end["contents"] == []


def test_filters_by_organisation_taxonomy_term_and_search_match_an_independent_query(api):
    service = Service.objects.filter(service_types__isnull=False).first()
    _, body = get(api, "/services", organization_id=str(service.organisation.uuid), per_page=200)
    assert {item["id"] for item in body["contents"]} == {
        str(u) for u in Service.objects.filter(organisation=service.organisation).values_list("uuid", flat=True)}
    term = service.service_types.first()
    _, body = get(api, "/services", taxonomy_term_id=str(term.uuid), per_page=200)
    expected = {str(u) for u in Service.objects.filter(service_types=term).values_list("uuid", flat=True)}
    assert {item["id"] for item in body["contents"]} == expected and expected
    _, body = get(api, "/services", search="kriisipuhelimeen", per_page=200, full="true")
    names = [item["name"] for item in body["contents"]]
    assert any(name.startswith("Kriisiapu arabiaksi") for name in names)
    assert all("languages" in item for item in body["contents"])  # full=true nests


def test_modified_after_returns_only_services_changed_since(api):
    from polku.directory.models import ChangeRecord

    service = Service.objects.first()
    later = ChangeRecord.objects.order_by("-at").first().at.replace(microsecond=0)
    ChangeRecord.objects.create(resource_type="service", resource_uuid=service.uuid,
                                at=later.replace(year=later.year + 1), action="update", field_name="name",
                                previous_value="a", replacement_value="b", updated_by="test")
    _, body = get(api, "/services", modified_after=later.replace(year=later.year + 1).isoformat())
    assert [item["id"] for item in body["contents"]] == [str(service.uuid)]


def test_organisations_service_at_locations_and_taxonomies_validate_against_their_schemas(api):
    organisation = DirectoryOrganisation.objects.filter(services__isnull=False).first()
    response, body = get(api, f"/organizations/{organisation.uuid}")
    assert response.status_code == 200
    assert_valid(compiled_validator("organization.json"), body)
    expected = {str(u) for u in Service.objects.filter(organisation=organisation).values_list("uuid", flat=True)}
    assert {s["id"] for s in body.get("services", [])} == expected
    _, listing = get(api, "/organizations", per_page=200)
    assert listing["total_items"] == DirectoryOrganisation.objects.count()
    for item in listing["contents"]:
        assert_valid(official_validator("organization.json"), item)
    link = ServiceAtLocation.objects.first()
    response, body = get(api, f"/service_at_locations/{link.uuid}")
    assert response.status_code == 200
    assert_valid(official_validator("service_at_location.json"), body)
    assert body["location"]["id"] == str(link.location.uuid)
    _, listing = get(api, "/service_at_locations", per_page=200)
    assert listing["total_items"] == ServiceAtLocation.objects.count()
    _, terms = get(api, "/taxonomy_terms", per_page=200, top_only="true")
    assert terms["total_items"] == TaxonomyTerm.objects.filter(parent__isnull=True).count()
    for item in terms["contents"]:
        assert_valid(official_validator("taxonomy_term.json"), item)
    _, taxonomies = get(api, "/taxonomies")
    for item in taxonomies["contents"]:
        assert_valid(official_validator("taxonomy.json"), item)
        response, one = get(api, f"/taxonomies/{item['id']}")
        assert one == item


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/services", {"page": "0"}, "page"),
    ("/services", {"page": "two"}, "page"),
    ("/services", {"per_page": "100000"}, "per_page"),
    ("/services", {"modified_after": "yesterday"}, "modified_after"),
    ("/services", {"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
    ("/services", {"full": "maybe"}, "full"),
    ("/services", {"format": "xml"}, "format"),
    ("/services", {"colour": "blue"}, "colour"),
    ("/service_at_locations", {"postcode": "00100"}, "postcode"),
    ("/taxonomy_terms", {"parent_id": "'; DROP TABLE"}, "parent_id"),
])
def test_bad_parameters_get_400_problem_details_naming_the_parameter(api, path, params, field):
    response, body = get(api, path, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert body["status"] == 400 and [e["field"] for e in body["errors"]] == [field]


def test_unknown_ids_are_404_problem_details_and_writes_are_refused(api):
    for path in ("/services/00000000-0000-0000-0000-000000000000", "/services/nonsense",
                 "/organizations/00000000-0000-0000-0000-000000000000", "/taxonomy_terms/x", "/taxonomies/x",
                 "/service_at_locations/x"):
        response, body = get(api, path)
        assert response.status_code == 404 and body["status"] == 404, path
    assert api.post("/api/hsds/services", {}).status_code == 405
