"""The Open Referral HSDS 3.0 API over Polku's services directory, as the specification's `openapi.json`
defines it: `/`, `/services`, `/services/{id}`, `/organizations`, `/organizations/{id}`,
`/service_at_locations`, `/service_at_locations/{id}`, `/taxonomies`, `/taxonomy_terms` (and their `{id}`).

The directory is public information (the public "find help" page shows the same services), so the API
needs no login. The records are the HSDS export's own (`polku.directory.hsds`), so the API, the JSON
files and the CSV package can never disagree. Bad parameters get an RFC 9457 problem-details answer.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Callable

from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from polku.directory import hsds
from polku.directory.models import (
    ChangeRecord,
    DirectoryOrganisation,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from polku.directory.search import SearchFilters, search

HSDS_VERSION = "3.0"
PROFILE = "https://docs.openreferral.org/en/latest/hsds/"
DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 200
KNOWN_PARAMETERS = {"search", "page", "per_page", "format", "taxonomy_term_id", "taxonomy_id", "organization_id",
                    "modified_after", "minimal", "full", "full_service", "top_only", "parent_id", "postcode",
                    "proximity"}


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter, self.message = parameter, message


def problem(request: HttpRequest, *, status: int, title: str, detail: str = "", errors=None) -> JsonResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=status, content_type="application/problem+json",
                        json_dumps_params={"ensure_ascii": False})


def hsds_view(function: Callable) -> Callable:
    """GET only; unknown or malformed parameters -> 400 problem details naming the parameter."""

    @require_GET
    def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        unknown = sorted(set(request.GET) - KNOWN_PARAMETERS)
        if unknown:
            return problem(request, status=400, title=_("Unsupported parameter"),
                           detail=_("This API does not know the parameter(s): %s") % ", ".join(unknown),
                           errors=[{"field": name, "message": _("unknown parameter")} for name in unknown])
        try:
            return function(request, *args, **kwargs)
        except BadParameter as error:
            return problem(request, status=400, title=_("Invalid parameter"), detail=error.message,
                           errors=[{"field": error.parameter, "message": error.message}])

    view.__name__ = function.__name__
    view.__doc__ = function.__doc__
    return view


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _int(request, name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
    text = request.GET.get(name)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(name, _("%(name)s must be a whole number, not “%(value)s”.") % {
            "name": name, "value": text}) from None
    if value < minimum or (maximum is not None and value > maximum):
        raise BadParameter(name, _("%(name)s must be between %(low)d and %(high)s.") % {
            "name": name, "low": minimum, "high": maximum if maximum is not None else "∞"})
    return value


def _bool(request, name: str) -> bool:
    text = (request.GET.get(name) or "").lower()
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1"):
        return True
    raise BadParameter(name, _("%(name)s must be true or false.") % {"name": name})


def _uuid(request, name: str) -> uuid.UUID | None:
    text = request.GET.get(name)
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise BadParameter(name, _("%(name)s must be an identifier (UUID).") % {"name": name}) from None


def _modified_after(request) -> dt.datetime | None:
    text = request.GET.get("modified_after")
    if not text:
        return None
    value = parse_datetime(text)
    if value is None and (day := parse_date(text)) is not None:
        value = dt.datetime.combine(day, dt.time.min)
    if value is None:
        raise BadParameter("modified_after", _("modified_after must be a date or date and time (ISO 8601)."))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def _check_format(request) -> None:
    if request.GET.get("format", "json") != "json":
        raise BadParameter("format", _("Only the json format is offered."))


def _page(request, queryset: QuerySet, to_records: Callable[[QuerySet], list[dict]]) -> JsonResponse:
    """The HSDS `Page` envelope around one page of records."""
    _check_format(request)
    per_page = _int(request, "per_page", DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PER_PAGE)
    page = _int(request, "page", 1, minimum=1)
    total = queryset.count()
    pages = max(1, math.ceil(total / per_page))
    start = (page - 1) * per_page
    ids = list(queryset.order_by("uuid").values_list("pk", flat=True)[start:start + per_page])
    contents = to_records(queryset.model.objects.filter(pk__in=ids)) if ids else []
    return _json({"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
                  "first_page": page == 1, "last_page": page >= pages, "empty": not contents,
                  "contents": contents})


def _modified_since(queryset: QuerySet, resource_type: str, since: dt.datetime | None) -> QuerySet:
    if since is None:
        return queryset
    changed = (ChangeRecord.objects.filter(resource_type=resource_type).values("resource_uuid")
               .annotate(last=Max("at")).filter(last__gte=since).values("resource_uuid"))
    return queryset.filter(uuid__in=changed)


def _search_ids(text: str, kind: str) -> list[int]:
    result = search(text, filters=SearchFilters(kinds=(kind,)), limit=10_000)
    return [hit.object_id for hit in result.hits if hit.kind == kind]


def _one_to_one(record: dict) -> dict:
    """A list item: the record's own fields without the nested arrays (HSDS `*_list` objects)."""
    return {key: value for key, value in record.items() if not isinstance(value, list)}


