"""Areas, organisations, users, and the access and disclosure logs."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from polku.core.business_id import validate_business_id
from polku.core.roles import PERMISSIONS, CoordinatorScope, Profession, Role


class LocalisedNameMixin(models.Model):
    """Names in Finnish and Swedish; English falls back to Finnish (place names are not translated)."""

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if get_language() == "sv" and self.name_sv:
            return self.name_sv
        return self.name_fi

    def __str__(self) -> str:
        return self.name


class CollaborationArea(LocalisedNameMixin):
    """One of the five collaboration areas of Decree 91/2022, each with a university hospital."""

    code = models.CharField(max_length=8, unique=True)  # HUS, KYS, TAYS, TYKS, OYS
    name_en = models.CharField(_("name in English"), max_length=200)
    university_hospital = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    @property
    def name(self) -> str:
        if get_language() == "en":
            return self.name_en
        return super().name


class AreaKind(models.TextChoices):
    WELLBEING_SERVICES_COUNTY = "county", _("Wellbeing services county")
    CITY_OF_HELSINKI = "helsinki", _("City of Helsinki")
    # Åland organises its own health and social care (ÅHS) outside Act 612/2021; its 16
    # municipalities still need a home so that every municipality belongs to exactly one area.
    ALAND = "aland", _("Åland (autonomous region)")


class Area(LocalisedNameMixin):
    """A wellbeing services area (21 counties + City of Helsinki), or Åland outside the reform."""

    code = models.CharField(max_length=8, unique=True)
    kind = models.CharField(max_length=12, choices=AreaKind.choices)
    short_name_fi = models.CharField(max_length=100)
    short_name_sv = models.CharField(max_length=100, blank=True)
    collaboration_area = models.ForeignKey(
        CollaborationArea, on_delete=models.PROTECT, null=True, blank=True, related_name="areas"
    )
    population_2020 = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["short_name_fi"]
        constraints = [
            # Decree 91/2022: every wellbeing services area belongs to exactly one collaboration area;
            # only Åland stands outside.
            models.CheckConstraint(
                condition=Q(kind=AreaKind.ALAND) | Q(collaboration_area__isnull=False),
                name="area_in_collaboration_area_unless_aland",
            ),
        ]

    @property
    def short_name(self) -> str:
        if get_language() == "sv" and self.short_name_sv:
            return self.short_name_sv
        return self.short_name_fi


class Municipality(LocalisedNameMixin):
    code = models.CharField(max_length=3, unique=True)  # Statistics Finland municipality number
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="municipalities")
    population_2020 = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name_fi"]
        verbose_name_plural = "municipalities"


class OrganisationType(models.TextChoices):
    WELLBEING_SERVICES_COUNTY = "county", _("Wellbeing services county")
    MUNICIPALITY = "municipality", _("Municipality")
    NATIONAL_AGENCY = "national_agency", _("National agency")
    HOSPITAL = "hospital", _("Hospital")
    NGO = "ngo", _("NGO / association")
    INTERPRETER_CENTRE = "interpreter_centre", _("Interpreter centre")
    EDUCATION = "education", _("Education institution")
    UNIT = "unit", _("Unit or team")
    OTHER = "other", _("Other")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=24, choices=OrganisationType.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    home_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    business_id = models.CharField(_("business ID"), max_length=9, blank=True,  # Y-tunnus
                                   validators=[validate_business_id])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "parent"], name="organisation_unique_name_in_parent"),
            # NULLs are distinct in a unique index (PostgreSQL and SQLite alike), so the constraint above
            # lets two top-level organisations share a name; this one closes that gap.
            models.UniqueConstraint(fields=["name"], condition=Q(parent__isnull=True),
                                    name="organisation_unique_top_level_name"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="organisation_not_own_parent"),
        ]

    def __str__(self) -> str:
        language = get_language()
        if language == "sv" and self.name_sv:
            return self.name_sv
        if language == "en" and self.name_en:
            return self.name_en
        return self.name


class User(AbstractUser):
    """A person who logs in. Belongs to an organisation; the role decides the permission set."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices, blank=True)
    coordinator_scope = models.CharField(max_length=12, choices=CoordinatorScope.choices, blank=True)
    coordinator_area = models.ForeignKey(
        CollaborationArea, on_delete=models.PROTECT, null=True, blank=True, related_name="coordinators"
    )
    preferred_language = models.CharField(max_length=8, default="fi")

    class Meta:
        permissions = sorted(PERMISSIONS.items())
        constraints = [
            models.CheckConstraint(
                condition=Q(profession="") | Q(role__in=[Role.PROFESSIONAL, Role.TEAM_LEAD]),
                name="user_profession_only_for_client_workers",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ExternalIdentity(models.Model):
    """A user's account at an identity provider (OpenID Connect `iss` + `sub`), bound at the first OIDC login.

    Later logins through that provider are matched by this binding, not by the e-mail address (decision 020).
    Only an administrator removes a binding (Django admin), e.g. when the provider has issued the person a new
    account; the next OIDC login then binds again by the verified e-mail address.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(_("identity provider"), max_length=255)
    subject = models.CharField(_("subject at the provider"), max_length=255)  # OIDC Core 2: at most 255 characters
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique_subject"),
            models.UniqueConstraint(fields=["user", "issuer"], name="external_identity_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class AccessAction(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("change")
    EXPORT = "export", _("export")


class AccessBasis(models.TextChoices):
    CARE_RELATIONSHIP = "care_relationship", _("Care relationship")
    BREAK_THE_GLASS = "break_the_glass", _("Break-the-glass")
    # Minimum data for organising the work (assignment, duplicate check, merge), never clinical content.
    ADMINISTRATIVE = "administrative", _("Administrative (assignment, duplicate check)")
    # A worker of the service a referral was sent to: the fields the client's consent discloses, nothing more.
    REFERRAL_RECIPIENT = "referral_recipient", _("Referral recipient (disclosed fields only)")
    DENIED = "denied", _("Denied")


class AccessLog(models.Model):
    """One row per read or change of a client's data, allowed or denied. Append-only.

    The client is stored as a plain id, not a foreign key: the log must outlive any correction
    of the client record, and core must not depend on the casework app.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    actor_username = models.CharField(max_length=150)
    actor_role = models.CharField(max_length=32, blank=True)
    actor_organisation = models.CharField(max_length=200, blank=True)
    client_id = models.BigIntegerField(db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=8, choices=AccessAction.choices)
    basis = models.CharField(max_length=24, choices=AccessBasis.choices)
    reason = models.TextField(blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client_id", "-at"]), models.Index(fields=["actor", "-at"])]


class DisclosureLog(models.Model):
    """One row per disclosure of client data outside the care team (exports, API, referrals)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    actor_username = models.CharField(max_length=150)
    client_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    recipient = models.CharField(max_length=300)
    purpose = models.CharField(max_length=300)
    content = models.TextField(help_text="What was disclosed, described without the data itself.")
    channel = models.CharField(max_length=32)  # export, api, referral, report
    legal_basis = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]


class BreakTheGlassGrant(models.Model):
    """Temporary access to one client without a care relationship; always reviewed afterwards."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_the_glass_grants")
    client_id = models.BigIntegerField(db_index=True)
    reason = models.TextField()
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="break_the_glass_reason_required"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("granted_at")),
                                   name="break_the_glass_expires_after_grant"),
        ]

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
