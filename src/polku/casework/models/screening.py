"""Screening results, stored in the shape of a FHIR QuestionnaireResponse."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScreeningResponse(models.Model):
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="screenings")
    meeting = models.ForeignKey("casework.Meeting", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="screenings")
    instrument = models.CharField(_("instrument"), max_length=16)  # PHQ-9, GAD-7, PCL-5, RHS-15, PROTECT
    instrument_version = models.CharField(max_length=16, blank=True)
    client_language = models.CharField(_("client's language"), max_length=8)
    worker_language = models.CharField(_("worker's language"), max_length=8)
    answers = models.JSONField(help_text="linkId -> ordinal value")
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=32)
    positive = models.BooleanField()
    safety_flag = models.BooleanField(default=False)
    subscales = models.JSONField(default=dict, blank=True)
    administered_at = models.DateTimeField(default=timezone.now)
    administered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-administered_at"]
        indexes = [models.Index(fields=["client", "instrument", "-administered_at"])]
