"""Who may act on a referral: the client's care team (through the access core) or the receiving service's inbox.

The inbox basis is narrow: a worker of the organisation that runs the target service (and works in Polku)
sees a sent referral and only the fields the client's consent discloses, never the client record. Every
read and step is logged in the access log with the `referral_recipient` basis; a refusal is logged as
`denied` before the caller answers 404.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, AccessBasis, User
from polku.referrals.machine import HANDLER_STEPS, RECIPIENT, SENDER, SENDER_STEPS
from polku.referrals.models import Referral, ReferralDirection, ReferralStatus

OBJECT_TYPE = "referral"


def _log(*, actor: User, client_ids: list[int], action: str, basis: str, object_id: str | int = "") -> None:
    # The access core's own row writer, so that these rows carry the same request metadata as the rest.
    access.log_access(actor=actor, client_ids=client_ids, action=action, basis=basis, object_type=OBJECT_TYPE,
                object_id=str(object_id))


def is_recipient(*, user: User, referral: Referral) -> bool:
    """True when the user works in the organisation of the referral's target service, and it uses Polku's inbox."""
    service = referral.target_service
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("core.work_with_clients")
        and referral.direction == ReferralDirection.OUTGOING and referral.status != ReferralStatus.DRAFT
        and service is not None and service.uses_polku and user.organisation_id is not None
        and user.organisation_id == service.organisation_id)


def require_recipient_access(*, actor: User, referral: Referral, action: AccessAction = AccessAction.READ) -> None:
    """Allow the receiving service's worker; log the access with the `referral_recipient` basis, or as denied."""
    allowed = is_recipient(user=actor, referral=referral)
    _log(actor=actor, client_ids=[referral.client_id], action=action,
         basis=AccessBasis.REFERRAL_RECIPIENT if allowed else AccessBasis.DENIED, object_id=referral.pk)
    if not allowed:
        raise AccessDenied("referral_not_found", _("No such referral."))


def log_inbox_read(*, actor: User, client_ids: list[int]) -> None:
    """Log that the inbox list showed these clients' referrals (disclosed fields only)."""
    if client_ids:
        access.log_list_read(actor=actor, client_ids=client_ids, object_type="referral_inbox",
                             basis=AccessBasis.REFERRAL_RECIPIENT)


def require_step_access(*, actor: User, referral: Referral, step: str) -> str:
    """Check (and log) the actor's right to take `step`; returns the side that acts. Call before the transaction.

    The service's answers go through the inbox when the service works in Polku; otherwise the care team
    records them by hand. Notes (call-back missed, client unreachable) come from either side.
    """
    if step in HANDLER_STEPS:
        recipient_side = referral.handled_in_polku
    elif step in SENDER_STEPS:
        recipient_side = False
    else:
        recipient_side = (referral.handled_in_polku
                          and actor.organisation_id == referral.target_service.organisation_id)
    if recipient_side:
        require_recipient_access(actor=actor, referral=referral, action=AccessAction.WRITE)
        return RECIPIENT
    access.require_client_access(actor=actor, client_id=referral.client_id, action=AccessAction.WRITE,
                                 object_type=OBJECT_TYPE, object_id=referral.pk or "")
    return SENDER
