"""The client record: who the client is, in their own words and script, and what they need."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    """As the client states it; not the legal marker of an identity code."""

    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Not stated")


class LegalStatus(models.TextChoices):
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    QUOTA_REFUGEE = "quota_refugee", _("Quota refugee")
    ASYLUM_GRANTED = "asylum_granted", _("Asylum granted")
    SUBSIDIARY_PROTECTION = "subsidiary_protection", _("Subsidiary protection")
    TEMPORARY_PROTECTION = "temporary_protection", _("Temporary protection")
    FAMILY_MEMBER = "family_member", _("Family member")
    CITIZEN = "citizen", _("Finnish citizen")
    OTHER = "other", _("Other")


class ClientStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another record")


class InterpreterGenderPreference(models.TextChoices):
    ANY = "any", _("No preference")
    FEMALE = "female", _("Female interpreter")
    MALE = "male", _("Male interpreter")


class LanguageProficiency(models.TextChoices):
    NATIVE = "native", _("Native")
    FLUENT = "fluent", _("Fluent")
    WORKING = "working", _("Working knowledge")
    BASIC = "basic", _("Basic")


class Client(models.Model):
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="clients")
    # Names as the client writes them (any script) and in Latin transliteration for search and letters.
    given_names = models.CharField(_("given names as the client writes them"), max_length=200, blank=True)
    family_name = models.CharField(_("family name as the client writes it"), max_length=200, blank=True)
    given_names_latin = models.CharField(_("given names (Latin letters)"), max_length=200)
    family_name_latin = models.CharField(_("family name (Latin letters)"), max_length=200)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    gender = models.CharField(_("gender as the client states it"), max_length=16, choices=Gender.choices,
                              default=Gender.NOT_STATED)
    identity_code = models.CharField(_("personal identity code"), max_length=11, null=True, blank=True)
    identity_code_is_temporary = models.BooleanField(default=False)
    immigration_number = models.CharField(_("Finnish Immigration Service client number"), max_length=32,
                                          blank=True)
    reception_centre_id = models.CharField(_("reception centre client id"), max_length=32, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreting language"), max_length=8, blank=True)
    interpreter_dialect = models.CharField(_("dialect"), max_length=100, blank=True)
    interpreter_gender_preference = models.CharField(
        _("interpreter gender wish"), max_length=8, choices=InterpreterGenderPreference.choices,
        default=InterpreterGenderPreference.ANY)
    preferred_interpreter = models.CharField(_("preferred named interpreter"), max_length=200, blank=True)
    refused_interpreters = models.TextField(_("interpreters the client refuses"), blank=True)
    country_of_origin = models.CharField(_("country of origin"), max_length=2, blank=True)  # ISO 3166-1
    arrival_year = models.PositiveSmallIntegerField(_("year of arrival in Finland"), null=True, blank=True)
    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("municipality of residence"))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    consent_sms = models.BooleanField(_("consents to SMS messages"), default=False)
    consent_email = models.BooleanField(_("consents to e-mail messages"), default=False)
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=200, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=32, blank=True)
    emergency_contact_relation = models.CharField(_("relation"), max_length=100, blank=True)
    status = models.CharField(max_length=8, choices=ClientStatus.choices, default=ClientStatus.ACTIVE)
    closed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_records")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking: every update bumps the version; a stale form gets a conflict, not a lost update.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name_latin", "given_names_latin"]
        constraints = [
            models.UniqueConstraint(fields=["identity_code"], condition=Q(identity_code__isnull=False)
                                    & Q(merged_into__isnull=True), name="client_identity_code_unique"),
            models.CheckConstraint(condition=Q(birth_date__isnull=True) | Q(birth_year__isnull=False),
                                   name="client_birth_year_with_date"),
            models.CheckConstraint(condition=~Q(status="merged") | Q(merged_into__isnull=False),
                                   name="client_merged_has_target"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="client_not_merged_into_self"),
        ]
        indexes = [models.Index(fields=["family_name_latin", "birth_year"]),
                   models.Index(fields=["immigration_number"])]

    def __str__(self) -> str:
        return f"{self.family_name_latin.upper()} {self.given_names_latin}"

    @property
    def display_name(self) -> str:
        return f"{self.given_names_latin} {self.family_name_latin}"

    @property
    def native_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class ClientLanguage(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8)  # ISO 639-1, or 639-3 where no -1 code
    proficiency = models.CharField(_("proficiency"), max_length=8, choices=LanguageProficiency.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "language"], name="client_language_unique")]


class ClientLegalStatus(models.Model):
    """Legal status with dates; history matters because state compensation depends on the date."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="legal_statuses")
    status = models.CharField(_("legal status"), max_length=24, choices=LegalStatus.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="legal_status_dates_in_order"),
        ]
