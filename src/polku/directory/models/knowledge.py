"""The good-practice base: development projects, trainings and tools, and research publications."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from polku.core.models import Area, Municipality
from polku.directory.models.base import DirectoryEntry, localised
from polku.directory.models.taxonomy import TaxonomyTerm


class FundingRound(models.TextChoices):
    MAIN = "main", _("main call")
    SUPPLEMENTARY = "supplementary", _("supplementary call")


class Project(DirectoryEntry):
    name = models.CharField(_("name"), max_length=300, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    programme_fi = models.CharField(_("programme (Finnish)"), max_length=300, blank=True)
    programme_en = models.CharField(_("programme (English)"), max_length=300, blank=True)
    funders = models.JSONField(default=list, blank=True)
    funding_round = models.CharField(max_length=16, choices=FundingRound.choices, blank=True)
    recipient = models.CharField(_("funding recipient"), max_length=300)
    co_implementers = models.JSONField(default=list, blank=True)
    partners = models.JSONField(default=list, blank=True)  # cooperation partners named by the source
    region = models.CharField(_("region"), max_length=200)
    areas = models.ManyToManyField(Area, related_name="directory_projects", blank=True)
    municipalities = models.ManyToManyField(Municipality, related_name="directory_projects", blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    period = models.CharField(_("period"), max_length=100)
    # True when the source names no period for this project and the programme's period stands in for it.
    period_estimated = models.BooleanField(default=False)
    budget_band = models.CharField(_("budget band"), max_length=60, blank=True)
    eura_code = models.CharField(max_length=20, blank=True)
    target_groups = models.ManyToManyField(TaxonomyTerm, related_name="projects_for_group", blank=True,
                                           verbose_name=_("target groups"))
    methods = models.ManyToManyField(TaxonomyTerm, related_name="projects_using_method", blank=True,
                                     verbose_name=_("methods"))
    target_group_details = models.JSONField(default=list, blank=True)  # as the source names them
    method_details = models.JSONField(default=list, blank=True)
    description_fi = models.TextField(blank=True)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    results_fi = models.TextField(blank=True)
    results_sv = models.TextField(blank=True)
    results_en = models.TextField(blank=True)
    good_practices_fi = models.TextField(blank=True)
    good_practices_sv = models.TextField(blank=True)
    good_practices_en = models.TextField(blank=True)
    transfer_fi = models.TextField(blank=True)
    transfer_sv = models.TextField(blank=True)
    transfer_en = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True)  # [{"label": ..., "url": ...}]
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["name"]

    @property
    def description(self) -> str:
        return localised(self, "description")

    def __str__(self) -> str:
        return self.name


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("Training")
    VIDEO_SERIES = "video_series", _("Video series")
    COURSE = "course", _("Online course")
    HANDBOOK = "handbook", _("Handbook")
    NETWORK = "network", _("Network")
    MATERIAL = "material", _("Self-help material")


class Training(DirectoryEntry):
    """A training, tool or material, for professionals or for refugees themselves (`self_help`)."""

    kind = models.CharField(max_length=16, choices=TrainingKind.choices)
    name_fi = models.CharField(max_length=300)
    name_sv = models.CharField(max_length=300, blank=True)
    name_en = models.CharField(max_length=300, blank=True)
    description_fi = models.TextField(blank=True)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    audience = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)  # ISO 639 codes; empty when the source names none
    format = models.CharField(max_length=200, blank=True)
    duration = models.CharField(max_length=100, blank=True)
    url = models.URLField(blank=True)
    provider = models.CharField(max_length=200, blank=True)
    free_of_charge = models.BooleanField(null=True, blank=True)
    self_help = models.BooleanField(default=False)
    topics = models.ManyToManyField(TaxonomyTerm, related_name="trainings", blank=True, verbose_name=_("topics"))
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["name_fi"]
        constraints = [models.UniqueConstraint(fields=["name_fi"], name="training_unique_name")]

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def description(self) -> str:
        return localised(self, "description")

    def __str__(self) -> str:
        return self.name


class Publication(DirectoryEntry):
    title = models.CharField(max_length=400, unique=True)
    authors = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField()
    venue = models.CharField(max_length=300)
    url = models.URLField(blank=True)
    description_fi = models.TextField(blank=True)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    topics = models.ManyToManyField(TaxonomyTerm, related_name="publications", blank=True,
                                    verbose_name=_("topics"))
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["-year", "authors"]

    @property
    def description(self) -> str:
        return localised(self, "description")

    def __str__(self) -> str:
        return self.title
