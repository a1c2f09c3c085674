"""The API's language: `?lang=`, else Accept-Language, else the user's preferred language, else Finnish.

Unlike the UI (which ignores the browser's Accept-Language), a machine client says what it wants in the header.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def requested_language(request: HttpRequest) -> str | None:
    """An explicit language of this request: `?lang=`, else the best supported Accept-Language entry."""
    lang = request.GET.get("lang", "")
    if lang in SUPPORTED_LANGUAGES:
        return lang
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in SUPPORTED_LANGUAGES:
            return base
    return None


def activate_api_language(request: HttpRequest, user=None) -> str:
    """Activate and return the language for this API request (the user may be None before authentication)."""
    language = requested_language(request)
    if language is None and user is not None and getattr(user, "is_authenticated", False):
        preferred = getattr(user, "preferred_language", "")
        language = preferred if preferred in SUPPORTED_LANGUAGES else None
    language = language or settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language
