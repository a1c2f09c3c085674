"""What every resource type of the facade provides, the registry, and small mapping helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from polku.api.fhir.outcome import FhirError
from polku.api.fhir.search import Params, int_id, reference_id
from polku.casework.models import Client
from polku.casework.selectors import visible_clients
from polku.casework.selectors.clients import client_reference
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, AccessBasis, User

POLKU = "https://polku.example/fhir"
SD = f"{POLKU}/StructureDefinition"
CS = f"{POLKU}/CodeSystem"
SID = f"{POLKU}/sid"
BCP47 = "urn:ietf:bcp:47"


@dataclass
class SearchResult:
    """Rows that matched (a queryset or list), how to map one, and how the rows' clients are logged.

    `client_of` gives the client id of a row for the access log of a list read; None when the rows hold no
    client data or the search already went through `require_client_access` for its one client.
    """

    rows: QuerySet | list
    to_fhir: Callable[[Any], dict[str, Any]]
    client_of: Callable[[Any], int] | None = None
    log_basis: str = AccessBasis.CARE_RELATIONSHIP


class ResourceType:
    """One FHIR resource type: read by id, search, and (for some) create."""

    name: ClassVar[str]
    search_params: ClassVar[dict[str, str]] = {}  # name -> FHIR search parameter type
    client_data: ClassVar[bool] = True
    creatable: ClassVar[bool] = False
    # A write service's DomainError.field -> the FHIR element the client should correct.
    field_elements: ClassVar[dict[str, str]] = {}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        raise NotImplementedError

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        raise NotImplementedError

    def create(self, *, viewer: User, resource: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


REGISTRY: dict[str, ResourceType] = {}


def register(cls: type[ResourceType]) -> type[ResourceType]:
    REGISTRY[cls.name] = cls()
    return cls


def not_found(resource_type: str, ident: str) -> FhirError:
    """The same 404 for "does not exist" and "not yours", so that no client's existence leaks."""
    return FhirError(404, "not-found", _("%(type)s/%(id)s is not known.") % {"type": resource_type, "id": ident})


def numeric(resource_type: str, ident: str) -> int:
    """A numeric id of a read; anything else is simply not there (404), not a malformed request."""
    if not ident.isdigit() or len(ident) > 18:
        raise not_found(resource_type, ident)
    return int(ident)


def ref(resource_type: str, ident: Any, display: str = "") -> dict[str, str]:
    reference = {"reference": f"{resource_type}/{ident}"}
    if display:
        reference["display"] = display
    return reference


def instant(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def language(code: str, *, preferred: bool | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"language": {"coding": [{"system": BCP47, "code": code}]}}
    if preferred is not None:
        entry["preferred"] = preferred
    return entry


def codeable(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def drop_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty values: leave out None, "" and empty lists or objects."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


def patient_id(name: str, value: str) -> int:
    return int_id(name, reference_id(name, value, "Patient"))


@dataclass(frozen=True)
class ClientScope:
    """The clients a search may show, and whether reading them is already logged."""

    ids: Any  # a values("pk") queryset of the viewer's clients, or a list with the one client named
    logged: bool

    def apply(self, rows: QuerySet, client_field: str = "client_id") -> QuerySet:
        return rows.filter(**{f"{client_field}__in": self.ids})

    def client_of(self, get: Callable[[Any], int]) -> Callable[[Any], int] | None:
        return None if self.logged else get


def client_scope(*, viewer: User, params: Params, object_type: str, name: str = "patient") -> ClientScope:
    """The one client a `patient` parameter names (through the access core, which logs it; a refusal leaves
    nothing to show) or every client of the viewer's care relationships (the caller logs the page it shows).
    """
    value = params.get(name)
    if value is None:
        if not viewer.has_perm("core.work_with_clients"):
            return ClientScope(ids=[], logged=True)
        return ClientScope(ids=visible_clients(viewer=viewer).values("pk"), logged=False)
    client_id = patient_id(name, value)
    try:
        access.require_client_access(actor=viewer, client_id=client_id, action=AccessAction.READ,
                                     object_type=object_type, object_id=client_id)
    except AccessDenied:
        return ClientScope(ids=[], logged=True)
    return ClientScope(ids=[client_id], logged=True)


def client_for_write(*, resource: dict[str, Any], element: str) -> Client:
    """The client a posted resource is about (keys only: the write service checks and logs the access)."""
    value = resource.get(element)
    reference = value.get("reference") if isinstance(value, dict) else None
    if not isinstance(reference, str) or not reference.startswith("Patient/"):
        raise FhirError(422, "required", _("%(element)s must reference a Patient (Patient/<id>).")
                        % {"element": f"{resource.get('resourceType')}.{element}"},
                        expression=[f"{resource.get('resourceType')}.{element}"])
    return client_by_reference(reference, expression=f"{resource.get('resourceType')}.{element}")


def client_by_reference(reference: str, *, expression: str) -> Client:
    ident = reference.split("/", 1)[1]
    if not ident.isdigit() or len(ident) > 18:
        raise FhirError(422, "invalid", _("%(reference)s is not a Patient of Polku.") % {"reference": reference},
                        expression=[expression])
    try:
        return client_reference(client_id=int(ident))
    except AccessDenied:
        # The same answer as a refused access check, so that nobody probes which client ids exist.
        raise not_found("Patient", ident) from None


def aware_datetime(resource: dict[str, Any], element: str, *, required: bool = False) -> datetime | None:
    """A dateTime element with its time zone; 422 naming the element when missing (if required), partial or naive."""
    raw = resource.get(element)
    path = f"{resource.get('resourceType')}.{element}"
    if raw in (None, ""):
        if required:
            raise FhirError(422, "required", _("%(element)s is required.") % {"element": path}, expression=[path])
        return None
    try:
        value = parse_datetime(str(raw))
    except ValueError:
        value = None
    if value is None or timezone.is_naive(value):
        raise FhirError(422, "invalid", _("%(element)s must be a date and time with a time zone, e.g. "
                                          "2026-05-04T09:30:00+03:00.") % {"element": path}, expression=[path])
    return value

