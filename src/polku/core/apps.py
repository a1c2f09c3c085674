from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "polku.core"
    label = "core"
    verbose_name = _("Core: areas, organisations, users, access")

    def ready(self):
        # Connects the login-time receiver before any login, also a test client's force_login before
        # the first request has loaded the middleware.
        from polku.core import auth_middleware, checks  # noqa: F401 -- checks: the deploy checks register
