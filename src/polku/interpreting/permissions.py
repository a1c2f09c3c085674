"""Who may act on a booking: the client's care team, the centre's dispatcher, the assigned interpreter.

Dispatchers and interpreters have no care relationship; they handle the minimum data to organise
interpreting (administrative basis), never clinical content, and every such access is logged.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, AccessBasis, User
from polku.interpreting.models import Booking


def is_dispatcher_of(actor: User, centre_id: int | None) -> bool:
    """A dispatcher of this interpreter centre."""
    return bool(actor.is_authenticated and actor.is_active and actor.has_perm("core.dispatch_interpreting")
                and actor.organisation_id is not None and actor.organisation_id == centre_id)


def require_dispatcher(*, actor: User, booking: Booking) -> None:
    """Allow the booking's centre's dispatcher; log the administrative access, or the refusal."""
    allowed = is_dispatcher_of(actor, booking.centre_id)
    access.log_list_read(actor=actor, client_ids=[booking.client_id], object_type="interpreter_booking",
                         basis=AccessBasis.ADMINISTRATIVE if allowed else AccessBasis.DENIED)
    if not allowed:
        raise AccessDenied("not_dispatcher", _("Only the interpreter centre's dispatcher can do this."))


def require_interpreter(*, actor: User, booking: Booking) -> None:
    """Allow the interpreter the booking is assigned to; log either way."""
    profile = getattr(actor, "interpreter_profile", None) if actor.is_authenticated else None
    allowed = bool(actor.has_perm("core.interpret") and profile is not None and booking.interpreter_id == profile.pk)
    access.log_list_read(actor=actor, client_ids=[booking.client_id], object_type="interpreter_assignment",
                         basis=AccessBasis.ADMINISTRATIVE if allowed else AccessBasis.DENIED)
    if not allowed:
        raise AccessDenied("not_assigned_interpreter", _("This assignment is not yours."))


def require_worker_or_dispatcher(*, actor: User, booking: Booking) -> None:
    """The client's care team (through the access core) or the centre's dispatcher."""
    if is_dispatcher_of(actor, booking.centre_id):
        require_dispatcher(actor=actor, booking=booking)
        return
    access.require_client_access(actor=actor, client_id=booking.client_id, action=AccessAction.WRITE,
                                 object_type="interpreter_booking", object_id=booking.pk)
