"""Import an HSDS 3.0 JSON directory (as `polku.directory.hsds` writes it, or from another HSDS publisher).

Per file: every record is checked against its HSDS schema and then against Polku's rules (language
codes ISO 639-1/3, service areas and address cities naming real municipalities or areas, references
to organisations, locations and taxonomy terms that exist). A report lists each failing record and
field. A file with any failing record imports nothing, unless the caller accepts a partial import
explicitly (`--accept-partial`): then the valid records of that file are imported and the rest listed.

The import restores identifiers and history (`metadata`) as they are and adds no history rows of its
own, so that an export of the imported directory equals the file that was imported.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from polku.core.models import Area, Municipality, Organisation, OrganisationType
from polku.directory import hsds_tabular, search
from polku.directory.hsds import (
    AREA_URI,
    FILES,
    FLAG_DEMO,
    FLAG_INTERPRETATION,
    FLAG_VERIFIED,
    MUNICIPALITY_URI,
    schema_errors,
)
from polku.directory.languages import is_language_code
from polku.directory.loader import load_taxonomies
from polku.directory.models import (
    ChangeRecord,
    Contact,
    CostOption,
    DirectoryOrganisation,
    LanguageProvision,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyCode,
    TaxonomyTerm,
)


@dataclass(frozen=True)
class RecordProblem:
    index: int
    record_id: str
    field: str
    message: str


@dataclass
class FileReport:
    name: str
    records: int = 0
    imported: int = 0
    problems: list[RecordProblem] = field(default_factory=list)
    missing: bool = False
    rejected: bool = False  # nothing imported from this file because of its problems

    def lines(self) -> list[str]:
        if self.missing:
            return [f"{self.name}: not present, skipped"]
        head = f"{self.name}: {self.imported} of {self.records} records imported"
        if self.rejected:
            head += " — nothing imported from this file (use --accept-partial to import the valid records)"
        return [head] + [f"  record {p.index} ({p.record_id or 'no id'}): {p.field}: {p.message}"
                         for p in self.problems]


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    # Rows of a tabular (CSV) package that could not be read or placed under a parent record.
    package_problems: list[str] = field(default_factory=list)
    package_rejected: bool = False

    @property
    def ok(self) -> bool:
        return not self.package_problems and not any(report.problems for report in self.files)

    def lines(self) -> list[str]:
        head = []
        if self.package_problems:
            head.append("CSV package: " + ("nothing imported (use --accept-partial to import the readable rows)"
                                           if self.package_rejected else "these rows were skipped"))
            head += [f"  {line}" for line in self.package_problems]
        return head + [line for report in self.files for line in report.lines()]


# --- Lookups shared by the checks and the writes --------------------------------------------------------

def _municipality_from_uri_or_name(uri: str, name: str) -> Municipality | None:
    if uri.startswith(MUNICIPALITY_URI):
        return Municipality.objects.filter(code=uri.removeprefix(MUNICIPALITY_URI)).first()
    return Municipality.objects.filter(Q(name_fi=name) | Q(name_sv=name)).first() if name else None


def _area_from_uri_or_name(uri: str, name: str) -> Area | None:
    if uri.startswith(AREA_URI):
        return Area.objects.filter(code=uri.removeprefix(AREA_URI)).first()
    return Area.objects.filter(Q(short_name_fi=name) | Q(short_name_sv=name) | Q(name_fi=name)).first() if name \
        else None


def _service_area_target(item: dict):
    uri, name = item.get("uri", ""), item.get("name", "")
    if uri.startswith(AREA_URI):
        return _area_from_uri_or_name(uri, name)
    return _municipality_from_uri_or_name(uri, name) or (None if uri else _area_from_uri_or_name("", name))


def _city(name: str) -> Municipality | None:
    return Municipality.objects.filter(Q(name_fi=name) | Q(name_sv=name)).first() if name else None


def _exists(model, value: str | None) -> bool:
    try:
        return bool(value) and model.objects.filter(uuid=uuid.UUID(value)).exists()
    except ValueError:
        return False


# --- Polku's rules on top of the schema -----------------------------------------------------------

def _check_phones(phones: list, prefix: str) -> list[tuple[str, str]]:
    problems = []
    for i, phone in enumerate(phones or []):
        for j, language in enumerate(phone.get("languages", [])):
            if not is_language_code(language.get("code", "")):
                problems.append((f"{prefix}.{i}.languages.{j}.code",
                                 f"“{language.get('code', '')}” is not an ISO 639-1 or ISO 639-3 code"))
    return problems


def _check_term(attribute: dict, index: int) -> list[tuple[str, str]]:
    term_id = attribute.get("taxonomy_term_id")
    if term_id and not _exists(TaxonomyTerm, term_id):
        return [(f"attributes.{index}.taxonomy_term_id", "names no taxonomy term of the import or of Polku")]
    return []


def check_taxonomy_term(record: dict) -> list[tuple[str, str]]:
    problems = []
    if not _exists(Taxonomy, record.get("taxonomy_id")):
        problems.append(("taxonomy_id", "names no taxonomy of the import or of Polku"))
    if record.get("language") and not is_language_code(record["language"]):
        problems.append(("language", f"“{record['language']}” is not an ISO 639-1 or ISO 639-3 code"))
    return problems


def check_organization(record: dict) -> list[tuple[str, str]]:
    problems = _check_phones(record.get("phones"), "phones")
    for i, attribute in enumerate(record.get("attributes", [])):
        problems += _check_term(attribute, i)
    return problems


def check_location(record: dict) -> list[tuple[str, str]]:
    problems = _check_phones(record.get("phones"), "phones")
    if record.get("organization_id") and not _exists(DirectoryOrganisation, record["organization_id"]):
        problems.append(("organization_id", "names no organization of the import or of Polku"))
    for i, address in enumerate(record.get("addresses", [])):
        if address.get("country", "FI") == "FI" and _city(address.get("city", "")) is None:
            problems.append((f"addresses.{i}.city", f"“{address.get('city', '')}” is not a municipality of Finland"))
    return problems


def check_service(record: dict) -> list[tuple[str, str]]:
    problems = _check_phones(record.get("phones"), "phones")
    if not _exists(DirectoryOrganisation, record.get("organization_id")):
        problems.append(("organization_id", "names no organization of the import or of Polku"))
    for i, language in enumerate(record.get("languages", [])):
        if not is_language_code(language.get("code", "")):
            problems.append((f"languages.{i}.code",
                             f"“{language.get('code', '')}” is not an ISO 639-1 or ISO 639-3 code"))
        if language.get("note", "staff") not in LanguageProvision.values:
            problems.append((f"languages.{i}.note", "must be staff, interpreter or material"))
    for i, item in enumerate(record.get("service_areas", [])):
        if _service_area_target(item) is None:
            problems.append((f"service_areas.{i}", f"“{item.get('uri') or item.get('name', '')}” names no "
                                                   "municipality or wellbeing services area"))
    for i, item in enumerate(record.get("service_at_locations", [])):
        if not _exists(Location, item.get("location_id")):
            problems.append((f"service_at_locations.{i}.location_id", "names no location of the import or of Polku"))
    for i, attribute in enumerate(record.get("attributes", [])):
        problems += _check_term(attribute, i)
    return problems


CHECKS = {"taxonomy_terms.json": check_taxonomy_term, "organizations.json": check_organization,
          "locations.json": check_location, "services.json": check_service}


# --- Writes ----------------------------------------------------------------------------------------

def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)


def _translations(record: dict) -> dict[tuple[str, str], str]:
    """(field, language) -> text from the translation attributes."""
    result = {}
    terms = {str(t.uuid): t.code for t in TaxonomyTerm.objects.filter(taxonomy__code=TaxonomyCode.TRANSLATION)}
    for attribute in record.get("attributes", []):
        code = terms.get(attribute.get("taxonomy_term_id", ""))
        if code:
            result[(attribute.get("link_type", ""), code)] = attribute.get("value", "")
    return result


def _flags(record: dict) -> dict[str, str]:
    return {a["link_type"]: a.get("value", "") for a in record.get("attributes", [])
            if a.get("link_type", "").startswith("polku:")}


def _texts(record: dict, translations: dict, hsds_field: str, prefix: str) -> dict[str, str]:
    return {f"{prefix}_fi": record.get(hsds_field, ""), f"{prefix}_sv": translations.get((hsds_field, "sv"), ""),
            f"{prefix}_en": translations.get((hsds_field, "en"), "")}


def _restore_history(record: dict) -> None:
    for item in record.get("metadata", []):
        at = dt.datetime.fromisoformat(item["last_action_date"])
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        ChangeRecord.objects.update_or_create(uuid=_uuid(item["id"]), defaults={
            "resource_type": item.get("resource_type", ""), "resource_uuid": _uuid(item.get("resource_id")
                                                                                   or record["id"]),
            "at": at, "action": item.get("last_action_type", "")[:12], "field_name": item.get("field_name", ""),
            "previous_value": item.get("previous_value", ""), "replacement_value": item.get("replacement_value", ""),
            "updated_by": item.get("updated_by", "")})


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value[:5]) if value else None


def _replace_phones(record: dict, **owner) -> None:
    Phone.objects.filter(**owner).delete()
    for phone in record.get("phones", []):
        translations = _translations(phone)
        Phone.objects.create(uuid=_uuid(phone["id"]), number=phone["number"], type=phone.get("type", "voice"),
                             languages=[language["code"] for language in phone.get("languages", [])],
                             **_texts(phone, translations, "description", "description"), **owner)


def _replace_schedules(record: dict, **owner) -> None:
    Schedule.objects.filter(**owner).delete()
    for item in record.get("schedules", []):
        translations = _translations(item)
        Schedule.objects.create(uuid=_uuid(item["id"]), freq=item.get("freq", ""), byday=item.get("byday", ""),
                                opens_at=_time(item.get("opens_at")), closes_at=_time(item.get("closes_at")),
                                **_texts(item, translations, "description", "description"), **owner)


def _replace_contacts(record: dict, **owner) -> None:
    Contact.objects.filter(**owner).delete()
    for item in record.get("contacts", []):
        Contact.objects.create(uuid=_uuid(item["id"]), name=item.get("name", ""), title=item.get("title", ""),
                               department=item.get("department", ""), email=item.get("email", ""), **owner)


def import_taxonomy(record: dict) -> None:
    code = re.sub(r"[^a-z0-9-]+", "-", record["name"].lower()).strip("-")[:40]
    existing = Taxonomy.objects.filter(uuid=_uuid(record["id"])).first()
    if Taxonomy.objects.filter(code=code).exists():
        code = f"{code[:31]}-{record['id'][:8]}"  # another publisher's taxonomy of the same name
    if existing is None:
        Taxonomy.objects.create(uuid=_uuid(record["id"]), code=code, name=record["name"],
                                description=record["description"], uri=record.get("uri", ""),
                                version=record.get("version", ""))


def import_taxonomy_term(record: dict) -> None:
    if TaxonomyTerm.objects.filter(uuid=_uuid(record["id"])).exists():
        return  # Polku's own terms keep their Swedish and English names
    TaxonomyTerm.objects.create(uuid=_uuid(record["id"]), taxonomy=Taxonomy.objects.get(uuid=record["taxonomy_id"]),
                                code=record.get("code") or record["name"][:120], name_fi=record["name"],
                                description_en=record["description"], term_uri=record.get("term_uri", ""))


def import_organization(record: dict) -> None:
    translations, flags = _translations(record), _flags(record)
    entry = DirectoryOrganisation.objects.filter(uuid=_uuid(record["id"])).first()
    business_ids = [i["identifier"] for i in record.get("organization_identifiers", [])
                    if i.get("identifier_type") == "Y-tunnus"]
    if entry is None:
        organisation, _created = Organisation.objects.get_or_create(
            name=record["name"], parent=None,
            defaults={"type": OrganisationType.OTHER, "name_sv": translations.get(("name", "sv"), ""),
                      "name_en": translations.get(("name", "en"), ""),
                      "business_id": business_ids[0] if business_ids else ""})
        entry = DirectoryOrganisation(uuid=_uuid(record["id"]), organisation=organisation)
    for key, value in _texts(record, translations, "description", "description").items():
        setattr(entry, key, value)
    entry.email, entry.website = record.get("email", ""), record.get("website", "")
    entry.is_demo = flags.get(FLAG_DEMO) == "true"
    entry.last_verified = dt.date.fromisoformat(flags[FLAG_VERIFIED]) if flags.get(FLAG_VERIFIED) else None
    entry.save()
    _replace_phones(record, organisation=entry)
    _replace_contacts(record, organisation=entry)
    _restore_history(record)


def import_location(record: dict) -> None:
    translations, flags = _translations(record), _flags(record)
    location = Location.objects.filter(uuid=_uuid(record["id"])).first() or Location(uuid=_uuid(record["id"]))
    address = (record.get("addresses") or [{}])[0]
    location.organisation = (DirectoryOrganisation.objects.get(uuid=record["organization_id"])
                             if record.get("organization_id") else None)
    location.location_type = record["location_type"]
    location.municipality = _city(address.get("city", ""))
    location.address_1, location.postal_code = address.get("address_1", ""), address.get("postal_code", "")
    location.latitude, location.longitude = record.get("latitude"), record.get("longitude")
    location.is_demo = flags.get(FLAG_DEMO) == "true"
    location.last_verified = dt.date.fromisoformat(flags[FLAG_VERIFIED]) if flags.get(FLAG_VERIFIED) else None
    for key, value in {**_texts(record, translations, "name", "name"),
                       **_texts(record, translations, "transportation", "transportation")}.items():
        setattr(location, key, value)
    location.save()
    _replace_phones(record, location=location)
    _replace_schedules(record, location=location)
    _restore_history(record)


def import_service(record: dict) -> None:
    translations, flags = _translations(record), _flags(record)
    service = Service.objects.filter(uuid=_uuid(record["id"])).first() or Service(uuid=_uuid(record["id"]))
    service.organisation = DirectoryOrganisation.objects.get(uuid=record["organization_id"])
    for hsds_field in ("name", "description", "application_process", "fees_description", "eligibility_description",
                       "interpretation_services"):
        for key, value in _texts(record, translations, hsds_field, hsds_field).items():
            setattr(service, key, value)
    service.url, service.email, service.status = record.get("url", ""), record.get("email", ""), record["status"]
    service.minimum_age, service.maximum_age = record.get("minimum_age"), record.get("maximum_age")
    service.last_verified = dt.date.fromisoformat(record["assured_date"]) if record.get("assured_date") else None
    service.interpretation_available = flags.get(FLAG_INTERPRETATION) == "true"
    service.is_demo = flags.get(FLAG_DEMO) == "true"
    options = record.get("cost_options", [])
    service.free_of_charge = bool(options) and all(o.get("amount") == 0 for o in options)
    service.save()
    terms = {str(t.uuid): t for t in TaxonomyTerm.objects.select_related("taxonomy").filter(
        uuid__in=[a["taxonomy_term_id"] for a in record.get("attributes", []) if a.get("taxonomy_term_id")])}
    chosen = [terms[a["taxonomy_term_id"]] for a in record.get("attributes", []) if a.get("taxonomy_term_id") in terms]
    service.service_types.set([t for t in chosen if t.taxonomy.code == TaxonomyCode.SERVICE_TYPE])
    service.target_groups.set([t for t in chosen if t.taxonomy.code == TaxonomyCode.TARGET_GROUP])
    for model in (ServiceLanguage, ServiceArea, ServiceAtLocation, CostOption, RequiredDocument):
        model.objects.filter(service=service).delete()
    for item in record.get("languages", []):
        ServiceLanguage.objects.create(uuid=_uuid(item["id"]), service=service, code=item["code"].lower(),
                                       provision=item.get("note", "staff"))
    for item in record.get("service_areas", []):
        target = _service_area_target(item)
        ServiceArea.objects.create(uuid=_uuid(item["id"]), service=service,
                                   **({"area": target} if isinstance(target, Area) else {"municipality": target}))
    for item in record.get("service_at_locations", []):
        ServiceAtLocation.objects.create(uuid=_uuid(item["id"]), service=service,
                                         location=Location.objects.get(uuid=item["location_id"]))
    for item in options:
        CostOption.objects.create(uuid=_uuid(item["id"]), service=service, option=item.get("option", ""),
                                  amount=Decimal(str(item["amount"])) if item.get("amount") is not None else None,
                                  currency=item.get("currency", "EUR"),
                                  amount_description=item.get("amount_description", ""))
    for item in record.get("required_documents", []):
        RequiredDocument.objects.create(uuid=_uuid(item["id"]), service=service, uri=item.get("uri", ""),
                                        **_texts(item, _translations(item), "document", "document"))
    _replace_phones(record, service=service)
    _replace_schedules(record, service=service)
    _replace_contacts(record, service=service)
    _restore_history(record)


WRITERS = {"taxonomies.json": import_taxonomy, "taxonomy_terms.json": import_taxonomy_term,
           "organizations.json": import_organization, "locations.json": import_location,
           "services.json": import_service}


def _import_file(path: Path, schema_file: str, *, accept_partial: bool) -> FileReport:
    report = FileReport(name=path.name)
    if not path.exists():
        report.missing = True
        return report
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        report.problems.append(RecordProblem(index=-1, record_id="", field="(file)", message=f"not JSON: {error}"))
        report.rejected = True
        return report
    return _import_records(path.name, records, schema_file, accept_partial=accept_partial)


def _import_records(name: str, records, schema_file: str, *, accept_partial: bool) -> FileReport:
    report = FileReport(name=name)
    if not isinstance(records, list):
        report.problems.append(RecordProblem(index=-1, record_id="", field="(file)",
                                             message="must be a JSON array of records"))
        report.rejected = True
        return report
    report.records = len(records)
    valid = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            report.problems.append(RecordProblem(index, "", "(record)", "must be a JSON object"))
            continue
        problems = schema_errors(record, schema_file)
        if not problems and name in CHECKS:
            problems = CHECKS[name](record)
        for field_path, message in problems:
            report.problems.append(RecordProblem(index, str(record.get("id", "")), field_path, message))
        if not problems:
            valid.append(record)
    if report.problems and not accept_partial:
        report.rejected = True
        return report
    with transaction.atomic():
        for record in valid:
            WRITERS[name](record)
    report.imported = len(valid)
    return report


def import_directory(directory: Path, *, accept_partial: bool = False) -> ImportReport:
    """Import the HSDS JSON files of `directory` (or its tabular CSV package) in dependency order and
    reindex what was imported."""
    load_taxonomies()
    report = ImportReport()
    if not (directory / "services.json").exists() and hsds_tabular.is_package(directory):
        package = hsds_tabular.read_package(directory)
        report.package_problems = [problem.line() for problem in package.problems]
        if report.package_problems and not accept_partial:
            report.package_rejected = True
            return report
        for name, schema_file in FILES.items():
            if name in package.records:
                report.files.append(_import_records(name, package.records[name], schema_file,
                                                    accept_partial=accept_partial))
            else:
                report.files.append(FileReport(name=name, missing=True))
    else:
        for name, schema_file in FILES.items():
            report.files.append(_import_file(directory / name, schema_file, accept_partial=accept_partial))
    with transaction.atomic():
        for entry in DirectoryOrganisation.objects.all():
            search.index_entry(entry)
        for service in Service.objects.all():
            search.index_entry(service)
    return report
