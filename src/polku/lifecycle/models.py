"""Retention runs (plan → approval → application) and restrictions of processing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    PLANNED = "planned", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")


class RetentionRun(models.Model):
    """One pass of the retention job: what is past its period on the planning day, and what was done."""

    planned_at = models.DateTimeField(default=timezone.now)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # null: the scheduled job
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PLANNED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # record type -> rows removed, written when applied (the items themselves say what was due).
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-planned_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="planned") | Q(decided_by__isnull=False),
                                   name="retention_run_decided_by_someone"),
            models.CheckConstraint(condition=~Q(status="applied") | Q(applied_at__isnull=False),
                                   name="retention_run_applied_has_time"),
        ]


class RetentionItem(models.Model):
    """One record (a client with everything attached) or one batch of log rows past its period."""

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="items")
    record_type = models.CharField(max_length=32)
    # A client's id for client records; for row types, the rows up to and including `until`.
    object_id = models.BigIntegerField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    until = models.DateTimeField(null=True, blank=True)
    due_since = models.DateField()

    class Meta:
        ordering = ["record_type", "object_id"]


class ProcessingRestriction(models.Model):
    """GDPR art. 18: while active, the client's data is kept and may be read, but not changed."""

    client_id = models.BigIntegerField(db_index=True)  # a plain id, like the access log: core-level data
    reason = models.CharField(_("reason"), max_length=500)
    restricted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    restricted_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-restricted_at"]
        constraints = [
            models.UniqueConstraint(fields=["client_id"], condition=Q(lifted_at__isnull=True),
                                    name="one_active_restriction_per_client"),
            models.CheckConstraint(condition=~Q(reason=""), name="restriction_reason_required"),
        ]
