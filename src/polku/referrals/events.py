"""The path-event activities referrals write into casework's PathEvent table (past tense, as the log's own)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from polku.casework.models import PathEventKind
from polku.referrals.models import ReferralStep


class ReferralEventKind(models.TextChoices):
    REFERRAL_SENT = "REFERRAL_SENT", _("Referral sent")
    REFERRAL_RECEIVED = "REFERRAL_RECEIVED", _("Referral received")
    REFERRAL_ACCEPTED = "REFERRAL_ACCEPTED", _("Referral accepted")
    REFERRAL_REJECTED = "REFERRAL_REJECTED", _("Referral rejected")
    APPOINTMENT_BOOKED = "APPOINTMENT_BOOKED", _("Appointment booked")
    APPOINTMENT_HELD = "APPOINTMENT_HELD", _("Appointment held")
    APPOINTMENT_MISSED = "APPOINTMENT_MISSED", _("Appointment missed")
    REFERRAL_CLOSED = "REFERRAL_CLOSED", _("Referral closed")
    REFERRAL_WITHDRAWN = "REFERRAL_WITHDRAWN", _("Referral withdrawn")
    REFERRAL_EXPIRED = "REFERRAL_EXPIRED", _("Referral expired")
    CALLBACK_MISSED = "CALLBACK_MISSED", _("Call-back missed")
    # The same activity name casework uses, so that analytics see one activity whoever recorded it.
    CLIENT_UNREACHABLE = PathEventKind.CLIENT_UNREACHABLE.value, _("Client unreachable")
    PATH_BROKEN = "PATH_BROKEN", _("Path broken")


ACTIVITY_OF_STEP: dict[str, str] = {
    ReferralStep.SENT: ReferralEventKind.REFERRAL_SENT,
    ReferralStep.RECEIVED: ReferralEventKind.REFERRAL_RECEIVED,
    ReferralStep.ACCEPTED: ReferralEventKind.REFERRAL_ACCEPTED,
    ReferralStep.REJECTED: ReferralEventKind.REFERRAL_REJECTED,
    ReferralStep.APPOINTMENT_BOOKED: ReferralEventKind.APPOINTMENT_BOOKED,
    ReferralStep.APPOINTMENT_HELD: ReferralEventKind.APPOINTMENT_HELD,
    ReferralStep.APPOINTMENT_MISSED: ReferralEventKind.APPOINTMENT_MISSED,
    ReferralStep.CLOSED: ReferralEventKind.REFERRAL_CLOSED,
    ReferralStep.WITHDRAWN: ReferralEventKind.REFERRAL_WITHDRAWN,
    ReferralStep.EXPIRED: ReferralEventKind.REFERRAL_EXPIRED,
    ReferralStep.CALLBACK_MISSED: ReferralEventKind.CALLBACK_MISSED,
    ReferralStep.CLIENT_UNREACHABLE: ReferralEventKind.CLIENT_UNREACHABLE,
}


# Activity code -> lazy label, built once (a path timeline asks for one label per event). Referrals' own kinds
# win where a code is in both.
_ACTIVITY_LABELS = {**{kind.value: kind.label for kind in PathEventKind},
                    **{kind.value: kind.label for kind in ReferralEventKind}}


def activity_label(activity: str) -> str:
    """A translated label for any path-event activity, casework's or referrals'; the code itself when unknown."""
    label = _ACTIVITY_LABELS.get(activity)
    return str(label) if label is not None else activity
