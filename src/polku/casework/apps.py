from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "polku.casework"
    label = "casework"
    verbose_name = _("Client work")

    def ready(self):
        from polku.casework.selectors import has_active_care_membership
        from polku.core import access

        access.register_care_relationship_check(has_active_care_membership)
