"""Polku's own deploy checks (`polku check --deploy`), beside Django's."""

from __future__ import annotations

import ipaddress

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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register(Tags.security, deploy=True)
def mail_to_another_host_is_encrypted(app_configs, **kwargs):
    """Booking letters and reminders name a client's appointment: across a network they go over TLS.

    A relay on the same machine (localhost) is exempt: it is then that relay's configuration that decides."""
    if (not getattr(settings, "PRODUCTION", False) or not settings.POLKU_OUTBOX_BACKEND.endswith("EmailBackend")
            or settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL or _is_loopback(settings.EMAIL_HOST)):
        return []
    return [Warning(
        f"Outgoing e-mail goes to {settings.EMAIL_HOST} without TLS.",
        hint="Set EMAIL_USE_TLS=1 (STARTTLS, usually port 587) or EMAIL_USE_SSL=1 (usually port 465), or relay "
             "through a mail server on this machine (EMAIL_HOST=localhost).",
        id="polku.W002")]
