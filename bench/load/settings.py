"""Settings for the load test: Polku's production profile, served over plain HTTP on loopback.

Only what the loopback setup forces differs from production: cookies without the Secure flag and no
HTTPS redirect (TLS ends at the load balancer in a real deployment), the bench-only ceiling view, and
two-factor login off (the load scenario measures work after login, not the authenticator step).
"""

from polku.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
POLKU_REQUIRE_TWO_FACTOR = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# The load users log in once each; a lockout would only measure the lockout.
AXES_ENABLED = False
