"""Booking requests for an interpreter, their status history, and the solver's proposals."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.interpreting.models.interpreters import Interpreter, InterpretingMode


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ASSIGNED = "assigned", _("Assigned, waiting for the interpreter")
    ACCEPTED = "accepted", _("Accepted by the interpreter")
    DECLINED = "declined", _("Declined by the interpreter")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    CLIENT_NO_SHOW = "client_no_show", _("Client did not come")
    INTERPRETER_NO_SHOW = "interpreter_no_show", _("Interpreter did not come")
    LATE_CANCELLATION = "late_cancellation", _("Cancelled late")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which the interpreter's time is taken: the no-double-booking constraint covers exactly these.
# A declined, cancelled or late-cancelled booking frees the interpreter for other work.
OCCUPYING_STATUSES = (BookingStatus.ASSIGNED, BookingStatus.ACCEPTED, BookingStatus.CONFIRMED, BookingStatus.HELD,
                      BookingStatus.CLIENT_NO_SHOW, BookingStatus.INTERPRETER_NO_SHOW)
OPEN_STATUSES = (BookingStatus.REQUESTED, BookingStatus.DECLINED)
OUTCOME_STATUSES = (BookingStatus.HELD, BookingStatus.CLIENT_NO_SHOW, BookingStatus.INTERPRETER_NO_SHOW,
                    BookingStatus.LATE_CANCELLATION)
FINAL_STATUSES = (*OUTCOME_STATUSES, BookingStatus.CANCELLED)


class GenderWish(models.TextChoices):
    ANY = "any", _("No preference")
    FEMALE = "female", _("Female interpreter")
    MALE = "male", _("Male interpreter")


class Booking(models.Model):
    """One request for an interpreter for one client at one time; its life runs requested -> outcome."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the calendar UID, never changes
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="interpreter_bookings")
    meeting = models.ForeignKey("casework.Meeting", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="interpreter_bookings")
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("ordering organisation"))
    centre = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="interpreter_requests",
                               verbose_name=_("interpreter centre"))
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=8)
    dialect = models.CharField(_("dialect"), max_length=100, blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=InterpretingMode.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    meeting_minutes = models.PositiveSmallIntegerField(_("meeting length (min)"))
    double_time = models.BooleanField(_("double time"), default=False)
    mental_health = models.BooleanField(_("mental-health meeting"), default=False)
    address = models.CharField(_("exact address"), max_length=300, blank=True)
    remote_details = models.CharField(_("phone number or video link"), max_length=300, blank=True)
    contact_person = models.CharField(_("who to ask for"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    gender_wish = models.CharField(_("interpreter gender"), max_length=8, choices=GenderWish.choices,
                                   default=GenderWish.ANY)
    preferred_interpreter = models.ForeignKey(Interpreter, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="+", verbose_name=_("named interpreter"))
    refused_interpreters = models.ManyToManyField(Interpreter, blank=True, related_name="+",
                                                  verbose_name=_("interpreters the client refuses"))
    share_client_name = models.BooleanField(_("the interpreter may be told the client's name"), default=False)
    interpreter = models.ForeignKey(Interpreter, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="bookings")
    # The interpreter's time this booking blocks: [start - buffer, end + buffer) for on-site work.
    blocked_from = models.DateTimeField(null=True, blank=True)
    blocked_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices,
                              default=BookingStatus.REQUESTED)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ics_sequence = models.PositiveIntegerField(default=0)
    actual_minutes = models.PositiveSmallIntegerField(_("actual length (min)"), null=True, blank=True)
    billable_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_end_after_start"),
            models.CheckConstraint(
                condition=~Q(status__in=OCCUPYING_STATUSES) | (
                    Q(interpreter__isnull=False) & Q(blocked_from__isnull=False) & Q(blocked_until__isnull=False)),
                name="booking_occupying_has_interpreter_and_time"),
            models.CheckConstraint(
                condition=Q(blocked_from__isnull=True) | Q(blocked_until__gt=models.F("blocked_from")),
                name="booking_blocked_range_in_order"),
            models.CheckConstraint(condition=Q(mode__in=InterpretingMode.values), name="booking_mode_known"),
            # The no-overlap exclusion constraint is PostgreSQL-only and lives in migration 0002.
        ]
        indexes = [models.Index(fields=["interpreter", "blocked_from"]), models.Index(fields=["status", "starts_at"]),
                   models.Index(fields=["client", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.language} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def reference(self) -> str:
        """A booking number the dispatcher can say on the phone instead of the client's name."""
        return f"T-{self.pk:06d}" if self.pk else "T-new"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class BookingStatusChange(models.Model):
    """History of a booking's status (who, when, which interpreter): the record behind every notification."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="status_changes")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    interpreter = models.ForeignKey(Interpreter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]


class AssignmentProposal(models.Model):
    """A solver's (or the greedy baseline's) proposed interpreter for a booking, waiting for the dispatcher."""

    batch = models.UUIDField(db_index=True)
    method = models.CharField(max_length=12)  # "cp-sat" or "greedy"
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="proposals")
    interpreter = models.ForeignKey(Interpreter, on_delete=models.CASCADE, related_name="+")
    score = models.IntegerField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True)

    class Meta:
        ordering = ["booking__starts_at", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "booking"], name="proposal_once_per_batch")]
