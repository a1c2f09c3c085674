"""A referral, the client's consent to what it discloses, and its append-only history of steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReferralDirection(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing")
    # Recorded by the care team for a referral that came to it from a sender outside Polku.
    INCOMING = "incoming", _("Incoming")


class ReferralUrgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    SOON = "soon", _("Soon (within two weeks)")
    URGENT = "urgent", _("Urgent")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
    APPOINTMENT_HELD = "appointment_held", _("Appointment held")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class ReferralStep(models.TextChoices):
    """What happened to a referral: a move of the state machine, or a note that leaves the status as it is."""

    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    APPOINTMENT_BOOKED = "appointment_booked", _("Appointment booked")
    APPOINTMENT_HELD = "appointment_held", _("Appointment held")
    APPOINTMENT_MISSED = "appointment_missed", _("Appointment missed")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    CALLBACK_MISSED = "callback_missed", _("Call-back missed")
    CLIENT_UNREACHABLE = "client_unreachable", _("Client unreachable")


# Steps that may happen more than once in one referral's life; every other step at most once (a constraint).
REPEATABLE_STEPS = tuple(step.value for step in (ReferralStep.APPOINTMENT_BOOKED, ReferralStep.APPOINTMENT_MISSED,
                                                 ReferralStep.CALLBACK_MISSED, ReferralStep.CLIENT_UNREACHABLE))


class Referral(models.Model):
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="referrals")
    direction = models.CharField(_("direction"), max_length=8, choices=ReferralDirection.choices,
                                 default=ReferralDirection.OUTGOING)
    target_service = models.ForeignKey("referrals.ReferralService", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="referrals", verbose_name=_("service"))
    sending_organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("care-team worker"))
    external_sender = models.CharField(_("sender"), max_length=300, blank=True)  # incoming referrals only
    reason = models.TextField(_("reason for referral"))
    urgency = models.CharField(_("urgency"), max_length=8, choices=ReferralUrgency.choices,
                               default=ReferralUrgency.ROUTINE)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # When the status last changed: the expiry rule and the call-back rule measure from here.
    status_changed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    appointment_booked_at = models.DateTimeField(null=True, blank=True)
    appointment_at = models.DateTimeField(_("appointment time"), null=True, blank=True)
    appointment_held_at = models.DateTimeField(null=True, blank=True)
    appointment_missed_at = models.DateTimeField(null=True, blank=True)
    callback_missed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejecting"), max_length=1000, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=1000, blank=True)
    expire_reason = models.CharField(_("reason for expiry"), max_length=300, blank=True)
    # Optimistic locking: a button shown with an older version is refused as a conflict, not applied twice.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(direction="outgoing") | Q(target_service__isnull=False),
                                   name="referral_outgoing_has_service"),
            models.CheckConstraint(condition=~Q(direction="incoming") | ~Q(external_sender=""),
                                   name="referral_incoming_has_sender"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="referral_rejection_has_reason"),
            models.CheckConstraint(condition=~Q(status="withdrawn") | ~Q(withdraw_reason=""),
                                   name="referral_withdrawal_has_reason"),
            models.CheckConstraint(condition=~Q(status="appointment_booked") | Q(appointment_at__isnull=False),
                                   name="referral_booking_has_time"),
            # A withdrawn draft was never sent; everything else outgoing past the draft was.
            models.CheckConstraint(condition=Q(sent_at__isnull=False) | Q(status__in=["draft", "withdrawn"])
                                   | Q(direction="incoming"), name="referral_sent_has_time"),
        ]
        indexes = [models.Index(fields=["status", "target_service"]), models.Index(fields=["client", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def service_name(self) -> str:
        return self.target_service.name if self.target_service_id else self.external_sender

    @property
    def handled_in_polku(self) -> bool:
        """True when the receiving service answers through Polku's inbox; otherwise the sender records its steps."""
        return (self.direction == ReferralDirection.OUTGOING and self.target_service is not None
                and self.target_service.uses_polku)


class DisclosureItem(models.TextChoices):
    """What the client agreed may be told to the receiving service (the consent checklist)."""

    IDENTITY = "identity", _("Identity (name, date of birth, identity code)")
    CONTACT_DETAILS = "contact_details", _("Contact details")
    REASON = "reason", _("Reason for referral")
    SCREENING_RESULTS = "screening_results", _("Screening results")
    INTERPRETER_NEEDS = "interpreter_needs", _("Interpreter needs")


class ReferralConsent(models.Model):
    """The client's consent to the referral and to exactly what it discloses; required before sending."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="consent")
    disclose_identity = models.BooleanField(default=True)
    disclose_contact_details = models.BooleanField(default=False)
    disclose_reason = models.BooleanField(default=False)
    disclose_screening_results = models.BooleanField(default=False)
    disclose_interpreter_needs = models.BooleanField(default=False)
    recipient = models.CharField(_("to whom"), max_length=300)
    given_at = models.DateTimeField(_("consent given"))
    language = models.CharField(_("language used with the client"), max_length=8)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # A service cannot take on a person it may not know: identity is part of every referral.
            models.CheckConstraint(condition=Q(disclose_identity=True), name="referral_consent_includes_identity"),
        ]

    @property
    def items(self) -> list[str]:
        """The checklist as DisclosureItem values, in the checklist's order."""
        return [item.value for item in DisclosureItem if getattr(self, f"disclose_{item.value}")]

    def discloses(self, item: str) -> bool:
        return bool(getattr(self, f"disclose_{DisclosureItem(item).value}"))


class ReferralTransition(models.Model):
    """One step in a referral's life. Append-only (a trigger refuses UPDATE and DELETE on PostgreSQL)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transitions")
    step = models.CharField(max_length=20, choices=ReferralStep.choices)
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    # sender, recipient or system (the break job); a sender recording a service's answer by hand is "sender".
    side = models.CharField(max_length=10)
    note = models.CharField(max_length=1000, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # The database, not only the row lock, makes a second "accepted" (or "sent", ...) impossible.
            models.UniqueConstraint(fields=["referral", "step"], condition=~Q(step__in=REPEATABLE_STEPS),
                                    name="referral_transition_once_per_referral"),
        ]
