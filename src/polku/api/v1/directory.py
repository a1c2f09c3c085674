"""The services directory (HSDS-shaped organisations and services): public facts, read with `directory:read`.

The full HSDS 3.0 API lives at /api/hsds/; these are the compact lists Polku's own clients use.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from polku.api.auth import ApiAuth
from polku.api.common import PageParams, error_responses, page_body, paginate
from polku.core.errors import AccessDenied
from polku.directory.models import DirectoryOrganisation, Service

router = Router(tags=["directory"])
READ = ApiAuth({"directory:read"})
GET_ERRORS = error_responses(400, 401, 403, 404, 422, 429)


class DirectoryOrganisationOut(Schema):
    id: UUID = Field(..., alias="uuid")
    organisation_id: int
    name: str
    description: str
    website: str
    email: str
    last_verified: date | None


class OrganisationPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[DirectoryOrganisationOut]


class ServiceOut(Schema):
    id: UUID = Field(..., alias="uuid")
    organisation_id: UUID = Field(..., alias="organisation.uuid")
    name_fi: str
    name_sv: str
    name_en: str
    description_fi: str
    url: str
    email: str
    status: str
    interpretation_available: bool
    free_of_charge: bool
    minimum_age: int | None
    maximum_age: int | None
    last_verified: date | None


class ServicePage(Schema):
    count: int
    page: int
    per_page: int
    items: list[ServiceOut]


class DirectoryFilter(Schema):
    search: str = Field("", max_length=100, description="Part of the name.")


@router.get("/organisations", response={200: OrganisationPage, **GET_ERRORS}, auth=READ,
            summary="Organisations in the directory")
def list_organisations(request, filters: Query[DirectoryFilter], paging: Query[PageParams]):
    """Directory organisations by name (scope `directory:read`)."""
    rows = DirectoryOrganisation.objects.select_related("organisation").order_by("organisation__name", "pk")
    if filters.search.strip():
        term = filters.search.strip()
        rows = rows.filter(Q(organisation__name__icontains=term) | Q(organisation__name_sv__icontains=term)
                           | Q(organisation__name_en__icontains=term))
    page, total = paginate(rows, paging)
    return page_body(page, total, paging)


class ServiceFilter(DirectoryFilter):
    status: str | None = Field(None, max_length=20)
    interpretation_available: bool | None = None


@router.get("/services", response={200: ServicePage, **GET_ERRORS}, auth=READ, summary="Services in the directory")
def list_services(request, filters: Query[ServiceFilter], paging: Query[PageParams]):
    """Directory services by Finnish name (scope `directory:read`)."""
    rows = Service.objects.select_related("organisation").order_by("name_fi", "pk")
    term = filters.search.strip()
    if term:
        rows = rows.filter(Q(name_fi__icontains=term) | Q(name_sv__icontains=term) | Q(name_en__icontains=term))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.interpretation_available is not None:
        rows = rows.filter(interpretation_available=filters.interpretation_available)
    page, total = paginate(rows, paging)
    return page_body(page, total, paging)


@router.get("/services/{uuid:service_id}", response={200: ServiceOut, **GET_ERRORS}, auth=READ,
            summary="One service")
def service_detail(request, service_id: UUID):
    """One directory service (scope `directory:read`)."""
    service = Service.objects.select_related("organisation").filter(uuid=service_id).first()
    if service is None:
        raise AccessDenied("service_not_found", "No such service.")
    return service
