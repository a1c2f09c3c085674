"""The HSDS 3.0 tabular (CSV) package: its tables and columns are the specification's, a CSV round trip
ends in exactly the directory a JSON round trip does, and bad rows are named by file, row and column."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from polku.directory import hsds
from polku.directory.hsds_import import import_directory
from polku.directory.models import Service
from tests.directory.test_hsds import OWN_SCHEMAS, SHARED_SCHEMAS, empty_the_directory

pytestmark = pytest.mark.django_db


def specification_tables() -> dict[str, list[str]]:
    """table -> column names, read here from the specification's own schema.csv."""
    folder = SHARED_SCHEMAS / "simple" if SHARED_SCHEMAS.exists() else OWN_SCHEMAS
    tables: dict[str, list[str]] = {}
    with (folder / "schema.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["table_name"] and row["name"]:
                tables.setdefault(row["table_name"], []).append(row["name"])
    return tables


def read_rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_csv_is_an_hsds_table_with_the_specifications_columns_and_the_row_counts_of_the_json(
        directory, tmp_path):
    call_command("hsds", "export", str(tmp_path / "json"))
    call_command("hsds", "export", "--format", "csv", str(tmp_path / "csv"))
    tables = specification_tables()
    for path in (tmp_path / "csv").glob("*.csv"):
        header = read_rows(path)[0].keys() if read_rows(path) else []
        assert path.stem in tables, path.name
        # taxonomy_term.taxonomy and taxonomy.version are HSDS 3.0 JSON fields the tabular schema lacks.
        extra = set(header) - set(tables[path.stem]) - {"taxonomy", "version"}
        assert not extra, (path.name, extra)
    services = json.loads((tmp_path / "json" / "services.json").read_text(encoding="utf-8"))
    assert len(read_rows(tmp_path / "csv" / "service.csv")) == len(services) == Service.objects.count()
    nested_languages = sum(len(s.get("languages", [])) + sum(len(p.get("languages", [])) for p in s.get("phones", []))
                           for s in services)
    assert len(read_rows(tmp_path / "csv" / "language.csv")) == nested_languages
    service_ids = {s["id"] for s in services}
    assert {row["service_id"] for row in read_rows(tmp_path / "csv" / "service_area.csv")} <= service_ids
    descriptor = json.loads((tmp_path / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert {r["path"] for r in descriptor["resources"]} == {p.name for p in (tmp_path / "csv").glob("*.csv")}


def test_csv_export_then_import_into_an_empty_directory_gives_the_same_json_export(directory, tmp_path):
    before, package, after = tmp_path / "before", tmp_path / "package", tmp_path / "after"
    hsds.export_directory(before)
    call_command("hsds", "export", "--format", "csv", str(package))
    empty_the_directory()
    assert not Service.objects.exists()
    call_command("hsds", "import", str(package))
    hsds.export_directory(after)
    for name in hsds.FILES:
        assert (before / name).read_text(encoding="utf-8") == (after / name).read_text(encoding="utf-8"), name
    # And the package of the re-imported directory is byte for byte the first package.
    again = tmp_path / "again"
    call_command("hsds", "export", "--format", "csv", str(again))
    for path in package.iterdir():
        assert path.read_bytes() == (again / path.name).read_bytes(), path.name


def _rewrite(path, change) -> None:
    rows = read_rows(path)
    columns = list(rows[0].keys())
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_bad_rows_are_named_by_file_row_and_column_and_nothing_is_imported(directory, tmp_path):
    call_command("hsds", "export", "--format", "csv", str(tmp_path))

    def orphan_and_bad_number(rows):
        rows[0]["service_id"] = "00000000-0000-0000-0000-000000000000"

    def bad_age(rows):
        rows[1]["minimum_age"] = "eighteen"

    _rewrite(tmp_path / "cost_option.csv", orphan_and_bad_number)
    _rewrite(tmp_path / "service.csv", bad_age)
    empty_the_directory()
    report = import_directory(tmp_path)
    text = "\n".join(report.lines())
    assert not report.ok and report.package_rejected
    assert "cost_option.csv row 1, service_id: points to no record in this package" in text
    assert "service.csv row 2, minimum_age: must be a number, not 'eighteen'" in text
    assert not Service.objects.exists()
    with pytest.raises(CommandError):
        call_command("hsds", "import", str(tmp_path))


def test_a_schema_violation_in_a_csv_cell_is_reported_with_the_record_and_field(directory, tmp_path):
    call_command("hsds", "export", "--format", "csv", str(tmp_path))
    rows = read_rows(tmp_path / "service.csv")

    def bad_status(rows):
        rows[0]["status"] = "open"

    _rewrite(tmp_path / "service.csv", bad_status)
    empty_the_directory()
    report = import_directory(tmp_path)
    services = next(r for r in report.files if r.name == "services.json")
    assert [(p.record_id, p.field) for p in services.problems] == [(rows[0]["id"], "status")]
    assert services.rejected and not Service.objects.exists()
