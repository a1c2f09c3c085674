from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "polku.referrals"
    label = "referrals"
    verbose_name = _("Referrals and service paths")

    def ready(self):
        from polku.casework import extensions
        from polku.referrals import views
        from polku.referrals.services.merge import move_client_records

        extensions.register_merge_handler(move_client_records)
        extensions.register_client_page_section(
            context=views.section_context,
            templates=("referrals/includes/_referrals.html", "referrals/includes/_path_timeline.html"))
        extensions.register_todo_provider(context=views.todo_context, template="referrals/includes/_todo_breaks.html")
