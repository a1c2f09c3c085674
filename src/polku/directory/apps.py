from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "polku.directory"
    label = "directory"
    verbose_name = _("Network and knowledge directory")
