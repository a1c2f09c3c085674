"""Models of the reporting app: research extracts (request → decision → generation) and scheduled reports.

The steering-group report itself keeps no state; its scheduled deliveries do (`ReportSchedule`,
`GeneratedReport`).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def new_pseudonym_key() -> str:
    """A fresh random HMAC key for one extract: pseudonyms are stable inside it and unlinkable across extracts."""
    return secrets.token_hex(32)


class ExtractStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the data controller")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    BLOCKED = "blocked", _("Blocked by the k-anonymity check")
    GENERATED = "generated", _("Generated")


class ResearchExtract(models.Model):
    """A researcher's request for a pseudonymised extract, the data controller's decision, and its result."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    purpose = models.TextField(_("purpose of the research"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    fields = models.JSONField(_("fields"), default=list)
    quasi_identifiers = models.JSONField(_("quasi-identifiers"), default=list)
    include_event_log = models.BooleanField(_("include the service-path event log"), default=True)
    status = models.CharField(max_length=12, choices=ExtractStatus.choices, default=ExtractStatus.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    # Never exported, never shown: with it, anyone holding the extract could test a guessed client id.
    pseudonym_key = models.CharField(max_length=64, default=new_pseudonym_key, editable=False)
    generated_at = models.DateTimeField(null=True, blank=True)
    k_required = models.PositiveSmallIntegerField(default=5)
    k_achieved = models.PositiveIntegerField(null=True, blank=True)
    # The k-anonymity check as shown to the researcher and the controller: generalisations applied,
    # and when blocked the failing combinations with their counts (never persons).
    k_report = models.JSONField(default=dict, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    event_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="extract_period_in_order"),
            # Four eyes: nobody approves their own request.
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="extract_not_decided_by_requester"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(decision_reason=""),
                                   name="extract_rejection_has_reason"),
            models.CheckConstraint(condition=Q(status="requested") | Q(decided_by__isnull=False),
                                   name="extract_decided_has_decider"),
            models.CheckConstraint(condition=Q(k_required__gte=2), name="extract_k_at_least_two"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.purpose[:40]}"


class ExtractDownload(models.Model):
    """Every download of an extract file: who, when, which file."""

    extract = models.ForeignKey(ResearchExtract, on_delete=models.PROTECT, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_format = models.CharField(max_length=12)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]


class ReportKind(models.TextChoices):
    STEERING = "steering", _("Steering-group report")


class ReportSchedule(models.Model):
    """A report generated every month for the previous month and announced to its recipients via the outbox."""

    kind = models.CharField(_("report"), max_length=16, choices=ReportKind.choices, default=ReportKind.STEERING)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("recipients"))
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=1)
    language = models.CharField(_("language"), max_length=8, default="fi")
    file_format = models.CharField(pgettext_lazy("file format", "format"), max_length=8, default="pdf")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_period_start = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "kind", "id"]
        constraints = [
            # 1–28 so that every month has the day.
            models.CheckConstraint(condition=Q(day_of_month__gte=1) & Q(day_of_month__lte=28),
                                   name="report_schedule_day_in_every_month"),
            models.CheckConstraint(condition=Q(file_format__in=["html", "pdf", "xlsx"]),
                                   name="report_schedule_known_format"),
        ]


class GeneratedReport(models.Model):
    """One delivered run of a schedule; the file lives under the var directory, readable by its recipients only."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.PROTECT, related_name="runs")
    period_start = models.DateField()
    period_end = models.DateField()
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            # Idempotent per period: a repeated run finds the existing row.
            models.UniqueConstraint(fields=["schedule", "period_start"], name="generated_report_once_per_period"),
        ]
