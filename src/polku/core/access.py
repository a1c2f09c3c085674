"""The access core: the one place that decides who may read or change a client's data, and logs it.

Client Data Act 703/2023 and GDPR art. 9: access needs a care/client relationship; every access is
logged and reviewable. Break-the-glass exists for emergencies: a stated reason, a short expiry,
and a review afterwards. Nothing reads client data around this module.

Write services call `require_client_access` *before* opening their transaction: a refused attempt
must stay in the log even though the refusal aborts the service.

The care relationship itself is defined by the casework app (care-team membership), which
registers its check here at start-up so that core does not import casework.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.core.errors import AccessDenied, DomainError
from polku.core.models import (
    AccessAction,
    AccessBasis,
    AccessLog,
    BreakTheGlassGrant,
    DisclosureLog,
    User,
)
from polku.core.request_context import current_request_meta

Action = AccessAction
CareRelationshipCheck = Callable[[User, int], bool]

_care_relationship_checks: list[CareRelationshipCheck] = []
# Guards that may refuse a change to a client's data even with a care relationship (e.g. a restriction of
# processing under GDPR art. 18, registered by the lifecycle app): guard(client_id) raises DomainError.
WriteGuard = Callable[[int], None]
_write_guards: list[WriteGuard] = []


def register_write_guard(guard: WriteGuard) -> None:
    if guard not in _write_guards:
        _write_guards.append(guard)


def register_care_relationship_check(check: CareRelationshipCheck) -> None:
    """Called by the casework app at start-up: check(user, client_id) -> has an active relationship."""
    if check not in _care_relationship_checks:
        _care_relationship_checks.append(check)


@dataclass(frozen=True)
class AccessGrant:
    client_id: int
    basis: AccessBasis
    reason: str = ""


def has_care_relationship(*, user: User, client_id: int) -> bool:
    return any(check(user, client_id) for check in _care_relationship_checks)


def active_break_the_glass(*, user: User, client_id: int) -> BreakTheGlassGrant | None:
    return (
        BreakTheGlassGrant.objects.filter(user=user, client_id=client_id, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def log_access(*, actor: User, client_ids: Iterable[int], action: str, basis: str, reason: str = "",
               object_type: str = "", object_id: str = "") -> None:
    """Write access-log rows with the current request's details; for bases decided outside this module."""
    meta = current_request_meta()
    organisation = str(actor.organisation) if getattr(actor, "organisation_id", None) else ""
    rows = [
        AccessLog(
            actor=actor if actor.pk else None,
            actor_username=actor.get_username() or "(anonymous)",
            actor_role=getattr(actor, "role", "") or "",
            actor_organisation=organisation,
            client_id=client_id,
            object_type=object_type,
            object_id=str(object_id or ""),
            action=action,
            basis=basis,
            reason=reason,
            client_ip=meta.client_ip,
            path=meta.path[:300],
        )
        for client_id in client_ids
    ]
    if len(rows) == 1:
        # One row is one INSERT; bulk_create would wrap it in BEGIN … COMMIT, two more round trips on every
        # client page. Outside a transaction the row is committed at once either way.
        rows[0].save(force_insert=True)
    else:
        AccessLog.objects.bulk_create(rows)


def require_client_access(*, actor: User, client_id: int, action: AccessAction = AccessAction.READ,
                          object_type: str = "client", object_id: str | int = "") -> AccessGrant:
    """Allow with a care relationship or an active break-the-glass grant; log allowed and denied alike."""
    grant: AccessGrant | None = None
    if actor.is_authenticated and actor.is_active and actor.has_perm("core.work_with_clients"):
        if has_care_relationship(user=actor, client_id=client_id):
            grant = AccessGrant(client_id=client_id, basis=AccessBasis.CARE_RELATIONSHIP)
        else:
            glass = active_break_the_glass(user=actor, client_id=client_id)
            if glass is not None:
                grant = AccessGrant(client_id=client_id, basis=AccessBasis.BREAK_THE_GLASS,
                                    reason=glass.reason)
    if grant is None:
        # Services call this before opening their transaction, so that this row survives the
        # rollback that the refusal causes.
        log_access(actor=actor, client_ids=[client_id], action=action, basis=AccessBasis.DENIED,
             object_type=object_type, object_id=str(object_id))
        raise AccessDenied("access_denied", _("You have no care relationship with this client."))
    if action == AccessAction.WRITE:
        for guard in _write_guards:
            try:
                guard(client_id)
            except DomainError as refusal:
                log_access(actor=actor, client_ids=[client_id], action=action, basis=AccessBasis.DENIED,
                           reason=refusal.code, object_type=object_type, object_id=str(object_id))
                raise
    log_access(actor=actor, client_ids=[client_id], action=action, basis=grant.basis, reason=grant.reason,
         object_type=object_type, object_id=str(object_id))
    return grant


