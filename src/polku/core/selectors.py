"""Reads for the core app: the access and disclosure logs for the data controller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from polku.core.errors import AccessDenied
from polku.core.models import AccessLog, BreakTheGlassGrant, DisclosureLog, User


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
