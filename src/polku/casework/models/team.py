"""Work teams and care-team memberships (who works with which client; the care relationship)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A work team of an organisation (e.g. a mental-health team of nurse + counsellor pairs)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships")
    is_lead = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_unique")]


class CareTeamRole(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    SOCIAL_COUNSELLOR = "social_counsellor", _("Social counsellor")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    DOCTOR = "doctor", _("Doctor")
    OTHER = "other", _("Other worker")


class CareTeamMembership(models.Model):
    """A worker in a client's care team. Ending keeps the row: team history is never deleted."""

    client = models.ForeignKey("casework.Client", on_delete=models.PROTECT, related_name="care_memberships")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(_("role in the care team"), max_length=20, choices=CareTeamRole.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "worker"], condition=Q(ended_at__isnull=True),
                                    name="care_membership_one_active_per_worker"),
            models.CheckConstraint(condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                                   name="care_membership_ends_after_start"),
        ]
        indexes = [models.Index(fields=["worker", "client"], condition=Q(ended_at__isnull=True),
                                name="care_membership_active_idx")]
