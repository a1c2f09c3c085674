"""Client notes: structured fields plus free text; signing locks; corrections are new versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NoteTopic(models.TextChoices):
    TRAUMA = "trauma", _("Trauma")
    SLEEP = "sleep", _("Sleep")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    HOUSING = "housing", _("Housing")
    INCOME = "income", _("Income")
    FAMILY = "family", _("Family")
    EMPLOYMENT = "employment", _("Employment or education")
    HEALTH_CARE_ACCESS = "health_care_access", _("Access to health care")


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class Note(models.Model):
    """One version of a note. A correction is a new Note whose `corrects` is the signed one before it."""

    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="notes")
    meeting = models.ForeignKey("casework.Meeting", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason_for_contact = models.CharField(_("reason for contact"), max_length=500, blank=True)
    topics = models.JSONField(_("topics discussed"), default=list, blank=True)
    agreed_actions = models.TextField(_("agreed actions"), blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    text = models.TextField(_("free text"), blank=True)
    status = models.CharField(max_length=8, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    corrects = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="correction")
    correction_reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="signed") | (Q(signed_at__isnull=False)
                                                                   & Q(signed_by__isnull=False)),
                                   name="note_signed_has_signer"),
            models.CheckConstraint(condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                                   name="note_correction_has_reason"),
        ]
