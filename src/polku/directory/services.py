"""Writes for the directory: creating and curating entries, with HSDS-style history and reindexing.

Every write records who, when and what in ChangeRecord (one row per changed field) and reindexes the
entry for search in the same transaction, so the history and the index can never miss a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.core.errors import DomainError
from polku.core.models import Area, Municipality, Organisation, User
from polku.directory import search
from polku.directory.inputs import (
    CostOptionInput,
    LanguageInput,
    LocationInput,
    PhoneInput,
    ScheduleInput,
    ServiceInput,
    Texts,
)
from polku.directory.languages import validate_language_code, validate_language_codes
from polku.directory.models import (
    ChangeAction,
    ChangeRecord,
    CostOption,
    DirectoryOrganisation,
    Expert,
    LanguageProvision,
    Location,
    NetworkMember,
    Phone,
    Project,
    Publication,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyCode,
    TaxonomyTerm,
    Training,
)

SYSTEM_ACTOR = "polku"  # updated_by for the seed loader and other writes without a person behind them
RESOURCE_TYPES: dict[type[models.Model], str] = {
    Service: "service", DirectoryOrganisation: "organization", Location: "location", Project: "project",
    Training: "training", Publication: "publication", Expert: "expert", NetworkMember: "network_member",
}
TEXT = ("fi", "sv", "en")
EDITABLE: dict[type[models.Model], tuple[str, ...]] = {
    Service: tuple(f"{name}_{code}" for name in ("name", "description", "application_process", "fees_description",
                                                 "eligibility_description", "interpretation_services")
                   for code in TEXT) + ("url", "email", "status", "interpretation_available", "minimum_age",
                                        "maximum_age"),
    Project: ("name", "short_name", "recipient", "region", "period", "budget_band", "programme_fi", "programme_en")
    + tuple(f"{name}_{code}" for name in ("description", "results", "good_practices", "transfer") for code in TEXT),
    Training: tuple(f"{name}_{code}" for name in ("name", "description") for code in TEXT)
    + ("format", "duration", "url", "provider", "self_help"),
    Publication: ("title", "authors", "year", "venue", "url", "description_fi", "description_sv", "description_en"),
    Expert: ("name", "profession", "takes_consultations", "description_fi", "description_sv", "description_en"),
    NetworkMember: ("description_fi", "description_sv", "description_en"),
    DirectoryOrganisation: ("description_fi", "description_sv", "description_en", "website", "email"),
}
TERM_FIELDS: dict[type[models.Model], dict[str, str]] = {
    Service: {"service_types": TaxonomyCode.SERVICE_TYPE, "target_groups": TaxonomyCode.TARGET_GROUP},
    Project: {"target_groups": TaxonomyCode.TARGET_GROUP, "methods": TaxonomyCode.METHOD},
    Training: {"topics": TaxonomyCode.SERVICE_TYPE},
    Publication: {"topics": TaxonomyCode.SERVICE_TYPE},
    Expert: {"topics": TaxonomyCode.SERVICE_TYPE},
}
LANGUAGE_FIELDS = {Training: "languages", Expert: "languages"}


# --- History ---------------------------------------------------------------------------------------

def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set):
        return ", ".join(str(item) for item in value)
    return str(value)


def record_change(*, actor: User | None, entry: models.Model, action: str, field_name: str = "",
                  previous="", replacement="") -> ChangeRecord:
    """One history row in HSDS metadata shape; the caller's transaction holds it with the change."""
    return ChangeRecord.objects.create(
        resource_type=RESOURCE_TYPES[type(entry)], resource_uuid=entry.uuid, action=action, field_name=field_name,
        previous_value=_as_text(previous), replacement_value=_as_text(replacement),
        updated_by=actor.username if actor else SYSTEM_ACTOR, actor=actor)


def _record_created(actor: User | None, entry: models.Model, label: str) -> None:
    record_change(actor=actor, entry=entry, action=ChangeAction.CREATE, replacement=label)


# --- Lookups that turn codes into rows, naming the field on failure -------------------------------

