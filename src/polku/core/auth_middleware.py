"""Session lifetime and the second factor, enforced on every request (ASVS 3.3 and 2.8).

SessionTimeoutMiddleware ends a session after inactivity (default 30 min) and after an absolute lifetime
(default 10 h, a working day with margin), whatever the cookie says. TwoFactorMiddleware keeps a user whose
role can see client data inside the enrolment and verification pages until the second factor is done.
Both sit after django-otp's OTPMiddleware, which sets `request.user.is_verified()`.
"""

from __future__ import annotations

import errno
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from polku.core import two_factor

LAST_ACTIVITY_KEY = "polku_last_activity"
LOGIN_AT_KEY = "polku_login_at"
AUTHENTICATED_AT_KEY = "polku_authenticated_at"  # password (+ code) last proven; re-authentication renews it
API_PREFIXES = ("/api/", "/fhir/")
ACTIVITY_RESOLUTION_SECONDS = 60


@receiver(user_logged_in)
def _remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT_KEY] = now
        request.session[LAST_ACTIVITY_KEY] = now
        request.session[AUTHENTICATED_AT_KEY] = now


def _exempt(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(static)


class SessionTimeoutMiddleware:
    """Log out after POLKU_SESSION_IDLE_MINUTES without requests or POLKU_SESSION_ABSOLUTE_HOURS after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not _exempt(request.path):
            now = time.time()
            session = request.session
            idle_limit = settings.POLKU_SESSION_IDLE_MINUTES * 60
            absolute_limit = settings.POLKU_SESSION_ABSOLUTE_HOURS * 3600
            last = session.get(LAST_ACTIVITY_KEY, now)
            started = session.get(LOGIN_AT_KEY, now)
            if now - last > idle_limit or now - started > absolute_limit:
                logout(request)  # flushes the session and rotates its key
                if request.path.startswith(API_PREFIXES):
                    return JsonResponse({"detail": _("Your session has expired. Log in again."),
                                         "code": "session_expired"}, status=401)
                messages.info(request, _("Your session expired after a period of inactivity. Log in again."))
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if now - last >= ACTIVITY_RESOLUTION_SECONDS or LAST_ACTIVITY_KEY not in session:
                # At most one session write a minute: the idle limit needs no finer clock, and a write on
                # every request would cost a database round trip each.
                session[LAST_ACTIVITY_KEY] = now
            session.setdefault(LOGIN_AT_KEY, now)
        return self.get_response(request)


class TwoFactorMiddleware:
    """Until verified, a user who needs two-factor login reaches only enrolment, verification and logout."""

    ALLOWED_NAMES = ("two_factor_verify", "two_factor_enroll", "logout", "set_language", "login")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed_paths(self) -> tuple[str, ...]:
        if self._allowed is None:
            self._allowed = tuple(reverse(name) for name in self.ALLOWED_NAMES)
        return self._allowed

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and two_factor.requires_two_factor(user)
                and not user.is_verified() and not _exempt(request.path)
                and request.path not in self.allowed_paths()):
            if request.path.startswith(API_PREFIXES):
                if "HTTP_AUTHORIZATION" in request.META:
                    # A bearer token authenticates on its own; the half-finished session is not used.
                    return self.get_response(request)
                return JsonResponse({"detail": _("Two-factor verification is required."),
                                     "code": "two_factor_required"}, status=401)
            target = "two_factor_verify" if two_factor.is_enrolled(user) else "two_factor_enroll"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)


class StorageFullMiddleware:
    """A full disk becomes a clear page saying nothing was saved, instead of a bare 500 (fault tests)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OSError) and exception.errno in (errno.ENOSPC, errno.EDQUOT):
            message = _("The server has no room to store this. Nothing was saved. Try again later, and tell "
                        "your administrator if this happens again.")
            if request.path.startswith(API_PREFIXES):
                return JsonResponse({"detail": message, "code": "storage_full"}, status=507)
            response: HttpResponse = render(request, "core/storage_full.html", {"message": message}, status=507)
            return response
        return None
