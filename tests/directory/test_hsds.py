"""HSDS 3.0: the export validates against Open Referral's schemas; export → import → export is identical;
a file with schema violations or bad Finnish references imports nothing unless a partial import is accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from polku.directory import hsds
from polku.directory.hsds_import import import_directory
from polku.directory.models import (
    ChangeRecord,
    DirectoryOrganisation,
    Expert,
    Location,
    NetworkMember,
    Project,
    Publication,
    SearchDocument,
    SearchLexeme,
    Service,
    Taxonomy,
    TaxonomyTerm,
    Training,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SHARED_SCHEMAS = ROOT.parent / "shared" / "standards" / "hsds-3.0"
OWN_SCHEMAS = ROOT / "src" / "polku" / "directory" / "data" / "hsds-3.0"


def official_validator(schema_file: str) -> Draft202012Validator:
    """A validator built here from the specification's files, independent of polku.directory.hsds."""
    folder = SHARED_SCHEMAS if SHARED_SCHEMAS.exists() else OWN_SCHEMAS
    resources = [(path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
                 for path in folder.glob("*.json") if path.name != "openapi.json"]
    schema = json.loads((folder / schema_file).read_text())
    return Draft202012Validator(schema, registry=Registry().with_resources(resources), format_checker=FormatChecker())


def empty_the_directory() -> None:
    """Remove every row of the directory app, as in a database that never had one."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM directory_search_fts")
    for model in (ChangeRecord, SearchDocument, SearchLexeme, Expert, NetworkMember, Project, Training, Publication,
                  Service, Location, DirectoryOrganisation):
        model.objects.all().delete()
    TaxonomyTerm.objects.filter(parent__isnull=False).delete()
    TaxonomyTerm.objects.filter(external_match__isnull=False).delete()
    TaxonomyTerm.objects.all().delete()
    Taxonomy.objects.all().delete()


def test_the_copied_schemas_are_the_specifications_own_files():
    if not SHARED_SCHEMAS.exists():
        pytest.skip("shared/ is not beside the project")
    for path in OWN_SCHEMAS.glob("*.json"):
        assert json.loads(path.read_text()) == json.loads((SHARED_SCHEMAS / path.name).read_text()), path.name
    assert (OWN_SCHEMAS / "ATTRIBUTION.md").read_text().count("CC BY-SA 4.0") == 1


def test_the_demo_directory_export_validates_against_the_hsds_3_schemas(directory, tmp_path):
    counts = hsds.export_directory(tmp_path)
    assert counts["services.json"] == Service.objects.count() >= 20
    assert counts["organizations.json"] == DirectoryOrganisation.objects.count()
    for name, schema_file in hsds.FILES.items():
        records = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        validator = official_validator(schema_file)
        for record in records:
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(record)]
            assert not errors, (name, record["id"], errors)
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    crisis = next(s for s in services if s["name"].startswith("Kriisiapu arabiaksi"))
    assert {"code": "ar", "note": "staff"}.items() <= next(x for x in crisis["languages"] if x["code"] == "ar").items()
    assert {a["value"] for a in crisis["attributes"] if a["link_type"] == "service_type"} >= {
        "crisis", "human_services:health:mental_health_care:psychiatric_emergency_services"}
    assert any(a["link_type"] == "name" and a["value"].startswith("Crisis help") for a in crisis["attributes"])
    assert crisis["metadata"][0]["last_action_type"] == "create"


def test_export_then_import_into_an_empty_directory_then_export_gives_identical_json(directory, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    hsds.export_directory(first)
    empty_the_directory()
    assert not Service.objects.exists() and not ChangeRecord.objects.exists() and not Taxonomy.objects.exists()
    report = import_directory(first)
    assert report.ok, report.lines()
    hsds.export_directory(second)
    for name in hsds.FILES:
        assert (first / name).read_text(encoding="utf-8") == (second / name).read_text(encoding="utf-8"), name
    # The imported services are searchable again.
    from polku.directory.search import search

    assert search("kriisipuhelimeen").total >= 1


@pytest.fixture
def bad_export(directory, tmp_path):
    hsds.export_directory(tmp_path)
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    services[1]["status"] = "open"                                   # not in the HSDS enumeration
    del services[2]["name"]                                          # required by the schema
    services[3]["languages"][0]["code"] = "xx"                       # not ISO 639-1/3
    services[4]["service_areas"][0]["uri"] = "urn:fi:municipality:999"  # no such municipality
    (tmp_path / "services.json").write_text(json.dumps(services), encoding="utf-8")
    empty_the_directory()
    return tmp_path, services


def test_an_import_with_schema_violations_lists_each_failing_record_and_field_and_imports_nothing_from_that_file(
        bad_export):
    folder, services = bad_export
    report = import_directory(folder)
    file_report = next(r for r in report.files if r.name == "services.json")
    problems = {(p.index, p.field) for p in file_report.problems}
    assert problems == {(1, "status"), (2, "(record)"), (3, "languages.0.code"), (4, "service_areas.0")}
    assert {p.record_id for p in file_report.problems} == {services[i]["id"] for i in (1, 2, 3, 4)}
    assert file_report.rejected and file_report.imported == 0
    assert not Service.objects.exists()
    assert DirectoryOrganisation.objects.exists()  # the other files were fine and were imported
    assert "'name' is a required property" in " ".join(p.message for p in file_report.problems)


def test_the_command_reports_the_failures_and_fails_and_accept_partial_imports_the_valid_records(bad_export, capsys):
    folder, services = bad_export
    with pytest.raises(CommandError):
        call_command("hsds", "import", str(folder))
    output = capsys.readouterr().out
    assert "services.json: 0 of 24 records imported — nothing imported from this file" in output
    assert f"record 3 ({services[3]['id']}): languages.0.code: “xx” is not an ISO 639-1 or ISO 639-3 code" in output
    assert not Service.objects.exists()
    with pytest.raises(CommandError):
        call_command("hsds", "import", str(folder), "--accept-partial")
    assert Service.objects.count() == len(services) - 4
    assert not Service.objects.filter(uuid__in=[services[i]["id"] for i in (1, 3, 4)]).exists()


def test_a_file_that_is_not_json_or_not_a_list_is_reported_not_crashed(directory, tmp_path):
    (tmp_path / "organizations.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "services.json").write_text('{"id": 1}', encoding="utf-8")
    report = import_directory(tmp_path)
    lines = "\n".join(report.lines())
    assert "organizations.json: 0 of 0 records imported" in lines and "not JSON" in lines
    assert "must be a JSON array of records" in lines
    assert "taxonomies.json: not present, skipped" in lines
