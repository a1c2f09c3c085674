"""The service plan agreed with the client: goals, actions with owners and due dates, review date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class PlanCloseReason(models.TextChoices):
    """Why a plan ended: coded so that path analytics can tell finished paths from broken ones."""

    GOALS_MET = "goals_met", _("Goals met")
    REPLACED = "replaced", _("Replaced by a new plan")
    CLIENT_DECLINED = "client_declined", _("The client no longer wants the plan")
    CLIENT_MOVED = "client_moved", _("The client moved away")
    CLIENT_UNREACHABLE = "client_unreachable", _("The client cannot be reached")
    CLIENT_WORK_ENDED = "client_work_ended", _("Client work ended")
    OTHER = "other", _("Other reason")


class ServicePlan(models.Model):
    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="plans")
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    agreed_on = models.DateField(_("agreed with the client on"), null=True, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(_("reason for closing"), max_length=24, choices=PlanCloseReason.choices,
                                     blank=True)
    closed_note = models.CharField(_("note on closing"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One plan in force at a time keeps "the plan" unambiguous for the break rules.
            models.UniqueConstraint(fields=["client"], condition=~Q(status="closed"), name="one_open_plan_per_client"),
            models.CheckConstraint(condition=Q(review_on__isnull=True) | Q(agreed_on__isnull=True)
                                   | Q(review_on__gte=models.F("agreed_on")), name="plan_review_after_agreement"),
        ]


class PlanGoal(models.Model):
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(_("goal"), max_length=500)
    achieved = models.BooleanField(_("achieved"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]


class PlanAction(models.Model):
    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(PlanGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    owner_text = models.CharField(_("owner (if not a worker)"), max_length=200, blank=True)  # e.g. the client
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["due_on", "id"]
