"""Views of the interpreting app: parse, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404

from polku.core.errors import AccessDenied
from polku.core.web import attempt_service
from polku.interpreting.forms import apply_domain_error


def guarded(permission: str) -> Callable:
    """Logged in with the permission; a refusal of the access core is a 404, so nothing leaks."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @permission_required(permission, raise_exception=True)
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except AccessDenied as denied:
                raise Http404 from denied

        return wrapper

    return decorate


def run_service(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Call a service; a domain refusal becomes a form error (an access refusal propagates to a 404)."""
    return attempt_service(form, call, on_error=lambda error: apply_domain_error(form, error))
