"""Reads for the core app: the access and disclosure logs for the data controller; organisations and areas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessLog, Area, BreakTheGlassGrant, DisclosureLog, Organisation, User


@dataclass(frozen=True)
class AccessLogFilter:
    username: str = ""
    client_id: int | None = None
    basis: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _require_log_reviewer(viewer: User) -> None:
    if not viewer.has_perm("core.review_access_log"):
        raise AccessDenied("log_review_not_permitted", "Only the data controller may search the logs.")


def list_access_log(*, viewer: User, filters: AccessLogFilter) -> QuerySet[AccessLog]:
    """Access-log rows matching the filters, newest first; data controller only."""
    _require_log_reviewer(viewer)
    rows = AccessLog.objects.all()
    if filters.username:
        rows = rows.filter(actor_username__iexact=filters.username.strip())
    if filters.client_id is not None:
        rows = rows.filter(client_id=filters.client_id)
    if filters.basis:
        rows = rows.filter(basis=filters.basis)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.date_from:
        rows = rows.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(at__date__lte=filters.date_to)
    return rows.order_by("-at", "-id")


def list_disclosure_log(*, viewer: User, client_id: int | None = None) -> QuerySet[DisclosureLog]:
    """Disclosure-log rows, newest first; data controller only."""
    _require_log_reviewer(viewer)
    rows = DisclosureLog.objects.all()
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    return rows.order_by("-at", "-id")


def list_unreviewed_break_the_glass(*, viewer: User) -> QuerySet[BreakTheGlassGrant]:
    """Emergency accesses not yet reviewed, oldest first."""
    _require_log_reviewer(viewer)
    return BreakTheGlassGrant.objects.filter(reviewed_at__isnull=True).select_related("user").order_by(
        "granted_at")


def list_organisations() -> QuerySet[Organisation]:
    """Every organisation with its parent, home area and number of users, by name."""
    return (Organisation.objects.select_related("parent", "home_area")
            .annotate(user_count=Count("users")).order_by("name", "pk"))


def get_organisation_by_name(*, name: str, field: str = "organisation") -> Organisation:
    """The one organisation with exactly this name; the same name under two parents is ambiguous, not a guess."""
    matches = list(Organisation.objects.filter(name=name)[:2])
    if not matches:
        raise DomainError("organisation_not_found", _("There is no organisation named “%(name)s”.") % {"name": name},
                          field=field)
    if len(matches) > 1:
        raise DomainError("organisation_name_ambiguous",
                          _("Several organisations are named “%(name)s” (under different parents); give one of "
                            "them another name first.") % {"name": name}, field=field)
    return matches[0]


def get_area_by_code_or_name(*, value: str, field: str = "home_area") -> Area:
    """The area whose code (e.g. "VS", "HEL") or Finnish or Swedish name or short name is the value.

    Compared case-insensitively in Python: the table has 23 rows, and SQLite's case-insensitive match knows
    only ASCII, so "åland" would find Åland on PostgreSQL but not in the demo database.
    """
    wanted = value.strip().casefold()
    areas = list(Area.objects.all())
    if not areas:
        raise DomainError("areas_not_loaded", _("No areas are loaded yet; run “polku load_areas” first."),
                          field=field)
    matches = [area for area in areas if wanted in {text.casefold() for text in (
        area.code, area.name_fi, area.name_sv, area.short_name_fi, area.short_name_sv) if text}]
    if not matches:
        codes = ", ".join(sorted(area.code for area in areas))
        raise DomainError("area_not_found", _("There is no area “%(value)s”; give an area code (%(codes)s) or the "
                                              "area's name.") % {"value": value, "codes": codes}, field=field)
    if len(matches) > 1:
        raise DomainError("area_ambiguous", _("“%(value)s” names several areas; give the area code.")
                          % {"value": value}, field=field)
    return matches[0]
