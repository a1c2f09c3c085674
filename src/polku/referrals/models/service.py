"""The services a care team refers clients to (a database list until the directory app provides them)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ServiceType(models.TextChoices):
    PSYCHIATRIC_OUTPATIENT = "psychiatric_outpatient", _("Psychiatric outpatient clinic")
    HEALTH_CENTRE_DOCTOR = "health_centre_doctor", _("Health-centre doctor")
    SUBSTANCE_ABUSE = "substance_abuse", _("Substance-abuse services")
    TRAUMA_CENTRE = "trauma_centre", _("Trauma and torture-victim centre")
    CHILD_AND_FAMILY = "child_family", _("Child and family services")
    EMPLOYMENT_AND_INTEGRATION = "employment_integration", _("Employment and integration services")
    NGO_ACTIVITY = "ngo_activity", _("NGO activity")
    NATIVE_LANGUAGE_COUNSELLOR = "native_language_counsellor", _("Native-language counsellor")
    EXPERT_BY_EXPERIENCE = "expert_by_experience", _("Expert by experience")


class ReferralService(models.Model):
    """A service that receives referrals: in Polku's inbox (`uses_polku`) or outside it (steps recorded by hand)."""

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    service_type = models.CharField(_("type of service"), max_length=32, choices=ServiceType.choices)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="referral_services",
                                     verbose_name=_("organisation"))
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("area"))
    uses_polku = models.BooleanField(
        _("works in Polku's referral inbox"), default=False,
        help_text=_("If not, the referring worker records the service's answers and appointments by hand."))
    # The referring team itself listed as a service: a "referral" to it is no referral (and no disclosure).
    is_internal_team = models.BooleanField(_("the client-work team itself"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name_fi", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name_fi"], name="referral_service_unique_name"),
        ]

    @property
    def name(self) -> str:
        language = get_language()
        if language == "sv" and self.name_sv:
            return self.name_sv
        if language == "en" and self.name_en:
            return self.name_en
        return self.name_fi

    def __str__(self) -> str:
        return self.name
