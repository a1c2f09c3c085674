"""Interpreters, their languages, availability and absences, and the interpreter centres' billing terms."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_TRAVEL_BUFFER_MINUTES = 15  # per side of an on-site booking: getting there and away again


class InterpreterGender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / not stated")


class InterpretingMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class Qualification(models.IntegerChoices):
    """Ordered: a higher level satisfies a request for a lower one."""

    NONE = 1, _("No formal qualification")
    COMMUNITY = 2, _("Community interpreter training")
    DEGREE = 3, _("Interpreter degree")
    LEGAL = 4, _("Legal or court interpreter qualification")


class CentreTerms(models.Model):
    """An interpreter centre's billing rules: minimum billing, billing increment, late cancellation."""

    centre = models.OneToOneField("core.Organisation", on_delete=models.PROTECT, related_name="interpreting_terms")
    hourly_rate = models.DecimalField(_("default hourly rate (EUR)"), max_digits=8, decimal_places=2,
                                      default=Decimal("60.00"))
    minimum_minutes = models.PositiveSmallIntegerField(_("minimum billing (min)"), default=60)
    increment_minutes = models.PositiveSmallIntegerField(_("billed in started blocks of (min)"), default=30)
    late_cancellation_hours = models.PositiveSmallIntegerField(
        _("cancellation later than this many hours before is billed"), default=24)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(increment_minutes__gte=1), name="centre_terms_increment_positive"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="centre_terms_rate_not_negative"),
        ]


class Interpreter(models.Model):
    """An interpreter of a centre, or a freelancer (no centre) whom any dispatcher may book."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="interpreter_profile")
    centre = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="interpreters", verbose_name=_("interpreter centre"))
    name = models.CharField(_("name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=8, choices=InterpreterGender.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    on_site = models.BooleanField(_("interprets on site"), default=True)
    phone_mode = models.BooleanField(_("interprets by phone"), default=True)
    video = models.BooleanField(_("interprets by video"), default=True)
    areas = models.ManyToManyField("core.Area", blank=True, related_name="+", verbose_name=_("areas served on site"))
    home_area = models.ForeignKey("core.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    hourly_rate = models.DecimalField(_("hourly rate (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True)
    minimum_minutes = models.PositiveSmallIntegerField(_("minimum billing (min)"), null=True, blank=True)
    travel_buffer_minutes = models.PositiveSmallIntegerField(_("travel buffer on site (min)"),
                                                             default=DEFAULT_TRAVEL_BUFFER_MINUTES)
    mental_health_trained = models.BooleanField(_("trained for mental-health interpreting"), default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gte=0),
                                   name="interpreter_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_freelancer(self) -> bool:
        return self.centre_id is None

    def modes(self) -> set[str]:
        """The modes this interpreter works in."""
        flags = {InterpretingMode.ON_SITE: self.on_site, InterpretingMode.PHONE: self.phone_mode,
                 InterpretingMode.VIDEO: self.video}
        return {str(mode) for mode, on in flags.items() if on}


class InterpreterLanguage(models.Model):
    """One language (and dialect; empty = the general variety) an interpreter works in, with qualification."""

    interpreter = models.ForeignKey(Interpreter, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8)
    dialect = models.CharField(_("dialect"), max_length=100, blank=True)
    qualification = models.PositiveSmallIntegerField(_("qualification"), choices=Qualification.choices,
                                                     default=Qualification.COMMUNITY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["interpreter", "language", "dialect"],
                                               name="interpreter_language_unique")]


class Availability(models.Model):
    """A weekly window in which the interpreter takes bookings (local time)."""

    interpreter = models.ForeignKey(Interpreter, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday, as date.weekday()
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_range"),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")),
                                   name="availability_end_after_start"),
        ]


class Absence(models.Model):
    interpreter = models.ForeignKey(Interpreter, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="absence_end_after_start")]
