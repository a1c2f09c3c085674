"""Where webhooks may be sent: the guard against server-side request forgery (SSRF).

A subscription's URL is set by an organisation's user administrator, but the request is made by Polku's
server, from inside the hosting network. Without a guard a URL (or a redirect, or a DNS answer) pointing at
loopback, the private network or the cloud metadata address would let an administrator probe or call
internal services. So, unless the deployment says otherwise (an on-premises receiver in its own network):

* only `https://` (plain `http://` only with POLKU_WEBHOOK_ALLOW_HTTP);
* every address the host name resolves to must be a global one (POLKU_WEBHOOK_ALLOW_PRIVATE lifts this);
* redirects are never followed (a 3xx is a failed attempt), so a receiver cannot bounce the request inward.

Checked when a subscription is made and again before every delivery (DNS answers change). The delivery's
connection then goes to an address that this same check passed, resolved once for that connection: checking
one DNS answer and letting the HTTP client ask DNS again would let a name that answers "public" to the check
and "127.0.0.1" to the connection (DNS rebinding) reach the inside. TLS still verifies the certificate for the
host name. Through an outgoing proxy (the environment's https_proxy/http_proxy) the proxy makes the
connection, so there the proxy's own rules apply. Both settings are on in the development and test profiles
(receivers on 127.0.0.1) and off in production.
"""

from __future__ import annotations

import http.client
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
        vetted_addresses(parts.hostname, port)
    except UnsafeTarget as refusal:
        return str(refusal)
    return ""


class UnsafeTarget(OSError):
    """The host name does not resolve, or resolves to an address webhooks may not go to (the message says which)."""


def vetted_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, all of them global; UnsafeTarget if it does not resolve or any is not."""
    try:
        addresses = sorted({info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        raise UnsafeTarget(_("The host name %(host)s does not resolve.") % {"host": host})
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            raise UnsafeTarget(_("%(host)s points to a local or private address (%(address)s); webhooks go to "
                                 "public receivers only.") % {"host": host, "address": ip})
    return addresses


def _connect_to_vetted(address: tuple[str, int], timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection, but only to an address that passed the check in this same call."""
    host, port = address
    if settings.POLKU_WEBHOOK_ALLOW_PRIVATE:
        return socket.create_connection(address, timeout, source_address)
    *others, last = vetted_addresses(host, port)  # never empty
    for ip in others:
        try:
            return socket.create_connection((ip, port), timeout, source_address)
        except OSError:  # the next address, as create_connection itself would
            continue
    return socket.create_connection((last, port), timeout, source_address)


class _Vetted:
    """Mixed into http.client's connections: the TCP address is pinned; TLS still names self.host (SNI and the
    certificate check)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_to_vetted


class _VettedHTTPConnection(_Vetted, http.client.HTTPConnection):
    pass


class _VettedHTTPSConnection(_Vetted, http.client.HTTPSConnection):
    pass


def _through_proxy(request: urllib.request.Request) -> bool:
    return request.has_proxy() or bool(getattr(request, "_tunnel_host", None))


class _VettedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(http.client.HTTPConnection if _through_proxy(req) else _VettedHTTPConnection, req)


class _VettedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        connection = http.client.HTTPSConnection if _through_proxy(req) else _VettedHTTPSConnection
        return self.do_open(connection, req, context=self._context)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl} not followed", headers, fp)


# An opener that never follows a redirect (the standard one would, to any address) and connects only to vetted
# addresses (its handlers replace urllib's default HTTP and HTTPS handlers).
OPENER = urllib.request.build_opener(_NoRedirects, _VettedHTTPHandler, _VettedHTTPSHandler)
