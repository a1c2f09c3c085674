"""The HSDS 3.0 tabular package: one CSV per HSDS table plus a `datapackage.json` descriptor.

The tabular form is the JSON export flattened, not a second serialiser: every nested list of a
record becomes rows of its own table that point back to their parent (`<parent>_id` columns;
`link_id`/`link_entity` for attributes, `resource_id`/`resource_type` for metadata, as the HSDS
tabular schema `simple/schema.csv` defines them). Reading a package rebuilds the nested records and
hands them to the same validation and import as the JSON files, so both forms obey the same rules
and a CSV round trip ends in exactly the same directory as a JSON one.

Columns follow the order of the specification's `schema.csv`; values the specification types as
`number` are written as numbers and read back as int or float. An empty cell means "no value", except
in a column the table's JSON schema requires, where it is the empty string.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from polku.directory.hsds import FILES, SCHEMA_DIR

# The top-level HSDS files of an export and the table each one becomes.
TOP_LEVEL_TABLES = {"taxonomies.json": "taxonomy", "taxonomy_terms.json": "taxonomy_term",
                    "organizations.json": "organization", "locations.json": "location",
                    "services.json": "service"}
# Nested list keys of HSDS objects and the table their items go to.
NESTED_TABLES = {
    "attributes": "attribute", "metadata": "metadata", "phones": "phone", "schedules": "schedule",
    "languages": "language", "contacts": "contact", "addresses": "address", "accessibility": "accessibility",
    "service_areas": "service_area", "service_at_locations": "service_at_location", "cost_options": "cost_option",
    "required_documents": "required_document", "fundings": "funding",
    "organization_identifiers": "organization_identifier", "programs": "program",
}
TABLE_KEYS = {table: key for key, table in NESTED_TABLES.items()}
# Which tables may hold each nested table's rows, most specific first: a phone row with both a
# contact_id and a service_id belongs to the contact.
PARENTS = {
    "phone": ("contact", "service_at_location", "location", "service", "organization"),
    "language": ("phone", "location", "service"),
    "schedule": ("service_at_location", "location", "service"),
    "contact": ("service_at_location", "location", "service", "organization"),
    "address": ("location",), "accessibility": ("location",),
    "service_area": ("service",), "service_at_location": ("service",), "cost_option": ("service",),
    "required_document": ("service",), "funding": ("service", "organization"),
    "organization_identifier": ("organization",), "program": ("organization",),
}
INTEGER = re.compile(r"-?\d+")


@cache
def specification_columns() -> dict[str, list[tuple[str, str]]]:
    """table -> [(column, type)] of the scalar columns in the specification's tabular schema."""
    columns: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (SCHEMA_DIR / "schema.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table, name, kind = row["table_name"], row["name"], row["type"]
            if table and name and kind not in ("array", "object", ""):
                columns[table].append((name, kind))
    return dict(columns)


@cache
def _required_columns(table: str) -> frozenset[str]:
    """Columns the table's JSON schema requires: an empty cell there is an empty string, not a missing value."""
    path = SCHEMA_DIR / f"{table}.json"
    if not path.exists():
        return frozenset()
    return frozenset(json.loads(path.read_text(encoding="utf-8")).get("required", []))


def _number_columns(table: str) -> set[str]:
    return {name for name, kind in specification_columns().get(table, []) if kind in ("number", "integer")}


# --- Writing ----------------------------------------------------------------------------------------

def flatten(records_by_file: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Nested HSDS records (file name -> records) -> table name -> flat rows, parents before children."""
    tables: dict[str, list[dict]] = defaultdict(list)

    def visit(table: str, record: dict, parent: tuple[str, str] | None) -> None:
        row = {key: value for key, value in record.items() if not isinstance(value, (list, dict))}
        if parent is not None:
            parent_table, parent_id = parent
            if table == "attribute":
                row.setdefault("link_id", parent_id)
                row.setdefault("link_entity", parent_table)
            elif table == "metadata":
                row.setdefault("resource_id", parent_id)
                row.setdefault("resource_type", parent_table)
            else:
                row[f"{parent_table}_id"] = parent_id
        tables[table].append(row)
        for key, value in record.items():
            if isinstance(value, list) and key in NESTED_TABLES:
                for item in value:
                    visit(NESTED_TABLES[key], item, (table, str(record.get("id", ""))))

    for name, table in TOP_LEVEL_TABLES.items():
        tables.setdefault(table, [])
        for record in records_by_file.get(name, []):
            visit(table, record, None)
    return dict(tables)


def _columns(table: str, rows: list[dict]) -> list[str]:
    known = [name for name, _kind in specification_columns().get(table, [])]
    present = {key for row in rows for key in row}
    return [name for name in known if name in present] + sorted(present - set(known))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_package(records_by_file: dict[str, list[dict]], directory: Path) -> dict[str, int]:
    """Write the tabular package of these HSDS records into `directory`; returns rows per CSV file."""
    directory.mkdir(parents=True, exist_ok=True)
    counts, resources = {}, []
    for table, rows in sorted(flatten(records_by_file).items()):
        columns = _columns(table, rows) or ["id"]
        path = directory / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_cell(row.get(column)) for column in columns])
        counts[path.name] = len(rows)
        numbers = _number_columns(table)
        resources.append({
            "name": table, "path": path.name, "profile": "tabular-data-resource", "format": "csv",
            "encoding": "utf-8",
            "schema": {"fields": [{"name": c, "type": "number" if c in numbers else "string"} for c in columns],
                       "primaryKey": "id" if "id" in columns else []},
        })
    descriptor = {"profile": "tabular-data-package", "name": "polku-hsds-3-0",
                  "title": "Polku services directory, Open Referral HSDS 3.0 tabular package",
                  "resources": resources}
    (directory / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
    return counts


# --- Reading ----------------------------------------------------------------------------------------

@dataclass
class PackageProblem:
    file: str
    row: int  # 1-based data row; 0 for the file itself
    column: str
    message: str

    def line(self) -> str:
        where = f"{self.file}" + (f" row {self.row}" if self.row else "") + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Package:
    records: dict[str, list[dict]] = field(default_factory=dict)  # file name (as in FILES) -> nested records
    problems: list[PackageProblem] = field(default_factory=list)


def is_package(directory: Path) -> bool:
    return (directory / "datapackage.json").exists() or (directory / "service.csv").exists()


def _value(table: str, column: str, text: str, numbers: set[str]):
    if column in numbers:
        return int(text) if INTEGER.fullmatch(text) else float(text)
    return text


def read_package(directory: Path) -> Package:
    """Read a tabular package into nested HSDS records; rows that cannot be placed are reported."""
    package = Package()
    rows_by_table: dict[str, list[tuple[int, dict]]] = {}
    for path in sorted(directory.glob("*.csv")):
        table = path.stem
        numbers, required = _number_columns(table), _required_columns(table)
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle)
                if not reader.fieldnames or "id" not in reader.fieldnames:
                    package.problems.append(PackageProblem(path.name, 0, "id", "the file has no id column"))
                    continue
                rows = []
                for number, raw in enumerate(reader, start=1):
                    row, bad = {}, False
                    for column, text in raw.items():
                        if column is None:  # more cells than header columns
                            package.problems.append(PackageProblem(path.name, number, "", "more cells than columns"))
                            bad = True
                            continue
                        if text in (None, ""):
                            if column in required and column not in numbers:
                                row[column] = ""
                            continue
                        try:
                            row[column] = _value(table, column, text, numbers)
                        except ValueError:
                            package.problems.append(PackageProblem(path.name, number, column,
                                                                   f"must be a number, not {text!r}"))
                            bad = True
                    if not bad:
                        rows.append((number, row))
                rows_by_table[table] = rows
        except UnicodeDecodeError as error:
            package.problems.append(PackageProblem(path.name, 0, "", f"not UTF-8 text: {error}"))
    _assemble(rows_by_table, package)
    return package


def _assemble(rows_by_table: dict[str, list[tuple[int, dict]]], package: Package) -> None:
    index: dict[tuple[str, str], dict] = {}
    for table, rows in rows_by_table.items():
        for _number, row in rows:
            if "id" in row:
                index[(table, str(row["id"]))] = row

    def parent_of(table: str, row: dict) -> tuple[str, str] | None:
        if table == "attribute":
            return (str(row.get("link_entity", "")), str(row.get("link_id", "")))
        if table == "metadata":
            return (str(row.get("resource_type", "")), str(row.get("resource_id", "")))
        for parent_table in PARENTS.get(table, ()):
            if row.get(f"{parent_table}_id"):
                return (parent_table, str(row[f"{parent_table}_id"]))
        return None

    for table, rows in rows_by_table.items():
        if table in TOP_LEVEL_TABLES.values():
            continue
        if table not in TABLE_KEYS:
            package.problems.append(PackageProblem(f"{table}.csv", 0, "", "not an HSDS table Polku imports"))
            continue
        for number, row in rows:
            parent = parent_of(table, row)
            if parent is None or parent not in index:
                column = {"attribute": "link_id", "metadata": "resource_id"}.get(
                    table, "/".join(f"{p}_id" for p in PARENTS.get(table, ())))
                package.problems.append(PackageProblem(f"{table}.csv", number, column,
                                                       "points to no record in this package"))
                continue
            index[parent].setdefault(TABLE_KEYS[table], []).append(row)
    for name, table in TOP_LEVEL_TABLES.items():
        if name in FILES:
            package.records[name] = [row for _number, row in rows_by_table.get(table, [])]
