"""Open Referral HSDS 3.0 JSON export (and the schema validation shared with the import).

`export_directory(dir)` writes one JSON array per top-level HSDS object: `taxonomies.json`,
`taxonomy_terms.json`, `organizations.json`, `locations.json`, `services.json` (services nest their
phones, schedules, service areas, service-at-locations, languages, cost options, required documents,
contacts, attributes and metadata, as the HSDS 3.0 API does). Every record validates against the
schemas in data/hsds-3.0.

Polku keeps more than one HSDS record can hold; the rest travels in HSDS `attributes`:
* Swedish and English texts: taxonomy "polku-translation", term sv/en, `link_type` = the field name;
* service types and target groups: Polku taxonomy terms (`link_type` "service_type" / "eligibility"),
  plus the Open Eligibility term each Polku service type matches (derived, so not imported back);
* `polku:interpretation_available` and `polku:demo` flags.
Field-level history is HSDS `metadata`. Sub-objects that Polku does not store as rows (attributes,
addresses) get name-based UUIDs (uuid5), so that export → import → export gives identical files.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from polku.directory.languages import language_name
from polku.directory.models import (
    ChangeRecord,
    DirectoryOrganisation,
    Location,
    Service,
    Taxonomy,
    TaxonomyCode,
    TaxonomyTerm,
)

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "hsds-3.0"
NAMESPACE = uuid.UUID("6f1c6a52-3c1e-4d0e-9a57-2f0d8a1b7c10")  # Polku's namespace for derived HSDS ids
FILES = {  # file -> schema, in import order
    "taxonomies.json": "taxonomy.json",
    "taxonomy_terms.json": "taxonomy_term.json",
    "organizations.json": "organization.json",
    "locations.json": "location.json",
    "services.json": "service.json",
}
FLAG_INTERPRETATION = "polku:interpretation_available"
FLAG_DEMO = "polku:demo"
FLAG_VERIFIED = "polku:last_verified"
AREA_URI = "urn:polku:area:"
MUNICIPALITY_URI = "urn:fi:municipality:"


def derived_id(*parts) -> str:
    """A stable UUID for a sub-object Polku does not store as a row."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def taxonomy_uuid(code: str) -> uuid.UUID:
    """The same UUID for a Polku taxonomy in every database."""
    return uuid.uuid5(NAMESPACE, f"taxonomy:{code}")


def term_uuid(taxonomy_code: str, code: str) -> uuid.UUID:
    """The same UUID for a taxonomy term in every database (so exports from two Polkus agree)."""
    return uuid.uuid5(NAMESPACE, f"term:{taxonomy_code}:{code}")


# --- Schemas ----------------------------------------------------------------------------------------