# --- Endpoints ------------------------------------------------------------------------------------------

@hsds_view
def root(request: HttpRequest) -> JsonResponse:
    """Information about this API."""
    return _json({"version": HSDS_VERSION, "profile": PROFILE,
                  "openapi_url": request.build_absolute_uri(reverse("hsds-openapi"))})


@hsds_view
def openapi(request: HttpRequest) -> JsonResponse:
    """The specification's openapi.json with this server as its server."""
    document = json.loads((hsds.SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    document["info"]["title"] = "Polku services directory — Open Referral HSDS 3.0 API"
    document["servers"] = [{"url": request.build_absolute_uri(reverse("hsds-root")).rstrip("/")}]
    return _json(document)


def _services(request: HttpRequest) -> QuerySet:
    services = Service.objects.all()
    if text := (request.GET.get("search") or "").strip():
        services = services.filter(pk__in=_search_ids(text, "service"))
    if term := _uuid(request, "taxonomy_term_id"):
        services = services.filter(Q(service_types__uuid=term) | Q(target_groups__uuid=term)
                                   | Q(service_types__external_match__uuid=term))
    if taxonomy := _uuid(request, "taxonomy_id"):
        services = services.filter(Q(service_types__taxonomy__uuid=taxonomy) | Q(target_groups__taxonomy__uuid=taxonomy)
                                   | Q(service_types__external_match__taxonomy__uuid=taxonomy))
    if organisation := _uuid(request, "organization_id"):
        services = services.filter(organisation__uuid=organisation)
    return _modified_since(services.distinct(), "service", _modified_after(request))


@hsds_view
def services(request: HttpRequest) -> JsonResponse:
    """A page of services (one-to-one fields; fully nested with `full=true`)."""
    full = _bool(request, "full")
    if _bool(request, "minimal"):
        queryset = _services(request)
        last = dict(ChangeRecord.objects.filter(resource_type="service").values("resource_uuid")
                    .annotate(last=Max("at")).values_list("resource_uuid", "last"))
        return _page(request, queryset, lambda page: [
            {"id": str(s.uuid), "modified_date": last[s.uuid].isoformat() if s.uuid in last else None}
            for s in page.order_by("uuid")])

    def records(page):
        found = hsds.service_records(hsds._history({s.uuid for s in page}), page)
        return found if full else [_one_to_one(record) for record in found]

    return _page(request, _services(request), records)


@hsds_view
def service(request: HttpRequest, id: str) -> JsonResponse:
    """One fully nested service."""
    found = _by_uuid(Service.objects.all(), id)
    if found is None:
        return problem(request, status=404, title=_("Not found"), detail=_("No service has this id."))
    return _json(hsds.service_records(hsds._history({found.uuid}), Service.objects.filter(pk=found.pk))[0])


def _by_uuid(queryset: QuerySet, text: str):
    try:
        return queryset.filter(uuid=uuid.UUID(text)).first()
    except ValueError:
        return None


def _organisations(request: HttpRequest) -> QuerySet:
    organisations = DirectoryOrganisation.objects.all()
    if text := (request.GET.get("search") or "").strip():
        organisations = organisations.filter(pk__in=_search_ids(text, "organisation"))
    return organisations


def _organisation_record(entry_queryset: QuerySet, *, full_service: bool) -> list[dict]:
    records = hsds.organization_records(hsds._history({e.uuid for e in entry_queryset}), entry_queryset)
    by_uuid = {record["id"]: record for record in records}
    services = Service.objects.filter(organisation__in=entry_queryset).select_related("organisation")
    if full_service:
        nested = hsds.service_records(hsds._history({s.uuid for s in services}), services)
        for record in nested:
            by_uuid[record["organization_id"]].setdefault("services", []).append(record)
    else:
        for item in services.order_by("uuid"):
            by_uuid[str(item.organisation.uuid)].setdefault("services", []).append(
                {"id": str(item.uuid), "name": item.name_fi, "status": item.status})
    return records


@hsds_view
def organizations(request: HttpRequest) -> JsonResponse:
    """A page of organisations (one-to-one fields; nested with `full=true`, services with `full_service=true`)."""
    full, full_service = _bool(request, "full"), _bool(request, "full_service")

    def records(page):
        found = _organisation_record(page, full_service=full_service) if (full or full_service) else (
            hsds.organization_records(hsds._history({e.uuid for e in page}), page))
        return found if (full or full_service) else [_one_to_one(record) for record in found]

    return _page(request, _organisations(request), records)


@hsds_view
def organization(request: HttpRequest, id: str) -> JsonResponse:
    """One fully nested organisation with its services (ids and names, or full with `full_service=true`)."""
    found = _by_uuid(DirectoryOrganisation.objects.all(), id)
    if found is None:
        return problem(request, status=404, title=_("Not found"), detail=_("No organisation has this id."))
    full_service = _bool(request, "full_service")
    return _json(_organisation_record(DirectoryOrganisation.objects.filter(pk=found.pk), full_service=full_service)[0])


def _service_at_location_record(item: ServiceAtLocation, *, full: bool) -> dict:
    record = {"id": str(item.uuid), "service_id": str(item.service.uuid), "location_id": str(item.location.uuid)}
    if full:
        location = hsds.location_records(hsds._history({item.location.uuid}),
                                         type(item.location).objects.filter(pk=item.location_id))
        record["location"] = location[0]
    return record


@hsds_view
def service_at_locations(request: HttpRequest) -> JsonResponse:
    """A page of service-at-location links (with the nested location with `full=true`)."""
    full = _bool(request, "full")
    _check_format(request)
    items = ServiceAtLocation.objects.select_related("service", "location")
    services_matching = _services(request)
    items = items.filter(service__in=services_matching)
    if request.GET.get("postcode") or request.GET.get("proximity"):
        raise BadParameter("postcode", _("Search by postcode or proximity is not offered; use search."))
    return _page(request, items, lambda page: [
        _service_at_location_record(item, full=full) for item in page.select_related("service", "location")
        .order_by("uuid")])


@hsds_view
def service_at_location(request: HttpRequest, id: str) -> JsonResponse:
    """One service-at-location with its location."""
    found = _by_uuid(ServiceAtLocation.objects.select_related("service", "location"), id)
    if found is None:
        return problem(request, status=404, title=_("Not found"), detail=_("No service at location has this id."))
    return _json(_service_at_location_record(found, full=True))


@hsds_view
def taxonomies(request: HttpRequest) -> JsonResponse:
    """A page of taxonomies."""
    queryset = Taxonomy.objects.all()
    if text := (request.GET.get("search") or "").strip():
        queryset = queryset.filter(Q(name__icontains=text) | Q(description__icontains=text))
    by_uuid = {record["id"]: record for record in hsds.taxonomy_records()}
    return _page(request, queryset, lambda page: [by_uuid[str(t.uuid)] for t in page.order_by("uuid")])


@hsds_view
def taxonomy(request: HttpRequest, id: str) -> JsonResponse:
    found = _by_uuid(Taxonomy.objects.all(), id)
    if found is None:
        return problem(request, status=404, title=_("Not found"), detail=_("No taxonomy has this id."))
    return _json(next(r for r in hsds.taxonomy_records() if r["id"] == str(found.uuid)))


@hsds_view
def taxonomy_terms(request: HttpRequest) -> JsonResponse:
    """A page of taxonomy terms; `taxonomy_id`, `parent_id`, `top_only` filter them."""
    queryset = TaxonomyTerm.objects.all()
    if text := (request.GET.get("search") or "").strip():
        queryset = queryset.filter(Q(name_fi__icontains=text) | Q(code__icontains=text)
                                   | Q(description_en__icontains=text))
    if taxonomy_id := _uuid(request, "taxonomy_id"):
        queryset = queryset.filter(taxonomy__uuid=taxonomy_id)
    if parent_id := _uuid(request, "parent_id"):
        queryset = queryset.filter(parent__uuid=parent_id)
    if _bool(request, "top_only"):
        queryset = queryset.filter(parent__isnull=True)
    by_uuid = {record["id"]: record for record in hsds.taxonomy_term_records()}
    return _page(request, queryset, lambda page: [by_uuid[str(t.uuid)] for t in page.order_by("uuid")])


@hsds_view
def taxonomy_term(request: HttpRequest, id: str) -> JsonResponse:
    found = _by_uuid(TaxonomyTerm.objects.all(), id)
    if found is None:
        return problem(request, status=404, title=_("Not found"), detail=_("No taxonomy term has this id."))
    return _json(next(r for r in hsds.taxonomy_term_records() if r["id"] == str(found.uuid)))
