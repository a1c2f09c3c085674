"""The facade's endpoints: metadata, search and create per type, read per instance; every error an OperationOutcome.

Plain Django views rather than a NinjaAPI: FHIR has its own content type, error resource and search syntax,
none of which fit the REST API's OpenAPI schemas and RFC 9457 problems.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from polku.api.fhir.auth import authenticate
from polku.api.fhir.capability import capability_statement
from polku.api.fhir.outcome import FHIR_JSON, FhirError, error_response, fhir_response
from polku.api.fhir.resources import REGISTRY
from polku.api.fhir.resources.base import ResourceType
from polku.api.fhir.search import paginate, parse_params, searchset
from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.middleware import DATABASE_ERRORS, RETRY_AFTER_SECONDS, database_unavailable_message

logger = logging.getLogger(__name__)

JSON_FORMATS = {"json", "application/json", "application/fhir+json", "application/fhir json",
                "application/json+fhir"}


def fhir_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Negotiate the format and turn every refusal (and any unexpected failure) into an OperationOutcome."""

    @csrf_exempt  # writes by session are CSRF-checked in polku.api.auth; tokens need no CSRF protection
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            _check_format(request)
            return view(request, *args, **kwargs)
        except FhirError as error:
            return error_response(error)
        except AccessDenied:
            return error_response(FhirError(404, "not-found", _("The resource is not known.")))
        except RequestDataTooBig:
            return error_response(FhirError(413, "too-costly", _("The request body is larger than 1 MB.")))
        except DATABASE_ERRORS:  # the database is restarting or unreachable: retry later, as the web pages say
            return error_response(FhirError(503, "transient", database_unavailable_message(),
                                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)}))
        except Exception:  # the promise is never an HTML 500 page: still a FHIR answer, and the trace in the log
            logger.exception("FHIR request failed: %s %s", request.method, request.path)
            return error_response(FhirError(500, "exception", _("The server could not handle the request.")))

    return wrapper


def _check_format(request: HttpRequest) -> None:
    requested = request.GET.get("_format")
    if requested is not None and requested.strip().split(";")[0].strip() not in JSON_FORMATS:
        raise FhirError(406, "not-supported", _("Only JSON is supported (_format=json or application/fhir+json)."),
                        expression=["_format"])
    accept = request.headers.get("Accept", "")
    if accept and not any(kind in accept for kind in ("json", "*/*", "application/*")):
        raise FhirError(406, "not-supported", _("Only JSON is supported: accept application/fhir+json."))


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir/")


def _handler(resource_type: str) -> ResourceType:
    handler = REGISTRY.get(resource_type)
    if handler is None:
        raise FhirError(404, "not-supported", _("The resource type %(type)s is not supported here.")
                        % {"type": resource_type})
    return handler


def _not_allowed(request: HttpRequest, allowed: str) -> FhirError:
    return FhirError(405, "not-supported", _("The method %(method)s is not supported here.")
                     % {"method": request.method}, headers={"Allow": allowed})


@fhir_endpoint
def metadata(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        raise _not_allowed(request, "GET")
    return fhir_response(capability_statement(base=_base(request)))


@fhir_endpoint
def type_endpoint(request: HttpRequest, resource_type: str) -> HttpResponse:
    handler = _handler(resource_type)
    if request.method in ("GET", "HEAD"):
        return _search(request, handler)
    if request.method == "POST" and handler.creatable:
        return _create(request, handler)
    raise _not_allowed(request, "GET, POST" if handler.creatable else "GET")


@fhir_endpoint
def instance_endpoint(request: HttpRequest, resource_type: str, ident: str) -> HttpResponse:
    handler = _handler(resource_type)
    if request.method not in ("GET", "HEAD"):
        raise _not_allowed(request, "GET")
    viewer = authenticate(request)
    return fhir_response(handler.read(viewer=viewer, ident=ident))


@fhir_endpoint
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise FhirError(404, "not-found", _("There is nothing at %(path)s.") % {"path": request.path})


def _search(request: HttpRequest, handler: ResourceType) -> HttpResponse:
    viewer = authenticate(request)
    params = parse_params(request.GET, supported=handler.search_params)
    result = handler.search(viewer=viewer, params=params)
    page = paginate(result.rows, params)
    if result.client_of is not None and page.rows:
        # A list read: exactly the clients whose data this page shows.
        access.log_list_read(actor=viewer, client_ids=sorted({result.client_of(row) for row in page.rows}),
                             object_type=f"fhir_{handler.name}", basis=result.log_basis)
    bundle = searchset(base=_base(request), resource_type=handler.name, query=request.GET, params=params, page=page,
                       to_fhir=result.to_fhir)
    return fhir_response(bundle)


def _parse_body(request: HttpRequest, resource_type: str) -> dict[str, Any]:
    content_type = request.content_type or ""
    if content_type not in (FHIR_JSON, "application/json"):
        raise FhirError(415, "not-supported", _("Send the resource as application/fhir+json."))
    try:
        resource = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FhirError(400, "structure", _("The body is not valid JSON: %(error)s") % {"error": error}) from None
    if not isinstance(resource, dict):
        raise FhirError(400, "structure", _("The body must be one FHIR resource (a JSON object)."))
    if resource.get("resourceType") != resource_type:
        raise FhirError(400, "invalid", _("The resourceType must be %(expected)s, not %(given)s.")
                        % {"expected": resource_type, "given": resource.get("resourceType")},
                        expression=[f"{resource_type}.resourceType"])
    try:
        get_fhir_model_class(resource_type).model_validate(resource)
    except ValidationError as invalid:
        raise FhirError(400, "structure", _("The resource is not valid FHIR: %(errors)s")
                        % {"errors": "; ".join(_describe(resource_type, e) for e in invalid.errors()[:10])},
                        expression=sorted({_element(resource_type, e["loc"]) for e in invalid.errors()[:10]})
                        ) from None
    return resource


def _element(resource_type: str, loc: tuple) -> str:
    path = resource_type
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "json-or-python")):
            path += f".{part}"
    return path


def _describe(resource_type: str, error: dict[str, Any]) -> str:
    return f"{_element(resource_type, error['loc'])}: {error['msg']}"


def _create(request: HttpRequest, handler: ResourceType) -> HttpResponse:
    viewer = authenticate(request, write=True)
    resource = _parse_body(request, handler.name)
    try:
        created = handler.create(viewer=viewer, resource=resource)
    except AccessDenied:
        raise
    except DomainError as refused:
        element = handler.field_elements.get(refused.field or "", handler.name)
        raise FhirError(422, "processing", refused.message, expression=[element]) from None
    location = f"{_base(request)}{handler.name}/{created['id']}"
    return fhir_response(created, status=201, headers={"Location": location})
