"""Re-authentication before the most sensitive actions (ASVS 3.7.1): break-the-glass and data exports.

A session that proved the password (and the second factor, when enrolled) within the last
POLKU_REAUTH_MINUTES may go ahead; otherwise the user is sent to prove it again and comes back to the
same page. A stolen, still-open session therefore cannot open every client in an emergency or take
data away without the password.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from polku.core.auth_middleware import AUTHENTICATED_AT_KEY


def authenticated_recently(request) -> bool:
    """True if the password was proven in this session within POLKU_REAUTH_MINUTES (a missing time is old)."""
    proven_at = request.session.get(AUTHENTICATED_AT_KEY)
    if proven_at is None:
        return False
    return time.time() - float(proven_at) <= settings.POLKU_REAUTH_MINUTES * 60


def mark_authenticated_now(request) -> None:
    request.session[AUTHENTICATED_AT_KEY] = time.time()


def reauthentication_redirect(request):
    """To the re-authentication page, coming back to this page afterwards (a POST comes back as a GET)."""
    back = request.get_full_path() if request.method == "GET" else request.path
    return redirect(f"{reverse('reauthenticate')}?{urlencode({'next': back})}")


def require_recent_authentication(view: Callable) -> Callable:
    """Decorator (inside login_required): re-authenticate first unless the password was proven recently."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not authenticated_recently(request):
            return reauthentication_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper
