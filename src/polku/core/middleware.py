"""Request-scoped middleware: the UI language, request metadata for the access log, and the 503 page when the
database cannot be reached."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from polku.core.request_context import RequestMeta, reset_request_meta, set_request_meta

logger = logging.getLogger(__name__)
SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageMiddleware:
    """The UI language from `?lang=`, else the language cookie, else Finnish.

    Unknown codes fall back to Finnish rather than to the browser's Accept-Language: a Finnish
    public service speaks Finnish unless the user chose otherwise, and the choice is explicit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        requested = request.GET.get("lang", "")
        language = requested if requested in SUPPORTED else None
        if language is None:
            cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            language = cookie if cookie in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if requested in SUPPORTED:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                                samesite="Lax", secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # REMOTE_ADDR only: behind trusted proxies polku.wsgi has set it from X-Forwarded-For (core.proxies);
        # the header itself is client-controlled.
        token = set_request_meta(RequestMeta(client_ip=request.META.get("REMOTE_ADDR") or None,
                                             path=request.path))
        try:
            return self.get_response(request)
        finally:
            reset_request_meta(token)


# --- The database is unreachable: a 503 page instead of a 500 (docs/security/fault-tests.md) ----------

DATABASE_ERRORS = (OperationalError, InterfaceError)
API_PREFIXES = ("/api/",)
# How long a client is told to wait: a PostgreSQL restart or fail-over takes seconds, not minutes.
RETRY_AFTER_SECONDS = 5
_FAILED_ATTRIBUTE = "_polku_database_unavailable"


def database_unavailable_message() -> str:
    return _("The service is temporarily unavailable because its database cannot be reached. Try again in a "
             "moment; if you were saving something, check afterwards whether it was saved. If this goes on, tell "
             "your administrator.")


def _language_of(request) -> str:
    """The language the user chose (`?lang=`, cookie; for the API also Accept-Language), without the database."""
    if request.path.startswith(API_PREFIXES):
        from polku.api.language import requested_language

        explicit = requested_language(request)
        if explicit:
            return explicit
    for candidate in (request.GET.get("lang", ""), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")):
        if candidate in SUPPORTED:
            return candidate
    return settings.LANGUAGE_CODE


def database_unavailable_response(request) -> HttpResponse:
    """HTTP 503 with Retry-After: a page in the user's language, or problem details under /api/.

    Rendered without the request context: the context processors (and the lazy user) would query the database
    that just failed.
    """
    logger.warning("database unavailable: %s %s answered 503", request.method, request.path)
    with translation.override(_language_of(request)):
        message = database_unavailable_message()
        if request.path.startswith(API_PREFIXES):
            from polku.api.problems import problem

            response = problem(request, 503, code="database_unavailable", detail=message,
                               title=_("Service temporarily unavailable"))
        else:
            response = HttpResponse(render_to_string("core/database_unavailable.html", {
                "message": message, "LANGUAGE_CODE": translation.get_language()}), status=503)
            response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _remember_database_error(sender, request=None, **kwargs):
    """got_request_exception is sent inside Django's `except` block, so the exception is still at hand."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, _FAILED_ATTRIBUTE, True)


class DatabaseUnavailableMiddleware:
    """A lost or refused database connection becomes HTTP 503 "temporarily unavailable", never a bare 500.

    Django turns an exception into a 500 response right at the middleware (or view) that raised it, so an error
    in an inner middleware (the session, the user) never reaches an outer one's process_exception. Hence the
    signal: it marks the request, and this middleware, placed outside the session middleware, swaps the 500 for
    the 503. Recovery needs no restart: CONN_HEALTH_CHECKS (polku.config) replaces a broken connection at the
    start of the next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_remember_database_error, dispatch_uid="polku-database-unavailable")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FAILED_ATTRIBUTE, False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable_response(request)
        return None
