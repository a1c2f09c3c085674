"""Where paths wait too long: configurable break rules and the breaks the daily job found."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.referrals.models.service import ServiceType


class BreakKind(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Sent but not received")
    NO_APPOINTMENT = "no_appointment", _("Accepted but no appointment")
    NO_NEW_APPOINTMENT = "no_new_appointment", _("Appointment missed and no new one")
    NO_CONTACT = "no_contact", _("No contact while a service plan is in force")
    CALLBACK_MISSED = "callback_missed", _("Call-back missed and nothing since")
    # Not a break but the end of one: a referral with no step for this long is closed as expired.
    EXPIRY = "expiry", _("Referral expires without a step")


# Kinds about the client as a whole, not about one referral: they have only the default rule.
CLIENT_KINDS = (BreakKind.NO_CONTACT.value,)


class BreakRule(models.Model):
    """How long a path may wait at one point; a rule for a service type overrides the default (type empty)."""

    service_type = models.CharField(_("type of service"), max_length=32, choices=ServiceType.choices, null=True,
                                    blank=True, help_text=_("Empty: the default for every type without a rule."))
    kind = models.CharField(_("kind"), max_length=20, choices=BreakKind.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    working_days = models.BooleanField(_("count working days"), default=False,
                                       help_text=_("Finnish working days: weekends and public holidays excluded."))
    active = models.BooleanField(_("active"), default=True,
                                 help_text=_("An inactive rule for a type switches the check off for that type."))

    class Meta:
        ordering = ["kind", "service_type"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(service_type__isnull=True),
                                    name="break_rule_one_default_per_kind"),
            models.UniqueConstraint(fields=["service_type", "kind"], condition=Q(service_type__isnull=False),
                                    name="break_rule_one_per_type_and_kind"),
            models.CheckConstraint(condition=~Q(kind__in=CLIENT_KINDS) | Q(service_type__isnull=True),
                                   name="break_rule_client_kinds_default_only"),
        ]

    def __str__(self) -> str:
        scope = self.get_service_type_display() if self.service_type else _("default")
        return f"{self.get_kind_display()} ({scope}): {self.days}"


class PathBreak(models.Model):
    """A break found by `record_breaks`: open while the condition lasts, resolved (never deleted) when it ends."""

    rule = models.ForeignKey(BreakRule, on_delete=models.PROTECT, related_name="breaks")
    kind = models.CharField(max_length=20, choices=BreakKind.choices)
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="path_breaks")
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="breaks")
    deadline = models.DateField()  # the last day on which the step was still in time
    since = models.DateField()  # the first day the path counts as broken
    days_overdue = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_on = models.DateField()  # the `today` of the run that found it
    last_seen_on = models.DateField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["since", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "kind"],
                                    condition=Q(resolved_at__isnull=True, referral__isnull=False),
                                    name="path_break_one_open_per_referral_and_kind"),
            models.UniqueConstraint(fields=["client", "kind"],
                                    condition=Q(resolved_at__isnull=True, referral__isnull=True),
                                    name="path_break_one_open_per_client_and_kind"),
        ]
        indexes = [models.Index(fields=["client"], condition=Q(resolved_at__isnull=True),
                                name="path_break_open_idx")]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
