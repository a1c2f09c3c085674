"""View helpers shared by every app: the access core's refusal as a 404, domain errors onto forms."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404

from polku.core.errors import AccessDenied, DomainError


def denied_as_404(view: Callable) -> Callable:
    """Answer the access core's refusal with a 404 whose body names nothing, so no client's existence leaks."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as denied:
            raise Http404 from denied

    return wrapper


def client_worker_view(view: Callable) -> Callable:
    """Logged-in users whose role works with clients; refusals of the access core become 404s."""
    return login_required(permission_required("core.work_with_clients", raise_exception=True)(denied_as_404(view)))


def apply_domain_error(form: forms.Form, error: DomainError, *, field_map: Mapping[str, str] | None = None) -> None:
    """Show a service's refusal on the form field it names (translated through field_map), else at the top."""
    name = (field_map or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, str(error.message))


def attempt_service(form: forms.Form, call: Callable[[], Any],
                    on_error: Callable[[DomainError], None] | None = None) -> Any:
    """Call a service; a domain refusal goes onto the form and gives None (an access refusal still propagates)."""
    try:
        return call()
    except AccessDenied:
        raise
    except DomainError as error:
        (on_error or (lambda e: apply_domain_error(form, e)))(error)
        return None
