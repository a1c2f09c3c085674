"""The client's address when Polku runs behind reverse proxies (POLKU_TRUSTED_PROXIES).

Every address Polku uses (the access log's client_ip, the login lockout of django-axes) is REMOTE_ADDR.
Behind a proxy that is the proxy's address, so every request seemed to come from one place: the access log
could not tell workstations apart and five wrong passwords from anywhere locked the user name out for
everybody. Werkzeug's ProxyFix sets REMOTE_ADDR from X-Forwarded-For, trusting exactly as many entries,
counted from the right, as there are proxies that the deployment says append to it; the entries a client
wrote itself further left are never used. With no proxy configured the header is ignored, as before.
"""

from __future__ import annotations

from werkzeug.middleware.proxy_fix import ProxyFix


def behind_trusted_proxies(application, proxies: int):
    """The WSGI application, reading the client address from the last `proxies` X-Forwarded-For entries."""
    if proxies <= 0:
        return application
    # Only the address: the scheme comes through SECURE_PROXY_SSL_HEADER, the host is checked by ALLOWED_HOSTS.
    return ProxyFix(application, x_for=proxies, x_proto=0, x_host=0, x_port=0, x_prefix=0)
