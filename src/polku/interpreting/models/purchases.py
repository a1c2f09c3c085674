"""Hourly purchases from associations: native-language counsellors and experts by experience (PPMM)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupportKind(models.TextChoices):
    NATIVE_LANGUAGE_COUNSELLOR = "native_counsellor", _("Native-language counsellor")
    EXPERT_BY_EXPERIENCE = "expert_by_experience", _("Expert by experience")


class PurchaseAgreement(models.Model):
    """A framework agreement with an association: hours bought by the hour at an agreed fee."""

    association = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="sales_agreements")
    buyer = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="purchase_agreements")
    reference = models.CharField(_("agreement reference"), max_length=64)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    hourly_fee = models.DecimalField(_("hourly fee (EUR)"), max_digits=8, decimal_places=2)
    max_hours = models.DecimalField(_("hours at most"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["association__name", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "reference"], name="purchase_agreement_reference_unique"),
            models.CheckConstraint(condition=Q(hourly_fee__gte=0), name="purchase_agreement_fee_not_negative"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="purchase_agreement_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.reference


class SupportWorker(models.Model):
    """A person an association offers: counsellor or expert by experience, with languages and own fee."""

    association = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="support_workers")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=SupportKind.choices)
    languages = models.JSONField(_("languages"), default=list)
    hourly_fee = models.DecimalField(_("own hourly fee (EUR)"), max_digits=8, decimal_places=2, null=True,
                                     blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class SupportOrder(models.Model):
    """Hours ordered against an agreement; no clinical content, the client only as an optional link."""

    agreement = models.ForeignKey(PurchaseAgreement, on_delete=models.PROTECT, related_name="orders")
    worker = models.ForeignKey(SupportWorker, on_delete=models.PROTECT, related_name="orders")
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=8, blank=True)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours ordered"), max_digits=6, decimal_places=2)
    purpose = models.CharField(_("purpose (no health details)"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.ORDERED)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="support_order_hours_positive")]


class DeliveredHours(models.Model):
    """Hours actually delivered on an order; the fee is fixed at recording so later fee changes do not rewrite."""

    order = models.ForeignKey(SupportOrder, on_delete=models.PROTECT, related_name="deliveries")
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    hourly_fee = models.DecimalField(max_digits=8, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="delivered_hours_positive")]
