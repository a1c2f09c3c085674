"""Request-scoped middleware: the UI language, and request metadata for the access log."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from polku.core.request_context import RequestMeta, reset_request_meta, set_request_meta

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
        # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy sets it.
        token = set_request_meta(RequestMeta(client_ip=request.META.get("REMOTE_ADDR") or None,
                                             path=request.path))
        try:
            return self.get_response(request)
        finally:
            reset_request_meta(token)
