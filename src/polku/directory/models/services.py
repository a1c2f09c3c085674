"""The services directory in HSDS 3.0 shape: organisations, services, locations and their parts."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from polku.core.models import Area, Municipality, Organisation
from polku.directory.models.base import DirectoryEntry, localised
from polku.directory.models.taxonomy import TaxonomyTerm


class ServiceStatus(models.TextChoices):
    # The HSDS 3.0 enumeration, verbatim (the export must validate).
    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive")
    DEFUNCT = "defunct", _("defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("temporarily closed")


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("physical")
    POSTAL = "postal", _("postal")
    VIRTUAL = "virtual", _("virtual")


class LanguageProvision(models.TextChoices):
    STAFF = "staff", _("staff speak it")
    INTERPRETER = "interpreter", _("through an interpreter")
    MATERIAL = "material", _("written material")


class DirectoryOrganisation(DirectoryEntry):
    """An HSDS organization: one of Polku's organisations, with the public texts the directory shows."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="directory_entry")
    description_fi = models.TextField(_("description in Finnish"))
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["organisation__name"]

    @property
    def name(self) -> str:
        return str(self.organisation)

    @property
    def description(self) -> str:
        return localised(self, "description")

    def __str__(self) -> str:
        return self.name


class Service(DirectoryEntry):
    organisation = models.ForeignKey(DirectoryOrganisation, on_delete=models.PROTECT, related_name="services")
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description_fi = models.TextField(_("description in Finnish"))
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    application_process_fi = models.TextField(_("how to get the service (Finnish)"), blank=True)
    application_process_sv = models.TextField(_("how to get the service (Swedish)"), blank=True)
    application_process_en = models.TextField(_("how to get the service (English)"), blank=True)
    fees_description_fi = models.TextField(_("cost (Finnish)"), blank=True)
    fees_description_sv = models.TextField(_("cost (Swedish)"), blank=True)
    fees_description_en = models.TextField(_("cost (English)"), blank=True)
    eligibility_description_fi = models.TextField(_("who it is for (Finnish)"), blank=True)
    eligibility_description_sv = models.TextField(_("who it is for (Swedish)"), blank=True)
    eligibility_description_en = models.TextField(_("who it is for (English)"), blank=True)
    interpretation_services_fi = models.TextField(_("interpreting (Finnish)"), blank=True)
    interpretation_services_sv = models.TextField(_("interpreting (Swedish)"), blank=True)
    interpretation_services_en = models.TextField(_("interpreting (English)"), blank=True)
    url = models.URLField(_("web address"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    interpretation_available = models.BooleanField(_("interpreter available"), default=False)
    # Derived from the cost options by the services (free when every option costs 0 €); stored for filtering.
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    service_types = models.ManyToManyField(TaxonomyTerm, related_name="services_of_type", blank=True,
                                           verbose_name=_("service types"))
    target_groups = models.ManyToManyField(TaxonomyTerm, related_name="services_for_group", blank=True,
                                           verbose_name=_("target groups"))

    class Meta:
        ordering = ["name_fi"]
        constraints = [
            models.CheckConstraint(condition=Q(minimum_age__isnull=True) | Q(maximum_age__isnull=True)
                                   | Q(minimum_age__lte=models.F("maximum_age")), name="service_age_range_ordered",
                                   violation_error_message=_("The minimum age cannot be above the maximum age.")),
        ]

    @property
    def name(self) -> str:
        return localised(self, "name")

    def __str__(self) -> str:
        return self.name


class Location(DirectoryEntry):
    organisation = models.ForeignKey(DirectoryOrganisation, on_delete=models.PROTECT, related_name="locations",
                                     null=True, blank=True)
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    transportation_fi = models.TextField(_("how to get there (Finnish)"), blank=True)
    transportation_sv = models.TextField(_("how to get there (Swedish)"), blank=True)
    transportation_en = models.TextField(_("how to get there (English)"), blank=True)
    address_1 = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="directory_locations")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name_fi"]

    @property
    def name(self) -> str:
        return localised(self, "name")

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="service_at_locations")
    description = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="service_at_location_unique")]


class ServiceArea(models.Model):
    """Where a service is offered: one municipality, or a whole wellbeing services area."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(municipality__isnull=True, area__isnull=False)
                                   | Q(municipality__isnull=False, area__isnull=True),
                                   name="service_area_municipality_xor_area"),
        ]

    @property
    def name(self) -> str:
        return self.municipality.name if self.municipality_id else self.area.short_name


class ServiceLanguage(models.Model):
    """A language the service can be used in (ISO 639-1, else 639-3), and how it is provided."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language code"), max_length=3)
    provision = models.CharField(max_length=12, choices=LanguageProvision.choices, default=LanguageProvision.STAFF)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["service", "code", "provision"],
                                               name="service_language_unique")]


class Contact(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    organisation = models.ForeignKey(DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name", "id"]


class Phone(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    organisation = models.ForeignKey(DirectoryOrganisation, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="phones")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    number = models.CharField(_("phone number"), max_length=40)
    type = models.CharField(max_length=12, default="voice")  # HSDS: text, voice, fax, cell, video, pager, textphone
    description_fi = models.CharField(max_length=300, blank=True)
    description_sv = models.CharField(max_length=300, blank=True)
    description_en = models.CharField(max_length=300, blank=True)
    languages = models.JSONField(default=list, blank=True)  # ISO 639 codes answered on this line

    class Meta:
        ordering = ["number", "id"]

    @property
    def description(self) -> str:
        return localised(self, "description")


class Schedule(models.Model):
    """Opening hours as an RFC 5545-style weekly rule, as HSDS 3.0 schedules are."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    freq = models.CharField(max_length=8, blank=True)  # WEEKLY or MONTHLY
    byday = models.CharField(max_length=40, blank=True)  # e.g. "MO,TU,WE"
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description_fi = models.CharField(max_length=300, blank=True)
    description_sv = models.CharField(max_length=300, blank=True)
    description_en = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["byday", "opens_at", "id"]

    @property
    def description(self) -> str:
        return localised(self, "description")


class CostOption(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    option = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    amount_description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["amount", "id"]


class RequiredDocument(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="required_documents")
    document_fi = models.CharField(max_length=300)
    document_sv = models.CharField(max_length=300, blank=True)
    document_en = models.CharField(max_length=300, blank=True)
    uri = models.URLField(blank=True)

    class Meta:
        ordering = ["document_fi", "id"]

    @property
    def document(self) -> str:
        return localised(self, "document")
