"""Taxonomies: Polku's service types, target groups, methods and translations, and Open Eligibility terms."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from polku.directory.models.base import localised


class TaxonomyCode(models.TextChoices):
    SERVICE_TYPE = "polku-service-type", _("Service type")
    TARGET_GROUP = "polku-target-group", _("Target group")
    METHOD = "polku-method", _("Method")
    TRANSLATION = "polku-translation", _("Translation")
    OPEN_ELIGIBILITY = "open-eligibility", _("Open Eligibility")


class Taxonomy(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=40, unique=True, choices=TaxonomyCode.choices)
    name = models.CharField(max_length=200)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A term; a Polku term may name the Open Eligibility term it corresponds to (`external_match`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(max_length=120)
    name_fi = models.CharField(max_length=200)
    name_sv = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    description_fi = models.TextField(blank=True)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    external_match = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="polku_terms")
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering = ["taxonomy", "code"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="taxonomy_term_unique_code")]

    @property
    def name(self) -> str:
        return localised(self, "name")

    def __str__(self) -> str:
        return self.name