@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(schema_file: str) -> Draft202012Validator:
    """A validator for one HSDS 3.0 object schema, resolving its references to the sibling schemas."""
    schema = json.loads((SCHEMA_DIR / schema_file).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def schema_errors(record: object, schema_file: str) -> list[tuple[str, str]]:
    """(field path, message) for every schema violation of one record, in a stable order."""
    errors = []
    for error in validator(schema_file).iter_errors(record):
        path = ".".join(str(part) for part in error.absolute_path) or "(record)"
        errors.append((path, error.message))
    return sorted(errors)


# --- Export -------------------------------------------------------------------------------------------

def _clean(record: dict) -> dict:
    """Leave out empty optional values: HSDS readers treat a missing field and an empty one alike."""
    return {key: value for key, value in record.items() if value not in ("", None, [])}


def _metadata(history: dict, resource_type: str, resource_uuid) -> list[dict]:
    return [{"id": str(row.uuid), "resource_id": str(resource_uuid), "resource_type": resource_type,
             "last_action_date": row.at.isoformat(), "last_action_type": row.action, "field_name": row.field_name,
             "previous_value": row.previous_value, "replacement_value": row.replacement_value,
             "updated_by": row.updated_by}
            for row in history.get((resource_type, resource_uuid), [])]


def _translations(obj, owner_id, entity: str, fields: dict[str, str], terms: dict) -> list[dict]:
    """Attributes carrying the Swedish and English versions of `fields` (HSDS field -> Polku prefix)."""
    attributes = []
    for hsds_field, prefix in fields.items():
        for code in ("sv", "en"):
            value = getattr(obj, f"{prefix}_{code}", "")
            if value:
                attributes.append({"id": derived_id(owner_id, "translation", hsds_field, code),
                                   "link_id": str(owner_id), "link_entity": entity, "link_type": hsds_field,
                                   "value": value,
                                   "taxonomy_term_id": str(terms[(TaxonomyCode.TRANSLATION, code)].uuid)})
    return attributes


def _flag(owner_id, entity: str, name: str) -> dict:
    return {"id": derived_id(owner_id, name), "link_id": str(owner_id), "link_entity": entity, "link_type": name,
            "value": "true"}


def _verified(entry, entity: str) -> list[dict]:
    if not entry.last_verified:
        return []
    return [{"id": derived_id(entry.uuid, FLAG_VERIFIED), "link_id": str(entry.uuid), "link_entity": entity,
             "link_type": FLAG_VERIFIED, "value": entry.last_verified.isoformat()}]


def _phones(phones, owner_key: str, owner_id) -> list[dict]:
    return [_clean({"id": str(phone.uuid), owner_key: str(owner_id), "number": phone.number, "type": phone.type,
                    "description": phone.description_fi,
                    "languages": [{"id": derived_id(phone.uuid, "language", code), "phone_id": str(phone.uuid),
                                   "code": code, "name": language_name(code, "en")} for code in phone.languages],
                    "attributes": _translations(phone, phone.uuid, "phone", {"description": "description"},
                                                _terms())})
            for phone in phones]


def _schedules(schedules, owner_key: str, owner_id) -> list[dict]:
    return [_clean({"id": str(item.uuid), owner_key: str(owner_id), "freq": item.freq, "byday": item.byday,
                    "opens_at": item.opens_at.strftime("%H:%M") if item.opens_at else "",
                    "closes_at": item.closes_at.strftime("%H:%M") if item.closes_at else "",
                    "description": item.description_fi,
                    "attributes": _translations(item, item.uuid, "schedule", {"description": "description"},
                                                _terms())})
            for item in schedules]


@cache
def _terms_cached(version: int) -> dict:
    return {(term.taxonomy.code, term.code): term for term in TaxonomyTerm.objects.select_related("taxonomy")}


def _terms() -> dict:
    return _terms_cached(TaxonomyTerm.objects.count())


def _history(resource_uuids=None) -> dict:
    """(resource type, uuid) -> its change records; all of them, or those of `resource_uuids` (a page of the API)."""
    history = defaultdict(list)
    rows = ChangeRecord.objects.order_by("at", "id")
    if resource_uuids is not None:
        rows = rows.filter(resource_uuid__in=list(resource_uuids))
    for row in rows:
        history[(row.resource_type, row.resource_uuid)].append(row)
    return history


def taxonomy_records() -> list[dict]:
    """HSDS taxonomy objects."""
    return [_clean({"id": str(t.uuid), "name": t.name, "description": t.description, "uri": t.uri,
                    "version": t.version}) for t in Taxonomy.objects.order_by("code")]


def taxonomy_term_records() -> list[dict]:
    """HSDS taxonomy_term objects (Finnish name; the term's description in English where Polku has one)."""
    terms = TaxonomyTerm.objects.select_related("taxonomy", "parent").order_by("taxonomy__code", "code")
    return [_clean({"id": str(term.uuid), "code": term.code, "name": term.name_fi, "language": "fi",
                    "description": term.description_en or term.description_fi or term.name_fi,
                    "taxonomy": term.taxonomy.code, "taxonomy_id": str(term.taxonomy.uuid),
                    "parent_id": str(term.parent.uuid) if term.parent_id else "", "term_uri": term.term_uri})
            for term in terms]


def organization_records(history: dict, entries=None) -> list[dict]:
    """HSDS organization objects for every organisation in the services directory (or those of `entries`)."""
    records = []
    entries = (DirectoryOrganisation.objects.all() if entries is None else entries).select_related(
        "organisation").prefetch_related("phones", "contacts")
    for entry in entries.order_by("uuid"):
        org = entry.organisation
        names = {"name_sv": org.name_sv, "name_en": org.name_en}
        attributes = _translations(entry, entry.uuid, "organization", {"description": "description"}, _terms())
        for code in ("sv", "en"):
            if names[f"name_{code}"]:
                attributes.insert(0, {"id": derived_id(entry.uuid, "translation", "name", code),
                                      "link_id": str(entry.uuid), "link_entity": "organization", "link_type": "name",
                                      "value": names[f"name_{code}"],
                                      "taxonomy_term_id": str(_terms()[(TaxonomyCode.TRANSLATION, code)].uuid)})
        if entry.is_demo:
            attributes.append(_flag(entry.uuid, "organization", FLAG_DEMO))
        attributes += _verified(entry, "organization")
        identifiers = [{"id": derived_id(entry.uuid, "business_id"), "organization_id": str(entry.uuid),
                        "identifier_scheme": "FI-YTJ", "identifier_type": "Y-tunnus", "identifier": org.business_id}
                       ] if org.business_id else []
        records.append(_clean({
            "id": str(entry.uuid), "name": org.name, "description": entry.description_fi, "email": entry.email,
            "website": entry.website, "organization_identifiers": identifiers,
            "phones": _phones(entry.phones.all(), "organization_id", entry.uuid),
            "contacts": [_clean({"id": str(c.uuid), "organization_id": str(entry.uuid), "name": c.name,
                                 "title": c.title, "department": c.department, "email": c.email})
                         for c in entry.contacts.all()],
            "attributes": attributes, "metadata": _metadata(history, "organization", entry.uuid)}))
    return records


def location_records(history: dict, locations=None) -> list[dict]:
    """HSDS location objects (all, or those of `locations`), with the municipality as the address's city."""
    records = []
    locations = (Location.objects.all() if locations is None else locations).select_related(
        "organisation", "municipality__area").prefetch_related("phones", "schedules")
    for location in locations.order_by("uuid"):
        addresses = []
        if location.municipality_id:
            addresses.append({"id": derived_id(location.uuid, "address"), "location_id": str(location.uuid),
                              "address_1": location.address_1, "city": location.municipality.name_fi,
                              "state_province": location.municipality.area.short_name_fi,
                              "postal_code": location.postal_code, "country": "FI", "address_type": "physical"})
        attributes = _translations(location, location.uuid, "location",
                                   {"name": "name", "transportation": "transportation"}, _terms())
        if location.is_demo:
            attributes.append(_flag(location.uuid, "location", FLAG_DEMO))
        attributes += _verified(location, "location")
        records.append(_clean({
            "id": str(location.uuid), "location_type": location.location_type, "name": location.name_fi,
            "organization_id": str(location.organisation.uuid) if location.organisation_id else "",
            "transportation": location.transportation_fi, "latitude": location.latitude,
            "longitude": location.longitude, "addresses": addresses,
            "phones": _phones(location.phones.all(), "location_id", location.uuid),
            "schedules": _schedules(location.schedules.all(), "location_id", location.uuid),
            "attributes": attributes, "metadata": _metadata(history, "location", location.uuid)}))
    return records


SERVICE_TEXTS = {"name": "name", "description": "description", "application_process": "application_process",
                 "fees_description": "fees_description", "eligibility_description": "eligibility_description",
                 "interpretation_services": "interpretation_services"}


def _service_attributes(service: Service) -> list[dict]:
    attributes = []
    for term in sorted(service.service_types.all(), key=lambda t: t.code):
        attributes.append({"id": derived_id(service.uuid, "term", term.uuid), "link_id": str(service.uuid),
                           "link_entity": "service", "link_type": "service_type", "value": term.code,
                           "taxonomy_term_id": str(term.uuid)})
        if term.external_match_id:
            match = term.external_match
            attributes.append({"id": derived_id(service.uuid, "match", term.uuid), "link_id": str(service.uuid),
                               "link_entity": "service", "link_type": "service_type", "value": match.code,
                               "taxonomy_term_id": str(match.uuid)})
    for term in sorted(service.target_groups.all(), key=lambda t: t.code):
        attributes.append({"id": derived_id(service.uuid, "term", term.uuid), "link_id": str(service.uuid),
                           "link_entity": "service", "link_type": "eligibility", "value": term.code,
                           "taxonomy_term_id": str(term.uuid)})
    attributes += _translations(service, service.uuid, "service", SERVICE_TEXTS, _terms())
    if service.interpretation_available:
        attributes.append(_flag(service.uuid, "service", FLAG_INTERPRETATION))
    if service.is_demo:
        attributes.append(_flag(service.uuid, "service", FLAG_DEMO))
    return attributes


def service_records(history: dict, services=None) -> list[dict]:
    """HSDS service objects (all, or those of `services`) with their nested parts."""
    records = []
    queryset = (Service.objects.all() if services is None else services).select_related(
        "organisation").prefetch_related(
        "service_types__external_match", "target_groups", "languages", "service_areas__municipality",
        "service_areas__area", "service_at_locations__location", "cost_options", "required_documents", "phones",
        "schedules", "contacts")
    for service in queryset.order_by("uuid"):
        sid = str(service.uuid)
        areas = []
        for item in sorted(service.service_areas.all(), key=lambda a: (a.area_id is not None, a.uuid)):
            if item.municipality_id:
                name, uri = item.municipality.name_fi, MUNICIPALITY_URI + item.municipality.code
            else:
                name, uri = item.area.short_name_fi, AREA_URI + item.area.code
            areas.append({"id": str(item.uuid), "service_id": sid, "name": name, "uri": uri,
                          "extent_type": "municipality" if item.municipality_id else "wellbeing_services_area"})
        records.append(_clean({
            "id": sid, "organization_id": str(service.organisation.uuid), "name": service.name_fi,
            "description": service.description_fi, "url": service.url, "email": service.email,
            "status": service.status, "interpretation_services": service.interpretation_services_fi,
            "application_process": service.application_process_fi,
            "fees_description": service.fees_description_fi,
            "eligibility_description": service.eligibility_description_fi,
            "minimum_age": service.minimum_age, "maximum_age": service.maximum_age,
            "assured_date": service.last_verified.isoformat() if service.last_verified else "",
            "phones": _phones(service.phones.all(), "service_id", sid),
            "schedules": _schedules(service.schedules.all(), "service_id", sid),
            "service_areas": areas,
            "service_at_locations": [{"id": str(sal.uuid), "service_id": sid, "location_id": str(sal.location.uuid)}
                                     for sal in sorted(service.service_at_locations.all(), key=lambda s: s.uuid)],
            "languages": [{"id": str(item.uuid), "service_id": sid, "code": item.code,
                           "name": language_name(item.code, "en"), "note": item.provision}
                          for item in service.languages.all()],
            "cost_options": [_clean({"id": str(item.uuid), "service_id": sid, "option": item.option,
                                     "amount": float(item.amount) if item.amount is not None else None,
                                     "currency": item.currency, "amount_description": item.amount_description})
                             for item in sorted(service.cost_options.all(), key=lambda c: c.uuid)],
            "required_documents": [_clean({"id": str(doc.uuid), "service_id": sid, "document": doc.document_fi,
                                           "uri": doc.uri,
                                           "attributes": _translations(doc, doc.uuid, "required_document",
                                                                       {"document": "document"}, _terms())})
                                   for doc in service.required_documents.all()],
            "contacts": [_clean({"id": str(c.uuid), "service_id": sid, "name": c.name, "title": c.title,
                                 "department": c.department, "email": c.email}) for c in service.contacts.all()],
            "attributes": _service_attributes(service), "metadata": _metadata(history, "service", service.uuid)}))
    return records


def export_records() -> dict[str, list[dict]]:
    """The whole HSDS export in memory: file name -> records."""
    history = _history()
    return {"taxonomies.json": taxonomy_records(), "taxonomy_terms.json": taxonomy_term_records(),
            "organizations.json": organization_records(history), "locations.json": location_records(history),
            "services.json": service_records(history)}


def dump(records: list[dict]) -> str:
    """Stable JSON text: sorted keys, two-space indent, UTF-8 characters kept."""
    return json.dumps(records, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export_directory(directory: Path) -> dict[str, int]:
    """Write the HSDS 3.0 export into `directory`; refuses to write a record that fails its schema."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, records in export_records().items():
        for index, record in enumerate(records):
            problems = schema_errors(record, FILES[name])
            if problems:
                raise ValueError(f"{name}[{index}] ({record.get('id')}) fails the HSDS schema: {problems}")
        (directory / name).write_text(dump(records), encoding="utf-8")
        counts[name] = len(records)
    return counts
