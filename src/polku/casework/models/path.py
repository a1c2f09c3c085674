"""The service-path event log: every step that moves a client along a path, written with the step.

Lives in casework (not referrals) because meetings, screenings and plans write it too, and casework
must not depend on referrals; referrals and interpreting write the same table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PathEventKind(models.TextChoices):
    CLIENT_REGISTERED = "CLIENT_REGISTERED", _("Client registered")
    CARE_TEAM_ASSIGNED = "CARE_TEAM_ASSIGNED", _("Care team assigned")
    CARE_TEAM_CHANGED = "CARE_TEAM_CHANGED", _("Care team changed")
    MEETING_PLANNED = "MEETING_PLANNED", _("Meeting planned")
    MEETING_HELD = "MEETING_HELD", _("Meeting held")
    MEETING_MISSED = "MEETING_MISSED", _("Meeting missed")
    MEETING_CANCELLED = "MEETING_CANCELLED", _("Meeting cancelled")
    INTERPRETER_FAILED = "INTERPRETER_FAILED", _("Interpreter did not come")
    SCREENING_DONE = "SCREENING_DONE", _("Screening done")
    PLAN_MADE = "PLAN_MADE", _("Service plan made")
    PLAN_CLOSED = "PLAN_CLOSED", _("Service plan closed")
    CLIENT_DISCHARGED = "CLIENT_DISCHARGED", _("Client discharged")
    CLIENT_UNREACHABLE = "CLIENT_UNREACHABLE", _("Client unreachable")
    RECORDS_MERGED = "RECORDS_MERGED", _("Duplicate records merged")


class PathEvent(models.Model):
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="path_events")
    activity = models.CharField(max_length=40)  # PathEventKind here; other apps add their own kinds
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_role = models.CharField(max_length=32, blank=True)
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    service = models.CharField(max_length=200, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        # Ties on equal timestamps keep insertion order (id), as process-mining tools expect.
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["client", "at"]), models.Index(fields=["activity", "at"])]
