"""REST API (django-ninja): versioned under /api/v1/, OpenAPI 3.1 at /api/v1/openapi.json."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "polku.api"
    label = "api"
    verbose_name = _("Interfaces for other systems")

    def ready(self) -> None:
        # Webhook outbox rows are written by post_save on the history rows that every referral step and every
        # booking status change appends inside its own transaction: the referrals and interpreting apps stay
        # unaware of webhooks, and a rolled-back change leaves no delivery behind.
        from django.db.models.signals import post_save

        from polku.api import webhooks
        from polku.interpreting.models import BookingStatusChange
        from polku.referrals.models import ReferralTransition

        post_save.connect(webhooks.on_referral_transition, sender=ReferralTransition,
                          dispatch_uid="api.webhooks.referral")
        post_save.connect(webhooks.on_booking_status_change, sender=BookingStatusChange,
                          dispatch_uid="api.webhooks.booking")
