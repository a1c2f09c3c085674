"""RFC 9457 problem details for everything under /api/v1/: one body shape for every error, in the caller's language.

Body: `type`, `title`, `status`, `detail`, `instance`, `code`, and `errors: [{field, message}]` for input errors.
The language: `?lang=`, else Accept-Language, else the user's preferred language, else Finnish.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from json import JSONDecodeError

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from polku.api.auth import ApiAuthError, ApiPrincipal
from polku.api.language import activate_api_language
from polku.core.errors import AccessDenied, Conflict, DomainError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Authentication required"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    412: gettext_lazy("Precondition failed"),
    413: gettext_lazy("Request body too large"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("Invalid input"),
    428: gettext_lazy("Precondition required"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Internal error"),
}


class ApiProblem(Exception):
    """Raised by endpoint helpers for an HTTP-level refusal (412, 428, 409, 415 …)."""

    def __init__(self, status: int, code: str, detail, *, errors: list[dict] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(str(detail))
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class UnsupportedMediaType(Exception):
    pass


def _nul_fields(value, path: str = "") -> list[str]:
    """Where a NUL character hides in parsed input: PostgreSQL text cannot hold it, so it is refused up front."""
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        found = [path or "body" for key in value if "\x00" in str(key)]
        for key, item in value.items():
            found += _nul_fields(item, f"{path}.{key}" if path else str(key))
        return found
    if isinstance(value, list):
        return [field for index, item in enumerate(value) for field in _nul_fields(item, f"{path}.{index}")]
    return []


def nul_problem(fields: list[str]) -> ApiProblem:
    message = gettext_lazy("Text may not contain NUL characters.")
    return ApiProblem(422, "invalid_input", message, errors=[{"field": f, "message": message} for f in fields])


class JsonParser(Parser):
    """JSON only: another content type is 415, not a confusing parse error."""

    def parse_body(self, request: HttpRequest):
        content_type = (request.content_type or "").lower()
        if request.body and content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(content_type)
        data = json.loads(request.body or b"null")
        fields = _nul_fields(data)
        if fields:
            raise nul_problem(fields)
        return data


# --- the response --------------------------------------------------------------------------------


def problem(request: HttpRequest, status: int, *, detail="", code: str = "", errors: Iterable[dict] = (),
            headers: dict[str, str] | None = None, title=None, extra: dict | None = None) -> HttpResponse:
    body = {
        "type": f"urn:polku:problem:{code}" if code else "about:blank",
        "title": str(title or TITLES.get(status, "Error")),
        "status": status,
        "detail": str(detail or title or TITLES.get(status, "")),
        "instance": request.path,
        "code": code or f"http_{status}",
        "errors": [{"field": str(e["field"]), "message": str(e["message"])} for e in errors],
        **(extra or {}),
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                            content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8")
    response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- field-level validation messages -------------------------------------------------------------

_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "float_type": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "string_type": gettext_lazy("Enter text."),
    "string_too_long": gettext_lazy("The text is too long."),
    "string_too_short": gettext_lazy("The text is too short."),
    "datetime_parsing": gettext_lazy("Enter a date and time (ISO 8601)."),
    "datetime_type": gettext_lazy("Enter a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Enter a date and time (ISO 8601)."),
    "timezone_aware": gettext_lazy("Give the time with a time zone."),
    "date_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "date_type": gettext_lazy("Enter a date (YYYY-MM-DD)."),
    "literal_error": gettext_lazy("Choose one of the allowed values."),
    "enum": gettext_lazy("Choose one of the allowed values."),
    "list_type": gettext_lazy("Enter a list."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
    "greater_than_equal": gettext_lazy("The value is too small."),
    "greater_than": gettext_lazy("The value is too small."),
    "less_than_equal": gettext_lazy("The value is too large."),
    "less_than": gettext_lazy("The value is too large."),
    "too_long": gettext_lazy("Too many items."),
    "too_short": gettext_lazy("Too few items."),
    "uuid_parsing": gettext_lazy("Enter a valid identifier."),
    "string_pattern_mismatch": gettext_lazy("The value is not in the right format."),
    "value_error": gettext_lazy("The value is not valid."),
}


def _field_name(loc: Iterable) -> str:
    parts = [str(p) for p in loc]
    # Ninja prefixes the source and, for a body parameter, the parameter's own name.
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        source = parts.pop(0)
        if source == "body" and len(parts) > 1 and parts[0] in ("payload", "data", "body"):
            parts.pop(0)
    return ".".join(parts) or "body"


def field_errors(errors: Iterable[dict]) -> list[dict]:
    return [{"field": _field_name(e.get("loc", ())),
             "message": _MESSAGES.get(e.get("type", ""), gettext_lazy("The value is not valid."))}
            for e in errors]


# --- handlers ------------------------------------------------------------------------------------


def _on_validation_error(request, exc: ValidationError):
    return problem(request, 422, code="invalid_input", detail=_("Check the fields listed in errors."),
                   errors=field_errors(exc.errors))


def _on_http_error(request, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, ApiProblem):
        return _on_problem(request, cause)
    if isinstance(cause, UnsupportedMediaType):
        return problem(request, 415, code="unsupported_media_type",
                       detail=_("Send the body as application/json."))
    if isinstance(cause, RequestDataTooBig):
        return _on_too_big(request, cause)
    if isinstance(cause, (JSONDecodeError, UnicodeDecodeError, ValueError)):
        return problem(request, 400, code="malformed_json", detail=_("The request body is not valid JSON."))
    if isinstance(exc, AuthenticationError):
        return problem(request, 401, code="not_authenticated",
                       detail=_("Authentication is required: send a bearer token."),
                       headers={"WWW-Authenticate": 'Bearer realm="polku"'})
    return problem(request, exc.status_code, code=f"http_{exc.status_code}", detail=str(exc.message))


def _on_too_big(request, exc):
    return problem(request, 413, code="body_too_large", detail=_("The request body may be at most %(size)s bytes.")
                   % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})


def _on_auth_error(request, exc: ApiAuthError):
    return problem(request, exc.status, code=exc.code, detail=exc.detail, headers=exc.headers)


def _on_domain_error(request, exc: DomainError):
    if isinstance(exc, AccessDenied):
        # Not even the existence of someone else's client may leak: the same 404 as a missing one.
        return problem(request, 404, code="not_found", detail=_("No such resource, or you have no access to it."))
    if isinstance(exc, Conflict):
        return problem(request, 412, code=exc.code or "precondition_failed", detail=exc.message)
    message = exc.message % exc.params if exc.params else exc.message
    errors = [{"field": exc.field, "message": message}] if exc.field else []
    return problem(request, 422, code=exc.code, detail=message, errors=errors)


def _on_problem(request, exc: ApiProblem):
    return problem(request, exc.status, code=exc.code, detail=exc.detail, errors=exc.errors, headers=exc.headers)


def _on_404(request, exc):
    return problem(request, 404, code="not_found", detail=_("No such resource, or you have no access to it."))


def _on_exception(request, exc: Exception):
    if isinstance(exc, RequestDataTooBig):
        return _on_too_big(request, exc)
    logger.exception("API error at %s", request.path)
    return problem(request, 500, code="internal_error", detail=_("Something went wrong on our side; it was logged."))


def install(api) -> None:
    api.add_exception_handler(Exception, _on_exception)
    api.add_exception_handler(Http404, _on_404)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(ValidationError, _on_validation_error)
    api.add_exception_handler(ApiAuthError, _on_auth_error)
    api.add_exception_handler(DomainError, _on_domain_error)
    api.add_exception_handler(ApiProblem, _on_problem)
    api.add_exception_handler(RequestDataTooBig, _on_too_big)
    # --- fault tests: an unreachable database is 503 with Retry-After, not 500 (polku.core.middleware) ---
    from polku.core.middleware import DATABASE_ERRORS, database_unavailable_response

    for error in DATABASE_ERRORS:
        api.add_exception_handler(error, lambda request, exc: database_unavailable_response(request))
    # --- end fault tests ---


def principal_of(request) -> ApiPrincipal:
    return request.auth


# --- the URL wrapper: Django-level paths (405, unknown path) also answer with problem details -------


def _nul_parameters(request) -> list[str]:
    """Query parameters (and form fields, for the OAuth token endpoint) holding a NUL character."""
    sources = [request.GET]
    if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                              "multipart/form-data"):
        sources.append(request.POST)
    return sorted({key for source in sources for key, values in source.lists()
                   if "\x00" in key or any("\x00" in value for value in values)})


ALWAYS_ALLOWED_QUERY = frozenset({"lang"})


def declared_query_parameters(view) -> dict[str, frozenset[str]] | None:
    """Per HTTP method, the query parameters a ninja operation declares; None for views that are not operations."""
    path_view = next((cell.cell_contents for cell in (getattr(view, "__closure__", None) or ())
                      if hasattr(cell.cell_contents, "operations")), None)
    if path_view is None:
        return None
    declared = {}
    for operation in path_view.operations:
        names = {name for model in operation.models if model.__ninja_param_source__ == "query"
                 for name in getattr(model, "__ninja_flatten_map__", {})}
        for method in operation.methods:
            declared[method] = frozenset(names) | ALWAYS_ALLOWED_QUERY
    return declared


def wrap_view(view):
    declared = declared_query_parameters(view)

    def wrapped(request, *args, **kwargs):
        activate_api_language(request, getattr(request, "user", None))
        try:
            nul_fields = _nul_parameters(request)
            if nul_fields:
                error = nul_problem(nul_fields)
                return problem(request, 422, code=error.code, detail=error.detail, errors=error.errors)
            allowed = declared.get(request.method) if declared else None
            unknown = sorted(set(request.GET) - allowed) if allowed is not None else []
            if unknown:
                # As with unknown body fields: a typo in a filter must not silently return everything.
                return problem(request, 422, code="invalid_input", detail=_("Unknown query parameter."),
                               errors=[{"field": name, "message": _("Unknown query parameter.")} for name in unknown])
            response = view(request, *args, **kwargs)
        except RequestDataTooBig as exc:
            return _on_too_big(request, exc)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return problem(request, 405, code="method_not_allowed",
                           detail=_("This method is not allowed here."), headers={"Allow": response.get("Allow", "")})
        response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
        return response

    for attribute in ("csrf_exempt", "__name__", "__doc__"):
        if hasattr(view, attribute):
            setattr(wrapped, attribute, getattr(view, attribute))
    return wrapped


def not_found_view(request, *args, **kwargs):
    activate_api_language(request, getattr(request, "user", None))
    return problem(request, 404, code="not_found", detail=_("There is no such API path."))


not_found_view.csrf_exempt = True
