"""The outbox (messages written with the change that causes them) and the calendar messages issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageKind(models.TextChoices):
    REQUESTED = "requested", _("Booking requested")
    ASSIGNED = "assigned", _("Assignment offered")
    ACCEPTED = "accepted", _("Assignment accepted")
    DECLINED = "declined", _("Assignment declined")
    CONFIRMED = "confirmed", _("Booking confirmed")
    CHANGED = "changed", _("Booking changed")
    CANCELLED = "cancelled", _("Booking cancelled")
    REMINDER = "reminder", _("Reminder")
    # Other apps (consultations, trainings, reports) write their own kinds, prefixed with the app
    # ("consultation.answered"); the field has no choices so that a new kind needs no interpreting migration.


class RecipientKind(models.TextChoices):
    WORKER = "worker", _("Worker")
    DISPATCHER = "dispatcher", _("Dispatcher")
    INTERPRETER = "interpreter", _("Interpreter")
    CLIENT = "client", _("Client")
    PROFESSIONAL = "professional", _("Professional")


class OutboxMessage(models.Model):
    """A message to send. Written in the same transaction as the change; delivered afterwards by a backend."""

    booking = models.ForeignKey("interpreting.Booking", on_delete=models.CASCADE, null=True, blank=True,
                                related_name="messages")
    kind = models.CharField(max_length=40)  # a MessageKind value, or "<app>.<event>" from another app
    recipient_kind = models.CharField(max_length=20, choices=RecipientKind.choices)
    recipient_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")
    recipient_address = models.CharField(max_length=254, blank=True)  # e-mail or phone; empty = in-app only
    language = models.CharField(max_length=8, default="fi")
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    ics = models.TextField(blank=True)
    # For in-app notifications of other apps: where the message points (a path inside Polku) and when the
    # recipient read it.
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Makes a repeated run of e.g. send_reminders harmless: one reminder per booking, recipient and day.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # After a failed attempt, not before this time (growing waits: a message that cannot be delivered must
    # not take the place of the ones behind it in every run).
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]


class CalendarMethod(models.TextChoices):
    REQUEST = "REQUEST", "REQUEST"
    CANCEL = "CANCEL", "CANCEL"


class CalendarIssue(models.Model):
    """Every .ics message issued for a booking: one UID per booking, SEQUENCE strictly increasing."""

    booking = models.ForeignKey("interpreting.Booking", on_delete=models.CASCADE, related_name="calendar_issues")
    uid = models.CharField(max_length=200)
    sequence = models.PositiveIntegerField()
    method = models.CharField(max_length=8, choices=CalendarMethod.choices)
    content = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["booking", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "sequence"], name="calendar_issue_sequence_unique"),
            models.CheckConstraint(condition=~Q(uid=""), name="calendar_issue_uid_required"),
        ]
