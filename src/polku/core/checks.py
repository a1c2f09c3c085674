"""Polku's own deploy checks (`polku check --deploy`), beside Django's."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies_are_declared(app_configs, **kwargs):
    """Production must say how many reverse proxies stand in front of it, even when the answer is none.

    Why not a default: with 0 behind a proxy every request has the proxy's address (the lockout after five
    wrong passwords then locks a user name out for everybody, and the access log cannot tell workstations
    apart); with 1 and no proxy, a client writes its own address into X-Forwarded-For."""
    if not getattr(settings, "PRODUCTION", False) or settings.POLKU_TRUSTED_PROXIES_SET:
        return []
    return [Warning(
        "POLKU_TRUSTED_PROXIES is not set.",
        hint="Set it to the number of reverse proxies in front of Polku that append to X-Forwarded-For "
             "(usually 1), or to 0 when clients connect to Polku directly.",
        id="polku.W001")]
