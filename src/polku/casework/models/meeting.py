"""Meetings with the client, their participants, and work time (the steering group's question)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MEETING_MINUTES = 8 * 60  # anything longer is a typing error, not a meeting
DEFAULT_MEETING_MINUTES = 60  # PPMM: mostly one hour on purpose, the topics are heavy


class MeetingPlace(models.TextChoices):
    OFFICE = "office", _("Project office")
    HOME = "home", _("Client's home")
    NETWORK_SOCIAL_OFFICE = "network_social", _("Network meeting at the social office")
    NETWORK_HOSPITAL = "network_hospital", _("Network meeting at the hospital")
    NETWORK_PARTNER = "network_partner", _("Network meeting at a partner")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class MeetingOutcome(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CLIENT_NO_SHOW = "client_no_show", _("Client did not come")
    CANCELLED_BY_CLIENT = "cancelled_client", _("Cancelled by the client")
    CANCELLED_BY_WORKER = "cancelled_worker", _("Cancelled by the worker")
    INTERPRETER_NO_SHOW = "interpreter_no_show", _("Interpreter did not come")


class Meeting(models.Model):
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts"))
    planned_minutes = models.PositiveSmallIntegerField(_("planned duration (min)"), default=DEFAULT_MEETING_MINUTES)
    actual_minutes = models.PositiveSmallIntegerField(_("actual duration (min)"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=20, choices=MeetingPlace.choices)
    place_detail = models.CharField(_("address or details"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=MeetingOutcome.choices,
                               default=MeetingOutcome.PLANNED)
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    interpreter_language = models.CharField(_("interpreting language"), max_length=8, blank=True)
    interpreter_name = models.CharField(_("interpreter"), max_length=200, blank=True)
    # Set when the first meeting is held by one worker only; the rule is pair first (PPMM).
    pair_exception_reason = models.CharField(_("reason the pair did not meet together"), max_length=500,
                                             blank=True)
    is_first_meeting = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_minutes__gte=1) & Q(planned_minutes__lte=MAX_MEETING_MINUTES),
                                   name="meeting_planned_minutes_range"),
            models.CheckConstraint(condition=Q(actual_minutes__isnull=True) | (
                Q(actual_minutes__gte=1) & Q(actual_minutes__lte=MAX_MEETING_MINUTES)),
                name="meeting_actual_minutes_range"),
            models.CheckConstraint(condition=~Q(outcome="held") | Q(actual_minutes__isnull=False),
                                   name="meeting_held_has_duration"),
            models.CheckConstraint(condition=Q(interpreter_used=False) | ~Q(interpreter_language=""),
                                   name="meeting_interpreter_has_language"),
        ]
        indexes = [models.Index(fields=["client", "-starts_at"])]


class ParticipantKind(models.TextChoices):
    WORKER = "worker", _("Worker")
    INTERPRETER = "interpreter", _("Interpreter")
    FAMILY = "family", _("Family member")
    PARTNER = "partner", _("Partner professional")


class MeetingParticipant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=12, choices=ParticipantKind.choices)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(kind="worker") | Q(worker__isnull=False),
                                   name="participant_worker_is_user"),
            models.UniqueConstraint(fields=["meeting", "worker"], condition=Q(worker__isnull=False),
                                    name="participant_worker_once"),
        ]


class WorkActivity(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Phone call")
    NETWORK = "network", _("Network work")
    DOCUMENTATION = "documentation", _("Documentation")
    TRAVEL = "travel", _("Travel")
    OTHER = "other", _("Other")


class WorkTime(models.Model):
    """Minutes a worker used on a client, in a meeting or outside it."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="work_times")
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="work_times")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="work_times")
    activity = models.CharField(_("activity"), max_length=16, choices=WorkActivity.choices)
    date = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1) & Q(minutes__lte=MAX_MEETING_MINUTES),
                                   name="work_time_minutes_range"),
            models.CheckConstraint(condition=~Q(activity="meeting") | Q(meeting__isnull=False),
                                   name="work_time_meeting_linked"),
            models.UniqueConstraint(fields=["meeting", "worker"], condition=Q(meeting__isnull=False),
                                    name="work_time_once_per_meeting_worker"),
        ]
