"""Settings for the server fault tests: Polku's production profile, served over plain HTTP on loopback.

As bench/load/settings.py: only what the loopback setup forces differs from production (cookies without the
Secure flag and no HTTPS redirect: TLS ends at the load balancer; two-factor login off, as the faults are about
the work after login). Static files come from the finders, so that a test needs no collectstatic run.
"""

from polku.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "polku_session"
CSRF_COOKIE_NAME = "polku_csrf"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
POLKU_REQUIRE_TWO_FACTOR = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_USE_FINDERS = True
