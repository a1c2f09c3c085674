"""The login-page button for the organisation's identity provider, and the logout form's target (decision 020)."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("core/auth/_oidc_button.html", takes_context=True)
def oidc_login_button(context):
    """Nothing unless OIDC login is configured; else a link that starts it, keeping the login page's next."""
    if not getattr(settings, "POLKU_OIDC_ENABLED", False):
        return {"enabled": False}
    from polku.core.oidc import provider_name

    next_url = context.get("next") or ""
    query = f"?{urlencode({'next': next_url})}" if next_url.startswith("/") else ""
    return {"enabled": True, "provider": provider_name(), "url": reverse("oidc_authentication_init") + query}


@register.simple_tag(takes_context=True)
def logout_url(context) -> str:
    """The provider's logout for a session opened through it (ends the provider's session too), else Polku's.

    A session still waiting for Polku's second step uses Polku's logout: it is the one the two-step middleware
    lets through.
    """
    request = context.get("request")
    session = getattr(request, "session", None)
    if session is not None and getattr(settings, "POLKU_OIDC_ENABLED", False) and session.get("polku_oidc_login"):
        from polku.core import two_factor

        user = request.user
        if not two_factor.requires_two_factor(user) or getattr(user, "is_verified", lambda: False)():
            return reverse("oidc_logout")
    return reverse("logout")
