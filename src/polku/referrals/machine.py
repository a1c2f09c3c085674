"""The referral state machine as data: which step may follow which status, and who may take it.

draft → sent → received → accepted | rejected → appointment_booked → appointment_held → closed;
withdrawn from any open status before the appointment is held; expired (set by the break job) while the
referral waits for the service; a missed appointment returns the referral to "accepted" for a new booking.
Call-back missed and client unreachable are notes: recorded as steps, the status stays as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from polku.core.errors import DomainError
from polku.referrals.models import ReferralStatus as S
from polku.referrals.models import ReferralStep as T

SENDER = "sender"
RECIPIENT = "recipient"
SYSTEM = "system"
SIDE_LABELS = {SENDER: _("Referring care team"), RECIPIENT: _("Receiving service"), SYSTEM: _("Polku (automatic)")}

NOTE_STEPS = (T.CALLBACK_MISSED, T.CLIENT_UNREACHABLE)
_NOTES_WHILE_WAITING = {T.CALLBACK_MISSED: None, T.CLIENT_UNREACHABLE: None}

# status -> {step: next status}; None keeps the status (a note).
TRANSITIONS: dict[str, dict[str, str | None]] = {
    S.DRAFT: {T.SENT: S.SENT, T.WITHDRAWN: S.WITHDRAWN},
    S.SENT: {T.RECEIVED: S.RECEIVED, T.WITHDRAWN: S.WITHDRAWN, T.EXPIRED: S.EXPIRED, **_NOTES_WHILE_WAITING},
    S.RECEIVED: {T.ACCEPTED: S.ACCEPTED, T.REJECTED: S.REJECTED, T.WITHDRAWN: S.WITHDRAWN, T.EXPIRED: S.EXPIRED,
                 **_NOTES_WHILE_WAITING},
    S.ACCEPTED: {T.APPOINTMENT_BOOKED: S.APPOINTMENT_BOOKED, T.WITHDRAWN: S.WITHDRAWN, T.EXPIRED: S.EXPIRED,
                 **_NOTES_WHILE_WAITING},
    S.APPOINTMENT_BOOKED: {T.APPOINTMENT_HELD: S.APPOINTMENT_HELD, T.APPOINTMENT_MISSED: S.ACCEPTED,
                           T.WITHDRAWN: S.WITHDRAWN, **_NOTES_WHILE_WAITING},
    S.APPOINTMENT_HELD: {T.CLOSED: S.CLOSED},
    S.REJECTED: {}, S.CLOSED: {}, S.WITHDRAWN: {}, S.EXPIRED: {},
}

TERMINAL = frozenset(status for status, steps in TRANSITIONS.items() if not steps)
WAITING = (S.SENT, S.RECEIVED, S.ACCEPTED)  # waiting for the service: these can expire

# Who takes a step. The service's answers are the recipient's in Polku's inbox, or recorded by the sender
# by hand when the service does not work in Polku (or the referral came from outside).
SENDER_STEPS = frozenset({T.SENT, T.WITHDRAWN})
HANDLER_STEPS = frozenset({T.RECEIVED, T.ACCEPTED, T.REJECTED, T.APPOINTMENT_BOOKED, T.APPOINTMENT_HELD,
                           T.APPOINTMENT_MISSED, T.CLOSED})
EITHER_SIDE_STEPS = frozenset(NOTE_STEPS)
SYSTEM_STEPS = frozenset({T.EXPIRED})

# Steps that need more than a click: a reason or an appointment time.
STEPS_WITH_INPUT = frozenset({T.REJECTED, T.WITHDRAWN, T.APPOINTMENT_BOOKED})


def allowed_steps(status: str) -> list[str]:
    """Every step the machine allows from `status`, notes included, in the machine's order."""
    return list(TRANSITIONS[status])


def next_status(status: str, step: str) -> str:
    """The status after `step`; DomainError naming the allowed next states when the machine does not allow it."""
    steps = TRANSITIONS[status]
    if step not in steps:
        moves = [T(candidate) for candidate in steps if candidate not in NOTE_STEPS]
        allowed = ", ".join(str(move.label) for move in moves) or str(_("none (the referral has ended)"))
        raise DomainError(
            "transition_not_allowed",
            _("A referral in status “%(status)s” cannot move to “%(step)s”. Allowed next states: %(allowed)s.")
            % {"status": S(status).label, "step": T(step).label, "allowed": allowed},
            params={"allowed": [move.value for move in moves], "status": status, "step": step})
    target = steps[step]
    return status if target is None else target


def steps_for_side(status: str, *, side: str, handled_in_polku: bool) -> list[str]:
    """The steps a side may take now: what the buttons on its page offer (never the system's expiry)."""
    mine = set(EITHER_SIDE_STEPS)
    if side == SENDER:
        mine |= SENDER_STEPS
        if not handled_in_polku:
            mine |= HANDLER_STEPS
    elif side == RECIPIENT and handled_in_polku:
        mine |= HANDLER_STEPS
    return [step for step in allowed_steps(status) if step in mine]
