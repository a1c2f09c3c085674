"""Trainings and events with enrolment, waiting list, attendance, feedback and certificates; self-paced courses."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from polku.core.models import CollaborationArea
from polku.directory.models.base import localised


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    SEMINAR = "seminar", _("Seminar")
    NETWORK_MEETING = "network_meeting", _("Network meeting")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class EventStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class TrainingEvent(models.Model):
    """A training, seminar or network meeting: national (no area) or for one collaboration area."""

    # The calendar UID of the event for its whole life: every invitation, update and cancellation carries it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    format = models.CharField(pgettext_lazy("how a training is delivered", "format"), max_length=12,
                              choices=EventFormat.choices)
    title_fi = models.CharField(_("title in Finnish"), max_length=200)
    title_sv = models.CharField(_("title in Swedish"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    area = models.ForeignKey(CollaborationArea, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="training_events", verbose_name=_("collaboration area"))
    organiser_name = models.CharField(_("organiser"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    hours = models.DecimalField(_("hours of training"), max_digits=5, decimal_places=1)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    directory_training = models.ForeignKey("directory.Training", on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="events", verbose_name=_("training in the directory"))
    status = models.CharField(max_length=12, choices=EventStatus.choices, default=EventStatus.PUBLISHED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="training_event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_event_capacity_positive"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_event_hours_positive"),
            models.CheckConstraint(condition=~Q(title_fi=""), name="training_event_title_required"),
            # An in-person event needs a place and an online event a link, or nobody can attend.
            models.CheckConstraint(condition=~Q(format=EventFormat.IN_PERSON) | ~Q(place=""),
                                   name="training_event_in_person_has_place"),
            models.CheckConstraint(condition=~Q(format=EventFormat.ONLINE) | ~Q(online_url=""),
                                   name="training_event_online_has_link"),
            models.CheckConstraint(condition=Q(status=EventStatus.CANCELLED) | Q(cancelled_at__isnull=True),
                                   name="training_event_cancelled_at_only_when_cancelled"),
        ]

    @property
    def title(self) -> str:
        return localised(self, "title")

    @property
    def description(self) -> str:
        return localised(self, "description")

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    def __str__(self) -> str:
        return self.title


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Enrolment(models.Model):
    """One person's place (or place in the queue) at an event; a re-enrolment reuses the row."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_enrolments")
    status = models.CharField(max_length=12, choices=EnrolmentStatus.choices)
    # The waiting list is served in the order people joined it.
    queued_at = models.DateTimeField(default=timezone.now)
    enrolled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)  # None: not marked yet
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")

    class Meta:
        ordering = ["queued_at", "id"]
        indexes = [models.Index(fields=["event", "status", "queued_at"])]
        constraints = [
            # One row per person and event: a second enrolment, even a concurrent one, cannot slip in.
            models.UniqueConstraint(fields=["event", "user"], name="enrolment_one_per_person_and_event"),
            models.CheckConstraint(condition=Q(attended__isnull=True) | Q(status=EnrolmentStatus.ENROLLED),
                                   name="enrolment_attendance_only_for_enrolled"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.event}"


class CalendarMethod(models.TextChoices):
    REQUEST = "REQUEST", "REQUEST"
    CANCEL = "CANCEL", "CANCEL"


class InvitationIssue(models.Model):
    """Every .ics message sent to one participant: the event's UID, SEQUENCE strictly increasing per person."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="invitations")
    uid = models.CharField(max_length=200)
    sequence = models.PositiveIntegerField()
    method = models.CharField(max_length=8, choices=CalendarMethod.choices)
    content = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrolment", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "sequence"], name="invitation_sequence_unique"),
            models.CheckConstraint(condition=~Q(uid=""), name="invitation_uid_required"),
        ]


class Feedback(models.Model):
    """An attendee's feedback on an event: once per participant (the one-to-one holds it)."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5),
                                              name="feedback_rating_1_to_5")]


class SelfPacedCourse(models.Model):
    """A web training taken alone at one's own pace, module by module (e.g. the PALOMA training's 16 videos)."""

    slug = models.SlugField(unique=True)
    title_fi = models.CharField(_("title in Finnish"), max_length=200)
    title_sv = models.CharField(_("title in Swedish"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description_fi = models.TextField(blank=True)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    organiser_name = models.CharField(max_length=200)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    directory_training = models.ForeignKey("directory.Training", on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="courses")
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["title_fi"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="course_hours_positive")]

    @property
    def title(self) -> str:
        return localised(self, "title")

    @property
    def description(self) -> str:
        return localised(self, "description")

    def __str__(self) -> str:
        return self.title


class CourseModule(models.Model):
    course = models.ForeignKey(SelfPacedCourse, on_delete=models.CASCADE, related_name="modules")
    position = models.PositiveSmallIntegerField()
    title_fi = models.CharField(max_length=200)
    title_sv = models.CharField(max_length=200, blank=True)
    title_en = models.CharField(max_length=200, blank=True)
    video_url = models.URLField(blank=True)
    minutes = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["course", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="course_module_position_unique")]

    @property
    def title(self) -> str:
        return localised(self, "title")

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class ModuleCompletion(models.Model):
    module = models.ForeignKey(CourseModule, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["module", "user"], name="module_completed_once")]


class Certificate(models.Model):
    """A certificate of a completed training: the facts are copied at issue, so later edits do not change it."""

    code = models.CharField(max_length=16, unique=True)  # verification code printed on the certificate
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_certificates")
    event = models.ForeignKey(TrainingEvent, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="certificates")
    course = models.ForeignKey(SelfPacedCourse, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="certificates")
    participant_name = models.CharField(max_length=300)
    title = models.CharField(max_length=200)
    completed_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    organiser_name = models.CharField(max_length=200)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # Exactly one of event and course.
            models.CheckConstraint(condition=Q(event__isnull=True) ^ Q(course__isnull=True),
                                   name="certificate_for_event_or_course"),
            models.UniqueConstraint(fields=["user", "event"], name="certificate_once_per_event"),
            models.UniqueConstraint(fields=["user", "course"], name="certificate_once_per_course"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.participant_name}: {self.title}"