def log_list_read(*, actor: User, client_ids: Iterable[int], object_type: str = "client_list",
                  basis: AccessBasis = AccessBasis.CARE_RELATIONSHIP) -> None:
    """Log that a list showed these clients; the caller's query already went through a selector."""
    log_access(actor=actor, client_ids=list(client_ids), action=AccessAction.READ, basis=basis, object_type=object_type)


def require_team_lead_access(*, actor: User, client_id: int, client_organisation_id: int | None,
                             action: AccessAction = AccessAction.WRITE, object_type: str = "client",
                             object_id: str | int = "") -> AccessGrant:
    """Allow a team lead to organise (assign, merge) a client of their own organisation; log either way.

    This is the administrative basis: the lead handles minimum data to organise the work and needs no
    care relationship (assigning is what creates one); clinical content still needs a relationship.
    """
    allowed = (actor.is_authenticated and actor.is_active and actor.has_perm("core.assign_clients")
               and actor.organisation_id is not None and actor.organisation_id == client_organisation_id)
    basis = AccessBasis.ADMINISTRATIVE if allowed else AccessBasis.DENIED
    log_access(actor=actor, client_ids=[client_id], action=action, basis=basis, object_type=object_type,
         object_id=str(object_id))
    if not allowed:
        raise AccessDenied("team_lead_access_denied",
                           _("Only a team lead of the client's organisation can do this."))
    return AccessGrant(client_id=client_id, basis=AccessBasis.ADMINISTRATIVE)


def break_the_glass(*, actor: User, client_id: int, reason: str,
                    hours: float | None = None) -> BreakTheGlassGrant:
    """Open one client without a care relationship: reason required, expires, flagged for review."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("State the reason for opening this client's data."),
                          field="reason")
    if not actor.has_perm("core.break_the_glass"):
        log_access(actor=actor, client_ids=[client_id], action=AccessAction.READ, basis=AccessBasis.DENIED,
             reason=reason, object_type="break_the_glass")
        raise AccessDenied("break_the_glass_not_permitted",
                           _("Your role does not allow emergency access to client data."))
    now = timezone.now()
    hours = hours if hours is not None else settings.POLKU_BREAK_THE_GLASS_HOURS
    if not 0 < hours <= settings.POLKU_BREAK_THE_GLASS_HOURS:
        raise DomainError("invalid_duration", _("Emergency access lasts at most %(hours)s hours.")
                          % {"hours": settings.POLKU_BREAK_THE_GLASS_HOURS}, field="hours")
    with transaction.atomic():
        grant = BreakTheGlassGrant.objects.create(
            user=actor, client_id=client_id, reason=reason, granted_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        log_access(actor=actor, client_ids=[client_id], action=AccessAction.READ,
             basis=AccessBasis.BREAK_THE_GLASS, reason=reason, object_type="break_the_glass",
             object_id=str(grant.pk))
    return grant


@transaction.atomic
def review_break_the_glass(*, reviewer: User, grant: BreakTheGlassGrant, note: str) -> BreakTheGlassGrant:
    """The data controller marks an emergency access as reviewed, with a note."""
    if not reviewer.has_perm("core.review_access_log"):
        raise AccessDenied("review_not_permitted", _("Only the data controller reviews emergency access."))
    grant = BreakTheGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        raise DomainError("already_reviewed", _("This emergency access has already been reviewed."))
    grant.reviewed_at = timezone.now()
    grant.reviewed_by = reviewer
    grant.review_note = (note or "").strip()
    grant.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    return grant


def record_disclosure(*, actor: User, recipient: str, purpose: str, content: str, channel: str,
                      client_id: int | None = None, legal_basis: str = "") -> DisclosureLog:
    """Write the disclosure log row for data leaving the care team (export, API, referral)."""
    return DisclosureLog.objects.create(
        actor=actor if actor.pk else None, actor_username=actor.get_username(), client_id=client_id,
        recipient=recipient, purpose=purpose, content=content, channel=channel, legal_basis=legal_basis,
    )
