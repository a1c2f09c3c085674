"""Other costs a municipality or wellbeing services county may claim from the state per client."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CompensableCostKind(models.TextChoices):
    SPECIAL_HEALTH_CARE = "special_health", _("Special health-care cost")
    SPECIAL_SOCIAL_CARE = "special_social", _("Special social-care cost")
    OTHER_INTERPRETING = "interpreting_other", _("Other interpreting cost (outside Polku's bookings)")


class CompensableCost(models.Model):
    """A cost recorded for a client to be included in the state-compensation claim; no clinical detail."""

    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=CompensableCostKind.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=10, decimal_places=2)
    description = models.CharField(_("description (no diagnosis)"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="compensable_cost_positive")]
