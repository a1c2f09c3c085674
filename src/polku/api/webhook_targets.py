"""Where webhooks may be sent: the guard against server-side request forgery (SSRF).

A subscription's URL is set by an organisation's user administrator, but the request is made by Polku's
server, from inside the hosting network. Without a guard a URL (or a redirect, or a DNS answer) pointing at
loopback, the private network or the cloud metadata address would let an administrator probe or call
internal services. So, unless the deployment says otherwise (an on-premises receiver in its own network):

* only `https://` (plain `http://` only with POLKU_WEBHOOK_ALLOW_HTTP);
* every address the host name resolves to must be a global one (POLKU_WEBHOOK_ALLOW_PRIVATE lifts this);
* redirects are never followed (a 3xx is a failed attempt), so a receiver cannot bounce the request inward.

Checked when a subscription is made and again before every delivery (DNS answers change). Both settings are
on in the development and test profiles (receivers on 127.0.0.1) and off in production.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def target_problem(url: str) -> str:
    """Why `url` may not receive webhooks (a sentence for the user), or "" when it may."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return _("The URL is not valid.")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("Enter an http(s) URL.")
    if parts.scheme == "http" and not settings.POLKU_WEBHOOK_ALLOW_HTTP:
        return _("Webhooks are sent over HTTPS only: the URL must begin with https://.")
    if parts.username or parts.password:
        return _("The URL may not contain a user name or password; the signature authenticates Polku.")
    if settings.POLKU_WEBHOOK_ALLOW_PRIVATE:
        return ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return _("The host name %(host)s does not resolve.") % {"host": parts.hostname}
    for address in sorted(addresses):
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            return _("%(host)s points to a local or private address (%(address)s); webhooks go to public "
                     "receivers only.") % {"host": parts.hostname, "address": ip}
    return ""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl} not followed", headers, fp)


# An opener that never follows a redirect (the standard one would, to any address).
OPENER = urllib.request.build_opener(_NoRedirects)
