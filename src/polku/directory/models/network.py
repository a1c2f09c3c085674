"""The PALOMA network: member organisations, experts, and their roles per collaboration area."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from polku.core.models import Area, CollaborationArea, Organisation
from polku.directory.models.base import DirectoryEntry, localised
from polku.directory.models.taxonomy import TaxonomyTerm


class PalomaTask(models.TextChoices):
    # The five tasks of PALOMA network members (seeds/000_*, seed-facts paloma.member_tasks).
    SUPPORT = "support", _("Support, information and tools")
    RESEARCH = "research", _("Research knowledge")
    CLIENT_WORK = "client_work", _("Client work and consultation")
    DEVELOPMENT = "development", _("Service development")
    ADVOCACY = "advocacy", _("Advocacy")


class NetworkRoleKind(models.TextChoices):
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    AREA_ACTOR = "area_actor", _("Collaboration-area actor")
    RESEARCH_NETWORK = "research_network", _("Research-network member")


class ExpertProfession(models.TextChoices):
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    PSYCHOTHERAPIST = "psychotherapist", _("Psychotherapist")
    NURSE = "nurse", _("Nurse")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SOCIAL_COUNSELLOR = "social_counsellor", _("Social counsellor")
    DOCTOR = "doctor", _("Doctor")
    RESEARCHER = "researcher", _("Researcher")
    EXPERT_BY_EXPERIENCE = "expert_by_experience", _("Expert by experience")
    COORDINATOR = "coordinator", _("Coordinator")


class NetworkMember(DirectoryEntry):
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="network_membership")
    description_fi = models.TextField(_("description in Finnish"))
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    tasks = models.JSONField(default=list, blank=True)  # PalomaTask values
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["organisation__name"]

    @property
    def name(self) -> str:
        return str(self.organisation)

    @property
    def description(self) -> str:
        return localised(self, "description")

    @property
    def task_labels(self) -> list[str]:
        return [str(PalomaTask(task).label) for task in self.tasks if task in PalomaTask.values]

    def __str__(self) -> str:
        return self.name


class Expert(DirectoryEntry):
    """A person in the expert network (all simulated in the demo: the seeds carry no personal data)."""

    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="directory_experts")
    profession = models.CharField(_("profession"), max_length=24, choices=ExpertProfession.choices)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    languages = models.JSONField(default=list, blank=True)  # ISO 639 codes
    topics = models.ManyToManyField(TaxonomyTerm, related_name="experts", blank=True, verbose_name=_("topics"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    takes_consultations = models.BooleanField(_("takes consultation requests"), default=False)

    class Meta:
        ordering = ["name"]

    @property
    def description(self) -> str:
        return localised(self, "description")

    def __str__(self) -> str:
        return self.name


class NetworkRole(models.Model):
    """A network role of a member organisation or an expert, nationally or in one collaboration area."""

    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, null=True, blank=True, related_name="roles")
    role = models.CharField(max_length=24, choices=NetworkRoleKind.choices)
    collaboration_area = models.ForeignKey(CollaborationArea, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+")

    class Meta:
        ordering = ["role", "collaboration_area__code"]
        constraints = [
            models.CheckConstraint(condition=Q(member__isnull=True, expert__isnull=False)
                                   | Q(member__isnull=False, expert__isnull=True), name="network_role_one_holder"),
            models.CheckConstraint(condition=~Q(role=NetworkRoleKind.AREA_ACTOR)
                                   | Q(collaboration_area__isnull=False), name="area_actor_has_collaboration_area",
                                   violation_error_message=_("An area actor needs a collaboration area.")),
        ]
