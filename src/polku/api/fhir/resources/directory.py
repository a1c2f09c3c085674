"""Organization (Polku's organisations), Location and HealthcareService (the network directory's, HSDS-shaped).

Public reference data: no client data, so nothing is access-logged; any principal with the read scope sees it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q

from polku.api.fhir.resources.base import (
    CS,
    ResourceType,
    SearchResult,
    codeable,
    drop_empty,
    language,
    not_found,
    numeric,
    ref,
    register,
)
from polku.api.fhir.search import Params, bad_value, int_id, reference_id
from polku.core.models import Organisation
from polku.directory.models import Location, Service
from polku.directory.models.services import ServiceStatus

# The Finnish business ID (Y-tunnus) OID.
BUSINESS_ID_SYSTEM = "urn:oid:1.2.246.10"
HSDS_SYSTEM = "https://openreferral.org/hsds/id"


def organization(organisation: Organisation) -> dict[str, Any]:
    aliases = [name for name in (organisation.name_sv, organisation.name_en) if name]
    return drop_empty({
        "resourceType": "Organization", "id": str(organisation.pk), "active": True,
        "identifier": [{"system": BUSINESS_ID_SYSTEM, "value": organisation.business_id}]
        if organisation.business_id else [],
        "type": [codeable(f"{CS}/organisation-type", organisation.type, organisation.get_type_display())],
        "name": organisation.name, "alias": aliases,
        "partOf": ref("Organization", organisation.parent_id) if organisation.parent_id else None,
    })


@register
class OrganizationType(ResourceType):
    name = "Organization"
    client_data = False
    search_params = {"_id": "token", "name": "string", "identifier": "token", "type": "token", "partof": "reference"}

    def read(self, *, viewer, ident: str) -> dict[str, Any]:
        found = Organisation.objects.filter(pk=numeric(self.name, ident)).first()
        if found is None:
            raise not_found(self.name, ident)
        return organization(found)

    def search(self, *, viewer, params: Params) -> SearchResult:
        rows = Organisation.objects.order_by("name", "pk")
        if params.get("_id"):
            rows = rows.filter(pk__in=[int_id("_id", v) for v in params.get("_id").split(",")])
        for term in params.all("name"):
            rows = rows.filter(Q(name__icontains=term) | Q(name_sv__icontains=term) | Q(name_en__icontains=term))
        for value in params.all("identifier"):
            rows = rows.filter(business_id=value.rpartition("|")[2])
        for value in params.all("type"):
            rows = rows.filter(type__in=[code.rpartition("|")[2] for code in value.split(",")])
        for value in params.all("partof"):
            rows = rows.filter(parent_id=int_id("partof", reference_id("partof", value, "Organization")))
        return SearchResult(rows=rows, to_fhir=organization)


def _uuid(resource_type: str, ident: str) -> uuid.UUID:
    try:
        return uuid.UUID(ident)
    except ValueError:
        raise not_found(resource_type, ident) from None


def location(place: Location) -> dict[str, Any]:
    address = drop_empty({"line": [place.address_1] if place.address_1 else [], "postalCode": place.postal_code,
                          "city": place.municipality.name_fi if place.municipality_id else "", "country": "FI"})
    position = ({"latitude": place.latitude, "longitude": place.longitude}
                if place.latitude is not None and place.longitude is not None else None)
    return drop_empty({
        "resourceType": "Location", "id": str(place.uuid), "status": "active", "name": place.name_fi,
        "alias": [name for name in (place.name_sv, place.name_en) if name],
        "mode": "instance",
        "physicalType": codeable("http://terminology.hl7.org/CodeSystem/location-physical-type", "bu", "Building")
        if place.location_type == "physical" else None,
        "address": address if place.location_type != "virtual" else None,
        "position": position,
        "managingOrganization": ref("Organization", place.organisation.organisation_id)
        if place.organisation_id else None,
        "description": place.transportation_fi,
    })


@register
class LocationType(ResourceType):
    name = "Location"
    client_data = False
    search_params = {"_id": "token", "name": "string", "address-city": "string", "organization": "reference"}

    def _rows(self):
        return Location.objects.select_related("municipality", "organisation").order_by("name_fi", "pk")

    def read(self, *, viewer, ident: str) -> dict[str, Any]:
        found = self._rows().filter(uuid=_uuid(self.name, ident)).first()
        if found is None:
            raise not_found(self.name, ident)
        return location(found)

    def search(self, *, viewer, params: Params) -> SearchResult:
        rows = self._rows()
        if params.get("_id"):
            rows = rows.filter(uuid__in=[_search_uuid("_id", v) for v in params.get("_id").split(",")])
        for term in params.all("name"):
            rows = rows.filter(Q(name_fi__icontains=term) | Q(name_sv__icontains=term) | Q(name_en__icontains=term))
        for term in params.all("address-city"):
            rows = rows.filter(Q(municipality__name_fi__istartswith=term) | Q(municipality__name_sv__istartswith=term))
        for value in params.all("organization"):
            rows = rows.filter(organisation__organisation_id=int_id(
                "organization", reference_id("organization", value, "Organization")))
        return SearchResult(rows=rows, to_fhir=location)


def _search_uuid(name: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise bad_value(name, value) from None


def healthcare_service(service: Service) -> dict[str, Any]:
    categories = [codeable(term.taxonomy.uri or f"{CS}/service-type", term.code, term.name_fi)
                  for term in service.service_types.all()]
    telecom = [{"system": "phone", "value": phone.number} for phone in service.phones.all()]
    if service.email:
        telecom.append({"system": "email", "value": service.email})
    if service.url:
        telecom.append({"system": "url", "value": service.url})
    return drop_empty({
        "resourceType": "HealthcareService", "id": str(service.uuid),
        "identifier": [{"system": HSDS_SYSTEM, "value": str(service.uuid)}],
        "active": service.status == ServiceStatus.ACTIVE,
        "providedBy": ref("Organization", service.organisation.organisation_id),
        "type": categories,
        "location": [ref("Location", link.location.uuid) for link in service.service_at_locations.all()],
        "name": service.name_fi, "comment": service.description_fi[:1000],
        "telecom": telecom,
        "eligibility": [{"comment": service.eligibility_description_fi}] if service.eligibility_description_fi
        else [],
        "communication": [language(row.code)["language"] for row in service.languages.all()],
        "program": [{"text": term.name_fi} for term in service.target_groups.all()],
        "appointmentRequired": None,
    })


@register
class HealthcareServiceType(ResourceType):
    name = "HealthcareService"
    client_data = False
    search_params = {"_id": "token", "name": "string", "organization": "reference", "location": "reference",
                     "active": "token", "language": "token"}

    def _rows(self):
        return (Service.objects.select_related("organisation")
                .prefetch_related("service_types__taxonomy", "target_groups", "phones", "languages",
                                  "service_at_locations__location")
                .order_by("name_fi", "pk"))

    def read(self, *, viewer, ident: str) -> dict[str, Any]:
        found = self._rows().filter(uuid=_uuid(self.name, ident)).first()
        if found is None:
            raise not_found(self.name, ident)
        return healthcare_service(found)

    def search(self, *, viewer, params: Params) -> SearchResult:
        rows = self._rows()
        if params.get("_id"):
            rows = rows.filter(uuid__in=[_search_uuid("_id", v) for v in params.get("_id").split(",")])
        for term in params.all("name"):
            rows = rows.filter(Q(name_fi__icontains=term) | Q(name_sv__icontains=term) | Q(name_en__icontains=term))
        for value in params.all("organization"):
            rows = rows.filter(organisation__organisation_id=int_id(
                "organization", reference_id("organization", value, "Organization")))
        for value in params.all("location"):
            rows = rows.filter(service_at_locations__location__uuid=_search_uuid(
                "location", reference_id("location", value, "Location")))
        for value in params.all("active"):
            if value not in ("true", "false"):
                            raise bad_value("active", value)
            status = Q(status=ServiceStatus.ACTIVE)
            rows = rows.filter(status if value == "true" else ~status)
        for value in params.all("language"):
            rows = rows.filter(languages__code__in=[code.rpartition("|")[2] for code in value.split(",")])
        return SearchResult(rows=rows.distinct(), to_fhir=healthcare_service)