def _terms(codes: Iterable[str], taxonomy: str, *, field: str) -> list[TaxonomyTerm]:
    codes = list(dict.fromkeys(codes))
    terms = {term.code: term for term in TaxonomyTerm.objects.filter(taxonomy__code=taxonomy, code__in=codes)}
    unknown = [code for code in codes if code not in terms]
    if unknown:
        raise DomainError("unknown_term", _("Unknown choice: %(codes)s.") % {"codes": ", ".join(unknown)},
                          field=field, params={"codes": unknown})
    return [terms[code] for code in codes]


def _municipalities(codes: Iterable[str], *, field: str = "municipalities") -> list[Municipality]:
    codes = list(dict.fromkeys(codes))
    found = {m.code: m for m in Municipality.objects.select_related("area").filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise DomainError("unknown_municipality",
                          _("No municipality has the code %(codes)s.") % {"codes": ", ".join(unknown)},
                          field=field, params={"codes": unknown})
    return [found[code] for code in codes]


def _areas(codes: Iterable[str], *, field: str = "areas") -> list[Area]:
    codes = list(dict.fromkeys(codes))
    found = {a.code: a for a in Area.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise DomainError("unknown_area", _("No wellbeing services area has the code %(codes)s.")
                          % {"codes": ", ".join(unknown)}, field=field, params={"codes": unknown})
    return [found[code] for code in codes]


def _texts(prefix: str, texts: Texts) -> dict[str, str]:
    return {f"{prefix}_{code}": (getattr(texts, code) or "").strip() for code in TEXT}


def _clean(entry: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """Model validation mapped to one DomainError naming the first field at fault."""
    try:
        entry.full_clean(exclude=list(exclude), validate_unique=True, validate_constraints=True)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError("invalid_value", messages[0], field=None if field == "__all__" else field) from None


# --- Organisations and locations --------------------------------------------------------------------

@transaction.atomic
def create_directory_organisation(*, actor: User | None, organisation: Organisation, description: Texts,
                                  website: str = "", email: str = "", is_demo: bool = False,
                                  last_verified: dt.date | None = None) -> DirectoryOrganisation:
    """Put an organisation into the services directory (HSDS organization)."""
    entry = DirectoryOrganisation(organisation=organisation, website=website, email=email, is_demo=is_demo,
                                  last_verified=last_verified, **_texts("description", description))
    _clean(entry, exclude=["organisation"])
    entry.save()
    _record_created(actor, entry, organisation.name)
    search.index_entry(entry)
    return entry


@transaction.atomic
def create_location(*, actor: User | None, organisation: DirectoryOrganisation | None,
                    data: LocationInput) -> Location:
    """A place where services are given; its municipality must exist."""
    municipality = _municipalities([data.municipality_code], field="municipality")[0]
    location = Location(organisation=organisation, municipality=municipality, location_type=data.location_type,
                        address_1=data.address_1, postal_code=data.postal_code, latitude=data.latitude,
                        longitude=data.longitude, is_demo=data.is_demo, last_verified=data.last_verified,
                        **_texts("name", data.name), **_texts("transportation", data.transportation))
    _clean(location, exclude=["organisation", "municipality"])
    location.save()
    _record_created(actor, location, location.name_fi)
    return location


# --- Services -----------------------------------------------------------------------------------------

def _replace_languages(service: Service, languages: Sequence[LanguageInput]) -> list[str]:
    rows = []
    for item in languages:
        code = validate_language_code(item.code, field="languages")
        if item.provision not in LanguageProvision.values:
            raise DomainError("invalid_value", _("Choose how the language is provided."), field="languages")
        rows.append(ServiceLanguage(service=service, code=code, provision=item.provision))
    service.languages.all().delete()
    ServiceLanguage.objects.bulk_create({(row.code, row.provision): row for row in rows}.values())
    return sorted(f"{row.code}:{row.provision}" for row in rows)


def _replace_areas(service: Service, *, municipality_codes: Sequence[str], area_codes: Sequence[str]) -> list[str]:
    municipalities = _municipalities(municipality_codes, field="service_areas")
    areas = _areas(area_codes, field="service_areas")
    service.service_areas.all().delete()
    ServiceArea.objects.bulk_create([ServiceArea(service=service, municipality=m) for m in municipalities]
                                    + [ServiceArea(service=service, area=a) for a in areas])
    return [f"municipality:{m.code}" for m in municipalities] + [f"area:{a.code}" for a in areas]


def _replace_cost_options(service: Service, options: Sequence[CostOptionInput]) -> bool:
    for option in options:
        if option.amount is not None and option.amount < 0:
            raise DomainError("invalid_value", _("A cost cannot be negative."), field="cost_options")
    service.cost_options.all().delete()
    CostOption.objects.bulk_create(CostOption(service=service, option=o.option, amount=o.amount,
                                              amount_description=o.amount_description) for o in options)
    # Free when there is a price and every price is zero; no cost option at all means "not known".
    return bool(options) and all(o.amount is not None and o.amount == Decimal(0) for o in options)


def _add_phones(*, service=None, location=None, phones: Sequence[PhoneInput]) -> None:
    for phone in phones:
        Phone.objects.create(service=service, location=location, number=phone.number, type=phone.type,
                             languages=validate_language_codes(phone.languages, field="phones"),
                             **_texts("description", phone.description))


def _add_schedules(*, service=None, location=None, schedules: Sequence[ScheduleInput]) -> None:
    for schedule in schedules:
        Schedule.objects.create(service=service, location=location, freq=schedule.freq, byday=schedule.byday,
                                opens_at=schedule.opens_at, closes_at=schedule.closes_at,
                                **_texts("description", schedule.description))


@transaction.atomic
def create_service(*, actor: User | None, organisation: DirectoryOrganisation, data: ServiceInput,
                   locations: Sequence[Location] = ()) -> Service:
    """A service with its languages, areas, costs, phones, schedules, documents and locations."""
    service = Service(organisation=organisation, url=data.url, email=data.email, status=data.status,
                      interpretation_available=data.interpretation_available, minimum_age=data.minimum_age,
                      maximum_age=data.maximum_age, is_demo=data.is_demo, last_verified=data.last_verified,
                      **_texts("name", data.name), **_texts("description", data.description),
                      **_texts("application_process", data.application_process),
                      **_texts("fees_description", data.fees_description),
                      **_texts("eligibility_description", data.eligibility_description),
                      **_texts("interpretation_services", data.interpretation_services))
    _clean(service, exclude=["organisation"])
    service.save()
    service.service_types.set(_terms(data.service_types, TaxonomyCode.SERVICE_TYPE, field="service_types"))
    service.target_groups.set(_terms(data.target_groups, TaxonomyCode.TARGET_GROUP, field="target_groups"))
    _replace_languages(service, data.languages)
    _replace_areas(service, municipality_codes=data.municipality_codes, area_codes=data.area_codes)
    service.free_of_charge = _replace_cost_options(service, data.cost_options)
    service.save(update_fields=["free_of_charge"])
    _add_phones(service=service, phones=data.phones)
    _add_schedules(service=service, schedules=data.schedules)
    for document in data.required_documents:
        RequiredDocument.objects.create(service=service, **_texts("document", document))
    for location in locations:
        ServiceAtLocation.objects.create(service=service, location=location)
    _record_created(actor, service, service.name_fi)
    search.index_entry(service)
    return service


@transaction.atomic
def set_service_languages(*, actor: User, service: Service, languages: Sequence[LanguageInput]) -> Service:
    """Replace a service's languages; every code must be ISO 639-1 or ISO 639-3."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    previous = sorted(f"{row.code}:{row.provision}" for row in service.languages.all())
    current = _replace_languages(service, languages)
    if previous != current:
        record_change(actor=actor, entry=service, action=ChangeAction.UPDATE, field_name="languages",
                      previous=previous, replacement=current)
    search.index_entry(service)
    return service


@transaction.atomic
def set_service_areas(*, actor: User, service: Service, municipality_codes: Sequence[str] = (),
                      area_codes: Sequence[str] = ()) -> Service:
    """Replace where a service is offered; a code naming no municipality or area is refused."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    previous = [f"municipality:{a.municipality.code}" if a.municipality_id else f"area:{a.area.code}"
                for a in service.service_areas.select_related("municipality", "area")]
    current = _replace_areas(service, municipality_codes=municipality_codes, area_codes=area_codes)
    if previous != current:
        record_change(actor=actor, entry=service, action=ChangeAction.UPDATE, field_name="service_areas",
                      previous=previous, replacement=current)
    search.index_entry(service)
    return service


@transaction.atomic
def set_cost_options(*, actor: User, service: Service, options: Sequence[CostOptionInput]) -> Service:
    """Replace the cost options; `free_of_charge` follows them."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    previous = service.free_of_charge
    service.free_of_charge = _replace_cost_options(service, options)
    service.save(update_fields=["free_of_charge"])
    record_change(actor=actor, entry=service, action=ChangeAction.UPDATE, field_name="cost_options",
                  previous=previous, replacement=service.free_of_charge)
    search.index_entry(service)
    return service


# --- Curation of any entry ------------------------------------------------------------------------------

@transaction.atomic
def update_entry(*, actor: User, entry: models.Model, changes: Mapping[str, object]):
    """Change fields of a directory entry; one history row per field whose value really changed."""
    model = type(entry)
    editable, term_fields = EDITABLE.get(model, ()), TERM_FIELDS.get(model, {})
    language_field = LANGUAGE_FIELDS.get(model)
    unknown = [name for name in changes if name not in editable and name not in term_fields
               and name != language_field]
    if unknown:
        raise DomainError("not_editable", _("This field cannot be changed here."), field=unknown[0])
    entry = model.objects.select_for_update().get(pk=entry.pk)
    history = []
    for name, value in changes.items():
        if name in term_fields:
            terms = _terms(value, term_fields[name], field=name)
            before = sorted(getattr(entry, name).values_list("code", flat=True))
            after = sorted(term.code for term in terms)
            if before != after:
                getattr(entry, name).set(terms)
                history.append((name, before, after))
            continue
        if name == language_field:
            value = validate_language_codes(value, field=name)
        before = getattr(entry, name)
        if isinstance(value, str):
            value = value.strip()
        if before != value:
            setattr(entry, name, value)
            history.append((name, before, value))
    _clean(entry, exclude=[f.name for f in model._meta.fields if f.is_relation])
    entry.save()
    for name, before, after in history:
        record_change(actor=actor, entry=entry, action=ChangeAction.UPDATE, field_name=name,
                      previous=before, replacement=after)
    search.index_entry(entry)
    return entry


@transaction.atomic
def verify_entry(*, actor: User, entry: models.Model, on: dt.date | None = None):
    """Mark an entry checked as correct today (or `on`); entries unverified for 12 months go stale."""
    entry = type(entry).objects.select_for_update().get(pk=entry.pk)
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise DomainError("verified_in_future", _("The verification date cannot be in the future."),
                          field="last_verified")
    previous, entry.last_verified = entry.last_verified, on
    entry.save(update_fields=["last_verified"])
    record_change(actor=actor, entry=entry, action=ChangeAction.VERIFY, field_name="last_verified",
                  previous=previous, replacement=on.isoformat())
    return entry


@transaction.atomic
def curate_service(*, actor: User, service: Service, changes: Mapping[str, object],
                   languages: Sequence[LanguageInput], municipality_codes: Sequence[str],
                   area_codes: Sequence[str]) -> Service:
    """One coordinator's edit of a service: fields, languages and areas together, or nothing."""
    service = update_entry(actor=actor, entry=service, changes=changes)
    set_service_languages(actor=actor, service=service, languages=languages)
    return set_service_areas(actor=actor, service=service, municipality_codes=municipality_codes,
                             area_codes=area_codes)
