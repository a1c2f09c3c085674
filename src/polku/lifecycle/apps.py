from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    name = "polku.lifecycle"
    label = "lifecycle"
    verbose_name = _("Data lifecycle: retention, erasure, export and restriction")

    def ready(self):
        from polku.core import access
        from polku.lifecycle import checks  # noqa: F401 -- registers the system check
        from polku.lifecycle.restriction import refuse_changes_while_restricted

        access.register_write_guard(refuse_changes_while_restricted)
